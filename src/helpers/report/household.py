"""Report sections for households: who can be bound to a family account, and employee contributions."""

from __future__ import annotations

import pandas as pd
import seaborn as sns

from ..data import Dataset, inputs, load, places
from ..rules import family_binding
from .content import Section, figure_html, fill_doc
from .fmt import label_zh, reason_text, year_text
from .inputs_used import attach
from .markup import Footnotes, esc, table
from .plots import figure
from .scenarios import assumptions, cite, mark, place_names
from .templating import Markup, html


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


@fill_doc
def family_section(
    ds: Dataset, cities, relatives: list[dict], tier: int, year: int | None, notes: Footnotes
) -> Section:
    """Per city: who in the household can be bound, why not, and the yearly premium; CSV ``relatives``.

    Parameters
    ----------
    {ds}
    cities : str, int or list
        Places by code, Chinese name or pinyin, or a group such as ``山东全省``.
    relatives : list of dict or JSON text
        The household, as for `helpers.family_binding` (relation words such as 父亲 accepted).
    tier : {1, 2}
        Resident premium tier paid for the relatives.
    year : int, optional
        Policy year; None takes the claims in force for any year.
    {notes}

    Returns
    -------
    {section}
        Its table ``relatives`` is the `helpers.family_binding` result of every city.

    Examples
    --------
    >>> import helpers as h
    >>> ds = h.load()
    >>> s = h.report.family_section(ds, "济南,泰安", [{"relation": "配偶"}], 1, 2025, h.report.Footnotes(ds))
    >>> s.tables["relatives"]["can_bind"].tolist()
    ['yes', 'yes']
    """
    relatives = inputs.household(ds, relatives)
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
        r.insert(
            r.columns.get_loc("can_bind") + 1, "can_bind_zh", [label_zh(v, ds.labels) for v in r["can_bind"]]
        )
        r.insert(
            r.columns.get_loc("reason") + 1, "reason_zh", [reason_text(v, ds.labels) for v in r["reason"]]
        )
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
                describe_relative(relatives[i], ds.labels, ds),
                html(
                    x.can_bind_zh,
                    *([" ", mark("conflict")] if x.conflict else []),
                    *([" ", mark("unverified")] if x.unverified else []),
                    *([" ", mark("doubt")] if x.doubt else []),
                ),
                x.reason_zh,
                "—" if pd.isna(x.premium_lo) else f"{x.premium_lo:,.0f} 元",
                Markup(cite(notes, x.claims)),
            ]
            for i, x in enumerate(r.itertuples())
        ]
        name = places.label(ds, code)
        parts.append(f"<h3>{esc(name)}</h3>")
        parts.append(
            table(
                ["亲属 relative", "可否绑定 can bind", "原因 why", "居民医保费/年 premium", "来源 sources"],
                rows,
                caption=f"谁能绑定 who can be bound · {name} · {year_text(year)}",
            )
        )
    t = pd.DataFrame(totals)
    parts.append("<h3>用职工个人账户代缴的年度费用 Yearly cost paid from the employee's account</h3>")
    header = ["城市 city", "可绑定人数 bound", "年度费用 yearly cost", "费用未知人数 cost unknown"]
    header.append("来源 sources")
    cost = [
        [
            x.city_zh,
            str(x.bound),
            mark("unknown", "— 未知") if pd.isna(x.lo) else f"{x.lo:,.0f} 元",
            str(x.unknown_cost),
            Markup(cite(notes, x.claims)),
        ]
        for x in t.itertuples()
    ]
    names = "、".join(t["city_zh"]) if len(t) <= 5 else f"{len(t)} 地 places"
    parts.append(table(header, cost, caption=f"年度费用 yearly cost · {names} · {year_text(year)}"))
    allr = pd.concat(frames, ignore_index=True)
    allr.insert(allr.columns.get_loc("premium_hi") + 1, "premium_unit", "yuan per year")
    section = Section("谁能绑定、花多少 Who can be bound, and the cost", parts, {"relatives": allr}, level=2)
    return attach(ds, section, "relatives", notes)


