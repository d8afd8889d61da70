"""Report sections for the comparison and city-profile notebooks; each returns a `Section`.

Every function computes and returns content; the notebook displays it, the renderer writes the
files. Text from data is escaped here and never passed to a Markdown or maths-text renderer.
Comparison and profile cells come from one function (`cell_html`), so both show the same units
and marks.
"""

from __future__ import annotations

import pandas as pd

from ..data import Dataset, places
from . import plots
from .content import Section, figure_html
from .fmt import conditions_text, label_zh, value_text
from .markup import LEGEND, Footnotes, esc, table
from .tables import MARKS, claims_table, marks

#: Comparisons with at least this many places fold rows that are the same everywhere into one line.
FOLD_FROM = 3


def title(ds: Dataset, prefix: str, cities, year: int | None = None, about: str = "") -> Section:
    """A heading naming the places (markdown cells are not parameterised), with what the page is for."""
    names = " · ".join(places.label(ds, c) for c in places.find_many(ds, cities))
    parts = [f"<p>{esc(about)}</p>"] if about else []
    return Section(f"{prefix}:{names}" + (f"({year})" if year else ""), parts, level=2)


def sources(notes: Footnotes) -> Section:
    """The page's numbered source notes and the legend of marks (show once, at the end)."""
    return Section("", [LEGEND, notes.html()])


def cell_html(row, notes: Footnotes, labels) -> tuple[str, str]:
    """One resolved value as (escaped HTML with footnotes and marks, CSS class)."""
    d = row["decision"]
    if row["status"] == "unknown":
        leads = notes.cite([c.claim_id for c in d.leads])
        return "— 未知" + (f" (线索 lead{leads})" if leads else ""), "unknown"
    vals = row["values"] if row["conflict"] else [row["value"]]
    refs = notes.cite([row["claim"], *(c.claim_id for c in d.competing)])
    text = " / ".join(esc(value_text(v, row["type"], labels, row["unit"])) for v in vals)
    cls = "conflict" if row["conflict"] else ("inherited" if row["status"] != "own" else "")
    if row["stale"]:
        cls += " stale"
    shown = " ".join([text, *[esc(m) for m in marks(row)]]) + refs
    return shown, cls.strip()


def _label(first, conditions: str = "") -> str:
    """First-column cell: the parameter's zh label, its en label, and the conditions in words."""
    cond = f"<br><span class='yb-cond'>{esc(conditions)}</span>" if conditions else ""
    return f"{esc(first['label_zh'])}{cond}<br><small lang='en'>{esc(first['label_en'])}</small>"


def comparison_html(ds: Dataset, r: pd.DataFrame, notes: Footnotes) -> str:
    """MISSOC-style HTML table: one row per parameter/conditions, one column per place.

    With several places, a row where every place shows the same thing (typically one inherited
    national value) is folded into one line: "所有城市 all: 全国规定 …".
    """
    cities = list(dict.fromkeys(r["city_zh"]))
    keyed = r.set_index(["parameter", "conditions", "city_zh"])
    rows, classes = [], []
    for (pid, ck), grp in r.groupby(["parameter", "conditions"], sort=False):
        first = grp.iloc[0]
        head = _label(first, conditions_text(ck, ds.labels))
        same = len(cities) >= FOLD_FROM and grp[["status", "from", "stale"]].astype(str).nunique().max() == 1
        same = same and grp["values"].map(repr).nunique() == 1
        if same:
            text, cls = cell_html(keyed.loc[(pid, ck, cities[0])], notes, ds.labels)
            rows.append(
                f"<tr><th scope='row'>{head}</th>"
                f"<td colspan='{len(cities)}' class='folded {esc(cls)}'>"
                f"所有{len(cities)}地 all: {text}</td></tr>"
            )
            classes.append([])
            continue
        cells = [cell_html(keyed.loc[(pid, ck, c)], notes, ds.labels) for c in cities]
        rows.append([head] + [c[0] for c in cells])
        classes.append([""] + [c[1] for c in cells])
    return table(["参数 · 条件 parameter", *cities], rows, classes, raw=True)


