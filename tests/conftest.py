"""Shared fixtures: the real dataset, the small fixture dataset, and bad-input case dirs."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
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


# ---------------------------------------------------------------- honest markers
# `make test-fast` deselects `render` and `browser` tests; an unmarked test that renders notebooks or
# opens Chromium would make the fast lane slow (and lie about what it runs). While a test runs
# (its fixtures included), these entry points fail it unless it carries the marker.

_RUNNING: list[pytest.Item] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _RUNNING.append(item)
    try:
        yield
    finally:
        _RUNNING.pop()


def require_marker(marker: str, what: str) -> None:
    """Fail the running test unless it is marked `marker` (outside a test: nothing to check)."""
    item = _RUNNING[-1] if _RUNNING else None
    if item is not None and item.get_closest_marker(marker) is None:
        pytest.fail(f"{item.nodeid} {what} but is not marked @pytest.mark.{marker}", pytrace=False)


def _guarded(func, marker: str, what: str):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        require_marker(marker, what)
        return func(*args, **kwargs)

    return wrapper


def argv_marker(argv) -> str | None:
    """The marker a subprocess's command line needs: `render` for papermill or `yibao render`
    (not its --help), `browser` for chromium."""
    words = [str(a) for a in argv] if isinstance(argv, (list, tuple)) else str(argv).split()
    names = [Path(w).name for w in words]
    if any(n.startswith("chromium") for n in names):
        return "browser"
    if "--help" in words or "-h" in words:
        return None
    if "papermill" in names or ("render" in words and ("helpers.cli" in words or "yibao" in names)):
        return "render"
    return None


class _GuardedPopen(subprocess.Popen):
    def __init__(self, args, *rest, **kwargs):
        marker = argv_marker(args)
        if marker:
            require_marker(marker, f"starts {Path(str(args[0] if isinstance(args, list) else args)).name}")
        super().__init__(args, *rest, **kwargs)


def _install_guards() -> None:
    import importlib

    import papermill

    render_mod = importlib.import_module("helpers.build.render")
    render_mod._execute = _guarded(render_mod._execute, "render", "renders notebooks")
    papermill.execute_notebook = _guarded(papermill.execute_notebook, "render", "executes a notebook")
    subprocess.Popen = _GuardedPopen  # type: ignore[misc]
    try:
        import playwright.sync_api as pw
    except ImportError:  # no browser tests without playwright
        return
    pw.sync_playwright = _guarded(pw.sync_playwright, "browser", "opens a browser")


_install_guards()


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
