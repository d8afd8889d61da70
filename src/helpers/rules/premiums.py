"""Resident-scheme premiums: what each household member pays a year, by category and tier."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import Dataset, inputs, places
from ..exceptions import InputError, YibaoError
from .common import Span, lookup, merge_claims, merge_inputs, scenario_frame, unverified


def _missing(v) -> bool:
    return v is None or (not isinstance(v, str | list) and bool(pd.isna(v)))


def category(age, student: bool, group: str | None) -> str | None:
    """group if given, else student, else minor (under 18), else None; a missing value counts as not given."""
    if not _missing(group) and group:
        return group
    if not _missing(student) and student:
        return "student"
    if not _missing(age) and age < 18:
        return "minor"
    return None


def categories(df: pd.DataFrame) -> np.ndarray:
    """Vectorised _category: group if given, else student, else minor (under 18), else None."""
    ages = pd.to_numeric(df["age"], errors="coerce")
    minor = np.where(ages < 18, "minor", None)
    student = np.where(df["student"].astype(bool), "student", minor)
    return np.where(df["group"].notna() & (df["group"].astype(str) != "None"), df["group"], student)


def _premium(ds: Dataset, code: str, cat: str | None, tier: int, tier_stated: bool, year) -> tuple[Span, str]:
    """The premium a member pays and how it was found. A claim speaks only for what it states:
    a group's own price (stated for the tier, or for the group with no tier); else, for an adult
    or a group whose paid tier a source states, the tier's price. A tier price is never used for
    a group no source puts in that tier ("not stated" is not "all")."""
    group = Span()
    if cat:
        for scen, how in (({"group": cat, "tier": tier}, "group-tier"), ({"group": cat}, "group")):
            group = lookup(ds, code, "resident.premium", year, **scen)
            if group.known and not group.unverified:
                return group, how
            if group.known:
                break
        if not tier_stated:
            return group, ("group" if group.known else "group price not stated")
    by_tier = lookup(ds, code, "resident.premium", year, tier=tier)
    if group.known and (by_tier.unverified or not by_tier.known):
        return group, "group"  # only a lead states the group's price, and nothing better the tier's
    return by_tier, "tier"


def member_premium(ds: Dataset, code: str, cat: str | None, tier: int, year) -> dict:
    """Premium one member pays, by category (group / student / minor) and the household's tier."""
    if tier not in (1, 2):
        raise YibaoError(f"tier must be 1 or 2, got {tier!r}")
    cat = None if _missing(cat) or not cat else cat  # a text column's missing value arrives as NaN
    scen = {"group": cat} if cat else {}
    paid = lookup(ds, code, "resident.paid_tier", year, **scen) if cat else Span()
    paid_tier = paid.lo if paid.known and not paid.conflict else tier
    benefit = lookup(ds, code, "resident.benefit_tier", year, **scen) if cat else Span()
    benefit_tier = benefit.lo if benefit.known and not benefit.conflict else paid_tier
    prem, basis = _premium(ds, code, cat, paid_tier, paid.known and not paid.conflict, year)
    full = lookup(ds, code, "resident.subsidy_full", year, tier=paid_tier, **scen) if cat else Span()
    fixed = lookup(ds, code, "resident.subsidy_fixed", year, **scen) if cat else Span()
    lo, hi = prem.lo, prem.hi
    rule = f"tier {paid_tier} premium" if basis != "group" else "group premium (no tier stated)"
    full_t1 = (
        lookup(ds, code, "resident.subsidy_full", year, tier=1, **scen) if cat and paid_tier != 1 else Span()
    )
    if full_t1.values == [True]:
        lo = hi = None
        rule = "full subsidy is stated for tier 1 only; tier 2 cost not sourced"
        full = full_t1
    elif full.values == [True]:
        lo = hi = 0
        rule = f"tier {paid_tier} premium fully subsidised"
    elif fixed.known and prem.known:
        lo, hi = max(prem.lo - fixed.hi, 0), max(prem.hi - fixed.lo, 0)
        rule = f"tier {paid_tier} premium less a fixed subsidy of {fixed.lo}"
    spans = [paid, benefit, prem, full, fixed]
    used = merge_inputs(*spans)
    return {
        "category": cat,
        "paid_tier": paid_tier,
        "benefit_tier": benefit_tier,
        "pays_lo": lo,
        "pays_hi": hi,
        "rule": rule if prem.known or full.values == [True] else _unsourced(cat, basis),
        "conflict": any(s.conflict for s in spans),
        "unverified": unverified(*spans),
        "doubt": any(r["doubt"] for r in used),
        "claims": merge_claims(*spans),
        "inputs": used,
    }


