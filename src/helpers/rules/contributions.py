"""Contributions: employee amounts from a wage; resident premiums for a household."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import Dataset, inputs, places
from .common import Span, lookup, merge_claims, merge_inputs, scenario_frame, unverified

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
    "like_for_like",
    "like_for_like_why",
    "conflict",
    "unverified",
    "doubt",
    "claims",
    "inputs",
]

#: Why an employer amount is not on the common basis (medical insurance including maternity).
NOT_LIKE_FOR_LIKE = {
    "medical only (maternity not included)": (
        "only a medical rate without maternity is stated; a maternity rate is never added by us, "
        "so this amount is not comparable with rates that include maternity"
    ),
    "unknown": "no employer rate is stated",
}


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
        f = Span(
            sorted({wage.lo * rf.lo, wage.hi * rf.hi}), merge_claims(wage, rf), used=merge_inputs(wage, rf)
        )
        c = Span(
            sorted({wage.lo * rc.lo, wage.hi * rc.hi}), merge_claims(wage, rc), used=merge_inputs(wage, rc)
        )
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
    used_inputs = merge_inputs(*spans)
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
        "like_for_like": er_basis == "medical incl. maternity",
        "like_for_like_why": NOT_LIKE_FOR_LIKE.get(er_basis, ""),
        "conflict": any(s.conflict for s in spans),
        "unverified": unverified(*spans),
        "doubt": any(r["doubt"] for r in used_inputs),
        "claims": merge_claims(*spans),
        "inputs": used_inputs,
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
        ``employer_month_lo`` / ``employer_month_hi`` (employer's share, incl. maternity where the
        rate includes it), ``maternity_month_lo`` / ``maternity_month_hi`` (the maternity part),
        ``employee_month_lo`` / ``employee_month_hi`` (the employee's share); the same a year
        (times 12): ``employer_year_lo``, ``employer_year_hi``, ``maternity_year_lo``,
        ``maternity_year_hi``, ``employee_year_lo``, ``employee_year_hi``; ``band`` (how the band
        was found: ``stated in yuan``, ``ratio × average wage`` or ``unknown``); ``employer_basis``
        (``medical incl. maternity`` or ``medical only (maternity not included)``);
        ``like_for_like`` (bool: the employer amount is on the common basis, medical including
        maternity, and can be compared across places) and ``like_for_like_why`` (why not, empty
        when it is); ``conflict`` (bool); ``unverified`` (bool: a figure used is stated only by
        machine-written pages); ``doubt`` (bool: the data records a doubt about a figure used);
        ``claims`` (list of claim ids); ``inputs`` (list of dicts, one per figure looked up: its
        value, year, status, kind, support and doubts — `helpers.inputs_table` makes a table).
        Amounts are None where a needed figure is not sourced.

    Examples
    --------
    >>> import helpers as h
    >>> r = h.employee_contribution(h.load(), "泰安", 3000)
    >>> r["city_zh"], r["base_lo"], r["employer_month_lo"], r["employee_month_lo"]
    ('泰安市', 4416.0, 353.28, 88.32)
    """
    code = inputs.place(ds, city, "city")
    checked = inputs.wage(wage, "wage")
    wage = wage if isinstance(wage, int | float) else checked  # 3000 stays 3000; '3000' becomes 3000.0
    year = inputs.year(year, "year")
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
        **{k: p[k] for k in ("employer_basis", "like_for_like", "like_for_like_why")},
        "conflict": p["conflict"],
        "unverified": p["unverified"],
        "doubt": p["doubt"],
        "claims": p["claims"],
        "inputs": p["inputs"],
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
        ``city`` (code), ``city_zh``, ``wage``, then as in `employee_contribution` (NaN where not
        sourced): ``base_lo``, ``base_hi``, ``employer_month_lo``, ``employer_month_hi``,
        ``employer_year_lo``, ``employer_year_hi``, ``maternity_month_lo``, ``maternity_month_hi``,
        ``maternity_year_lo``, ``maternity_year_hi``, ``employee_month_lo``, ``employee_month_hi``,
        ``employee_year_lo``, ``employee_year_hi``, ``band``, ``employer_basis``,
        ``like_for_like``, ``like_for_like_why``, ``conflict``, ``unverified``, ``doubt``,
        ``claims``, ``inputs``.

    Examples
    --------
    >>> import helpers as h, pandas as pd
    >>> s = pd.DataFrame({"city": ["泰安", "泰安"], "wage": [3000, 8000]})
    >>> h.employee_contributions(h.load(), s)["employee_month_lo"].tolist()
    [88.32, 160.0]
    """
    df = scenario_frame(
        ds,
        scenarios,
        required=("city", "wage"),
        example="pd.DataFrame({'city': ['泰安', '泰安'], 'wage': [3000, 8000]})",
    )
    year = inputs.year(year, "year")
    wage = np.array([inputs.wage(w, "scenarios['wage']") for w in df["wage"]], dtype=float)
    if not pd.api.types.is_numeric_dtype(df["wage"]):
        df["wage"] = wage  # wages given as text are numbers in the result
    params = pd.DataFrame([{"city": c, **_employee_params(ds, c, year)} for c in df["city"].unique()])
    m = df.merge(params, on="city", how="left")
    f = lambda col: m[col].astype(float).to_numpy()  # noqa: E731 - None → nan
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
    for col in EMPLOYEE_COLUMNS[EMPLOYEE_COLUMNS.index("band") :]:
        out[col] = m[col]
    return out
