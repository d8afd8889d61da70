"""Report sections for the comparison and city-profile notebooks; each returns a `Section`.

Every function computes and returns content; the notebook displays it, the renderer writes the
files. Text from data is escaped here and never passed to a Markdown or maths-text renderer.
Comparison and profile cells come from one function (`cell_html`), so both show the same units
and marks.
"""

from __future__ import annotations

import pandas as pd

from ..data import Dataset, inputs, places
from ..data.vocab import FLAGS
from . import marks as vocab
from . import plots
from .content import Section, figure_html, fill_doc
from .fmt import conditions_text, doubt_text, label_zh, value_text, year_text
from .markup import Footnotes, esc, legend, table
from .tables import mark_keys, marks
from .templating import Markup, macro

_VALUE = macro("cell.html.j2", "value")
_FOLDED = macro("cell.html.j2", "folded")
_PARAM = macro("bits.html.j2", "param_label")

#: Comparisons with at least this many places fold rows that are the same everywhere into one line.
FOLD_FROM = 3


@fill_doc
def title(ds: Dataset, prefix: str, cities, year: int | None = None, about: str = "") -> Section:
    """A heading naming the places (markdown cells are not parameterised), with what the page is for.

    Parameters
    ----------
    {ds}
    prefix : str
        The report's name, e.g. ``"医保规则对比 Comparison"``.
    cities : str, int or list
        Places by code, Chinese name or pinyin, or a group such as ``山东全省``.
    year : int, optional
        Policy year shown after the names; 0 or None says "最新 latest" (each value then shows its
        own year), so every page names the year it answers.
    about : str
        One sentence on what the page answers, shown under the heading (escaped).

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> h.report.title(h.load(), "对比", "济南,taian", 2025).heading
    '对比:济南市 · 泰安市(2025 年)'
    >>> h.report.title(h.load(), "档案", "济南").heading
    '档案:济南市(最新 latest)'
    """
    names = " · ".join(places.label(ds, c) for c in places.find_many(ds, cities))
    parts = [f"<p>{esc(about)}</p>"] if about else []
    when = f"{int(year)} 年" if year else "最新 latest"
    return Section(f"{prefix}:{names}({when})", parts, level=2)


@fill_doc
def sources(notes: Footnotes, stale_after_years: float = 2) -> Section:
    """The page's numbered source list and the legend of marks (show once, at the end).

    Parameters
    ----------
    {notes}
    stale_after_years : float
        The staleness threshold the legend prints (the one `resolve` used).

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> len(h.report.sources(h.report.Footnotes(h.load())).parts)
    2
    """
    return Section("", [legend(notes.ds.labels, stale_after_years), notes.html()])


def value_cell(row, notes: Footnotes, labels, place: str | None = None) -> dict:
    """One resolved value as a table cell: ``html`` (value, footnotes, marks, citation), ``cls``
    (CSS classes from `report.marks`) and ``id`` (its stable anchor, `Footnotes.anchor`).

    `place` names the place in the citation (default the row's place).
    """
    d = row["decision"]
    lead_ids = [c.claim_id for c in d.leads]
    year = row.get("year")
    kinds = mark_keys(row)
    x: dict = {"unknown": False, "lead_refs": None, "latest": "", "support": 0, "doubt": "", "earlier": ""}
    x.update({"vals": [], "refs": "", "marks": [], "earlier_refs": "", "cite": ""})
    if row["status"] == "unknown":
        x["unknown"] = True
        x["lead_refs"] = Markup(notes.cite(lead_ids))  # cite only what the cell prints
        if row.get("latest_year") is not None and not pd.isna(row.get("latest_year")):
            old = value_text(row["latest_value"], row["type"], labels, row["unit"])
            x["latest"] = f"{int(row['latest_year'])} · {old}"
        return {"html": _VALUE(x), "cls": vocab.cell_class("unknown", {}), "id": ""}  # nothing to cite
    anchor = notes.anchor(row["city"], row["parameter"], row["conditions"], year)
    vals = row["values"] if row["conflict"] else [row["value"]]
    cited = [row["claim"], *(c.claim_id for c in d.competing)]
    cited += [c.claim_id for c in d.agreeing if not c.lead]
    cited = [c for c in cited if c not in lead_ids]  # a lead is cited once, in "(线索 lead[n])"
    x["vals"] = [value_text(v, row["type"], labels, row["unit"]) for v in vals]
    x["refs"] = Markup(notes.cite(cited))
    x["marks"] = [(k, vocab.LOOKS[k].symbol) for k in kinds]
    if row["status"] == "unverified":
        x["lead_refs"] = Markup(notes.cite(lead_ids))
    elif row["support"] > 1:
        x["support"] = int(row["support"])
    if row.get("doubt"):
        x["doubt"] = doubt_text(row["doubts"])
    if row["superseded"]:
        shown = (value_text(c.value, row["type"], labels, row["unit"]) for c in d.superseded)
        x["earlier"] = " / ".join(dict.fromkeys(shown))  # two sources of one earlier value: the value once
        x["earlier_refs"] = Markup(notes.cite([c.claim_id for c in d.superseded]))
    x["cite"] = Markup(notes.citation(anchor, citation_text(row, x["vals"], kinds, notes, labels, place)))
    flags = {f: bool(row.get(f, False)) for f in FLAGS}
    return {"html": _VALUE(x), "cls": vocab.cell_class(row["status"], flags), "id": anchor}


