"""Report sections for the comparison and city-profile notebooks; each returns a `Section`.

Every function computes and returns content; the notebook displays it, the renderer writes the
files. Text from data is escaped here and never passed to a Markdown or maths-text renderer.
"""

from __future__ import annotations

import pandas as pd

from ..data import Dataset, places
from . import plots
from .content import Section, figure_html
from .fmt import conditions_text, value_text
from .markup import Footnotes, esc, legend, table
from .tables import marks


def title(ds: Dataset, prefix: str, cities, year: int | None = None) -> Section:
    """A heading naming the cities (markdown cells are not parameterised).

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    prefix : str
        The report's name, e.g. ``"医保规则对比 Comparison"``.
    cities : str, int or list
        Places by code, Chinese name or pinyin, or a group such as ``山东全省``.
    year : int, optional
        Policy year shown after the names (none when 0 or None).

    Returns
    -------
    Section
        A part of the report: ``heading``, ``parts`` (escaped HTML) and ``tables`` (DataFrames by
        name; the renderer writes them as CSV). Display it in a notebook, or read its tables.

    Examples
    --------
    >>> import helpers as h
    >>> h.report.title(h.load(), "对比", "济南,taian", 2025).heading
    '对比:济南市 · 泰安市(2025)'
    """
    names = " · ".join(places.label(ds, c) for c in places.find_many(ds, cities))
    return Section(f"{prefix}:{names}" + (f"({year})" if year else ""), level=2)


def sources(notes: Footnotes, stale_after_years: float = 2) -> Section:
    """The page's numbered source list and the legend of marks (show once, at the end).

    Parameters
    ----------
    notes : Footnotes
        The page's source numbering (`helpers.report.Footnotes(ds)`), shared by every section.
    stale_after_years : float
        The staleness threshold the legend prints (the one `resolve` used).

    Returns
    -------
    Section
        A part of the report: ``heading``, ``parts`` (escaped HTML) and ``tables`` (DataFrames by
        name; the renderer writes them as CSV). Display it in a notebook, or read its tables.

    Examples
    --------
    >>> import helpers as h
    >>> len(h.report.sources(h.report.Footnotes(h.load())).parts)
    2
    """
    return Section("", [legend(notes.ds.labels, stale_after_years), notes.html()])


def _cell(row, notes: Footnotes, labels) -> tuple[str, str]:
    d = row["decision"]
    leads = "".join(dict.fromkeys(notes.ref(s) for c in d.leads for s in c.sources))
    if row["status"] == "unknown":
        return "— 未知" + (f" (线索 lead{leads})" if leads else ""), "unknown"
    vals = row["values"] if row["conflict"] else [row["value"]]
    refs = [notes.ref_claim(row["claim"])] + [notes.ref_claim(c.claim_id) for c in d.competing]
    refs += [notes.ref_claim(c.claim_id) for c in d.agreeing if not c.lead]
    text = " / ".join(esc(value_text(v, row["type"], labels)) for v in vals) + "".join(dict.fromkeys(refs))
    parts = [text, *[esc(m) for m in marks(row)]]
    if row["status"] == "unverified":
        parts.append(f"(线索 lead{leads})")
    elif row["support"] > 1:
        parts.append(f"({int(row['support'])} 源)")
    if row["superseded"]:
        old = " / ".join(esc(value_text(c.value, row["type"], labels)) for c in d.superseded)
        refs_old = "".join(notes.ref_claim(c.claim_id) for c in d.superseded)
        parts.append(f"<small>(此前 earlier: {old}{refs_old})</small>")
    cls = "conflict" if row["conflict"] else ("inherited" if row["status"].startswith("inherited") else "")
    cls += " unverified" if row["status"] == "unverified" else ""
    cls += " stale" if row["stale"] else ""
    return " ".join(parts), cls.strip()


def comparison_html(ds: Dataset, r: pd.DataFrame, notes: Footnotes) -> str:
    """MISSOC-style HTML table: one row per parameter/conditions, one column per city."""
    cities = list(dict.fromkeys(r["city_zh"]))
    keyed = r.set_index(["parameter", "conditions", "city_zh"])
    rows, classes = [], []
    for (pid, ck), grp in r.groupby(["parameter", "conditions"], sort=False):
        first = grp.iloc[0]
        label = f"{esc(first['label_zh'])}<br><small>{esc(first['label_en'])}</small>"
        cells = [_cell(keyed.loc[(pid, ck, c)], notes, ds.labels) for c in cities]
        rows.append([label, esc(conditions_text(ck, ds.labels))] + [c[0] for c in cells])
        classes.append(["", ""] + [c[1] for c in cells])
    return table(["参数 parameter", "条件 conditions", *cities], rows, classes, raw=True)


