"""Resolution on the small fixture dataset: own, inherited, override, conflict, stale, unknown, leads."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import GOOD

from helpers import compare, resolve
from helpers.data import load
from helpers.exceptions import InputError

AS_OF = "2026-11-25"


def row(df, city, parameter, conditions=""):
    sel = df[(df["city_zh"] == city) & (df["parameter"] == parameter) & (df["conditions"] == conditions)]
    assert len(sel) == 1, sel
    return sel.iloc[0]


@pytest.fixture(scope="module")
def r(mini):
    return resolve(mini, "济南,泰安,青岛", year=2025, as_of=AS_OF)


def test_higher_source_kind_wins_without_conflict(r):
    x = row(r, "济南市", "family_account.max_relatives")
    assert (x["value"], x["status"], x["kind"], x["conflict"]) == (7, "own", "official", False)
    assert [c.value for c in x["decision"].outranked] == [6]


def test_ai_generated_claim_is_a_lead_not_a_value(r, mini):
    x = row(r, "济南市", "family_account.max_relatives")
    assert [c.value for c in x["decision"].leads] == [10]
    with_leads = resolve(mini, "济南", as_of=AS_OF, include_leads=True)
    y = row(with_leads, "济南市", "family_account.max_relatives")
    assert y["value"] == 7 and y["decision"].leads == [] and 10 in [c.value for c in y["decision"].outranked]


def test_same_rank_disagreement_is_a_conflict_and_keeps_both(r):
    x = row(r, "泰安市", "family_account.max_relatives")
    assert x["conflict"]
    assert x["value"] == 9  # the more recent of two aggregator pages
    assert sorted(x["values"]) == [8, 9]
    assert [c.claim_id for c in x["decision"].competing] == ["taian-family-max-relatives"]


def test_city_claim_overrides_national(r):
    x = row(r, "泰安市", "resident.premium", "tier=1")
    assert (x["value"], x["status"], x["conflict"]) == (390, "own", False)
    assert [c.value for c in x["decision"].overrides] == [400]


def test_inheritance_from_national_and_province(r):
    q = row(r, "青岛市", "resident.premium", "tier=1")
    assert (q["value"], q["status"], q["from"]) == (400, "inherited-national", "000000")
    j = row(r, "济南市", "family_account.scope")
    assert (j["value"], j["status"]) == ("province", "inherited-province")


def test_stale_claim_is_flagged(r, mini):
    x = row(r, "泰安市", "employee.rate.employer", "scheme=employee")
    assert x["stale"] and str(x["date"]) == "2020-01-01"
    fresh = resolve(mini, "泰安", as_of="2021-01-01")
    assert not row(fresh, "泰安市", "employee.rate.employer", "scheme=employee")["stale"]


def test_unknown_is_a_row_with_no_value(r):
    x = row(r, "济南市", "employee.rate.employer", "scheme=employee")
    assert (x["value"], x["status"]) == (None, "unknown") and pd.isna(x["source"])
    y = row(r, "济南市", "resident.collection_period")
    assert y["status"] == "unknown"


def test_year_outside_every_period_is_unknown(mini):
    r24 = resolve(mini, "泰安", year=2024, as_of=AS_OF)
    assert row(r24, "泰安市", "resident.premium", "tier=1")["status"] == "unknown"
    assert row(r24, "泰安市", "lapse.resident.fixed_waiting_months")["status"] == "unknown"


def test_a_condition_set_one_city_has_is_resolved_for_every_city(r):
    # only Tai'an states a flexible-worker rule; Jinan gets that row too, from the national gap ≥ 4
    # rule, which the fixture states for every scheme (scheme: all)
    ta = row(r, "泰安市", "lapse.waiting_months", "gap_min=4;scheme=flexible")
    jn = row(r, "济南市", "lapse.waiting_months", "gap_min=4;scheme=flexible")
    assert (ta["value"], ta["status"]) == (2, "own")
    national_rule = "national-lapse-waiting-months-gap-min-4"
    assert (jn["value"], jn["status"], jn["claim"]) == (6, "inherited-national", national_rule)
    everyone = row(r, "济南市", "lapse.waiting_months", "gap_min=4;scheme=all")
    assert (everyone["value"], everyone["status"]) == (6, "inherited-national")


def test_compare_is_wide_with_marks(mini):
    t = compare(mini, "济南,泰安", topic="binding", as_of=AS_OF)
    assert list(t.columns[-2:]) == ["济南市", "泰安市"]
    cell = t.set_index("parameter").loc["family_account.max_relatives", "泰安市"]
    assert cell.startswith("9 / 8") and "⚠" in cell


def test_unknown_topic_and_city(mini):
    with pytest.raises(InputError, match="^topic: unknown topic 'bindings' — did you mean 'binding'"):
        resolve(mini, "济南", topic="bindings")
    with pytest.raises(InputError, match="^cities: unknown city or region '济北' — did you mean"):
        resolve(mini, "济北", topic="binding")


def test_repeated_resolve_gives_the_same_table_and_callers_cannot_change_it(mini):
    first = resolve(mini, "济南,泰安", as_of=AS_OF)
    first["added"] = 1  # a caller adding a column (the data-quality report does)
    first.loc[first.index[0], "status"] = "changed"
    again = resolve(mini, "济南,泰安", as_of=AS_OF)
    assert "added" not in again.columns and again.iloc[0]["status"] != "changed"
    fresh = resolve(mini, "济南,泰安", as_of="2026-11-26")  # another question is answered anew
    assert list(fresh.columns) == list(again.columns)


def test_resolve_columns_name_every_column_and_are_a_copy(r):
    from helpers import resolve_columns

    cols = resolve_columns()
    assert list(cols) == list(r.columns) and all(isinstance(m, str) and m for m in cols.values())
    cols.clear()  # a caller's edit does not change the documented columns
    assert list(resolve_columns()) == list(r.columns)


def test_period_boundaries_and_specific_conditions_at_one_place(tmp_path):
    """A rule in force from 31 December 2025 applies to 2025; one that ended on 1 January 2025 too;
    a claim for employees beats the same page's claim for everyone."""
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    (data / "policies" / "370200-qingdao.yaml").write_text(
        'jurisdiction: "370200"\nclaims:\n'
        "  - {id: qd-from-new-year-eve, parameter: lapse.resident.fixed_waiting_months, value: 5,\n"
        "     source: agg-a, locator: t, period: {from: 2025-12-31}}\n"
        "  - {id: qd-to-new-year, parameter: family_account.scope, value: city,\n"
        "     source: agg-a, locator: t, period: {from: 2024-01-01, to: 2025-01-01}}\n"
        "  - {id: qd-wait-any, parameter: lapse.waiting_months, value: 1, source: agg-a, locator: t}\n"
        "  - {id: qd-wait-employee, parameter: lapse.waiting_months, value: 3, source: agg-a, locator: t,\n"
        "     conditions: {scheme: employee}}\n",
        encoding="utf-8",
    )
    ds = load(data)
    r2025, r2024 = resolve(ds, "青岛", year=2025, as_of=AS_OF), resolve(ds, "青岛", year=2024, as_of=AS_OF)
    assert row(r2025, "青岛市", "lapse.resident.fixed_waiting_months")["claim"] == "qd-from-new-year-eve"
    assert row(r2024, "青岛市", "lapse.resident.fixed_waiting_months")["claim"] != "qd-from-new-year-eve"
    assert row(r2025, "青岛市", "family_account.scope")["claim"] == "qd-to-new-year"
    # at one place, a claim naming the scheme beats one that names none (not a conflict)
    x = row(r2025, "青岛市", "lapse.waiting_months", "scheme=employee")
    assert (x["claim"], x["conflict"]) == ("qd-wait-employee", False)
    r2026 = resolve(ds, "青岛", year=2026, as_of=AS_OF)
    assert row(r2026, "青岛市", "family_account.scope")["claim"] != "qd-to-new-year"


