"""Report sections for the lapse, family-account and contribution notebooks; each returns a `Section`.

The scenario grids are built by small functions (`lapse_grid`, `wage_grid`, `household`) so a
notebook can show each step: build the grid, run the calculator, then format the result.
"""

from __future__ import annotations

import pandas as pd
import seaborn as sns

from ..data import Dataset, places
from ..data.values import check_household
from ..exceptions import YibaoError
from ..rules import family_binding, lapses
from .content import Section, figure_html
from .markup import Footnotes, esc, table
from .plots import figure


def _cite(notes: Footnotes, claims: list[str]) -> str:
    return "".join(dict.fromkeys(notes.ref_claim(c) for c in claims))


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
    """Months until benefits resume vs gap length per city (from `lapses`); CSV `gaps`."""
    res = res.copy()
    res["city_zh"] = res["city"].map(lambda c: places.label(ds, c))
    codes = list(dict.fromkeys(res["city"]))
    gaps = sorted(set(res["gap_months"]))
    scheme = ", ".join(dict.fromkeys(res["scheme"]))
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
    parts = [table(["城市 city \\ 断缴月数 gap", *map(str, gaps)], rows, raw=True)]
    known = res[res["waiting_min"].notna()]
    if not known.empty:
        fig, ax = figure((8, 3.6))
        for name, sub in known.groupby("city_zh", sort=False):
            line = ax.plot(
                sub["gap_months"], sub["waiting_max"].astype(float), marker="o", label=f"{name} (最长 max)"
            )
            ax.fill_between(
                sub["gap_months"],
                sub["waiting_min"].astype(float),
                sub["waiting_max"].astype(float),
                alpha=0.25,
                color=line[0].get_color(),
            )
        ax.set_xlabel("断缴月数 gap (months)")
        ax.set_ylabel("等待期 waiting (months)")
        ax.set_title("补缴后待遇恢复前的等待期;阴影 = 来源冲突范围 shaded = disputed range")
        ax.legend(fontsize=8)
        fig.tight_layout()
        alt = "等待期 waiting months by gap: " + "; ".join(
            f"{n}: "
            + ", ".join(
                f"{g}→{_months(a, b)}"
                for g, a, b in zip(s["gap_months"], s["waiting_min"], s["waiting_max"], strict=True)
            )
            for n, s in known.groupby("city_zh", sort=False)
        )
        parts.append(figure_html(fig, alt))
    disputed = res[res["conflict"]]
    if not disputed.empty:
        parts.append(
            f"<p><b>来源冲突 Disputed:</b> {len(disputed)} of {len(res)} city × gap cells have sources "
            "that disagree; both ends of the range are shown with their sources.</p>"
        )
    heading = f"断缴 N 个月并补缴后的等待期 Waiting months after an N-month gap (scheme: {scheme})"
    return Section(heading, parts, {"gaps": res})


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
    rows = [
        [
            esc(places.label(ds, c)) + ("(已缴修复费 restored)" if b else ""),
            *[
                esc(_months(x.waiting_min, x.waiting_max, x.conflict))
                for x in ry[(ry["city"] == c) & (ry["back_paid"] == b)].itertuples()
            ],
        ]
        for c in codes
        for b in (False, True)
    ]
    parts = [
        table(["城市 city \\ 断缴年数 years", *map(str, range(0, 7))], rows, raw=True),
        "<p>无 ⚠ 的区间(如 3–4):规则允许缴费修复缩短变动等待期,但我们掌握的官方来源未给出缩短多少。"
        " A range without ⚠ (e.g. 3–4): restoration payments may shorten the variable part, but no "
        "official source we hold says by how much, so both ends are shown.</p>",
    ]
    heading = "居民医保:连续断缴 N 年后的等待期 Resident scheme: waiting after N lapsed years"
    return Section(heading, parts, {"resident-years": ry})


def household(text: str) -> list[dict]:
    """The household parameter (a JSON list of relatives) as a list of dicts; a clear error if malformed."""
    return check_household(text)


