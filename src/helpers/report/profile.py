"""Report sections for one place's profile: own claims, inherited values, unknowns, values over time."""

from __future__ import annotations

import pandas as pd

from ..data import Dataset, places
from . import plots
from .content import Section, figure_html, fill_doc
from .fmt import conditions_text, label_zh, value_text
from .markup import Footnotes, esc, table
from .sections import cell_html, long_table, param_label
from .tables import claims_table


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
            esc(meta.at[p, "label_zh"]),
            esc(conditions_text(c, ds.labels)),
            esc(shown(cid, p)),
            esc(per),
            ("" if u else "不可用 unusable ") + notes.ref_claim(cid),
            esc(loc),
        ]
        for cid, p, c, per, u, loc in own[
            ["claim", "parameter", "conditions", "period", "usable", "locator"]
        ].itertuples(index=False)
    ]
    body = (
        table(
            ["参数 parameter", "条件 conditions", "数值 value", "期间 period", "来源 source", "位置 locator"],
            rows,
            raw=True,
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
            esc(x.label_zh),
            esc(conditions_text(x.conditions, ds.labels)),
            esc(value_text(x.value, x.type, ds.labels, x.unit)),
            esc(places.label(ds, x["from"])) + notes.ref_claim(x.claim),
        ]
        for _, x in inh.iterrows()
    ]
    html = table(["参数 parameter", "条件 conditions", "数值 value", "出处 from"], rows, raw=True)
    return Section(
        f"继承的数值 Inherited values ({len(inh)})", [html], {"resolved": long_table(ds, r)}, level=2
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
        esc(f"{x.label_zh}{' (' + conditions_text(x.conditions, ds.labels) + ')' if x.conditions else ''}")
        for x in unk.itertuples()
    )
    return Section(f"未知 Unknown ({len(unk)})", [f"<p>{text or '无 none'}</p>"], level=2)


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
    rows, classes = [], []
    for x in sub.to_dict("records"):
        text, cls = cell_html(x, notes, ds.labels)
        src = "" if x["status"] == "unknown" else label_zh(x["status"], ds.labels)
        if x["status"] == "inherited-province":
            src += f"({places.label(ds, x['from'])})"
        rows.append([param_label(x, conditions_text(x["conditions"], ds.labels)), text, esc(src)])
        classes.append(["", cls, ""])
    lab = ds.topics[topic]
    body = table(["参数 · 条件 parameter", "数值 value", "出处 from"], rows, classes, raw=True)
    return Section(f"{lab['zh']} {lab['en']}", [body], level=2)
