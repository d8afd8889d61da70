"""The front page's content, computed from the data: key findings, the Shandong tile grid,
the reliability line and the glossary (HTML fragments, all data text escaped).

The build layer (`helpers.build.index`) puts these together with the list of reports and the
downloads; nothing here knows about rendering.
"""

from __future__ import annotations

import pandas as pd

from ..data import Dataset, places
from ..data.vocab import KINDS
from ..exceptions import UnknownNameError
from ..resolution import resolve
from ..rules import lapse
from .agreement import agreement_text
from .fmt import label_zh, value_text
from .marks import LOOKS
from .markup import esc, legend
from .tables import marks

#: Cities whose figures the key-findings box states.
FEATURED = ("济南", "泰安", "青岛")
SHANDONG = "370000"

#: Plain-language terms a reader meets in the reports (prose, not vocabulary: the labels of
#: values, kinds and statuses come from data/parameters.yaml).
GLOSSARY: tuple[tuple[str, str], ...] = (
    (
        "档次 tier",
        "居民医保个人缴费的等级,由各地自行编号:有的城市第1档是较低档,有的城市第1档却是较高档,"
        "所以不同城市的\"第1档\"不能直接比较;本站图表按各地实际缴费高低并列,并标出各地自己的档次名。 "
        "Resident premium level, numbered locally: tier 1 is the cheaper option in some cities and the "
        "dearer one in others, so one city's \"tier 1\" is not another's; charts put each city's lower and "
        "higher option side by side under the city's own label.",
    ),
    (
        "共济 family account pooling",
        "职工医保个人账户的钱可以给绑定的近亲属用(代缴居民医保费、支付就医自付费用)。 "
        "An employee's personal account may pay for bound close relatives.",
    ),
    (
        "等待期 waiting period",
        "断缴后重新缴费,要过多久才恢复医保报销。 Months after paying again before benefits resume.",
    ),
    (
        "固定/变动等待期 fixed / variable waiting",
        "居民医保未连续参保时,等待期由固定部分(如 3 个月)加上按断缴年数增加的变动部分组成;"
        "缴费修复可以缩短变动部分。 A fixed part plus a part growing with each lapsed year, which "
        "restoration payments can shorten.",
    ),
    ("断缴 lapse", "中途停止缴费、出现空档。 A gap in contributions."),
    ("补缴 back-payment", "事后补交断缴期间的费用。 Paying for the gap afterwards."),
    (
        "线索 lead",
        "只有疑似机器生成的网页这样说:不作为证据、不作为显示的数值,只作为待核实的线索列出。 "
        "Only machine-written pages say so: listed to follow up, never shown as a value.",
    ),
)
#: What each source kind rests on (the rubric in data/README.md, in a sentence).
KIND_NOTES = {
    "official": "政府机关自己的网页或文件 a government body's own page or notice",
    "official-reprint": "注明出处转载的官方文件 an official notice reposted with its origin named",
    "media": "新闻机构的报道 a news outlet's article",
    "calculator": "持续维护的计算器数据文件 a maintained calculator's data file",
    "aggregator": "汇编型问答或健康资讯页 a Q&A or health-news page compiling facts",
    "ai-generated": "疑似机器生成的模板页,只作线索 a machine-written template page: a lead only",
}
FINDINGS = (
    ("family_account.max_relatives", "", "最多可绑定近亲属 most relatives bound"),
    ("resident.premium", "tier=1", "居民医保个人缴费(第1档)resident premium, tier 1"),
)


def _mark_text(row) -> str:
    return " ".join(marks(row))


def key_findings(ds: Dataset, cities=FEATURED, year: int | None = 2025) -> str:
    """The key-findings box: binding limits, premiums and a lapse wait for the featured cities.

    Featured cities the data does not know are left out (a test dataset may hold only a few).
    """
    cities = [c for c in cities if _known(ds, c)]
    if not cities:
        return ""
    r = resolve(ds, ",".join(cities), year=year)
    items = []
    for pid, ck, what in FINDINGS:
        sel = r[(r["parameter"] == pid) & (r["conditions"] == ck)]
        parts = []
        for x in sel.to_dict("records"):
            if x["status"] == "unknown":
                parts.append(f"{x['city_zh']} — 未知")
                continue
            vals = x["values"] if x["conflict"] else [x["value"]]
            text = " / ".join(value_text(v, x["type"], ds.labels, x["unit"]) for v in vals)
            parts.append(f"{x['city_zh']} {text} {_mark_text(x)}".strip())
        items.append(f"<li><b>{esc(what)}</b>:{esc(';'.join(parts))}</li>")
    waits = []
    for city in cities:
        res = lapse(ds, city, "employee", gap_months=6, back_paid=True, year=year)
        name = places.label(ds, res["city"])
        if pd.isna(res["waiting_min"]):
            waits.append(f"{name} — 未知")
            continue
        lo, hi = res["waiting_min"], res["waiting_max"]
        span = f"{lo}" if lo == hi else f"{lo}–{hi}"
        waits.append(
            f"{name} {span} 个月 {_origin_mark(ds, res['city'], res['claims'])}".strip()
            + (" ⚠" if res["conflict"] else "")
        )
    items.append(
        "<li><b>职工医保断缴 6 个月并补缴后的等待期 employee scheme, wait after a 6-month gap</b>:"
        + esc(";".join(waits))
        + "</li>"
    )
    return (
        "<section class='yb-findings' aria-labelledby='yb-findings-h'>"
        "<h2 id='yb-findings-h'>要点 Key findings"
        f"({esc(year)} 年度)</h2><ul>" + "".join(items) + "</ul><p class='yb-legend'>↑省 / ↑国 = 继承省级 / "
        "全国的规定;⚠ = 来源说法不一;— 未知 = 没有来源。详见各报告的脚注。</p></section>"
    )


