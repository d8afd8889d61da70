"""Execute one report in a fresh, pre-started kernel and export it to offline HTML (worker side)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..config import TEMPLATES_DIR
from .atomic import write_atomic
from .guard import children, descendants, kill_groups
from .publish import collect_tables, publish, shown_parameters

#: Largest HTML page a report may produce; a notebook printing megabytes of text fails instead.
MAX_HTML_BYTES = 25 * 1024 * 1024


@dataclass
class Job:
    """One report to render: where it comes from and where it goes."""

    name: str
    title: str
    notebook: str
    parameters: dict
    html_dir: str
    executed_dir: str
    data_version: str
    rendered: str
    timeout: float = 120.0
    #: the data folder its kernel reads: a view holding only the files its key covers, or the
    #: whole snapshot (None: the kernel's default)
    data_dir: str | None = None
    #: the whole data snapshot of the render (what a kernel parent loads)
    snapshot: str | None = None


#: Kernels this worker has started and not yet shut down (killed if the worker is stopped).
_LIVE: set = set()


def _stop_kernels(signum: int, frame) -> None:  # noqa: ANN001 - signal handler signature
    """SIGTERM in a worker: kill its kernels' process groups, remove their connection files, exit."""
    deadline = time.monotonic() + 3
    while True:  # again until none is left: a kernel may be starting in another thread meanwhile
        pids = descendants(os.getpid())
        for km in list(_LIVE):
            with contextlib.suppress(Exception):
                pids.add(getattr(km, "pid", 0) or km.provisioner.pid)
        kill_groups(pids - {0})
        if not children(os.getpid()) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    for km in list(_LIVE):
        with contextlib.suppress(Exception):
            km.cleanup_connection_file()  # it holds the kernel's key
    os._exit(128 + signum)


def make_exporter():
    """One HTMLExporter (offline template, code and parameter cells hidden) reused for every report.

    It is `soup.Exporter`: nbconvert's HTMLExporter writing the same bytes without its closing
    BeautifulSoup round trip (95 % of the export's time)."""
    from traitlets.config import Config

    from .soup import Exporter as HTMLExporter

    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = {"parameters", "injected-parameters"}
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    return HTMLExporter(config=c, template_name="offline", extra_template_basedirs=[str(TEMPLATES_DIR)])


_EXPORTER: list = []


def skip_iri_grammars() -> None:
    """Render without jsonschema's IRI format checks: when rfc3987_syntax is installed (jupyterlab
    brings it), importing nbformat compiles its 38 grammars, ~2 s per process, for a check that
    nbformat, nbconvert, nbclient and papermill never run (they use no format checker)."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def exporter():
    """The exporter, made and its template compiled once (in the renderer, before workers fork)."""
    if not _EXPORTER:
        skip_iri_grammars()
        import nbformat

        exp = make_exporter()
        empty = {"title": "", "shown_parameters": [], "data_version": "", "rendered": "", "downloads": []}
        exp.from_notebook_node(nbformat.v4.new_notebook(), resources={"yibao": empty})  # compiles it
        _EXPORTER.append(exp)
    return _EXPORTER[0]


def _strip_run_metadata(nb) -> None:
    """Drop timings and papermill run data so the executed notebook is byte-stable."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id


