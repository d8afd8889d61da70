"""Every data field that reaches report HTML or CSV is escaped (unit level, no notebook run).

A hostile copy of the fixture data puts a distinct tag into each free-text field; each section
function must show the field escaped (so the field really reaches the page) and never raw.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil

import pandas as pd
import pytest
import yaml
from conftest import GOOD

from helpers.data import load
from helpers.report import evidence, profile, sections
from helpers.report.content import Section, csv_cell, csv_text, figure_html
from helpers.report.markup import Footnotes, esc, frame_table, safe_url, scroll_box, table
from helpers.resolution import resolve

FIELDS = ("title", "publisher", "basis", "locator", "city", "label", "relation", "url", "sourcenote")


def tag(field: str) -> str:
    return f"<x-{field} a='1'>"


def escaped(field: str) -> str:
    return f"&lt;x-{field} a=&#39;1&#39;&gt;"  # markupsafe's escaping, as the templates do


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(GOOD, data)
    src = yaml.safe_load((data / "sources.yaml").read_text(encoding="utf-8"))
    src[0]["title"] += tag("title")
    src[0]["publisher"] += tag("publisher")
    src[0]["kind_basis"] += tag("basis")
    src[1]["url"] = "javascript:alert(1)//" + tag("url")
    src[2]["note"] = tag("sourcenote")
    (data / "sources.yaml").write_text(yaml.safe_dump(src, allow_unicode=True), encoding="utf-8")
    pol = data / "policies" / "370900-taian.yaml"
    pol.write_text(pol.read_text(encoding="utf-8").replace("locator: limits", f'locator: "{tag("locator")}"'))
    jur = data / "jurisdictions.csv"
    jur.write_text(jur.read_text(encoding="utf-8").replace("泰安市", f"泰安市{tag('city')}"), "utf-8")
    par = data / "parameters.yaml"
    text = par.read_text(encoding="utf-8")
    text = text.replace("label_zh: 最多可绑定近亲属人数", f'label_zh: "最多{tag("label")}"')
    text = text.replace("spouse: {zh: 配偶,", f'spouse: {{zh: "配偶{tag("relation")}",')
    par.write_text(text, encoding="utf-8")
    return load(data)


def pages(ds) -> dict[str, str]:
    notes = Footnotes(ds)
    r = resolve(ds, "济南,taian", year=2025, as_of="2026-11-25")
    out = {
        "title": sections.title(ds, "对比", "济南,taian", 2025).to_html(),
        "comparison": sections.comparison_html(ds, r, notes),
        "narrative": sections.narrative(ds, r).to_html(),
        "own_claims": profile.own_claims(ds, "taian", notes).to_html(),
        "inherited": profile.inherited(ds, resolve(ds, "taian", year=2025), notes).to_html(),
        "unknowns": profile.unknowns(ds, r).to_html(),
    }
    for sid in ds.sources["id"]:
        notes.ref(sid)
    out["footnotes"] = notes.html()
    out["source_list"] = evidence.sources_section(ds).to_html()  # the data-quality list of sources
    return out


# field → the section(s) where it must appear, escaped
SHOWN = {
    "title": ["footnotes", "source_list"],
    "publisher": ["footnotes"],
    "basis": ["source_list"],
    "url": ["footnotes"],
    "locator": ["own_claims"],
    "city": ["title", "comparison", "narrative"],
    "label": ["comparison", "narrative"],
}


def test_every_field_is_escaped_where_it_is_shown(hostile):
    got = pages(hostile)
    for name, html in got.items():
        for field in FIELDS:
            assert tag(field) not in html, (name, field)
        assert "<x-" not in html, name
    for field, where in SHOWN.items():
        for name in where:
            assert escaped(field) in got[name], (field, name)


def test_a_non_http_url_is_never_linked(hostile):
    html = pages(hostile)["footnotes"]
    assert "href='javascript" not in html and "link not shown: javascript:alert(1)//" in html
    assert "<a class='yb-url' href='https://example.gov.cn/a'>" in html


def test_list_labels_are_escaped_in_the_comparison(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    par = data / "parameters.yaml"
    hostile_label = f'spouse: {{zh: "配偶{tag("relation")}",'
    par.write_text(par.read_text(encoding="utf-8").replace("spouse: {zh: 配偶,", hostile_label), "utf-8")
    pol = data / "policies" / "370100-jinan.yaml"
    pol.write_text(
        pol.read_text(encoding="utf-8")
        + "  - {id: jn-rel, parameter: family_account.relations, value: [spouse], source: off-a,"
        + " locator: x}\n",
        encoding="utf-8",
    )
    ds = load(data)
    html = sections.comparison_html(ds, resolve(ds, "济南"), Footnotes(ds))
    assert escaped("relation") in html and tag("relation") not in html


def test_table_escapes_header_cells_caption_and_classes():
    html = table(["<h>"], [["<c>&"]], [["x' onclick='y"]], caption="<cap>")
    assert "&lt;h&gt;" in html and "&lt;c&gt;&amp;" in html and "&lt;cap&gt;" in html
    assert "class='x&#39; onclick=&#39;y'" in html
    assert "<h>" not in html and "<c>" not in html and "<cap>" not in html


def test_table_raw_cells_are_the_callers_html():
    html = table(["h", "i"], [["<b>ok</b>", "<i>x</i>"]], raw=True)
    assert "<th scope='row'><b>ok</b></th><td><i>x</i></td>" in html  # first column heads its row


def test_frame_table_escapes_and_shows_missing_as_dash():
    html = frame_table(pd.DataFrame({"<col>": ["<v>", None], "n": [1.0, float("nan")]}))
    assert "&lt;col&gt;" in html and "&lt;v&gt;" in html and "<v>" not in html
    assert len(re.findall(r">—</t[hd]>", html)) == 2


def test_esc_and_safe_url():
    assert esc(None) == "" and esc("a\"b'<>&") == "a&#34;b&#39;&lt;&gt;&amp;" and esc(3) == "3"
    assert safe_url(" https://a.cn/x ") == "https://a.cn/x" and safe_url("HTTP://a.cn") == "HTTP://a.cn"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//a.cn", "ftp://a.cn", None, 3):
        assert safe_url(bad) is None


def test_section_heading_and_chart_alt_text_are_escaped():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    assert Section("<h>", ["<p>x</p>"], level=2).to_html() == (
        "<section class='yb-section'><h2>&lt;h&gt;</h2><p>x</p></section>"
    )
    assert Section("", ["<p>x</p>"]).to_html() == "<section class='yb-section'><p>x</p></section>"
    fig, _ = plt.subplots()
    html = figure_html(fig, "a' onerror='x")
    assert "alt='a&#39; onerror=&#39;x'>" in html and "<img class='yb-chart' src='data:" in html


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("", ""),
        (-1, -1),
        (0.5, 0.5),
        (None, None),
        (["=a", "b"], "'=a, b"),
        (["a", "=b"], "a, =b"),
        (("x", 1), "x, 1"),
    ],
)
def test_csv_cell(value, cell):
    assert csv_cell(value) == cell


def test_csv_text_has_a_bom_and_reads_back():
    df = pd.DataFrame({"城市": ["泰安市", "=cmd"], "values": [[8, 9], []], "n": [1, 2]})
    text = csv_text(df)
    assert text.startswith("\ufeff城市,values,n\n")
    back = pd.read_csv(io.StringIO(text.removeprefix("\ufeff")))
    assert back["城市"].tolist() == ["泰安市", "'=cmd"]
    assert back["values"].fillna("").tolist() == ["8, 9", ""] and back["n"].tolist() == [1, 2]


def test_section_hands_its_tables_as_csv():
    s = Section("h", ["<p/>"], {"t": pd.DataFrame({"a": ["=x"]})})
    bundle = s._repr_mimebundle_()
    assert bundle["text/html"] == s.to_html()
    assert bundle["application/vnd.yibao.tables+json"] == {"t": "\ufeffa\n'=x\n"}
    assert "application/vnd.yibao.tables+json" not in Section("h")._repr_mimebundle_()


def test_footnotes_number_sources_in_order_of_first_use(mini):
    notes = Footnotes(mini)
    assert notes.html() == ""
    first, second, again = notes.ref("agg-a"), notes.ref("off-a"), notes.ref("agg-a")
    # each use links to its own back-link in the note, and that back-link to the use
    assert first == "<sup><a href='#fn1-1' id='fr1-1'>[1]</a></sup>"
    assert second == "<sup><a href='#fn2-1' id='fr2-1'>[2]</a></sup>"
    assert again == "<sup><a href='#fn1-2' id='fr1-2'>[1]</a></sup>"  # same note, its own back-link
    assert notes.ref(None) == notes.ref(float("nan")) == notes.ref("no-such-source") == ""
    assert notes.ref_claim("no-such-claim") == ""
    assert ">[3]</a>" in notes.ref_claim("taian-family-max-relatives-2")  # its source agg-b, first use
    back = "<span class='yb-back' title='返回引用处 back to where it was cited'>{}</span>"
    one = "<a id='fn{0}-{1}' href='#fr{0}-{1}'>↩</a>"
    assert notes.html() == (
        "<h2>来源 Sources</h2><ol class='yb-notes'>"
        "<li id='fn1'><cite>Aggregator page A</cite> · Q&amp;A site · 聚合问答 · 发布 published 2025-03-01 · "
        "核对 checked 2026-11-25 · 无公开链接 no public URL "
        f"{back.format(one.format(1, 1) + one.format(1, 2))}</li>"
        "<li id='fn2'><cite>Official notice A</cite> · Test bureau · 官方 · 发布 published 2025-06-01 · "
        "核对 checked 2026-11-25 · <a class='yb-url' href='https://example.gov.cn/a'>example.gov.cn/a</a>"
        f" {back.format(one.format(2, 1))}</li>"
        "<li id='fn3'><cite>Aggregator page B</cite> · Q&amp;A site · 聚合问答 · "
        "发布 published ≥ 2025-03-05 · 核对 checked 2026-11-25 · 位置 locator: limits · "
        f"无公开链接 no public URL {back.format(one.format(3, 1))}</li></ol>"
    )


def test_frame_table_exact():
    """A list is shown as its items (never Python list syntax); NaN as '—'."""
    html = frame_table(pd.DataFrame({"a": [1, None], "b": [["x"], "y"]}), caption="c")
    assert html == (
        "<div class='yb-scroll' role='region' aria-label='c' tabindex='0'>"
        "<table class='yb'><caption>c</caption>"
        "<thead><tr><th scope='col'>a</th><th scope='col'>b</th></tr></thead><tbody>"
        "<tr><th scope='row'>1.0</th><td>x</td></tr><tr><th scope='row'>—</th><td>y</td></tr>"
        "</tbody></table></div>"
    )


def _jinan_cited_twice(tmp_path):
    """The fixture data with Jinan's relatives limit (claim jinan-family-max-relatives-2) also
    stated by a second page, agg-b, at its own locator."""
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    pol = data / "policies" / "370100-jinan.yaml"
    text = pol.read_text(encoding="utf-8").replace(
        "    source: agg-a\n", "    source: agg-a\n    also: [{source: agg-b, locator: same}]\n", 1
    )
    pol.write_text(text, encoding="utf-8")
    return load(data)


def test_footnotes_cite_every_source_behind_a_claim(tmp_path):
    notes = Footnotes(_jinan_cited_twice(tmp_path))
    refs = notes.ref_claim("jinan-family-max-relatives-2")
    assert refs.count("<sup") == 2 and ">[1]</a>" in refs and ">[2]</a>" in refs
    assert refs.startswith("<sup") and refs.endswith("</sup>") and "</sup><sup" in refs


def test_footnotes_show_a_kind_without_a_label_as_its_code(mini):
    notes = Footnotes(mini)
    notes.ref("off-a")
    notes.ds = dataclasses.replace(mini, labels={})
    assert "Test bureau · official · 发布" in notes.html()


def test_table_with_fewer_classes_than_cells():
    html = table(["a", "b"], [["1", "2"]], [["x"]])
    assert html.endswith("<tr><th scope='row' class='x'>1</th><td>2</td></tr></tbody></table></div>")


def test_section_parts_are_joined_as_they_are():
    s = Section("", ["<p>a</p>", "<p>b</p>"], {"t": pd.DataFrame()})
    assert s.to_html() == "<section class='yb-section'><p>a</p><p>b</p></section>"
    assert repr(s) == "<Section '': 2 parts, tables ['t']>"


def test_chart_is_an_embedded_svg_with_text_and_no_date():
    import base64

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def chart() -> bytes:
        fig, ax = plt.subplots(figsize=(1, 1))
        ax.set_title("济南 <b>")
        html = figure_html(fig, "alt")
        return base64.b64decode(html.split("base64,")[1].split("'")[0])

    svg = chart()
    assert svg.startswith(b"<?xml") and b"<svg" in svg and b"<dc:date>" not in svg
    assert "济南 &lt;b&gt;</text>".encode() in svg  # text stays text, escaped
    assert b"'Noto Sans CJK SC'" in svg  # the simplified-Chinese font stack, not one family
    assert chart() == svg  # same figure, same bytes
    assert not plt.get_fignums()  # the figures were closed


def test_chart_labels_from_data_are_never_drawn_as_maths():
    """A place or source name with two `$` is text, whoever made the figure (plots.figure() or not)."""
    import base64

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(1, 1))  # made with maths parsing on (matplotlib's default)
    ax.set_title("$x^2$ 元")
    ax.set_xlabel(r"$\frac{a}{b}$")
    html = figure_html(fig, "alt")
    svg = base64.b64decode(html.split("base64,")[1].split("'")[0])
    assert "$x^2$ 元</text>".encode() in svg and rb"$\frac{a}{b}$</text>" in svg


def test_tick_labels_made_while_the_chart_is_saved_are_not_maths():
    """A layout engine resizes the axes when the figure is saved; the extra tick labels made then
    read `text.parse_math` at that moment, so figure_html's own setting is what keeps them text."""
    import base64

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    labels = []
    for width in (3.75, 4.0):
        fig, ax = plt.subplots(figsize=(width, 2), layout="constrained")  # maths parsing on
        ax.plot([0, 137], [0, 137])
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(FuncFormatter(lambda x, pos: f"${x:g}$"))
        svg = base64.b64decode(figure_html(fig, "alt").split("base64,")[1].split("'")[0]).decode()
        labels += re.findall(r">([^<>]*)</text>", svg)
    assert labels and all(re.fullmatch(r"\$[0-9.]+\$", t) for t in labels), labels


