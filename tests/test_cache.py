"""The renderer's cache key and lock, without running a notebook (the executor is replaced).

`report_hash` must change with every input a report depends on; `render` must re-run a report
whose hash changed or whose HTML is missing, and skip the rest; the render lock is exclusive.
"""

from __future__ import annotations

import dataclasses
import fcntl
import importlib
import importlib.metadata
import json
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CATALOG, NB

from helpers import config, fingerprint
from helpers.build.catalog import Entry
from helpers.build.execute import result
from helpers.build.render import code_fingerprint, render_lock, report_hash
from helpers.exceptions import YibaoError
from helpers.fingerprint import checker_hash, data_files, data_hash, data_version, package_versions

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


# ---------------------------------------------------------------- data_hash / data_files / data_version


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A small data folder: the three top-level files and two policy files (.yaml and .yml)."""
    d = tmp_path / "data"
    (d / "policies").mkdir(parents=True)
    (d / "parameters.yaml").write_text("currency: CNY\n", encoding="utf-8")
    (d / "jurisdictions.csv").write_text("code,name\n370900,泰安\n", encoding="utf-8")
    (d / "sources.yaml").write_text("- id: s1\n", encoding="utf-8")
    (d / "policies" / "370900-taian.yaml").write_text("jurisdiction: 370900\n", encoding="utf-8")
    (d / "policies" / "370100-jinan.yml").write_text("jurisdiction: 370100\n", encoding="utf-8")
    return d


def _ignored_by_the_loader(d: Path) -> None:
    """Paths the loader never reads: hidden and non-YAML files, files outside policies/."""
    pol = d / "policies"
    (pol / ".370900-taian.yaml").write_text("hidden copy")
    (pol / "README.md").write_text("notes")
    (pol / "370900-taian.yaml.bak").write_text("backup")
    (pol / "drafts").mkdir()
    (pol / "drafts" / "draft.yaml").write_text("x: 1")
    (d / "COVERAGE.md").write_text("coverage")
    (d / "extra.yaml").write_text("x: 1")


def test_data_files_are_the_loader_files_in_a_fixed_order(data_dir):
    pol = data_dir / "policies"
    (pol / "350200-Xiamen.YAML").write_text("jurisdiction: 350200\n")  # the suffix in any case
    _ignored_by_the_loader(data_dir)
    (pol / "folder.yaml").mkdir()
    os.mkfifo(pol / "pipe.yaml")
    (pol / "broken.yaml").symlink_to(pol / "missing.yaml")
    top = [data_dir / n for n in ("parameters.yaml", "jurisdictions.csv", "sources.yaml")]
    policies = [pol / n for n in ("350200-Xiamen.YAML", "370100-jinan.yml", "370900-taian.yaml")]
    assert data_files(data_dir) == top + policies
    (data_dir / "sources.yaml").unlink()
    assert data_files(data_dir) == top[:2] + policies  # a missing file is not listed


def test_data_files_without_a_readable_policies_folder(data_dir, monkeypatch):
    top = [data_dir / n for n in ("parameters.yaml", "jurisdictions.csv", "sources.yaml")]
    real_listdir = os.listdir

    def unreadable(path="."):
        if Path(path) == data_dir / "policies":
            raise PermissionError(13, "Permission denied", str(path))
        return real_listdir(path)

    before = data_hash(data_dir)
    monkeypatch.setattr(os, "listdir", unreadable)
    assert data_files(data_dir) == top  # the loader names the problem, the hash does not fail
    assert data_hash(data_dir) != before
    monkeypatch.undo()
    shutil.rmtree(data_dir / "policies")
    (data_dir / "policies").write_text("not a folder")
    assert data_files(data_dir) == top


def _replace(path: Path, kind: str) -> None:
    path.unlink()
    if kind == "folder":
        path.mkdir()
    elif kind == "pipe":
        os.mkfifo(path)
    else:
        path.symlink_to(path.parent / "missing.yaml")


def _swap_bytes(a: Path, b: Path) -> None:
    x, y = a.read_bytes(), b.read_bytes()
    a.write_bytes(y)
    b.write_bytes(x)


#: Each edit changes what the loader reads, so each must change data_hash (and no two alike).
DATA_EDITS: dict[str, Callable[[Path], None]] = {
    "policy bytes": lambda d: (d / "policies" / "370900-taian.yaml").write_text("jurisdiction: 370901\n"),
    "top file bytes": lambda d: (d / "parameters.yaml").write_text("currency: USD\n"),
    "policy renamed": lambda d: (d / "policies" / "370900-taian.yaml").rename(d / "policies" / "a.yaml"),
    "yml becomes yaml": lambda d: (d / "policies" / "370100-jinan.yml").rename(
        d / "policies" / "370100-jinan.yaml"
    ),
    "yml becomes YML": lambda d: (d / "policies" / "370100-jinan.yml").rename(
        d / "policies" / "370100-jinan.YML"
    ),
    "policy added": lambda d: (d / "policies" / "370200-qingdao.yaml").write_text("jurisdiction: 370200\n"),
    "empty policy added": lambda d: (d / "policies" / "370200-qingdao.yaml").write_text(""),
    "policy removed": lambda d: (d / "policies" / "370100-jinan.yml").unlink(),
    "top file removed": lambda d: (d / "sources.yaml").unlink(),
    "top file emptied": lambda d: (d / "sources.yaml").write_text(""),
    "two files swap bytes": lambda d: _swap_bytes(d / "parameters.yaml", d / "sources.yaml"),
    "top file is a folder": lambda d: _replace(d / "sources.yaml", "folder"),
    "top file is a pipe": lambda d: _replace(d / "sources.yaml", "pipe"),
    "top file is a broken link": lambda d: _replace(d / "sources.yaml", "link"),
    "policy is a folder": lambda d: _replace(d / "policies" / "370900-taian.yaml", "folder"),
    "policy is a pipe": lambda d: _replace(d / "policies" / "370900-taian.yaml", "pipe"),
    "policy is a broken link": lambda d: _replace(d / "policies" / "370900-taian.yaml", "link"),
}


def test_every_change_the_loader_would_see_changes_the_data_hash(tmp_path, data_dir):
    hashes = {"unchanged": data_hash(data_dir)}
    for i, (name, edit) in enumerate(DATA_EDITS.items()):  # byte edits first, pipes last
        d = tmp_path / f"edit{i}"
        shutil.copytree(data_dir, d)
        edit(d)
        h = data_hash(d)
        assert h not in hashes.values(), (name, hashes)
        hashes[name] = h


def test_the_data_hash_ignores_what_the_loader_does_not_read(tmp_path, data_dir):
    before = data_hash(data_dir)
    copy = tmp_path / "elsewhere" / "data"
    shutil.copytree(data_dir, copy)
    assert data_hash(copy) == before  # relative paths: the same data in another checkout
    _ignored_by_the_loader(data_dir)
    os.utime(data_dir / "sources.yaml", (0, 0))
    assert data_hash(data_dir) == before


def test_the_data_hash_with_a_missing_file_still_follows_the_others(data_dir):
    (data_dir / "parameters.yaml").unlink()  # the check fails, but its cached answer must not stick
    before = data_hash(data_dir)
    DATA_EDITS["policy bytes"](data_dir)
    assert data_hash(data_dir) != before


def test_the_data_hash_tells_an_empty_policies_folder_from_none(data_dir):
    for p in (data_dir / "policies").iterdir():
        p.unlink()
    empty = data_hash(data_dir)
    (data_dir / "policies").rmdir()
    assert data_hash(data_dir) != empty


def test_the_data_hash_of_an_unreadable_file(data_dir, monkeypatch):
    before = data_hash(data_dir)
    blocked = data_dir / "sources.yaml"
    real_read = Path.read_bytes

    def read_bytes(self):
        if self == blocked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert data_hash(data_dir) != before  # no error here: the loader names the problem
    assert data_files(data_dir)[2] == blocked


def test_data_version_is_the_start_of_the_data_hash(data_dir):
    full = data_hash(data_dir)
    assert re.fullmatch("[0-9a-f]{64}", full)
    assert data_version(data_dir) == full[:12]


# ---------------------------------------------------------------- checker_hash / package_versions


@pytest.fixture
def checker_code(tmp_path, monkeypatch) -> Path:
    """A stand-in helpers package: checker_hash reads the files next to fingerprint.py."""
    pkg = tmp_path / "helpers"
    (pkg / "data").mkdir(parents=True)
    (pkg / "report").mkdir()
    for name in ("data/__init__.py", "data/schema.py", "exceptions.py", "config.py", "hints.py"):
        (pkg / name).write_text(f"# {name}\n")
    (pkg / "fingerprint.py").write_text("# fingerprint\n")
    monkeypatch.setattr(fingerprint, "__file__", str(pkg / "fingerprint.py"))
    return pkg


@pytest.mark.parametrize(
    "path", ["data/__init__.py", "data/schema.py", "exceptions.py", "config.py", "hints.py", "fingerprint.py"]
)
def test_checker_hash_follows_the_validating_code(checker_code, path):
    before = checker_hash()
    assert checker_hash() == before
    (checker_code / path).write_text((checker_code / path).read_text() + "x = 1\n")
    assert checker_hash() != before


def test_checker_hash_follows_added_and_renamed_data_modules(checker_code):
    before = checker_hash()
    (checker_code / "data" / "new.py").write_text("")
    added = checker_hash()
    (checker_code / "data" / "new.py").rename(checker_code / "data" / "renamed.py")
    assert len({before, added, checker_hash()}) == 3


def test_checker_hash_ignores_other_code(checker_code):
    before = checker_hash()
    (checker_code / "report" / "tables.py").write_text("x = 1\n")
    (checker_code / "data" / "NOTES.md").write_text("notes")
    (checker_code / "cli.py").write_text("x = 1\n")
    assert checker_hash() == before


@pytest.mark.parametrize("package", ["pydantic", "pandas"])
def test_checker_hash_follows_the_pydantic_and_pandas_versions(checker_code, tmp_path, monkeypatch, package):
    before = checker_hash()
    site = tmp_path / "site"
    (site / f"{package}-99.0.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])  # found first: this version is "installed"
    assert package_versions((package,)) == {package: "99.0"}
    assert checker_hash() != before


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    """sys.path: the working folder (""), a missing folder, then a folder of made-up installed
    distributions; importlib.metadata is not to be asked about a distribution found there."""
    cwd, site = tmp_path / "cwd", tmp_path / "site"
    cwd.mkdir()
    (cwd / "yibao_cwd_pkg-4.0.dist-info").mkdir()
    (cwd / "yibao_fake_pkg-9.9.tar.gz").write_text("a downloaded sdist, not an installed distribution")
    (site / "yibao_fake_pkg-1.2.3.dist-info").mkdir(parents=True)
    (site / "Yibao.Legacy-Pkg-0.5.dist-info").mkdir()  # an old installer's unnormalised name
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "path", ["", str(tmp_path / "missing"), str(site), *sys.path])

    def no_metadata(name):
        raise AssertionError(f"importlib.metadata asked for {name}")

    monkeypatch.setattr(importlib.metadata, "version", no_metadata)
    return site


def test_package_versions_reads_dist_info_folder_names(site):
    names = ("yibao_fake_pkg", "yibao-fake-pkg", "Yibao.Fake.Pkg", "YIBAO_FAKE-pkg")
    assert package_versions(names) == dict.fromkeys(names, "1.2.3")  # names normalised
    assert package_versions(("yibao-legacy-pkg", "yibao_cwd_pkg")) == {
        "yibao-legacy-pkg": "0.5",
        "yibao_cwd_pkg": "4.0",  # "" on sys.path is the working folder
    }


def test_package_versions_falls_back_to_importlib_metadata(tmp_path, monkeypatch):
    egg = tmp_path / "site" / "yibao_egg-4.5.6.egg-info"  # importlib.metadata reads it; no dist-info
    egg.mkdir(parents=True)
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: yibao-egg\nVersion: 4.5.6\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "site"), *sys.path])
    got = package_versions(("yibao-egg", "yibao-not-installed-anywhere", "pydantic"))
    assert got == {
        "yibao-egg": "4.5.6",
        "yibao-not-installed-anywhere": None,
        "pydantic": importlib.metadata.version("pydantic"),  # the same answer, read faster
    }


def test_a_passed_data_check_is_remembered_per_checker(tmp_path, monkeypatch):
    """The same data checked by other checking code is checked again: a pass remembered by data
    hash alone would let data that new rules refuse through without a look."""
    from conftest import GOOD

    import helpers.data.loading as loading
    from helpers import datacheck

    monkeypatch.setenv("YIBAO_CACHE_DIR", str(tmp_path))
    loads: list[Path] = []
    real_load = loading.load
    monkeypatch.setattr(loading, "load", lambda d: loads.append(d) or real_load(d))
    first = datacheck.check(GOOD)
    assert datacheck.check(GOOD) == first and len(loads) == 1  # remembered
    monkeypatch.setattr(datacheck, "checker_hash", lambda: "other-checking-code")
    assert datacheck.check(GOOD) == first and len(loads) == 2  # checked again under the new checker
