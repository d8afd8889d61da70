"""Render the catalogue: check parameters, skip unchanged reports, run the rest in fresh kernels."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import os
import queue as queue_mod
import shutil
import time
from pathlib import Path

from .. import config
from ..datacheck import check as check_data
from ..exceptions import YibaoError
from ..fingerprint import data_version
from ..hints import did_you_mean
from .atomic import write_atomic
from .cachekey import code_fingerprint, data_key, report_hash
from .catalog import load_catalog
from .execute import Job, exporter, result, skip_iri_grammars, worker
from .guard import children, data_snapshot, kernels_of, kill_groups, render_lock, stop_on_sigterm
from .index import write_index
from .reads import report_reads
from .warm import render_paths, write_stamp
from .zygote import THREAD_ENV


def _state(cache_dir: Path, name: str) -> dict:
    p = cache_dir / f"{name}.json"
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _clean_temp_files(reports_dir: Path) -> None:
    """Remove temp files and staging folders a killed render (`kill -9`) may have left; they are
    never read. Run under the render lock, so no other render is writing them."""
    for sub in ("", "html", "executed", ".cache"):
        for tmp in (reports_dir / sub).glob(".*.tmp"):
            if tmp.is_file() and not tmp.is_symlink():
                tmp.unlink(missing_ok=True)
        for stage in (reports_dir / sub).glob(".*.staging-*"):
            if stage.is_dir() and not stage.is_symlink():
                shutil.rmtree(stage, ignore_errors=True)


#: What the renderer writes in the reports folder: folders, and files (a hand-made swap of one for
#: the other is refused before anything is written).
_OUTPUT_FOLDERS = ("html", "executed", ".cache")
_OUTPUT_FILES = ("index.html", "yibao-tables.xlsx")


def _wrong_kind(path: Path, folder: bool) -> str:
    """Why `path` cannot be written as a folder (`folder`) or a file ('' when it can, or is absent)."""
    shown = config.display_path(path)
    if path.is_symlink() and not path.exists():
        return f"{shown} is a broken symbolic link — delete it and run again"
    if not path.exists():
        return ""
    if folder and not path.is_dir():
        return f"{shown} is a file where the renderer keeps a folder — move the file away and run again"
    if not folder and path.is_dir():
        return f"{shown} is a folder where the renderer writes a file — move the folder away and run again"
    return ""


def check_outputs(reports_dir: Path, names: list[str] = (), csvs: list[str] = ()) -> None:
    """Refuse (YibaoError, nothing written) when an output place holds the wrong kind of entry:
    the reports folder or reports/html a file, index.html or a report's HTML or CSV a folder, a
    broken link."""
    places = [(reports_dir, True), *((reports_dir / d, True) for d in _OUTPUT_FOLDERS)]
    places += [(reports_dir / f, False) for f in _OUTPUT_FILES]
    places += [(reports_dir / "html" / f"{n}.html", False) for n in names]
    places += [(reports_dir / "html" / c, False) for c in csvs]
    for path, folder in places:
        why = _wrong_kind(path, folder)
        if why:
            raise YibaoError(why)


def _html_record(html: Path) -> dict | None:
    """Size, mtime and SHA-256 of a report's published HTML (None if it cannot be read)."""
    import hashlib

    try:
        st = html.stat()
        digest = hashlib.sha256(html.read_bytes()).hexdigest()
    except OSError:
        return None
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest}


def _html_intact(html: Path, st: dict) -> bool:
    """The HTML on disk is the one the last render published: same size and mtime, or same bytes
    (a copied folder). A state written before the record was kept: the file only has to exist."""
    rec = st.get("html")
    if not isinstance(rec, dict):
        return html.is_file()
    try:
        now = html.stat()
    except OSError:
        return False
    if (now.st_size, now.st_mtime_ns) == (rec.get("size"), rec.get("mtime_ns")):
        return True
    return now.st_size == rec.get("size") and (_html_record(html) or {}).get("sha256") == rec.get("sha256")


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
    exporter()  # nbconvert imported and its template compiled once, here; the workers inherit it
    ctx = mp.get_context("fork")
    results = ctx.Queue()
    procs = [
        ctx.Process(target=worker, args=(part, cwd, results.put), daemon=False)
        for part in _partition(jobs, max(workers, 1), cost)
    ]
    try:
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
    finally:  # stopped (Ctrl-C, SIGTERM) or done: no worker or kernel outlives the renderer
        kernels: set[int] = set()
        for p in procs:
            if p.pid is not None and p.is_alive():
                kernels.update(children(p.pid))
                p.terminate()  # the worker kills its kernels and exits
        for p in procs:
            if p.pid is not None:
                p.join(10)
                if p.is_alive():
                    p.kill()
                    p.join()
        kill_groups(kernels)  # any the worker could not reach in time
        stopped = {p.pid for p in procs if p.pid is not None and p.exitcode != 0}
        for _ in range(20 if stopped else 0):  # a kernel that was starting may appear a moment later
            left = kernels_of(stopped)
            if not left:
                break
            kill_groups(left)
            time.sleep(0.05)


