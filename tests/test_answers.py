"""Question-first answers (helpers.report.answers, answer_page): what a reader is told equals what
the resolver shows on every other page; unknown stays unknown; HTML only through the template."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import GOOD

from helpers.data import load
from helpers.exceptions import InputError
from helpers.report import answers as a
from helpers.report.answer_page import answer_html, answer_section
from helpers.report.fmt import value_text
from helpers.resolution import resolve

CITIES = ["370100", "370200", "370900"]  # 济南 (own value), 青岛 (no claim), 泰安 (two sources disagree)


@pytest.fixture(scope="module")
def ds():
    return load(GOOD)


def _shown(ds, code, parameter, conditions, year):
    r = resolve(ds, [code], year=year)
    x = r[(r["city"] == code) & (r["parameter"] == parameter) & (r["conditions"] == conditions)].iloc[0]
    if x["status"] == "unknown":
        return a.UNKNOWN
    vals = x["values"] if x["conflict"] else [x["value"]]
    return " / ".join(value_text(v, x["type"], ds.labels, x["unit"]) for v in vals)


def test_binding_answer_says_what_the_resolver_shows_and_whether_to_quote(ds):
    ans = a.binding(ds, CITIES, 2025)
    rows = {r.place: r for r in ans.groups[0].rows}
    for code, name in zip(CITIES, ["济南市", "青岛市", "泰安市"], strict=True):
        assert rows[name].cells[0].value == _shown(ds, code, "family_account.max_relatives", "", 2025)
    assert rows["青岛市"].cells[0].value == a.UNKNOWN and not rows["青岛市"].sources
    taian = rows["泰安市"].cells[0]
    assert "/" in taian.value and any("⚠" in m for m in taian.marks)  # both values, the conflict mark
    assert "泰安市 " + taian.value + "(引用前请核实:来源不一)" in ans.lead_zh
    assert "济南市 7 人(可以连同来源引用)" in ans.lead_zh and "quotable with its source" in ans.lead_en
    assert all(r.cells[0].marks for r in rows.values())  # an own value is named too ("本地 own")


def test_premium_answer_has_both_years_in_one_table(ds):
    ans = a.premium(ds, CITIES, [2025, 2024])
    assert ans.years == [2025, 2024] and len(ans.groups) == 1
    for row in ans.groups[0].rows:
        assert [c.year for c in row.cells] == [2025, 2024]
    taian = next(r for r in ans.groups[0].rows if r.place == "泰安市" and r.what == "第1档")
    assert [c.value for c in taian.cells] == [
        _shown(ds, "370900", "resident.premium", "tier=1", 2025),
        _shown(ds, "370900", "resident.premium", "tier=1", 2024),
    ]
    assert taian.cells[1].value == a.UNKNOWN  # the 2025 claim never stands for 2024
    assert "2024 年度 0 地有数值" in ans.lead_zh


def test_lapse_answer_never_invents_the_amount(ds):
    ans = a.lapse_answer(ds, ["370900"], 2025, gap_months=6)
    by_what = {r.what: r.cells[0] for r in ans.groups[0].rows}
    amount = [c for w, c in by_what.items() if "补缴金额" in w]
    assert len(amount) == 2 and all(c.value == a.UNKNOWN for c in amount)  # flexible and employee
    wait = by_what["灵活就业 flexible worker:续缴后等待期 months until benefits resume"]
    from helpers.rules import lapse

    res = lapse(ds, "370900", "flexible", gap_months=6, back_paid=True, year=2025)
    assert wait.value == f"{res['waiting_min']} 个月" and wait.marks


def test_employer_cost_compares_one_basis_and_lists_the_rest_apart(ds):
    ans = a.employer_cost(ds, CITIES, 2025)
    main = ans.groups[0]
    assert main.title.startswith("单位费率(含生育保险)") and not main.apart
    taian = next(r for r in main.rows if r.place == "泰安市")
    assert taian.cells[0].value == _shown(ds, "370900", "employee.rate.employer", "scheme=employee", 2025)
    assert ans.groups[-1].apart and all(r.reason for r in ans.groups[-1].rows)


def test_cross_province_gives_one_answer_per_place(ds):
    ans = a.cross_province(ds, CITIES, 2025)
    national, places = ans.groups
    assert [r.place for r in places.rows] == ["济南市", "青岛市", "泰安市"]
    for code, row in zip(CITIES, places.rows, strict=True):
        assert row.cells[0].value == _shown(ds, code, "family_account.scope", "", 2025)
    assert national.rows[0].cells[0].value == _shown(ds, "000000", "family_account.scope", "", 2025)


def test_every_answer_page_leads_with_a_sentence_and_ends_with_the_confirm_line(ds):
    for q in a.QUESTIONS:
        html = answer_section(ds, q, CITIES, 2025).to_html()
        assert html.index("yb-lead") < html.index("<table") < html.index(a.CONFIRM)
        assert "2025 年度" in html and "yb-marks" in html


def test_text_from_data_is_escaped_by_the_template(ds):
    ans = a.binding(ds, CITIES, 2025)
    ans.lead_zh = "<script>alert(1)</script>"
    ans.groups[0].rows[0].sources = [
        a.SourceRef("<img src=x>", "p", "2025-01-01", "k", "https://e.org/?a=1&b=2")
    ]
    html = answer_html(ans)
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert "https://e.org/?a=1&amp;b=2" in html


def test_question_names_and_benefit_years():
    assert a.benefit_years(dt.date(2026, 12, 7)) == (2026, 2025)
    assert a.question(" premium ") == "premium"
    with pytest.raises(InputError, match=r"^question: unknown question 'binds' — pick one of binding"):
        a.question("binds")


def test_front_page_lists_the_question_pages_first_and_what_changed_last(tmp_path):
    from pathlib import Path

    from helpers.build.catalog import Entry
    from helpers.build.index import questions, write_index

    (tmp_path / "html").mkdir()
    q = Entry("q-binding", "亲属 <b>几位</b>", Path("08-question.ipynb"), {"question": "binding"})
    later = Entry("q-premium", "缴费", Path("08-question.ipynb"), {"question": "premium"})  # not rendered
    changed = Entry("what-changed", "变化", Path("07-what-changed.ipynb"))
    for e in (q, changed):
        (tmp_path / "html" / f"{e.name}.html").write_text("x", encoding="utf-8")
    assert questions(tmp_path, [changed]) == ""  # no question page: no section
    write_index(tmp_path, [changed, q, later], {}, {})
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    section = page[
        page.index("常见问题 Questions") : page.index("</section>", page.index("常见问题 Questions"))
    ]
    assert (
        '<a class="yb-q" href="html/q-binding.html#answer-binding">亲属 &lt;b&gt;几位&lt;/b&gt;</a>'
        in section
    )
    assert "缴费 — 尚未生成 not rendered" in section
    assert section.index("q-binding") < section.index("html/what-changed.html#digest")
