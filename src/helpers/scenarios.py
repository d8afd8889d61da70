"""Report sections for the lapse, family-account and contribution notebooks."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import HTML, Markdown, display

from . import places, plots
from .data import Dataset
from .exceptions import YibaoError
from .markup import LEGEND, Footnotes, esc, table
from .rules import employee_contributions, family_binding, lapses
from .sections import export_csv


def _cite(notes: Footnotes, claims: list[str]) -> str:
    return "".join(dict.fromkeys(notes.ref_claim(c) for c in claims))


def _months(lo, hi, conflict: bool = False) -> str:
    """'6', '3–4' (a range the rule leaves open) or '0–6 ⚠' (sources disagree); '— 未知' if unknown."""
    if pd.isna(lo):
        return "— 未知"
    if lo == hi:
        return f"{lo}"
    return f"{lo}–{hi}" + (" ⚠" if conflict else "")


def lapse_section(
    ds: Dataset,
    cities: str,
    scheme: str,
    max_gap: int,
    year: int | None,
    csv_dir: str = "",
    report: str = "lapse",
) -> None:
    """Months until benefits resume vs gap length per city; disputed rules drawn as ranges."""
    codes = places.find_many(ds, cities)
    grid = pd.DataFrame(
        [
            {"city": c, "scheme": scheme, "gap_months": g, "back_paid": True}
            for c in codes
            for g in range(0, max_gap + 1)
        ]
    )
    res = lapses(ds, grid, year=year)
    res["city_zh"] = res["city"].map(lambda c: places.label(ds, c))
    notes = Footnotes(ds)
    gaps = list(range(0, max_gap + 1))
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
    display(
        Markdown(
            f"### 断缴 N 个月并补缴后的等待期 Waiting months after an N-month gap (scheme: {esc(scheme)})"
        )
    )
    display(HTML(table(["城市 city \\ 断缴月数 gap", *map(str, gaps)], rows, raw=True)))
    known = res[res["waiting_min"].notna()]
    if not known.empty:
        fig, ax = plt.subplots(figsize=(8, 3.6))
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
        plots.show(fig)
    disputed = res[res["conflict"]]
    if not disputed.empty:
        display(
            Markdown(
                f"**来源冲突 Disputed:** {len(disputed)} of {len(res)} city × gap cells have sources "
                "that disagree; both ends of the range are shown with their sources."
            )
        )
    if scheme == "resident":
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
        display(
            Markdown("### 居民医保:连续断缴 N 年后的等待期 Resident scheme: waiting after N lapsed years")
        )
        display(HTML(table(["城市 city \\ 断缴年数 years", *map(str, range(0, 7))], rows, raw=True)))
        display(
            Markdown(
                "无 ⚠ 的区间(如 3–4):规则允许缴费修复缩短变动等待期,但我们掌握的官方来源未给出缩短多少。"
                " A range without ⚠ (e.g. 3–4): restoration payments may shorten the variable part, but no "
                "official source we hold says by how much, so both ends are shown."
            )
        )
        export_csv(ry, csv_dir, report, "resident-years")
    display(HTML(LEGEND + notes.html()))
    export_csv(res, csv_dir, report, "gaps")


def family_section(
    ds: Dataset,
    cities: str,
    household: str,
    tier: int,
    year: int | None,
    csv_dir: str = "",
    report: str = "family",
) -> None:
    """Per city: who in the household can be bound, why not, and the yearly premium cost."""
    try:
        relatives = json.loads(household)
    except json.JSONDecodeError as exc:
        raise YibaoError(f"household is not valid JSON: {exc.msg}") from None
    notes = Footnotes(ds)
    frames, totals = [], []
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
        display(Markdown(f"### {esc(places.label(ds, code))}"))
        display(
            HTML(
                table(
                    ["亲属 relative", "可绑定 can bind", "原因 why", "居民医保费/年 premium", "来源 sources"],
                    rows,
                    raw=True,
                )
            )
        )
    t = pd.DataFrame(totals)
    display(Markdown("### 用职工个人账户代缴的年度费用 Yearly cost paid from the employee's account"))
    display(
        HTML(
            table(
                ["城市 city", "可绑定人数 bound", "年度费用 yearly cost", "费用未知 cost unknown"],
                [
                    [x.city_zh, x.bound, "—" if pd.isna(x.lo) else f"{x.lo:,.0f} 元", x.unknown_cost]
                    for x in t.itertuples()
                ],
            )
        )
    )
    if t["lo"].notna().any():
        fig, ax = plt.subplots(figsize=(7, 3.2))
        sns.barplot(data=t.dropna(subset=["lo"]), x="city_zh", y="lo", ax=ax, color="#1f5f8b")
        ax.set_xlabel("")
        ax.set_ylabel("元/年 yuan per year")
        ax.set_title("家庭成员居民医保费合计 Relatives' resident premiums per year")
        fig.tight_layout()
        plots.show(fig)
    display(HTML(LEGEND + notes.html()))
    allr = pd.concat(frames, ignore_index=True)
    export_csv(allr, csv_dir, report, "relatives")


def _money(lo, hi) -> str:
    if pd.isna(lo):
        return "— 未知"
    return f"{lo:,.2f}" if lo == hi else f"{lo:,.2f}–{hi:,.2f} ⚠"


def contribution_section(
    ds: Dataset, cities: str, wages: str, year: int | None, csv_dir: str = "", report: str = "contributions"
) -> None:
    """Employer and employee contributions per month for each wage and city."""
    try:
        wage_list = [float(w) for w in wages.split(",") if w.strip()]
    except ValueError:
        raise YibaoError(f"wages must be comma-separated numbers, got {wages!r}") from None
    codes = places.find_many(ds, cities)
    grid = pd.DataFrame([{"city": c, "wage": w} for c in codes for w in wage_list])
    res = employee_contributions(ds, grid, year=year)
    res["city_zh"] = res["city"].map(lambda c: places.label(ds, c))
    notes = Footnotes(ds)
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
    display(Markdown("### 职工医保月缴费 Employee scheme: monthly contributions (yuan)"))
    display(
        HTML(
            table(
                [
                    "城市 city",
                    "工资 wage",
                    "缴费基数 base",
                    "单位 employer",
                    "其中生育 maternity",
                    "个人 employee",
                    "基数上下限 band",
                ],
                rows,
                raw=True,
            )
        )
    )
    known = res[res["employee_month_lo"].notna()]
    if not known.empty:
        long = pd.concat(
            [
                known.assign(who="单位 employer", yuan=known["employer_month_hi"]),
                known.assign(who="个人 employee", yuan=known["employee_month_hi"]),
            ]
        )
        fig, ax = plt.subplots(figsize=(8, 3.6))
        sns.lineplot(data=long, x="wage", y="yuan", hue="city_zh", style="who", marker="o", ax=ax)
        ax.set_xlabel("月工资 monthly wage (yuan)")
        ax.set_ylabel("月缴费 per month (yuan)")
        ax.set_title("缴费随工资变化(基数封顶保底)Contributions vs wage (base clamped to the band)")
        fig.tight_layout()
        plots.show(fig)
    display(HTML(LEGEND + notes.html()))
    export_csv(res, csv_dir, report, "employee")
