"""Report sections for the lapse, family-account and contribution notebooks; each returns a `Section`.

The scenario grids are built by small functions (`lapse_grid`, `wage_grid`, `household`) so a
notebook can show each step: build the grid, run the calculator, then format the result.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ..data import Dataset, places
from ..exceptions import YibaoError
from ..rules import lapses
from .content import Section, figure_html
from .fmt import label_zh
from .markup import Footnotes, esc, table


def _cite(notes: Footnotes, claims: list[str]) -> str:
    return notes.cite(claims)


def assumptions(items: list[tuple[str, str]]) -> str:
    """The scenario a report assumes, printed before its answers (terms and values escaped)."""
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items)
    return f"<div class='yb-assume'><h3>本报告假设的情景 Scenario assumed</h3><dl>{rows}</dl></div>"


def place_names(ds: Dataset, codes) -> str:
    """Chinese names of places, joined with 、."""
    return "、".join(places.label(ds, c) for c in codes)


def _months(lo, hi, conflict: bool = False) -> str:
    """'6', '3–4' (a range the rule leaves open) or '0–6 ⚠' (sources disagree); '— 未知' if unknown."""
    if pd.isna(lo):
        return "— 未知"
    if lo == hi:
        return f"{lo}"
    return f"{lo}–{hi}" + (" ⚠" if conflict else "")


def lapse_grid(ds: Dataset, cities, scheme: str, max_gap: int) -> pd.DataFrame:
    """Scenarios for `lapses`: every city × gap of 0…max_gap months, back-paid."""
    codes = places.find_many(ds, cities)
    return pd.DataFrame(
        [
            {"city": c, "scheme": scheme, "gap_months": g, "back_paid": True}
            for c in codes
            for g in range(0, max_gap + 1)
        ]
    )


def lapse_gaps(ds: Dataset, res: pd.DataFrame, notes: Footnotes) -> Section:
    """Months until benefits resume vs gap length per place (from `lapses`); CSV `gaps`.

    A table, not a chart: several places often share one national rule, and lines drawn over
    each other hide that.
    """
    res = res.copy()
    res["city_zh"] = res["city"].map(lambda c: places.label(ds, c))
    codes = list(dict.fromkeys(res["city"]))
    gaps = sorted(set(res["gap_months"]))
    scheme = "、".join(label_zh(x, ds.labels) for x in dict.fromkeys(res["scheme"]))
    rows = []
    for code in codes:
        sub = res[res["city"] == code].set_index("gap_months")
        cites = _cite(notes, sorted({c for cl in sub["claims"] for c in cl}))
        rows.append(
            [esc(places.label(ds, code)) + cites]
            + [
                esc(_months(sub.at[g, "waiting_min"], sub.at[g, "waiting_max"], sub.at[g, "conflict"]))
                for g in gaps
            ]
        )
    parts = [
        assumptions(
            [
                ("参保类型 scheme", scheme),
                ("地区 places", place_names(ds, codes)),
                ("断缴月数 gap", f"0–{max(gaps)} 个月 months"),
                ("补缴 back-payment", "断缴期间已补缴 the gap is back-paid"),
            ]
        ),
        table(["城市 city \\ 断缴月数 gap (months)", *map(str, gaps)], rows, raw=True),
        "<p>表中数字为恢复待遇前的等待月数;0 = 续缴次月起享受待遇;3–6 ⚠ = 来源说法不一,两端都列出。"
        " Cells are waiting months before benefits resume; 0 = from the month after payment; "
        "a range with ⚠ means sources disagree.</p>",
    ]
    disputed = res[res["conflict"]]
    if not disputed.empty:
        parts.append(
            f"<p><b>来源冲突 Disputed:</b> {len(disputed)} / {len(res)} 个情景的来源说法不一 "
            "scenarios have sources that disagree; both ends of the range are shown with their sources.</p>"
        )
    heading = f"断缴 N 个月并补缴后的等待期({scheme})Waiting months after an N-month gap"
    return Section(heading, parts, {"gaps": res}, level=2)


def resident_years(ds: Dataset, cities, year: int | None, notes: Footnotes) -> Section:
    """Resident scheme: waiting months after 0–6 lapsed years, restored or not; CSV `resident-years`."""
    codes = places.find_many(ds, cities)
    yrs = pd.DataFrame(
        [
            {"city": c, "scheme": "resident", "lapsed_years": n, "back_paid": b}
            for c in codes
            for n in range(0, 7)
            for b in (False, True)
        ]
    )
    ry = lapses(ds, yrs, year=year)
    rows = []
    for c in codes:
        for b in (False, True):
            sub = ry[(ry["city"] == c) & (ry["back_paid"] == b)]
            cites = _cite(notes, sorted({k for cl in sub["claims"] for k in cl}))
            rows.append(
                [esc(places.label(ds, c)) + ("(已缴修复费 restored)" if b else "") + cites]
                + [esc(_months(x.waiting_min, x.waiting_max, x.conflict)) for x in sub.itertuples()]
            )
    parts = [
        table(["城市 city \\ 连续断缴年数 lapsed years", *map(str, range(0, 7))], rows, raw=True),
        "<p>无 ⚠ 的区间(如 3–4):规则允许缴费修复缩短变动等待期,但我们掌握的官方来源未给出缩短多少。"
        " A range without ⚠ (e.g. 3–4): restoration payments may shorten the variable part, but no "
        "official source we hold says by how much, so both ends are shown.</p>",
    ]
    heading = "居民医保:连续断缴 N 年后的等待期 Resident scheme: waiting after N lapsed years"
    return Section(heading, parts, {"resident-years": ry}, level=2)


def _money(lo, hi) -> str:
    if pd.isna(lo):
        return "— 未知"
    return f"{lo:,.2f}" if lo == hi else f"{lo:,.2f}–{hi:,.2f} ⚠"


def wage_grid(ds: Dataset, cities, wages) -> pd.DataFrame:
    """Scenarios for `employee_contributions`: every city × wage (wages as '3000,5000' or a list)."""
    if isinstance(wages, str):
        try:
            wages = [float(w) for w in wages.split(",") if w.strip()]
        except ValueError:
            raise YibaoError(f"wages must be comma-separated numbers, got {wages!r}") from None
    codes = places.find_many(ds, cities)
    return pd.DataFrame([{"city": c, "wage": w} for c in codes for w in wages])


def contribution_table(ds: Dataset, res: pd.DataFrame, notes: Footnotes) -> Section:
    """Employer and employee contributions per month (from `employee_contributions`); CSV `employee`."""
    res = res.copy()
    res["city_zh"] = res["city"].map(lambda c: places.label(ds, c))
    res["band_zh"] = [label_zh(b, ds.labels) for b in res["band"]]
    rows = [
        [
            esc(x.city_zh) + _cite(notes, x.claims),
            f"{x.wage:,.0f}",
            esc(_money(x.base_lo, x.base_hi)),
            esc(_money(x.employer_month_lo, x.employer_month_hi)),
            esc(_money(x.maternity_month_lo, x.maternity_month_hi)),
            esc(_money(x.employee_month_lo, x.employee_month_hi)),
            esc(x.band_zh),
        ]
        for x in res.itertuples()
    ]
    header = [
        "城市 city",
        "月工资 wage",
        "缴费基数 base",
        "单位 employer",
        "其中生育 maternity",
        "个人 employee",
        "基数上下限依据 band from",
    ]
    wages = "、".join(f"{w:,.0f}" for w in dict.fromkeys(res["wage"]))
    parts = [
        assumptions(
            [
                ("参保类型 scheme", label_zh("employee", ds.labels)),
                ("月工资 monthly wage", f"{wages} 元 yuan"),
                ("缴费基数 base", "工资按基数下限/上限保底封顶 wage clamped to the base floor and ceiling"),
                ("地区 places", place_names(ds, dict.fromkeys(res["city"]))),
            ]
        ),
        table(header, rows, raw=True),
    ]
    known = res[res["employee_month_lo"].notna()]
    if not known.empty:
        fig, ax = plt.subplots(figsize=(7.2, 3.8))
        for name, sub in known.groupby("city_zh", sort=False):
            line = ax.plot(sub["wage"], sub["employer_month_hi"], marker="o", label=f"{name} 单位 employer")
            ax.plot(
                sub["wage"],
                sub["employee_month_hi"],
                marker="s",
                linestyle="--",
                color=line[0].get_color(),
                label=f"{name} 个人 employee",
            )
        ax.set_xlabel("月工资 monthly wage (元 yuan)")
        ax.set_ylabel("月缴费 per month (元 yuan)")
        ax.set_title("缴费随工资变化(基数封顶保底)Contributions vs wage", fontsize=11, loc="left")
        ax.legend(fontsize=8, loc="upper left", frameon=True)
        fig.tight_layout()
        alt = "月缴费(元)monthly contributions in yuan, employer / employee: " + "; ".join(
            f"{x.city_zh} 工资 {x.wage:,.0f}: {x.employer_month_hi:,.0f} / {x.employee_month_hi:,.0f}"
            for x in known.itertuples()
        )
        missing = [c for c in dict.fromkeys(res["city_zh"]) if c not in set(known["city_zh"])]
        if missing:
            alt += "; 未绘出(缴费未知)not drawn, unknown: " + "、".join(missing)
        parts.append(figure_html(fig, alt))
        if missing:
            parts.append(f"<p>图中未绘出(缴费未知)not drawn, unknown: {esc('、'.join(missing))}</p>")
    heading = "职工医保月缴费(元)Employee scheme: monthly contributions (yuan)"
    return Section(heading, parts, {"employee": res}, level=2)
