"""Family-account report section: who in a household can be bound, why not, and the yearly cost."""

from __future__ import annotations

import json

import pandas as pd

from ..data import Dataset, places
from ..exceptions import YibaoError
from ..rules import family_binding
from .content import Section
from .fmt import label_zh, reason_text
from .markup import Footnotes, esc, table
from .scenarios import assumptions, place_names


def household(text: str) -> list[dict]:
    """The household parameter (a JSON list of relatives) as a list of dicts; a clear error if malformed."""
    try:
        relatives = json.loads(text)
    except json.JSONDecodeError as exc:
        raise YibaoError(f"household is not valid JSON: {exc.msg}") from None
    if not isinstance(relatives, list) or not all(isinstance(r, dict) for r in relatives):
        raise YibaoError('household must be a JSON list of objects, e.g. [{"relation": "spouse"}]')
    return relatives


def describe_relative(rel: dict, labels) -> str:
    """One relative of the household in words: '子女, 8 岁' / '兄弟姐妹, 在北京参保'."""
    out = [label_zh(rel.get("relation"), labels)]
    if rel.get("age") is not None:
        out.append(f"{rel['age']} 岁")
    if rel.get("place"):
        out.append(f"在{rel['place']}参保 insured there")
    if rel.get("student"):
        out.append("学生 student")
    if rel.get("group"):
        out.append(label_zh(rel["group"], labels))
    if rel.get("already_bound"):
        out.append("已被他人绑定 already bound by someone else")
    if rel.get("scheme") and rel["scheme"] != "resident":
        out.append(label_zh(rel["scheme"], labels))
    return ", ".join(map(str, out))


def family_section(
    ds: Dataset, cities, relatives: list[dict], tier: int, year: int | None, notes: Footnotes
) -> Section:
    """Per place: who in the household can be bound, why not, and the yearly premium; CSV `relatives`."""
    frames, totals = [], []
    codes = places.find_many(ds, cities)
    household_text = ";".join(f"{i}. {describe_relative(r, ds.labels)}" for i, r in enumerate(relatives, 1))
    parts = [
        assumptions(
            [
                ("职工 employee", "在本地参加职工医保、个人账户有足够余额 insured here as an employee"),
                ("家庭成员 household", household_text),
                ("代缴档次 tier paid", f"居民医保第 {tier} 档 resident tier {tier}"),
                ("政策年度 year", str(year) if year else "任何年度 any"),
                ("地区 places", place_names(ds, codes)),
            ]
        )
    ]
    for code in codes:
        r = family_binding(ds, code, relatives, tier=tier, year=year)
        r.insert(0, "city_zh", places.label(ds, code))
        r.insert(3, "can_bind_zh", [label_zh(v, ds.labels) for v in r["can_bind"]])
        r.insert(5, "reason_zh", [reason_text(v, ds.labels) for v in r["reason"]])
        frames.append(r)
        ok = r[r["can_bind"] == "yes"]
        totals.append(
            {
                "city_zh": places.label(ds, code),
                "lo": ok["premium_lo"].sum(min_count=1),
                "bound": len(ok),
                "unknown_cost": int(ok["premium_lo"].isna().sum()),
                "claims": sorted({c for cl in ok["claims"] for c in cl}),
            }
        )
        rows = [
            [
                esc(describe_relative(relatives[i], ds.labels)),
                esc(x.can_bind_zh) + (" ⚠" if x.conflict else ""),
                esc(x.reason_zh),
                esc("—" if pd.isna(x.premium_lo) else f"{x.premium_lo:,.0f} 元"),
                notes.cite(x.claims),
            ]
            for i, x in enumerate(r.itertuples())
        ]
        parts.append(f"<h3>{esc(places.label(ds, code))}</h3>")
        parts.append(
            table(
                ["亲属 relative", "可否绑定 can bind", "原因 why", "居民医保费/年 premium", "来源 sources"],
                rows,
                raw=True,
            )
        )
    t = pd.DataFrame(totals)
    parts.append("<h3>用职工个人账户代缴的年度费用 Yearly cost paid from the employee's account</h3>")
    parts.append(
        table(
            [
                "城市 city",
                "可绑定人数 bound",
                "年度费用 yearly cost",
                "费用未知人数 cost unknown",
                "来源 sources",
            ],
            [
                [
                    esc(x.city_zh),
                    str(x.bound),
                    "— 未知 unknown" if pd.isna(x.lo) else f"{x.lo:,.0f} 元",
                    str(x.unknown_cost),
                    notes.cite(x.claims),
                ]
                for x in t.itertuples()
            ],
            raw=True,
        )
    )
    allr = pd.concat(frames, ignore_index=True)
    return Section("谁能绑定、花多少 Who can be bound, and the cost", parts, {"relatives": allr}, level=2)