def test_footnotes_cite_each_page_at_its_own_locator(tmp_path):
    """An `also` page is a note at its own locator (data/README.md: `also: [{source, locator}]`)."""
    notes = Footnotes(_jinan_cited_twice(tmp_path))
    refs = notes.cite(["no-such-claim", "jinan-family-max-relatives-2"])  # an unknown id is skipped
    assert refs.count("<sup") == 2
    notes_html = notes.html()
    assert "Aggregator page A</cite>" in notes_html.split("<li id='fn2'>")[0]
    assert "位置 locator: binding section" in notes_html.split("<li id='fn2'>")[0]
    assert "Aggregator page B</cite>" in notes_html.split("<li id='fn2'>")[1]
    assert "位置 locator: same" in notes_html.split("<li id='fn2'>")[1]


def test_footnotes_a_missing_locator_or_check_date_is_not_shown(mini):
    """A locator or checked date missing from a table (NaN, NaT) is no locator, no checked date."""
    unchecked = dataclasses.replace(mini, sources=mini.sources.assign(checked=pd.NaT), cache={})
    notes = Footnotes(unchecked)
    assert notes.ref("agg-a", float("nan")) == "<sup><a href='#fn1-1' id='fr1-1'>[1]</a></sup>"
    assert notes.ref("agg-a", None) == "<sup><a href='#fn1-2' id='fr1-2'>[1]</a></sup>"  # the same note
    assert notes.html().startswith(
        "<h2>来源 Sources</h2><ol class='yb-notes'><li id='fn1'><cite>Aggregator page A</cite> · Q&amp;A site"
        " · 聚合问答 · 发布 published 2025-03-01 · 无公开链接 no public URL <span class='yb-back'"
    )