def comparison(ds: Dataset, r: pd.DataFrame, topic: str, notes: Footnotes) -> Section:
    """One topic: the comparison table and its chart; its long table is the CSV ``<topic>``.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    r : DataFrame
        A `helpers.resolve` result (columns in `helpers.resolve_columns()`).
    topic : str
        binding, contribution, lapse or benefit.
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
    >>> r = h.resolve(ds, "济南,泰安")
    >>> list(h.report.comparison(ds, r, "binding", h.report.Footnotes(ds)).tables)
    ['binding']
    """
    if topic not in ds.topics:
        from ..exceptions import UnknownNameError

        raise UnknownNameError(f"unknown topic '{topic}' — use one of: {', '.join(ds.topics)}")
    sub = r[r["topic"] == topic]
    lab = ds.topics[topic]
    parts = [comparison_html(ds, sub, notes)]
    fig = plots.limit_chart(sub) if topic == "binding" else None
    fig = plots.premium_chart(sub) if topic == "contribution" else fig
    if fig is not None:
        parts.append(figure_html(fig, plots.alt_text(fig)))
    return Section(f"{lab['zh']} {lab['en']}", parts, {topic: long_table(ds, sub)})


def long_table(ds: Dataset, r: pd.DataFrame) -> pd.DataFrame:
    """Resolution rows flattened for CSV: one row per city, parameter and conditions."""
    out = r[
        [
            "city",
            "city_zh",
            "parameter",
            "label_zh",
            "label_en",
            "conditions",
            "status",
            "source",
            "kind",
            "date",
            "support",
            "conflict",
            "superseded",
            "stale",
            "undated",
        ]
    ].copy()
    lab = ds.labels
    out.insert(6, "value", [None if v is None else value_text(v, labels=lab) for v in r["value"]])
    out.insert(7, "all_values", [" / ".join(value_text(v, labels=lab) for v in vs) for vs in r["values"]])
    return out.reset_index(drop=True)


def narrative(ds: Dataset, r: pd.DataFrame) -> Section:
    """Where the cities differ, what is unknown and disputed, in sentences generated from the resolution.

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
    >>> s = h.report.narrative(ds, h.resolve(ds, "济南,泰安", topic="binding"))
    >>> len(s.parts) > 0
    True
    """
    r = r[r["topic"] != "benefit"]
    names = list(dict.fromkeys(r["city_zh"]))
    lines = []
    for (_pid, ck), grp in r.groupby(["parameter", "conditions"], sort=False):
        known = grp[grp["status"] != "unknown"]
        if len(names) > 1 and len(known) == len(grp) and known["value"].map(repr).nunique() > 1:
            by_value: dict[str, list[str]] = {}  # cities grouped by the value they show
            for _, x in known.iterrows():
                text = " ".join([value_text(x["value"], x["type"], ds.labels), *marks(x)])
                by_value.setdefault(text, []).append(x["city_zh"])
            vals = "; ".join(f"{v}: {'、'.join(cs)}" for v, cs in by_value.items())
            cond = f" ({conditions_text(ck, ds.labels)})" if ck else ""
            lines.append(f"<li><b>{esc(grp.iloc[0]['label_zh'])}</b>{esc(cond)} — {esc(vals)}</li>")
    if len(lines) > 12:
        lines = [*lines[:12], f"<li>… and {len(lines) - 12} more in the tables below.</li>"]
    if not lines:
        lines = [
            "<li>已知数值中没有两城都有来源且不同的项目 (no parameter is sourced for every city "
            "with different values).</li>"
        ]
    unknown = r[r["status"] == "unknown"].groupby("city_zh", sort=False).size()
    unverified = r[r["status"] == "unverified"].groupby("city_zh", sort=False).size()
    conflicts = r[r["conflict"]].groupby("city_zh", sort=False).size()
    summary = [
        f"<li><b>{esc(c)}</b>: {unknown.get(c, 0)} 项未知 unknown, {unverified.get(c, 0)} 项未核实 "
        f"unverified, {conflicts.get(c, 0)} 项来源冲突 disputed, "
        f"{int((r[(r['city_zh'] == c)]['status'] == 'own').sum())} 项本地来源 own</li>"
        for c in names
    ]
    parts = [
        "<h4>主要差异 Main differences</h4><ul>" + "".join(lines) + "</ul>",
        "<h4>覆盖情况 Coverage</h4><ul>" + "".join(summary) + "</ul>",
    ]
    return Section("", parts)


def general_statements(ds: Dataset, notes: Footnotes, topic: str | None = None) -> Section:
    """Statements that name no place ("各地", "一般"): listed for the reader, never any place's value.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    notes : Footnotes
        The page's source numbering (`helpers.report.Footnotes(ds)`), shared by every section.
    topic : str, optional
        binding, contribution, lapse or benefit; None lists every topic.

    Returns
    -------
    Section
        A part of the report: ``heading``, ``parts`` (escaped HTML) and ``tables`` (DataFrames by
        name; the renderer writes them as CSV). Display it in a notebook, or read its tables.

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
            esc(x.label_zh),
            esc(conditions_text(x.conditions, ds.labels)),
            esc(value_text(x.value, x.type, ds.labels)),
            notes.ref_claim(x.claim),
            esc(x.locator),
        ]
        for x in g.itertuples()
    ]
    body = (
        table(
            ["参数 parameter", "条件 conditions", "说法 statement", "来源 source", "locator"], rows, raw=True
        )
        if rows
        else "<p>没有 none.</p>"
    )
    note = (
        "<p>这些说法没有指明地区,因此不作为任何城市或全国的数值 — these statements name no place, so "
        "they are never shown as a city's or the national value.</p>"
    )
    return Section(f"一般说法(未指明地区) General statements (no place named) ({len(g)})", [note, body])
