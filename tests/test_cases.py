"""Worked examples at the boundaries the rules name, read from tests/cases/*.yaml.

Each case is written for a policy researcher to read and add to (in the spirit of OpenFisca's
YAML tests)::

    - name: a gap of exactly 4 months waits 6 months (the ≥4 rule starts here)
      dataset: good_data          # tests/fixtures/<dataset>, or `real` for data/
      calculator: lapse           # lapse, employee_contribution, resident_premiums, family_binding, resolve
      input: {city: 泰安, scheme: employee, gap_months: 4}
      output: {waiting_min: 6, waiting_max: 6}

For `resolve`, `input` names a city, parameter and optional conditions, year, as_of,
stale_after_years, include_leads, and `cities` to resolve it alongside other places (condition
sets come from every place resolved). Its output names the row's value, values, status, from,
claim, conflict, stale, superseded (true/false), support, undated, and the claim ids the decision
lists as competing, outranked, overrides, leads, rejected, agreeing, unattributed and
superseded_claims.

Only the output keys a case names are compared. For calculators that return one row per member
or relative, `output` is a list with one mapping per row. `error: text` instead of `output`
expects a YibaoError whose message contains the text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import TESTS

from helpers.data import load, places
from helpers.exceptions import YibaoError
from helpers.resolution import resolve
from helpers.rules import employee_contribution, family_binding, lapse, resident_premiums

CASES_DIR = TESTS / "cases"
KEYS = {"name", "dataset", "calculator", "input", "output", "error", "why"}


def _read(path: Path) -> list[tuple[str, dict]]:
    cases = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [(f"{path.stem}: {c['name']}", c) for c in cases]


def _ids(cases: list[tuple[str, dict]]) -> list[str]:
    """Plain ASCII test ids (file stem and number): mutmut maps tests by id and cannot read others."""
    count: dict[str, int] = {}
    out = []
    for name, _ in cases:
        stem = name.split(":", 1)[0]
        count[stem] = count.get(stem, 0) + 1
        out.append(f"{stem}-{count[stem]:02d}")
    return out


CASES = [c for f in sorted(CASES_DIR.glob("*.yaml")) for c in _read(f)]
_DATASETS: dict[str, object] = {}


def dataset(name: str):
    if name not in _DATASETS:
        _DATASETS[name] = load() if name == "real" else load(TESTS / "fixtures" / name)
    return _DATASETS[name]


def plain(v):
    """pandas / numpy scalars → Python values; NaN/NA → None."""
    if isinstance(v, list):
        return [plain(x) for x in v]
    if v is None or (not isinstance(v, list | dict) and pd.isna(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def resolved(ds, inp: dict) -> dict:
    """One resolve() row as the facts a case may name (ids and values of the decision's lists)."""
    kw = {k: inp[k] for k in ("year", "as_of", "stale_after_years", "include_leads") if k in inp}
    r = resolve(ds, inp.get("cities", inp["city"]), **kw)  # `cities`: resolve alongside other places
    r = r[r["city"] == places.find(ds, inp["city"])]
    sel = r[(r["parameter"] == inp["parameter"]) & (r["conditions"] == inp.get("conditions", ""))]
    assert len(sel) == 1, f"no single row for {inp}"
    row = sel.iloc[0]
    d = row["decision"]
    keys = (
        "value",
        "values",
        "status",
        "from",
        "claim",
        "conflict",
        "stale",
        "superseded",
        "support",
        "undated",
    )
    out = {k: plain(row[k]) for k in keys}
    for part in ("competing", "outranked", "overrides", "leads", "rejected", "agreeing", "unattributed"):
        out[part] = [c.claim_id for c in getattr(d, part)]
    out["superseded_claims"] = [c.claim_id for c in d.superseded]
    return out


def run(ds, calculator: str, inp: dict):
    if calculator == "resolve":
        return resolved(ds, inp)
    if calculator == "lapse":
        return lapse(ds, **inp)
    if calculator == "employee_contribution":
        return employee_contribution(ds, **inp)
    if calculator in ("resident_premiums", "family_binding"):
        fn = resident_premiums if calculator == "resident_premiums" else family_binding
        df = fn(ds, **inp)
        return [{k: plain(v) for k, v in row.items()} for row in df.to_dict("records")]
    raise AssertionError(f"unknown calculator {calculator!r}")


def test_cases_are_well_formed():
    assert len(CASES) >= 40
    names = [n for n, _ in CASES]
    assert len(names) == len(set(names)), "case names must be unique within a file"
    for name, c in CASES:
        assert set(c) <= KEYS, (name, set(c) - KEYS)
        assert {"name", "dataset", "calculator", "input"} <= set(c), name
        assert ("output" in c) != ("error" in c), name


@pytest.mark.parametrize(("name", "case"), CASES, ids=_ids(CASES))
def test_case(name, case):
    ds = dataset(case["dataset"])
    if "error" in case:
        with pytest.raises(YibaoError) as exc:
            run(ds, case["calculator"], case["input"])
        assert case["error"] in str(exc.value)
        return
    got = run(ds, case["calculator"], case["input"])
    want = case["output"]
    if isinstance(want, list):
        assert len(got) == len(want), got
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert {k: g[k] for k in w} == w, f"{name}, row {i + 1}"
    else:
        assert {k: plain(got[k]) for k in want} == want, name
