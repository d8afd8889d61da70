"""Looking up a parameter for one scenario, and carrying conflicts as min–max spans."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..data import Dataset, places
from ..resolution import Decision, decide, levels, matches


@dataclass
class Span:
    """A looked-up value: every competing value, and the claims behind them (empty = unknown)."""

    values: list = field(default_factory=list)
    claims: list[str] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return bool(self.values)

    @property
    def conflict(self) -> bool:
        return len(self.values) > 1

    @property
    def lo(self):
        return min(self.values) if self.values else None

    @property
    def hi(self):
        return max(self.values) if self.values else None

    def flag(self) -> str:
        """'yes', 'no', 'disputed' or 'unknown' for a true/false parameter."""
        if not self.values:
            return "unknown"
        if self.conflict:
            return "disputed"
        return "yes" if self.values[0] else "no"


def lookup(ds: Dataset, code: str, parameter: str, year: int | None = None, **scenario) -> Span:
    """The value(s) of a parameter for a scenario: claims whose conditions the scenario meets."""
    return span(decide(levels(ds, code, parameter, lambda c: matches(c.conditions, scenario)), year))


def relations(ds: Dataset) -> list[str]:
    """The relation codes the catalogue allows (data/parameters.yaml, family_account.relations)."""
    p = ds.parameters.set_index("id").at["family_account.relations", "values"]
    return list(p or [])


def schemes(ds: Dataset) -> list[str]:
    """The insurance schemes the catalogue allows (the `scheme` condition's values)."""
    return list(ds.conditions["scheme"]["values"] or [])


def scenario_frame(ds: Dataset, scenarios: pd.DataFrame, defaults: dict | None = None) -> pd.DataFrame:
    """A copy of a scenario table with place names turned into codes and missing values defaulted."""
    df = scenarios.reset_index(drop=True).copy()
    df["city"] = df["city"].map({c: places.find(ds, c) for c in df["city"].unique()})
    for col, default in (defaults or {}).items():
        if col not in df:
            df[col] = default
        elif default is not None:  # a row that leaves the column empty gets the default too
            df[col] = df[col].where(df[col].notna(), default)
    return df


def span(d: Decision) -> Span:
    """A Span from a resolver Decision (winner plus competing claims)."""
    if d.winner is None:
        return Span()
    return Span(d.values, [d.winner.claim_id] + [c.claim_id for c in d.competing])


def merge_claims(*spans: Span) -> list[str]:
    """Claim ids used by several lookups, in order, without repeats."""
    out: list[str] = []
    for s in spans:
        out += [c for c in s.claims if c not in out]
    return out
