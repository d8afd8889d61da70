"""The package's shape: the public API, layer order of imports, and render outputs as one unit."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

import helpers as h
from helpers import config
from helpers.build.render import render

SRC = Path(h.__file__).parent
LAYERS = ["data", "resolution", "rules", "report", "build", "cli"]
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def test_public_api_names_resolve():
    for name in h.__all__:
        assert getattr(h, name) is not None, name
    assert callable(h.load) and callable(h.resolve) and callable(h.compare)
    assert h.plots.setup() == config.FONT_FAMILY  # h.plots works without importing it first
    assert h.report.Section.__name__ == "Section"


def test_public_api_answers_a_worked_example():
    ds = h.load()
    assert isinstance(ds, h.Dataset) and "claims" in repr(ds) and len(repr(ds)) < 300
    r = h.resolve(ds, "泰安", topic="binding")
    assert list(r.columns) == list(h.resolve_columns())
    limit = r[r["parameter"] == "family_account.max_relatives"].iloc[0]
    assert (limit["value"], limit["status"]) == (8, "own")
    assert h.lapse(ds, "青岛", "resident", lapsed_years=2)["waiting_min"] == 4


def _imports(path: Path) -> set[str]:
    """Sub-packages of helpers a module imports (relative or absolute)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(SRC).parts
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(rel[:-1])[: len(rel) - node.level]
                parts = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.startswith("helpers."):
                parts = node.module.split(".")[1:]
            else:
                continue
            if parts:
                out.add(parts[0])
        elif isinstance(node, ast.Import):
            out |= {a.name.split(".")[1] for a in node.names if a.name.startswith("helpers.")}
    return out


@pytest.mark.parametrize("layer", LAYERS)
def test_lower_layers_never_import_higher_ones(layer):
    higher = set(LAYERS[LAYERS.index(layer) + 1 :])
    for path in (SRC / layer).rglob("*.py"):
        bad = _imports(path) & higher
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_no_private_name_imported_across_modules():
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                private = [a.name for a in node.names if a.name.startswith("_") and a.name != "__version__"]
                assert not private, f"{path.relative_to(SRC)} imports private {private}"


def _project(root: Path, catalog: str) -> dict:
    nbs = root / "notebooks"
    nbs.mkdir(parents=True)
    shutil.copy(config.NOTEBOOKS_DIR / "01-compare-cities.ipynb", nbs)
    for nb in ("raises.ipynb", "sleeps.ipynb"):
        shutil.copy(FIXTURES / nb, nbs)
    (root / "reports").mkdir()
    (root / "reports" / "catalog.yaml").write_text(catalog, encoding="utf-8")
    return {
        "reports_dir": root / "reports",
        "catalog": root / "reports" / "catalog.yaml",
        "notebooks_dir": nbs,
        "progress": False,
    }


@pytest.mark.render
def test_failed_report_keeps_previous_html_and_csv(tmp_path):
    cat = "reports:\n  - {name: flaky, title: F, notebook: raises.ipynb, parameters: {fail: false}}\n"
    kw = _project(tmp_path, cat)
    assert [r["status"] for r in render(**kw)] == ["rendered"]
    html_dir = kw["reports_dir"] / "html"
    before = {p.name: p.read_bytes() for p in html_dir.iterdir()}
    assert "flaky-tab.csv" in before and before["flaky-tab.csv"].startswith("\ufeff".encode())
    kw["catalog"].write_text(cat.replace("fail: false", "fail: true"), encoding="utf-8")
    res = render(**kw)
    assert res[0]["status"] == "failed" and "asked to fail" in res[0]["detail"]
    # the failing run built its table (with fail=True) before raising: nothing of it lands
    assert {p.name: p.read_bytes() for p in html_dir.iterdir()} == before


@pytest.mark.render
def test_report_past_its_timeout_fails_naming_it_while_others_render(tmp_path):
    cat = (
        "timeout: 60\nreports:\n"
        "  - {name: slow, title: S, notebook: sleeps.ipynb, parameters: {seconds: 30}, timeout: 3}\n"
        "  - {name: quick, title: Q, notebook: sleeps.ipynb, parameters: {seconds: 0}}\n"
    )
    kw = _project(tmp_path, cat)
    res = {r["name"]: r for r in render(jobs=1, **kw)}
    assert res["slow"]["status"] == "failed", res
    assert "timed out after 3 s" in res["slow"]["detail"]
    assert res["slow"]["seconds"] < 25
    assert res["quick"]["status"] == "rendered"
    assert not (kw["reports_dir"] / "html" / "slow.html").exists()
