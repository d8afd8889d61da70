"""What the resolver keeps on record (a value's history, statements naming no place) and the
legend of marks, pinned exactly on tests/fixtures/status_data (surviving mutants)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import GOOD

from helpers.data import load
from helpers.report import legend
from helpers.resolution import general_statements, history

STATUS_DATA = Path(__file__).parent / "fixtures" / "status_data"
D = dt.date


@pytest.fixture(scope="module")
def sds():
    return load(STATUS_DATA)


def test_history_of_a_superseded_value(sds):
    h = history(sds, "济南", "status.superseded", on="2026-12-01")
    assert h.to_dict("records") == [
        {
            "place": "济南市",
            "claim": "jinan-superseded-old",
            "value": 1,
            "from": D(2025, 3, 1),  # undated claim: takes effect from its source's date
            "to": D(2025, 7, 1),  # replaced on the day the later rule starts
            "source": "agg-a",
            "kind": "aggregator",
            "shown": False,
        },
        {
            "place": "济南市",
            "claim": "jinan-superseded-new",
            "value": 9,
            "from": D(2025, 7, 1),
            "to": None,  # open-ended
            "source": "off-b",
            "kind": "official",
            "shown": True,
        },
    ]
    assert history(sds, "济南", "status.superseded", on="2025-06-30")["shown"].tolist() == [True, False]


def test_history_of_an_inherited_a_dated_and_an_undated_value(sds):
    inherited = history(sds, "济南", "status.inherited", on="2026-12-01")
    assert inherited[["place", "claim", "from", "to", "shown"]].values.tolist() == [
        ["全国", "national-inherited", D(2025, 1, 1), None, True]
    ]
    ended = history(sds, "济南", "status.stale_period", on="2026-12-01")
    assert ended[["from", "to"]].values.tolist() == [[D(2023, 1, 1), D(2024, 12, 31)]]
    undated = history(sds, "济南", "status.undated", on="2026-12-01")
    assert undated[["claim", "from", "to", "shown"]].values.tolist() == [["jinan-undated", None, None, True]]
    assert history(sds, "济南", "status.superseded", conditions="scheme=employee").empty


def test_general_statements_listed_with_labels_and_filtered_by_topic(sds):
    want = {
        "claim": "general-unattributed",
        "parameter": "status.unattributed",
        "label_zh": "未指明地区",
        "type": "int",
        "conditions": "",
        "value": 6,
        "source": "agg-a",
        "locator": "各地一般规定",
    }
    assert general_statements(sds).to_dict("records") == [want]
    assert general_statements(sds, topic="binding").to_dict("records") == [want]
    assert general_statements(sds, topic="lapse").empty


def test_legend_exact(sds):
    assert legend(sds.labels, 2.5) == (
        "<p class='yb-legend'>标记 marks: "
        "<span class='yb-mark-inherited-province'><b>↑省</b> 继承省级 inherited from the province</span> · "
        "<span class='yb-mark-inherited-national'><b>↑国</b> 继承全国 inherited from national</span> · "
        "<span class='yb-mark-unverified'><b>未核实</b> unverified</span> · "  # zh label = the mark: once
        "<span class='yb-mark-year-not-stated'><b>年份未注明</b> year not stated: neither the claim nor its "
        "source gives a date</span> · "
        "<span class='yb-mark-unknown'><b>—</b> 未知 unknown</span> · "
        "<span class='yb-mark-conflict'><b>⚠</b> 来源冲突 sources disagree</span> · "
        "<span class='yb-mark-superseded'><b>已更新</b> replaced an earlier value</span> · "
        "<span class='yb-mark-stale'><b>旧</b> 较旧 stale (阈值 threshold: 2.5 年 years)</span> · "
        "<span class='yb-mark-undated'><b>无日期</b> undated source</span> · "
        "<span class='yb-mark-doubt'><b>存疑</b> doubted (reason shown)</span>. "
        "无标记 no mark = 本地来源 the place's own source. [n] = 来源脚注 source footnote; "
        "(n 源) = 独立来源数: 在该地陈述同一数值、彼此独立的非线索来源 independent sources — "
        "pages that state this value for this place, leads (machine-written pages) never counted, "
        "pages of one publisher or website counted once.</p>"
    )


def test_legend_without_labels_shows_the_keys(sds):
    text = legend({}, 2)
    assert "<b>↑省</b> inherited-province inherited-province</span>" in text
    assert "<b>旧</b> stale stale (阈值 threshold: 2 年 years)</span>" in text
    assert "yb-mark-own" not in text  # own values carry no mark


# ---------------------------------------------------------------- notebook parameters by name


@pytest.fixture(scope="module")
def real():
    return load()


@pytest.mark.parametrize(
    ("name", "value", "want"),
    [
        ("cities", "济南，泰安", ["370100", "370900"]),  # full-width comma too
        ("city", "taian", "370900"),
        ("year", None, 0),  # no year: 0 in the notebook's parameters cell
        ("year", "2025", 2025),
        ("as_of", "2025-03-01", "2025-03-01"),
        ("as_of", None, ""),
        ("topics", "binding,lapse", ["binding", "lapse"]),
        ("scheme", "职工", "employee"),
        ("tier", "2", 2),
        ("max_gap", "24", 24),
        ("wages", "3000, 5000", [3000.0, 5000.0]),
        ("not_a_checked_name", [1], [1]),  # passed through unchanged
    ],
)
def test_notebook_parameter_checked_and_converted(real, name, value, want):
    from helpers.data import inputs

    got = inputs.parameter(real, name, value)
    assert got == want and type(got) is type(want)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("as_of", "2025-3-1", "as_of: '2025-3-1' is not a date — write YYYY-MM-DD"),
        ("topics", "", "topics: no topic given — give one or more of binding, contribution, lapse, benefit"),
        ("topics", "binding,nope", "topics: unknown topic 'nope'"),
        ("tier", "3", "tier"),
    ],
)
def test_notebook_parameter_refused(real, name, value, message):
    from helpers.data import inputs
    from helpers.exceptions import YibaoError

    with pytest.raises(YibaoError) as exc:
        inputs.parameter(real, name, value)
    assert message in str(exc.value)


def test_data_package_exports_lazily_and_refuses_other_names():
    import helpers.data as hd
    from helpers.data import loading, places

    assert hd.load is loading.load and hd.find is places.find and hd.Dataset is loading.Dataset
    assert "load" in vars(hd)  # cached after first use
    with pytest.raises(AttributeError, match="module 'helpers.data' has no attribute 'nope'"):
        hd.nope  # noqa: B018


def test_history_undated_pages_that_disagree_do_not_end_each_other(mini):
    """Tai'an's two undated pages (8 and 9 relatives) are a conflict, not a replacement: neither
    ends the other, though the second page is dated a few days later."""
    h = history(mini, "泰安", "family_account.max_relatives", on="2026-11-25")
    assert h[["claim", "value", "from", "to"]].values.tolist() == [
        ["taian-family-max-relatives", 8, D(2025, 3, 1), None],
        ["taian-family-max-relatives-2", 9, D(2025, 3, 5), None],
    ]


def test_history_two_values_for_the_same_year_each_end_with_the_year(tmp_path):
    """Two pages giving different premiums for 2025 both run to the year's end: a claim starting on
    the same day does not replace it."""
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    (data / "policies" / "370200-qingdao.yaml").write_text(
        'jurisdiction: "370200"\nclaims:\n'
        "  - {id: qd-2025-a, parameter: resident.premium, value: 380, source: agg-a, locator: t,\n"
        "     period: {year: 2025}, conditions: {tier: 1}}\n"
        "  - {id: qd-2025-b, parameter: resident.premium, value: 390, source: agg-b, locator: t,\n"
        "     period: {year: 2025}, conditions: {tier: 1}}\n",
        encoding="utf-8",
    )
    h = history(load(data), "青岛", "resident.premium", "tier=1", on="2025-06-01")
    assert h[["claim", "from", "to"]].values.tolist() == [
        ["qd-2025-a", D(2025, 1, 1), D(2025, 12, 31)],
        ["qd-2025-b", D(2025, 1, 1), D(2025, 12, 31)],
        ["national-resident-premium-tier1-2025", D(2025, 1, 1), D(2025, 12, 31)],  # then its parents'
    ]


def test_history_with_no_claims_keeps_its_columns(sds):
    h = history(sds, "济南", "status.superseded", conditions="scheme=employee")
    assert h.empty and list(h.columns) == ["place", "claim", "value", "from", "to", "source", "kind", "shown"]
