"""Ranking claims and deciding the winner for one (place, parameter, conditions, year)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..data import Dataset, places
from ..data.policies import parse_cond_key
from ..data.vocab import KIND_RANK, KINDS, LEAD_KIND

#: Dates standing for an open start or end of a period.
OPEN_START, OPEN_END = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


@dataclass(frozen=True)
class Ranked:
    """One claim with what ranking needs: kind rank, source date, period bounds, its citations.

    `kind` is the claim's own source's kind; `best_kind` the most reliable kind among all its
    citations (`source` and `also`), which ranks it: one non-lead citation lifts a claim out of
    the leads. `effective` is when it takes effect: its period's start, else its source's date.
    """

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
    sources: tuple[str, ...] = ()
    best_kind: str = ""
    scope: str = "stated"
    effective: dt.date = OPEN_START
    #: Doubts recorded on the claim or on any source it cites ({reason, zh, en} each).
    doubts: tuple[dict, ...] = ()

    @property
    def lead(self) -> bool:
        """Only machine-written pages support this claim."""
        return (self.best_kind or self.kind) == LEAD_KIND

    @property
    def rank(self) -> int:
        return KIND_RANK[self.best_kind or self.kind]


def _d(x) -> dt.date | None:
    return None if x is None or pd.isna(x) else pd.Timestamp(x).date()  # NaT/None → None


def index(ds: Dataset) -> dict[tuple[str, str], list[Ranked]]:
    """Claims grouped by (jurisdiction, parameter), built once per dataset and cached on it."""
    cached = ds.cache.get("ranked")
    if cached is not None:
        return cached
    kinds = dict(zip(ds.sources["id"], ds.sources["kind"], strict=True))
    source_doubts = dict(zip(ds.sources["id"], ds.sources["doubt"], strict=True))
    dates = dict(zip(ds.sources["id"], ds.sources["date"], strict=True))
    out: dict[tuple[str, str], list[Ranked]] = {}
    for r in ds.claims.itertuples(index=False):
        date = _d(dates[r.source])
        year = None if pd.isna(r.year) else int(r.year)
        if year is not None:
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        else:
            start, end = _d(r.valid_from) or OPEN_START, _d(r.valid_to) or OPEN_END
        cites = tuple(dict.fromkeys([r.source] + [c["source"] for c in (r.also or [])]))
        best = min((kinds[x] for x in cites), key=KINDS.index)
        dated = year is not None or start != OPEN_START or end != OPEN_END
        doubts = [r.doubt] + [source_doubts[x] for x in cites]
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
            dated,
            year,
            bool(r.usable),
            cites,
            best,
            str(r.scope),
            start if start != OPEN_START else (date or OPEN_START),
            tuple(x for x in doubts if isinstance(x, dict)),
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
    recency = (c.date or OPEN_START).toordinal()
    return (
        -len(c.conditions),
        _covers(c, year),
        c.rank,
        -c.effective.toordinal(),
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
    """The outcome for one key: the winner (or None), the claims it competes with, and the rest.

    `agreeing`: other claims stating the winner's value (corroboration); `superseded`: earlier
    claims for the same place and conditions that a later one replaced (kept on record);
    `unattributed`: general statements naming no place, never used; `unverified`: the winner is a
    lead, shown because no other claim states a value.
    """

    winner: Ranked | None = None
    competing: list[Ranked] = field(default_factory=list)
    outranked: list[Ranked] = field(default_factory=list)
    overrides: list[Ranked] = field(default_factory=list)
    leads: list[Ranked] = field(default_factory=list)
    rejected: list[Ranked] = field(default_factory=list)
    agreeing: list[Ranked] = field(default_factory=list)
    superseded: list[Ranked] = field(default_factory=list)
    unattributed: list[Ranked] = field(default_factory=list)
    unverified: bool = False

    @property
    def support(self) -> int:
        """How many distinct non-lead sources state the shown value (0 when unverified or unknown)."""
        if self.winner is None or self.unverified:
            return 0
        cites = [s for c in [self.winner, *self.agreeing] if not c.lead for s in c.sources]
        return len(set(cites))

    @property
    def conflict(self) -> bool:
        return bool(self.competing)

    @property
    def doubts(self) -> list[dict]:
        """Doubts recorded on the shown value's claims (winner and competing), each once."""
        out: list[dict] = []
        for c in [self.winner, *self.competing] if self.winner else []:
            out += [x for x in c.doubts if x not in out]
        return out

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


def _supersede(claims: list[Ranked], until: dt.date) -> tuple[list[Ranked], list[Ranked]]:
    """Split one level's claims into current and superseded: a later claim for the same conditions
    with a different value, whose stated period starts after the earlier one took effect (period
    start, else source date), replaces it from that start (when the start is by `until`).
    Two undated pages that disagree are a conflict, not a supersession."""
    current, old = [], []
    for c in claims:
        newer = [
            n
            for n in claims
            if n.cond_key == c.cond_key
            and n.value != c.value
            and n.dated
            and c.effective < n.effective <= until
        ]
        (old if newer else current).append(c)
    return current, old


def decide(
    levels: list[list[Ranked]], year: int | None, include_leads: bool = False, on: dt.date | None = None
) -> Decision:
    """Pick the winner among claims grouped by level, most specific level first.

    `on` is the date a value is wanted for when no year is given (default today); with a year,
    the year's last day. Claims naming no place never take part; leads decide only when nothing
    else states a value, and then the decision is `unverified`.
    """
    until = dt.date(year, 12, 31) if year is not None else (on or dt.date.today())
    d = Decision()
    for claims in levels:
        usable = []
        for c in claims:
            if c.scope == "unattributed":
                d.unattributed.append(c)
            elif not c.usable:
                d.rejected.append(c)
            elif c.lead and not include_leads:
                d.leads.append(c)
            elif year is None and c.dated and c.start > until:
                d.outranked.append(c)  # its stated period starts after the date asked about
            elif _covers(c, year) is not None:
                usable.append(c)
        usable, old = _supersede(usable, until)
        d.superseded += old
        if not usable:
            continue
        if d.winner is not None:
            for c in usable:
                (d.agreeing if c.value == d.winner.value else d.overrides).append(c)
            continue
        usable.sort(key=lambda c: sort_key(c, year))
        w = d.winner = usable[0]
        for c in usable[1:]:
            if c.value == w.value:
                d.agreeing.append(c)
                continue
            same_rank = (
                c.rank == w.rank
                and _covers(c, year) == _covers(w, year)
                and len(c.conditions) == len(w.conditions)
            )
            (d.competing if same_rank and overlaps(c, w) else d.outranked).append(c)
    if d.winner is None and d.leads and not include_leads:
        sub = decide([[c for c in lv if c.lead] for lv in levels], year, include_leads=True, on=on)
        if sub.winner is not None:
            d.winner, d.competing, d.agreeing = sub.winner, sub.competing, sub.agreeing
            d.outranked, d.superseded, d.unverified = sub.outranked, d.superseded + sub.superseded, True
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
    on: dt.date | None = None,
) -> Decision:
    """Decision for one city, parameter and condition set; open-condition claims apply too."""
    wanted = parse_cond_key(cond_key)
    found = levels(ds, code, parameter, lambda c: matches(c.conditions, wanted))
    return decide(found, year, include_leads, on)
