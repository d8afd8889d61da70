"""Report sections for one place's profile: own claims, inherited values, unknowns, values over time."""

from __future__ import annotations

import pandas as pd

from ..data import Dataset, places
from . import plots
from .content import Section, figure_html, fill_doc
from .fmt import conditions_text, label_zh, value_text
from .markup import Footnotes, table
from .sections import long_table, param_label, value_cell
from .tables import claims_table
from .templating import Markup, html


@fill_doc
def own_claims(ds: Dataset, city, notes: Footnotes) -> Section:
    """The claims that name this place, with their sources.

    Parameters
    ----------
    {ds}
    city : str or int
        Code, Chinese name or pinyin.
    {notes}

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> ds = h.load()
    >>> h.report.own_claims(ds, "泰安", h.report.Footnotes(ds)).heading.startswith("本地来源")
    True
    """
    own = claims_table(ds, city=places.find(ds, city))
    meta = ds.parameters.set_index("id")
    raw = ds.claims.set_index("claim_id")["value"]

    def shown(cid: str, p: str) -> str:  # the value as the comparison shows it: labels and units
        return value_text(raw[cid], meta.at[p, "type"], ds.labels, meta.at[p, "unit"])

    rows = [
        [
            meta.at[p, "label_zh"],
            conditions_text(c, ds.labels),
            shown(cid, p),
            per,
            html("" if u else "不可用 unusable ", Markup(notes.ref_claim(cid))),
            "" if loc is None or (isinstance(loc, float) and pd.isna(loc)) else loc,
        ]
        for cid, p, c, per, u, loc in own[
            ["claim", "parameter", "conditions", "period", "usable", "locator"]
        ].itertuples(index=False)
    ]
    body = (
        table(
            ["参数 parameter", "条件 conditions", "数值 value", "期间 period", "来源 source", "位置 locator"],
            rows,
            caption=f"本地来源 own claims · {places.label(ds, places.find(ds, city))}",
        )
        if rows
        else "<p>没有本地来源 no claim names this place.</p>"
    )
    return Section(f"本地来源的数据 Own claims ({len(own)})", [body], level=2)


@fill_doc
def inherited(ds: Dataset, r: pd.DataFrame, notes: Footnotes) -> Section:
    """Values this place takes from its province or national level; CSV ``resolved`` (all values).

    Parameters
    ----------
    {ds}
    {r}
    {notes}

    Returns
    -------
    {section}

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
            x.label_zh,
            conditions_text(x.conditions, ds.labels),
            value_text(x.value, x.type, ds.labels, x.unit),
            html(places.label(ds, x["from"]), Markup(notes.ref_claim(x.claim))),
        ]
        for _, x in inh.iterrows()
    ]
    body = table(
        ["参数 parameter", "条件 conditions", "数值 value", "出处 from"],
        rows,
        caption=_caption("继承的数值 inherited values", r),
    )
    return Section(
        f"继承的数值 Inherited values ({len(inh)})", [body], {"resolved": long_table(ds, r)}, level=2
    )


@fill_doc
def unknowns(ds: Dataset, r: pd.DataFrame) -> Section:
    """Parameters no claim at any level states for this place.

    Parameters
    ----------
    {ds}
    {r}

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> ds = h.load()
    >>> h.report.unknowns(ds, h.resolve(ds, "泰安")).heading.startswith("未知 Unknown")
    True
    """
    unk = r[r["status"] == "unknown"]
    text = "、".join(
        f"{x.label_zh}{' (' + conditions_text(x.conditions, ds.labels) + ')' if x.conditions else ''}"
        for x in unk.itertuples()
    )
    return Section(
        f"未知 Unknown ({len(unk)})", [html(Markup("<p>"), text or "无 none", Markup("</p>"))], level=2
    )


@fill_doc
def over_time(ds: Dataset, city) -> Section:
    """Numeric claims of a place and its parents that carry a year, drawn over time.

    Parameters
    ----------
    {ds}
    city : str or int
        Code, Chinese name or pinyin.

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> h.report.over_time(h.load(), "泰安").heading
    '随时间变化 Values over time'
    """
    fig = plots.over_time_chart(ds, places.find(ds, city))
    body = figure_html(fig, plots.alt_text(fig)) if fig is not None else plots.NOTHING
    return Section("随时间变化 Values over time", [body])


@fill_doc
def profile_topic(ds: Dataset, r: pd.DataFrame, topic: str, notes: Footnotes) -> Section:
    """One topic of a place's profile: every parameter with the value shown, marks and sources.

    Parameters
    ----------
    {ds}
    r : DataFrame
        A `helpers.resolve` result for one place.
    topic : str
        binding, contribution, lapse or benefit.
    {notes}

    Returns
    -------
    Section
        The topic's table: parameter and conditions, value (same cells as the comparison), where
        the value comes from.

    Examples
    --------
    >>> import helpers as h
    >>> ds = h.load()
    >>> h.report.profile_topic(ds, h.resolve(ds, "泰安"), "binding", h.report.Footnotes(ds)).heading
    '家庭共济绑定 Family-account binding'
    """
    sub = r[r["topic"] == topic]
    rows = []
    for x in sub.to_dict("records"):
        src = "" if x["status"] == "unknown" else label_zh(x["status"], ds.labels)
        if x["status"] == "inherited-province":
            src += f"({places.label(ds, x['from'])})"
        head = Markup(param_label(x, conditions_text(x["conditions"], ds.labels)))
        rows.append([head, value_cell(x, notes, ds.labels), src])
    lab = ds.topics[topic]
    caption = _caption(f"{lab['zh']} {lab['en']}", sub)
    body = table(["参数 · 条件 parameter", "数值 value", "出处 from"], rows, caption=caption)
    return Section(f"{lab['zh']} {lab['en']}", [body], level=2)


def _caption(what: str, r: pd.DataFrame) -> str:
    """'家庭共济绑定 · 泰安市 · 2025 年': what a profile table shows, for which place and year."""
    from .sections import table_caption

    year = r["year"].iloc[0] if len(r) and "year" in r else None
    return table_caption(what, list(dict.fromkeys(r["city_zh"])), year)
