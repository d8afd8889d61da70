"""Reader-facing formatting: labels instead of codes, reasons in words, notes that name their locator."""

from __future__ import annotations

import re

import helpers as h
from helpers.report import Footnotes
from helpers.report.fmt import reason_text, value_text
from helpers.report.profile import profile_topic
from helpers.report.sections import comparison_html


def test_values_show_units_and_labels_never_codes(real):
    assert value_text(0.08, "rate") == "8 %"
    assert value_text(3.0, "ratio") == "300 %"
    assert value_text(7, "int", real.labels, "persons") == "7 人"
    assert value_text(True, "bool") == "是 yes"
    assert value_text(["spouse", "parent_in_law"], "list", real.labels) == "配偶、配偶父母"
    assert value_text(["taian_yibao_app"], "list", real.labels) == "泰安医保"


def test_calculator_reasons_read_as_words(real):
    text = reason_text(
        "relation does not qualify; limit of 8 reached; sources give a limit of 7 or 8", real.labels
    )
    assert text == "该亲属关系不可绑定;已达上限 8 人;来源给出的上限为 7 或 8 人"
    assert reason_text("qualifies", real.labels) == "符合条件"


def test_notes_name_the_locator_and_link_both_ways(real):
    notes = Footnotes(real)
    claim = real.claims.set_index("claim_id").loc["jinan-family-max-relatives"]
    marker = notes.ref_claim("jinan-family-max-relatives")
    again = notes.ref_claim("jinan-family-max-relatives")
    assert "href='#fn1-1'" in marker and "id='fr1-1'" in marker and "id='fr1-2'" in again
    listing = notes.html()
    assert "<li id='fn1'>" in listing and "href='#fr1-1'" in listing and "href='#fr1-2'" in listing
    assert "id='fn1-1'" in listing and "id='fn1-2'" in listing  # each use's own back-link
    assert f"位置 locator: {claim['locator']}" in listing
    assert "无公开链接 no public URL" in listing  # the seed page has no URL
    # two excerpts of one page are two notes, each naming its excerpt
    other = real.claims[
        (real.claims["source"] == claim["source"])
        & (real.claims["locator"] != claim["locator"])
        & real.claims["also"].map(lambda a: not a)
    ]
    before = listing.count("<li id=")
    notes.ref_claim(other.iloc[0]["claim_id"])
    assert notes.html().count("<li id=") == before + 1
    assert f"位置 locator: {other.iloc[0]['locator']}" in notes.html()


def test_one_cell_cites_each_note_once(real):
    notes = Footnotes(real)
    text = notes.cite(["jinan-family-max-relatives", "jinan-family-max-relatives"])
    assert text.count("[1]") == 1


def test_comparison_folds_rows_that_are_the_same_everywhere(real):
    cities = "济南,青岛,淄博,枣庄"
    r = h.resolve(real, cities, year=2025, topic="binding")
    html = comparison_html(real, r, Footnotes(real))
    assert "所有4地 all:" in html and "colspan='4'" in html
    same = r.groupby(["parameter", "conditions"])["values"].agg(lambda v: v.map(repr).nunique() == 1)
    assert html.count("所有4地 all:") <= int(same.sum())  # (the citation names "所有4地 all 4 places")


def test_profile_cells_carry_the_comparison_marks_and_units(real):
    # Every place/topic the data shows in conflict, with its unit: the profile must keep the ⚠ mark
    # and the unit the comparison prints (no place is assumed to be in conflict).
    everywhere = h.resolve(real, list(real.jurisdictions["code"].astype(str)))
    picked = everywhere[everywhere["conflict"] & everywhere["unit"].notna()]
    picked = picked.drop_duplicates(["city", "topic"])
    assert len(picked), "the real data has no conflicted value with a unit"
    for _, row in picked.head(4).iterrows():
        r = h.resolve(real, row["city"])
        html = profile_topic(real, r, row["topic"], Footnotes(real)).to_html()
        unit = value_text(row["values"][0], row["type"], real.labels, row["unit"])
        assert "⚠" in html and unit in html, (row["city_zh"], row["parameter"], unit)
        for pid in r["parameter"]:
            assert not re.search(rf"(?<![\w.]){re.escape(pid)}(?!\w)", html)


def test_a_section_with_a_table_carries_its_own_scroll_box_and_sticky_first_column(real):
    """In JupyterLab the report stylesheet is absent: the section's own scoped rules do the work."""
    from helpers.report.content import SCOPED_CSS

    r = h.resolve(real, "山东全省", year=2025, topic="binding")
    s = h.report.comparison(real, r, "binding", h.report.Footnotes(real))
    html = s._repr_html_()
    assert html.startswith("<section class='yb-section'>" + SCOPED_CSS)
    assert "@media screen{" in SCOPED_CSS  # print keeps the page stylesheet's rules
    for rule in ("overflow:auto", "position:sticky;left:0", "position:sticky;top:0"):
        assert rule in SCOPED_CSS
    assert all(sel.startswith(".yb-section") for sel in SCOPED_CSS.split("{", 1)[1].split("}")[0:1])
    assert SCOPED_CSS not in h.report.Section("no table", ["<p>x</p>"]).to_html()


def test_the_transposed_comparison_has_one_row_per_place(real):
    r = h.resolve(real, "山东全省", year=2025, topic="binding")
    notes = h.report.Footnotes(real)
    wide = h.report.comparison(real, r, "binding", notes)
    long = h.report.comparison(real, r, "binding", notes, transpose=True)
    html = long.to_html()
    body = html.split("<tbody>")[1]
    assert body.count("<tr>") == 16 and body.count("<th scope='row'>") == 16
    assert "<th scope='row'>济南市</th>" in body and "<th scope='col'>地区 place</th>" in html
    n_params = r.groupby(["parameter", "conditions"]).ngroups
    assert html.split("<thead>")[1].split("</thead>")[0].count("<th scope='col'>") == n_params + 1
    assert long.tables["binding"].equals(wide.tables["binding"])


def test_the_comparison_csv_carries_numbers_units_and_the_reader_text_beside_them(real):
    import csv
    import io

    from helpers.report.content import csv_text

    r = h.resolve(real, "济南,泰安", year=2025, topic="contribution")
    t = h.report.comparison(real, r, "contribution", Footnotes(real)).tables["contribution"]
    assert list(t.columns[6:10]) == ["value", "unit", "value_text", "all_values"]
    rows = list(csv.DictReader(io.StringIO(csv_text(t).lstrip("\ufeff"))))
    money = [x for x in rows if x["unit"].startswith("yuan") and x["value"]]
    assert money and all(float(x["value"]) > 0 and x["value_text"].endswith("元") for x in money)
    assert all("元" not in x["value"] and "%" not in x["value"] for x in rows)
    shares = [x for x in rows if x["value_text"].endswith("%")]
    assert shares and all(  # 0.08 beside "8 %"
        abs(float(x["value"]) * 100 - float(x["value_text"].removesuffix(" %"))) < 1e-6 for x in shares
    )
