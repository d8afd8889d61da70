"""Cite this value and one vocabulary of marks (issue 26): stable anchors, citations that name the
value shown, and the glossary listing every mark a page prints. Unit level: sections are built in
process, no notebook runs (the browser test checks the rendered pages)."""

from __future__ import annotations

import re

import pytest

import helpers as h
from helpers.report import marks as vocab
from helpers.report.markup import Footnotes, slug
from helpers.report.sections import comparison_html

CELL = re.compile(r"<td id='(v-[^']+)'[^>]*>(.*?)</td>", re.S)
CITE = re.compile(r"<details><summary>引用</summary>(.*?)</details>", re.S)


def _page(ds, cities: str, year=2025) -> str:
    r = h.resolve(ds, cities, year=year, as_of="2026-12-01")
    notes = Footnotes(ds)
    return "".join(
        comparison_html(ds, r[r["topic"] == t], notes) for t in ("binding", "contribution", "lapse")
    )


def _text(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment)


@pytest.fixture(scope="module")
def page(real):
    return _page(real, "济南,泰安,青岛,北京")


def test_anchors_are_identical_across_two_renders(real, page):
    again = _page(real, "济南,泰安,青岛,北京")
    ids = re.findall(r" id='(v-[^']+)'", page)
    assert ids and ids == re.findall(r" id='(v-[^']+)'", again)
    assert len(ids) == len(set(ids))  # unique on the page
    assert all(re.fullmatch(r"v-[a-z0-9-]+", i) for i in ids)  # ASCII-safe
    # the anchor spells place, parameter, conditions and year
    assert "v-jinan-family-account-max-relatives-2025" in ids
    assert any(i.startswith("v-tai-an-resident-premium-") and i.endswith("-2025") for i in ids)


def test_anchor_names_place_parameter_conditions_and_year(real):
    notes = Footnotes(real)
    a = notes.anchor("370900", "resident.premium", "scheme=resident;tier=1", 2026)
    assert a == "v-tai-an-resident-premium-scheme-resident-tier-1-2026"
    assert notes.anchor("370900", "resident.premium", "scheme=resident;tier=1", 2026) == a + "-2"
    assert notes.anchor("000000", "x.y", "", None) == "v-national-x-y-latest"
    assert slug("Tai'an <b>") == "tai-an-b"


def test_each_citation_names_the_value_shown_its_place_year_and_source(real, page):
    cells = CELL.findall(page)
    assert len(cells) > 20
    names = {"jinan": "济南市", "tai-an": "泰安市", "qingdao": "青岛市", "beijing": "北京市"}
    for anchor, cell in cells:
        cite = CITE.search(cell)
        assert cite, anchor  # every value cell has a citation
        shown = _text(cell[: cell.index("<details")]).strip()
        value = re.split(r"\[\d+\]| ", shown)[0]  # the value as printed, before its footnotes and marks
        text = cite.group(1)
        assert value and value in text, (anchor, value, text)
        for place_slug, name in names.items():  # the anchor's place is the place the text names
            if anchor.startswith(f"v-{place_slug}-"):
                assert text.startswith(name), (anchor, text)
        assert "2025年" in text and "。《" in text and text.endswith("#" + anchor)
        assert "<!--page-->#" + anchor in text  # the renderer puts the page's address there


def test_folded_rows_keep_an_anchor_for_every_place(real):
    r = h.resolve(real, "济南,青岛,淄博,枣庄", year=2025, topic="binding")
    html = comparison_html(real, r, Footnotes(real))
    folded = re.findall(r"<td colspan='4' class='folded[^']*'>(.*?)</td>", html, re.S)
    known = [f for f in folded if "<details>" in f]
    assert known
    for f in known:
        assert len(re.findall(r"<span id='v-", f)) == 4


def test_marks_on_pages_are_the_glossary_marks(real):
    """Every mark a report section prints (class m, from report.marks) is listed by
    `yibao glossary --section mark`, and every status and flag mark has its glossary entry."""
    ds = real
    notes = Footnotes(ds)
    r = h.resolve(ds, "山东全省", year=2025, as_of="2026-12-01")
    parts = [comparison_html(ds, r[r["topic"] == t], notes) for t in ("binding", "contribution", "lapse")]
    rp = h.resolve(ds, "泰安", year=2025)
    parts += [h.report.profile_topic(ds, rp, t, notes).to_html() for t in ds.topics]
    res = h.lapses(ds, h.report.lapse_grid(ds, "济南,泰安,青岛", "employee", 12))
    parts.append(h.report.lapse_gaps(ds, res, notes).to_html())
    rel = [{"relation": "配偶"}, {"relation": "父母", "age": 66}, {"relation": "兄弟姐妹", "place": "110000"}]
    parts.append(h.report.family_section(ds, "济南,泰安", rel, 1, 2025, notes).to_html())
    found = {re.sub(r"\d+", "n", m) for m in re.findall(r"<span class=m>(.*?)</span>", "".join(parts))}
    terms = set(h.glossary(ds, section="mark")["term"])
    assert found and found <= terms, found - terms
    for key in [*h.data.vocab.STATUSES, *h.data.vocab.FLAGS]:
        sym = vocab.LOOKS[key].symbol
        assert not sym or any(t.startswith(sym) for t in terms), key
    # the page shows most of them: this test would see a mark printed outside the vocabulary
    assert {"↑国", "⚠", "旧", "(n 源)", "— 未知"} <= found


def test_one_look_per_status_and_flag():
    """Colour, hatch, class and word are defined once (report.marks) and the chart reads them."""
    from helpers.report import plots

    assert set(vocab.LOOKS) == {*h.data.vocab.STATUSES, *h.data.vocab.FLAGS}
    assert not hasattr(plots, "STYLE") and not hasattr(plots, "STATUS_TEXT")
    assert vocab.chart_word("inherited-province") == "↑省 province"
    assert (
        vocab.cell_class("inherited-national", {"conflict": True, "stale": True})
        == "conflict stale inherited"
    )
