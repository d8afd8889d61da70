"""Report sections for households: who can be bound to a family account, and employee contributions."""

from __future__ import annotations

import pandas as pd
import seaborn as sns

from ..data import Dataset, inputs, load, places
from ..data.vocab import MARKS
from ..rules import family_binding
from .content import Section, figure_html
from .markup import Footnotes, esc, table
from .plots import figure
from .scenarios import cite


def household(text, ds: Dataset | None = None) -> list[dict]:
    """The household parameter as a checked list of relatives (relation words turned into codes).

    Parameters
    ----------
    text : str or list of dict
        A JSON list of objects such as ``[{"relation": "配偶"}, {"relation": "father", "age": 66}]``,
        or that list itself. Fields as for `helpers.family_binding`.
    ds : Dataset, optional
        The loaded data (default `helpers.load()`).

    Returns
    -------
    list of dict
        One dict per relative; ``relation`` as a vocabulary code, ``age`` an int, flags bools.

    Raises
    ------
    InputError
        Not JSON, not a list of objects (e.g. a list of words), an unknown field or relation.

    Examples
    --------
    >>> import helpers as h
    >>> h.report.household('[{"relation": "岳父母"}, {"relation": "daughter", "age": "8"}]')
    [{'relation': 'parent_in_law'}, {'relation': 'child', 'age': 8}]
    """
    return inputs.household(ds if ds is not None else load(), text)


def family_section(
    ds: Dataset, cities, relatives: list[dict], tier: int, year: int | None, notes: Footnotes
) -> Section:
    """Per city: who in the household can be bound, why not, and the yearly premium; CSV ``relatives``.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    cities : str, int or list
        Places by code, Chinese name or pinyin, or a group such as ``山东全省``.
    relatives : list of dict or JSON text
        The household, as for `helpers.family_binding` (relation words such as 父亲 accepted).
    tier : {1, 2}
        Resident premium tier paid for the relatives.
    year : int, optional
        Policy year; None takes the claims in force for any year.
    notes : Footnotes
        The page's source numbering (`helpers.report.Footnotes(ds)`), shared by every section.

    Returns
    -------
    Section
        A part of the report: ``heading``, ``parts`` (escaped HTML) and ``tables`` (DataFrames by
        name; the renderer writes them as CSV). Display it in a notebook, or read its tables.
        Its table ``relatives`` is the `helpers.family_binding` result of every city.

    Examples
    --------
    >>> import helpers as h
    >>> ds = h.load()
    >>> s = h.report.family_section(ds, "济南,泰安", [{"relation": "配偶"}], 1, 2025, h.report.Footnotes(ds))
    >>> s.tables["relatives"]["can_bind"].tolist()
    ['yes', 'yes']
    """
    frames, totals, parts = [], [], []
    for code in places.find_many(ds, cities):
        r = family_binding(ds, code, relatives, tier=tier, year=year)
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
                esc(x.can_bind + (f" {MARKS['unverified']}" if x.unverified else "")),
                esc(x.reason),
                esc("—" if pd.isna(x.premium_lo) else f"{x.premium_lo:,.0f} 元"),
                cite(notes, x.claims),
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
    """Scenarios for `helpers.employee_contributions`: every city × wage.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    cities : str, int or list
        Places by code, Chinese name or pinyin, or a group such as ``山东全省``.
    wages : str, number or list
        Monthly wages in yuan: ``"3000,5000"``, ``8000`` or ``[3000, 5000]``.

    Returns
    -------
    DataFrame
        Columns ``city`` (code) and ``wage`` (float), one row per city × wage.

    Examples
    --------
    >>> import helpers as h
    >>> h.report.wage_grid(h.load(), "泰安", 8000).values.tolist()
    [['370900', 8000.0]]
    """
    wages = inputs.wages(wages)
    codes = places.find_many(ds, cities)
    return pd.DataFrame([{"city": c, "wage": w} for c in codes for w in wages])


def contribution_table(ds: Dataset, res: pd.DataFrame, notes: Footnotes) -> Section:
    """Employer and employee contributions a month (from `helpers.employee_contributions`); CSV ``employee``.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    res : DataFrame
        A `helpers.employee_contributions` result.
    notes : Footnotes
        The page's source numbering (`helpers.report.Footnotes(ds)`), shared by every section.

    Returns
    -------
    Section
        A part of the report: ``heading``, ``parts`` (escaped HTML) and ``tables`` (DataFrames by
        name; the renderer writes them as CSV). Display it in a notebook, or read its tables.

    Examples
    --------
    >>> import helpers as h
    >>> ds = h.load()
    >>> res = h.employee_contributions(ds, h.report.wage_grid(ds, "泰安", "3000,8000"))
    >>> list(h.report.contribution_table(ds, res, h.report.Footnotes(ds)).tables)
    ['employee']
    """
    res = res.copy()
    res["city_zh"] = res["city"].map(lambda c: places.label(ds, c))
    rows = [
        [
            esc(x.city_zh) + cite(notes, x.claims),
            f"{x.wage:,.0f}",
            esc(_money(x.base_lo, x.base_hi)),
            esc(_money(x.employer_month_lo, x.employer_month_hi))
            + f"<br><small>{esc(x.employer_basis)}</small>"
            + (f" {MARKS['unverified']}" if x.unverified else ""),
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
