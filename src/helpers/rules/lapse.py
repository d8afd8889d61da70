"""Lapse rules: after a gap, when do benefits resume and is the gap itself covered."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import Dataset, inputs, places
from ..exceptions import InputError
from .common import lookup, merge_claims, merge_inputs, scenario_frame, unverified

COLUMNS = [
    "waiting_min",
    "waiting_max",
    "gap_covered",
    "backpay_allowed",
    "conflict",
    "unverified",
    "doubt",
    "rule",
    "claims",
    "inputs",
]


def resident_years_from_gap(gap_months: int) -> int:
    """The resident scheme counts a lapse in whole policy (calendar) years: 12 months → 1 year.

    A gap that is not a whole number of years is refused: which policy years it touches depends
    on when it started, which a month count does not say.
    """
    if gap_months % 12:
        raise InputError(
            f"gap_months: a resident-scheme gap is counted in lapsed policy years, and {gap_months} months "
            "is not a whole number of years — give lapsed_years instead"
        )
    return gap_months // 12


def _check(gap_months, lapsed_years, scheme: str) -> tuple[int | None, int | None]:
    """The gap as (gap_months, lapsed_years), converted; exactly one of them given."""
    if (gap_months is None) == (lapsed_years is None):
        raise InputError("gap_months, lapsed_years: give exactly one — e.g. gap_months=5, or lapsed_years=2")
    if lapsed_years is not None and scheme != "resident":
        raise InputError(
            f"lapsed_years: counts whole years for the resident scheme, not '{scheme}' — "
            "give gap_months instead"
        )
    if gap_months is not None:
        return inputs.months(gap_months, "gap_months"), None
    return None, inputs.months(lapsed_years, "lapsed_years", most=130)


def _nothing_lapsed(rule: str) -> dict:
    """The result when there is no gap: benefits continue, nothing to wait for."""
    return {
        "waiting_min": 0,
        "waiting_max": 0,
        "gap_covered": "n/a",
        "backpay_allowed": "n/a",
        "conflict": False,
        "unverified": False,
        "doubt": False,
        "rule": rule,
        "claims": [],
        "inputs": [],
    }


def _resident_years(ds: Dataset, code: str, years: int, back_paid: bool, year) -> dict:
    """Resident rule from 2025: fixed wait, +N months per further lapsed year, floor after long lapses."""
    if years == 0:
        return _nothing_lapsed("no lapse")
    fixed = lookup(ds, code, "lapse.resident.fixed_waiting_months", year)
    per = lookup(ds, code, "lapse.resident.variable_months_per_year", year)
    long_ = lookup(ds, code, "lapse.resident.long_lapse_years", year)
    floor = lookup(ds, code, "lapse.resident.min_waiting_after_long_lapse", year)
    reducible = lookup(ds, code, "lapse.resident.variable_reducible", year)
    covered = lookup(ds, code, "lapse.gap_covered", year, require=("scheme",), scheme="resident")
    used = [fixed, per, covered]
    if not fixed.known or (years > 1 and not per.known):
        lo = hi = None
        rule = "waiting period not sourced"
    else:
        var_lo = (per.lo or 0) * (years - 1)
        var_hi = (per.hi or 0) * (years - 1)
        lo, hi = fixed.lo + var_lo, fixed.hi + var_hi
        rule = f"fixed {fixed.lo} + {per.lo if per.known else 0}×{years - 1} further lapsed year(s)"
        if back_paid and reducible.values == [True]:
            used.append(reducible)
            lo = fixed.lo  # the variable part can be reduced; by how much is not sourced
            rule += "; restoration payment may cut the variable part (amount not sourced)"
            if long_.known and floor.known and years >= long_.lo:
                used += [long_, floor]
                lo = max(lo, floor.lo)
                rule += f"; at least {floor.lo} after {long_.lo}+ lapsed years"
    conflict = any(s.conflict for s in used)
    recs = merge_inputs(*used)
    return {
        "waiting_min": lo,
        "waiting_max": hi,
        "gap_covered": covered.flag(),
        "backpay_allowed": "unknown",
        "conflict": conflict,
        "unverified": unverified(*used),
        "doubt": any(r["doubt"] for r in recs),
        "rule": rule,
        "claims": merge_claims(*used),
        "inputs": recs,
    }


def _gap(ds: Dataset, code: str, scheme: str, gap: int, back_paid: bool, year) -> dict:
    if gap == 0:
        return _nothing_lapsed("no gap")
    wait = lookup(ds, code, "lapse.waiting_months", year, scheme=scheme, gap=gap)
    covered = lookup(ds, code, "lapse.gap_covered", year, scheme=scheme, gap=gap)
    allowed = lookup(ds, code, "lapse.backpay_allowed", year, scheme=scheme, gap=gap)
    unv = unverified(wait, covered, allowed) if back_paid else unverified(wait, allowed)
    cov = covered.flag() if back_paid else "no"
    if wait.known:
        rule = f"wait {wait.lo}" + (f"–{wait.hi}" if wait.conflict else "") + " month(s) after resuming"
    else:
        rule = "waiting period not sourced"
    if not back_paid:
        rule += "; gap not back-paid, so its costs are not covered"
    recs = merge_inputs(wait, covered, allowed) if back_paid else merge_inputs(wait, allowed)
    return {
        "waiting_min": wait.lo,
        "waiting_max": wait.hi,
        "gap_covered": cov,
        "backpay_allowed": allowed.flag(),
        "conflict": wait.conflict or covered.conflict,
        "unverified": unv,
        "doubt": any(r["doubt"] for r in recs),
        "rule": rule,
        "claims": merge_claims(wait, covered, allowed),
        "inputs": recs,
    }


def lapse(
    ds: Dataset,
    city: str,
    scheme: str,
    gap_months: int | None = None,
    lapsed_years: int | None = None,
    back_paid: bool = False,
    year: int | None = None,
) -> dict:
    """Months until benefits resume after a gap, for one scenario (a range when sources conflict).

    The reference (one-scenario) version of `lapses`.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    city : str or int
        Code, Chinese name or pinyin (``370900``, ``泰安``, ``taian``).
    scheme : str
        ``employee``, ``flexible`` or ``resident`` (also 职工, 灵活就业, 居民).
    gap_months : int, optional
        Months without contributions. Give this or `lapsed_years`. For the resident scheme a gap in
        months is converted to lapsed policy years (24 → 2), so both ways of asking give one
        answer; a gap that is not whole years is refused.
    lapsed_years : int, optional
        Resident scheme: whole years not insured.
    back_paid : bool
        True when the gap was back-paid (restored); otherwise its costs are not covered.
    year : int, optional
        Policy year; None takes the claims in force for any year.

    Returns
    -------
    dict
        ``city`` (code), ``city_zh`` (Chinese name), ``scheme``, ``gap_months``, ``lapsed_years``,
        ``back_paid`` (the scenario); ``waiting_min`` / ``waiting_max`` (months until benefits
        resume; equal unless sources conflict, None when not sourced); ``gap_covered`` and
        ``backpay_allowed`` (``yes``, ``no``, ``unknown``, ``disputed`` or ``n/a``); ``conflict``
        (bool); ``unverified`` (bool: a value behind the result is stated only by machine-written
        pages); ``doubt`` (bool: the data records a doubt about a value used); ``rule`` (how the
        result was reached, in words); ``claims`` (list of claim ids); ``inputs`` (list of dicts,
        one per value looked up: value, year, status, kind, support, doubts — see
        `helpers.inputs_table`).

    Examples
    --------
    >>> import helpers as h
    >>> r = h.lapse(h.load(), "武汉", "flexible", gap_months=5)
    >>> r["city_zh"], r["waiting_min"], r["waiting_max"], r["conflict"]
    ('武汉市', 6, 6, False)
    """
    code = inputs.place(ds, city, "city")
    scheme = inputs.scheme(ds, scheme, "scheme")
    gap_months, lapsed_years = _check(gap_months, lapsed_years, scheme)
    back_paid = inputs.flag(back_paid, "back_paid")
    year = inputs.year(year, "year")
    if scheme == "resident" and gap_months is not None:
        out = _resident_years(ds, code, resident_years_from_gap(int(gap_months)), back_paid, year)
    elif lapsed_years is not None:
        out = _resident_years(ds, code, int(lapsed_years), back_paid, year)
    else:
        out = _gap(ds, code, scheme, int(gap_months), back_paid, year)
    return {
        "city": code,
        "city_zh": places.label(ds, code),
        "scheme": scheme,
        "gap_months": gap_months,
        "lapsed_years": lapsed_years,
        "back_paid": back_paid,
        **out,
    }


def _breakpoints(ds: Dataset) -> np.ndarray:
    c = ds.claims
    lo = c["gap_min"].dropna().astype(int)
    hi = c["gap_max"].dropna().astype(int) + 1
    return np.unique(np.concatenate([[0, 1], lo.to_numpy(), hi.to_numpy()]))


def lapses(ds: Dataset, scenarios: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Months until benefits resume for many scenarios at once (one row each).

    Scenarios in the same gap band are computed once and broadcast; the results equal `lapse`'s.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    scenarios : DataFrame
        Columns ``city`` (code, name or pinyin), ``scheme`` (employee, flexible, resident), and
        ``gap_months`` or ``lapsed_years`` (one per row; the other empty); optional ``back_paid``
        (bool, default False). `helpers.report.lapse_grid` builds one.
    year : int, optional
        Policy year; None takes the claims in force for any year.

    Returns
    -------
    DataFrame
        The scenario columns (``city`` as a code, plus ``city_zh``), then ``waiting_min``,
        ``waiting_max``, ``gap_covered``, ``backpay_allowed``, ``conflict``, ``unverified``,
        ``doubt``, ``rule``, ``claims``, ``inputs`` as in `lapse` (``back_paid`` and ``gap_months``
        / ``lapsed_years`` are added when the table has none).

    Examples
    --------
    >>> import helpers as h, pandas as pd
    >>> s = pd.DataFrame({"city": ["武汉", "深圳"], "scheme": ["flexible", "employee"], "gap_months": [3, 2]})
    >>> h.lapses(h.load(), s)[["city_zh", "waiting_min", "waiting_max"]].values.tolist()
    [['武汉市', 0, 0], ['深圳市', <NA>, <NA>]]

    (Shenzhen's "no waiting period" page names no scheme, so it answers no scheme's question.)
    """
    df = scenario_frame(
        ds,
        scenarios,
        {"back_paid": False, "gap_months": pd.NA, "lapsed_years": pd.NA},
        required=("city", "scheme"),
        one_of=("gap_months", "lapsed_years"),
        example="pd.DataFrame({'city': ['武汉'], 'scheme': ['flexible'], 'gap_months': [5]})",
    )
    year = inputs.year(year, "year")
    df["scheme"] = df["scheme"].map(
        {v: inputs.scheme(ds, v, "scenarios['scheme']") for v in df["scheme"].unique()}
    )
    for col, most in (("gap_months", 600), ("lapsed_years", 130)):
        df[col] = [pd.NA if pd.isna(v) else inputs.months(v, f"scenarios[{col!r}]", most) for v in df[col]]
    gap = pd.to_numeric(df["gap_months"]).astype("Int64")
    yrs = pd.to_numeric(df["lapsed_years"]).astype("Int64")
    resident = (df["scheme"] == "resident").to_numpy() & gap.notna().to_numpy()
    if resident.any():
        bad = gap[resident] % 12 != 0
        if bad.any():
            resident_years_from_gap(int(gap[resident][bad].iloc[0]))  # raises the one clear message
        yrs = yrs.mask(pd.Series(resident, index=yrs.index), gap // 12)
        gap = gap.mask(pd.Series(resident, index=gap.index))
    by_gap = gap.notna().to_numpy()
    n = np.where(by_gap, gap.fillna(0).to_numpy(int), yrs.fillna(0).to_numpy(int))
    # Scenarios in the same gap band (between condition breakpoints) meet the same claims,
    # so each distinct (city, scheme, band, back_paid) is evaluated once and broadcast.
    band = np.searchsorted(_breakpoints(ds), n, side="right")
    df["key_n"] = np.where(by_gap, band, n)
    df["by_gap"] = by_gap
    df["n_"] = n
    keys = df.drop_duplicates(["city", "scheme", "by_gap", "key_n", "back_paid"])
    results = []
    for k in keys.itertuples(index=False):
        args = {"gap_months": int(k.n_)} if k.by_gap else {"lapsed_years": int(k.n_)}
        r = lapse(ds, k.city, k.scheme, back_paid=bool(k.back_paid), year=year, **args)
        results.append(
            {
                "city": k.city,
                "scheme": k.scheme,
                "by_gap": k.by_gap,
                "key_n": k.key_n,
                "back_paid": k.back_paid,
                **{c: r[c] for c in COLUMNS},
            }
        )
    res = pd.DataFrame(results, columns=["city", "scheme", "by_gap", "key_n", "back_paid", *COLUMNS])
    out = df.merge(res, on=["city", "scheme", "by_gap", "key_n", "back_paid"], how="left")
    for c in ("waiting_min", "waiting_max"):
        out[c] = out[c].astype("Int64")
    return out.drop(columns=["key_n", "by_gap", "n_"])
