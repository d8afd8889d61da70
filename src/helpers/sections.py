"""Report sections for the comparison and city-profile notebooks (display + CSV export)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown, display

from . import places, plots
from .data import Dataset
from .fmt import conditions_text, value_text
from .markup import LEGEND, Footnotes, esc, table
from .resolve import resolve
from .tables import MARKS, claims_table, marks

TOPIC_ZH = {
    "binding": "家庭共济绑定 Family-account binding",
    "contribution": "缴费标准 Contributions",
    "lapse": "断缴·补缴·等待期 Lapse rules",
    "benefit": "待遇与报销 Benefits (as stated by sources)",
}


def title(ds: Dataset, prefix: str, cities: str, year: int | None = None) -> None:
    """Show a heading naming the cities (markdown cells are not parameterised)."""
    names = " · ".join(places.label(ds, c) for c in places.find_many(ds, cities))
    display(Markdown(f"## {esc(prefix)}:{esc(names)}" + (f"({year})" if year else "")))


def export_csv(df: pd.DataFrame, csv_dir: str, report: str, part: str) -> None:
    """Write a table as CSV next to the report (atomically); nothing when csv_dir is empty."""
    if not csv_dir:
        return
    path = Path(csv_dir) / f"{report}-{part}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    df = df.map(lambda v: ", ".join(map(str, v)) if isinstance(v, list) else v)  # e.g. claim ids
    df.to_csv(tmp, index=False, encoding="utf-8-sig")
    tmp.replace(path)


def _cell(row, ptype: str, notes: Footnotes) -> tuple[str, str]:
    if row["status"] == "unknown":
        leads = "".join(notes.ref(c["source"]) for c in row["leads"])
        return "— 未知" + (f" (线索 lead{leads})" if leads else ""), "unknown"
    vals = row["values"] if row["conflict"] else [row["value"]]
    refs = [notes.ref(row["source"])] + [notes.ref(c["source"]) for c in row["competing"]]
    text = " / ".join(esc(value_text(v, ptype)) for v in vals) + "".join(dict.fromkeys(refs))
    cls = "conflict" if row["conflict"] else ("inherited" if row["status"] != "own" else "")
    if row["stale"]:
        cls += " stale"
    return " ".join([text, *[esc(m) for m in marks(row)]]), cls.strip()


def comparison(ds: Dataset, r: pd.DataFrame, notes: Footnotes) -> str:
    """MISSOC-style HTML table: one row per parameter/conditions, one column per city."""
    types = ds.parameters.set_index("id")["type"]
    cities = list(dict.fromkeys(r["city_zh"]))
    keyed = r.set_index(["parameter", "conditions", "city_zh"])
    rows, classes = [], []
    for (pid, ck), grp in r.groupby(["parameter", "conditions"], sort=False):
        first = grp.iloc[0]
        label = f"{esc(first['label_zh'])}<br><small>{esc(first['label_en'])}</small>"
        cells = [_cell(keyed.loc[(pid, ck, c)], types[pid], notes) for c in cities]
        rows.append([label, esc(conditions_text(ck))] + [c[0] for c in cells])
        classes.append(["", ""] + [c[1] for c in cells])
    return table(["参数 parameter", "条件 conditions", *cities], rows, classes, raw=True)


def compare_topics(
    ds: Dataset,
    cities: str,
    topics: str,
    year: int | None,
    as_of: str | None,
    csv_dir: str = "",
    report: str = "compare",
) -> None:
    """For each topic: the comparison table, its charts, and the sources it cites."""
    for topic in [t.strip() for t in topics.split(",") if t.strip()]:
        r = resolve(ds, cities, year=year, as_of=as_of or None, topic=topic)
        notes = Footnotes(ds)
        display(Markdown(f"### {TOPIC_ZH.get(topic, topic)}"))
        display(HTML(comparison(ds, r, notes) + LEGEND + notes.html()))
        export_csv(long_table(r), csv_dir, report, topic)
        if topic == "binding":
            plots.show(plots.limit_chart(r))
        elif topic == "contribution":
            plots.show(plots.premium_chart(r))


def long_table(r: pd.DataFrame) -> pd.DataFrame:
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
            "conflict",
            "stale",
        ]
    ].copy()
    out.insert(6, "value", [None if v is None else value_text(v) for v in r["value"]])
    out.insert(7, "all_values", [" / ".join(value_text(v) for v in vs) for vs in r["values"]])
    return out


def narrative(ds: Dataset, cities: str, year: int | None, as_of: str | None) -> None:
    """A short generated summary of where the cities differ, what is unknown and disputed."""
    r = resolve(ds, cities, year=year, as_of=as_of or None)
    r = r[r["topic"] != "benefit"]
    names = list(dict.fromkeys(r["city_zh"]))
    types = ds.parameters.set_index("id")["type"]
    lines = []
    for (pid, ck), grp in r.groupby(["parameter", "conditions"], sort=False):
        known = grp[grp["status"] != "unknown"]
        if len(names) > 1 and len(known) == len(grp) and known["value"].map(repr).nunique() > 1:
            by_value: dict[str, list[str]] = {}  # cities grouped by the value they show
            for x in known.itertuples():
                by_value.setdefault(value_text(x.value, types[pid]) + MARKS[x.status], []).append(x.city_zh)
            vals = "; ".join(f"{v}: {'、'.join(cs)}" for v, cs in by_value.items())
            cond = f" ({conditions_text(ck)})" if ck else ""
            lines.append(f"- **{esc(grp.iloc[0]['label_zh'])}**{esc(cond)} — {esc(vals)}")
    unknown = r[r["status"] == "unknown"].groupby("city_zh", sort=False).size()
    conflicts = r[r["conflict"]].groupby("city_zh", sort=False).size()
    summary = [
        f"**{esc(c)}**: {unknown.get(c, 0)} 项未知 unknown, {conflicts.get(c, 0)} 项来源冲突 disputed, "
        f"{int((r[(r['city_zh'] == c)]['status'] == 'own').sum())} 项本地来源 own"
        for c in names
    ]
    text = ["#### 主要差异 Main differences"]
    text += lines[:12] or [
        "- 已知数值中没有两城都有来源且不同的项目 (no parameter is sourced for every city "
        "with different values)."
    ]
    if len(lines) > 12:
        text.append(f"- … and {len(lines) - 12} more in the tables below.")
    text += ["", "#### 覆盖情况 Coverage", *[f"- {s}" for s in summary]]
    display(Markdown("\n".join(text)))


def city_profile(
    ds: Dataset, city: str, year: int | None, as_of: str | None, csv_dir: str = "", report: str = "profile"
) -> None:
    """Everything known about one city: own claims, inherited values, unknowns, values over time."""
    code = places.find(ds, city)
    notes = Footnotes(ds)
    own = claims_table(ds, city=code)
    display(Markdown(f"### 本地来源的数据 Own claims ({len(own)})"))
    rows = [
        [
            esc(p),
            esc(conditions_text(c)),
            esc(v),
            esc(per),
            ("" if u else "不可用 unusable ") + notes.ref(s),
            esc(loc),
        ]
        for p, c, v, per, u, s, loc in own[
            ["parameter", "conditions", "value", "period", "usable", "source", "locator"]
        ].itertuples(index=False)
    ]
    display(
        HTML(
            table(["parameter", "conditions", "value", "period", "source", "locator"], rows, raw=True)
            if rows
            else "<p>没有本地来源 no claim names this place.</p>"
        )
    )
    r = resolve(ds, code, year=year, as_of=as_of or None)
    inh = r[r["status"].str.startswith("inherited")]
    display(Markdown(f"### 继承的数值 Inherited values ({len(inh)})"))
    rows = [
        [
            esc(x.label_zh),
            esc(conditions_text(x.conditions)),
            esc(value_text(x.value)),
            esc(places.label(ds, x["from"])) + notes.ref(x.source),
        ]
        for _, x in inh.iterrows()
    ]
    display(HTML(table(["parameter", "conditions", "value", "from"], rows, raw=True)))
    unk = r[r["status"] == "unknown"]
    display(
        Markdown(
            f"### 未知 Unknown ({len(unk)})\n\n"
            + "、".join(
                esc(f"{x.label_zh}{' (' + conditions_text(x.conditions) + ')' if x.conditions else ''}")
                for x in unk.itertuples()
            )
        )
    )
    display(Markdown("### 随时间变化 Values over time"))
    plots.show(plots.over_time_chart(ds, code))
    display(HTML(LEGEND + notes.html()))
    export_csv(long_table(r), csv_dir, report, "resolved")
