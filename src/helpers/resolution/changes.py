"""What changed between two editions of the data, per place, parameter and condition set.

`diff(old, new)` pairs the claims of two datasets and lists: values **added**, **changed**
(old → new, with both sources), **removed**, claims newly **superseded** by a later period,
condition sets newly in **conflict** (sources of the same rank disagree at that place) and newly
**unverified** (only machine-written pages state them). Claims are paired by their stable `id`
when both editions have ids; otherwise by (place, parameter, conditions, period, source).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..data import Dataset, places
from .rank import OPEN_END, OPEN_START, Ranked, decide, index

#: The kinds of change, in the order they are listed for one key.
CHANGES: tuple[str, ...] = ("added", "changed", "removed", "superseded", "conflict", "unverified")

#: The columns of `diff()`'s result, in order (the CSV and JSON shape).
COLUMNS: dict[str, str] = {
    "change": "added, changed, removed, superseded, conflict or unverified",
    "place": "code of the place the claims name (GB/T 2260)",
    "place_zh": "its Chinese name",
    "parameter": "parameter id (see data/parameters.yaml)",
    "conditions": "condition key, e.g. 'scheme=employee;tier=1' ('' = none)",
    "period": "the claim's period: a year, 'from … to …', or '' when undated",
    "old_value": "value before (None when added)",
    "new_value": "value after (None when removed); for conflict and unverified: every value",
    "old_source": "source id before",
    "new_source": "source id after (several joined by ', ')",
    "old_kind": "kind of the source before",
    "new_kind": "kind of the source after",
    "claim": "claim id (after; before when removed)",
    "detail": "what changed, what supersedes it, which sources disagree",
}

#: How claims were paired: by stable id, or by this key for editions without ids.
KEY_FIELDS = ("place", "parameter", "conditions", "period", "source")


@dataclass(frozen=True)
class _Claim:
    r: Ranked
    period: str

    @property
    def key(self) -> tuple:
        return (self.r.jurisdiction, self.r.parameter, self.r.cond_key, self.period, self.r.source)

    @property
    def group(self) -> tuple:
        return (self.r.jurisdiction, self.r.parameter, self.r.cond_key)


def _period(c: Ranked) -> str:
    if c.year is not None:
        return str(c.year)
    parts = [f"from {c.start}"] if c.start != OPEN_START else []
    parts += [f"to {c.end}"] if c.end != OPEN_END else []
    return " ".join(parts)


def _claims(ds: Dataset | None) -> list[_Claim]:
    if ds is None:
        return []
    return [_Claim(c, _period(c)) for cs in index(ds).values() for c in cs]


def _pair(old: list[_Claim], new: list[_Claim], by_id: bool) -> tuple[list, list, list]:
    """(pairs, old only, new only); pairs by id, or by key with equal values paired first."""
    if by_id:
        o = {c.r.claim_id: c for c in old}
        n = {c.r.claim_id: c for c in new}
        pairs = [(o[k], n[k]) for k in o if k in n]
        return pairs, [c for k, c in o.items() if k not in n], [c for k, c in n.items() if k not in o]
    groups: dict[tuple, tuple[list, list]] = {}
    for side, claims in ((0, old), (1, new)):
        for c in claims:
            groups.setdefault(c.key, ([], []))[side].append(c)
    pairs, gone, came = [], [], []
    for os_, ns in groups.values():
        ns = list(ns)
        rest = []
        for oc in os_:
            same = next((nc for nc in ns if nc.r.value == oc.r.value), None)
            if same is not None:
                ns.remove(same)
                pairs.append((oc, same))
            else:
                rest.append(oc)
        k = min(len(rest), len(ns))
        pairs += list(zip(rest[:k], ns[:k], strict=True))
        gone += rest[k:]
        came += ns[k:]
    return pairs, gone, came


def _superseded(claims: list[_Claim]) -> dict[str, _Claim]:
    """Claim id → the claim that replaces it: same place, parameter and conditions, a later period."""
    groups: dict[tuple, list[_Claim]] = {}
    for c in claims:
        if c.r.usable and not c.r.lead and c.r.dated:
            groups.setdefault(c.group, []).append(c)
    out: dict[str, _Claim] = {}
    for cs in groups.values():
        cs.sort(key=lambda c: (c.r.start, c.r.claim_id))
        for c in cs:
            later = [x for x in cs if x.r.start > c.r.start]
            if later:
                out[c.r.claim_id] = later[0]
    return out


def _states(claims: list[_Claim]) -> dict[tuple, tuple[bool, bool, Any]]:
    """Per (place, parameter, conditions): (conflict, unverified, decision) among the place's claims."""
    groups: dict[tuple, list[Ranked]] = {}
    for c in claims:
        groups.setdefault(c.group, []).append(c.r)
    out = {}
    for g, cs in groups.items():
        d = decide([cs], None)
        out[g] = (d.conflict, d.unverified or (d.winner is None and bool(d.leads)), d)
    return out


