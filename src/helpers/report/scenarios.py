"""Report sections for the lapse, family-account and contribution notebooks; each returns a `Section`.

The scenario grids are built by small functions (`lapse_grid`, `wage_grid`, `household`) so a
notebook can show each step: build the grid, run the calculator, then format the result.
"""

from __future__ import annotations

import pandas as pd

from ..data import Dataset, places
from ..rules import lapses
from . import marks as vocab
from .content import Section, fill_doc
from .fmt import label_zh
from .inputs_used import attach
from .markup import Footnotes, table
from .templating import Markup, html, macro, render

_MARK = macro("bits.html.j2", "mark")


def mark(key: str, text: str | None = None) -> Markup:
    """A status or flag's mark after a result (`report.marks`), e.g. ⚠ or 未核实."""
    return _MARK(key, text if text is not None else vocab.LOOKS[key].symbol)


def cite(notes: Footnotes, claims: list[str]) -> str:
    """Footnote marks for the sources of these claims, each source once."""
    return notes.cite(claims)


def assumptions(items: list[tuple[str, str]]) -> str:
    """The scenario a report assumes, printed before its answers.

    Parameters
    ----------
    items : list of (str, str)
        (term, value) pairs in reading order, e.g. ``[("城市 cities", "济南、泰安")]``; both are
        escaped, so data text is safe here.

    Returns
    -------
    str
        An HTML block with a heading and a definition list.

    Examples
    --------
    >>> from helpers.report.scenarios import assumptions
    >>> "<dt>城市 cities</dt><dd>济南 &lt;b&gt;</dd>" in assumptions([("城市 cities", "济南 <b>")])
    True
    """
    return str(render("assumptions.html.j2", items=items))


def place_names(ds: Dataset, codes) -> str:
    """Chinese names of places, joined with 、."""
    return "、".join(places.label(ds, c) for c in codes)


def _months(lo, hi, conflict: bool = False, unverified: bool = False, doubt: bool = False) -> Markup:
    """'6', '3–4' (a range the rule leaves open) or '0–6 ⚠' (sources disagree); '— 未知' if unknown;
    '未核实' after a result resting on machine-written pages only, '存疑' after one whose figures the
    data doubts (marks from `report.marks`)."""
    if pd.isna(lo):
        return mark("unknown", "— 未知")
    text = html(f"{lo}") if lo == hi else html(f"{lo}–{hi}", *([" ", mark("conflict")] if conflict else []))
    flags = [k for k, on in (("unverified", unverified), ("doubt", doubt)) if on]
    return html(text, *[bit for k in flags for bit in (" ", mark(k))])


def _months_text(lo, hi, conflict: bool, unverified: bool, doubt: bool) -> str:
    """The same as plain text (for a download)."""
    if pd.isna(lo):
        return "— 未知"
    text = f"{lo}" if lo == hi else f"{lo}–{hi}" + (f" {vocab.LOOKS['conflict'].symbol}" if conflict else "")
    flags = [vocab.LOOKS[k].symbol for k, on in (("unverified", unverified), ("doubt", doubt)) if on]
    return " ".join([text, *flags])


def reader_columns(ds: Dataset, res: pd.DataFrame) -> pd.DataFrame:
    """A `lapses` result for download: the numbers stay numbers, with their unit and the reader's
    words beside them (``waiting_unit``, ``waiting_text``, ``gap_covered_zh``, ``backpay_allowed_zh``)."""
    out = res.copy()
    at = out.columns.get_loc("waiting_max") + 1
    out.insert(at, "waiting_unit", "months")
    out.insert(
        at + 1,
        "waiting_text",
        [
            _months_text(x.waiting_min, x.waiting_max, x.conflict, x.unverified, x.doubt)
            for x in out.itertuples()
        ],
    )
    for col in ("gap_covered", "backpay_allowed"):
        out.insert(out.columns.get_loc(col) + 1, f"{col}_zh", [label_zh(v, ds.labels) for v in out[col]])
    return out


