"""Evidence marks: one value of each status in a fixture, rendered; resident lapse asked two ways;
missing values in the vectorised calculators; the data-quality lists."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import config
from helpers.cli import main
from helpers.data import load
from helpers.data.vocab import FLAGS, MARKS, STATUSES
from helpers.exceptions import YibaoError
from helpers.report import legend, source_list, status_counts
from helpers.report.quality import focus_codes
from helpers.resolution import general_statements, history, resolve
from helpers.rules import (
    family_binding,
    family_bindings,
    household_premiums,
    lapse,
    lapses,
    resident_premiums,
)

STATUS_DATA = Path(__file__).parent / "fixtures" / "status_data"
AS_OF = "2026-12-01"


@pytest.fixture(scope="module")
def sds():
    return load(STATUS_DATA)


@pytest.fixture(scope="module")
def sr(sds):
    return resolve(sds, "济南", as_of=AS_OF).set_index("parameter")


def test_one_value_of_each_status(sr):
    def flags(p):
        return (sr.at[p, "status"], *[bool(sr.at[p, f]) for f in FLAGS])

    own = (7, ("own", False, False, False, False, False))
    assert (sr.at["status.own", "value"], flags("status.own")) == own
    assert sr.at["status.own", "support"] == 2  # its own source and an `also` citation
    assert flags("status.inherited")[0] == "inherited-national"
    assert sr.at["status.unverified", "value"] == 10 and sr.at["status.unverified", "status"] == "unverified"
    assert sr.at["status.unverified", "support"] == 0
    assert sr.at["status.unattributed", "status"] == "unknown"  # never inherited from national
    assert sr.at["status.conflict", "conflict"] and sr.at["status.conflict", "values"] == [3, 4]
    assert sr.at["status.stale_period", "stale"]  # its period ended in 2024
    assert sr.at["status.superseded", "value"] == 9 and sr.at["status.superseded", "superseded"]
    assert [c.value for c in sr.at["status.superseded", "decision"].superseded] == [1]
    assert sr.at["status.undated", "undated"] and not sr.at["status.undated", "stale"]
    assert sr.at["status.unknown", "status"] == "unknown"


def test_period_in_force_is_never_stale_by_age(sds):
    r = resolve(sds, "济南", as_of="2031-01-01").set_index("parameter")
    assert not r.at["status.own", "stale"]  # from 2025-01-01, open-ended: in force
    assert r.at["status.conflict", "stale"]  # no period, sources from 2025 are over 2 years old


def test_superseded_value_stays_on_record(sds):
    h = history(sds, "济南", "status.superseded", on=AS_OF)
    assert list(h["value"]) == [1, 9] and list(h["shown"]) == [False, True]
    assert str(h.at[0, "to"]) == "2025-07-01"
    before = resolve(sds, "济南", as_of="2025-06-01").set_index("parameter")
    assert before.at["status.superseded", "value"] == 1  # the later rule is not in force yet


def test_unattributed_statements_are_listed_not_used(sds):
    g = general_statements(sds)
    assert list(g["claim"]) == ["general-unattributed"]
    national = resolve(sds, "全国", as_of=AS_OF).set_index("parameter")
    assert national.at["status.unattributed", "status"] == "unknown"


def test_legend_prints_the_threshold_and_every_mark(sds):
    text = legend(sds.labels, 3)
    assert "3 年 years" in text
    for key in [*STATUSES, *FLAGS]:
        if MARKS[key]:
            assert f"<b>{MARKS[key]}</b>" in text


@pytest.mark.render
def test_fixture_renders_each_mark_and_its_legend(tmp_path):
    from helpers.build.render import render

    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    shutil.copy(config.NOTEBOOKS_DIR / "01-compare-cities.ipynb", nbs)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "catalog.yaml").write_text(
        "reports:\n  - name: statuses\n    title: statuses\n    notebook: 01-compare-cities.ipynb\n"
        f"    parameters: {{cities: '济南', year: 0, topics: binding, as_of: '{AS_OF}'}}\n",
        encoding="utf-8",
    )
    res = render(
        reports_dir=tmp_path / "reports",
        catalog=tmp_path / "reports" / "catalog.yaml",
        notebooks_dir=nbs,
        data_dir=STATUS_DATA,
        progress=False,
    )
    assert [r["status"] for r in res] == ["rendered"], res
    html = (tmp_path / "reports" / "html" / "statuses.html").read_text(encoding="utf-8")
    legend_html = re.search(r"<p class=.yb-legend.>.*?</p>", html, re.S).group(0)
    cells = re.findall(
        r"<tr><th scope=.row.>([^<]+)<br/?><small[^>]*>status (\w+)</small></th><td[^>]*>(.*?)</td></tr>",
        html,
    )
    by = {name: re.sub(r"<[^>]+>", "", cell) for _zh, name, cell in cells}  # the cell's text
    assert by["own"].startswith("7") and "(2 源)" in by["own"]
    assert "↑国" in by["inherited"]
    assert "未核实" in by["unverified"] and "线索 lead" in by["unverified"]
    assert "未知" in by["unattributed"] and "未知" in by["unknown"]
    assert "3 人 / 4 人" in by["conflict"] and "⚠" in by["conflict"]
    assert "旧" in by["stale_period"]
    assert "已更新" in by["superseded"] and "此前 earlier: 1" in by["superseded"]
    assert "无日期" in by["undated"]
    for key in ("inherited-national", "unverified", "unknown", "conflict", "superseded", "stale", "undated"):
        assert f"<b>{MARKS[key]}</b>" in legend_html, key
    assert "2 年 years" in legend_html
    assert "各地一般规定" in html  # the general statement is listed in its own section
    assert "核对 checked 2026-11-25" in html


# ---------------------------------------------------------------- resident lapse: one question, one answer


def test_qingdao_two_lapsed_years_same_through_api_and_cli(real, capsys):
    api = lapse(real, "青岛", "resident", gap_months=24)
    assert (api["waiting_min"], api["waiting_max"]) == (4, 4)
    for args in (["--gap-months", "24"], ["--lapsed-years", "2"]):
        assert main(["lapse", "--city", "青岛", "--scheme", "resident", *args, "--format", "csv"]) == 0
        out = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
        assert (out.at[0, "waiting_min"], out.at[0, "waiting_max"]) == (4, 4)
    assert main(["lapse", "--city", "青岛", "--scheme", "resident", "--gap-months", "5"]) == 2
    assert "give --lapsed-years instead" in capsys.readouterr().err


@pytest.mark.render
def test_qingdao_notebook_03_gives_the_same_answer(tmp_path):
    from helpers.build.render import render

    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    shutil.copy(config.NOTEBOOKS_DIR / "03-lapse-scenarios.ipynb", nbs)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "catalog.yaml").write_text(
        "reports:\n  - name: qd\n    title: qd\n    notebook: 03-lapse-scenarios.ipynb\n"
        "    parameters: {cities: '青岛', scheme: resident, max_gap: 24, year: 0}\n",
        encoding="utf-8",
    )
    res = render(
        reports_dir=tmp_path / "reports",
        catalog=tmp_path / "reports" / "catalog.yaml",
        notebooks_dir=nbs,
        progress=False,
    )
    assert [r["status"] for r in res] == ["rendered"], res
    html_dir = tmp_path / "reports" / "html"
    gaps = pd.read_csv(next(html_dir.glob("qd*gaps*.csv")), encoding="utf-8-sig")
    years = pd.read_csv(next(html_dir.glob("qd*resident-years*.csv")), encoding="utf-8-sig")
    g24 = gaps[gaps["gap_months"] == 24].iloc[0]  # the grid's gaps are back-paid
    y2 = years[(years["lapsed_years"] == 2) & years["back_paid"]].iloc[0]
    api = lapse(load(), "青岛", "resident", lapsed_years=2, back_paid=True)
    assert (g24["waiting_min"], g24["waiting_max"]) == (y2["waiting_min"], y2["waiting_max"]) == (3, 4)
    assert (api["waiting_min"], api["waiting_max"]) == (3, 4)


# ---------------------------------------------------------------- missing values in vectorised calculators

SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
MISSING = st.sampled_from([None, float("nan"), pd.NA])


def _same(a, b) -> bool:
    if a is None or (not isinstance(a, list | str) and pd.isna(a)):
        return b is None or (not isinstance(b, list | str) and pd.isna(b))
    return a == b


def test_missing_student_is_not_a_student(real):
    df = pd.DataFrame([{"city": "泰安", "age": 40, "student": True}, {"city": "泰安", "age": 40}])
    v = household_premiums(real, df)
    assert v.at[0, "category"] == "student" and pd.isna(v.at[1, "category"])
    assert v.at[1, "pays_lo"] == resident_premiums(real, "泰安", [{"age": 40}]).at[0, "pays_lo"]


def test_missing_back_paid_means_not_back_paid(real):
    df = pd.DataFrame(
        [
            {"city": "武汉", "scheme": "flexible", "gap_months": 5, "back_paid": True},
            {"city": "武汉", "scheme": "flexible", "gap_months": 5},
        ]
    )
    v = lapses(real, df)
    ref = lapse(real, "武汉", "flexible", gap_months=5)
    paid = lapse(real, "武汉", "flexible", gap_months=5, back_paid=True)
    assert ref["gap_covered"] != paid["gap_covered"]  # the example tells the two apart
    assert (v.at[1, "waiting_min"], v.at[1, "gap_covered"]) == (ref["waiting_min"], ref["gap_covered"])


def test_a_non_boolean_is_refused_naming_the_column(real):
    with pytest.raises(YibaoError, match=r"scenarios\['student'\]: holds 'yes'"):
        household_premiums(real, pd.DataFrame([{"city": "泰安", "age": 40, "student": "yes"}]))


@SETTINGS
@given(data=st.data())
def test_household_premiums_with_missing_values_match_reference(real, data):
    rows = data.draw(
        st.lists(
            st.fixed_dictionaries(
                {"city": st.sampled_from(["济南", "泰安"]), "age": st.integers(0, 90)},
                optional={
                    "student": st.one_of(st.booleans(), MISSING),
                    "group": st.one_of(st.sampled_from(["orphan", "minor"]), MISSING),
                },
            ),
            min_size=2,
            max_size=12,
        )
    )
    vec = household_premiums(real, pd.DataFrame(rows))
    for i, s in enumerate(rows):
        ref = resident_premiums(real, s["city"], [{k: v for k, v in s.items() if k != "city"}]).iloc[0]
        for col in ("category", "pays_lo", "pays_hi", "rule", "unverified"):
            assert _same(vec.at[i, col], ref[col]), (s, col, vec.at[i, col], ref[col])


@SETTINGS
@given(data=st.data())
def test_lapses_with_missing_back_paid_match_reference(real, data):
    rows = data.draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "city": st.sampled_from(["泰安", "北京", "青岛"]),
                    "scheme": st.sampled_from(["employee", "flexible"]),
                    "gap_months": st.integers(0, 14),
                },
                optional={"back_paid": st.one_of(st.booleans(), MISSING)},
            ),
            min_size=2,
            max_size=12,
        )
    )
    vec = lapses(real, pd.DataFrame(rows))
    for i, s in enumerate(rows):
        bp = s.get("back_paid")
        ref = lapse(real, s["city"], s["scheme"], gap_months=s["gap_months"], back_paid=bp is True)
        for col in ("waiting_min", "waiting_max", "gap_covered", "conflict", "unverified", "claims"):
            assert _same(vec.at[i, col], ref[col]), (s, col)


@SETTINGS
@given(data=st.data())
def test_family_bindings_with_missing_values_match_reference(real, data):
    rel = st.fixed_dictionaries(
        {"relation": st.sampled_from(["spouse", "child", "sibling"]), "age": st.integers(0, 90)},
        optional={
            "already_bound": st.one_of(st.booleans(), MISSING),
            "student": st.one_of(st.booleans(), MISSING),
        },
    )
    households = data.draw(
        st.lists(
            st.tuples(st.sampled_from(["济南", "泰安"]), st.lists(rel, min_size=1, max_size=4)),
            min_size=1,
            max_size=3,
        )
    )
    frame = pd.DataFrame(
        [{**r, "city": c, "household": h} for h, (c, rels) in enumerate(households) for r in rels]
    )
    vec = family_bindings(real, frame)
    i = 0
    for city, rels in households:
        clean = [
            {k: (v if v is True or v is False or k in ("relation", "age") else False) for k, v in r.items()}
            for r in rels
        ]
        ref = family_binding(real, city, clean)
        for j in range(len(rels)):
            for col in ("can_bind", "reason", "premium_lo", "premium_hi"):
                assert _same(vec.at[i, col], ref.at[j, col]), (city, rels, j, col)
            i += 1


# ---------------------------------------------------------------- data-quality lists


def test_source_list_has_kind_basis_and_checked_for_every_source(real):
    s = source_list(real)
    assert len(s) == len(real.sources) and s["kind_basis"].notna().all() and s["checked"].notna().all()


def test_status_counts_cover_every_status(real):
    c = status_counts(real, as_of=AS_OF)
    assert set(c.loc[c["what"] == "status", "name"]) == set(STATUSES)
    assert c.loc[c["what"] == "status", "values"].sum() == len(resolve(real, focus_codes(real), as_of=AS_OF))


def test_profile_sections_list_unverified_and_superseded_values(sds, sr):
    from helpers.report import Footnotes, unverified_values, value_history

    r = sr.reset_index()
    unv = unverified_values(sds, r, Footnotes(sds)).to_html()
    assert "(1)" in unv and "10" in unv and "[1]" in unv  # the value and its lead's footnote
    hist = value_history(sds, r, Footnotes(sds)).to_html()
    shown, replaced = r"9 人<sup.*?2025-07-01.*?现行 shown", r"1 人<sup.*?2025-03-01.*?已被取代 superseded"
    assert re.search(f"{shown}.*?{replaced}", hist)
