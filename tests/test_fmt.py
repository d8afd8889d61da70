"""The formatter readers see: every value type, unit, condition and status mark (report.fmt, tables)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from helpers.report.fmt import conditions_text, label_zh, value_text
from helpers.report.tables import cell_text, marks, published_text

LABELS = {
    "spouse": {"zh": "配偶", "en": "spouse"},
    "child": {"zh": "子女", "en": "children"},
    "province": {"zh": "省内", "en": "same province"},
    "employee": {"zh": "职工医保", "en": "employee scheme"},
    "minor": {"zh": "未成年人", "en": "minors"},
}


@pytest.mark.parametrize(
    ("value", "ptype", "text"),
    [
        (None, "yuan", "—"),
        (True, None, "是 yes"),
        (False, None, "否 no"),
        (True, "rate", "是 yes"),  # a bool is never a number
        (False, "yuan", "否 no"),
        (0.08, "rate", "8 %"),
        (0.015, "rate", "1.5 %"),
        (1, "rate", "100 %"),
        (0, "rate", "0 %"),
        (3.0, "ratio", "300 %"),
        (0.6, "ratio", "60 %"),
        (390, "yuan", "390 元"),
        (390.0, "yuan", "390 元"),
        (22078, "yuan", "22,078 元"),
        (4416.5, "yuan", "4,416.50 元"),
        (0.25, "yuan", "0.25 元"),
        (6, "months", "6 个月"),
        (0, "months", "0 个月"),
        (4, "years", "4 年"),
        (7, "int", "7"),
        (7, None, "7"),
        ("province", "enum", "省内"),
        ("nowhere", "enum", "nowhere"),
        ("text <b>", "text", "text <b>"),  # escaping is the HTML layer's job, not the formatter's
        (["spouse", "child"], "list", "配偶、子女"),
        (["spouse", "cousin"], "list", "配偶、cousin"),
        ([], "list", ""),
        (["2024-09-01", "2024-12-31"], "date_range", "2024-09-01 – 2024-12-31"),
        (dt.date(2025, 1, 1), "date", "2025-01-01"),
        ("0.08", "rate", "0.08"),  # text in a rate column is shown as is, not ×100
    ],
)
def test_value_text(value, ptype, text):
    assert value_text(value, ptype, LABELS) == text


def test_value_text_without_labels_shows_codes():
    assert value_text(["spouse"], "list") == "spouse"
    assert value_text("province") == "province"
    assert label_zh("spouse", None) == "spouse"
    assert label_zh(3, LABELS) == "3"


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("", ""),
        ("scheme=employee", "职工医保"),
        ("tier=1", "第1档"),
        ("scheme=employee;tier=2", "职工医保 · 第2档"),
        ("gap_min=4", "断缴 ≥ 4个月"),
        ("gap_max=3", "断缴 ≤ 3个月"),
        ("gap_max=24;gap_min=13;scheme=employee", "断缴 ≤ 24个月 · 断缴 ≥ 13个月 · 职工医保"),
        ("age_min=18", "年龄 ≥ 18岁"),
        ("age_max=17", "年龄 ≤ 17岁"),
        ("group=minor", "未成年人"),
        ("group=retiree", "retiree"),
    ],
)
def test_conditions_text(key, text):
    assert conditions_text(key, LABELS) == text


def _row(**kw):
    base = {"status": "own", "conflict": False, "stale": False, "value": 7, "values": [7]}
    return pd.Series({**base, **kw})


@pytest.mark.parametrize(
    ("row", "text", "mk"),
    [
        (_row(), "7", []),
        (_row(status="inherited-province"), "7 ↑省", ["↑省"]),
        (_row(status="inherited-national"), "7 ↑国", ["↑国"]),
        (_row(conflict=True, value=9, values=[9, 8]), "9 / 8 ⚠", ["⚠"]),
        (_row(stale=True), "7 旧", ["旧"]),
        (
            _row(status="inherited-national", conflict=True, stale=True, value=True, values=[True, False]),
            "true / false ↑国 ⚠ 旧",
            ["↑国", "⚠", "旧"],
        ),
        (_row(value=["spouse", "child"], values=[["spouse", "child"]]), "spouse, child", []),
        (_row(status="unknown", value=None, values=[]), "— 未知 unknown", ["—"]),
    ],
)
def test_comparison_cell_marks(row, text, mk):
    assert cell_text(row) == text
    assert marks(row) == mk


@pytest.mark.parametrize(
    ("published", "lo", "hi", "text"),
    [
        ("2025-03-01", None, None, "2025-03-01"),
        (None, "2025-03-05", "2025-04-01", "2025-03-05 – 2025-04-01"),
        (None, "2025-03-05", None, "≥ 2025-03-05"),
        (None, None, "2025-04-01", "≤ 2025-04-01"),
        (None, None, None, "undated"),
    ],
)
def test_published_text(published, lo, hi, text):
    ts = lambda v: pd.Timestamp(v) if v else pd.NaT  # noqa: E731
    row = {"published": ts(published), "published_not_before": ts(lo), "published_not_after": ts(hi)}
    assert published_text(row) == text


def test_claims_table_rows(edge):
    from helpers.report.tables import claims_table

    t = claims_table(edge, "泰安")
    first = t.iloc[0].to_dict()
    assert {k: v for k, v in first.items() if k != "url"} == {
        "claim": "ta-er-a",
        "place": "泰安市",
        "parameter": "employee.rate.employer",
        "conditions": "scheme=employee",
        "value": 0.08,
        "unit": "share of payroll",
        "value_text": "8 %",
        "period": "from 2025-01-01",
        "usable": True,
        "source": "agg-a",
        "kind": "aggregator",
        "published": "2025-03-01",
        "locator": "t1",
    }
    assert pd.isna(first["url"]) and t["claim"].iloc[1] == "ta-er-b"
    assert t.set_index("claim").at["ta-mat-first-half", "period"] == "from 2024-01-01 to 2025-06-29"
    assert t.set_index("claim").at["ta-mat-second-half", "period"] == "from 2025-06-30"
    rows = claims_table(edge, parameter="resident.premium")[["claim", "place", "period", "usable"]]
    assert rows.to_dict("records") == [
        {"claim": "n-premium-1", "place": "全国", "period": "2025", "usable": True},
        {"claim": "n-premium-2", "place": "全国", "period": "2025", "usable": True},
        {
            "claim": "jn-premium-2",
            "place": "济南市",
            "period": "from 2024-01-01 to 2025-01-01",
            "usable": True,
        },
        {"claim": "qd-premium-unusable", "place": "青岛市", "period": "2025", "usable": False},
    ]
    lists = claims_table(edge, "济南", "family_account.relations")
    assert lists["value"].tolist() == [["spouse", "child"], ["spouse", "child", "sibling"]] and list(
        lists.index
    ) == [
        0,
        1,
    ]
    assert claims_table(edge, "山东", "family_account.relations_list_complete")["value"].tolist() == [True]
    undated = claims_table(edge, "山东", "family_account.scope")
    assert undated["period"].tolist() == [""] and undated["url"].tolist() == ["https://example.gov.cn/a"]


def test_claims_table_unknown_parameter(edge):
    from helpers.exceptions import InputError
    from helpers.report.tables import claims_table

    with pytest.raises(InputError, match="^parameter: unknown parameter 'resident.premum' — did you mean"):
        claims_table(edge, parameter="resident.premum")


@pytest.fixture(scope="module")
def edge():
    from conftest import TESTS

    from helpers.data import load

    return load(TESTS / "fixtures" / "edge_data")


def test_compare_cells_order_year_topic_and_staleness(mini):
    from helpers import compare

    t = compare(mini, "泰安,济南", topic="contribution", year=2024, as_of="2021-12-31")
    assert list(t.columns) == ["parameter", "label_zh", "label_en", "conditions", "泰安市", "济南市"]
    assert t[["parameter", "conditions", "泰安市", "济南市"]].values.tolist() == [
        ["resident.premium", "tier=1", "— 未知 unknown", "— 未知 unknown"],  # 2024: no period covers it
        ["employee.rate.employer", "scheme=employee", "0.08", "— 未知 unknown"],  # not yet stale
        ["resident.collection_period", "", "— 未知 unknown", "— 未知 unknown"],
    ]
    t = compare(mini, "泰安,济南", as_of="2022-06-01")  # every topic, parameters in catalogue order
    assert t["parameter"].tolist()[:6] == [
        "family_account.max_relatives",
        "family_account.scope",
        "family_account.relations",
        "resident.premium",
        "employee.rate.employer",
        "resident.collection_period",
    ]
    assert t.iloc[:5, -2:].values.tolist() == [
        ["9 / 8 ⚠", "7"],
        ["province ↑省", "province ↑省"],
        ["— 未知 unknown", "— 未知 unknown"],
        ["— 未知 unknown", "— 未知 unknown"],  # the 2025 premiums are not yet in force in June 2022
        ["0.08 旧", "— 未知 unknown"],
    ]
    t = compare(mini, "泰安,济南", as_of="2026-06-01")  # the 2025 period has ended: shown, marked stale
    assert t.set_index("parameter").loc["resident.premium", ["泰安市", "济南市"]].tolist() == [
        "390 旧",
        "400 ↑国 旧",
    ]
    assert compare(mini, "泰安", stale_after_years=3, as_of="2022-06-01").iloc[4, -1] == "0.08"


@pytest.fixture(scope="module")
def catalogue():
    """The project's own labels and topics (data/parameters.yaml), where the reason words live."""
    from pathlib import Path

    from helpers.data.catalogue import load_catalogue

    problems: list = []
    cat = load_catalogue(Path(__file__).parent.parent / "data", problems)
    assert problems == []
    return cat


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        ("qualifies", "符合条件"),
        # the docstring's example: two reasons, the second a template filled with the number
        ("relation does not qualify; limit of 8 reached", "该亲属关系不可绑定;已达上限 8 人"),
        (" relation does not qualify ;; limit of 8 reached ", "该亲属关系不可绑定;已达上限 8 人"),
        ("sources give a limit of 3 or 5", "来源给出的上限为 3 或 5 人"),  # {lo}, {hi} in their places
        ("sources give a limit of 2.5 or 10", "来源给出的上限为 2.5 或 10 人"),
        ("limit of many reached", "limit of many reached"),  # {hi} stands for a number only
        ("limit of 8 reached today", "limit of 8 reached today"),  # the whole part must match
        ("a reason with no label", "a reason with no label"),
        ("", ""),
    ],
)
def test_reason_text_in_zh_words(catalogue, reason, text):
    from helpers.report.fmt import reason_text

    assert reason_text(reason, catalogue.labels) == text


