"""Render the catalogue: check parameters, skip unchanged reports, run the rest in fresh kernels."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import multiprocessing as mp
import os
import platform
import queue as queue_mod
import time
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from .. import config
from ..data import data_version, did_you_mean, load
from ..exceptions import YibaoError
from .atomic import write_atomic
from .catalog import Entry, load_catalog
from .execute import Job, result, worker
from .index import write_index

PACKAGES = (
    "pandas",
    "numpy",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "jupyter_client",
    "pydantic",
    "pyyaml",
)


@contextmanager
def render_lock(reports_dir: Path):
    """Only one render at a time: a second one is refused with a message (no corrupted output).

    The lock is taken on the reports folder itself, so checking creates no file there.
    """
    reports_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(reports_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise YibaoError(
            f"another 'yibao render' is running on {config.display_path(reports_dir)}; "
            "wait for it to finish and run again"
        ) from None
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def code_fingerprint() -> str:
    """Hash of the helpers source, templates and the versions of the packages that shape output."""
    h = hashlib.sha256()
    for p in sorted(config.PACKAGE_DIR.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".j2", ".json"):
            h.update(p.relative_to(config.PACKAGE_DIR).as_posix().encode() + p.read_bytes())
    for name in PACKAGES:
        try:
            h.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(name.encode())
    h.update(platform.python_version().encode())
    return h.hexdigest()


def report_hash(entry: Entry, data_version: str, code: str) -> str:
    """Content hash of everything a report depends on."""
    h = hashlib.sha256(entry.notebook.read_bytes())
    h.update(json.dumps(entry.parameters, sort_keys=True, ensure_ascii=False, default=str).encode())
    h.update(f"{entry.title}|{entry.timeout}|{data_version}|{code}".encode())
    return h.hexdigest()


def _state(cache_dir: Path, name: str) -> dict:
    p = cache_dir / f"{name}.json"
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _clean_temp_files(reports_dir: Path) -> None:
    """Remove temp files a killed render may have left (they are never read)."""
    for sub in ("html", "executed"):
        for tmp in (reports_dir / sub).glob(".*.tmp"):
            tmp.unlink(missing_ok=True)


def _partition(jobs: list[Job], n: int, cost: dict[str, float]) -> list[list[Job]]:
    """Split jobs over n workers, longest first onto the least-loaded worker."""
    parts: list[list[Job]] = [[] for _ in range(n)]
    load_ = [0.0] * n
    for j in sorted(jobs, key=lambda j: -cost.get(j.name, 2.0)):
        k = load_.index(min(load_))
        parts[k].append(j)
        load_[k] += cost.get(j.name, 2.0)
    return [p for p in parts if p]


def _execute(jobs: list[Job], workers: int, cost: dict, cwd: str, on_result) -> None:
    """Run jobs in forked worker processes (never in this process, which stays kernel-free)."""
    if not jobs:
        return
    ctx = mp.get_context("fork")
    results = ctx.Queue()
    procs = [
        ctx.Process(target=worker, args=(part, cwd, results.put), daemon=False)
        for part in _partition(jobs, max(workers, 1), cost)
    ]
    for p in procs:
        p.start()
    pending = {j.name for j in jobs}
    while pending:
        try:
            res = results.get(timeout=1.0)
        except queue_mod.Empty:  # check the workers are alive
            if not any(p.is_alive() for p in procs) and results.empty():
                for name in sorted(pending):
                    on_result(result(name, "failed", None, "worker process died"))
                break
            continue
        pending.discard(res["name"])
        on_result(res)
    for p in procs:
        p.join()


def render(
    only: list[str] | None = None,
    force: bool = False,
    jobs: int = 2,
    progress: bool = True,
    reports_dir: Path | None = None,
    catalog: Path | None = None,
    notebooks_dir: Path | None = None,
    data_dir: Path | None = None,
) -> list[dict]:
    """Render the catalogue; return one result per report (rendered / cached / failed)."""
    reports_dir = Path(reports_dir or config.REPORTS_DIR)
    notebooks_dir = Path(notebooks_dir or config.NOTEBOOKS_DIR)
    catalog = Path(catalog or config.CATALOG_PATH)
    data_dir = Path(data_dir or config.DATA_DIR)
    cache_dir = reports_dir / ".cache"
    with render_lock(reports_dir):
        ds = load(data_dir)  # bad data stops here, before anything is written
        inspected: dict[str, dict] = {}
        entries = load_catalog(catalog, notebooks_dir, cache_dir, inspected)
        names = [e.name for e in entries]
        for n in only or []:
            if n not in names:
                raise YibaoError(
                    f"no report named '{n}' in {config.display_path(catalog)} — " + did_you_mean(n, names)
                )
        for fname, params in inspected.items():  # all checks passed: keep the inspections
            write_atomic(cache_dir / fname, json.dumps(params))
        os.environ["YIBAO_DATA_DIR"] = str(data_dir.resolve())
        version, code = data_version(data_dir), code_fingerprint()
        _clean_temp_files(reports_dir)
        today = dt.date.today().isoformat()
        results: dict[str, dict] = {}
        todo, hashes, cost = [], {}, {}
        for e in entries:
            if only and e.name not in only:
                continue
            hashes[e.name] = report_hash(e, version, code)
            st = _state(cache_dir, e.name)
            cost[e.name] = st.get("seconds", 2.0)
            html = reports_dir / "html" / f"{e.name}.html"
            if (
                not force
                and st.get("hash") == hashes[e.name]
                and st.get("status") == "rendered"
                and html.exists()
            ):
                results[e.name] = result(e.name, "cached", None, f"unchanged since {st.get('date')}")
                continue
            todo.append(
                Job(
                    e.name,
                    e.title,
                    str(e.notebook),
                    e.parameters,
                    str(reports_dir / "html"),
                    str(reports_dir / "executed"),
                    version,
                    today,
                    e.timeout,
                )
            )
        bar = _progress(len(todo)) if progress and todo else None

        def on_result(res: dict) -> None:
            results[res["name"]] = res
            state = {
                "hash": hashes[res["name"]] if res["status"] == "rendered" else None,
                "status": res["status"],
                "date": today,
                "seconds": res["seconds"],
                "detail": res["detail"],
                "data_version": version,
                "csv": res.get("csv", []),
            }
            old = _state(cache_dir, res["name"])
            if res["status"] == "failed":
                state["date"] = old.get("date")  # the HTML on disk (if any) is the previous one
                state["csv"] = old.get("csv", [])
            else:  # CSVs the report no longer produces are removed
                for stale in set(old.get("csv", [])) - set(state["csv"]):
                    (reports_dir / "html" / stale).unlink(missing_ok=True)
            write_atomic(cache_dir / f"{res['name']}.json", json.dumps(state, ensure_ascii=False))
            if bar:
                bar.advance(res["name"])

        t0 = time.perf_counter()
        try:
            _execute(todo, jobs, cost, str(notebooks_dir), on_result)
        finally:
            if bar:
                bar.close()
        elapsed = time.perf_counter() - t0
        states = {e.name: _state(cache_dir, e.name) for e in entries}
        write_index(reports_dir, entries, states, results, ds, f"{version}-{code}")
    out = [results[e.name] for e in entries if e.name in results]
    for r in out:
        r["wall"] = round(elapsed, 2)
    return out


class _progress:
    """A rich progress bar over the reports being executed (quiet when not a terminal)."""

    def __init__(self, total: int):
        from rich.progress import Progress

        self.p = Progress(transient=True)
        self.p.start()
        self.task = self.p.add_task("rendering", total=total)

    def advance(self, name: str) -> None:
        self.p.update(self.task, advance=1, description=name)

    def close(self) -> None:
        self.p.stop()
