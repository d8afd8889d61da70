"""The evidence behind the reports: every source with its kind and why, and values by status."""

from __future__ import annotations

import pandas as pd

from ..data import Dataset
from ..data.vocab import FLAGS, KINDS, STATUSES
from ..resolution import resolve
from .content import Section, fill_doc
from .markup import table
from .tables import published_text
from .templating import Markup, html

_CODE = (Markup("<code>"), Markup("</code>"))


@fill_doc
def source_list(ds: Dataset) -> pd.DataFrame:
    """Every source: id, kind, what the kind rests on, published, checked, claims citing it.

    Parameters
    ----------
    {ds}

    Returns
    -------
    DataFrame
        One row per source: ``id``, ``title``, ``kind``, ``kind_basis`` (what the kind rests on),
        ``published``, ``checked``, ``url`` and ``claims`` (how many claims cite it).

    Examples
    --------
    >>> import helpers as h
    >>> t = h.report.source_list(h.load())
    >>> {"kind", "kind_basis", "checked"} <= set(t.columns)
    True
    """
    s = ds.sources.copy()
    cited = pd.concat(
        [ds.claims["source"], pd.Series([a["source"] for al in ds.claims["also"] for a in (al or [])])]
    ).value_counts()
    s["kind_order"] = s["kind"].map({k: i for i, k in enumerate(KINDS)})
    s = s.sort_values(["kind_order", "id"])
    return pd.DataFrame(
        {
            "id": s["id"],
            "title": s["title"],
            "kind": s["kind"],
            "kind_basis": s["kind_basis"],
            "published": [published_text(r) for _, r in s.iterrows()],
            "checked": [None if pd.isna(d) else f"{d:%Y-%m-%d}" for d in s["checked"]],
            "claims": [int(cited.get(i, 0)) for i in s["id"]],
        }
    ).reset_index(drop=True)


@fill_doc
def status_counts(
    ds: Dataset, codes: list[str] | None = None, year: int | None = None, as_of=None
) -> pd.DataFrame:
    """Resolved values (place × parameter × conditions) by status, and how many carry each flag.

    Parameters
    ----------
    {ds}
    codes : list of str, optional
        Place codes (default: national, Shandong, its cities and every place with a claim).
    year : int, optional
        Policy year; None takes the claims in force for any year.
    as_of : date or 'YYYY-MM-DD', optional
        Date the staleness check counts from (default today).

    Returns
    -------
    DataFrame
        One row per status (own, inherited-province, inherited-national, unverified, unknown) and
        flag (conflict, superseded, stale, undated) with the number of resolved values.

    Examples
    --------
    >>> import helpers as h
    >>> t = h.report.status_counts(h.load(), ["370900"])
    >>> len(t) > 0
    True
    """
    from .quality import focus_codes

    r = resolve(ds, codes or focus_codes(ds), year=year, as_of=as_of)
    rows = [{"what": "status", "name": s, "values": int((r["status"] == s).sum())} for s in STATUSES]
    rows += [{"what": "flag", "name": f, "values": int(r[f].sum())} for f in FLAGS]
    shown = r[r["status"] != "unknown"]
    rows.append(
        {"what": "support", "name": "2+ independent sources", "values": int((shown["support"] >= 2).sum())}
    )
    return pd.DataFrame(rows)


@fill_doc
def sources_section(ds: Dataset) -> Section:
    """Every source with kind, kind basis and checked date; CSV `sources`.

    Parameters
    ----------
    {ds}

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> "sources" in h.report.sources_section(h.load()).tables
    True
    """
    src = source_list(ds)
    lab = ds.labels
    rows = [
        [
            html(_CODE[0], x.id, _CODE[1], Markup("<br>"), x.title),
            html(lab.get(x.kind, {}).get("zh", x.kind), " ", _CODE[0], x.kind, _CODE[1]),
            x.kind_basis,
            x.published,
            x.checked or "—",
            str(x.claims),
        ]
        for x in src.itertuples()
    ]
    header = [
        "来源 source",
        "类型 kind",
        "判断依据 kind basis",
        "发布 published",
        "核对 checked",
        "引用 claims",
    ]
    return Section(
        f"全部来源 Every source ({len(src)})",
        [table(header, rows, caption="全部来源 every source")],
        {"sources": src},
    )


@fill_doc
def status_section(ds: Dataset, as_of: str | None = None) -> Section:
    """Counts of resolved values by status and flag (focus places × parameters); CSV `statuses`.

    Parameters
    ----------
    {ds}
    as_of : date or 'YYYY-MM-DD', optional
        Date the staleness check counts from (default today).

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> "statuses" in h.report.status_section(h.load()).tables
    True
    """
    c = status_counts(ds, as_of=as_of or None)
    lab = ds.labels
    rows = [
        [x.what, f"{lab.get(x.name, {}).get('zh', '')} {x.name}".strip(), str(x.values)]
        for x in c.itertuples()
    ]
    return Section(
        "数值状态 Values by status",
        [table(["", "状态 status", "数量 values"], rows, caption="数值状态 values by status")],
        {"statuses": c},
    )


@fill_doc
def unverified_values(ds: Dataset, r: pd.DataFrame, notes) -> Section:
    """Values only machine-written pages state (shown, marked 未核实), with their lead sources.

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
    >>> s = h.report.unverified_values(ds, h.resolve(ds, "济南"), h.report.Footnotes(ds))
    >>> type(s).__name__
    'Section'
    """
    from ..data import places
    from .fmt import conditions_text, value_text

    unv = r[r["status"] == "unverified"]
    rows = [
        [
            x["label_zh"],
            conditions_text(x["conditions"], ds.labels),
            value_text(x["value"], x["type"], ds.labels, x["unit"]),
            places.label(ds, x["from"]),
            Markup("".join(dict.fromkeys(notes.ref(s) for c in x["decision"].leads for s in c.sources))),
        ]
        for _, x in unv.iterrows()
    ]
    body = (
        table(["参数 parameter", "条件 conditions", "数值 value", "地区 from", "线索 leads"], rows)
        if rows
        else "<p>没有 none.</p>"
    )
    return Section(f"未核实的数值 Unverified values ({len(unv)})", [body])


@fill_doc
def value_history(ds: Dataset, r: pd.DataFrame, notes) -> Section:
    """Values that replaced an earlier claim: the shown value and every earlier one, with dates.

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
    >>> s = h.report.value_history(ds, h.resolve(ds, "泰安"), h.report.Footnotes(ds))
    >>> type(s).__name__
    'Section'
    """
    from .fmt import conditions_text, value_text

    rows = []
    for _, x in r[r["superseded"]].iterrows():
        d = x["decision"]
        for c, now in [(d.winner, True), *[(o, False) for o in d.superseded]]:
            rows.append(
                [
                    x["label_zh"],
                    conditions_text(x["conditions"], ds.labels),
                    html(
                        value_text(c.value, x["type"], ds.labels, x["unit"]),
                        Markup(notes.ref_claim(c.claim_id)),
                    ),
                    c.effective.isoformat() if c.effective.year > 1900 else "—",
                    "现行 shown" if now else "已被取代 superseded",
                ]
            )
    header = ["参数 parameter", "条件 conditions", "数值 value", "生效 from", ""]
    body = table(header, rows) if rows else "<p>没有 none.</p>"
    return Section("数值变化 Value history (superseded values)", [body])
