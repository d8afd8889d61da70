"""Rendered reports opened from file:// in headless Chromium: offline, readable, linked, not blank."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers import config
from helpers.build.catalog import load_catalog
from helpers.build.render import render

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = config.REPORTS_DIR / "screenshots"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI needs /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)")
    pytest.skip("chromium not installed (apt-get install chromium fonts-noto-cjk)", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The whole catalogue rendered into a temp reports folder."""
    reports = tmp_path_factory.mktemp("site") / "reports"
    results = render(reports_dir=reports, progress=False)
    assert [r["name"] for r in results if r["status"] == "failed"] == []
    return reports


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


def open_page(browser, url: str):
    """A page that records console errors and every request to a host (all are blocked)."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.errors, page.external = [], []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("dialog", lambda d: (page.errors.append(f"dialog: {d.message}"), d.dismiss()))

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            page.external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    return page


def not_blank(png: Path) -> bool:
    """True when a screenshot shows something: several colours and some non-white area."""
    from PIL import Image

    im = Image.open(png).convert("L").resize((200, 400))
    px = list(im.tobytes())
    dark = sum(1 for v in px if v < 200) / len(px)
    return dark > 0.01 and len(set(px)) > 16


ENTRIES = load_catalog(config.CATALOG_PATH, config.NOTEBOOKS_DIR)


def expected_names(entry) -> list[str]:
    """Chinese city names a report must show, from its parameters."""
    raw = entry.parameters.get("cities") or entry.parameters.get("city") or ""
    return [n.strip() for n in raw.split(",") if n.strip()][:3]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_report_in_browser(site, browser, entry):
    page = open_page(browser, (site / "html" / f"{entry.name}.html").as_uri())
    assert page.errors == [] and page.external == []
    assert page.title() == entry.title
    text = page.inner_text("body")
    for name in expected_names(entry):
        assert name in text, name
    tables = page.query_selector_all("table")
    assert tables and all(t.query_selector("th") for t in tables)
    widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert all(w > 0 for w in widths)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{entry.name}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert not_blank(shot)
    page.close()


def test_index_links_reach_every_report_and_back(site, browser):
    page = open_page(browser, (site / "index.html").as_uri())
    assert page.errors == [] and page.external == []
    hrefs = page.eval_on_selector_all("a", "as => as.map(a => a.getAttribute('href'))")
    assert sorted(set(hrefs)) == sorted(f"html/{e.name}.html" for e in ENTRIES)
    changes = [f"html/{e.name}.html" for e in ENTRIES if e.notebook.name == "07-what-changed.ipynb"]
    assert changes and all(hrefs.count(h) == 2 for h in changes)  # also linked from the data line
    assert "数据版本 data version" in page.inner_text("body")
    page.click(f"a[href='html/{ENTRIES[0].name}.html']")
    page.wait_for_load_state("load")
    assert page.title() == ENTRIES[0].title
    page.click("a[href='../index.html']")
    page.wait_for_load_state("load")
    assert page.url.endswith("/index.html")
    shot = SHOTS / "index.png"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    assert not_blank(shot)
    page.close()


def test_blank_page_is_detected(tmp_path, browser):
    blank = tmp_path / "blank.html"
    blank.write_text("<html><body></body></html>")
    page = open_page(browser, blank.as_uri())
    page.screenshot(path=str(tmp_path / "blank.png"))
    assert not not_blank(tmp_path / "blank.png")