def test_pages_meeting_on_one_day_conflict(tmp_path):
    """A one-day rule for 30 June 2025 and another page's rule from that day on overlap on that day:
    same rank, different values, so a conflict (the more recent page is shown)."""
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    (data / "policies" / "370200-qingdao.yaml").write_text(
        'jurisdiction: "370200"\nclaims:\n'
        "  - {id: qd-one-day, parameter: lapse.resident.fixed_waiting_months, value: 4, source: agg-b,\n"
        "     locator: t, period: {from: 2025-06-30, to: 2025-06-30}}\n"
        "  - {id: qd-from-that-day, parameter: lapse.resident.fixed_waiting_months, value: 5,\n"
        "     source: agg-a, locator: t, period: {from: 2025-06-30}}\n",
        encoding="utf-8",
    )
    x = row(
        resolve(load(data), "青岛", year=2025, as_of=AS_OF), "青岛市", "lapse.resident.fixed_waiting_months"
    )
    assert (x["claim"], x["conflict"]) == ("qd-one-day", True)
    assert [c.claim_id for c in x["decision"].competing] == ["qd-from-that-day"]


def test_a_bound_condition_is_read_from_its_last_underscore():
    """`<name>_min` / `<name>_max` bound the scenario's `<name>`, whatever underscores the name holds."""
    from helpers.resolution.rank import matches

    assert matches({"months_back_min": 3}, {"months_back": 4})
    assert not matches({"months_back_max": 3}, {"months_back": 4})
    assert matches({"gap_min": 4}, {"gap": 4}) and not matches({"gap_min": 4}, {"gap": 3})
