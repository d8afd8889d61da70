"""Renderer under faults: data edited mid-render, SIGTERM and Ctrl-C, relative paths, size guard."""

from __future__ import annotations

import importlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from conftest import GOOD
from test_render import make_project

from helpers.build.render import render
from helpers.cli import main

pytestmark = pytest.mark.render
SRC = str(Path(__file__).resolve().parents[1] / "src")
PAIR = """reports:
  - name: pair
    title: Pair
    notebook: 01-compare-cities.ipynb
    parameters: {cities: "济南,泰安", year: 2025, topics: "binding"}
  - name: pair2
    title: Pair again
    notebook: 01-compare-cities.ipynb
    parameters: {cities: "泰安,济南", year: 2025, topics: "binding"}
"""


def project(root: Path) -> dict:
    kw = make_project(root, PAIR)
    shutil.copytree(GOOD, root / "data")
    kw["data_dir"] = root / "data"
    return kw


def cli_render(kw: dict, *extra: str) -> subprocess.Popen:
    """`yibao render` in its own process (and session, like a job started from a shell)."""
    argv = [sys.executable, "-m", "helpers.cli", "render", "--quiet", "--data-dir", str(kw["data_dir"])]
    argv += ["--reports-dir", str(kw["reports_dir"]), "--catalog", str(kw["catalog"])]
    argv += ["--notebooks-dir", str(kw["notebooks_dir"]), *extra]
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    # Ctrl-C as in a terminal: a test run started as a background job (`cmd &` in a script) has
    # SIGINT ignored, and a child inherits that; give the renderer the default disposition back
    return subprocess.Popen(
        argv,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,  # noqa: PLW1509 - only resets one signal, no locks or threads
    )


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _is_kernel(p: psutil.Process) -> bool:
    """A kernel: a fresh one runs ipykernel_launcher; a forked one leads its own session."""
    try:
        return "ipykernel" in " ".join(_cmdline(p)) or os.getsid(p.pid) == p.pid
    except OSError:
        return False


