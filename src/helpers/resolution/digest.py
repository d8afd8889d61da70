"""What changed for a reader: the values the pages show, compared between two editions of the data.

`diff` (``resolution.changes``) lists every claim that changed; a reader wants to know what a
page now says differently. `digest(old, new, year)` resolves both editions for the same places
and year and lists, per (place, parameter, conditions):

- **value** — the value shown changed (including unknown → a value, and a value → unknown);
- **reliability-fell** / **reliability-rose** — the same value, now resting on weaker or stronger
  ground: its status (own / inherited > year not stated > unverified), the kind of its deciding
  source (a source reclassified, e.g. downgraded to machine-written), its independent support, or
  a doubt recorded or lifted. A reclassified source is one such line, not a removal and an addition;
- **conflict** — sources newly disagree (or, **conflict-resolved**, no longer do).

A change a place only inherits (a province's or the nation's value, shown for each of its cities)
is one line naming every place it reaches.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from ..data import Dataset
from ..data.vocab import KIND_RANK
from .table import resolve

#: The kinds of line, in the order a digest lists them.
DIGEST_CHANGES: tuple[str, ...] = (
    "value",
    "conflict",
    "reliability-fell",
    "reliability-rose",
    "conflict-resolved",
)
#: The columns of `digest()`'s result.
DIGEST_COLUMNS: dict[str, str] = {
    "change": "value, conflict, reliability-fell, reliability-rose or conflict-resolved",
    "places": "codes of the places whose pages show the change (list, in code order)",
    "from": "code of the place whose claims decide the value (after; before when now unknown)",
    "parameter": "parameter id",
    "conditions": "condition key ('' = none stated)",
    "old_value": "the value shown before (None = unknown); for a conflict, every value (list)",
    "new_value": "the value shown after (None = unknown); for a conflict, every value (list)",
    "old_status": "status before (see resolve_columns)",
    "new_status": "status after",
    "old_kind": "kind of the deciding source before",
    "new_kind": "kind of the deciding source after",
    "old_support": "independent sources before",
    "new_support": "independent sources after",
    "why": "what moved the reliability: status, kind, support, doubt (';'-joined; '' for other lines)",
    "source": "source id deciding the value after (before when now unknown)",
}
#: How much a status can be relied on (higher is firmer).
_STATUS_RANK = {
    "own": 3,
    "inherited-province": 3,
    "inherited-national": 3,
    "year-not-stated": 2,
    "unverified": 1,
    "unknown": 0,
}


def _shown(row) -> object:
    """The value a page shows, comparable across editions (every value when in conflict)."""
    if row["status"] == "unknown":
        return None
    vals = row["values"] if row["conflict"] else [row["value"]]
    return tuple(sorted(map(repr, vals)))


def _value(row, change: str):
    """The value a digest line names: None when unknown, every value for a new conflict."""
    if row["status"] == "unknown":
        return None
    return row["values"] if change == "conflict" else row["value"]


def _reliability(row) -> tuple[int, int, int, int]:
    kind = row["kind"]
    rank = KIND_RANK.get(kind, len(KIND_RANK)) if isinstance(kind, str) else len(KIND_RANK)
    return (_STATUS_RANK.get(row["status"], 0), -rank, 0 if row["doubt"] else 1, int(row["support"] or 0))


def _why(o, n) -> str:
    out = []
    if o["status"] != n["status"]:
        out.append(f"status {o['status']} → {n['status']}")
    if o["kind"] != n["kind"]:
        out.append(f"kind {o['kind']} → {n['kind']}")
    if bool(o["doubt"]) != bool(n["doubt"]):
        out.append("doubt recorded" if n["doubt"] else "doubt lifted")
    if int(o["support"] or 0) != int(n["support"] or 0):
        out.append(f"support {int(o['support'] or 0)} → {int(n['support'] or 0)}")
    return "; ".join(out)


#: Source fields an older data layout may lack; a lenient edition takes them from the newer one
#: (the kind and the date stay the older edition's own: a reclassification must show).
_SOURCE_FILL = ("publisher", "published", "published_not_before", "published_not_after", "url", "checked")


def align(old: Dataset, new: Dataset) -> Dataset:
    """`old` made resolvable when it was read in an older layout (``version == "lenient"``).

    Such an edition holds claims, sources (id, title, kind, date) and parameter ids only. The
    parameter catalogue, vocabularies and labels are taken from `new` (parameters `new` no longer
    has are dropped from `old`'s claims); each claim gets one column per condition from its
    conditions; source fields in `_SOURCE_FILL` come from the same source id in `new`. A strict
    edition is returned unchanged.
    """
    if old.version != "lenient":
        return old
    claims = old.claims[old.claims["parameter"].isin(set(new.parameters["id"]))].copy()
    for name in new.conditions:
        claims[name] = [c.get(name) if isinstance(c, dict) else None for c in claims["conditions"]]
    sources = old.sources.copy()
    by_id = new.sources.set_index("id")
    for col in _SOURCE_FILL:
        if col in by_id.columns:
            filled = sources["id"].map(by_id[col])
            sources[col] = filled.astype(by_id[col].dtype) if col in sources else filled
    return dataclasses.replace(
        old,
        claims=claims.reset_index(drop=True),
        sources=sources,
        parameters=new.parameters,
        conditions=new.conditions,
        topics=new.topics,
        labels=new.labels,
        cache={},
    )


def _table(ds: Dataset | None, codes: list[str], year: int | None) -> dict[tuple, dict]:
    if ds is None:
        return {}
    known = [c for c in codes if c in set(ds.jurisdictions["code"])]
    if not known:
        return {}
    r = resolve(ds, known, year=year).drop(columns="decision")
    return {(x["city"], x["parameter"], x["conditions"]): x for x in r.to_dict("records")}


def digest(
    old: Dataset | None, new: Dataset | None, year: int | None, cities: list[str] | None = None
) -> pd.DataFrame:
    """The reader-facing changes from `old` to `new` for `year`, one line per change (`DIGEST_COLUMNS`).

    Parameters
    ----------
    old, new : Dataset or None
        The two editions (None: no data at that point).
    year : int or None
        The benefit year the pages answer (None: each value's latest period).
    cities : list of str, optional
        Place codes (default: every place either edition knows).

    Returns
    -------
    DataFrame
        Sorted by the first place code, then parameter and conditions; a change inherited by
        several places is one line with all of them in ``places``.
    """
    if cities is None:
        codes = sorted({c for ds in (old, new) if ds is not None for c in ds.jurisdictions["code"]})
    else:
        codes = list(cities)
    if old is not None and new is not None:
        old = align(old, new)
    before, after = _table(old, codes, year), _table(new, codes, year)
    lines: dict[tuple, dict] = {}
    for key in sorted(set(before) | set(after)):
        o, n = before.get(key), after.get(key)
        if o is None or n is None:
            continue  # a place or parameter only one edition has: the detail lists its claims
        change, why = None, ""
        if n["conflict"] and not o["conflict"] and n["status"] != "unknown":
            change = "conflict"
        elif o["conflict"] and not n["conflict"] and _shown(n) is not None and o["status"] != "unknown":
            change = "conflict-resolved" if o["value"] == n["value"] else "value"
        elif _shown(o) != _shown(n):
            change = "value"
        elif _shown(n) is not None:
            ro, rn = _reliability(o), _reliability(n)
            if ro != rn:
                change = "reliability-fell" if rn < ro else "reliability-rose"
                why = _why(o, n)
        if change is None:
            continue
        decider = n if n["status"] != "unknown" else o
        row = {
            "change": change,
            "from": decider["from"],
            "parameter": key[1],
            "conditions": key[2],
            "old_value": _value(o, change),
            "new_value": _value(n, change),
            "old_status": o["status"],
            "new_status": n["status"],
            "old_kind": o["kind"] if o["status"] != "unknown" else None,
            "new_kind": n["kind"] if n["status"] != "unknown" else None,
            "old_support": int(o["support"] or 0),
            "new_support": int(n["support"] or 0),
            "why": why,
            "source": decider["source"],
        }
        group = (change, row["from"], key[1], key[2], repr(row["old_value"]), repr(row["new_value"]), why)
        if group in lines:
            lines[group]["places"].append(key[0])
        else:
            lines[group] = {"places": [key[0]], **row}
    out = pd.DataFrame(list(lines.values()), columns=list(DIGEST_COLUMNS), dtype=object)
    if out.empty:
        return out
    order = {k: i for i, k in enumerate(DIGEST_CHANGES)}
    out = out.assign(_p=[min(p) for p in out["places"]], _o=out["change"].map(order))
    return (
        out.sort_values(["_p", "parameter", "conditions", "_o"], kind="stable")
        .drop(columns=["_p", "_o"])
        .reset_index(drop=True)
    )


def digest_counts(table: pd.DataFrame) -> dict[str, int]:
    """Number of lines of each kind (every kind, zero included)."""
    return {k: int((table["change"] == k).sum()) if not table.empty else 0 for k in DIGEST_CHANGES}
