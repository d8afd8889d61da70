"""Where each input of a calculator result comes from: value, year, status, kind, support, doubt.

A calculator looks up several parameters (rates, base band, premium, waiting months …). Each
lookup becomes one *input record*, and every result row carries the records of the inputs it
used (column ``inputs``), so an analyst can see, per input, which year the figure is for,
whether it is the place's own or inherited, whether only machine-written pages state it, how
many independent sources support it and what doubt the data records about it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..data import Dataset, places
from ..exceptions import InputError
from ..resolution import Decision, status_of
from ..resolution.rank import OPEN_START

#: The fields of one input record, with their meaning (also in `helpers.glossary()`).
FIELDS: dict[str, str] = {
    "parameter": "the parameter looked up (id in data/parameters.yaml)",
    "label_zh": "its Chinese label",
    "label_en": "its English label",
    "unit": "its unit (None for yes/no and lists)",
    "value": "the value used (the winner's; None when no source states one)",
    "values": "every competing value (list; more than one when sources conflict)",
    "year": "the year the value is stated for: its period's year, else the year its page is dated "
    "(it speaks from that date on), else None",
    "year_basis": "how `year` is known: period, page date, or not stated",
    "status": "own, inherited-province, inherited-national, unverified, year-not-stated or unknown",
    "inherited": "True when the value is stated for a higher level (province or nation), not the place",
    "from": "code of the place whose claim gives the value",
    "from_zh": "name of that place",
    "kind": "kind of the deciding claim's source (official, official-qa, news, …)",
    "support": "independent non-lead sources of the value at the deciding place",
    "conflict": "True when sources of equal standing state other values",
    "doubt": "True when the data records a doubt about the value",
    "doubts": "the doubts, each {reason, zh, en}",
    "claim": "id of the deciding claim",
    "source": "id of its source",
}


def describe(ds: Dataset, code: str, parameter: str, d: Decision) -> dict[str, Any]:
    """The input record for one looked-up parameter of place `code` (see `FIELDS`).

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    code : str
        The place the calculator was asked about.
    parameter : str
        The parameter id looked up.
    d : Decision
        The resolver's decision for that lookup.

    Returns
    -------
    dict
        One key per entry of `FIELDS`; an unknown input has ``status`` ``unknown`` and None values.
    """
    meta = _meta(ds).get(parameter, {})
    w = d.winner
    year, basis = _year(d)
    status = status_of(ds, code, d)
    return {
        "parameter": parameter,
        "label_zh": meta.get("label_zh"),
        "label_en": meta.get("label_en"),
        "unit": meta.get("unit"),
        "value": w.value if w else None,
        "values": d.values,
        "year": year,
        "year_basis": basis,
        "status": status,
        "inherited": bool(w is not None and w.jurisdiction != code),
        "from": w.jurisdiction if w else None,
        "from_zh": places.label(ds, w.jurisdiction) if w else None,
        "kind": w.kind if w else None,
        "support": d.support,
        "conflict": d.conflict,
        "doubt": bool(d.doubts),
        "doubts": [dict(x) for x in d.doubts],
        "claim": w.claim_id if w else None,
        "source": w.source if w else None,
    }


def _year(d: Decision) -> tuple[int | None, str]:
    w = d.winner
    if w is None:
        return None, "not stated"
    if w.year is not None:
        return w.year, "period"
    if w.dated and w.start != OPEN_START:
        return w.start.year, "period"
    if w.date is not None:
        return w.date.year, "page date"
    return None, "not stated"


def _meta(ds: Dataset) -> dict:
    cached = ds.cache.get("parameter_meta")
    if cached is None:
        cached = ds.parameters.set_index("id")[["label_zh", "label_en", "unit"]].to_dict("index")
        ds.cache["parameter_meta"] = cached
    return cached


def merge(*groups) -> list[dict]:
    """Input records of several lookups (each an iterable of records), in order, each input once
    (one record per parameter and deciding claim)."""
    out: list[dict] = []
    seen: set = set()
    for g in groups:
        for rec in g:
            key = (rec["parameter"], rec["claim"], rec["from"])
            if key not in seen:
                seen.add(key)
                out.append(rec)
    return out


def inputs_table(result) -> pd.DataFrame:
    """One row per (result row, input used): what each figure behind a calculator result is.

    Parameters
    ----------
    result : DataFrame or dict
        What a calculator returned (`employee_contributions`, `household_premiums`,
        `family_bindings`, `lapses` or their one-scenario versions); it must have an ``inputs``
        column (or key).

    Returns
    -------
    DataFrame
        ``row`` (the result row's index label), ``city``, ``city_zh`` (when the result has them),
        then the fields of each input record: ``parameter``, ``label_zh``, ``label_en``, ``unit``,
        ``value``, ``values``, ``year`` (Int64), ``year_basis``, ``status``, ``inherited``,
        ``from``, ``from_zh``, ``kind``, ``support`` (int), ``conflict``, ``doubt``, ``doubts``,
        ``claim``, ``source``.

    Examples
    --------
    >>> import helpers as h
    >>> r = h.employee_contribution(h.load(), "泰安", 3000, year=2025)
    >>> t = h.inputs_table(r)
    >>> "employee.rate.employee" in set(t["parameter"])
    True
    """
    frame = pd.DataFrame([result]) if isinstance(result, dict) else result
    if not isinstance(frame, pd.DataFrame) or "inputs" not in frame.columns:
        raise InputError(
            "result: expected a calculator result with an 'inputs' column — pass what e.g. "
            "h.employee_contributions(ds, grid) returned"
        )
    rows = []
    for label, row in frame.iterrows():
        ident = {k: row[k] for k in ("city", "city_zh") if k in frame.columns}
        for rec in row["inputs"] or []:
            rows.append({"row": label, **ident, **rec})
    cols = ["row", *[k for k in ("city", "city_zh") if k in frame.columns], *FIELDS]
    out = pd.DataFrame(rows, columns=cols)
    out["value"] = pd.Series([r["value"] for r in rows], index=out.index, dtype=object)
    out["year"] = out["year"].astype("Int64")
    out["support"] = out["support"].astype("Int64")
    return out
