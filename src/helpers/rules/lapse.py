"""Lapse rules: after a gap, when do benefits resume and is the gap itself covered."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import Dataset, inputs, places
from ..exceptions import InputError
from .common import distinct, lookup, memo_lookup, merge_claims, merge_inputs, scenario_frame, unverified

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


def _resident_years(ds: Dataset, code: str, years: int, back_paid: bool, year, lookup=lookup) -> dict:
    """Resident rule from 2025: fixed wait, +N months per further lapsed year, floor after long lapses.

    `lookup` is `common.lookup` or a memo of it (`lapses` shares one over its distinct scenarios)."""
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


def _gap(ds: Dataset, code: str, scheme: str, gap: int, back_paid: bool, year, lookup=lookup) -> dict:
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


def _breakpoints(ds: Dataset, parameter: str | None = None) -> np.ndarray:
    """Gaps where some claim's gap condition starts or stops holding (of one parameter if given):
    between two of them every gap meets the same claims."""
    c = ds.claims if parameter is None else ds.claims[ds.claims["parameter"] == parameter]
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
    # Rows asking the same question (equal city, scheme, gap, back_paid) are checked and answered
    # once, then spread back; a table whose columns could hide a difference (mixed types) is
    # taken row by row, as it has always been.
    rows = _same_rows(scenarios)
    if rows is None:
        return _lapses(ds, scenarios, year)
    first, group = rows
    raw = scenarios.reset_index(drop=True)
    out = _lapses(ds, raw.take(first).reset_index(drop=True), year).take(group).reset_index(drop=True)
    for c in raw.columns.difference(_SCENARIO_COLUMNS, sort=False):  # other columns pass through
        out[c] = raw[c]
    return out


#: The scenario columns `lapses` reads or writes (the others pass through unchanged).
_SCENARIO_COLUMNS = ["city", "city_zh", "scheme", "gap_months", "lapsed_years", "back_paid"]


def _same_rows(scenarios) -> tuple[np.ndarray, np.ndarray] | None:
    """The first row of each set of equal scenarios and each row's set (`common.distinct`), or None
    when the table should be taken row by row: not a non-empty DataFrame with unique column
    names and a city and a scheme, a column named like a result column, or a scenario column
    whose values could be equal without being the same (an object column, where
    1 == 1.0 == True, or a categorical one)."""
    if not isinstance(scenarios, pd.DataFrame) or not len(scenarios):
        return None
    names = list(scenarios.columns)
    if len(set(names)) != len(names) or not {"city", "scheme"} <= set(names) or set(names) & set(COLUMNS):
        return None
    codes = []
    for c in ("city", "scheme", "gap_months", "lapsed_years", "back_paid"):
        if c not in scenarios:
            continue
        col = scenarios[c]
        if c in ("city", "scheme"):  # text: its missing cells are all one value (the dtype's NA)
            if not isinstance(col.dtype, pd.StringDtype):
                return None
            if col.dtype.storage == "python":  # the object array inside: factorised twice as fast
                col = col.to_numpy()
        elif col.dtype.kind not in "biuf" or isinstance(col.dtype, pd.CategoricalDtype):
            return None
        codes.append(pd.factorize(col, use_na_sentinel=False)[0])
    return distinct(*codes)


def _lapses(ds: Dataset, scenarios, year) -> pd.DataFrame:
    """`lapses` on every row of the table."""
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
    months = {col: _months_column(df[col], f"scenarios[{col!r}]", most) for col, most in _MOST}
    for col, (cells, _, _) in months.items():
        df[col] = cells
    (_, gap_v, gap_na), (_, yrs_v, _) = months["gap_months"], months["lapsed_years"]
    scheme = df["scheme"].to_numpy()
    resident = (scheme == "resident") & ~gap_na
    if resident.any():
        bad = resident & (gap_v % 12 != 0)
        if bad.any():
            resident_years_from_gap(int(gap_v[bad][0]))  # raises the one clear message
        yrs_v = np.where(resident, gap_v // 12, yrs_v)
        gap_na = gap_na | resident
    by_gap = ~gap_na
    n = np.where(by_gap, gap_v, yrs_v)  # a missing cell counts as 0 (as a fillna(0) would)
    # Scenarios in the same gap band (between condition breakpoints) meet the same claims,
    # so each distinct (city, scheme, band, back_paid) is evaluated once and broadcast; the
    # distinct scenarios share one memo of their lookups (resident years of a city ask the same).
    points = _breakpoints(ds)
    band = np.searchsorted(points, n, side="right")
    key_n = np.where(by_gap, band, n)
    n = np.where(by_gap, points[band - 1], n)  # a band's gaps are asked as its first (memo hits)
    city, back = df["city"].to_numpy(), df["back_paid"].to_numpy()
    first, group = distinct(city, scheme, by_gap, key_n, back)
    look = _banded_lookup()
    results = []
    for i in first:
        gap_i, yrs_i = (int(n[i]), None) if by_gap[i] else (None, int(n[i]))
        _check(gap_i, yrs_i, scheme[i])
        if yrs_i is not None:
            r = _resident_years(ds, city[i], yrs_i, bool(back[i]), year, look)
        else:
            r = _gap(ds, city[i], scheme[i], gap_i, bool(back[i]), year, look)
        results.append([r[c] for c in COLUMNS])
    res = _broadcast(results, group, len(df))
    for c in ("city", "scheme"):  # a categorical key column comes out as text (as a merge on it did)
        if isinstance(df[c].dtype, pd.CategoricalDtype):
            df[c] = pd.Series(np.asarray(df[c], dtype=object), index=df.index)
    if not len(df):  # the dtypes an empty table has always had (those of a merge with no rows)
        df["back_paid"] = df["back_paid"].astype(object)
        res = res.astype({"conflict": object, "unverified": object})
    return pd.concat([df, res], axis=1)


def _banded_lookup():
    """A memo of `lookup` that asks a gap as the first gap of its band among the breakpoints of the
    parameter's own claims (any gap of that band meets the same claims, so gets the same answer):
    the distinct scenarios of one `lapses` call share its answers."""
    look, points = memo_lookup(), {}

    def banded(ds: Dataset, code: str, parameter: str, year=None, require: tuple[str, ...] = (), **scenario):
        if scenario.get("gap") is not None:
            if parameter not in points:
                points[parameter] = _breakpoints(ds, parameter)
            p = points[parameter]
            scenario["gap"] = int(p[np.searchsorted(p, scenario["gap"], side="right") - 1])
        return look(ds, code, parameter, year, require, **scenario)

    return banded


#: The scenario columns counting months or years, and the most each may hold.
_MOST = (("gap_months", 600), ("lapsed_years", 130))


def _broadcast(results: list[list], group: np.ndarray, n: int) -> pd.DataFrame:
    """The result columns (`COLUMNS`) of n rows, row k holding `results[group[k]]`."""
    cols = {}
    for j, c in enumerate(COLUMNS):
        vals = [r[j] for r in results]
        if c in ("waiting_min", "waiting_max"):
            arr = np.array([0 if v is None else v for v in vals], dtype=np.int64)
            na = np.array([v is None for v in vals], dtype=bool)
            cols[c] = pd.arrays.IntegerArray(arr[group], na[group]) if len(group) else pd.array([], "Int64")
        elif c in ("conflict", "unverified"):
            cols[c] = np.array(vals, dtype=bool)[group]
        else:
            box = np.empty(len(vals), dtype=object)
            box[:] = vals
            cols[c] = box[group] if len(group) else np.array([], dtype=object)
    return pd.DataFrame(cols, index=pd.RangeIndex(n), columns=COLUMNS)


def _months_column(col: pd.Series, name: str, most: int) -> tuple[pd.Series | list, np.ndarray, np.ndarray]:
    """`inputs.months` on every filled cell of a scenario column.

    Returns the checked column as the row-by-row check
    ``[pd.NA if pd.isna(v) else inputs.months(v, name, most) for v in col]`` gives it (a Series,
    or that list: same cells, same dtype once assigned, same first error), its values as int64
    (0 where missing) and the missing mask. Integer and float columns are checked as whole
    arrays; any other column, or one holding a value the check refuses, goes through the
    row-by-row check (which raises)."""
    na = col.isna().to_numpy()
    k = col.dtype.kind
    if len(col) and na.all():
        cells = pd.Series(np.full(len(col), pd.NA, dtype=object), index=col.index)
        return cells, np.zeros(len(col), dtype=np.int64), na
    if len(col) and k in "iuf" and col.dtype != bool:
        vals = col.to_numpy(np.float64, na_value=0.0) if k == "f" else col.to_numpy(np.int64, na_value=0)
        ok = vals[~na]
        if len(ok) and ok.min() >= 0 and ok.max() <= most and (k != "f" or (ok == np.floor(ok)).all()):
            ints = vals.astype(np.int64)
            if na.any():
                box = ints.astype(object)
                box[na] = pd.NA
                cells = pd.Series(box, index=col.index, dtype=object)
            else:
                cells = pd.Series(ints, index=col.index)
            return cells, np.where(na, 0, ints), na
    checked = [pd.NA if pd.isna(v) else inputs.months(v, name, most) for v in col]
    ints = pd.to_numeric(pd.Series(checked, dtype=object)).astype("Int64")
    return checked, ints.fillna(0).to_numpy(np.int64), ints.isna().to_numpy()