def citation_text(row, values: list[str], kinds: list[str], notes: Footnotes, labels, place=None) -> str:
    """'济南市 2025年 最多可绑定近亲属人数: 8 人 ⚠。《title》,publisher,2025-03-01。': what a
    reader pastes to quote one value (the page address and anchor follow)."""
    cond = conditions_text(row["conditions"], labels)
    year = row.get("year")
    when = "最新" if year is None or pd.isna(year) or year == 0 else f"{int(year)}年"
    what = f"{row['label_zh']}{' (' + cond + ')' if cond else ''}"
    shown = " ".join([" / ".join(values), *(vocab.LOOKS[k].symbol for k in kinds)])
    src = notes.source_text(row.get("source"))
    text = f"{place or row['city_zh']} {when} {what}: {shown}。"
    return f"{text}{src}。" if src else text


def cell_html(row, notes: Footnotes, labels) -> tuple[str, str]:
    """One resolved value as (escaped HTML with footnotes, marks and citation, CSS class)."""
    c = value_cell(row, notes, labels)
    return str(c["html"]), c["cls"]


def param_label(first, conditions: str = "") -> str:
    """First-column cell: the parameter's zh label, its en label, and the conditions in words."""
    return str(_PARAM(first["label_zh"], conditions, first["label_en"]))


#: Conditions whose absence a row names ("档次未注明"); ranges (gap, age) are open when left out.
CATEGORICAL = ("scheme", "tier", "employee_tier", "group")


def _stated_dims(r: pd.DataFrame) -> dict[str, list[str]]:
    """Per parameter, the categorical conditions some row of the table states."""
    out: dict[str, list[str]] = {}
    for pid, ck in zip(r["parameter"], r["conditions"], strict=True):
        for part in filter(None, str(ck).split(";")):
            k = part.partition("=")[0]
            if k in CATEGORICAL and k not in out.setdefault(pid, []):
                out[pid].append(k)
    return out


def unstated(dims, cond_key: str) -> list[str]:
    """The conditions of `dims` that a row's condition key leaves out (shown as "… 未注明")."""
    have = {p.partition("=")[0] for p in str(cond_key).split(";") if p}
    return [k for k in dims if k not in have]


