"""Contributions: employee amounts from a wage; resident premiums for a household."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import Dataset, places
from ..exceptions import YibaoError
from .common import Span, lookup, merge_claims, scenario_frame

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
    "conflict",
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
        "conflict": any(s.conflict for s in spans),
        "claims": merge_claims(*spans),
    }


def _mul(a, b):
    return None if a is None or b is None else round(a * b, 2)


def employee_contribution(ds: Dataset, city: str, wage: float, year: int | None = None) -> dict:
    """Reference: monthly wage → base clamped to floor/ceiling → employer, maternity, employee per month."""
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
        "conflict": p["conflict"],
        "claims": p["claims"],
    }
    for k in ("employer", "maternity", "employee"):
        for s in ("lo", "hi"):
            m = out[f"{k}_month_{s}"]
            out[f"{k}_year_{s}"] = None if m is None else round(m * 12, 2)
    return out


def employee_contributions(ds: Dataset, scenarios: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Vectorised: one row per (city, wage); city parameters looked up once, amounts with numpy."""
    df = scenario_frame(ds, scenarios)
    wage = pd.to_numeric(df["wage"], errors="coerce").to_numpy(float)
    if np.isnan(wage).any() or (wage < 0).any():
        raise YibaoError("every wage must be a number of yuan per month ≥ 0")
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
    out["band"], out["conflict"], out["claims"] = m["band"], m["conflict"], m["claims"]
    return out


def category(age, student: bool, group: str | None) -> str | None:
    if group:
        return group
    if student:
        return "student"
    if age is not None and age < 18:
        return "minor"
    return None


def categories(df: pd.DataFrame) -> np.ndarray:
    """Vectorised _category: group if given, else student, else minor (under 18), else None."""
    ages = pd.to_numeric(df["age"], errors="coerce")
    minor = np.where(ages < 18, "minor", None)
    student = np.where(df["student"].astype(bool), "student", minor)
    return np.where(df["group"].notna() & (df["group"].astype(str) != "None"), df["group"], student)


def member_premium(ds: Dataset, code: str, cat: str | None, tier: int, year) -> dict:
    """Premium one member pays, by category (group / student / minor) and the household's tier."""
    if tier not in (1, 2):
        raise YibaoError(f"tier must be 1 or 2, got {tier!r}")
    scen = {"group": cat} if cat else {}
    paid = lookup(ds, code, "resident.paid_tier", year, **scen) if cat else Span()
    paid_tier = paid.lo if paid.known and not paid.conflict else tier
    benefit = lookup(ds, code, "resident.benefit_tier", year, **scen) if cat else Span()
    benefit_tier = benefit.lo if benefit.known and not benefit.conflict else paid_tier
    prem = lookup(ds, code, "resident.premium", year, tier=paid_tier, **scen)
    full = lookup(ds, code, "resident.subsidy_full", year, tier=paid_tier, **scen) if cat else Span()
    fixed = lookup(ds, code, "resident.subsidy_fixed", year, **scen) if cat else Span()
    lo, hi, rule = prem.lo, prem.hi, f"tier {paid_tier} premium"
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
    return {
        "category": cat,
        "paid_tier": paid_tier,
        "benefit_tier": benefit_tier,
        "pays_lo": lo,
        "pays_hi": hi,
        "rule": rule if prem.known or full.values == [True] else "premium not sourced",
        "conflict": any(s.conflict for s in spans),
        "claims": merge_claims(*spans),
    }


def resident_premiums(
    ds: Dataset, city: str, members: list[dict], tier: int = 1, year: int | None = None
) -> pd.DataFrame:
    """Reference: one row per household member (age, student, group) with the premium they pay."""
    code = places.find(ds, city)
    rows = []
    for i, m in enumerate(members):
        unknown = set(m) - {"age", "student", "group", "relation", "name"}
        if unknown:
            raise YibaoError(f"member {i + 1}: unknown field(s) {sorted(unknown)} — use age, student, group")
        cat = category(m.get("age"), bool(m.get("student")), m.get("group"))
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
    """Vectorised: one row per member (city, age, student, group, tier); distinct cases computed once."""
    df = scenario_frame(ds, scenarios, {"student": False, "group": None, "tier": 1})
    df["category"] = categories(df)
    keys = df[["city", "category", "tier"]].drop_duplicates()
    res = pd.DataFrame(
        [
            {"city": k.city, "tier": k.tier, **member_premium(ds, k.city, k.category, int(k.tier), year)}
            for k in keys.itertuples(index=False)
        ]
    )
    return df.merge(res, on=["city", "category", "tier"], how="left")
