"""The figures behind a calculator result, per place: value, year, status, kind, support, doubt."""

from __future__ import annotations

import pandas as pd

from ..data import Dataset
from ..data.vocab import MARKS
from ..rules import inputs_table
from .content import Section, fill_doc
from .fmt import doubt_text, label_zh, value_text
from .markup import Footnotes, esc, table
from .templating import Markup

HEADER = [
    "所用数值 figure used",
    "数值 value",
    "年份 year",
    "来自 stated for",
    "来源类型 source kind",
    "独立来源 independent sources",
    "存疑 doubt",
    "来源 sources",
]


def inputs_frame(ds: Dataset, res: pd.DataFrame) -> pd.DataFrame:
    """Each input of a calculator result once per place, flat for a CSV: doubts as zh/en text.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    res : DataFrame
        A calculator result with an ``inputs`` column (`helpers.employee_contributions`,
        `helpers.family_bindings`, `helpers.lapses` …).

    Returns
    -------
    DataFrame
        One row per (place, parameter, deciding claim): the columns of `helpers.inputs_table`
        without ``row``, ``doubts`` replaced by ``doubt_zh`` and ``doubt_en`` (text; empty when none)
        and ``status_zh`` (the status in words) added.

    Examples
    --------
    >>> import helpers as h, pandas as pd
    >>> ds = h.load()
    >>> res = h.employee_contributions(ds, pd.DataFrame({"city": ["泰安"], "wage": [3000]}), year=2025)
    >>> "employee.rate.employee" in set(h.report.inputs_frame(ds, res)["parameter"])
    True
    """
    t = inputs_table(res).drop(columns=["row"])
    keys = [k for k in ("city", "parameter", "claim", "from") if k in t.columns]
    t = t.drop_duplicates(keys).reset_index(drop=True)
    t.insert(t.columns.get_loc("status") + 1, "status_zh", [label_zh(s, ds.labels) for s in t["status"]])
    for lang in ("zh", "en"):
        t[f"doubt_{lang}"] = ["; ".join(dict.fromkeys(d.get(lang, "") for d in dd)) for dd in t["doubts"]]
    return t.drop(columns=["doubts"])


def _year(x) -> str:
    if x.status == "unknown":
        return "—"
    if pd.isna(x.year):
        return "年份未注明 not stated"
    if x.year_basis == "page date":
        return f"{x.year} 年起(页面日期)from {x.year} (page date)"
    return f"{x.year} 年 {x.year}"


def _value(ds: Dataset, x, ptype: dict) -> str:
    if x.status == "unknown":
        return "— 未知 unknown"
    vals = x.values if x.conflict else [x.value]
    text = " / ".join(value_text(v, ptype.get(x.parameter), ds.labels, x.unit) for v in vals)
    marks = [MARKS[x.status]] + [MARKS[f] for f in ("conflict", "doubt") if getattr(x, f)]
    return " ".join([text, *[m for m in marks if m]])


@fill_doc
def inputs_section(ds: Dataset, res: pd.DataFrame, notes: Footnotes, name: str = "inputs") -> Section:
    """The figures a calculator result used, one table per place, with their sources; CSV `name`.

    Every figure shows its value and marks, the year it is stated for, the place it is stated
    for (own or inherited), the kind of its source, how many independent sources support it and
    any doubt the data records; a figure no source states is listed as unknown.

    Parameters
    ----------
    {ds}
    res : DataFrame
        A calculator result with an ``inputs`` column.
    {notes}
    name : str
        The CSV part name (``inputs`` → ``<report>-inputs.csv``).

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h, pandas as pd
    >>> ds = h.load()
    >>> res = h.employee_contributions(ds, pd.DataFrame({"city": ["泰安"], "wage": [3000]}), year=2025)
    >>> s = h.report.inputs_section(ds, res, h.report.Footnotes(ds))
    >>> list(s.tables), "个人缴费比例" in s.to_html()
    (['inputs'], True)
    """
    flat = inputs_frame(ds, res)
    ptype = dict(zip(ds.parameters["id"], ds.parameters["type"], strict=True))
    parts = [
        "<p>计算所用的每个数值:年份、来源层级、来源类型与存疑说明。"
        "Each figure the calculation used: its year, the level it is stated for, its source's kind "
        "and any doubt.</p>"
    ]
    for _city, sub in flat.groupby("city", sort=False):
        rows = [
            [
                f"{x.label_zh} {x.label_en}",
                _value(ds, x, ptype),
                _year(x),
                "—" if pd.isna(x.from_zh) else ("本地 own" if not x.inherited else f"{x.from_zh} ↑"),
                "—" if pd.isna(x.kind) else label_zh(x.kind, ds.labels),
                "—" if x.status == "unknown" else str(x.support),
                doubt_text([{"zh": x.doubt_zh}]) if x.doubt_zh else "",
                Markup(notes.cite([x.claim])) if x.claim else "",
            ]
            for x in sub.itertuples()
        ]
        place = sub["city_zh"].iloc[0]
        parts.append(table(HEADER, rows, caption=f"{place}:所用数值 figures used"))
    heading = "所用数值及其来源 Figures used and their sources"
    return Section(heading, parts, {name: flat}, level=3)


def attach(ds: Dataset, section: Section, table_name: str, notes: Footnotes) -> Section:
    """`section` with the figures its calculator result (``section.tables[table_name]``) used:
    their tables appended after its parts, their CSV as ``<table_name>-inputs``; the result's CSV
    keeps its ``claims`` list and drops the nested ``inputs`` records (they are the new CSV).

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    section : Section
        A calculator section whose table `table_name` has an ``inputs`` column.
    table_name : str
        That table's name.
    notes : Footnotes
        The report's footnotes (the figures' sources are cited there).

    Returns
    -------
    Section
        The same section, changed in place.

    Examples
    --------
    >>> import helpers as h, pandas as pd
    >>> ds = h.load()
    >>> res = h.employee_contributions(ds, pd.DataFrame({"city": ["泰安"], "wage": [3000]}))
    >>> s = h.report.contribution_table(ds, res, h.report.Footnotes(ds))
    >>> sorted(s.tables), "inputs" in s.tables["employee"]
    (['employee', 'employee-inputs'], False)
    """
    res = section.tables[table_name]
    used = inputs_section(ds, res, notes, name=f"{table_name}-inputs")
    section.parts += [f"<h3>{esc(used.heading)}</h3>", *used.parts]
    section.tables[table_name] = res.drop(columns=["inputs"])
    section.tables.update(used.tables)
    return section