def test_citations_are_built_once_per_dataset(mini):
    """Every Footnotes of one dataset shares one claim -> citation map (a page cites thousands)."""
    first, second = Footnotes(mini), Footnotes(mini)
    assert first._cited is second._cited
    assert first._cited["taian-family-max-relatives-2"][0] == "agg-b"


def test_scroll_box_marks_tables_wider_than_three_columns():
    """More than three columns: the `yb-wide` box that shows a swipe cue on narrow screens (yibao.css)."""
    assert scroll_box("<table/>", 3) == (
        "<div class='yb-scroll' role='region' aria-label='表格 table' tabindex='0'><table/></div>"
    )
    assert scroll_box("<table/>", 4, "<城市>") == (
        "<div class='yb-scroll yb-wide' role='region' aria-label='&lt;城市&gt;' tabindex='0'><table/></div>"
    )


def test_table_names_its_region_and_keeps_ready_made_rows():
    """The scroll region is named by the caption, else the first header, else 表格 table. A ready-made
    row is kept only as Markup (a template's output); a plain string row is text, escaped."""
    from markupsafe import Markup

    html = table(["城市 city", "值 value"], [Markup("<tr><td colspan='2'>folded</td></tr>"), ["济南", "<7>"]])
    assert "aria-label='城市 city'" in html
    rows = "<tr><td colspan='2'>folded</td></tr><tr><th scope='row'>济南</th><td>&lt;7&gt;</td></tr>"
    assert "<tbody>" + rows + "</tbody>" in html
    assert "<tr><x>" not in table(["a"], ["<tr><x>"]) and "&lt;tr&gt;&lt;x&gt;" in table(["a"], ["<tr><x>"])
    assert "aria-label='表格 table'" in table([], [])
    assert "aria-label='标题'" in table(["a"], [], caption="标题")