def comparison(ds: Dataset, r: pd.DataFrame, topic: str, notes: Footnotes) -> Section:
    """One topic: the comparison table and, where it helps, a chart; its long table is the CSV `<topic>`."""
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
    return Section(f"{lab['zh']} {lab['en']}", parts, {topic: long_table(ds, sub)}, level=2)


def long_table(ds: Dataset, r: pd.DataFrame) -> pd.DataFrame:
    """Resolution rows flattened for CSV: one row per city, parameter and conditions."""
    cols = ["city", "city_zh", "parameter", "label_zh", "label_en", "conditions", "status"]
    out = r[[*cols, "source", "kind", "date", "conflict", "stale"]].copy()
    lab = ds.labels
    out.insert(
        6,
        "value",
        [value_text(v, t, lab, u) for v, t, u in zip(r["value"], r["type"], r["unit"], strict=True)],
    )
    out.insert(
        7,
        "all_values",
        [
            " / ".join(value_text(v, t, lab, u) for v in vs)
            for vs, t, u in zip(r["values"], r["type"], r["unit"], strict=True)
        ],
    )
    out.insert(8, "status_zh", [label_zh(s, lab) for s in r["status"]])
    out.insert(9, "conditions_zh", [conditions_text(c, lab) for c in r["conditions"]])
    return out.reset_index(drop=True)


def narrative(ds: Dataset, r: pd.DataFrame) -> Section:
    """Where the places differ, and how much is known for each (generated from the resolution)."""
    r = r[r["topic"] != "benefit"]
    names = list(dict.fromkeys(r["city_zh"]))
    lines = []
    for (_pid, ck), grp in r.groupby(["parameter", "conditions"], sort=False):
        known = grp[grp["status"] != "unknown"]
        if len(names) > 1 and len(known) == len(grp) and known["value"].map(repr).nunique() > 1:
            by_value: dict[str, list[str]] = {}  # places grouped by the value they show
            for x in known.itertuples():
                text = value_text(x.value, x.type, ds.labels, x.unit) + MARKS[x.status]
                by_value.setdefault(text, []).append(x.city_zh)
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
    conflicts = r[r["conflict"]].groupby("city_zh", sort=False).size()
    summary = [
        f"<li><b>{esc(c)}</b>: {int((r[(r['city_zh'] == c)]['status'] == 'own').sum())} 项本地来源 own, "
        f"{conflicts.get(c, 0)} 项来源冲突 disputed, {unknown.get(c, 0)} 项未知 unknown</li>"
        for c in names
    ]
    parts = [
        "<h3>主要差异 Main differences</h3><ul>" + "".join(lines) + "</ul>",
        "<h3>覆盖情况 How much is known</h3><ul>" + "".join(summary) + "</ul>",
    ]
    return Section("概要 Summary", parts, level=2)


def profile_topic(ds: Dataset, r: pd.DataFrame, topic: str, notes: Footnotes) -> Section:
    """One topic of a place's profile: every parameter with the value shown, marks and sources."""
    sub = r[r["topic"] == topic]
    rows, classes = [], []
    for x in sub.to_dict("records"):
        text, cls = cell_html(x, notes, ds.labels)
        src = "" if x["status"] == "unknown" else label_zh(x["status"], ds.labels)
        if x["status"] == "inherited-province":
            src += f"({places.label(ds, x['from'])})"
        rows.append([_label(x, conditions_text(x["conditions"], ds.labels)), text, esc(src)])
        classes.append(["", cls, ""])
    lab = ds.topics[topic]
    body = table(["参数 · 条件 parameter", "数值 value", "出处 from"], rows, classes, raw=True)
    return Section(f"{lab['zh']} {lab['en']}", [body], level=2)