def test_reason_text_without_labels_is_the_reason():
    from helpers.report.fmt import reason_text

    assert reason_text("limit of 8 reached; qualifies", None) == "limit of 8 reached;qualifies"


def test_label_both_gives_zh_and_en(catalogue):
    from helpers.report.fmt import label_both

    assert label_both("employee", LABELS) == "职工医保 employee scheme"  # the docstring's example
    assert label_both("official", catalogue.labels) == "官方 official"
    assert label_both("tier9", LABELS) == "tier9"
    assert label_both("employee", None) == "employee"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("binding,contribution", "家庭共济绑定、缴费标准"),  # topics
        ("binding, lapse", "家庭共济绑定、断缴·补缴·等待期"),
        ("employee,resident", "职工医保、居民医保"),  # labels
        ("employee, binding,", "职工医保、家庭共济绑定"),  # both; an empty item is dropped
        ("济南,泰安", "济南、泰安"),  # a code without a label is shown as is
        (2025, "2025"),
    ],
)
def test_parameter_text_lists_codes_by_zh_label(catalogue, value, text):
    from helpers.report.fmt import parameter_text

    assert parameter_text(value, catalogue.labels, catalogue.topics) == text


def test_value_text_count_units_from_the_catalogue(catalogue):
    """A count parameter's value is followed by its unit word (tier: 第 n 档, as in 第1档 of a condition)."""
    shown = {
        pid: value_text(2, p.type, LABELS, unit=p.unit)
        for pid, p in catalogue.params.items()
        if pid in ("resident.paid_tier", "family_account.max_relatives")
    }
    assert shown == {"resident.paid_tier": "第 2 档", "family_account.max_relatives": "2 人"}
    assert value_text(31, "int", LABELS, unit="provinces") == "31 个省份"


@pytest.mark.parametrize(
    ("origin", "mk"),
    [
        ("370000", ["未核实", "↑省"]),  # an unverified value a province states
        ("000000", ["未核实", "↑国"]),  # ... a national source states
        ("370900", ["未核实"]),  # the city's own (unverified) value: no ↑
        (None, ["未核实"]),
    ],
)
def test_an_unverified_value_from_a_parent_carries_its_up_mark(origin, mk):
    row = _row(status="unverified", city="370900", **{"from": origin})
    assert marks(row) == mk
    assert cell_text(row) == " ".join(["7", *mk])


def test_compare_shows_only_the_values_of_the_year_asked_for(mini):
    from helpers import compare

    def premium(year):
        t = compare(mini, "泰安,济南", topic="contribution", year=year, as_of="2025-06-01")
        return t.set_index("parameter").loc["resident.premium", ["泰安市", "济南市"]].tolist()

    assert premium(2025) == ["390", "400 ↑国"]
    assert premium(2024) == ["— 未知 unknown", "— 未知 unknown"]  # the premiums are stated for 2025
    assert premium(None) == ["390", "400 ↑国"]  # any year