@fill_doc
def lapse_grid(ds: Dataset, cities, scheme: str, max_gap: int) -> pd.DataFrame:
    """Scenarios for `helpers.lapses`: every city × gap of 0…max_gap months, back-paid.

    For the resident scheme only whole policy years count (0, 12, 24 … months), as its rules count
    lapsed years.

    Parameters
    ----------
    {ds}
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


@fill_doc
def lapse_gaps(ds: Dataset, res: pd.DataFrame, notes: Footnotes) -> Section:
    """Months until benefits resume against gap length per city (from `helpers.lapses`); CSV ``gaps``.

    A table, not a chart: several places often share one national rule, and lines drawn over
    each other hide that.

    Parameters
    ----------
    {ds}
    res : DataFrame
        A `helpers.lapses` result.
    {notes}

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> ds = h.load()
    >>> res = h.lapses(ds, h.report.lapse_grid(ds, "泰安", "employee", 6))
    >>> list(h.report.lapse_gaps(ds, res, h.report.Footnotes(ds)).tables)
    ['gaps', 'gaps-inputs']
    """
    res = res.copy()
    res["city_zh"] = res["city"].map(lambda c: places.label(ds, c))
    codes = list(dict.fromkeys(res["city"]))
    gaps = sorted(set(res["gap_months"]))
    scheme = "、".join(label_zh(x, ds.labels) for x in dict.fromkeys(res["scheme"]))
    rows = []
    for code in codes:
        sub = res[res["city"] == code].set_index("gap_months")
        cites = cite(notes, sorted({c for cl in sub["claims"] for c in cl}))
        rows.append(
            [html(places.label(ds, code), Markup(cites))]
            + [
                _months(*sub.loc[g, ["waiting_min", "waiting_max", "conflict", "unverified", "doubt"]])
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
        table(
            ["城市 city \\ 断缴月数 gap (months)", *map(str, gaps)],
            rows,
            caption=_caption(f"{scheme} 等待月数 waiting months", [places.label(ds, c) for c in codes], None),
        ),
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
    return attach(ds, Section(heading, parts, {"gaps": reader_columns(ds, res)}, level=2), "gaps", notes)


@fill_doc
def resident_years(ds: Dataset, cities, year: int | None, notes: Footnotes) -> Section:
    """Resident scheme: waiting months after 0–6 lapsed years, restored or not; CSV ``resident-years``.

    Parameters
    ----------
    {ds}
    cities : str, int or list
        Places by code, Chinese name or pinyin, or a group such as ``山东全省``.
    year : int, optional
        Policy year; None takes the claims in force for any year.
    {notes}

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> ds = h.load()
    >>> list(h.report.resident_years(ds, "泰安", None, h.report.Footnotes(ds)).tables)
    ['resident-years', 'resident-years-inputs']
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
    rows = []
    for c in codes:
        for b in (False, True):
            sub = ry[(ry["city"] == c) & (ry["back_paid"] == b)]
            cites = cite(notes, sorted({k for cl in sub["claims"] for k in cl}))
            rows.append(
                [html(places.label(ds, c) + ("(已缴修复费 restored)" if b else ""), Markup(cites))]
                + [
                    _months(x.waiting_min, x.waiting_max, x.conflict, x.unverified, x.doubt)
                    for x in sub.itertuples()
                ]
            )
    parts = [
        table(
            ["城市 city \\ 连续断缴年数 lapsed years", *map(str, range(0, 7))],
            rows,
            caption=_caption(
                "居民医保等待月数 resident waiting months", [places.label(ds, c) for c in codes], year
            ),
        ),
        "<p>无 ⚠ 的区间(如 3–4):规则允许缴费修复缩短变动等待期,但我们掌握的官方来源未给出缩短多少。"
        " A range without ⚠ (e.g. 3–4): restoration payments may shorten the variable part, but no "
        "official source we hold says by how much, so both ends are shown.</p>",
    ]
    heading = "居民医保:连续断缴 N 年后的等待期 Resident scheme: waiting after N lapsed years"
    section = Section(heading, parts, {"resident-years": reader_columns(ds, ry)}, level=2)
    return attach(ds, section, "resident-years", notes)


def _caption(what: str, names: list[str], year) -> str:
    from .sections import table_caption

    return table_caption(what, names, year)
