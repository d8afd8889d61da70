"""Hostile text in data and catalogue is rendered as text in every report and the index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import GOOD

from helpers import config
from helpers.build.render import render

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
LOC = "<img src=y onerror=alert(2)>"


def hostile_data(root: Path) -> Path:
    data = root / "data"
    shutil.copytree(GOOD, data)
    src = (data / "sources.yaml").read_text(encoding="utf-8")
    src = src.replace("title: Aggregator page A", f"title: 'Aggregator {SCRIPT}'")
    src = src.replace("url: null", "url: 'javascript:alert(1)'", 1)
    (data / "sources.yaml").write_text(src, encoding="utf-8")
    pol = (data / "policies" / "370900-taian.yaml").read_text(encoding="utf-8")
    pol = pol.replace("locator: limits\n", f"locator: '{LOC}'\n", 1)  # the profile's claims table shows it
    (data / "policies" / "370900-taian.yaml").write_text(pol, encoding="utf-8")
    jur = (data / "jurisdictions.csv").read_text(encoding="utf-8")
    (data / "jurisdictions.csv").write_text(jur.replace("青岛市", "青岛市<b>x</b>"), encoding="utf-8")
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
