"""Vectorised calculators vs their scalar references applied row by row, same scenarios, same run."""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

import helpers as h

CITIES = ["济南", "泰安", "青岛", "北京", "深圳", "临沂", "淄博", "山东"]


def scenarios(n: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    """n mixed scenarios per calculator, drawn with a fixed seed."""
    rng = np.random.default_rng(seed)
    city = rng.choice(CITIES, n)
    scheme = rng.choice(["employee", "flexible", "resident"], n)
    by_years = (scheme == "resident") & (rng.random(n) < 0.5)
    gap = rng.integers(0, 36, n)
    gap = np.where(scheme == "resident", gap // 12 * 12, gap)  # a resident gap counts whole years
    lapse = pd.DataFrame(
        {
            "city": city,
            "scheme": scheme,
            "gap_months": pd.Series(gap, dtype="Int64").where(~by_years),
            "lapsed_years": pd.Series(rng.integers(0, 8, n), dtype="Int64").where(by_years),
            "back_paid": rng.random(n) < 0.5,
        }
    )
    wage = pd.DataFrame({"city": city, "wage": rng.uniform(0, 60000, n).round(2)})
    members = pd.DataFrame(
        {
            "city": rng.choice(["济南", "泰安", "青岛"], n),
            "age": rng.integers(0, 90, n),
            "student": rng.random(n) < 0.2,
            "group": rng.choice(
                np.array([None, "orphan", "relapsed_poverty"], dtype=object), n, p=[0.8, 0.1, 0.1]
            ),
            "tier": rng.choice([1, 2], n),
        }
    )
    family = pd.DataFrame(
        {
            "household": np.arange(n) // 5,
            "city": np.repeat(rng.choice(["济南", "泰安", "青岛"], n // 5 + 1), 5)[:n],
            "relation": rng.choice(["spouse", "child", "parent", "sibling", "grandchild"], n),
            "place": rng.choice(np.array([None, "济南", "北京"], dtype=object), n),
            "age": rng.integers(0, 90, n),
        }
    )
    return {"lapse": lapse, "contribution": wage, "premium": members, "family": family}


def _rows(df: pd.DataFrame):
    for r in df.to_dict("records"):
        yield {k: (None if v is pd.NA or (isinstance(v, float) and v != v) else v) for k, v in r.items()}


def scalar(ds, name: str, df: pd.DataFrame) -> None:
    """The reference function called once per scenario (per household for family)."""
    if name == "lapse":
        for r in _rows(df):
            h.lapse(
                ds,
                r["city"],
                r["scheme"],
                gap_months=None if r["lapsed_years"] is not None else int(r["gap_months"]),
                lapsed_years=r["lapsed_years"],
                back_paid=bool(r["back_paid"]),
            )
    elif name == "contribution":
        for r in _rows(df):
            h.employee_contribution(ds, r["city"], float(r["wage"]))
    elif name == "premium":
        for r in _rows(df):
            h.resident_premiums(
                ds,
                r["city"],
                [{"age": r["age"], "student": r["student"], "group": r["group"]}],
                tier=int(r["tier"]),
            )
    else:
        for _, g in df.groupby("household", sort=False):
            rels = [{k: r[k] for k in ("relation", "place", "age")} for r in _rows(g)]
            h.family_binding(ds, g["city"].iloc[0], rels)


VECTOR = {
    "lapse": h.lapses,
    "contribution": h.employee_contributions,
    "premium": h.household_premiums,
    "family": h.family_bindings,
}


#: Runs of each vectorised calculator (its median is used); the scalar path, 10–60 s, runs once.
REPEAT = 5


def run(n: int = 100_000) -> list[dict]:
    """Time both paths on n scenarios per calculator; return one result row per calculator."""
    ds = h.load()
    out = []
    for name, df in scenarios(n).items():
        VECTOR[name](ds, df.head(50))  # both paths timed with the dataset's lookup tables built
        scalar(ds, name, df.head(50))
        runs = []
        for _ in range(REPEAT):  # a sub-second time on a shared machine: the median of several runs
            t = time.perf_counter()
            VECTOR[name](ds, df)
            runs.append(time.perf_counter() - t)
        vec = statistics.median(runs)
        t = time.perf_counter()
        scalar(ds, name, df)
        ref = time.perf_counter() - t
        out.append(
            {
                "calculator": name,
                "scenarios": n,
                "vectorised_s": round(vec, 3),
                "scalar_s": round(ref, 2),
                "ratio": round(ref / vec, 1),
            }
        )
        print(out[-1], flush=True)
    return out