def own_claims(ds: Dataset, city, notes: Footnotes) -> Section:
    """Every claim naming this place (also those not shown as the value), with sources; CSV `claims`."""
    code = places.find(ds, city)
    own = ds.claims[ds.claims["jurisdiction"] == code]
    params = ds.parameters.set_index("id")
    rows = []
    for x in own.itertuples():
        p = params.loc[x.parameter]
        rows.append(
            [
                _label(p),
                esc(conditions_text(x.cond_key, ds.labels)),
                esc(value_text(x.value, p["type"], ds.labels, p["unit"])),
                esc(_period(x)),
                ("不可用 not usable " if not x.usable else "") + notes.ref_claim(x.claim_id),
            ]
        )
    body = (
        table(
            ["参数 parameter", "条件 conditions", "数值 value", "期间 period", "来源 source"], rows, raw=True
        )
        if rows
        else "<p>没有直接写明本地的来源 no source names this place.</p>"
    )
    return Section(
        f"本地来源的全部数据 Every claim naming this place ({len(own)})",
        [body],
        {"claims": claims_table(ds, city=code)},
        level=2,
    )


def _period(x) -> str:
    if not pd.isna(x.year):
        return f"{int(x.year)} 年度"
    lo = "" if pd.isna(x.valid_from) else f"{x.valid_from:%Y-%m-%d}"
    hi = "" if pd.isna(x.valid_to) else f"{x.valid_to:%Y-%m-%d}"
    return f"{lo} – {hi}" if lo or hi else "未注明 not stated"


def inherited(ds: Dataset, r: pd.DataFrame, notes: Footnotes) -> Section:
    """How the values shown were found (counts by status); CSV `resolved` (every value)."""
    counts = r["status"].value_counts()
    items = "".join(f"<li>{esc(label_zh(s, ds.labels))}: {counts.get(s, 0)}</li>" for s in counts.index)
    body = f"<ul>{items}</ul><p>继承的数值标 ↑省 / ↑国;未知的项目在上表中显示为 — 未知。</p>"
    return Section(
        f"数值来自哪一级 Where the values come from ({len(r)})",
        [body],
        {"resolved": long_table(ds, r)},
        level=2,
    )


def unknowns(ds: Dataset, r: pd.DataFrame) -> Section:
    """Parameters no claim at any level states for this place."""
    unk = r[r["status"] == "unknown"]
    text = "、".join(
        esc(f"{x.label_zh}{' (' + conditions_text(x.conditions, ds.labels) + ')' if x.conditions else ''}")
        for x in unk.itertuples()
    )
    return Section(f"未知 Unknown ({len(unk)})", [f"<p>{text or '无 none'}</p>"], level=2)


def over_time(ds: Dataset, city, notes: Footnotes | None = None) -> Section:
    """Claims of a place and its parents that carry a year, as a table (one unit per row, no mixed axis)."""
    chain = places.chain(ds, places.find(ds, city))
    c = ds.claims[ds.claims["jurisdiction"].isin(chain) & ds.claims["year"].notna() & ds.claims["usable"]]
    params = ds.parameters.set_index("id")
    rows = []
    for x in c.sort_values(["parameter", "cond_key", "year"]).itertuples():
        p = params.loc[x.parameter]
        rows.append(
            [
                _label(p),
                esc(conditions_text(x.cond_key, ds.labels)),
                esc(places.label(ds, x.jurisdiction)),
                esc(str(int(x.year))),
                esc(value_text(x.value, p["type"], ds.labels, p["unit"]))
                + (notes.ref_claim(x.claim_id) if notes else ""),
            ]
        )
    body = (
        table(["参数 parameter", "条件 conditions", "地区 place", "年度 year", "数值 value"], rows, raw=True)
        if rows
        else "<p>没有注明年度的数据 no claim carries a year.</p>"
    )
    return Section("按年度 Values by policy year", [body], level=2)
