"""Report sections for one place's profile: own claims, inherited values, unknowns, values over time."""

from __future__ import annotations

import pandas as pd

from ..data import Dataset, places
from . import plots
from .content import Section, figure_html
from .fmt import conditions_text, value_text
from .markup import Footnotes, esc, table
from .sections import long_table
from .tables import claims_table


def own_claims(ds: Dataset, city, notes: Footnotes) -> Section:
    """The claims that name this place, with their sources.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    city : str or int
        Code, Chinese name or pinyin.
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
    >>> h.report.own_claims(ds, "泰安", h.report.Footnotes(ds)).heading.startswith("本地来源")
    True
    """
    own = claims_table(ds, city=places.find(ds, city))
    rows = [
        [
            esc(p),
            esc(conditions_text(c, ds.labels)),
            esc(v),
            esc(per),
            ("" if u else "不可用 unusable ") + notes.ref_claim(cid),
            esc(loc),
        ]
        for cid, p, c, v, per, u, loc in own[
            ["claim", "parameter", "conditions", "value", "period", "usable", "locator"]
        ].itertuples(index=False)
    ]
    body = (
        table(["parameter", "conditions", "value", "period", "source", "locator"], rows, raw=True)
        if rows
        else "<p>没有本地来源 no claim names this place.</p>"
    )
    return Section(f"本地来源的数据 Own claims ({len(own)})", [body])


def inherited(ds: Dataset, r: pd.DataFrame, notes: Footnotes) -> Section:
    """Values this place takes from its province or national level; CSV ``resolved`` (all values).

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    r : DataFrame
        A `helpers.resolve` result (columns in `helpers.resolve_columns()`).
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
    >>> list(h.report.inherited(ds, h.resolve(ds, "泰安"), h.report.Footnotes(ds)).tables)
    ['resolved']
    """
    inh = r[r["status"].str.startswith("inherited")]
    rows = [
        [
            esc(x.label_zh),
            esc(conditions_text(x.conditions, ds.labels)),
            esc(value_text(x.value, x.type, ds.labels)),
            esc(places.label(ds, x["from"])) + notes.ref_claim(x.claim),
        ]
        for _, x in inh.iterrows()
    ]
    html = table(["parameter", "conditions", "value", "from"], rows, raw=True)
    return Section(f"继承的数值 Inherited values ({len(inh)})", [html], {"resolved": long_table(ds, r)})


def unknowns(ds: Dataset, r: pd.DataFrame) -> Section:
    """Parameters no claim at any level states for this place.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    r : DataFrame
        A `helpers.resolve` result (columns in `helpers.resolve_columns()`).

    Returns
    -------
    Section
        A part of the report: ``heading``, ``parts`` (escaped HTML) and ``tables`` (DataFrames by
        name; the renderer writes them as CSV). Display it in a notebook, or read its tables.

    Examples
    --------
    >>> import helpers as h
    >>> ds = h.load()
    >>> h.report.unknowns(ds, h.resolve(ds, "泰安")).heading.startswith("未知 Unknown")
    True
    """
    unk = r[r["status"] == "unknown"]
    text = "、".join(
        esc(f"{x.label_zh}{' (' + conditions_text(x.conditions, ds.labels) + ')' if x.conditions else ''}")
        for x in unk.itertuples()
    )
    return Section(f"未知 Unknown ({len(unk)})", [f"<p>{text}</p>"])


def over_time(ds: Dataset, city) -> Section:
    """Numeric claims of a place and its parents that carry a year, drawn over time.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    city : str or int
        Code, Chinese name or pinyin.

    Returns
    -------
    Section
        A part of the report: ``heading``, ``parts`` (escaped HTML) and ``tables`` (DataFrames by
        name; the renderer writes them as CSV). Display it in a notebook, or read its tables.

    Examples
    --------
    >>> import helpers as h
    >>> h.report.over_time(h.load(), "泰安").heading
    '随时间变化 Values over time'
    """
    fig = plots.over_time_chart(ds, places.find(ds, city))
    body = figure_html(fig, plots.alt_text(fig)) if fig is not None else plots.NOTHING
    return Section("随时间变化 Values over time", [body])
