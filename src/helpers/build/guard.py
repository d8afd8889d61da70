"""Guards around a render: one at a time (lock), a private data snapshot, SIGTERM as an interrupt."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import stat
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from .. import config
from ..exceptions import DataError, Interrupted, Problem, YibaoError
from ..fingerprint import data_files


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


@contextmanager
def data_snapshot(data_dir: Path, where: Path | None = None):
    """A private copy of the data files: the kernels read it, its hash is the cache key.

    It is made in the temp folder, or in `where` (a folder every Dask worker sees).

    Editing data/ while a render runs therefore never mixes versions: every report of the run
    shows the snapshot, and is recorded under the snapshot's version. Yields the snapshot's Dataset.
    """
    from ..data import load  # pandas: only when a report must run, never on the warm path
    from ..data.loading import forget, keep

    if where is not None:
        where.mkdir(parents=True, exist_ok=True)
    snap = Path(tempfile.mkdtemp(prefix="yibao-data-", dir=where))
    try:
        for src in data_files(data_dir):
            if not stat.S_ISREG(src.stat().st_mode):
                continue  # load(data_dir) refused it already; a pipe is never opened here
            dst = snap / src.relative_to(data_dir)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
        try:
            ds = load(snap)
        except DataError as exc:  # data changed between the check and the copy: name the real files
            shown, real = config.display_path(snap), config.display_path(data_dir)
            raise DataError(
                [Problem(p.file.replace(shown, real, 1), p.line, p.message, p.fix) for p in exc.problems]
            ) from None
        keep(ds)  # workers and their kernel parents are forked from here: they inherit it, loaded once
        old = {k: os.environ.get(k) for k in ("YIBAO_DATA_DIR", "YIBAO_DATA_ORIGIN")}
        os.environ["YIBAO_DATA_DIR"] = str(snap)  # the kernels' data folder
        os.environ["YIBAO_DATA_ORIGIN"] = str(data_dir)  # where its git history is (editions)
        yield ds
    finally:
        for key, value in locals().get("old", {}).items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        forget(snap)
        shutil.rmtree(snap, ignore_errors=True)


@contextmanager
def stop_on_sigterm():
    """Turn SIGTERM into `Interrupted`, so the renderer stops its workers and releases the lock."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):  # noqa: ANN001 - signal handler signature
        raise Interrupted(signum)

    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def children(pid: int) -> list[int]:
    """Live child processes of `pid` (Linux /proc; empty elsewhere). Zombies are left out."""
    me, out = str(pid), []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError):
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                if fields[1] == me and fields[0] != "Z":
                    out.append(int(entry))
    return out


def descendants(pid: int) -> set[int]:
    """Children, grandchildren … of `pid` (a forked kernel is a child of the worker's zygote)."""
    out, todo = set(), [pid]
    while todo:
        for child in children(todo.pop()):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def kill_groups(pids) -> None:
    """SIGKILL each process and the process group it leads (a kernel leads its own session)."""
    for pid in pids:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def kernels_of(parents: set[int]) -> list[int]:
    """Live processes started as kernels by one of `parents` (their JPY_PARENT_PID), even orphaned."""
    keys = {f"JPY_PARENT_PID={p}".encode() for p in parents}
    out = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            with contextlib.suppress(OSError):
                env = set(Path(f"/proc/{entry}/environ").read_bytes().split(b"\0"))
                if env & keys:
                    out.append(int(entry))
    return out
