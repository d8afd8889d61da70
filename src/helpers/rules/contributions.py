"""Contributions: employee amounts from a wage; resident premiums for a household."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import Dataset, places
from ..exceptions import YibaoError
from .common import Span, lookup, merge_claims, scenario_frame, unverified

EMPLOYEE_COLUMNS = [
    "base_lo",
    "base_hi",
    "employer_month_lo",
    "employer_month_hi",
    "maternity_month_lo",
    "maternity_month_hi",
    "employee_month_lo",
    "employee_month_hi",
    "band",
    "employer_basis",
    "conflict",
    "unverified",
    "claims",
]


def _band(ds: Dataset, code: str, year) -> tuple[Span, Span, str, list[Span]]:
    """Base floor and ceiling in yuan: stated amounts, else ratio × sourced average wage."""
    floor = lookup(ds, code, "employee.base.floor", year, scheme="employee")
    ceil = lookup(ds, code, "employee.base.ceiling", year, scheme="employee")
    if floor.known and ceil.known:
        return floor, ceil, "stated in yuan", [floor, ceil]
    wage = lookup(ds, code, "employee.base.average_wage", year)
    rf = lookup(ds, code, "employee.base.floor_ratio", year, scheme="employee")
    rc = lookup(ds, code, "employee.base.ceiling_ratio", year, scheme="employee")
    if wage.known and rf.known and rc.known:
        f = Span(sorted({wage.lo * rf.lo, wage.hi * rf.hi}), merge_claims(wage, rf))
        c = Span(sorted({wage.lo * rc.lo, wage.hi * rc.hi}), merge_claims(wage, rc))
        return f, c, "ratio × average wage", [wage, rf, rc]
    return Span(), Span(), "unknown", [floor, ceil, wage, rf, rc]


def _employee_params(ds: Dataset, code: str, year) -> dict:
    floor, ceil, how, used = _band(ds, code, year)
    er = lookup(ds, code, "employee.rate.employer", year, scheme="employee")
    er_basis = "medical incl. maternity"
    if not er.known:  # only a medical-only rate is sourced: used as such, and said so
        er = lookup(ds, code, "employee.rate.employer_medical_only", year, scheme="employee")
        er_basis = "medical only (maternity not included)" if er.known else "unknown"
    mat = lookup(ds, code, "employee.rate.maternity_included", year, scheme="employee")
    ee = lookup(ds, code, "employee.rate.employee", year, scheme="employee")
    spans = [*used, er, mat, ee]
    return {
        "f_lo": floor.lo,
        "f_hi": floor.hi,
        "c_lo": ceil.lo,
        "c_hi": ceil.hi,
        "band": how,
        "er_lo": er.lo,
        "er_hi": er.hi,
        "m_lo": mat.lo,
        "m_hi": mat.hi,
        "ee_lo": ee.lo,
        "ee_hi": ee.hi,
        "employer_basis": er_basis,
        "conflict": any(s.conflict for s in spans),
        "unverified": unverified(*spans),
        "claims": merge_claims(*spans),
    }


def _mul(a, b):
    return None if a is None or b is None else round(a * b, 2)


def employee_contribution(ds: Dataset, city: str, wage: float, year: int | None = None) -> dict:
    """Employee-scheme contributions for one monthly wage: base clamped to the band, then each share.

    The reference (one-scenario) version of `employee_contributions`.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    city : str or int
        Code, Chinese name or pinyin.
    wage : float
        Monthly wage in yuan, ≥ 0.
    year : int, optional
        Policy year; None takes the claims in force for any year.

    Returns
    -------
    dict
        ``city``, ``city_zh``, ``wage``; ``base_lo`` / ``base_hi`` (contribution base in yuan a month:
        the wage clamped to the floor and ceiling; lo and hi differ only when sources conflict);
        ``employer_month_lo/hi`` (employer's share, incl. maternity where the rate includes it),
        ``maternity_month_lo/hi`` (the maternity part), ``employee_month_lo/hi`` (the employee's
        share), the same ``…_year_…`` times 12; ``band`` (how the band was found: ``stated in yuan``,
        ``ratio × average wage`` or ``unknown``); ``conflict`` (bool); ``claims`` (list of claim ids).
        Amounts are None where a needed figure is not sourced.

    Examples
    --------
    >>> import helpers as h
    >>> r = h.employee_contribution(h.load(), "泰安", 3000)
    >>> r["city_zh"], r["base_lo"], r["employer_month_lo"], r["employee_month_lo"]
    ('泰安市', 4416.0, 353.28, 88.32)
    """
    if isinstance(wage, bool) or not isinstance(wage, int | float) or wage < 0 or wage != wage:
        raise YibaoError(f"wage must be a number of yuan per month ≥ 0, got {wage!r}")
    code = places.find(ds, city)
    p = _employee_params(ds, code, year)
    if p["f_lo"] is None:
        base_lo = base_hi = None
    else:
        base_lo = float(min(max(wage, p["f_lo"]), p["c_lo"]))
        base_hi = float(min(max(wage, p["f_hi"]), p["c_hi"]))
    out = {
        "city": code,
        "city_zh": places.label(ds, code),
        "wage": wage,
        "base_lo": base_lo,
        "base_hi": base_hi,
        "employer_month_lo": _mul(base_lo, p["er_lo"]),
        "employer_month_hi": _mul(base_hi, p["er_hi"]),
        "maternity_month_lo": _mul(base_lo, p["m_lo"]),
        "maternity_month_hi": _mul(base_hi, p["m_hi"]),
        "employee_month_lo": _mul(base_lo, p["ee_lo"]),
        "employee_month_hi": _mul(base_hi, p["ee_hi"]),
        "band": p["band"],
        "employer_basis": p["employer_basis"],
        "conflict": p["conflict"],
        "unverified": p["unverified"],
        "claims": p["claims"],
    }
    for k in ("employer", "maternity", "employee"):
        for s in ("lo", "hi"):
            m = out[f"{k}_month_{s}"]
            out[f"{k}_year_{s}"] = None if m is None else round(m * 12, 2)
    return out


def employee_contributions(ds: Dataset, scenarios: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Employee-scheme contributions for many (city, wage) rows at once.

    Each city's rates and band are looked up once; the amounts equal `employee_contribution`'s.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    scenarios : DataFrame
        Columns ``city`` (code, name or pinyin) and ``wage`` (yuan a month, ≥ 0).
        `helpers.report.wage_grid` builds one.
    year : int, optional
        Policy year; None takes the claims in force for any year.

    Returns
    -------
    DataFrame
        ``city`` (code), ``city_zh``, ``wage``, then the amounts, ``band``, ``conflict`` and
        ``claims`` as in `employee_contribution` (NaN where not sourced).

    Examples
    --------
    >>> import helpers as h, pandas as pd
    >>> s = pd.DataFrame({"city": ["泰安", "泰安"], "wage": [3000, 8000]})
    >>> h.employee_contributions(h.load(), s)["employee_month_lo"].tolist()
    [88.32, 160.0]
    """
    df = scenario_frame(ds, scenarios)
    wage = pd.to_numeric(df["wage"], errors="coerce").to_numpy(float)
    if np.isnan(wage).any() or (wage < 0).any():
        raise YibaoError("every wage must be a number of yuan per month ≥ 0")
    codes, cities = pd.factorize(df["city"].to_numpy())
    params = pd.DataFrame([{"city": c, **_employee_params(ds, c, year)} for c in cities])
    shown = ["band", "employer_basis", "conflict", "unverified", "claims"]
    m = params[shown].take(codes).reset_index(drop=True)  # each row's city values, as a merge gives
    f = lambda col: params[col].astype(float).to_numpy()[codes]  # noqa: E731 - None → nan
    base_lo = np.minimum(np.maximum(wage, f("f_lo")), f("c_lo"))
    base_hi = np.minimum(np.maximum(wage, f("f_hi")), f("c_hi"))
    out = df.copy()
    out["base_lo"], out["base_hi"] = base_lo, base_hi
    for name, lo, hi in (
        ("employer", "er_lo", "er_hi"),
        ("maternity", "m_lo", "m_hi"),
        ("employee", "ee_lo", "ee_hi"),
    ):
        out[f"{name}_month_lo"] = np.round(base_lo * f(lo), 2)
        out[f"{name}_month_hi"] = np.round(base_hi * f(hi), 2)
        out[f"{name}_year_lo"] = np.round(out[f"{name}_month_lo"] * 12, 2)
        out[f"{name}_year_hi"] = np.round(out[f"{name}_month_hi"] * 12, 2)
    for col in shown:
        out[col] = m[col]
    return out