def comparison_html(
    ds: Dataset, r: pd.DataFrame, notes: Footnotes, transpose: bool = False, caption: str = ""
) -> str:
    """MISSOC-style HTML table: one row per parameter/conditions, one column per place.

    With several places, a row where every place shows the same thing (typically one inherited
    national value) is folded into one line: "所有城市 all: 全国规定 …". With `transpose`, one row
    per place and one column per parameter (for many places: the place names stay in view).
    """
    cities = list(dict.fromkeys(r["city_zh"]))
    if transpose:
        return _transposed_html(ds, r, notes, cities, caption)
    # one row per (parameter, conditions, place) as a Series, looked up by key (a .loc per cell was slow)
    keyed = {(x["parameter"], x["conditions"], x["city_zh"]): x for _, x in r.iterrows()}
    rows: list = []
    dims = _stated_dims(r)
    for (pid, ck), grp in r.groupby(["parameter", "conditions"], sort=False):
        first = grp.iloc[0]
        head = param_label(first, conditions_text(ck, ds.labels, unstated=unstated(dims.get(pid, ()), ck)))
        same = len(cities) >= FOLD_FROM and grp[["status", "from", "stale"]].astype(str).nunique().max() == 1
        same = same and grp["values"].map(repr).nunique() == 1
        if same:
            every = f"所有{len(cities)}地 all {len(cities)} places"
            c = value_cell(keyed[(pid, ck, cities[0])], notes, ds.labels, place=every)
            others = (
                []
                if not c["id"]
                else [
                    notes.anchor(keyed[(pid, ck, x)]["city"], pid, ck, first.get("year")) for x in cities[1:]
                ]
            )
            anchors = [c["id"], *others] if c["id"] else []
            rows.append(_FOLDED(Markup(head), len(cities), c["cls"], c["html"], anchors))
            continue
        cells = [value_cell(keyed[(pid, ck, c)], notes, ds.labels) for c in cities]
        rows.append([{"html": Markup(head)}, *cells])
    return table(["参数 · 条件 parameter", *cities], rows, caption=caption or None)


def _transposed_html(
    ds: Dataset, r: pd.DataFrame, notes: Footnotes, cities: list[str], caption: str = ""
) -> str:
    """One row per place, one column per parameter and condition set (no folding)."""
    keyed = {(x["parameter"], x["conditions"], x["city_zh"]): x for _, x in r.iterrows()}
    groups = list(r.groupby(["parameter", "conditions"], sort=False))
    header = ["地区 place"]
    for (_, ck), grp in groups:
        first = grp.iloc[0]
        cond = conditions_text(ck, ds.labels)
        header.append(f"{first['label_zh']}" + (f" ({cond})" if cond else ""))
    rows = [
        [c, *(value_cell(keyed[(pid, ck, c)], notes, ds.labels) for (pid, ck), _ in groups)] for c in cities
    ]
    return table(header, rows, caption=caption or None)


@fill_doc
def comparison(
    ds: Dataset, r: pd.DataFrame, topic: str, notes: Footnotes, transpose: bool = False
) -> Section:
    """One topic: the comparison table and its chart; its long table is the CSV ``<topic>``.

    Parameters
    ----------
    {ds}
    {r}
    topic : str
        binding, contribution, lapse or benefit.
    {notes}
    transpose : bool
        One row per place and one column per parameter instead (easier to read for many places,
        e.g. 山东全省); the CSV is the same.

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> ds = h.load()
    >>> r = h.resolve(ds, "济南,泰安")
    >>> list(h.report.comparison(ds, r, "binding", h.report.Footnotes(ds)).tables)
    ['binding']
    >>> wide = h.report.comparison(ds, r, "binding", h.report.Footnotes(ds), transpose=True)
    >>> "<th scope='row'>泰安市</th>" in wide.to_html()
    True
    """
    if topic not in ds.topics:
        from ..exceptions import UnknownNameError

        raise UnknownNameError(f"unknown topic '{topic}' — use one of: {', '.join(ds.topics)}")
    sub = r[r["topic"] == topic]
    lab = ds.topics[topic]
    transpose = inputs.flag(transpose, "transpose")
    year = sub["year"].iloc[0] if len(sub) and "year" in sub else None
    parts = [f"<p class='yb-year'>数值年份 values for: {esc(year_text(None if pd.isna(year) else year))}</p>"]
    caption = table_caption(f"{lab['zh']} {lab['en']}", list(dict.fromkeys(sub["city_zh"])), year)
    parts.append(comparison_html(ds, sub, notes, transpose, caption))
    fig = plots.limit_chart(sub) if topic == "binding" else None
    fig = plots.premium_chart(sub) if topic == "contribution" else fig
    if fig is not None:
        parts.append(figure_html(fig, plots.alt_text(fig)))
    return Section(f"{lab['zh']} {lab['en']}", parts, {topic: long_table(ds, sub)}, level=2)


