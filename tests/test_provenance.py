"""Calculator results name, per input: value, unit, year, status, kind, support, doubt, inherited.

The small dataset of test_applicability (济南 with dated, undated and doubted claims, a national
scope, a lead) shows each field; the real data checks that a calculator's input agrees with what
`resolve` shows for the same place, parameter and year (one question, one answer).
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_applicability import ads  # noqa: F401 - the fixture

import helpers as h
from helpers.rules import provenance


def inputs(result) -> pd.DataFrame:
    return h.inputs_table(result).set_index("parameter")


def test_every_field_of_an_input_record_is_documented(ads):  # noqa: F811
    r = h.employee_contribution(ads, "济南", 5000, year=2025)
    assert list(h.inputs_table(r).columns) == ["row", "city", "city_zh", *provenance.FIELDS]
    assert all(set(rec) == set(provenance.FIELDS) for rec in r["inputs"])


def test_a_stated_period_gives_the_input_its_year_status_kind_and_support(ads):  # noqa: F811
    t = inputs(h.employee_contribution(ads, "济南", 5000, year=2025))
    er = t.loc["employee.rate.employer"]
    assert (er["value"], er["year"], er["year_basis"]) == (0.09, 2025, "period")
    assert (er["status"], er["kind"], er["support"], er["inherited"]) == ("own", "official", 1, False)
    assert er["unit"] == "share of payroll" and er["label_zh"] == "单位缴费比例"
    # a figure no source states is listed too, as unknown (it is why an amount is missing)
    ee = t.loc["employee.rate.employee"]
    assert ee["status"] == "unknown" and ee["value"] is None and pd.isna(ee["year"])


def test_a_dated_page_speaks_from_its_date_and_an_undated_one_states_no_year(ads):  # noqa: F811
    t = inputs(h.family_binding(ads, "济南", [{"relation": "spouse"}], year=2025))
    hold = t.loc["family_account.one_holder_per_relative"]
    assert (hold["year"], hold["year_basis"], hold["kind"]) == (2025, "page date", "aggregator")
    limit = t.loc["family_account.max_relatives"]
    assert (
        limit["status"] == "year-not-stated"
        and pd.isna(limit["year"])
        and limit["year_basis"] == "not stated"
    )


def test_support_counts_independent_origins_only(ads):  # noqa: F811
    # own page + same publisher + a lead (not counted) + media + same host as the media: 2 origins
    scope = inputs(h.family_binding(ads, "济南", [{"relation": "spouse"}], year=2025)).loc[
        "family_account.scope"
    ]
    assert scope["support"] == 2


def test_a_doubt_on_a_claim_reaches_the_result_and_its_inputs(ads):  # noqa: F811
    r = h.family_binding(ads, "济南", [{"relation": "spouse"}], year=2025)
    assert r.at[0, "doubt"]
    rel = inputs(r).loc["family_account.relations"]
    assert rel["doubt"] and [d["reason"] for d in rel["doubts"]] == ["count-basis"]
    flat = h.report.inputs_frame(ads, r).set_index("parameter")
    assert flat.at["family_account.relations", "doubt_zh"] == "可能按关系种类计"
    # a place whose figures carry no doubt: the result says so
    assert not h.family_binding(ads, "泰安", [{"relation": "spouse"}], year=2025).at[0, "doubt"]


def test_an_inherited_input_names_the_place_it_is_stated_for(real):
    t = inputs(h.employee_contribution(real, "济南", 5000, year=2025))
    floor = t.loc["employee.base.floor"]
    assert floor["inherited"] and floor["from"] == "370000" and floor["from_zh"] == "山东省"
    assert floor["status"] == "inherited-province"


def test_calculator_inputs_agree_with_resolve_for_the_same_question(real):
    """Each input a calculator used has the value, status and kind `resolve` shows (no second answer)."""
    for city in ("泰安", "北京", "上海", "青岛"):
        res = h.resolve(real, city, year=2025, topic="contribution")
        r = h.employee_contribution(real, city, 8000, year=2025)
        for rec in r["inputs"]:
            if rec["status"] == "unknown":
                continue
            shown = res[(res["parameter"] == rec["parameter"]) & (res["conditions"] == "scheme=employee")]
            if len(shown) != 1:
                continue
            row = shown.iloc[0]
            assert (rec["value"], rec["status"], rec["kind"], rec["support"]) == (
                row["value"],
                row["status"],
                row["kind"],
                row["support"],
            ), (city, rec["parameter"])


def test_employer_amounts_say_whether_they_compare_like_for_like(real):
    bj = h.employee_contribution(real, "北京", 8000, year=2025)
    assert bj["employer_basis"].startswith("medical only")
    assert not bj["like_for_like"] and "maternity" in bj["like_for_like_why"]
    res = h.employee_contributions(
        real, pd.DataFrame({"city": ["北京", "泰安"], "wage": [8000, 8000]}), year=2025
    )
    ok = res.set_index("city_zh")
    assert ok.at["泰安市", "like_for_like"] == (
        ok.at["泰安市", "employer_basis"] == "medical incl. maternity"
    )
    assert ((ok["like_for_like_why"] == "") == ok["like_for_like"]).all()


def test_lapse_inputs_leave_out_a_rule_the_scenario_does_not_use(real):
    r = h.lapse(real, "武汉", "flexible", gap_months=5, year=None)
    assert [x["parameter"] for x in r["inputs"]] and all(
        x["parameter"] != "lapse.gap_covered" for x in r["inputs"]
    )
    paid = h.lapse(real, "武汉", "flexible", gap_months=5, back_paid=True)
    assert "lapse.gap_covered" in [x["parameter"] for x in paid["inputs"]]
    assert h.lapse(real, "武汉", "flexible", gap_months=0)["inputs"] == []


def test_calculator_sections_show_each_input_and_export_it_as_plain_csv(real):
    notes = h.report.Footnotes(real)
    res = h.employee_contributions(real, pd.DataFrame({"city": ["济南"], "wage": [5000]}), year=2025)
    s = h.report.contribution_table(real, res, notes)
    html = s.to_html()
    assert "所用数值及其来源" in html and "缴费基数下限" in html and "山东省 ↑" in html
    csv = h.report.csv_text(s.tables["employee-inputs"])
    assert "employee.base.floor" in csv and "{'" not in csv and "[{" not in csv
    assert "inputs" not in s.tables["employee"].columns
    assert "{'" not in h.report.csv_text(s.tables["employee"])


def test_a_doubted_input_marks_the_calculator_cell(ads):  # noqa: F811
    notes = h.report.Footnotes(ads)
    s = h.report.family_section(ads, "济南", [{"relation": "spouse"}], 1, 2025, notes)
    assert "存疑" in s.to_html() and "可能按关系种类计" in s.to_html()


def test_inputs_table_refuses_what_is_not_a_calculator_result(real):
    with pytest.raises(h.InputError, match="inputs"):
        h.inputs_table(h.resolve(real, "泰安"))
    with pytest.raises(h.InputError, match="calculator result"):
        h.inputs_table([1, 2])