def _source_cell_index(notebook: str, executed_index: int) -> int:
    """Index in the committed notebook of a cell in the executed one (papermill adds one cell)."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    return executed_index - 1 if tagged and executed_index > tagged[0] else executed_index


def _timed_out(exc, timeout: float, deadline_hit: threading.Event) -> bool:
    return deadline_hit.is_set() or exc.ename in ("CellTimeoutError", "TimeoutError")


@contextlib.contextmanager
def closing_clients(km):
    """Close the clients papermill asks `km` for once the report ran. nbclient leaves a client of
    a kernel it did not start open: its heartbeat thread and zmq context (3 threads) would stay
    in the worker for every report — 2,000 reports meant 6,000 threads."""
    made: list = []
    client = km.client

    def tracked(**kwargs):
        kc = client(**kwargs)
        made.append(kc)
        return kc

    km.client = tracked
    try:
        yield
    finally:
        del km.client  # the manager's own method again
        for kc in made:
            with contextlib.suppress(Exception):
                kc.stop_channels()
                if kc._created_context:
                    kc.context.destroy(linger=0)


def run_one(job: Job, km, exporter) -> dict:
    """Execute, export and write one report; return its result (status, seconds, failing cell).

    The report gets `job.timeout` seconds in all: at the deadline the kernel is interrupted (and
    each cell also has that limit), and the report fails naming the timeout.
    """
    import nbformat
    import papermill as pm

    t0 = time.perf_counter()
    deadline_hit = threading.Event()

    def interrupt() -> None:
        deadline_hit.set()
        km.interrupt_kernel()

    timer = threading.Timer(job.timeout, interrupt)
    timer.daemon = True
    timer.start()
    try:
        with closing_clients(km):
            nb = pm.execute_notebook(
                job.notebook,
                None,
                parameters=job.parameters,
                progress_bar=False,
                km=km,
                request_save_on_cell_execute=False,
                log_output=False,
                execution_timeout=job.timeout,
            )
    except pm.PapermillExecutionError as exc:
        cell = _source_cell_index(job.notebook, exc.cell_index)
        first = (exc.source or "").strip().splitlines()[:1]
        if _timed_out(exc, job.timeout, deadline_hit):
            detail = f"cell {cell} ({first[0] if first else ''}): timed out after {job.timeout:g} s (timeout)"
        else:
            detail = f"cell {cell} ({first[0] if first else ''}): {exc.ename}: {exc.evalue}"
        return result(job.name, "failed", t0, detail, cell)
    except TimeoutError:
        return result(job.name, "failed", t0, f"timed out after {job.timeout:g} s (timeout)")
    finally:
        timer.cancel()
    _strip_run_metadata(nb)
    nb.metadata["title"] = job.title
    tables = collect_tables(nb)
    resources = {
        "yibao": {
            "title": job.title,
            "shown_parameters": shown_parameters(job.parameters),
            "data_version": job.data_version,
            "rendered": job.rendered,
            "downloads": [f"{job.name}-{part}.csv" for part in tables],
        }
    }
    html, _ = exporter.from_notebook_node(nb, resources=resources)
    size = len(html.encode())
    if size > MAX_HTML_BYTES:
        return result(
            job.name,
            "failed",
            t0,
            f"page is {size / 1e6:.0f} MB, over the {MAX_HTML_BYTES / 1e6:.0f} MB limit (size guard) — "
            "show a table or chart instead of printing raw data",
        )
    csvs = publish(Path(job.html_dir), job.name, html, tables)
    write_atomic(Path(job.executed_dir) / f"{job.name}.ipynb", nbformat.writes(nb))
    res = result(job.name, "rendered", t0, f"{len(html.encode()) / 1024:.0f} KB")
    res["csv"] = csvs
    return res


def result(name: str, status: str, t0: float | None, detail: str, cell: int | None = None) -> dict:
    """One report's outcome as the renderer records it."""
    seconds = round(time.perf_counter() - t0, 2) if t0 is not None else 0.0
    return {"name": name, "status": status, "seconds": seconds, "cell": cell, "detail": detail}


def run_jobs(jobs: list[Job], cwd: str, put) -> None:
    """Run jobs one after another, each in its own new kernel; the next kernel starts while one runs.

    Kernels come from `kernels.kernel_source`: forked from a pre-imported parent, or fresh.
    """
    if not jobs:
        return
    from .kernels import describe, kernel_source

    source = kernel_source(cwd, os.environ.get("YIBAO_DATA_DIR"))
    try:
        _run_jobs(jobs, source, describe(source), put)
    finally:
        source.close()


def _run_jobs(jobs: list[Job], source, kind: str, put) -> None:
    exp = exporter()
    start_kernel = source.start

    def put_(res: dict) -> None:
        put({**res, "kernel": kind})

    with ThreadPoolExecutor(2) as bg:
        nxt = bg.submit(start_kernel, jobs[0].data_dir)
        for i, job in enumerate(jobs):
            t0 = time.perf_counter()
            after = jobs[i + 1].data_dir if i + 1 < len(jobs) else None
            try:
                km = nxt.result()
            except Exception as exc:  # noqa: BLE001 - a kernel that will not start fails this report only
                put_(result(job.name, "failed", None, f"kernel did not start: {exc!r}"))
                nxt = bg.submit(start_kernel, after) if i + 1 < len(jobs) else None
                continue
            _LIVE.add(km)
            nxt = bg.submit(start_kernel, after) if i + 1 < len(jobs) else None
            try:
                put_(run_one(job, km, exp))
            except Exception as exc:  # noqa: BLE001 - reported in the summary, others go on
                put_(result(job.name, "failed", t0, f"{type(exc).__name__}: {exc}"))
            finally:
                bg.submit(_shutdown, km)


def _shutdown(km) -> None:
    km.shutdown_kernel(now=True)
    _LIVE.discard(km)


def worker(jobs: list[Job], cwd: str, put) -> None:
    """Entry point of a forked worker process: drop the async state inherited from the parent, then run."""
    import asyncio
    import ctypes
    import signal

    from jupyter_core import utils

    # Die with the renderer: Ctrl-C is handled by the renderer alone (one message), and the
    # kernel asks Linux to kill this worker when the renderer dies (its kernels then exit too).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_kernels)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:
        os._exit(1)

    # A forked child inherits jupyter_core's background event-loop runners without their threads;
    # using them would block forever, so start from a clean slate.
    utils._runner_map.clear()
    utils._loop.set(None)
    asyncio.set_event_loop(asyncio.new_event_loop())
    run_jobs(jobs, cwd, put)
