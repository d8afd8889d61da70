"""Looking up a parameter for one scenario, and carrying conflicts as min–max spans."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..data import Dataset, inputs, places
from ..exceptions import InputError
from ..resolution import Decision, decide, levels, matches
from . import provenance


@dataclass
class Span:
    """A looked-up value: every competing value, and the claims behind them (empty = unknown)."""

    values: list = field(default_factory=list)
    claims: list[str] = field(default_factory=list)
    #: True when only machine-written pages (leads) state the value: a result using it is unverified.
    unverified: bool = False
    #: Input records (`provenance.describe`) of the lookups behind the value: one for a plain
    #: lookup, several for a value derived from others (a base band from ratio × wage).
    used: list[dict] = field(default_factory=list)

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


def lookup(
    ds: Dataset, code: str, parameter: str, year: int | None = None, require: tuple[str, ...] = (), **scenario
) -> Span:
    """The value(s) of a parameter for a scenario: claims whose conditions the scenario meets.

    `require` names conditions a claim must state to apply (e.g. ``("scheme",)``: a claim that
    names no scheme never decides); claims naming no place never apply.
    """

    def applies(c) -> bool:
        return all(k in c.conditions for k in require) and matches(c.conditions, scenario)

    d = decide(levels(ds, code, parameter, applies), year)
    s = span(d)
    s.used = [provenance.describe(ds, code, parameter, d)]
    return s


def memo_lookup():
    """A `lookup` that remembers its answers (for one vectorised call: many scenarios ask the same
    question; a Span is never changed after it is made)."""
    seen: dict = {}

    def look(ds: Dataset, code: str, parameter: str, year=None, require: tuple[str, ...] = (), **scenario):
        key = (code, parameter, year, require, tuple(sorted(scenario.items())))
        if key not in seen:
            seen[key] = lookup(ds, code, parameter, year, require, **scenario)
        return seen[key]

    return look


def unverified(*spans: Span) -> bool:
    """Whether any looked-up value behind a result rests on leads only."""
    return any(s.unverified and s.known for s in spans)


def relations(ds: Dataset) -> list[str]:
    """The relation codes the catalogue allows (data/parameters.yaml, family_account.relations)."""
    p = ds.parameters.set_index("id").at["family_account.relations", "values"]
    return list(p or [])


def schemes(ds: Dataset) -> list[str]:
    """The insurance schemes the catalogue allows (the `scheme` condition's values)."""
    return list(ds.conditions["scheme"]["values"] or [])


def scenario_frame(
    ds: Dataset,
    scenarios: pd.DataFrame,
    defaults: dict | None = None,
    *,
    required: tuple[str, ...] = ("city",),
    one_of: tuple[str, ...] = (),
    example: str = "",
    name: str = "scenarios",
) -> pd.DataFrame:
    """A copy of a scenario table: place names as codes, `city_zh` added, missing columns defaulted.

    The table is checked first (`inputs.frame`): a missing `required` column (or none of
    `one_of`), or a column named close to an expected one, is an InputError naming the column;
    an unknown place names the column too (``scenarios['city']: …``). A true/false column (one
    whose default is False) reads a missing value (None, NaN, NA) as False; any value other than
    true/false/0/1 is refused with a message naming the column. In another column with a default,
    a row that leaves the cell empty gets the default too (as a one-scenario call that omits the
    field would).
    """
    inputs.frame(scenarios, name, required, one_of, [*(defaults or {}), "city_zh"], example)
    df = scenarios.reset_index(drop=True).copy()
    df["city"] = df["city"].map({c: inputs.place(ds, c, f"{name}['city']") for c in df["city"].unique()})
    names = df["city"].map({c: places.label(ds, c) for c in df["city"].unique()})
    if "city_zh" in df:
        df["city_zh"] = names
    else:
        df.insert(df.columns.get_loc("city") + 1, "city_zh", names)
    for col, default in (defaults or {}).items():
        if col not in df:
            df[col] = default
        elif default is False:
            df[col] = _bools(df[col], f"{name}[{col!r}]")
        elif default is not None and not pd.isna(default):
            df[col] = df[col].astype(object).where(df[col].notna(), default)
    return df


def _bools(col: pd.Series, name: str) -> pd.Series:
    def one(v) -> bool:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return False
        if isinstance(v, bool | np.bool_) or (
            isinstance(v, int | float | np.integer | np.floating) and v in (0, 1)
        ):
            return bool(v)
        raise InputError(f"{name}: holds {v!r} — use True/False (a missing value means False)")

    if col.dtype == bool:  # already plain true/false (no missing value possible): nothing to check
        return col.copy()
    return pd.Series([one(v) for v in col], index=col.index, dtype=bool)


def span(d: Decision) -> Span:
    """A Span from a resolver Decision (winner plus competing claims)."""
    if d.winner is None:
        return Span()
    return Span(d.values, [d.winner.claim_id] + [c.claim_id for c in d.competing], d.unverified)


def distinct(*columns) -> tuple[np.ndarray, np.ndarray]:
    """Rows grouped by equal values in `columns` (arrays or Series of one length): the position of
    each group's first row, in order of appearance, and each row's group number (an index into
    those positions) — what `drop_duplicates` then a merge back would give, without the merge."""
    gid = np.zeros(len(columns[0]), dtype=np.int64)
    for col in columns:
        arr = np.asarray(col)
        if arr.dtype.kind in "biu" and len(arr):  # small whole numbers: their offsets are codes
            codes = arr.astype(np.int64) - int(arr.min())
            size = int(codes.max()) + 1
        else:
            codes, uniques = pd.factorize(arr, use_na_sentinel=False)
            size = max(len(uniques), 1)
        gid = gid * size + codes
    group, uniques = pd.factorize(gid)  # groups numbered by first appearance
    first = np.empty(len(uniques), dtype=np.int64)
    first[group[::-1]] = np.arange(len(gid) - 1, -1, -1)  # the last write, going backwards, is the first row
    return first, group


def merge_inputs(*spans: Span) -> list[dict]:
    """Input records of several lookups, in order, each input once (see `provenance.FIELDS`)."""
    return provenance.merge(*(s.used for s in spans))


def merge_claims(*spans: Span) -> list[str]:
    """Claim ids used by several lookups, in order, without repeats."""
    out: list[str] = []
    for s in spans:
        out += [c for c in s.claims if c not in out]
    return out