def test_legend_prints_the_resolver_default_threshold(mini):
    """`legend()` without a threshold states the one `resolve()` uses by default."""
    import inspect

    from helpers.report.markup import legend

    default = inspect.signature(resolve).parameters["stale_after_years"].default
    assert f"(阈值 threshold: {default:g} 年 years)" in legend(mini.labels)
    assert "(阈值 threshold: 3.5 年 years)" in legend(mini.labels, 3.5)


def test_fill_doc_puts_the_shared_fragments_in_place():
    from helpers.report.content import DOC_FRAGMENTS, fill_doc

    def section(ds, notes):
        """Parameters
        ----------
        {ds}
        {notes}

        Returns
        -------
        {section}
        """

    def bare():
        pass

    assert fill_doc(section) is section
    assert section.__doc__ == (
        f"Parameters\n        ----------\n        {DOC_FRAGMENTS['ds']}\n        {DOC_FRAGMENTS['notes']}\n\n"
        f"        Returns\n        -------\n        {DOC_FRAGMENTS['section']}\n        "
    )
    assert "The loaded data (`helpers.load()`)." in section.__doc__ and "{" not in section.__doc__
    assert fill_doc(bare).__doc__ == ""  # nothing is made up for a function without a docstring


def test_chart_closes_its_own_figure_not_the_current_one():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, _ = plt.subplots(figsize=(1, 1))
    other = plt.figure()  # the current figure is another one, e.g. the analyst's
    figure_html(fig, "alt")
    assert not plt.fignum_exists(fig.number) and plt.fignum_exists(other.number)
    plt.close(other)
