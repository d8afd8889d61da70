"""Shared fixtures: the real dataset, the small fixture dataset, and bad-input case dirs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from helpers.data import load

# `make mutation` runs every test once per mutant: the same examples each time, none stored.
settings.register_profile("mutation", derandomize=True, database=None, print_blob=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

TESTS = Path(__file__).parent
GOOD = TESTS / "fixtures" / "good_data"
BAD = TESTS / "bad_inputs"
NB = TESTS / "fixtures" / "notebooks" / "raises.ipynb"
CATALOG = """reports:
  - {name: one, title: One, notebook: raises.ipynb, parameters: {fail: false}}
  - {name: two, title: Two, notebook: raises.ipynb, parameters: {fail: false}}
"""


@pytest.fixture(autouse=True, scope="session")
def _own_check_cache(tmp_path_factory):
    """`yibao check-data` remembers a passed check per (data hash, checker hash) in a user cache
    folder. Each test session gets its own, empty one: a check remembered by another checkout — or,
    under `make mutation`, by an earlier mutant that let bad data pass (every mutant has the same
    checker hash, and each mutant's tests are a new session) — must never decide a test.
    Subprocesses started by tests inherit it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("YIBAO_CACHE_DIR", str(tmp_path_factory.mktemp("check-cache")))
        yield


@pytest.fixture(scope="session")
def real():
    """The project's own dataset."""
    return load()


@pytest.fixture(scope="session")
def mini():
    """The small fixture dataset (tests/fixtures/good_data) used by resolver and rule tests."""
    return load(GOOD)


def build_case(case: Path, root: Path) -> Path:
    """Copy the good fixture data into root/data and lay the case's files over it.

    A case with notebooks/ starts from a copy of the project's notebooks. A SETUP file makes what
    git cannot store, one per line: `fifo PATH`, `dir PATH`, `symlink PATH TARGET`, `rmtree PATH`
    (paths relative to root; an existing file at PATH is replaced).
    """
    shutil.copytree(GOOD, root / "data")
    if (case / "notebooks").exists():
        from helpers import config

        shutil.copytree(config.NOTEBOOKS_DIR, root / "notebooks")
    for f in case.rglob("*"):
        rel = f.relative_to(case)
        if f.is_dir() or rel.parts[0] not in ("data", "reports", "notebooks"):
            continue
        target = root / rel
        if f.name.endswith(".delete"):
            target.with_name(f.name.removesuffix(".delete")).unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)
    setup = case / "SETUP"
    for line in setup.read_text().splitlines() if setup.exists() else []:
        op, rel, *rest = line.split()
        target = root / rel
        if op == "rmtree":
            shutil.rmtree(target)
            continue
        target.unlink(missing_ok=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        if op == "fifo":
            os.mkfifo(target)
        elif op == "dir":
            target.mkdir()
        elif op == "symlink":
            target.symlink_to(rest[0])
    gen = case / "GENERATE"
    if gen.exists():
        rel, size = gen.read_text().split()
        with open(root / rel, "wb") as fh:
            fh.write(b"#" * (int(size) - 1) + b"\n")
    return root / "data"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A catalogue of two reports (tmp_path/reports, notebooks, data) and a fake executor that writes
    each job's HTML: `run(**more)` renders and returns {name: status}; `ran` lists the jobs run."""
    import importlib

    from helpers.build.execute import result

    render_mod = importlib.import_module("helpers.build.render")
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    shutil.copy(NB, nbs / "raises.ipynb")
    (tmp_path / "reports").mkdir()
    cat = tmp_path / "reports" / "catalog.yaml"
    cat.write_text(CATALOG, encoding="utf-8")
    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    ran: list[list[str]] = []

    def fake_execute(jobs, workers, cost, cwd, on_result):
        if jobs:
            ran.append(sorted(j.name for j in jobs))
        for j in jobs:
            Path(j.html_dir).mkdir(parents=True, exist_ok=True)
            (Path(j.html_dir) / f"{j.name}.html").write_text(f"<html>{j.name}</html>", encoding="utf-8")
            on_result({**result(j.name, "rendered", None, "ok"), "csv": []})

    monkeypatch.setattr(render_mod, "_execute", fake_execute)
    kw = {"reports_dir": tmp_path / "reports", "catalog": cat, "notebooks_dir": nbs, "data_dir": data}

    def run(**more):
        res = render_mod.render(progress=False, **kw, **more)
        return {r["name"]: r["status"] for r in res}

    return {"run": run, "ran": ran, "kw": kw, "data": data, "cat": cat}