def _known(ds: Dataset, name: str) -> bool:
    try:
        places.find(ds, name)
    except UnknownNameError:
        return False
    return True


def _origin_mark(ds: Dataset, code: str, claims: list[str]) -> str:
    """↑省 / ↑国 when every claim behind a computed answer comes from the province / national level."""
    where = set(ds.claims.loc[ds.claims["claim_id"].isin(claims), "jurisdiction"])
    if not where or code in where:
        return ""
    levels = {places.level(ds, j) for j in where}
    return "↑省" if "province" in levels else "↑国"


def tile_grid(ds: Dataset, year: int | None = 2025) -> str:
    """The 16 Shandong cities × topics: how many parameters are own, inherited, unknown (text and bar)."""
    j = ds.jurisdictions
    codes = list(j.loc[j["parent"] == SHANDONG, "code"])
    r = resolve(ds, codes, year=year)
    r = r[r["topic"] != "benefit"]
    topics = [t for t in ds.topics if t != "benefit"]
    statuses = list(dict.fromkeys(["own", *sorted(set(r["status"]) - {"own", "unknown"}), "unknown"]))
    tiles = []
    for code in codes:
        sub = r[r["city"] == code]
        lines = []
        for t in topics:
            counts = sub[sub["topic"] == t]["status"].value_counts()
            total = int(counts.sum()) or 1
            bar = "".join(  # segment colours from report.marks, as the charts and the legend
                f"<span class='yb-seg yb-{esc(s)}' style='width:{100 * counts.get(s, 0) / total:.1f}%;"
                f"background:{esc(LOOKS[s].colour if s in LOOKS else '#ffffff')}'></span>"
                for s in statuses
            )
            words = " · ".join(
                f"{_short(s, ds.labels)} {counts.get(s, 0)}" for s in statuses if counts.get(s, 0)
            )
            lines.append(
                f"<div class='yb-tline'><span class='yb-topic'>{esc(ds.topics[t]['zh'])}</span>"
                f"<span class='yb-bar' aria-hidden='true'>{bar}</span>"
                f"<span class='yb-counts'>{esc(words)}</span></div>"
            )
        tiles.append(f"<li class='yb-tile'><h3>{esc(places.label(ds, code))}</h3>{''.join(lines)}</li>")
    key = " · ".join(f"{_short(s, ds.labels)} = {label_zh(s, ds.labels)}" for s in statuses)
    return (
        "<section aria-labelledby='yb-tiles-h'>"
        "<h2 id='yb-tiles-h'>山东16市:知道多少 Shandong at a glance</h2>"
        f"<p>每格:各主题中本地有来源、继承省级/全国、未知的参数个数。{esc(key)}</p>"
        "<ul class='yb-tiles'>" + "".join(tiles) + "</ul></section>"
    )


def _short(status: str, labels=None) -> str:
    """The mark or word a tile uses for a status (a status added later shows its zh label)."""
    return LOOKS[status].word if status in LOOKS and LOOKS[status].word else label_zh(status, labels)


def reliability(ds: Dataset, year: int | None = 2025) -> str:
    """'How reliable is this': sources and claims by kind, values shown by status, second coding."""
    kinds = ds.sources["kind"].value_counts()
    claim_kinds = ds.claims.merge(ds.sources, left_on="source", right_on="id")["kind"].value_counts()
    j = ds.jurisdictions
    r = resolve(ds, list(j.loc[j["parent"] == SHANDONG, "code"]), year=year)
    st = r["status"].value_counts()
    by_kind = "、".join(f"{label_zh(k, ds.labels)} {kinds.get(k, 0)}" for k in KINDS)
    claims = "、".join(f"{label_zh(k, ds.labels)} {claim_kinds.get(k, 0)}" for k in KINDS)
    shown = "、".join(f"{label_zh(s, ds.labels)} {n}" for s, n in st.items())
    return (
        "<p class='yb-reliable'><b>可靠程度 How reliable is this:</b> "
        f"{len(ds.sources)} 个来源 sources({esc(by_kind)});{len(ds.claims)} 条数据 claims({esc(claims)});"
        f"山东16市显示的 {len(r)} 个数值 values shown for Shandong: {esc(shown)};"
        f"其中来源冲突 disputed {int(r['conflict'].sum())};{esc(agreement_text(ds))}。</p>"
    )


def glossary(ds: Dataset) -> str:
    """Terms, source kinds and status marks in plain words (zh and en)."""
    terms = [(t, d) for t, d in GLOSSARY]
    terms += [
        (f"{label_zh(k, ds.labels)} {ds.labels.get(k, {}).get('en', k)}", KIND_NOTES.get(k, ""))
        for k in KINDS
    ]
    items = "".join(f"<dt>{esc(t)}</dt><dd>{esc(d)}</dd>" for t, d in terms)
    return (
        "<section aria-labelledby='yb-gloss-h'><h2 id='yb-gloss-h'>词汇 Glossary</h2>"
        f"<dl class='yb-glossary'>{items}</dl><h3>标记 Marks</h3>{legend(ds.labels)}</section>"
    )
