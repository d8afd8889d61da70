"""Each value stated for several periods, over the years with its sources (city profiles)."""

from __future__ import annotations

import pandas as pd

from ..data import Dataset, places
from .content import Section, fill_doc
from .fmt import conditions_text, label_zh, value_text
from .markup import Footnotes, table
from .templating import Markup, html


def period_values(ds: Dataset, city) -> pd.DataFrame:
    """Usable claims of a place and its parents for parameters stated for several periods, oldest first."""
    chain = places.chain(ds, places.find(ds, city))
    c = ds.claims[ds.claims["jurisdiction"].isin(chain) & ds.claims["usable"]]
    dated = c[c["year"].notna() | c["valid_from"].notna() | c["valid_to"].notna()]
    dated = dated.assign(_start=[_start(r) for r in dated.itertuples()])
    periods = dated.groupby(["jurisdiction", "parameter", "cond_key"])["_start"].transform("nunique")
    many = dated[periods > 1].sort_values(["jurisdiction", "parameter", "cond_key", "_start", "claim_id"])
    kinds = dict(zip(ds.sources["id"], ds.sources["kind"], strict=True))
    return pd.DataFrame(
        {
            "place": many["jurisdiction"],
            "place_zh": [places.label(ds, j) for j in many["jurisdiction"]],
            "parameter": many["parameter"],
            "conditions": many["cond_key"],
            "period": [_period(r) for r in many.itertuples()],
            "value": many["value"],
            "claim": many["claim_id"],
            "source": many["source"],
            "kind": [kinds[s] for s in many["source"]],
        }
    ).reset_index(drop=True)


def _start(r) -> str:
    """Sortable start of a claim's period ('' when it only states an end)."""
    if not pd.isna(r.year):
        return f"{int(r.year)}-01-01"
    return "" if pd.isna(r.valid_from) else f"{r.valid_from:%Y-%m-%d}"


def _period(r) -> str:
    if not pd.isna(r.year):
        return str(int(r.year))
    lo = "" if pd.isna(r.valid_from) else f"{r.valid_from:%Y-%m-%d}"
    hi = "" if pd.isna(r.valid_to) else f"{r.valid_to:%Y-%m-%d}"
    return f"{lo} – {hi}".strip()


@fill_doc
def history(ds: Dataset, city, notes: Footnotes) -> Section:
    """Each value stated for several periods, over the years with its sources; CSV `history`.

    Parameters
    ----------
    {ds}
    city : str or int
        Code, Chinese name or pinyin (``370900``, ``泰安``, ``taian``).
    {notes}

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> ds = h.load()
    >>> s = h.report.history(ds, "北京", h.report.Footnotes(ds))
    >>> "history" in s.tables
    True
    """
    h = period_values(ds, city)
    if h.empty:
        body = "<p>没有跨多个时期的数值 no parameter is stated for more than one period.</p>"
        return Section("数值的历史 Values over the years", [body], {"history": h})
    meta = ds.parameters.set_index("id")
    titles = dict(zip(ds.sources["id"], ds.sources["title"], strict=True))
    parts = []
    for (place, pid, ck), grp in h.groupby(["place", "parameter", "conditions"], sort=False):
        ptype, lab = meta.at[pid, "type"], meta.at[pid, "label_zh"]
        cond = conditions_text(ck, ds.labels)
        caption = f"{lab}{' · ' + cond if cond else ''} — {places.label(ds, place)}"
        rows = [
            [
                x.period,
                value_text(x.value, ptype, ds.labels, meta.at[pid, "unit"]),
                # the source by its title and kind in words (its id stays in the CSV)
                html(
                    f"{titles.get(x.source, '')}({label_zh(x.kind, ds.labels)})",
                    Markup(notes.ref_claim(x.claim)),
                ),
            ]
            for x in grp.itertuples()
        ]
        parts.append(table(["时期 period", "数值 value", "来源 source"], rows, caption=caption))
    return Section("数值的历史 Values over the years", parts, {"history": h})
