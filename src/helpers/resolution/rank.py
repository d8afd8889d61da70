"""Ranking claims and deciding the winner for one (place, parameter, conditions, year)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..data import Dataset, places
from ..data.policies import parse_cond_key
from ..data.vocab import KIND_RANK, LEAD_KIND

_MIN, _MAX = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


@dataclass(frozen=True)
class Ranked:
    """One claim with what ranking needs: kind rank, source date, period bounds."""

    claim_id: str
    jurisdiction: str
    parameter: str
    cond_key: str
    conditions: dict
    value: Any
    source: str
    kind: str
    date: dt.date | None
    start: dt.date
    end: dt.date
    dated: bool
    year: int | None
    usable: bool = True

    @property
    def lead(self) -> bool:
        return self.kind == LEAD_KIND


def _d(x) -> dt.date | None:
    return None if x is None or pd.isna(x) else pd.Timestamp(x).date()  # NaT/None → None


def index(ds: Dataset) -> dict[tuple[str, str], list[Ranked]]:
    """Claims grouped by (jurisdiction, parameter), built once per dataset and cached on it."""
    cached = ds.cache.get("ranked")
    if cached is not None:
        return cached
    kinds = dict(zip(ds.sources["id"], ds.sources["kind"], strict=True))
    dates = dict(zip(ds.sources["id"], ds.sources["date"], strict=True))
    out: dict[tuple[str, str], list[Ranked]] = {}
    for r in ds.claims.itertuples(index=False):
        date = _d(dates[r.source])
        year = None if pd.isna(r.year) else int(r.year)
        if year is not None:
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        else:
            start, end = _d(r.valid_from) or _MIN, _d(r.valid_to) or _MAX
        rk = Ranked(
            r.claim_id,
            r.jurisdiction,
            r.parameter,
            r.cond_key,
            r.conditions,
            r.value,
            r.source,
            kinds[r.source],
            date,
            start,
            end,
            year is not None or start != _MIN or end != _MAX,
            year,
            bool(r.usable),
        )
        out.setdefault((r.jurisdiction, r.parameter), []).append(rk)
    ds.cache["ranked"] = out
    return out


def _covers(c: Ranked, year: int | None) -> int | None:
    """0 = period covers the year explicitly, 1 = undated (applies to any year), None = excluded."""
    if year is None:
        return 0
    if not c.dated:
        return 1
    return 0 if c.start <= dt.date(year, 12, 31) and c.end >= dt.date(year, 1, 1) else None


def sort_key(c: Ranked, year: int | None) -> tuple:
    """Ranking within one level: most specific conditions, covering period, source kind, recency."""
    recency = (c.date or _MIN).toordinal()
    return (
        -len(c.conditions),
        _covers(c, year),
        KIND_RANK[c.kind],
        -c.start.toordinal(),
        -recency,
        c.claim_id,
    )


def matches(claim_conditions: dict, wanted: dict) -> bool:
    """A claim applies when each condition it states is met (a condition it omits is open)."""
    return all(_meets(k, v, wanted) for k, v in claim_conditions.items())


def _meets(key: str, claim_value, wanted: dict) -> bool:
    if key in wanted:
        return wanted[key] == claim_value
    base, _, bound = key.rpartition("_")  # gap_min / gap_max / age_min / age_max vs a scenario's gap / age
    if bound in ("min", "max") and base in wanted and wanted[base] is not None:
        return wanted[base] >= claim_value if bound == "min" else wanted[base] <= claim_value
    return False


def overlaps(a: Ranked, b: Ranked) -> bool:
    """Whether two claims' periods overlap (undated claims overlap everything)."""
    return a.start <= b.end and b.start <= a.end


@dataclass
class Decision:
    """The outcome for one key: the winner (or None), the claims it competes with, and the rest."""

    winner: Ranked | None = None
    competing: list[Ranked] = field(default_factory=list)
    outranked: list[Ranked] = field(default_factory=list)
    overrides: list[Ranked] = field(default_factory=list)
    leads: list[Ranked] = field(default_factory=list)
    rejected: list[Ranked] = field(default_factory=list)

    @property
    def conflict(self) -> bool:
        return bool(self.competing)

    @property
    def values(self) -> list:
        """The winner's value and every competing value (one entry each)."""
        if self.winner is None:
            return []
        vals = [self.winner.value]
        for c in self.competing:
            if c.value not in vals:
                vals.append(c.value)
        return vals


def decide(levels: list[list[Ranked]], year: int | None, include_leads: bool = False) -> Decision:
    """Pick the winner among claims grouped by level, most specific level first."""
    d = Decision()
    for claims in levels:
        usable = []
        for c in claims:
            if not c.usable:
                d.rejected.append(c)
            elif c.lead and not include_leads:
                d.leads.append(c)
            elif _covers(c, year) is not None:
                usable.append(c)
        if not usable:
            continue
        if d.winner is not None:
            d.overrides += [c for c in usable if c.value != d.winner.value]
            continue
        usable.sort(key=lambda c: sort_key(c, year))
        w = d.winner = usable[0]
        for c in usable[1:]:
            if c.value == w.value:
                continue
            same_rank = (
                KIND_RANK[c.kind] == KIND_RANK[w.kind]
                and _covers(c, year) == _covers(w, year)
                and len(c.conditions) == len(w.conditions)
            )
            (d.competing if same_rank and overlaps(c, w) else d.outranked).append(c)
    return d


def levels(ds: Dataset, code: str, parameter: str, match) -> list[list[Ranked]]:
    """Claims for a parameter that `match` accepts, grouped by level: the place first, national last."""
    return [[c for c in index(ds).get((j, parameter), []) if match(c)] for j in places.chain(ds, code)]


def decide_for(
    ds: Dataset,
    code: str,
    parameter: str,
    cond_key: str,
    year: int | None = None,
    include_leads: bool = False,
) -> Decision:
    """Decision for one city, parameter and condition set; open-condition claims apply too."""
    wanted = parse_cond_key(cond_key)
    return decide(levels(ds, code, parameter, lambda c: matches(c.conditions, wanted)), year, include_leads)
