"""The front page's "常见问题 Questions" in headless Chromium: every question entry opens, in one
click, a page that answers it — a year, a value or "未知 unknown", marks and a source link — and
the what-changed digest reads on a phone. Renders only the question pages and what-changed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_browser import ENTRIES, browser, open_page  # noqa: F401 - `browser` is a fixture

from helpers.build.render import render

pytestmark = [pytest.mark.browser, pytest.mark.render]  # the site fixture renders six reports
QUESTION_PAGES = [
    e for e in ENTRIES if Path(str(e.notebook)).name in ("08-question.ipynb", "07-what-changed.ipynb")
]
#: Most clicks from the front page to an answer (the issue's bar).
MAX_CLICKS = 2
#: A phone-sized page this tall is no longer readable (what-changed was 114,590 px before the digest).
MAX_PHONE_HEIGHT = 30_000


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    reports = tmp_path_factory.mktemp("qsite") / "reports"
    results = render(only=[e.name for e in QUESTION_PAGES], reports_dir=reports, progress=False)
    assert [r["name"] for r in results if r["status"] == "failed"] == [], results
    return reports


def _answer_checks(target, what: str) -> None:
    """The answer block states a year, values (or 未知 unknown), marks and a source link."""
    text = target.inner_text()  # what shows (folded parts are checked by their text content below)
    assert re.search(r"20\d\d 年度", text), f"{what}: no year"
    values = [
        " ".join(v.split()) for v in target.locator(".yb-value, .yb-digest-list li").all_text_contents()
    ]
    assert values and all(values), f"{what}: an empty value"
    # each value is stated, or says 未知 unknown in both languages — never a bare dash or blank
    bare = [v for v in values if not v.strip("—– ") or ("未知" in v and "未知 unknown" not in v)]
    assert bare == [], f"{what}: values neither stated nor 未知 unknown: {bare[:3]}"
    marks = [m.split(":", 1)[-1].strip() for m in target.locator(".yb-marks").all_text_contents()]
    assert marks and all(marks), f"{what}: a value without marks"
    assert target.locator("a.yb-src[href^='http']").count() >= 1, f"{what}: no source link"


@pytest.mark.parametrize("width", (1280, 390))
def test_every_question_is_answered_within_two_clicks(site, browser, width):  # noqa: F811
    index = (site / "index.html").as_uri()
    page = open_page(browser, index, width)
    entries = page.locator("section.yb-questions a.yb-q")
    n = entries.count()
    assert n == len(QUESTION_PAGES), "every question page of the catalogue is on the front page"
    for i in range(n):
        page.goto(index)
        link = page.locator("section.yb-questions a.yb-q").nth(i)
        title = link.inner_text()
        clicks = 0
        link.click()
        clicks += 1
        page.wait_for_load_state("load")
        fragment = page.url.split("#", 1)[1]
        target = page.locator(f"#{fragment}")
        assert clicks <= MAX_CLICKS and target.count() == 1, title
        assert target.is_visible()
        _answer_checks(target, title)
        if fragment.startswith("answer-"):
            assert (
                "请向当地医保部门或 12393 核实 — confirm with the local bureau or 12393"
                in target.inner_text()
            )
            leads = target.locator("p.yb-lead").all_inner_texts()
            assert (
                len(leads) == 2
                and re.search(r"[\u4e00-\u9fff]", leads[0])
                and re.search(r"[A-Za-z]{3}", leads[1])
            )
        assert page.errors == [] and page.external == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        dangling = page.eval_on_selector_all(
            "a[href^='#']", "as => as.filter(a => !document.getElementById(a.hash.slice(1))).length"
        )
        assert dangling == 0, title


def test_what_changed_reads_on_a_phone(site, browser):  # noqa: F811
    page = open_page(browser, (site / "html" / "what-changed.html").as_uri(), 390)
    digest = page.locator("#digest")
    assert digest.count() == 1
    # the digest comes before the detail, and the detail is folded by place
    order = page.evaluate(
        "[document.getElementById('digest').getBoundingClientRect().top,"
        " document.querySelector('details[id^=changes-]')?.getBoundingClientRect().top ?? -1]"
    )
    assert 0 <= order[0] < order[1]
    assert page.evaluate("document.documentElement.scrollHeight") < MAX_PHONE_HEIGHT
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot = Path(site) / "what-changed-390.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