def family_section(
    ds: Dataset, cities, relatives: list[dict], tier: int, year: int | None, notes: Footnotes
) -> Section:
    """Per city: who in the household can be bound, why not, and the yearly premium; CSV `relatives`."""
    frames, totals, parts = [], [], []
    for code in places.find_many(ds, cities):
        r = family_binding(ds, code, relatives, tier=tier, year=year)
        r.insert(0, "city_zh", places.label(ds, code))
        frames.append(r)
        ok = r[r["can_bind"] == "yes"]
        totals.append(
            {
                "city_zh": places.label(ds, code),
                "lo": ok["premium_lo"].sum(min_count=1),
                "hi": ok["premium_hi"].sum(min_count=1),
                "bound": len(ok),
                "unknown_cost": int(ok["premium_lo"].isna().sum()),
            }
        )
        rows = [
            [
                esc(x.relation),
                esc(x.can_bind),
                esc(x.reason),
                esc("—" if pd.isna(x.premium_lo) else f"{x.premium_lo:,.0f} 元"),
                _cite(notes, x.claims),
            ]
            for x in r.itertuples()
        ]
        parts.append(f"<h4>{esc(places.label(ds, code))}</h4>")
        parts.append(
            table(
                ["亲属 relative", "可绑定 can bind", "原因 why", "居民医保费/年 premium", "来源 sources"],
                rows,
                raw=True,
            )
        )
    t = pd.DataFrame(totals)
    parts.append("<h4>用职工个人账户代缴的年度费用 Yearly cost paid from the employee's account</h4>")
    parts.append(
        table(
            ["城市 city", "可绑定人数 bound", "年度费用 yearly cost", "费用未知 cost unknown"],
            [
                [x.city_zh, x.bound, "—" if pd.isna(x.lo) else f"{x.lo:,.0f} 元", x.unknown_cost]
                for x in t.itertuples()
            ],
        )
    )
    if t["lo"].notna().any():
        fig, ax = figure((7, 3.2))
        sns.barplot(data=t.dropna(subset=["lo"]), x="city_zh", y="lo", ax=ax, color="#1f5f8b")
        ax.set_xlabel("")
        ax.set_ylabel("元/年 yuan per year")
        ax.set_title("家庭成员居民医保费合计 Relatives' resident premiums per year")
        fig.tight_layout()
        alt = "家庭成员居民医保费合计 relatives' premiums per year: " + ", ".join(
            f"{x.city_zh} {x.lo:,.0f} 元" for x in t.dropna(subset=["lo"]).itertuples()
        )
        parts.append(figure_html(fig, alt))
    allr = pd.concat(frames, ignore_index=True)
    return Section("谁能绑定 Who can be bound", parts, {"relatives": allr})


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
    rows = [
        [
            esc(x.city_zh) + _cite(notes, x.claims),
            f"{x.wage:,.0f}",
            esc(_money(x.base_lo, x.base_hi)),
            esc(_money(x.employer_month_lo, x.employer_month_hi)),
            esc(_money(x.maternity_month_lo, x.maternity_month_hi)),
            esc(_money(x.employee_month_lo, x.employee_month_hi)),
            esc(x.band),
        ]
        for x in res.itertuples()
    ]
    header = [
        "城市 city",
        "工资 wage",
        "缴费基数 base",
        "单位 employer",
        "其中生育 maternity",
        "个人 employee",
        "基数上下限 band",
    ]
    parts = [table(header, rows, raw=True)]
    known = res[res["employee_month_lo"].notna()]
    if not known.empty:
        long = pd.concat(
            [
                known.assign(who="单位 employer", yuan=known["employer_month_hi"]),
                known.assign(who="个人 employee", yuan=known["employee_month_hi"]),
            ]
        )
        fig, ax = figure((8, 3.6))
        sns.lineplot(data=long, x="wage", y="yuan", hue="city_zh", style="who", marker="o", ax=ax)
        ax.set_xlabel("月工资 monthly wage (yuan)")
        ax.set_ylabel("月缴费 per month (yuan)")
        ax.set_title("缴费随工资变化(基数封顶保底)Contributions vs wage (base clamped to the band)")
        fig.tight_layout()
        alt = "月缴费 monthly contributions, employer / employee: " + "; ".join(
            f"{x.city_zh} {x.wage:,.0f}: {x.employer_month_hi:,.0f} / {x.employee_month_hi:,.0f}"
            for x in known.itertuples()
        )
        parts.append(figure_html(fig, alt))
    heading = "职工医保月缴费 Employee scheme: monthly contributions (yuan)"
    return Section(heading, parts, {"employee": res})
