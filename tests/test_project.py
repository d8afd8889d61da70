"""Project hygiene: environment files agree, notebooks carry no outputs, ruff is clean."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name_spec(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*(.*)$", req)
    assert m, req
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(map(_name_spec, project["dependencies"] + project["optional-dependencies"]["dev"]))
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(_name_spec(d) for d in env["dependencies"] if isinstance(d, str))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda.update(_name_spec(d) for d in pip if not d.startswith("-e"))
    conda.pop("python"), conda.pop("pip")
    assert conda == wanted


def test_notebooks_committed_without_outputs():
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs") and not cell.get("execution_count"), nb.name


def test_ruff_clean():
    r = subprocess.run([sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S)
    assert blocks and blocks[0].split() == ["make", "report", "make", "test"]


def test_font_and_licence_are_shipped():
    from helpers.config import FONT_PATH

    assert FONT_PATH.stat().st_size > 8_000_000
    assert "SIL OPEN FONT LICENSE" in (FONT_PATH.parent / "OFL.txt").read_text()


def test_an_unmarked_test_that_renders_or_opens_a_browser_fails():
    """conftest's guards: `make test-fast` deselects by marker, so a test rendering notebooks or
    opening Chromium without `render` / `browser` is failed instead of silently slowing the lane."""
    import papermill
    import pytest
    from conftest import argv_marker

    with pytest.raises(pytest.fail.Exception, match="not marked @pytest.mark.render"):
        papermill.execute_notebook("never-run.ipynb", None)
    with pytest.raises(pytest.fail.Exception, match="not marked @pytest.mark.render"):
        subprocess.run([sys.executable, "-m", "helpers.cli", "render", "--quiet"], check=False)
    from playwright.sync_api import sync_playwright

    with pytest.raises(pytest.fail.Exception, match="not marked @pytest.mark.browser"):
        sync_playwright()
    assert argv_marker(["/usr/bin/chromium", "--headless"]) == "browser"
    assert argv_marker([".venv/bin/papermill", "a.ipynb", "b.ipynb"]) == "render"
    assert argv_marker(["yibao", "render", "--help"]) is None
    assert argv_marker([sys.executable, "-m", "helpers.cli", "check-data"]) is None