def table_caption(what: str, names: list[str], year=None) -> str:
    """A table's caption naming what, where and when — '家庭共济绑定 · 济南市、泰安市 · 2025 年' — so a
    printed page names its place and year (many places: how many, the columns name them)."""
    where = "、".join(names) if len(names) <= 5 else f"{len(names)} 地 places (见各列 see the columns)"
    when = year_text(None if year is None or pd.isna(year) else year)
    return f"{what} · {where} · {when}"


def long_table(ds: Dataset, r: pd.DataFrame) -> pd.DataFrame:
    """Resolution rows flattened for CSV: one row per city, parameter and conditions.

    ``value`` is the value as typed in the data (a number stays a number, true/false a boolean; a
    list is written as ``a, b`` in CSV), ``unit`` its unit (yuan, share of payroll, months …),
    ``value_text`` and ``all_values`` the reader's text (``440 元``; every conflicting value),
    ``marks`` the marks the page prints after the value (`report.marks`, e.g. ``↑国 旧``).
    """
    cols = ["city", "city_zh", "parameter", "label_zh", "label_en", "conditions", "status"]
    extra = ["year", "source", "kind", "date", "support", "conflict", "superseded", "stale", "undated"]
    extra.append("doubt")
    out = r[[*cols, *extra]].copy()
    lab = ds.labels
    units = [u if isinstance(u, str) else None for u in r["unit"]]
    out.insert(6, "value", pd.Series(list(r["value"]), index=r.index, dtype=object))
    out.insert(7, "unit", units)
    out.insert(
        8,
        "value_text",
        [value_text(v, t, lab, u) for v, t, u in zip(r["value"], r["type"], r["unit"], strict=True)],
    )
    out.insert(
        9,
        "all_values",
        [
            " / ".join(value_text(v, t, lab, u) for v in vs)
            for vs, t, u in zip(r["values"], r["type"], r["unit"], strict=True)
        ],
    )
    out.insert(10, "status_zh", [label_zh(s, lab) for s in r["status"]])
    dims = _stated_dims(r)
    out.insert(
        11,
        "conditions_zh",
        [
            conditions_text(c, lab, unstated=unstated(dims.get(p, ()), c))
            for p, c in zip(r["parameter"], r["conditions"], strict=True)
        ],
    )
    out["doubt_reasons"] = [";".join(d["reason"] for d in ds_) for ds_ in r["doubts"]]
    out["doubt_zh"] = [doubt_text(ds_) for ds_ in r["doubts"]]
    out["marks"] = [" ".join(marks(x)) for x in r.to_dict("records")]  # as the page prints them
    return out.reset_index(drop=True)


@fill_doc
def narrative(ds: Dataset, r: pd.DataFrame) -> Section:
    """Where the cities differ, what is unknown and disputed, in sentences generated from the resolution.

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
            by_value: dict[str, list[str]] = {}  # places grouped by the value they show
            for _, x in known.iterrows():
                text = " ".join([value_text(x["value"], x["type"], ds.labels, x["unit"]), *marks(x)])
                by_value.setdefault(text, []).append(x["city_zh"])
            vals = "; ".join(f"{v}: {'、'.join(cs)}" for v, cs in by_value.items())
            cond = f" ({conditions_text(ck, ds.labels)})" if ck else ""
            lines.append(f"<li><b>{esc(grp.iloc[0]['label_zh'])}</b>{esc(cond)} — {esc(vals)}</li>")
    if len(lines) > 12:
        lines = [
            *lines[:12],
            f"<li>另有 {len(lines) - 12} 项见下表 {len(lines) - 12} more in the tables below.</li>",
        ]
    if not lines:
        lines = [
            "<li>没有一项在所有地方都有来源且数值不同 "
            "no parameter is sourced everywhere with different values.</li>"
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
        "<h3>主要差异 Main differences</h3><ul>" + "".join(lines) + "</ul>",
        "<h3>覆盖情况 How much is known</h3><ul>" + "".join(summary) + "</ul>",
    ]
    return Section("概要 Summary", parts, level=2)