def _row(change: str, old: _Claim | None, new: _Claim | None, detail: str = "", **over) -> dict:
    c = new or old
    row = {
        "change": change,
        "place": c.r.jurisdiction,
        "parameter": c.r.parameter,
        "conditions": c.r.cond_key,
        "period": c.period,
        "old_value": old.r.value if old else None,
        "new_value": new.r.value if new else None,
        "old_source": old.r.source if old else None,
        "new_source": new.r.source if new else None,
        "old_kind": old.r.kind if old else None,
        "new_kind": new.r.kind if new else None,
        "claim": c.r.claim_id,
        "detail": detail,
    }
    return {**row, **over}


def _what_changed(o: _Claim, n: _Claim) -> list[str]:
    out = []
    if o.r.value != n.r.value or type(o.r.value) is not type(n.r.value):
        out.append("value")
    if o.r.cond_key != n.r.cond_key:
        out.append(f"conditions {o.r.cond_key or '—'} → {n.r.cond_key or '—'}")
    if o.period != n.period:
        out.append(f"period {o.period or 'undated'} → {n.period or 'undated'}")
    if o.r.source != n.r.source:
        out.append("source")
    elif o.r.kind != n.r.kind:  # the same page judged again: one change, not a removal and an addition
        out.append(f"source reclassified {o.r.kind} → {n.r.kind}")
    if o.r.usable != n.r.usable:
        out.append("usable → " + ("yes" if n.r.usable else "no"))
    return out


def diff(old: Dataset | None, new: Dataset | None, by_id: bool = True, cities: list[str] | None = None):
    """The changes from `old` to `new` as a table with `COLUMNS` (one row per change).

    Parameters
    ----------
    old, new : Dataset or None
        The two editions (None: no data at that point).
    by_id : bool
        Pair claims by their stable ids; False pairs them by (place, parameter, conditions,
        period, source), for editions whose claims carry no ids.
    cities : list of codes, optional
        Only these places and the places they inherit from (province, national).
    """
    oc, nc = _claims(old), _claims(new)
    pairs, gone, came = _pair(oc, nc, by_id)
    sup_old, sup_new = _superseded(oc), _superseded(nc)
    rows = []
    for o, n in pairs:
        what = _what_changed(o, n)
        if what:
            rows.append(_row("changed", o, n, "; ".join(what)))
        by = sup_new.get(n.r.claim_id)
        if by is not None and o.r.claim_id not in sup_old:
            rows.append(
                _row(
                    "superseded",
                    o,
                    by,
                    f"by {by.r.claim_id} ({by.period})",
                    claim=n.r.claim_id,
                    period=n.period,
                )
            )
    for n in came:
        by = sup_new.get(n.r.claim_id)
        rows.append(
            _row("added", None, n, f"already superseded by {by.r.claim_id} ({by.period})" if by else "")
        )
    rows += [_row("removed", o, None) for o in gone]
    st_old, st_new = _states(oc), _states(nc)
    for g, (conflict, unverified, d) in st_new.items():
        was = st_old.get(g, (False, False, None))
        if conflict and not was[0]:
            cs = [d.winner, *d.competing]
            rows.append(_group_row("conflict", g, cs, "sources of the same rank disagree"))
        if unverified and not was[1]:
            leads = ([d.winner] if d.unverified and d.winner else []) + d.leads
            rows.append(_group_row("unverified", g, leads, "only machine-written pages (leads) state it"))
    out = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "place_zh"], dtype=object)
    if cities is not None:
        keep = {p for code in cities for p in places.chain(new or old, code)} if (new or old) else set()
        out = out[out["place"].isin(keep)]
    names = {**_names(old), **_names(new)}
    out.insert(2, "place_zh", [names.get(p, p) for p in out["place"]])
    order = {k: i for i, k in enumerate(CHANGES)}
    out = out.assign(_o=out["change"].map(order)).sort_values(
        ["place", "parameter", "conditions", "period", "_o", "claim"], kind="stable"
    )
    return out.drop(columns="_o").reset_index(drop=True)


def _group_row(change: str, g: tuple, cs: list[Ranked], detail: str) -> dict:
    vals = list(dict.fromkeys(repr(c.value) for c in cs))
    values = [next(c.value for c in cs if repr(c.value) == v) for v in vals]
    return {
        "change": change,
        "place": g[0],
        "parameter": g[1],
        "conditions": g[2],
        "period": "",
        "old_value": None,
        "new_value": values,
        "old_source": None,
        "new_source": ", ".join(dict.fromkeys(c.source for c in cs)),
        "old_kind": None,
        "new_kind": ", ".join(dict.fromkeys(c.kind for c in cs)),
        "claim": ", ".join(dict.fromkeys(c.claim_id for c in cs)),  # the shown lead is also among the leads
        "detail": detail,
    }


def _names(ds: Dataset | None) -> dict[str, str]:
    if ds is None:
        return {}
    return dict(zip(ds.jurisdictions["code"], ds.jurisdictions["name_zh"], strict=True))


def counts(changes: pd.DataFrame) -> dict[str, int]:
    """Number of rows of each kind of change (every kind, zero included)."""
    return {k: int((changes["change"] == k).sum()) for k in CHANGES}
