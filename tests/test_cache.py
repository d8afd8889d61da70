"""The renderer's cache key and lock, without running a notebook (the executor is replaced).

`report_hash` must change with every input a report depends on; `render` must re-run a report
whose hash changed or whose HTML is missing, and skip the rest; the render lock is exclusive.
"""

from __future__ import annotations

import dataclasses
import fcntl
import importlib
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import CATALOG, NB

from helpers import config
from helpers.build.catalog import Entry
from helpers.build.execute import result
from helpers.build.render import code_fingerprint, render_lock, report_hash
from helpers.exceptions import YibaoError

render_mod = importlib.import_module("helpers.build.render")  # the package re-exports render()
cachekey = importlib.import_module("helpers.build.cachekey")



# ---------------------------------------------------------------- report_hash


@pytest.fixture
def entry(tmp_path) -> Entry:
    nb = tmp_path / "n.ipynb"
    shutil.copy(NB, nb)
    return Entry("one", "Title", nb, {"city": "泰安", "year": 2025}, line=3, timeout=120.0)


def test_report_hash_is_stable_and_hex(entry):
    h = report_hash(entry, "data1", "code1")
    assert h == report_hash(dataclasses.replace(entry), "data1", "code1")
    assert len(h) == 64 and int(h, 16) >= 0


def test_report_hash_ignores_the_catalogue_line(entry):
    assert report_hash(entry, "d", "c") == report_hash(dataclasses.replace(entry, line=9), "d", "c")


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Other title"},
        {"parameters": {"city": "济南", "year": 2025}},
        {"parameters": {"city": "泰安", "year": 2024}},
        {"parameters": {"city": "泰安"}},
        {"timeout": 60.0},
        {"name": None},  # placeholder replaced below: the notebook's bytes
    ],
)
def test_each_entry_input_changes_the_hash(entry, change):
    before = report_hash(entry, "d", "c")
    if "name" in change:
        entry.notebook.write_bytes(entry.notebook.read_bytes() + b" ")
        after = report_hash(entry, "d", "c")
    else:
        after = report_hash(dataclasses.replace(entry, **change), "d", "c")
    assert after != before


def test_data_version_and_code_change_the_hash(entry):
    base = report_hash(entry, "d", "c")
    assert report_hash(entry, "d2", "c") != base
    assert report_hash(entry, "d", "c2") != base


def test_parameters_that_are_dates_or_chinese_text_hash(entry):
    import datetime as dt

    a = dataclasses.replace(entry, parameters={"as_of": dt.date(2025, 1, 1), "city": "泰安"})
    b = dataclasses.replace(entry, parameters={"as_of": dt.date(2025, 1, 2), "city": "泰安"})
    assert report_hash(a, "d", "c") != report_hash(b, "d", "c")


def test_parameter_order_does_not_change_the_hash(entry):
    swapped = dataclasses.replace(entry, parameters={"year": 2025, "city": "泰安"})
    assert report_hash(swapped, "d", "c") == report_hash(entry, "d", "c")


# ---------------------------------------------------------------- code_fingerprint


@pytest.fixture
def package(tmp_path, monkeypatch) -> Path:
    pkg = tmp_path / "helpers"
    (pkg / "build" / "templates").mkdir(parents=True)
    (pkg / "a.py").write_text("x = 1\n")
    (pkg / "build" / "templates" / "t.html.j2").write_text("<p>{{ x }}</p>")
    (pkg / "build" / "c.json").write_text("{}")
    (pkg / "build" / "templates" / "s.css").write_text("p { color: black }")
    (pkg / "fonts").mkdir()
    (pkg / "fonts" / "f.otf").write_bytes(b"font")
    monkeypatch.setattr(config, "PACKAGE_DIR", pkg)
    return pkg


@pytest.mark.parametrize(
    "path", ["a.py", "build/templates/t.html.j2", "build/c.json", "build/templates/s.css"]
)
def test_code_fingerprint_follows_source_and_templates(package, path):
    before = code_fingerprint()
    assert code_fingerprint() == before
    (package / path).write_text((package / path).read_text() + " ")
    assert code_fingerprint() != before


def test_code_fingerprint_follows_a_renamed_file(package):
    before = code_fingerprint()
    (package / "a.py").rename(package / "b.py")
    assert code_fingerprint() != before


def test_code_fingerprint_ignores_other_files(package):
    before = code_fingerprint()
    (package / "fonts" / "f.otf").write_bytes(b"other font")
    (package / "notes.txt").write_text("x")
    assert code_fingerprint() == before


def test_code_fingerprint_without_an_installed_package(package, monkeypatch):
    real = cachekey.package_versions

    def missing(names):
        return {n: (None if n == "seaborn" else v) for n, v in real(names).items()}

    before = code_fingerprint()
    assert real(("seaborn",))["seaborn"]  # installed here: the test below changes something
    monkeypatch.setattr(cachekey, "package_versions", missing)
    assert code_fingerprint() != before
    assert code_fingerprint() == code_fingerprint()


