"""Ranking claims and deciding the winner for one (place, parameter, conditions, year)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..data import Dataset, places
from ..data.policies import parse_cond_key
from ..data.vocab import ALL, KIND_RANK, KINDS, LEAD_KIND
from .plausibility import findings

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
    #: For each citation in `sources`: its independent origin (pages of one publisher or one
    #: website share an origin) and whether it is a lead; support counts origins, never leads.
    origins: tuple[str, ...] = ()
    cite_leads: tuple[bool, ...] = ()

    @property
    def lead(self) -> bool:
        """Only machine-written pages support this claim."""
        return (self.best_kind or self.kind) == LEAD_KIND

    @property
    def rank(self) -> int:
        return KIND_RANK[self.best_kind or self.kind]

    @property
    def specificity(self) -> int:
        """How many conditions it states with a value of their own (`all` is not specific)."""
        return sum(v != ALL for v in self.conditions.values())


def _d(x) -> dt.date | None:
    return None if x is None or pd.isna(x) else pd.Timestamp(x).date()  # NaT/None → None


def _host(url) -> str | None:
    if not isinstance(url, str) or "://" not in url:
        return None
    host = url.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0].lower()
    return host.removeprefix("www.").removeprefix("m.") or None


def origins(ds: Dataset) -> dict[str, str]:
    """Source id → its origin: sources sharing a publisher or a website (host) are one origin,
    so two pages of one outlet or one site count as one independent source."""
    cached = ds.cache.get("origins")
    if cached is not None:
        return cached
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for sid, pub, url in zip(ds.sources["id"], ds.sources["publisher"], ds.sources["url"], strict=True):
        keys = [f"s:{sid}"]
        if isinstance(pub, str) and pub.strip():
            keys.append(f"p:{pub.strip().lower()}")
        if (h := _host(url)) is not None:
            keys.append(f"h:{h}")
        for k in keys[1:]:
            parent[find(k)] = find(keys[0])
    out = {sid: find(f"s:{sid}") for sid in ds.sources["id"]}
    ds.cache["origins"] = out
    return out


def index(ds: Dataset) -> dict[tuple[str, str], list[Ranked]]:
    """Claims grouped by (jurisdiction, parameter), built once per dataset and cached on it."""
    cached = ds.cache.get("ranked")
    if cached is not None:
        return cached
    kinds = dict(zip(ds.sources["id"], ds.sources["kind"], strict=True))
    source_doubts = dict(zip(ds.sources["id"], ds.sources["doubt"], strict=True))
    origin = origins(ds)
    found = findings(ds)
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
        doubts = [r.doubt] + [source_doubts[x] for x in cites] + found.get(r.claim_id, [])
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
            tuple(origin[x] for x in cites),
            tuple(kinds[x] == LEAD_KIND for x in cites),
        )
        out.setdefault((r.jurisdiction, r.parameter), []).append(rk)
    ds.cache["ranked"] = out
    return out


def _covers(c: Ranked, year: int | None) -> int | None:
    """How a claim speaks for a year: 0 = its period covers the year; 1 = it states no period and
    its source is dated by the year's end (a dated page speaks from its date on); None = it does
    not speak for that year (another period, a page from a later year, or no date at all: such
    an undated claim has its own lane, see `decide`)."""
    if year is None:
        return 0
    if c.dated:
        return 0 if c.start <= dt.date(year, 12, 31) and c.end >= dt.date(year, 1, 1) else None
    if c.date is not None and c.date <= dt.date(year, 12, 31):
        return 1
    return None


def undated(c: Ranked) -> bool:
    """Neither a stated period nor a dated source: it speaks for no year in particular."""
    return not c.dated and c.date is None


def sort_key(c: Ranked, year: int | None) -> tuple:
    """Ranking within one level: most specific conditions, covering period, source kind, recency."""
    recency = (c.date or OPEN_START).toordinal()
    return (
        -c.specificity,
        _covers(c, year),
        c.rank,
        -c.effective.toordinal(),
        -recency,
        c.claim_id,
    )


#: Scenario values compared with a claim's range bounds (`gap` with gap_min / gap_max, `age`
#: with age_min / age_max) rather than with a condition of the same name.
RANGE_BASES: tuple[str, ...] = ("gap", "age")


def _is_bound(key: str) -> bool:
    return key.endswith(("_min", "_max"))


def matches(claim_conditions: dict, wanted: dict) -> bool:
    """Whether a claim speaks for a scenario (a calculator's question).

    Each condition the claim states must be met (`all` is met by any value; a range bound by the
    scenario's `gap` / `age`), and each condition the scenario names (scheme, tier, group …) must
    be stated by the claim: a claim that leaves the tier out says nothing about tier 1 — "not
    stated" is not "all". Range bounds a claim leaves out are open (a rule stated without a
    length limit covers every length).
    """
    bases = {k.rpartition("_")[0] for k in claim_conditions if _is_bound(k)} | set(RANGE_BASES)
    for k, v in wanted.items():
        if k not in bases and v is not None and k not in claim_conditions:
            return False
    return all(v == ALL or _meets(k, v, wanted) for k, v in claim_conditions.items())


def same_key(claim_conditions: dict, key: dict) -> bool:
    """Whether a claim belongs to a row of the resolved table (a condition set as stated).

    The row of `tier=1` holds claims stating tier 1 or `all` tiers; the row with no tier (shown as
    "tier not stated") holds only claims that leave the tier out. Range bounds must be equal.
    """
    for k in set(claim_conditions) | set(key):
        v = claim_conditions.get(k)
        if v == key.get(k) or (v == ALL and k in key and not _is_bound(k)):
            continue
        return False
    return True


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
    #: Claims with neither a period nor a dated source, left out of a year's value.
    undated: list[Ranked] = field(default_factory=list)
    #: True when the shown value comes from such claims only (status year-not-stated).
    year_not_stated: bool = False
    #: Doubts the decision itself finds (a later rule of a higher level states another value).
    found: list[dict] = field(default_factory=list)

    @property
    def support(self) -> int:
        """Independent sources of the shown value at the deciding place: distinct origins (pages of
        one publisher or website count once) among non-lead citations of claims for that place
        stating that value; a national or provincial page supports only its own level; leads never
        count (0 when unverified or unknown)."""
        if self.winner is None or self.unverified:
            return 0
        place = self.winner.jurisdiction
        found = {
            o
            for c in [self.winner, *self.agreeing]
            if c.jurisdiction == place and not c.lead
            for o, lead in zip(c.origins or c.sources, c.cite_leads or [False] * len(c.sources), strict=True)
            if not lead
        }
        return len(found)

    @property
    def conflict(self) -> bool:
        return bool(self.competing)

    @property
    def doubts(self) -> list[dict]:
        """Doubts recorded on the shown value's claims (winner and competing), each once."""
        out: list[dict] = []
        for c in [self.winner, *self.competing] if self.winner else []:
            out += [x for x in c.doubts if x not in out]
        return out + [x for x in self.found if x not in out]

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
            elif year is not None and undated(c):
                d.undated.append(c)  # speaks for no year: its own lane, never this year's value
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
                and c.specificity == w.specificity
            )
            (d.competing if same_rank and overlaps(c, w) else d.outranked).append(c)
    if d.winner is not None and not d.winner.lead:
        d.found += _later_higher(d.winner, d.overrides)
    if d.winner is None and d.leads and not include_leads:
        sub = decide([[c for c in lv if c.lead] for lv in levels], year, include_leads=True, on=on)
        if sub.winner is not None and not sub.year_not_stated:
            d.winner, d.competing, d.agreeing = sub.winner, sub.competing, sub.agreeing
            d.outranked, d.superseded, d.unverified = sub.outranked, d.superseded + sub.superseded, True
    if d.winner is None and year is not None and (d.undated or any(undated(c) for c in d.leads)):
        # only claims that speak for no year state a value: their own lane (non-leads first)
        lane = [[c for c in lv if undated(c) and c.usable and c.scope == "stated"] for lv in levels]
        sub = decide(lane, None, include_leads, on)
        if sub.winner is not None:
            d.winner, d.competing, d.agreeing = sub.winner, sub.competing, sub.agreeing
            d.unverified, d.year_not_stated = sub.unverified, True
            d.undated = [c for c in d.undated if c.claim_id != sub.winner.claim_id]
    return d


def _later_higher(w: Ranked, higher: list[Ranked]) -> list[dict]:
    """A doubt when a higher level (province, national) states another value from a later date
    than the shown value's: the local page may predate the newer rule."""
    later = [c for c in higher if not c.lead and c.effective > w.effective and c.value != w.value]
    if not later:
        return []
    c = max(later, key=lambda c: c.effective)
    return [
        {
            "reason": "later-higher-rule",
            "zh": f"上级 {c.effective} 起的规定另有说法,本地来源可能早于该规定",
            "en": f"a higher level states another value from {c.effective}; the local page may predate it",
        }
    ]


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
    found = levels(ds, code, parameter, lambda c: same_key(c.conditions, wanted))
    return decide(found, year, include_leads, on)
