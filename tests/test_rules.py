"""Rule calculators: worked examples from the sources (vectorised == scalar reference: test_grid)."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

import helpers as h
from helpers.exceptions import YibaoError
from helpers.rules import (
    employee_contribution,
    employee_contributions,
    family_binding,
    household_premiums,
    lapse,
    resident_premiums,
)

# ---------------------------------------------------------------- worked examples (real data)


def test_qingdao_resident_lapsed_two_years_waits_four_months(real):
    r = lapse(real, "青岛", "resident", lapsed_years=2)
    assert (r["waiting_min"], r["waiting_max"]) == (4, 4)
    # Qingdao's own rule, not only the national one
    assert "qingdao-lapse-resident-fixed-waiting-months-from-2025-01" in r["claims"]


def test_qingdao_resident_gap_in_months_gives_the_same_answer(real):
    by_years = lapse(real, "青岛", "resident", lapsed_years=2)
    by_months = lapse(real, "青岛", "resident", gap_months=24)
    for col in ("waiting_min", "waiting_max", "gap_covered", "rule", "claims", "unverified"):
        assert by_months[col] == by_years[col], col
    with pytest.raises(YibaoError, match="not a whole number of years — give lapsed_years"):
        lapse(real, "青岛", "resident", gap_months=5)


def test_claims_without_a_scheme_never_decide_a_resident_answer(mini):
    # the fixture's national waiting-months claims are stated for every scheme (0 for ≤ 3 months, 6
    # from 4 months);
    # a resident gap of 12 months is one lapsed year, answered by the resident fixed waiting period
    r = lapse(mini, "济南", "resident", gap_months=12)
    assert (r["waiting_min"], r["waiting_max"]) == (3, 3)
    assert r["claims"] == ["national-lapse-resident-fixed-waiting-months-from-2025-01"]
    assert lapse(mini, "济南", "employee", gap_months=12)["waiting_max"] == 6  # stated for every scheme


def test_national_resident_floor_after_long_lapse_with_restoration(real):
    r = lapse(real, "济南", "resident", lapsed_years=5, back_paid=True)
    assert r["waiting_min"] == 6  # at least 6 months after 4+ lapsed years
    assert r["waiting_max"] == 3 + 1 * 4


def test_flexible_gap_rules_from_a_city_page(real):
    # Wuhan (51igbt page): a gap of up to 3 months, back-paid, restores cover the next month;
    # over 3 months, six months of contributions first
    short = lapse(real, "武汉", "flexible", gap_months=3)
    assert (short["waiting_min"], short["waiting_max"], short["conflict"]) == (0, 0, False)
    assert "wuhan-flexible-gap-up-to-3" in short["claims"]
    assert lapse(real, "武汉", "flexible", gap_months=5)["waiting_max"] == 6


def lead_only(result: dict, key: str) -> bool:
    """A value only leads state never decides silently: unknown, or shown marked unverified."""
    return result[key] is None or result.get("unverified") is True


def test_employee_gap_rule_from_the_shandong_notice(real):
    # issue 25: 鲁医保发〔2021〕54号 (an official reprint, from 2022-04-01): an employee's cover resumes
    # from the month after the arrears are paid — no waiting period, whatever the gap; the seed
    # pages' "6 months" (leads) never decide
    r = lapse(real, "泰安", "employee", gap_months=3, year=2025)
    assert (r["waiting_min"], r["waiting_max"], r["unverified"]) == (0, 0, False)
    assert "shandong-lapse-employee-waiting-ln54" in r["claims"]


def test_city_rule_applies_where_national_has_none(real):
    # Shanghai's own notice (沪医保规〔2025〕7号, via a repository transcription): back-paid employee
    # cover resumes at once; Beijing has only the seed leads, so its answer is unknown
    assert lapse(real, "上海", "employee", gap_months=8)["waiting_max"] == 0
    assert lead_only(lapse(real, "北京", "employee", gap_months=8), "waiting_min")


def test_ai_generated_lead_does_not_decide(real):
    # Linyi's own flexible-worker gap claim is an ai-generated lead; the Shandong notice (official
    # reprint) states the rule for the province, so the lead never decides
    r = lapse(real, "临沂", "flexible", gap_months=5, year=2025)
    assert (r["waiting_max"], r["unverified"]) == (3, False)
    assert "shandong-lapse-flexible-waiting-gap-min-4-ln54" in r["claims"]


def test_taian_household_premiums(real):
    # 2026 (zysbs.cn news item, media): tier 1 390, tier 2 530; minors and students pay tier 1 and
    # get tier-2 benefits; orphans pay nothing at tier 1. (2025's group rules are on the seed page
    # only, an ai-generated lead since issue 11, so the worked example moved to 2026.)
    members = [
        {"age": 40},
        {"age": 10},
        {"age": 20, "student": True},
        {"age": 70, "group": "orphan"},
        {"age": 50, "group": "relapsed_poverty"},
    ]
    # No 2026 page states a price or a tier for people fallen back into poverty: their premium is
    # unknown, not the tier price ("not stated" is not "all").
    r = resident_premiums(real, "泰安", members, tier=1, year=2026)
    assert r["pays_lo"].tolist()[:4] == [390, 390, 390, 0] and pd.isna(r["pays_lo"].tolist()[4])
    assert r.at[4, "rule"] == "no premium stated for this group"
    assert r["benefit_tier"].tolist() == [1, 2, 2, 1, 1]
    r2 = resident_premiums(real, "泰安", members, tier=2, year=2026)
    assert r2["pays_lo"].tolist()[:3] == [530, 390, 390]  # minors and students still pay tier 1
    assert r2["pays_lo"].isna().tolist()[3:] == [True, True]


def test_taian_binding_limit_is_eight(real):
    r = family_binding(real, "泰安", [{"relation": "child"}] * 9)
    assert r["can_bind"].tolist() == ["yes"] * 8 + ["no"]
    assert r["reason"].iloc[-1] == "limit of 8 reached"
    assert r["premium_lo"].iloc[0] == 390


def test_taian_relative_outside_shandong_cannot_be_bound(real):
    r = family_binding(
        real, "泰安", [{"relation": "parent", "place": "济南"}, {"relation": "parent", "place": "北京"}]
    )
    assert r["can_bind"].tolist() == ["yes", "no"]


def test_jinan_own_relation_list_decides_and_the_later_national_extension_is_a_doubt(real):
    # issue 25: Jinan's own list (济南日报 2021, media) names no siblings, so a sibling does not
    # qualify there; the national 2024 extension (Xinhua) adds siblings — shown as a doubt beside
    # Jinan's value, never silently copied over it
    r = family_binding(real, "济南", [{"relation": "spouse"}, {"relation": "sibling"}])
    assert r["can_bind"].tolist() == ["yes", "no"]
    rel = h.resolve(real, "济南", topic="binding").set_index("parameter").loc["family_account.relations"]
    assert "later-higher-rule" in [d["reason"] for d in rel["doubts"]]


def test_taian_rates_are_leads_so_only_the_band_is_known(real):
    r = employee_contribution(real, "泰安", 3000)
    floor = 4416  # Shandong general social-insurance band (calculator source), inherited by Tai'an
    assert r["base_lo"] == floor
    # Tai'an's 8 % / 2 % rates are stated only on the ai-generated seed page (issue 11)
    assert lead_only(r, "employer_month_lo") and lead_only(r, "employee_month_lo")
    assert employee_contribution(real, "泰安", 50000)["base_hi"] == 22078


def test_beijing_employee_contribution_2025(real):
    # 京人社发〔2025〕11号 band 7162–35811 and the calculator's 2 % employee rate; the 9.8 % employer
    # rate is medical only (employee.rate.employer_medical_only), not the incl.-maternity rate
    r = employee_contribution(real, "北京", 3000, year=2025)
    assert r["base_lo"] == 7162
    assert r["employee_month_lo"] == round(7162 * 0.02, 2)


def test_unknown_band_gives_no_amount(mini):
    r = employee_contribution(mini, "泰安", 5000)
    assert r["band"] == "unknown" and r["employer_month_lo"] is None


def withheld(ds, *parameters: str, place: str | None = None):
    """The dataset as if no page had stated these parameters (for `place`, or anywhere): the figures
    left are still the ones the data states; only what a rule may lean on is taken away."""
    c = ds.claims
    drop = c["parameter"].isin(parameters) & ((c["jurisdiction"] == place) if place else True)
    return dataclasses.replace(ds, claims=c[~drop].reset_index(drop=True), cache={})


def test_a_yuan_band_needs_both_its_floor_and_its_ceiling(real):
    # Beijing states its 2025 band in yuan (7162–35811) and no ratio: with either end not stated,
    # there is no band and so no amount — never a band open at one end
    for missing in ("employee.base.ceiling", "employee.base.floor"):
        r = employee_contribution(withheld(real, missing, place="110000"), "北京", 3000, 2025)
        assert (r["band"], r["base_lo"], r["employer_month_lo"]) == ("unknown", None, None), missing


def test_a_ratio_band_needs_the_average_wage_and_both_ratios(real):
    # with no yuan band stated anywhere: Jinan's 60 % / 300 % (leads) have no average wage to apply
    # to, and Shanghai's stated average wage (12434, from 2025-07) has no employee-scheme ratios
    ds = withheld(real, "employee.base.floor", "employee.base.ceiling")
    for city in ("济南", "上海"):
        r = employee_contribution(ds, city, 3000, 2025)
        assert (r["band"], r["base_lo"], r["base_hi"]) == ("unknown", None, None), city


def test_scenario_tables_get_codes_and_chinese_names(mini):
    # places given as pinyin or code come back as codes, with the Chinese name right after
    s = pd.DataFrame({"city": ["taian", "370100"], "wage": [3000, 3000]})
    out = employee_contributions(mini, s)
    assert list(out.columns[:3]) == ["city", "city_zh", "wage"]
    assert out["city"].tolist() == ["370900", "370100"] and out["city_zh"].tolist() == ["泰安市", "济南市"]
    # a city_zh column that comes with the scenarios is replaced by the names of the cities
    again = employee_contributions(mini, s.assign(city_zh=["x", "y"]))
    assert again["city_zh"].tolist() == ["泰安市", "济南市"] and "x" not in again.to_string()


def test_a_true_false_column_reads_missing_as_false_and_refuses_other_values(mini):
    s = pd.DataFrame({"city": ["泰安"] * 5, "age": [20] * 5, "student": [None, 1, 0, True, float("nan")]})
    got = household_premiums(mini, s)["category"].tolist()
    assert got[1] == got[3] == "student" and all(pd.isna(got[i]) for i in (0, 2, 4))
    for bad, shown in (("yes", "'yes'"), (2, "2")):
        s = pd.DataFrame({"city": ["泰安", "泰安"], "age": [20, 20], "student": [True, bad]})
        with pytest.raises(YibaoError) as e:
            household_premiums(mini, s)
        want = f"scenarios['student']: holds {shown} — use True/False (a missing value means False)"
        assert str(e.value) == want


def test_a_household_without_relatives_gives_an_empty_table_with_every_column(mini):
    # callers select these columns by name, so an empty answer keeps them, in the documented order
    r = family_binding(mini, "泰安", [])
    assert r.empty and list(r.columns) == [
        "city", "city_zh", "relative", "relation", "can_bind", "reason",
        "premium_lo", "premium_hi", "conflict", "unverified", "doubt", "claims", "inputs",
    ]  # fmt: skip


@pytest.mark.parametrize("bad", [-1, "abc", None])
def test_employee_contributions_refuse_a_wage_that_is_no_amount(mini, bad):
    s = pd.DataFrame({"city": ["泰安", "泰安"], "wage": [3000, bad]})
    with pytest.raises(YibaoError, match=r"^scenarios\['wage'\]: .* is not a monthly wage — give yuan"):
        employee_contributions(mini, s)


def test_member_rows_from_a_table_read_empty_cells_as_not_given(mini):
    # rows taken from a DataFrame hold NaN where a member has no student flag: an adult of 40
    # without one is not a student (no category) and pays the plain tier-1 premium (Tai'an 390)
    members = pd.DataFrame([{"age": 20, "student": True}, {"age": 40}]).to_dict("records")
    assert math.isnan(members[1]["student"])
    r = resident_premiums(mini, "泰安", members, tier=1, year=2025)
    assert r.at[0, "category"] == "student" and pd.isna(r.at[1, "category"])
    assert (r.at[1, "pays_lo"], r.at[1, "rule"]) == (390, "tier 1 premium")


def test_a_full_subsidy_leaves_nothing_to_pay_even_without_a_premium_figure(real):
    # with no premium stated anywhere, Tai'an's 2026 full subsidy for orphans (tier 1) still
    # means 0 to pay; an adult's premium is then simply not sourced
    ds = withheld(real, "resident.premium")
    r = resident_premiums(ds, "泰安", [{"age": 70, "group": "orphan"}, {"age": 40}], tier=1, year=2026)
    orphan = r.iloc[0]
    assert (orphan["pays_lo"], orphan["pays_hi"], orphan["rule"]) == (0, 0, "tier 1 premium fully subsidised")
    assert pd.isna(r.at[1, "pays_lo"]) and r.at[1, "rule"] == "premium not sourced"


def test_household_premiums_use_the_year_and_echo_the_scenario(real):
    # Tai'an 2024 tier 1: 370 yuan (taian-bendibao-2023-11-29-premium-2024); 390 from 2025
    s = pd.DataFrame([{"city": "泰安", "age": 40}, {"city": "泰安", "age": 70, "group": "orphan"}])
    r = household_premiums(real, s, year=2024)
    assert r.at[0, "pays_lo"] == 370 and r.at[0, "claims"] == ["taian-resident-premium-tier1-2024"]
    # the scenario's own columns, then resident_premiums' answer columns: nothing more
    ref = resident_premiums(real, "泰安", [{"age": 40}, {"age": 70, "group": "orphan"}], year=2024)
    assert set(r.columns) == {"tier", *ref.columns} - {"member"}
    assert r["group"].tolist()[1] == "orphan" and pd.isna(r.at[0, "group"])


@pytest.mark.parametrize(
    "bad",
    [
        dict(scheme="worker", gap_months=2),
        dict(scheme="employee", gap_months=-1),
        dict(scheme="employee", lapsed_years=2),
        dict(scheme="resident"),
    ],
)
def test_bad_lapse_scenarios(mini, bad):
    with pytest.raises(YibaoError):
        lapse(mini, "泰安", **bad)


def test_bad_relation_and_wage(mini):
    with pytest.raises(YibaoError, match="unknown relation 'cousin'"):
        family_binding(mini, "泰安", [{"relation": "cousin"}])
    with pytest.raises(YibaoError, match="wage: -1 is not a monthly wage"):
        employee_contribution(mini, "泰安", -1)