def describe_relative(rel: dict, labels, ds: Dataset | None = None) -> str:
    """One relative of the household in words: '子女, 8 岁' / '兄弟姐妹, 在北京市参保' (with `ds`, a
    place code is shown by its name)."""
    out = [label_zh(rel.get("relation"), labels)]
    if rel.get("age") is not None:
        out.append(f"{rel['age']} 岁")
    if rel.get("place"):
        place = rel["place"]
        if ds is not None and str(place) in set(ds.jurisdictions["code"]):
            place = places.label(ds, str(place))
        out.append(f"在{place}参保 insured there")
    if rel.get("student"):
        out.append("学生 student")
    if rel.get("group"):
        out.append(label_zh(rel["group"], labels))
    if rel.get("already_bound"):
        out.append("已被他人绑定 already bound by someone else")
    if rel.get("scheme") and rel["scheme"] != "resident":
        out.append(label_zh(rel["scheme"], labels))
    return ", ".join(map(str, out))


def _money(lo, hi) -> Markup:
    if pd.isna(lo):
        return mark("unknown", "— 未知")
    return html(f"{lo:,.2f}") if lo == hi else html(f"{lo:,.2f}–{hi:,.2f} ", mark("conflict"))


@fill_doc
def wage_grid(ds: Dataset, cities, wages) -> pd.DataFrame:
    """Scenarios for `helpers.employee_contributions`: every city × wage.

    Parameters
    ----------
    {ds}
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


@fill_doc
def contribution_table(ds: Dataset, res: pd.DataFrame, notes: Footnotes) -> Section:
    """Employer and employee contributions a month (from `helpers.employee_contributions`); CSV ``employee``.

    Parameters
    ----------
    {ds}
    res : DataFrame
        A `helpers.employee_contributions` result.
    {notes}

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> ds = h.load()
    >>> res = h.employee_contributions(ds, h.report.wage_grid(ds, "泰安", "3000,8000"))
    >>> list(h.report.contribution_table(ds, res, h.report.Footnotes(ds)).tables)
    ['employee', 'employee-inputs']
    """
    res = res.copy()
    res["city_zh"] = res["city"].map(lambda c: places.label(ds, c))
    res["band_zh"] = [label_zh(b, ds.labels) for b in res["band"]]
    rows = [
        [
            html(x.city_zh, Markup(cite(notes, x.claims))),
            f"{x.wage:,.0f}",
            _money(x.base_lo, x.base_hi),
            html(
                _money(x.employer_month_lo, x.employer_month_hi),
                Markup("<br><small>"),
                label_zh(x.employer_basis, ds.labels),
                Markup("</small>"),
                *([" ", mark("unverified")] if x.unverified else []),
                *([" ", mark("doubt")] if x.doubt else []),
            ),
            _money(x.maternity_month_lo, x.maternity_month_hi),
            _money(x.employee_month_lo, x.employee_month_hi),
            x.band_zh,
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
        table(
            header,
            rows,
            caption=f"职工医保月缴费 monthly contributions · {place_names(ds, dict.fromkeys(res['city']))}"
            " · 现行规则 rules in force",
        ),
    ]
    known = res[res["employee_month_lo"].notna()]
    if not known.empty:
        long = pd.concat(
            [
                known.assign(who="单位 employer", yuan=known["employer_month_hi"]),
                known.assign(who="个人 employee", yuan=known["employee_month_hi"]),
            ]
        )
        fig, ax = figure((8, 3.6))
        long = long.rename(columns={"city_zh": "城市 city", "who": "缴费方 who pays"})
        sns.lineplot(
            data=long, x="wage", y="yuan", hue="城市 city", style="缴费方 who pays", marker="o", ax=ax
        )
        ax.set_xlabel("月工资 monthly wage (yuan)")
        ax.set_ylabel("月缴费 per month (yuan)")
        ax.set_title("缴费随工资变化(基数封顶保底)Contributions vs wage (base clamped to the band)")
        fig.tight_layout()
        alt = "月缴费 monthly contributions, employer / employee: " + "; ".join(
            f"{x.city_zh} {x.wage:,.0f}: {x.employer_month_hi:,.0f} / {x.employee_month_hi:,.0f}"
            for x in known.itertuples()
        )
        missing = [c for c in dict.fromkeys(res["city_zh"]) if c not in set(known["city_zh"])]
        if missing:
            alt += "; 未绘出(缴费未知)not drawn, unknown: " + "、".join(missing)
        parts.append(figure_html(fig, alt))
        if missing:
            parts.append(f"<p>图中未绘出(缴费未知)not drawn, unknown: {esc('、'.join(missing))}</p>")
    heading = "职工医保月缴费(元)Employee scheme: monthly contributions (yuan)"
    return attach(ds, Section(heading, parts, {"employee": res}, level=2), "employee", notes)