def _unsourced(cat: str | None, basis: str) -> str:
    if cat and basis == "group price not stated":
        return "no premium stated for this group"
    return "premium not sourced"


def resident_premiums(
    ds: Dataset, city: str, members: list[dict], tier: int = 1, year: int | None = None
) -> pd.DataFrame:
    """Resident-scheme premium each household member pays a year, by age, student status and group.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    city : str or int
        Code, Chinese name or pinyin.
    members : list of dict
        One dict per member with ``age`` (years), ``student`` (bool), ``group`` (a population group
        such as extreme_poverty, orphan, subsistence_allowance — see
        `helpers.glossary()`), optional ``relation`` and ``name`` (labels only).
    tier : {1, 2}
        Contribution tier the household chooses.
    year : int, optional
        Policy year; None takes the claims in force for any year.

    Returns
    -------
    DataFrame
        One row per member: ``city``, ``city_zh``, ``member`` (1, 2, …), ``age``, ``student``,
        ``group``, ``category`` (minor, student or the group; empty for an adult), ``paid_tier`` and
        ``benefit_tier``, ``pays_lo`` / ``pays_hi`` (yuan a year; equal unless sources conflict,
        None when not sourced), ``rule`` (in words), ``conflict`` (bool), ``unverified`` (bool: a
        figure used is stated only by machine-written pages), ``doubt`` (bool: the data records a
        doubt about a figure used), ``claims`` (list), ``inputs`` (list of dicts, one per figure
        looked up: value, year, status, kind, support, doubts — see `helpers.inputs_table`).

    Examples
    --------
    >>> import helpers as h
    >>> h.resident_premiums(h.load(), "泰安", [{"age": 8}, {"age": 40}])["pays_lo"].tolist()
    [390, 390]
    """
    code = inputs.place(ds, city, "city")
    tier = inputs.tier(ds, tier, "tier")
    year = inputs.year(year, "year")
    if not isinstance(members, list | tuple) or not all(isinstance(m, dict) for m in members):
        raise InputError(
            "members: expected a list of dicts — pass e.g. [{'age': 8}, {'age': 40, 'student': False}]"
        )
    rows = []
    for i, m in enumerate(members):
        unknown = set(m) - {"age", "student", "group", "relation", "name"}
        if unknown:
            raise InputError(
                f"members[{i + 1}]: unknown field {sorted(unknown)[0]!r} — "
                "use age, student, group, relation, name"
            )
        cat = category(m.get("age"), m.get("student"), m.get("group"))
        rows.append(
            {
                "city": code,
                "city_zh": places.label(ds, code),
                "member": i + 1,
                **{k: m.get(k) for k in ("age", "student", "group")},
                **member_premium(ds, code, cat, tier, year),
            }
        )
    return pd.DataFrame(rows)


def household_premiums(ds: Dataset, scenarios: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Resident-scheme premiums for many members at once; each distinct case computed once.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    scenarios : DataFrame
        Columns ``city`` and ``age``; optional ``student`` (bool), ``group`` and ``tier`` (1 or 2,
        default 1).
    year : int, optional
        Policy year; None takes the claims in force for any year.

    Returns
    -------
    DataFrame
        The scenario columns (``city`` as a code, plus ``city_zh``), then ``category``,
        ``paid_tier``, ``benefit_tier``, ``pays_lo``, ``pays_hi``, ``rule``, ``conflict``,
        ``unverified``, ``doubt``, ``claims``, ``inputs`` as in `resident_premiums` (``student``,
        ``group`` and ``tier`` are added when the table has none).

    Examples
    --------
    >>> import helpers as h, pandas as pd
    >>> s = pd.DataFrame({"city": ["泰安", "济南"], "age": [8, 8]})
    >>> h.household_premiums(h.load(), s)["city_zh"].tolist()
    ['泰安市', '济南市']
    """
    df = scenario_frame(
        ds,
        scenarios,
        {"student": False, "group": None, "tier": 1},
        required=("city", "age"),
        example="pd.DataFrame({'city': ['泰安', '济南'], 'age': [8, 40]})",
    )
    year = inputs.year(year, "year")
    df["tier"] = [inputs.tier(ds, t, "scenarios['tier']") for t in df["tier"]]
    df["group"] = df["group"].astype(object).where(df["group"].notna(), None)
    df["category"] = categories(df)
    keys = df[["city", "category", "tier"]].drop_duplicates()
    res = pd.DataFrame(
        [
            {"city": k.city, "tier": k.tier, **member_premium(ds, k.city, k.category, int(k.tier), year)}
            for k in keys.itertuples(index=False)
        ]
    )
    return df.merge(res, on=["city", "category", "tier"], how="left")