def render(
    only: list[str] | None = None,
    force: bool = False,
    jobs: int = 2,
    progress: bool = True,
    reports_dir: Path | None = None,
    catalog: Path | None = None,
    notebooks_dir: Path | None = None,
    data_dir: Path | None = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> list[dict]:
    """Render the catalogue; return one result per report (rendered / cached / failed).

    `executor` "local" runs the reports in `jobs` forked worker processes; "dask" runs one
    task per report on dask.distributed (`dask_executor`): a LocalCluster of `jobs` workers, or
    the cluster whose scheduler address is `scheduler`.

    After a render of the whole catalogue with no failure, a stamp lets the next run with nothing
    to do answer from `helpers.build.warm.unchanged` without loading the renderer.
    """
    from .kernels import mode_problem

    if mode_problem():  # before anything is read or written
        raise YibaoError(mode_problem())
    # every path is absolute before anything runs: kernels work in notebooks/, not here
    paths = render_paths(reports_dir, catalog, notebooks_dir, data_dir)
    reports_dir, catalog, notebooks_dir, data_dir = paths
    skip_iri_grammars()  # before anything imports nbformat (inspecting notebooks, exporting)
    for key, value in THREAD_ENV.items():  # before numpy loads here: workers and kernels fork from us
        os.environ.setdefault(key, value)
    check_outputs(reports_dir)  # before the lock, which would create a missing reports folder
    with stop_on_sigterm(), render_lock(reports_dir):
        check_data(data_dir)  # bad data stops here, before anything is written (cached once valid)
        run = {"executor": executor, "scheduler": scheduler}
        out = _render(only, force, jobs, progress, reports_dir, catalog, notebooks_dir, data_dir, run)
        if not only:  # the whole catalogue is up to date: a no-op run can tell so cheaply next time
            dates = {r["name"]: _state(reports_dir / ".cache", r["name"]).get("date") for r in out}
            write_stamp(reports_dir, catalog, notebooks_dir, data_dir, out, dates)
        return out


def _render(
    only: list[str] | None,
    force: bool,
    jobs: int,
    progress: bool,
    reports_dir: Path,
    catalog: Path,
    notebooks_dir: Path,
    data_dir: Path,
    run: dict | None = None,
) -> list[dict]:
    """The render proper, under the lock.

    The warm path (nothing changed) reads only file hashes and the cache: no data is loaded. When
    a report must run, the data is copied to a private snapshot, loaded, the catalogue's values are
    checked against it, and the kernels read the snapshot.
    """
    cache_dir = reports_dir / ".cache"
    inspected: dict[str, dict] = {}
    entries = load_catalog(catalog, notebooks_dir, cache_dir, inspected)
    names = [e.name for e in entries]
    csvs = [c for n in names for c in _state(cache_dir, n).get("csv", []) if isinstance(c, str)]
    check_outputs(reports_dir, names, csvs)
    _clean_temp_files(reports_dir)  # a killed render's leftovers, whether or not anything runs
    for n in only or []:
        if n not in names:
            raise YibaoError(
                f"no report named '{n}' in {config.display_path(catalog)} — " + did_you_mean(n, names)
            )
    code = code_fingerprint()
    full: list = []

    def dataset():  # the place lookups of new catalogue entries need the place table
        if not full:
            from ..data import load

            full.append(load(data_dir))
        return full[0]

    pending: list = []  # the reads memo, written once the catalogue's checks have passed
    reads = report_reads(entries, data_dir, cache_dir, dataset, pending)
    plan = _plan(entries, only, force, data_version(data_dir), code, reports_dir, reads)
    if not plan.todo:
        for fname, params in inspected.items():  # all checks passed: keep the inspections
            write_atomic(cache_dir / fname, json.dumps(params))
        for path, text in pending:
            write_atomic(path, text)
        return _finish(plan, entries, reports_dir, data_dir, 0.0, full[0] if full else None)
    run = run or {"executor": "local", "scheduler": None}
    shared = reports_dir / ".cache" / "snapshots" if run["executor"] == "dask" else None
    with data_snapshot(data_dir, shared) as ds:
        load_catalog(catalog, notebooks_dir, cache_dir, {}, ds=ds)  # values against the data
        for fname, params in inspected.items():  # all checks passed: keep the inspections
            write_atomic(cache_dir / fname, json.dumps(params))
        for path, text in pending:
            write_atomic(path, text)
        if ds.version != plan.version:  # data edited since it was hashed: key on the snapshot
            reads = report_reads(entries, ds.data_dir, None, lambda: ds)
            plan = _plan(entries, only, force, ds.version, code, reports_dir, reads)
        _views(plan, ds.data_dir)
        elapsed = _run(plan, jobs, progress, reports_dir, notebooks_dir, run)
    return _finish(plan, entries, reports_dir, data_dir, elapsed, ds)


class _Plan:
    """What a render will do: the reports to run (`todo`), their hashes, costs and cached results."""

    def __init__(self, version: str, code: str):
        self.version, self.code, self.today = version, code, dt.date.today().isoformat()
        self.todo: list[Job] = []
        self.hashes: dict[str, str] = {}
        self.cost: dict[str, float] = {}
        self.results: dict[str, dict] = {}
        self.reads: dict = {}


def _views(plan: _Plan, snapshot: Path) -> None:
    """Give each planned report that reads some places a view of the snapshot holding only the
    files its key covers (one view per key); the others read the whole snapshot."""
    from ..data.views import make_view

    for job in plan.todo:
        r = plan.reads.get(job.name)
        job.snapshot = str(snapshot)
        if r is None:
            job.data_dir = str(snapshot)
        else:
            view = make_view(snapshot, snapshot / ".views" / r.key, list(r.places), list(r.files))
            job.data_dir = str(view)


def _plan(
    entries, only, force: bool, version: str, code: str, reports_dir: Path, reads: dict | None = None
) -> _Plan:
    """Which reports are unchanged (cached) and which must run, for data `version` and `code`.

    A report that reads some places only (`reads`) is keyed on the hash of those files instead of
    the data version."""
    cache_dir = reports_dir / ".cache"
    plan = _Plan(version, code)
    plan.reads = reads or {}
    for e in entries:
        if only and e.name not in only:
            continue
        plan.hashes[e.name] = report_hash(e, data_key(version, plan.reads.get(e.name)), code)
        st = _state(cache_dir, e.name)
        # never timed: a report reading all data (data quality) is the long one, so it starts first
        # instead of running alone at the end of a cold national render
        plan.cost[e.name] = st.get("seconds", 2.0 if plan.reads.get(e.name) is not None else 30.0)
        html = reports_dir / "html" / f"{e.name}.html"
        if (
            not force
            and st.get("hash") == plan.hashes[e.name]
            and st.get("status") == "rendered"
            and _html_intact(html, st)  # deleted or replaced by hand: rendered again
            and all((reports_dir / "html" / c).is_file() for c in st.get("csv", []))  # a deleted CSV too
        ):
            plan.results[e.name] = result(e.name, "cached", None, f"unchanged since {st.get('date')}")
            continue
        plan.todo.append(
            Job(
                e.name,
                e.title,
                str(e.notebook),
                e.parameters,
                str(reports_dir / "html"),
                str(reports_dir / "executed"),
                version,
                plan.today,
                e.timeout,
            )
        )
    return plan


def _run(plan: _Plan, jobs: int, progress: bool, reports_dir: Path, notebooks_dir: Path, run: dict) -> float:
    """Execute the planned reports, recording each result in the cache; return the seconds taken."""
    cache_dir = reports_dir / ".cache"
    todo, hashes, results, today, version = plan.todo, plan.hashes, plan.results, plan.today, plan.version
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
            state["html"] = old.get("html")
        else:  # CSVs the report no longer produces are removed
            state["html"] = _html_record(reports_dir / "html" / f"{res['name']}.html")
            for stale in set(old.get("csv", [])) - set(state["csv"]):
                (reports_dir / "html" / stale).unlink(missing_ok=True)
        write_atomic(cache_dir / f"{res['name']}.json", json.dumps(state, ensure_ascii=False))
        if bar:
            bar.advance(res["name"])

    t0 = time.perf_counter()
    try:
        if run["executor"] == "dask":
            from .dask_executor import execute

            execute(todo, jobs, plan.cost, str(notebooks_dir), on_result, run["scheduler"])
        else:
            _execute(todo, jobs, plan.cost, str(notebooks_dir), on_result)
    finally:
        if bar:
            bar.close()
    return time.perf_counter() - t0


def _finish(
    plan: _Plan, entries, reports_dir: Path, data_dir: Path, elapsed: float, loaded=None
) -> list[dict]:
    """Write the index page and return one result per report (with the run's wall time).

    `loaded` is a Dataset this render already loaded (the snapshot's): the front page uses it
    when it is of the version the page is keyed on, instead of loading data/ again (at 333
    cities a load is seconds)."""
    from ..data.gitrepo import last_change

    cache_dir = reports_dir / ".cache"
    states = {e.name: _state(cache_dir, e.name) for e in entries}
    data = {"version": plan.version, "last_change": last_change(data_dir)}
    key = f"{plan.version}-{plan.code}"  # the front page's data sections are reused while it holds

    def dataset():
        if loaded is not None and loaded.version == plan.version:
            return loaded
        from ..data import load

        return load(data_dir)

    write_index(reports_dir, entries, states, plan.results, data, ds=dataset, key=key)
    out = [plan.results[e.name] for e in entries if e.name in plan.results]
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
