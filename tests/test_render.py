"""Renderer: smoke render of a small catalogue, parameter checks, cache, failure isolation, atomicity."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from helpers import config
from helpers.build.atomic import write_atomic
from helpers.build.catalog import load_catalog
from helpers.build.render import render
from helpers.exceptions import CatalogError, YibaoError

pytestmark = pytest.mark.render
FIXTURE_NB = Path(__file__).parent / "fixtures" / "notebooks" / "raises.ipynb"

CATALOG = """reports:
  - name: pair
    title: 济南 vs 泰安 <test>
    notebook: 01-compare-cities.ipynb
    parameters: {cities: "济南,泰安", year: 2025, topics: "binding"}
  - name: flaky
    title: fails on request
    notebook: raises.ipynb
    parameters: {fail: false}
"""


def make_project(root: Path, catalog: str = CATALOG) -> dict:
    nbs = root / "notebooks"
    nbs.mkdir(parents=True)
    shutil.copy(config.NOTEBOOKS_DIR / "01-compare-cities.ipynb", nbs)
    shutil.copy(FIXTURE_NB, nbs)
    (root / "reports").mkdir()
    (root / "reports" / "catalog.yaml").write_text(catalog, encoding="utf-8")
    return {
        "reports_dir": root / "reports",
        "catalog": root / "reports" / "catalog.yaml",
        "notebooks_dir": nbs,
        "progress": False,
    }


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("proj")
    kw = make_project(root)
    first = render(**kw)
    html1 = (kw["reports_dir"] / "html" / "pair.html").read_bytes()
    second = render(**kw)
    forced = render(force=True, only=["pair"], **kw)
    html2 = (kw["reports_dir"] / "html" / "pair.html").read_bytes()
    return {"kw": kw, "first": first, "second": second, "forced": forced, "html1": html1, "html2": html2}


def test_smoke_render_writes_reports_and_index(rendered):
    kw = rendered["kw"]
    assert [r["status"] for r in rendered["first"]] == ["rendered", "rendered"]
    html = rendered["html1"].decode()
    assert "济南市" in html and "泰安市" in html and "最多可绑定近亲属人数" in html
    assert "&lt;test&gt;" in html and "<test>" not in html  # title escaped in the header
    assert "城市 cities: 济南、泰安" in html and "../index.html" in html
    assert '<html lang="zh-CN">' in html and "jp-Notebook" not in html  # our own lean page
    index = (kw["reports_dir"] / "index.html").read_text(encoding="utf-8")
    assert "html/pair.html" in index and "html/flaky.html" in index
    assert (kw["reports_dir"] / "executed" / "pair.ipynb").exists()
    assert (kw["reports_dir"] / "html" / "pair-binding.csv").exists()


def test_html_is_offline_and_small(rendered):
    html = rendered["html1"].decode()
    assert "<script" not in html
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']https?://", html)
    assert 'src="data:image/svg+xml;base64,' in html
    assert len(rendered["html1"]) < 1_000_000
    assert "injected-parameters" not in html and "import helpers" not in html


def test_second_render_is_all_cached(rendered):
    assert [r["status"] for r in rendered["second"]] == ["cached", "cached"]
    assert [r["status"] for r in rendered["forced"]] == ["rendered"]


def test_same_inputs_give_byte_identical_html(rendered):
    assert rendered["html1"] == rendered["html2"]


def test_failing_notebook_keeps_previous_html_and_names_the_cell(tmp_path):
    kw = make_project(tmp_path)
    render(only=["flaky"], **kw)
    before = (kw["reports_dir"] / "html" / "flaky.html").read_bytes()
    kw["catalog"].write_text(CATALOG.replace("{fail: false}", "{fail: true}"), encoding="utf-8")
    res = {r["name"]: r for r in render(**kw)}
    assert res["flaky"]["status"] == "failed" and res["pair"]["status"] == "rendered"
    assert res["flaky"]["cell"] == 3
    assert "ValueError: asked to fail" in res["flaky"]["detail"]
    assert (kw["reports_dir"] / "html" / "flaky.html").read_bytes() == before
    index = (kw["reports_dir"] / "index.html").read_text(encoding="utf-8")
    assert "failed" in index and "previous rendering" in index
    again = {r["name"]: r["status"] for r in render(**kw)}  # a failure is retried, the rest cached
    assert again == {"pair": "cached", "flaky": "failed"}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "parameters: {citys: 济南}",
            "unknown parameter 'citys' for 01-compare-cities.ipynb — did you mean 'cities'?",
        ),
        ("parameters: {year: '2025'}", "parameter 'year' should be int, got str '2025' — write an int value"),
    ],
)
def test_bad_parameters_name_the_catalogue_line(tmp_path, entry, message):
    cat = f"reports:\n  - name: x\n    title: X\n    notebook: 01-compare-cities.ipynb\n    {entry}\n"
    kw = make_project(tmp_path, cat)
    with pytest.raises(CatalogError) as exc:
        render(**kw)
    assert str(exc.value).endswith(f"catalog.yaml:5: {message}")
    assert not (kw["reports_dir"] / "index.html").exists()


@pytest.mark.parametrize(
    ("notebook", "message"),
    [
        ("missing.ipynb", "notebook 'missing.ipynb' not found"),
        ("../../etc/passwd", "notebook path '../../etc/passwd' leaves notebooks/"),
    ],
)
def test_bad_notebook_paths(tmp_path, notebook, message):
    kw = make_project(tmp_path, f"reports:\n  - name: x\n    title: X\n    notebook: {notebook}\n")
    with pytest.raises(CatalogError, match=re.escape(message)):
        load_catalog(kw["catalog"], kw["notebooks_dir"])


def test_unknown_report_name_in_only(tmp_path):
    kw = make_project(tmp_path)
    with pytest.raises(YibaoError, match="no report named 'pairs'.*did you mean 'pair'"):
        render(only=["pairs"], **kw)


def test_second_render_at_once_is_refused(tmp_path):
    kw = make_project(tmp_path)
    fd = os.open(kw["reports_dir"], os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(YibaoError, match="another 'yibao render' is running"):
            render(**kw)
    finally:
        os.close(fd)


def test_atomic_write_keeps_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    write_atomic(target, "old")
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_cache_state_is_recorded(rendered):
    from helpers.build.cachekey import data_key
    from helpers.build.catalog import Entry
    from helpers.build.reads import report_reads
    from helpers.build.render import code_fingerprint, report_hash
    from helpers.data import data_version, load

    kw = rendered["kw"]
    st = json.loads((kw["reports_dir"] / ".cache" / "pair.json").read_text())
    entry = load_catalog(kw["catalog"], kw["notebooks_dir"])[0]
    assert isinstance(entry, Entry) and entry.name == "pair"
    version = data_version(config.DATA_DIR)
    reads = report_reads([entry], config.DATA_DIR, None, load)["pair"]  # Jinan, Tai'an and parents
    assert reads.places == ("000000", "370000", "370100", "370900")
    assert st["hash"] == report_hash(entry, data_key(version, reads), code_fingerprint())
    assert (st["status"], st["data_version"], st["csv"]) == ("rendered", version, ["pair-binding.csv"])
    assert st["seconds"] > 0


def test_killed_render_leaves_no_partial_output_and_next_run_recovers(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    kw = make_project(tmp_path)
    reports = kw["reports_dir"]
    cmd = [
        sys.executable,
        "-c",
        "import sys; from helpers.build.render import render; from pathlib import Path; "
        f"render(force=True, progress=False, reports_dir=Path({str(reports)!r}), "
        f"catalog=Path({str(kw['catalog'])!r}), notebooks_dir=Path({str(kw['notebooks_dir'])!r}))",
    ]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and not list((reports / "html").glob("*")):
        time.sleep(0.05)  # kill as soon as the first output file is being written
    at_kill = list((reports / "html").glob("*"))
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    while time.time() < deadline:  # its forked workers hold the render lock until they are gone too
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    assert at_kill, "the render was killed before it wrote anything: nothing was tested"
    for html in (reports / "html").glob("*.html"):
        assert html.read_text(encoding="utf-8").rstrip().endswith("</html>"), html.name
    index = reports / "index.html"
    assert not index.exists() or index.read_text(encoding="utf-8").rstrip().endswith("</html>")
    res = {r["name"]: r["status"] for r in render(**kw)}  # no --force
    assert set(res.values()) <= {"rendered", "cached"} and len(res) == 2
    assert not list(reports.rglob("*.tmp"))
    assert index.read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_executed_notebooks_have_no_errors_or_missing_glyphs(rendered):
    import nbformat

    nb = nbformat.read(rendered["kw"]["reports_dir"] / "executed" / "pair.ipynb", as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert outputs and not [o for o in outputs if o.output_type == "error"]
    text = " ".join(str(o.get("text", "")) for o in outputs if o.output_type == "stream")
    assert "missing from font" not in text and "findfont" not in text
    assert "papermill" not in nb.metadata  # run data stripped: the executed notebook is byte-stable
