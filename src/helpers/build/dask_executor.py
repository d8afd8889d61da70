"""`yibao render --executor dask`: one task per report on dask.distributed.

The renderer submits one task per report to a Dask cluster — a `LocalCluster` of `jobs` worker
processes by default, or the scheduler at `--scheduler tcp://host:port`. Each Dask worker process
keeps today's kernel parent (`kernels.ForkedKernels`, started as a fresh process: a Dask worker has
threads, so it is never forked itself) and forks one kernel per report from it, then runs the
same `execute.run_one` as the local workers. The data snapshot, its views and the reports folder
must be on a path every worker sees; results (status, seconds, CSV names) come back to the
renderer, which alone writes the cache. Longest reports are submitted with the highest priority.

A worker that dies while running a report (killed, out of memory) is replaced by its nanny and
Dask runs the report again elsewhere, up to `distributed.scheduler.allowed-failures` times; after
that the report is named as failed (`KilledWorker`).
"""

from __future__ import annotations

import contextlib
import os
import time

from .execute import Job, exporter, result, run_one

#: This Dask worker process's kernel parent, by (notebook folder, data snapshot).
_SOURCE: dict = {}


def _kernels(cwd: str, snapshot: str | None):
    """The worker's kernel parent for this snapshot (a new render's snapshot replaces the old)."""
    from .kernels import describe, kernel_source

    key = (cwd, snapshot)
    if key in _SOURCE and not getattr(_SOURCE[key][0], "alive", lambda: True)():
        _SOURCE.pop(key)[0].close()  # the kernel parent died: start another
    if key not in _SOURCE:
        for old in _SOURCE.values():
            with contextlib.suppress(Exception):
                old[0].close()
        _SOURCE.clear()
        src = kernel_source(cwd, snapshot, spawn=True)
        _SOURCE[key] = (src, describe(src))
    return _SOURCE[key]


def render_task(job: Job, cwd: str, code: str) -> dict:
    """One report on a Dask worker: a kernel forked from the worker's kernel parent, executed and
    exported to the shared reports folder; returns the report's result. A worker running other
    helpers code than the renderer (`code`, the code fingerprint) refuses the report."""
    from .cachekey import code_fingerprint

    t0 = time.perf_counter()
    if code_fingerprint() != code:
        return result(job.name, "failed", t0, "this Dask worker runs other helpers code than the renderer")
    os.environ["YIBAO_DATA_DIR"] = job.snapshot or os.environ.get("YIBAO_DATA_DIR", "")
    src, kind = _kernels(cwd, job.snapshot)
    try:
        km = src.start(job.data_dir)
    except Exception as exc:  # noqa: BLE001 - a kernel that will not start fails this report only
        return {**result(job.name, "failed", None, f"kernel did not start: {exc!r}"), "kernel": kind}
    try:
        res = run_one(job, km, exporter())
    except Exception as exc:  # noqa: BLE001 - reported in the summary, others go on
        res = result(job.name, "failed", t0, f"{type(exc).__name__}: {exc}")
    finally:
        km.shutdown_kernel(now=True)
    return {**res, "kernel": kind}


def execute(jobs: list[Job], workers: int, cost: dict, cwd: str, on_result, scheduler: str | None) -> None:
    """Run jobs as Dask tasks (LocalCluster of `workers` processes, or `scheduler`); report each."""
    if not jobs:
        return
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - the extra is part of dev
        from ..exceptions import YibaoError

        raise YibaoError(
            "--executor dask needs dask.distributed — pip install 'yibao-compare[dask]'"
        ) from None
    from .cachekey import code_fingerprint

    code = code_fingerprint()
    with contextlib.ExitStack() as stack:
        if scheduler:
            client = stack.enter_context(Client(scheduler))
        else:
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=max(workers, 1),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=40,  # errors only: a killed worker's warnings go to the summary
                )
            )
            client = stack.enter_context(Client(cluster))
        futures = {
            client.submit(
                render_task, job, cwd, code, key=f"report-{job.name}-{os.getpid()}-{time.time_ns()}",
                priority=int(cost.get(job.name, 2.0) * 100), pure=False,
            ): job.name
            for job in jobs
        }
        try:
            for fut in as_completed(futures):
                name = futures[fut]
                try:
                    on_result(fut.result())
                except Exception as exc:  # noqa: BLE001 - KilledWorker and the like: this report only
                    on_result(result(name, "failed", None, f"Dask task failed: {type(exc).__name__}: {exc}"))
        finally:
            client.cancel(list(futures))
