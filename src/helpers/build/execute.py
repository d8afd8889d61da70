"""Execute one report in a fresh, pre-started kernel and export it to offline HTML (worker side)."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..config import TEMPLATES_DIR
from ..report.content import TABLES_MIME
from .atomic import write_atomic

#: Imports run in each fresh kernel before its notebook, so the notebook's own imports are instant.
PREIMPORT = "import helpers, helpers.report, helpers.rules, matplotlib.pyplot\nhelpers.plots.setup()"


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


def start_kernel(cwd: str):
    """A fresh python3 kernel with the heavy imports done, ready for one notebook."""
    from jupyter_client import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=cwd)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        kc.execute_interactive(PREIMPORT, silent=True, store_history=False, timeout=120)
    finally:
        kc.stop_channels()
    return km


def make_exporter():
    """One HTMLExporter (offline template, code and parameter cells hidden) reused for every report."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = {"parameters", "injected-parameters"}
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    return HTMLExporter(config=c, template_name="offline", extra_template_basedirs=[str(TEMPLATES_DIR)])


def _strip_run_metadata(nb) -> None:
    """Drop timings and papermill run data so the executed notebook is byte-stable."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)


def _source_cell_index(notebook: str, executed_index: int) -> int:
    """Index in the committed notebook of a cell in the executed one (papermill adds one cell)."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    return executed_index - 1 if tagged and executed_index > tagged[0] else executed_index


def collect_tables(nb) -> dict[str, str]:
    """CSV text of every table the displayed sections handed over (name → CSV), in display order."""
    out: dict[str, str] = {}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            shown = o.get("output_type") in ("display_data", "execute_result")
            tables = o.get("data", {}).get(TABLES_MIME) if shown else None
            if isinstance(tables, dict):
                out.update({str(k): str(v) for k, v in tables.items()})
    return out


def publish(html_dir: Path, name: str, html: str, tables: dict[str, str]) -> list[str]:
    """Move a report's HTML and CSVs into place together (staged first; HTML last); return CSV names."""
    stage = Path(html_dir) / f".{name}.staging-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    try:
        files = {f"{name}-{part}.csv": text for part, text in tables.items()}
        files[f"{name}.html"] = html
        for fname, text in files.items():
            (stage / fname).write_text(text, encoding="utf-8")
        for fname in [*sorted(f for f in files if f.endswith(".csv")), f"{name}.html"]:
            os.replace(stage / fname, Path(html_dir) / fname)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return sorted(f for f in files if f.endswith(".csv"))


def _timed_out(exc, timeout: float, deadline_hit: threading.Event) -> bool:
    return deadline_hit.is_set() or exc.ename in ("CellTimeoutError", "TimeoutError")


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
    csvs = publish(Path(job.html_dir), job.name, html, tables)
    write_atomic(Path(job.executed_dir) / f"{job.name}.ipynb", nbformat.writes(nb))
    res = result(job.name, "rendered", t0, f"{len(html.encode()) / 1024:.0f} KB")
    res["csv"] = csvs
    return res


#: How a report parameter is named in the page header (parameters not listed are not shown there).
PARAMETER_NAMES = {
    "cities": "城市 cities",
    "city": "城市 city",
    "year": "政策年度 policy year",
    "topics": "主题 topics",
    "scheme": "参保类型 scheme",
    "max_gap": "最长断缴 longest gap (months)",
    "tier": "代缴档次 tier paid",
    "wages": "月工资 monthly wages (yuan)",
    "as_of": "时效基准日 as of",
}


def shown_parameters(params: dict) -> list[tuple[str, str]]:
    """Report parameters as a reader sees them: named in words, codes by their zh labels."""
    from ..data import load
    from ..report.fmt import parameter_text

    ds = _dataset(load)
    out = []
    for key, value in params.items():
        if key not in PARAMETER_NAMES or value in ("", None):
            continue
        text = "任何年度 any" if key == "year" and not value else parameter_text(value, ds.labels, ds.topics)
        out.append((PARAMETER_NAMES[key], text))
    return out


_DS: list = []


def _dataset(load):
    if not _DS:  # once per worker process (the renderer sets YIBAO_DATA_DIR before forking)
        _DS.append(load(os.environ.get("YIBAO_DATA_DIR")))
    return _DS[0]


def result(name: str, status: str, t0: float | None, detail: str, cell: int | None = None) -> dict:
    """One report's outcome as the renderer records it."""
    seconds = round(time.perf_counter() - t0, 2) if t0 is not None else 0.0
    return {"name": name, "status": status, "seconds": seconds, "cell": cell, "detail": detail}


def run_jobs(jobs: list[Job], cwd: str, put) -> None:
    """Run jobs one after another, each in a fresh kernel; the next kernel boots while one runs."""
    if not jobs:
        return
    exporter = make_exporter()
    with ThreadPoolExecutor(2) as bg:
        nxt = bg.submit(start_kernel, cwd)
        for i, job in enumerate(jobs):
            t0 = time.perf_counter()
            try:
                km = nxt.result()
            except Exception as exc:  # noqa: BLE001 - a kernel that will not start fails this report only
                put(result(job.name, "failed", None, f"kernel did not start: {exc}"))
                nxt = bg.submit(start_kernel, cwd)
                continue
            nxt = bg.submit(start_kernel, cwd) if i + 1 < len(jobs) else None
            try:
                put(run_one(job, km, exporter))
            except Exception as exc:  # noqa: BLE001 - reported in the summary, others go on
                put(result(job.name, "failed", t0, f"{type(exc).__name__}: {exc}"))
            finally:
                bg.submit(km.shutdown_kernel, now=True)


def worker(jobs: list[Job], cwd: str, put) -> None:
    """Entry point of a forked worker process: drop the async state inherited from the parent, then run."""
    import asyncio

    from jupyter_core import utils

    # A forked child inherits jupyter_core's background event-loop runners without their threads;
    # using them would block forever, so start from a clean slate.
    utils._runner_map.clear()
    utils._loop.set(None)
    asyncio.set_event_loop(asyncio.new_event_loop())
    run_jobs(jobs, cwd, put)