def test_code_fingerprint_follows_package_and_python_versions(package, monkeypatch):
    before = code_fingerprint()
    real = cachekey.package_versions
    bumped = lambda names: {n: ("0.0-test" if n == "pandas" else v) for n, v in real(names).items()}  # noqa: E731
    monkeypatch.setattr(cachekey, "package_versions", bumped)
    assert code_fingerprint() != before
    monkeypatch.setattr(cachekey, "package_versions", real)
    assert code_fingerprint() == before
    monkeypatch.setattr(cachekey.platform, "python_version", lambda: "3.0.0")
    assert code_fingerprint() != before


# ---------------------------------------------------------------- render's cache decisions


def test_unchanged_reports_are_skipped(project):
    assert project["run"]() == {"one": "rendered", "two": "rendered"}
    assert project["run"]() == {"one": "cached", "two": "cached"}
    assert project["ran"] == [["one", "two"]]
    st = json.loads((project["kw"]["reports_dir"] / ".cache" / "one.json").read_text())
    entry = Entry("one", "One", project["kw"]["notebooks_dir"] / "raises.ipynb", {"fail": False})
    version = render_mod.data_version(project["data"])
    assert st["hash"] == report_hash(entry, version, code_fingerprint())
    assert (st["status"], st["data_version"]) == ("rendered", version)


def test_notebook_inspections_are_cached_and_reused(project, monkeypatch):
    import hashlib

    project["run"]()
    digest = hashlib.sha256((project["kw"]["notebooks_dir"] / "raises.ipynb").read_bytes()).hexdigest()[:16]
    saved = project["kw"]["reports_dir"] / ".cache" / f"params-{digest}.json"
    assert json.loads(saved.read_text()) == {"fail": "bool"}
    import papermill

    def no_inspection(*a, **k):
        raise AssertionError("a warm render must not inspect the notebook again")

    monkeypatch.setattr(papermill, "inspect_notebook", no_inspection)
    assert project["run"]() == {"one": "cached", "two": "cached"}


def test_a_missing_html_file_forces_a_re_render_of_that_report_only(project):
    project["run"]()
    (project["kw"]["reports_dir"] / "html" / "two.html").unlink()
    assert project["run"]() == {"one": "cached", "two": "rendered"}
    assert project["ran"][-1] == ["two"]


def test_changed_data_re_renders_everything(project):
    project["run"]()
    pol = project["data"] / "policies" / "370900-taian.yaml"
    pol.write_text(pol.read_text(encoding="utf-8").replace("value: 390", "value: 391"), encoding="utf-8")
    assert project["run"]() == {"one": "rendered", "two": "rendered"}


def test_a_changed_entry_re_renders_that_report(project):
    project["run"]()
    project["cat"].write_text(CATALOG.replace("title: Two", "title: Two!"), encoding="utf-8")
    assert project["run"]() == {"one": "cached", "two": "rendered"}


def test_force_and_only(project):
    project["run"]()
    assert project["run"](force=True, only=["one"]) == {"one": "rendered"}
    assert project["ran"][-1] == ["one"]


def test_a_failed_report_is_not_cached(project, monkeypatch):
    def failing(jobs, workers, cost, cwd, on_result):
        for j in jobs:
            on_result({**result(j.name, "failed", None, "boom", cell=2)})

    monkeypatch.setattr(render_mod, "_execute", failing)
    assert project["run"]() == {"one": "failed", "two": "failed"}
    st = json.loads((project["kw"]["reports_dir"] / ".cache" / "one.json").read_text())
    assert st["hash"] is None and st["status"] == "failed"
    assert project["run"]() == {"one": "failed", "two": "failed"}  # tried again, never "cached"


# ---------------------------------------------------------------- the lock


def _try_lock(path: Path, kind: int) -> bool:
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, kind | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def test_render_lock_is_exclusive_and_released(tmp_path):
    with render_lock(tmp_path):
        assert not _try_lock(tmp_path, fcntl.LOCK_SH)
        assert not _try_lock(tmp_path, fcntl.LOCK_EX)
        with pytest.raises(YibaoError, match="another 'yibao render' is running"), render_lock(tmp_path):
            pass
    assert _try_lock(tmp_path, fcntl.LOCK_EX)
    assert list(tmp_path.iterdir()) == []  # taking the lock writes no file


def test_render_lock_waits_for_a_shared_holder_too(tmp_path):
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        with pytest.raises(YibaoError), render_lock(tmp_path):
            pass
    finally:
        os.close(fd)


def test_render_lock_is_released_after_an_error(tmp_path):
    with pytest.raises(RuntimeError), render_lock(tmp_path):
        raise RuntimeError("boom")
    assert _try_lock(tmp_path, fcntl.LOCK_EX)
