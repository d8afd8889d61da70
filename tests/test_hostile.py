"""Hostile text in data and catalogue is rendered as text in every report and the index."""

from __future__ import annotations

import base64
import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from conftest import GOOD

from helpers import config
from helpers.build.render import render
from helpers.cli import main

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
LOC = "<img src=y onerror=alert(2)>"
MD_LINK = "详见[官方说明](javascript:alert(42))"
MD_IMG = "![x](http://127.0.0.1:9/beacon.png)"
FORMULA = '=HYPERLINK("http://x.invalid","青岛")'
SAFE_URLS = ("#", "../index.html", "html/", "https://example", "data:image/svg+xml;base64,")
MATHS = r"$\alpha^{2}$"


def hostile_data(root: Path) -> Path:
    data = root / "data"
    shutil.copytree(GOOD, data)
    src = (data / "sources.yaml").read_text(encoding="utf-8")
    src = src.replace("title: Aggregator page A", f"title: 'Aggregator {SCRIPT}'")
    src = src.replace("url: null", "url: 'javascript:alert(1)'", 1)
    src = src.replace("title: Aggregator page B", f"title: '{MD_IMG} {MD_LINK}'")
    (data / "sources.yaml").write_text(src, encoding="utf-8")
    pol = (data / "policies" / "370900-taian.yaml").read_text(encoding="utf-8")
    pol = pol.replace("locator: limits\n", f"locator: '{LOC}'\n", 1)  # the profile's claims table shows it
    pol = pol.replace("locator: limits\n", f"locator: limits\n    note: '{IMG}'\n", 1)
    pol = pol.replace("locator: premiums\n", f"locator: '{MD_LINK} {MD_IMG}'\n", 1)
    (data / "policies" / "370900-taian.yaml").write_text(pol, encoding="utf-8")
    jur = (data / "jurisdictions.csv").read_text(encoding="utf-8")
    name = f'"{FORMULA.replace(chr(34), chr(34) * 2)}{MATHS}青岛市<b>x</b>"'
    (data / "jurisdictions.csv").write_text(jur.replace("青岛市", name), encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    data = hostile_data(root)
    nbs = root / "notebooks"
    nbs.mkdir()
    for nb in ("01-compare-cities.ipynb", "02-city-profile.ipynb", "06-data-quality.ipynb"):
        shutil.copy(config.NOTEBOOKS_DIR / nb, nbs)
    (root / "reports").mkdir()
    cat = root / "reports" / "catalog.yaml"
    cat.write_text(
        f"""reports:
  - {{name: cmp, title: '对比 {SCRIPT}', notebook: 01-compare-cities.ipynb,
     parameters: {{cities: "济南,泰安,qingdao", year: 2025, topics: "binding"}}}}
  - {{name: prof, title: 'profile {IMG}', notebook: 02-city-profile.ipynb, parameters: {{city: 泰安}}}}
  - {{name: dq, title: quality, notebook: 06-data-quality.ipynb}}
""",
        encoding="utf-8",
    )
    results = render(
        reports_dir=root / "reports", catalog=cat, notebooks_dir=nbs, data_dir=data, progress=False
    )
    assert all(r["status"] == "rendered" for r in results), results
    return root / "reports"


@pytest.mark.render
def test_hostile_text_is_escaped_everywhere(hostile_site):
    pages = [*sorted((hostile_site / "html").glob("*.html")), hostile_site / "index.html"]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert SCRIPT not in html, page.name
        assert "<img src=x" not in html and "<img src=y" not in html, page.name
        assert "<b>x</b>" not in html, page.name
        assert "href='javascript:" not in html and 'href="javascript:' not in html, page.name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (hostile_site / "html" / "cmp.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (hostile_site / "index.html").read_text()
    assert "&lt;img src=y onerror=alert(2)&gt;" in (hostile_site / "html" / "prof.html").read_text()


@pytest.mark.render
@pytest.mark.browser
def test_hostile_pages_raise_no_dialog_in_browser(hostile_site):
    from test_browser import CHROMIUM, open_page

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for page_path in [*sorted((hostile_site / "html").glob("*.html")), hostile_site / "index.html"]:
            page = open_page(b, page_path.as_uri())
            assert page.errors == [], (page_path.name, page.errors)
            assert page.external == []
            page.close()
        page = open_page(b, (hostile_site / "html" / "cmp.html").as_uri())
        assert SCRIPT in page.inner_text("body")
        b.close()


@pytest.mark.render
def test_markdown_links_and_images_stay_text(hostile_site):
    """No Markdown renderer sees data: links and images in data are shown as typed, never followed."""
    for page in [*sorted((hostile_site / "html").glob("*.html")), hostile_site / "index.html"]:
        html = page.read_text(encoding="utf-8")
        for url in _urls(html):
            own_download = re.fullmatch(r"[a-z0-9-]+\.(csv|xlsx)", url) and (page.parent / url).is_file()
            assert url.startswith(SAFE_URLS) or own_download, (page.name, url)
    prof = (hostile_site / "html" / "prof.html").read_text(encoding="utf-8")
    assert "详见[官方说明](javascript:alert(42))" in prof  # escaped text, not a link
    assert "![x](http://127.0.0.1:9/beacon.png)" in prof


def _urls(html: str) -> list[str]:
    """Every href/src/action attribute of every real tag (text that merely looks like a tag is skipped)."""
    from html.parser import HTMLParser

    found: list[str] = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(v or "" for k, v in attrs if k in ("href", "src", "action", "srcset", "xlink:href"))

    P().feed(html)
    return found


@pytest.mark.render
def test_maths_text_in_a_place_name_is_drawn_as_typed(hostile_site):
    """A `$…$` in a place name neither crashes the chart nor turns into maths (the report rendered)."""
    cmp_html = (hostile_site / "html" / "cmp.html").read_text(encoding="utf-8")
    charts = [
        base64.b64decode(b).decode("utf-8")
        for b in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", cmp_html)
    ]
    assert charts and "$\\alpha^{2}$" in cmp_html
    drawn = [t for svg in charts for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert any(MATHS in t for t in drawn), drawn  # drawn as typed: the chart keeps its text as text
    for svg in charts:  # data text in a chart is XML-escaped text, never markup
        assert "<script" not in svg


def test_charts_without_setup_draw_maths_text_as_typed():
    """The analyst calling a chart function without plots.setup() still gets plain text labels."""
    import matplotlib as mpl
    import pandas as pd

    from helpers.report import plots

    mpl.rcParams["text.parse_math"] = True
    r = pd.DataFrame(
        {
            "parameter": ["family_account.max_relatives"] * 2,
            "conditions": ["", ""],
            "city_zh": [f"A{MATHS}", "$x_{"],
            "values": [[7], [8]],
            "status": ["own", "own"],
        }
    )
    fig = plots.limit_chart(r)
    from helpers.report.content import figure_html

    assert "<img" in figure_html(fig, "alt")  # would raise ParseException with maths on


@pytest.mark.render
def test_csv_exports_prefix_formula_cells(hostile_site):
    """Every CSV written next to a report has no cell that a spreadsheet would run as a formula."""
    files = sorted((hostile_site / "html").glob("*.csv"))
    assert files
    prefixed = 0
    for f in files:
        for row in csv.reader(io.StringIO(f.read_text(encoding="utf-8-sig"))):
            for cell in row:
                assert not cell.startswith(("=", "+", "@")), (f.name, cell)
                assert not (cell.startswith("-") and not _number(cell)), (f.name, cell)
                prefixed += cell.startswith("'=HYPERLINK")
    assert prefixed, "the hostile place name should appear (prefixed) in a CSV"


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_cli_csv_and_terminal_output_are_defused(tmp_path, capsys):
    data = hostile_data(tmp_path)
    assert main(["claims", "--data-dir", str(data), "--city", "泰安", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out)))
    assert any(MD_LINK in cell for row in rows for cell in row)
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert main(["resolve", "--data-dir", str(data), "--cities", "qingdao", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "'=HYPERLINK" in out and "\n=HYPERLINK" not in out and ",=HYPERLINK" not in out


def test_terminal_output_strips_escape_sequences(capsys):
    import pandas as pd

    from helpers.cli.output import emit

    df = pd.DataFrame({"a": ["\x1b[2J\x1b[31mred\u202e", "=1+1"], "b": [1, 2]})
    for fmt in ("table", "csv", "json"):
        emit(df, fmt)
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\u202e" not in out, fmt
    emit(df, "csv")
    assert "'=1+1" in capsys.readouterr().out


def test_rich_markup_in_a_summary_is_printed_as_text(monkeypatch, capsys, tmp_path):
    """A catalogue value such as `[/bold]` in a report's detail line cannot break the summary."""
    import importlib

    render_mod = importlib.import_module("helpers.build.render")

    fake = [{"name": "x", "status": "failed", "seconds": 0.1, "detail": "bad [/bold] \x1b[31m", "wall": 0.1}]
    monkeypatch.setattr(render_mod, "render", lambda **kw: fake)
    code = main(["render", "--quiet", "--reports-dir", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 1
    assert "[/bold]" in out and "\x1b" not in out
    assert str(tmp_path / "out" / "index.html") in out.replace("\n", "")


# ---------------------------------------------------------------- hostile values (issue 29)

DIGITS = [
    "²⁰²⁵",  # superscripts: str.isdigit() says digits, int() refuses them
    "２０２５",  # fullwidth
    "٢٠٢٥",  # Arabic-Indic: int() and float() accept them
    "9" * 5000,  # past Python's int-from-text limit (ValueError, not a number)
]


@pytest.mark.parametrize("text", DIGITS, ids=["superscript", "fullwidth", "arabic-indic", "5000-digits"])
def test_unicode_and_huge_digits_are_refused_in_one_line(real, text):
    from helpers.data import inputs
    from helpers.exceptions import InputError

    checks = {
        "year": lambda: inputs.year(text),
        "tier": lambda: inputs.tier(real, text),
        "max_gap": lambda: inputs.months(text, "max_gap"),
        "wage": lambda: inputs.wage(text),
        "age": lambda: inputs.household(real, [{"relation": "child", "age": text}]),
        "json age": lambda: inputs.household(real, f'[{{"relation": "child", "age": {text}}}]'),
    }
    for what, check in checks.items():
        with pytest.raises(InputError) as err:
            check()
        line = str(err.value)
        assert "\n" not in line and " — " in line, (what, line)
        assert len(line) < 300, (what, line)  # the 5,000 digits are not echoed back


def test_ascii_digits_still_convert(real):
    from helpers.data import inputs

    assert inputs.year(" 2025 ") == 2025 and inputs.tier(real, "2") == 2
    assert inputs.months("012", "max_gap") == 12 and inputs.wage("8,000.5") == 8000.5


@pytest.mark.parametrize("depth", [50, 100_000])
def test_deeply_nested_household_json_is_refused(real, depth):
    from helpers.data import inputs
    from helpers.exceptions import InputError

    with pytest.raises(InputError, match=r"^household") as err:
        inputs.household(real, "[" * depth + "]" * depth)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("word", ["yes", "No", "ON", "off", "y", "N", "yEs", "oFF"])
def test_yaml_11_booleans_are_refused_naming_true_and_false(tmp_path, word):
    from helpers.data.yamlio import load_yaml

    f = tmp_path / "x.yaml"
    f.write_text(f"a: 1\nflag: {word}\n", encoding="utf-8")
    doc, [problem] = load_yaml(f)
    assert doc is None and problem.line == 2
    assert f"{word!r} is a YAML 1.1 boolean" in problem.message and "write true or false" in problem.fix
    f.write_text(f"flag: '{word}'\nlist: [true, False, TRUE]\n", encoding="utf-8")  # quoted: text
    assert load_yaml(f) == ({"flag": word, "list": [True, False, True]}, [])


@pytest.mark.parametrize(
    "text,message",
    [
        ("a: !!binary aGVsbG8=\n", "YAML tag !!binary is not allowed"),
        ("a: !!set {x: null}\n", "YAML tag !!set is not allowed"),
        ("a: !!omap [{x: 1}]\n", "YAML tag !!omap is not allowed"),
        ("a: " + "[" * 30 + "]" * 30 + "\n", "nested deeper than 30 levels"),  # 31 with the mapping
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nested deeper than 30 levels"),
        ("".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "v\n", "nested deeper than 30"),
        ("a: b\x00c\n", "control character U+0000"),
    ],
    ids=["binary", "set", "omap", "31-deep", "5000-deep", "deep-mapping", "nul"],
)
def test_yaml_tags_deep_nesting_and_nul_are_one_problem_with_a_line(tmp_path, text, message):
    from helpers.data.yamlio import load_yaml

    f = tmp_path / "x.yaml"
    f.write_text(text, encoding="utf-8")
    doc, [problem] = load_yaml(f)
    assert doc is None and message in problem.message and problem.line is not None, problem
    f.write_text("a: " + "[" * 29 + "]" * 29 + "\n", encoding="utf-8")  # 30 levels still load
    assert load_yaml(f)[1] == []


def test_padded_header_is_read_and_lookups_find_one_place(tmp_path):
    """Spaces around header names do not hide a column; names that places.find would confuse
    (泰安 and 泰安市, Tai'an and taian, a name equal to another row's code) are refused."""
    from helpers.data.jurisdictions import load_jurisdictions

    head = " code , name_zh ,name_en,level ,parent\n000000,全国,National,national,\n"
    (tmp_path / "jurisdictions.csv").write_text(head + "370000,山东省,Shandong,province,000000\n")
    problems: list = []
    table = load_jurisdictions(tmp_path, problems)
    assert problems == [] and table["name_zh"].tolist() == ["全国", "山东省"]
    for row, clash, first in [
        ("370100,山东,Jinan,city,370000", "山东", 3),
        ("370100,济南市,shan dong,city,370000", "shan dong", 3),
        ("370100,济南市,000000,city,370000", "000000", 2),
        ("370100,全国市,Jinan,city,370000", "全国市", 2),
    ]:
        (tmp_path / "jurisdictions.csv").write_text(head + "370000,山东省,Shandong,province,000000\n" + row)
        problems = []
        load_jurisdictions(tmp_path, problems)
        assert [p.message for p in problems] == [f"name '{clash}' is already used on line {first}"], row


@pytest.mark.parametrize("jobs", ["0", "-1", "²", "65", "x"])
def test_jobs_that_start_no_worker_are_refused_before_anything_runs(tmp_path, capsys, jobs):
    with pytest.raises(SystemExit) as exc:
        main(["render", "--quiet", "--reports-dir", str(tmp_path / "r"), "--jobs", jobs])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "is not a number of workers — give 1-64" in err
    assert "Traceback" not in err and not (tmp_path / "r").exists()
