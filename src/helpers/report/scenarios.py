"""Report sections for the lapse, family-account and contribution notebooks; each returns a `Section`.

The scenario grids are built by small functions (`lapse_grid`, `wage_grid`, `household`) so a
notebook can show each step: build the grid, run the calculator, then format the result.
"""

from __future__ import annotations

import pandas as pd

from ..data import Dataset, places
from ..data.vocab import MARKS
from ..rules import lapses
from .content import Section, figure_html
from .markup import Footnotes, esc, table
from .plots import figure


def cite(notes: Footnotes, claims: list[str]) -> str:
    return "".join(dict.fromkeys(notes.ref_claim(c) for c in claims))


def _months(lo, hi, conflict: bool = False, unverified: bool = False) -> str:
    """'6', '3–4' (a range the rule leaves open) or '0–6 ⚠' (sources disagree); '— 未知' if unknown;
    '未核实' after a result resting on machine-written pages only."""
    if pd.isna(lo):
        return "— 未知"
    text = f"{lo}" if lo == hi else f"{lo}–{hi}" + (" ⚠" if conflict else "")
    return text + (f" {MARKS['unverified']}" if unverified else "")


def lapse_grid(ds: Dataset, cities, scheme: str, max_gap: int) -> pd.DataFrame:
    """Scenarios for `helpers.lapses`: every city × gap of 0…max_gap months, back-paid.

    For the resident scheme only whole policy years count (0, 12, 24 … months), as its rules count
    lapsed years.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    cities : str, int or list
        Places by code, Chinese name or pinyin, or a group such as ``山东全省``.
    scheme : str
        employee, flexible or resident (also 职工, 灵活就业, 居民).
    max_gap : int
        Longest gap in months.

    Returns
    -------
    DataFrame
        Columns ``city`` (code), ``scheme``, ``gap_months`` (0…max_gap), ``back_paid`` (True).

    Examples
    --------
    >>> import helpers as h
    >>> len(h.report.lapse_grid(h.load(), "济南,泰安", "employee", 12))
    26
    >>> len(h.report.lapse_grid(h.load(), "济南", "resident", 36))
    4
    """
    codes = places.find_many(ds, cities)
    step = 12 if scheme == "resident" else 1
    return pd.DataFrame(
        [
            {"city": c, "scheme": scheme, "gap_months": g, "back_paid": True}
            for c in codes
            for g in range(0, max(max_gap, step) + 1, step)
        ]
    )


def lapse_gaps(ds: Dataset, res: pd.DataFrame, notes: Footnotes) -> Section:
    """Months until benefits resume against gap length per city (from `helpers.lapses`); CSV ``gaps``.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    res : DataFrame
        A `helpers.lapses` result.
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
    >>> res = h.lapses(ds, h.report.lapse_grid(ds, "泰安", "employee", 6))
    >>> list(h.report.lapse_gaps(ds, res, h.report.Footnotes(ds)).tables)
    ['gaps']
    """
    res = res.copy()
    res["city_zh"] = res["city"].map(lambda c: places.label(ds, c))
    codes = list(dict.fromkeys(res["city"]))
    gaps = sorted(set(res["gap_months"]))
    scheme = ", ".join(dict.fromkeys(res["scheme"]))
    rows = []
    for code in codes:
        sub = res[res["city"] == code].set_index("gap_months")
        cites = cite(notes, sorted({c for cl in sub["claims"] for c in cl}))
        rows.append(
            [esc(places.label(ds, code)) + cites]
            + [
                esc(_months(*sub.loc[g, ["waiting_min", "waiting_max", "conflict", "unverified"]]))
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
    """Resident scheme: waiting months after 0–6 lapsed years, restored or not; CSV ``resident-years``.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    cities : str, int or list
        Places by code, Chinese name or pinyin, or a group such as ``山东全省``.
    year : int, optional
        Policy year; None takes the claims in force for any year.
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
    >>> list(h.report.resident_years(ds, "泰安", None, h.report.Footnotes(ds)).tables)
    ['resident-years']
    """
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
                esc(_months(x.waiting_min, x.waiting_max, x.conflict, x.unverified))
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
