"""Keys from what a report reads: a report is keyed on the files of the places it names (and their
parents) plus the catalogue files, and its kernel is given only those files."""

from __future__ import annotations

import importlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import GOOD

from helpers.build.catalog import load_catalog
from helpers.build.execute import result
from helpers.build.reads import declared, notebook_defaults, report_reads
from helpers.data import load, views
from helpers.exceptions import InputError, OutsideViewError

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

CATALOG = """reports:
  - name: profile-jinan
    title: Jinan
    notebook: 02-city-profile.ipynb
    parameters: {city: "济南"}
  - name: profile-taian
    title: Tai'an
    notebook: 02-city-profile.ipynb
    parameters: {city: "泰安"}
  - name: pair
    title: pair
    notebook: 01-compare-cities.ipynb
    parameters: {cities: "济南,泰安"}
  - name: quality
    title: quality
    notebook: 06-data-quality.ipynb
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """Three place reports and one all-data report over the fixture data; a fake executor records
    which reports run and the data folder each job is given."""
    render_mod = importlib.import_module("helpers.build.render")
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    for n in ("01-compare-cities.ipynb", "02-city-profile.ipynb", "06-data-quality.ipynb"):
        shutil.copy(NOTEBOOKS / n, nbs / n)
    (tmp_path / "reports").mkdir()
    cat = tmp_path / "reports" / "catalog.yaml"
    cat.write_text(CATALOG, encoding="utf-8")
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    ran: list[dict] = []

    def fake_execute(jobs, workers, cost, cwd, on_result):
        seen = {}
        for j in jobs:
            folder = Path(j.data_dir)
            seen[j.name] = (
                sorted(p.name for p in (folder / "policies").iterdir()),
                views.view_places(folder),
            )
            Path(j.html_dir).mkdir(parents=True, exist_ok=True)
            (Path(j.html_dir) / f"{j.name}.html").write_text(j.name, encoding="utf-8")
            on_result({**result(j.name, "rendered", None, "ok"), "csv": []})
        ran.append(seen)

    monkeypatch.setattr(render_mod, "_execute", fake_execute)
    kw = {"reports_dir": tmp_path / "reports", "catalog": cat, "notebooks_dir": nbs, "data_dir": data}

    def run(**more):
        return {r["name"]: r["status"] for r in render_mod.render(progress=False, **kw, **more)}

    return {"run": run, "ran": ran, "data": data, "nbs": nbs, "cat": cat}


def test_the_notebooks_declare_what_they_read():
    assert declared(NOTEBOOKS / "02-city-profile.ipynb") == ["city"]
    assert declared(NOTEBOOKS / "04-family-account.ipynb") == ["cities", "household"]
    assert declared(NOTEBOOKS / "06-data-quality.ipynb") is None
    assert declared(NOTEBOOKS / "07-what-changed.ipynb") is None
    assert notebook_defaults(NOTEBOOKS / "02-city-profile.ipynb") == {"city": "泰安", "year": 0, "as_of": ""}


def test_each_job_gets_only_the_files_of_its_places(project):
    assert set(project["run"]().values()) == {"rendered"}
    seen = project["ran"][-1]
    national, shandong = "000000-national.yaml", "370000-shandong.yaml"
    assert seen["profile-jinan"] == (
        [national, shandong, "370100-jinan.yaml"],
        {"000000", "370000", "370100"},
    )
    assert seen["profile-taian"][0] == [national, shandong, "370900-taian.yaml"]
    assert seen["pair"][0] == [national, shandong, "370100-jinan.yaml", "370900-taian.yaml"]
    assert seen["quality"][1] is None  # the whole snapshot
    assert len(seen["quality"][0]) == 4


def test_an_edited_city_file_re_renders_its_reports_and_the_all_data_ones(project):
    project["run"]()
    with open(project["data"] / "policies" / "370900-taian.yaml", "a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    statuses = project["run"]()
    assert sorted(n for n, s in statuses.items() if s == "rendered") == ["pair", "profile-taian", "quality"]
    with open(project["data"] / "policies" / "370000-shandong.yaml", "a", encoding="utf-8") as fh:
        fh.write("# edited\n")  # a province file: every report of its cities
    assert set(project["run"]().values()) == {"rendered"}
    with open(project["data"] / "sources.yaml", "a", encoding="utf-8") as fh:
        fh.write("# edited\n")  # a catalogue file: every report
    assert set(project["run"]().values()) == {"rendered"}


def test_a_new_policy_file_for_a_named_place_re_keys_its_reports(project):
    """青岛 has no policy file: a report naming it is keyed on that absence."""
    project["cat"].write_text(
        CATALOG + "  - name: profile-qingdao\n    title: q\n    notebook: 02-city-profile.ipynb\n"
        "    parameters: {city: 青岛}\n",
        encoding="utf-8",
    )
    project["run"]()
    text = (project["data"] / "policies" / "370900-taian.yaml").read_text(encoding="utf-8")
    new = text.replace("370900", "370200").replace("taian", "qingdao")
    (project["data"] / "policies" / "370200-qingdao.yaml").write_text(new, encoding="utf-8")
    statuses = project["run"]()
    assert sorted(n for n, s in statuses.items() if s == "rendered") == ["profile-qingdao", "quality"]


def test_place_lookups_are_remembered(project, monkeypatch):
    project["run"]()
    cache = project["cat"].parent / ".cache"
    entries = load_catalog(project["cat"], project["nbs"])

    def no_load():
        raise AssertionError("the places were looked up again")

    first = report_reads(entries, project["data"], cache, no_load)
    assert first["profile-jinan"].places == ("000000", "370000", "370100")
    assert first["quality"] is None


def test_a_view_dataset_equals_a_fresh_load_of_the_view(tmp_path):
    full = load(GOOD)
    folder = views.make_view(
        GOOD,
        tmp_path / "v",
        ["000000", "370000", "370100"],
        ["000000-national.yaml", "370000-shandong.yaml", "370100-jinan.yaml"],
    )
    cut, fresh = views.narrowed(full, folder), load(folder)
    for name in ("claims", "sources", "jurisdictions", "parameters"):
        pd.testing.assert_frame_equal(getattr(cut, name), getattr(fresh, name))
    assert cut.version == fresh.version
    assert set(cut.claims["jurisdiction"]) == {"000000", "370000", "370100"}


def test_a_view_refuses_a_place_outside_it(tmp_path):
    import helpers as h

    folder = views.make_view(
        GOOD,
        tmp_path / "v",
        ["000000", "370000", "370100"],
        ["000000-national.yaml", "370000-shandong.yaml", "370100-jinan.yaml"],
    )
    ds = views.narrowed(load(GOOD), folder)
    assert not h.resolve(ds, "济南").empty
    with pytest.raises((OutsideViewError, InputError), match="outside this report's data"):
        h.resolve(ds, "泰安")
    assert not (folder / "policies" / "370900-taian.yaml").exists()


READER = {
    "cells": [
        {
            "cell_type": "code",
            "id": "p",
            "metadata": {"tags": ["parameters"]},
            "execution_count": None,
            "outputs": [],
            "source": ["city: str = '济南'\n", "other: str = '泰安'"],
        },
        {
            "cell_type": "code",
            "id": "r",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": [
                "import os, helpers as h\n",
                "ds = h.load()\n",
                "policies = sorted(os.listdir(os.path.join(os.environ['YIBAO_DATA_DIR'], 'policies')))\n",
                "print('files', policies, sorted(set(ds.claims['jurisdiction'])))\n",
                "try:\n",
                "    open(os.path.join(os.environ['YIBAO_DATA_DIR'], 'policies', '370900-taian.yaml'))\n",
                "    print('read the file outside the key')\n",
                "except FileNotFoundError:\n",
                "    print('file refused')\n",
                "h.resolve(ds, other)\n",
                "print('read the place outside the key')",
            ],
        },
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "yibao": {"reads": ["city"]},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


@pytest.mark.render
def test_a_report_cannot_read_data_outside_its_key(tmp_path):
    """Rendered for real: the kernel's data folder holds Jinan's files only; opening Tai'an's file
    fails, and naming 泰安 (not in the report's parameters) stops the report with that reason."""
    from helpers.build.render import render

    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    (nbs / "reader.ipynb").write_text(json.dumps(READER), encoding="utf-8")
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    cat = tmp_path / "catalog.yaml"
    cat.write_text(
        "reports:\n  - name: reader\n    title: r\n    notebook: reader.ipynb\n"
        "    parameters: {city: 济南}\n",
        encoding="utf-8",
    )
    out = render(
        reports_dir=tmp_path / "reports", catalog=cat, notebooks_dir=nbs, data_dir=data, progress=False
    )
    assert out[0]["status"] == "failed"
    assert "outside this report's data" in out[0]["detail"] and "泰安" in out[0]["detail"]
    executed = (tmp_path / "reports" / "executed").glob("*.ipynb")
    assert not list(executed)  # a failed report writes nothing
    # naming only places of its key, the same notebook renders; the file outside is still refused
    cat.write_text(
        "reports:\n  - name: reader\n    title: r\n    notebook: reader.ipynb\n"
        "    parameters: {city: 济南}\n  - name: both\n    title: b\n    notebook: reader.ipynb\n"
        "    parameters: {city: 济南, other: 济南}\n",
        encoding="utf-8",
    )
    out = {
        r["name"]: r
        for r in render(
            reports_dir=tmp_path / "reports", catalog=cat, notebooks_dir=nbs, data_dir=data, progress=False
        )
    }
    assert out["both"]["status"] == "rendered", out["both"]["detail"]
    nb = json.loads((tmp_path / "reports" / "executed" / "both.ipynb").read_text(encoding="utf-8"))
    printed = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    files = ["000000-national.yaml", "370000-shandong.yaml", "370100-jinan.yaml"]
    assert f"files {files} ['000000', '370000', '370100']" in printed
    assert "file refused" in printed and "read the place outside the key" in printed
