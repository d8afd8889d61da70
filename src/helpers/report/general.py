"""Statements that name no place (各地, 一般): listed for the reader, never any place's value."""

from __future__ import annotations

from ..data import Dataset
from .content import Section, fill_doc
from .fmt import conditions_text, value_text
from .markup import Footnotes, table
from .templating import Markup


@fill_doc
def general_statements(ds: Dataset, notes: Footnotes, topic: str | None = None) -> Section:
    """Statements that name no place ("各地", "一般"): listed for the reader, never any place's value.

    Parameters
    ----------
    {ds}
    {notes}
    topic : str, optional
        binding, contribution, lapse or benefit; None lists every topic.

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> ds = h.load()
    >>> s = h.report.general_statements(ds, h.report.Footnotes(ds))
    >>> s.heading.startswith("一般说法")
    True
    """
    from ..resolution import general_statements as gs

    g = gs(ds, topic)
    rows = [
        [
            x.label_zh,
            conditions_text(x.conditions, ds.labels),
            value_text(x.value, x.type, ds.labels),
            Markup(notes.ref_claim(x.claim)),
            "" if x.locator is None or x.locator != x.locator else x.locator,
        ]
        for x in g.itertuples()
    ]
    body = (
        table(
            ["参数 parameter", "条件 conditions", "说法 statement", "来源 source", "位置 locator"],
            rows,
            caption="一般说法(未指明地区) general statements (no place named)",
        )
        if rows
        else "<p>没有 none.</p>"
    )
    note = (
        "<p>这些说法没有指明地区,因此不作为任何城市或全国的数值 — these statements name no place, so "
        "they are never shown as a city's or the national value.</p>"
    )
    return Section(f"一般说法(未指明地区) General statements (no place named) ({len(g)})", [note, body])
