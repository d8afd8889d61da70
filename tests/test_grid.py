"""Every vectorised calculator equals its scalar reference on a fixed full grid, and on
Hypothesis-drawn tables whose rows fall into shared groups (so a per-group mistake shows).

Grid: every place (for lapse and family: every place with claims, its parents and one place
without claims — the rest answer as their parents) × scheme × gap 0–40 months (and 0–10 lapsed
years) × back-paid or not; wages around every floor and ceiling; households of several members
and relatives in several shapes — on the real data and on tests/fixtures/edge_data.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest
from conftest import GOOD, TESTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.data import load
from helpers.rules import (
    employee_contribution,
    employee_contributions,
    family_binding,
    family_bindings,
    household_premiums,
    lapse,
    lapses,
    resident_premiums,
)
from helpers.rules.lapse import COLUMNS as LAPSE_COLUMNS

EDGE = TESTS / "fixtures" / "edge_data"
GAPS = range(41)
YEARS = range(11)
WAGES = [0, 1, 2999.99, 3600, 4000, 4416, 4416.01, 7162, 12345.67, 18000, 20000, 22078, 22078.5, 80000]
EMPLOYEE_COLUMNS = [
    "base_lo",
    "base_hi",
    *(
        f"{k}_{p}_{s}"
        for k in ("employer", "maternity", "employee")
        for p in ("month", "year")
        for s in ("lo", "hi")
    ),
    "band",
    "employer_basis",
    "like_for_like",
    "like_for_like_why",
    "conflict",
    "doubt",
    "claims",
    "inputs",
]
MEMBER_COLUMNS = [
    *("category", "paid_tier", "benefit_tier", "pays_lo", "pays_hi", "rule"),
    *("conflict", "doubt", "claims", "inputs"),
]
FAMILY_COLUMNS = [
    *("relation", "can_bind", "reason", "premium_lo", "premium_hi"),
    *("conflict", "doubt", "claims", "inputs"),
]


@pytest.fixture(scope="module", params=["real", "edge", "mini"])
def ds(request):
    """The real data, the edge fixture, and the small fixture the removed Hypothesis comparisons in
    test_rules drew from (so every dataset they covered stays compared, row for row, here)."""
    return {"real": load, "edge": lambda: load(EDGE), "mini": lambda: load(GOOD)}[request.param]()


def same(a, b) -> bool:
    na = lambda v: v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))  # noqa: E731
    if na(a) or na(b):
        return na(a) and na(b)
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
    return a == b


def places(ds) -> list[str]:
    return list(ds.jurisdictions["code"])


def varied_places(ds) -> list[str]:
    """Places whose answers can differ: those with claims, their parents, and one without any.

    (A place with no claim of its own answers exactly as its parent; the full list of 53 places
    would only repeat those rows at ten times the cost.)
    """
    own = set(ds.claims["jurisdiction"])
    parents = set(ds.jurisdictions.loc[ds.jurisdictions["code"].isin(own), "parent"].dropna())
    bare = [c for c in places(ds) if c not in own]
    return sorted(own | parents | set(bare[:1]))


def check_rows(vec: pd.DataFrame, refs: list[dict], columns: list[str]) -> None:
    assert len(vec) == len(refs)
    bad = [
        (i, c, vec.at[i, c], ref[c])
        for i, ref in enumerate(refs)
        for c in columns
        if not same(vec.at[i, c], ref[c])
    ]
    assert not bad, f"{len(bad)} cells differ, first: {bad[:5]}"


# ---------------------------------------------------------------- lapse


def lapse_grid(ds) -> list[dict]:
    rows = []
    for city, scheme, back_paid in itertools.product(
        varied_places(ds), ["employee", "flexible", "resident"], [False, True]
    ):
        gaps = [g for g in GAPS if scheme != "resident" or g % 12 == 0]  # resident gaps: whole years
        rows += [dict(city=city, scheme=scheme, gap_months=g, back_paid=back_paid) for g in gaps]
        if scheme == "resident":
            rows += [dict(city=city, scheme=scheme, lapsed_years=y, back_paid=back_paid) for y in YEARS]
    return rows


def lapse_refs(ds, rows, year=None) -> list[dict]:
    return [lapse(ds, year=year, **r) for r in rows]


@pytest.mark.parametrize("year", [None, 2025])
def test_lapses_equal_reference_on_the_full_grid(ds, year):
    rows = lapse_grid(ds)
    check_rows(lapses(ds, pd.DataFrame(rows), year=year), lapse_refs(ds, rows, year), LAPSE_COLUMNS)


def test_lapses_keep_row_order_and_inputs(ds):
    rows = lapse_grid(ds)[::-7]  # reversed and thinned: results must follow the rows, not the keys
    vec = lapses(ds, pd.DataFrame(rows))
    assert vec["city"].tolist() == [r["city"] for r in rows]
    assert all(same(v, r.get("gap_months")) for v, r in zip(vec["gap_months"], rows, strict=True))
    check_rows(vec, lapse_refs(ds, rows), LAPSE_COLUMNS)


# ---------------------------------------------------------------- employee contributions


@pytest.mark.parametrize("year", [None, 2024, 2025])
def test_employee_contributions_equal_reference_on_the_full_grid(ds, year):
    rows = [{"city": c, "wage": w} for c, w in itertools.product(places(ds), WAGES)]
    vec = employee_contributions(ds, pd.DataFrame(rows), year=year)
    check_rows(vec, [employee_contribution(ds, r["city"], r["wage"], year) for r in rows], EMPLOYEE_COLUMNS)


# ---------------------------------------------------------------- household premiums

SHAPES = [
    [{"age": 40}],
    [{"age": 40}, {"age": 38}, {"age": 17}, {"age": 18}],
    [{"age": 70}, {"age": 0}, {"age": 20, "student": True}, {"age": 17, "student": True}],
]


def member_shapes(ds) -> list[list[dict]]:
    groups = [{"age": a, "group": g} for g in ds.conditions["group"]["values"] for a in (10, 50)]
    return [*SHAPES, groups]


def premium_grid(ds) -> tuple[list[dict], list[dict]]:
    """Scenario rows (one per member) and the reference rows from resident_premiums."""
    rows, refs = [], []
    for city, tier, members in itertools.product(places(ds), [1, 2], member_shapes(ds)):
        ref = resident_premiums(ds, city, members, tier=tier, year=2025)
        for m, r in zip(members, ref.to_dict("records"), strict=True):
            rows.append({"city": city, "tier": tier, "student": False, "group": None, **m})
            refs.append(r)
    return rows, refs


def test_household_premiums_equal_reference_on_the_full_grid(ds):
    rows, refs = premium_grid(ds)
    check_rows(household_premiums(ds, pd.DataFrame(rows), year=2025), refs, MEMBER_COLUMNS)


# ---------------------------------------------------------------- family bindings


def relative_shapes(ds) -> list[list[dict]]:
    """Households of relatives; one insured in Beijing where the dataset knows Beijing."""
    child = {"relation": "child"}
    known = set(ds.jurisdictions["name_zh"])
    beijing = [{"relation": "parent", "place": "北京"}] if "北京市" in known else []
    return [
        [child] * 9,
        [{"relation": r} for r in ("spouse", "parent", "sibling", "grandchild", "child", "parent_in_law")],
        [
            *beijing,
            {"relation": "parent", "place": "济南"},
            {"relation": "spouse", "already_bound": True},
            {"relation": "child", "age": 17},
            {"relation": "child", "age": 18, "student": True},
            {"relation": "spouse", "scheme": "employee"},
            child,
            child,
        ],
        [{"relation": "sibling"}, {"relation": "grandchild"}, child, child, child],
    ]


def family_grid(ds) -> tuple[list[dict], list[dict]]:
    rows, refs = [], []
    household = 0
    for city in varied_places(ds):
        for rels in relative_shapes(ds):  # several households per city: limits count per household
            ref = family_binding(ds, city, rels, year=2025)
            for r, out in zip(rels, ref.to_dict("records"), strict=True):
                rows.append({"household": household, "city": city, **r})
                refs.append(out)
            household += 1
    return rows, refs


def test_family_bindings_equal_reference_on_the_full_grid(ds):
    rows, refs = family_grid(ds)
    check_rows(family_bindings(ds, pd.DataFrame(rows), year=2025), refs, FAMILY_COLUMNS)


def test_family_bindings_with_households_interleaved(ds):
    rows, refs = family_grid(ds)
    seen: dict[int, int] = {}  # rows dealt round-robin across households, each keeping its own order
    pos = {}
    for i, r in enumerate(rows):
        seen[r["household"]] = seen.get(r["household"], -1) + 1
        pos[i] = (seen[r["household"]], r["household"])
    order = sorted(range(len(rows)), key=pos.__getitem__)
    assert order != sorted(order)
    vec = family_bindings(ds, pd.DataFrame([rows[i] for i in order]), year=2025)
    check_rows(vec, [refs[i] for i in order], FAMILY_COLUMNS)


# ---------------------------------------------------------------- Hypothesis: groups of several rows

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
EDGE_CITIES = ["济南", "泰安", "青岛", "山东", "全国"]


@st.composite
def lapse_groups(draw):
    """A few (city, scheme, back-paid) groups, each with several gaps near the breakpoints."""
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        city = draw(st.sampled_from(EDGE_CITIES))
        scheme = draw(st.sampled_from(["employee", "flexible", "resident"]))
        back_paid = draw(st.booleans())
        by_years = scheme == "resident" and draw(st.booleans())
        near = st.sampled_from([0, 1, 2, 3, 4, 5, 11, 12, 13, 14, 23, 24, 25, 26]) | st.integers(0, 40)
        if scheme == "resident":  # a resident gap in months is whole policy years
            near = st.integers(0, 4).map(lambda y: 12 * y)
        for n in draw(st.lists(st.integers(0, 10) if by_years else near, min_size=2, max_size=8)):
            key = "lapsed_years" if by_years else "gap_months"
            rows.append({"city": city, "scheme": scheme, key: n, "back_paid": back_paid})
    return draw(st.permutations(rows))


@SETTINGS
@given(rows=lapse_groups())
def test_lapses_equal_reference_for_drawn_groups(edge_ds, rows):
    check_rows(lapses(edge_ds, pd.DataFrame(rows)), lapse_refs(edge_ds, rows), LAPSE_COLUMNS)


@st.composite
def households(draw):
    """Several households, often in the same city, each with several relatives from a small pool."""
    pool = st.fixed_dictionaries(
        {"relation": st.sampled_from(["spouse", "child", "parent", "sibling", "grandchild"])},
        optional={
            "place": st.sampled_from(["济南", "泰安", "北京"]),
            "already_bound": st.booleans(),
            "age": st.sampled_from([5, 17, 18, 60]),
            "scheme": st.sampled_from(["resident", "employee"]),
        },
    )
    return [
        (draw(st.sampled_from(["泰安", "青岛", "济南"])), draw(st.lists(pool, min_size=2, max_size=6)))
        for _ in range(draw(st.integers(1, 4)))
    ]


@SETTINGS
@given(hh=households(), tier=st.sampled_from([1, 2]))
def test_family_bindings_equal_reference_for_drawn_households(edge_ds, hh, tier):
    rows = [{**r, "city": city, "household": h} for h, (city, rels) in enumerate(hh) for r in rels]
    refs = [
        row for city, rels in hh for row in family_binding(edge_ds, city, rels, tier, 2025).to_dict("records")
    ]
    check_rows(family_bindings(edge_ds, pd.DataFrame(rows), tier, 2025), refs, FAMILY_COLUMNS)


@SETTINGS
@given(
    hh=st.lists(
        st.tuples(
            st.sampled_from(EDGE_CITIES),
            st.sampled_from([1, 2]),
            st.lists(
                st.fixed_dictionaries(
                    {"age": st.sampled_from([0, 16, 17, 18, 19, 70])},
                    optional={
                        "student": st.booleans(),
                        "group": st.sampled_from(["relapsed_poverty", "minor"]),
                    },
                ),
                min_size=2,
                max_size=6,
            ),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_household_premiums_equal_reference_for_drawn_households(edge_ds, hh):
    rows = [
        {"student": False, "group": None, **m, "city": city, "tier": tier}
        for city, tier, ms in hh
        for m in ms
    ]
    refs = [
        r
        for city, tier, ms in hh
        for r in resident_premiums(edge_ds, city, ms, tier, 2025).to_dict("records")
    ]
    check_rows(household_premiums(edge_ds, pd.DataFrame(rows), 2025), refs, MEMBER_COLUMNS)


@pytest.fixture(scope="module")
def edge_ds():
    return load(EDGE)