def wait_for_kernel(proc: subprocess.Popen, timeout: float = 90) -> list[psutil.Process]:
    """Every descendant of the renderer once a kernel is running among them."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        kids = psutil.Process(proc.pid).children(recursive=True)
        if any(_is_kernel(k) for k in kids):
            return kids
        time.sleep(0.05)
    raise AssertionError("no kernel started")


def _cmdline(p: psutil.Process) -> list[str]:
    try:
        return p.cmdline()
    except psutil.Error:
        return []


def test_data_edited_during_a_render_never_leaves_a_stale_cache(tmp_path):
    kw = project(tmp_path)
    policy = kw["data_dir"] / "policies" / "370900-taian.yaml"
    original = policy.read_text(encoding="utf-8")
    proc = cli_render(kw)
    wait_for_kernel(proc)
    policy.write_text(original.replace("value: 8\n", "value: 5\n", 1), encoding="utf-8")
    proc.communicate(timeout=300)
    policy.write_text(original, encoding="utf-8")  # changed back, as in the issue
    render(**kw)  # no --force: whatever is cached must match the data now on disk
    cached = {p.name: p.read_bytes() for p in sorted((kw["reports_dir"] / "html").iterdir())}
    render(force=True, **kw)
    forced = {p.name: p.read_bytes() for p in sorted((kw["reports_dir"] / "html").iterdir())}
    assert cached == forced


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_stopped_render_leaves_no_worker_or_kernel_and_one_line(tmp_path, sig, code):
    kw = project(tmp_path)
    proc = cli_render(kw, "--force")
    kids = wait_for_kernel(proc)
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)  # Ctrl-C in a terminal reaches the whole foreground group
    else:
        os.kill(proc.pid, sig)  # `kill PID`: the renderer alone
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    # the kernels' start-up warning about TCP goes away with IPC transport (the kernel start-up work)
    lines = [ln for ln in err.strip().splitlines() if "Kernel is running over TCP" not in ln]
    assert "Traceback" not in err and len(lines) == 1, err
    assert lines[0].startswith("interrupted")
    gone, alive = psutil.wait_procs(kids, timeout=15)
    assert not alive, [(_cmdline(p), p.pid) for p in alive]
    res = {r["name"]: r for r in render(**kw)}  # the lock is free and the next run works
    assert {r["status"] for r in res.values()} <= {"rendered", "cached"} and len(res) == 2, res


def test_relative_paths_resolve_against_the_working_folder(tmp_path, monkeypatch, capsys):
    kw = project(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(kw["catalog"], out / "catalog.yaml")
    monkeypatch.chdir(tmp_path)
    argv = ["render", "--quiet", "--data-dir", "data", "--reports-dir", "out"]
    argv += ["--catalog", "out/catalog.yaml"]
    argv += ["--notebooks-dir", "notebooks", "--only", "pair"]
    assert main(argv) == 0
    summary = capsys.readouterr().out
    assert "open out/index.html" in summary.replace("\n", "")
    assert (out / "html" / "pair-binding.csv").exists() and (out / "index.html").exists()
    assert not list((tmp_path / "notebooks").rglob("*.csv")) and not (tmp_path / "reports" / "html").exists()
    executed = (out / "executed" / "pair.ipynb").read_bytes()
    assert main([*argv, "--force"]) == 0
    assert (out / "executed" / "pair.ipynb").read_bytes() == executed  # no random id, no absolute path
    assert str(tmp_path) not in executed.decode()
    env = {**os.environ, "PYTHONPATH": SRC}
    head = subprocess.run(
        f"{sys.executable} -m helpers.cli {' '.join(argv)} | head -1; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert head.returncode == 0 and "Traceback" not in head.stderr, head.stderr


def test_html_size_guard_fails_the_report_with_a_reason(tmp_path, monkeypatch):
    kw = project(tmp_path)
    execute = importlib.import_module("helpers.build.execute")
    monkeypatch.setattr(execute, "MAX_HTML_BYTES", 10_000)  # inherited by the forked workers
    res = {r["name"]: r for r in render(only=["pair"], **kw)}
    assert res["pair"]["status"] == "failed"
    assert "size guard" in res["pair"]["detail"] and "MB limit" in res["pair"]["detail"]
    assert not (kw["reports_dir"] / "html" / "pair.html").exists()


def test_full_disk_is_one_message(tmp_path, monkeypatch, capsys):
    import errno

    kw = project(tmp_path)
    render_mod = importlib.import_module("helpers.build.render")

    def full(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(kw["reports_dir"] / "index.html"))

    monkeypatch.setattr(render_mod, "write_index", full)
    monkeypatch.setattr(render_mod, "_execute", lambda *a, **k: None)
    argv = ["render", "--quiet", "--data-dir", str(kw["data_dir"]), "--reports-dir", str(kw["reports_dir"])]
    argv += ["--catalog", str(kw["catalog"]), "--notebooks-dir", str(kw["notebooks_dir"])]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_kill_9_mid_render_leaves_nothing_that_spoils_the_next(tmp_path):
    """`kill -9` of the renderer's process group while a kernel runs: no kernel survives it (they
    die with their parent), the lock is free, and the next render publishes every report with no
    temp file or staging folder left in reports/."""
    kw = project(tmp_path)
    proc = cli_render(kw)
    kids = wait_for_kernel(proc)
    os.killpg(proc.pid, signal.SIGKILL)  # the renderer and its workers; a kernel leads its own session
    proc.communicate(timeout=60)
    gone, alive = psutil.wait_procs(kids, timeout=30)
    assert not alive, [(_cmdline(p), p.pid) for p in alive]
    res = {r["name"]: r["status"] for r in render(**kw)}
    assert set(res) == {"pair", "pair2"} and set(res.values()) <= {"rendered", "cached"}, res
    reports = kw["reports_dir"]
    left = [p for p in reports.rglob(".*") if p.name.endswith(".tmp") or ".staging-" in p.name]
    assert left == []
    for name in res:
        assert "</html>" in (reports / "html" / f"{name}.html").read_text(encoding="utf-8")
