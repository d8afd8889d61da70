"""Notebooks check their parameters in the cell after `parameters`: under plain papermill, in-process
(as in JupyterLab) and through IPython's display of the error (one line, no traceback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import helpers as h
from helpers.config import NOTEBOOKS_DIR
from helpers.exceptions import InputError
from helpers.report.notebook_params import declared_parameters

NOTEBOOKS = sorted(p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb"))
PAPERMILL = Path(sys.executable).parent / "papermill"


def defaults(name: str) -> dict:
    """The notebook's parameters cell, executed: its default values."""
    nb = json.loads((NOTEBOOKS_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    ns: dict = {}
    exec("".join(cell["source"]), ns)  # noqa: S102 - our own notebook's parameters cell
    return {k: v for k, v in ns.items() if not k.startswith("__")}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_check_cell_follows_the_parameters_cell(name):
    nb = json.loads((NOTEBOOKS_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
    i = next(k for k, c in enumerate(nb["cells"]) if "parameters" in c["metadata"].get("tags", []))
    src = "".join(nb["cells"][i + 1]["source"])
    assert src.startswith(f'h.check_parameters(globals(), "{name}")')


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_defaults_pass_the_check(real, name):
    ns = defaults(name)
    out = h.check_parameters(ns, name, real)
    assert list(out) == declared_parameters(name)


def test_values_are_converted_in_place(real):
    ns = {"cities": 370900, "year": "2025", "topics": "binding", "as_of": "2025-06-30", "transpose": "true"}
    h.check_parameters(ns, "01-compare-cities", real)
    want = {
        "cities": ["370900"],
        "year": 2025,
        "topics": ["binding"],
        "as_of": "2025-06-30",
        "transpose": True,
    }
    assert ns == want
    ns = {"cities": "山东全省", "wages": 8000, "year": 0}
    h.check_parameters(ns, "05-contributions", real)
    assert len(ns["cities"]) == 16 and ns["wages"] == [8000.0]
    ns = {**defaults("04-family-account"), "household": '[{"relation": "父亲"}]'}
    h.check_parameters(ns, "04-family-account", real)
    assert ns["household"] == [{"relation": "parent"}]


def test_unknown_injected_name_is_refused(real):
    history = ["", "# Parameters\ncitty = '青岛'\n", "h.check_parameters(…)"]
    ns = {**defaults("02-city-profile"), "In": history}
    with pytest.raises(InputError, match=r"unknown parameter 'citty' — did you mean 'city'\?"):
        h.check_parameters(ns, "02-city-profile", real)


def test_ipython_shows_one_line_without_traceback(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.user_ns["h"] = h
    shell.run_cell('h.inputs.year("abc")')
    out = capsys.readouterr()
    text = out.out + out.err
    assert "InputError: year: 'abc' is not a year — give a year 1990–2100, or 0 for any year" in text
    assert "Traceback" not in text and "inputs.py" not in text


BAD = [
    ("01-compare-cities", ["topics", "bindings"], "topics: unknown topic 'bindings' — did you mean"),
    ("01-compare-cities", ["citty", "青岛"], "unknown parameter 'citty' — did you mean 'cities'?"),
    ("02-city-profile", ["year", "abc"], "year: 'abc' is not a year — give a year 1990–2100"),
    ("02-city-profile", ["citty", "青岛"], "unknown parameter 'citty' — did you mean 'city'?"),
    ("02-city-profile", ["city", "山东全省"], "city: '山东全省' names 16 places — give one city"),
    ("03-lapse-scenarios", ["scheme", "residential"], "scheme: unknown scheme 'residential' — did you mean"),
    ("04-family-account", ["household", '["spouse"]'], "household: got a list of words, expected a list"),
    ("05-contributions", ["wages", "abc"], "wages: 'abc' is not a monthly wage — give yuan per month"),
    ("06-data-quality", ["as_of", "yesterday"], "as_of: 'yesterday' is not a date — write YYYY-MM-DD"),
]


def papermill(tmp_path: Path, name: str, params: list[str]) -> subprocess.CompletedProcess:
    args = [str(PAPERMILL), str(NOTEBOOKS_DIR / f"{name}.ipynb"), str(tmp_path / "out.ipynb")]
    for k, v in zip(params[::2], params[1::2], strict=True):
        args += ["-p", k, v]
    src = str(Path(h.__file__).parents[1])  # the kernel imports this checkout's helpers
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIBAO_")}  # the project's own data
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)


@pytest.mark.render
@pytest.mark.parametrize("name,params,message", BAD, ids=[f"{n}-{p[0]}" for n, p, _ in BAD])
def test_plain_papermill_stops_with_one_line(tmp_path, name, params, message):
    r = papermill(tmp_path, name, params)
    assert r.returncode != 0
    lines = [line for line in r.stderr.splitlines() if line.startswith("InputError: ")]
    assert len(lines) == 1 and message in lines[0], r.stderr[-2000:]
    ours = [line for line in r.stderr.splitlines() if "helpers" in line and line.strip().startswith("File ")]
    assert ours == [], "a traceback frame from our code was printed"


@pytest.mark.render
@pytest.mark.parametrize(
    "name,params", [("02-city-profile", ["city", "370900"]), ("05-contributions", ["wages", "8000"])]
)
def test_plain_papermill_converts_and_renders(tmp_path, name, params):
    r = papermill(tmp_path, name, params)
    assert r.returncode == 0, r.stderr[-2000:]
    nb = json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


@pytest.mark.render
def test_yibao_render_names_the_parameter_and_the_fix(tmp_path):
    from test_render import make_project

    from helpers.build.render import render
    from helpers.exceptions import CatalogError

    catalog = """reports:
  - name: typo
    title: typo in a topic
    notebook: 01-compare-cities.ipynb
    parameters: {cities: "济南", year: 2025, topics: "bindings"}
"""
    kw = make_project(tmp_path, catalog)
    with pytest.raises(CatalogError) as err:  # refused from the catalogue, before a kernel starts
        render(**kw)
    assert "catalog.yaml:5: parameter 'topics': unknown topic 'bindings' — did you mean 'binding'?" in str(
        err.value
    )
    assert not (tmp_path / "reports" / "html" / "typo.html").exists()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_papermill_reads_the_same_parameters(name):
    from papermill import inspect_notebook

    assert list(inspect_notebook(str(NOTEBOOKS_DIR / f"{name}.ipynb"))) == declared_parameters(name)


def test_notebook_07_takes_cities_and_the_old_places_with_a_hint(capsys):
    from helpers.report.notebook_params import check_parameters

    ns = {
        "since": "HEAD",
        "until": "",
        "cities": "",
        "places": "济南",
        "year": 0,
        "In": ["# Parameters\nplaces = '济南'\n"],
    }
    got = check_parameters(ns, "07-what-changed")
    assert got == {"since": "HEAD", "until": "", "cities": ["370100"], "year": 0} and "places" not in ns
    assert "parameter 'places' is now 'cities'" in capsys.readouterr().err
    empty = {"since": "HEAD", "until": "", "cities": "", "year": 0}
    assert check_parameters(empty, "07-what-changed")["cities"] == ""  # its default: every place


def test_the_catalogue_names_the_new_spelling_of_a_renamed_parameter(tmp_path):
    from helpers import config
    from helpers.build.catalog import load_catalog
    from helpers.exceptions import CatalogError

    (tmp_path / "c.yaml").write_text(
        "reports:\n  - name: x\n    notebook: 07-what-changed.ipynb\n"
        "    parameters: {since: HEAD, places: 济南}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        CatalogError, match="unknown parameter 'places' for 07-what-changed.ipynb — rename it to 'cities'"
    ):
        load_catalog(tmp_path / "c.yaml", config.NOTEBOOKS_DIR)
