"""Kernels for reports: forked from a pre-imported parent (a zygote), or started fresh as a fallback.

A worker process forks one *zygote* before it does anything else. The zygote imports what every
report needs (pandas, matplotlib, seaborn, helpers, ipykernel), registers the font, loads and
validates the dataset once, then waits. For each report the worker writes a connection file
(IPC transport, in a private temp folder) and asks the zygote for a kernel: the zygote forks, and
the child becomes a real ipykernel — its own process and session, sharing nothing writable with
another report (copy-on-write memory) — which papermill drives through an ordinary `km=`.

Fork hazards handled here: the zygote never creates a zmq context or a thread (checked: it must
have exactly one native thread before forking, else fresh kernels are used); BLAS/OpenMP pools
are limited to one thread before numpy is imported; the child resets signal handlers (the zygote
ignores SIGCHLD to reap its children), asyncio and jupyter_core event loops, and dies with its
parent (PR_SET_PDEATHSIG). Where fork is unavailable, `kernel_source()` returns fresh kernels
and says why.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import time
import weakref

from .zygote import native_threads, zygote_main

#: Imports run in each fresh kernel before its notebook, so the notebook's own imports are instant.
PREIMPORT = "import helpers, helpers.report, helpers.rules, matplotlib.pyplot\nhelpers.plots.setup()"


#: What YIBAO_KERNELS may say: unset or empty (forked kernels where possible), fork, or fresh.
KERNEL_MODES = ("", "fork", "fresh")


def mode_problem() -> str:
    """One line saying what is wrong with YIBAO_KERNELS ('' when it is unset or a known mode):
    a misspelt mode is refused before a render starts, not silently taken for the default."""
    value = os.environ.get("YIBAO_KERNELS", "")
    if value.strip().lower() in KERNEL_MODES:
        return ""
    shown = "".join(ch if ch.isprintable() else "?" for ch in value)[:40]
    return f"YIBAO_KERNELS='{shown}' is not a kernel mode — set it to fresh or fork, or unset it"


def fork_unavailable() -> str:
    """Why forked kernels cannot be used here ('' when they can)."""
    if os.environ.get("YIBAO_KERNELS", "").strip().lower() == "fresh":
        return "YIBAO_KERNELS=fresh"
    if not hasattr(os, "fork"):
        return "os.fork is not available on this platform"
    if not sys.platform.startswith("linux"):
        return f"forked kernels are used on Linux only (this is {sys.platform})"
    return ""


#: The spawned zygote's program: argv = request fd, response fd, notebook folder, data folder.
_SPAWNED = (
    "import sys; sys.modules.setdefault('rfc3987_syntax', None)\n"
    "from helpers.build.zygote import zygote_main\n"
    "zygote_main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4] or None)"
)


def _forked_km_class():
    from jupyter_client import KernelManager

    class ForkedKernelManager(KernelManager):
        """A KernelManager for a kernel another process forked: signals go to its pid."""

        pid: int = 0
        #: The client `start()` readied (subscribed to IOPub); handed to the first caller of client()
        ready_client = None

        def client(self, **kwargs):
            """The readied client the first time (no second handshake for nbclient), then new ones."""
            kc, self.ready_client = self.ready_client, None
            return kc if kc is not None and not kwargs else super().client(**kwargs)

        @property
        def has_kernel(self) -> bool:
            return self.pid > 0

        def is_alive(self) -> bool:
            try:
                os.kill(self.pid, 0)
                return self.pid > 0
            except OSError:
                return False

        async def _async_is_alive(self) -> bool:  # what the kernel client asks while waiting
            return self.is_alive()

        async def _async_interrupt_kernel(self) -> None:
            self.interrupt_kernel()

        async def _async_shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
            self.shutdown_kernel(now, restart)

        def interrupt_kernel(self) -> None:
            if self.is_alive():
                os.kill(self.pid, signal.SIGINT)

        def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
            for sig, wait in ((signal.SIGTERM, 1.0), (signal.SIGKILL, 1.0)):
                if not self.is_alive():
                    break
                try:
                    os.killpg(self.pid, sig)
                except OSError:
                    os.kill(self.pid, sig)
                end = time.monotonic() + wait
                while self.is_alive() and time.monotonic() < end:
                    time.sleep(0.01)
            self.pid = 0
            kc, self.ready_client = self.ready_client, None
            if kc is not None:  # readied but never used (the report failed before running)
                kc.stop_channels()
            self.cleanup_resources()

        def cleanup_resources(self, restart: bool = False) -> None:
            ports = (self.shell_port, self.iopub_port, self.stdin_port, self.hb_port, self.control_port)
            for path in (self.connection_file, *(f"{self.ip}-{p}" for p in ports)):
                with contextlib.suppress(OSError):
                    os.remove(path)

    return ForkedKernelManager


def _handshake(km, kc, timeout: float) -> None:
    """Wait until the kernel answers kernel_info and its IOPub reaches us (as wait_for_ready does,
    without the final 0.2 s of IOPub silence it waits for)."""
    from queue import Empty

    end = time.monotonic() + timeout
    while True:
        kc.kernel_info()
        try:
            msg = kc.get_shell_msg(timeout=1)
        except Empty:
            msg = None
        if msg is not None and msg["msg_type"] == "kernel_info_reply":
            try:
                kc.get_iopub_msg(timeout=0.2)  # IOPub is connected once a message arrives
                return
            except Empty:
                pass
        if not km.is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > end:
            raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


def _already_ready(timeout: float | None = None) -> None:
    """wait_for_ready of a client `ForkedKernels.start` has just seen answer kernel_info."""


class ForkedKernels:
    """Kernels forked from a zygote; `start()` returns a ready KernelManager, `close()` ends it all."""

    kind = "forked"

    def __init__(self, cwd: str, data_dir: str | None = None, spawn: bool = False):
        """With `spawn`, the zygote is started as a new Python process instead of forked from this
        one (for a process that runs threads, such as a Dask worker, which must not fork)."""
        self.cwd = cwd
        self.folder = private_folder()
        atexit.register(shutil.rmtree, self.folder, True)
        self.count = 0
        self._handed: weakref.WeakSet = weakref.WeakSet()  # managers whose readied client may be unused
        req_r, self._req = os.pipe()
        self._resp, resp_w = os.pipe()
        self.proc = None
        if spawn:
            import subprocess

            self.proc = subprocess.Popen(
                [sys.executable, "-c", _SPAWNED, str(req_r), str(resp_w), cwd, data_dir or ""],
                pass_fds=(req_r, resp_w),
            )
            self.zygote = self.proc.pid
        else:
            self.zygote = os.fork()
        if self.zygote == 0:
            os.close(self._req)
            os.close(self._resp)
            zygote_main(req_r, resp_w, cwd, data_dir)
        os.close(req_r)
        os.close(resp_w)
        self._lines = os.fdopen(self._resp, "r", encoding="utf-8")
        self.status = self._lines.readline().strip() or "zygote exited during start"
        self.cls = _forked_km_class()

    def start(self, data_dir: str | None = None):
        """Fork a kernel from the zygote and wait until it answers; return its manager.

        With `data_dir` (a data view, `helpers.data.views`) the kernel reads that folder only."""
        from jupyter_client.connect import write_connection_file

        self.count += 1
        base = os.path.join(self.folder, f"k{self.count}")
        cf, _ = write_connection_file(f"{base}.json", transport="ipc", ip=base)
        os.write(self._req, f"{cf}\t{data_dir or ''}\n".encode())
        line = self._lines.readline().strip()
        if not line.isdigit():
            raise RuntimeError("the kernel parent (zygote) has stopped")
        km = self.cls(connection_file=cf)
        km.load_connection_file()
        km.pid = int(line)
        kc = km.client()
        kc.start_channels(hb=False)  # the heartbeat thread is started by papermill's start_channels
        try:
            _handshake(km, kc, timeout=60)
        except Exception:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
            raise
        # papermill's client is this one, ready and subscribed: nbclient's own wait_for_ready on a
        # new client ends with 0.2 s of IOPub silence, on the report's critical path
        kc.wait_for_ready = _already_ready
        km.ready_client = kc
        self._handed.add(km)
        return km

    def alive(self) -> bool:
        """Whether the zygote still runs (checked before reusing a long-lived source)."""
        if self.proc is not None:
            return self.proc.poll() is None
        try:
            return os.waitpid(self.zygote, os.WNOHANG) == (0, 0)
        except ChildProcessError:
            return False

    def close(self) -> None:
        """Stop the zygote (its kernels die with it) and remove the connection folder."""
        for km in list(self._handed):  # a client left open would hang zmq when collected
            kc, km.ready_client = km.ready_client, None
            if kc is not None:
                kc.stop_channels()
        try:
            os.write(self._req, b"\n")
            os.close(self._req)
        except OSError:
            pass
        try:
            os.kill(self.zygote, signal.SIGTERM)
            if self.proc is not None:
                self.proc.wait()
            else:
                os.waitpid(self.zygote, 0)
        except OSError:
            pass
        self._lines.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class FreshKernels:
    """Today's fallback: a freshly started, pre-imported kernel per report (IPC transport)."""

    kind = "fresh"

    def __init__(self, cwd: str, reason: str):
        self.cwd, self.status = cwd, reason
        self.folder = private_folder()
        atexit.register(shutil.rmtree, self.folder, True)
        self.count = 0

    def start(self, data_dir: str | None = None):
        self.count += 1
        return start_kernel(self.cwd, os.path.join(self.folder, f"k{self.count}"), data_dir)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def start_kernel(cwd: str, ipc_base: str | None = None, data_dir: str | None = None):
    """A fresh python3 kernel with the heavy imports done, ready for one notebook.

    With `ipc_base` (a path in a private folder) the kernel talks over IPC sockets, not TCP; with
    `data_dir` it reads that data folder (or view) only.
    """
    from jupyter_client import KernelManager

    km = KernelManager(kernel_name="python3")
    if ipc_base:
        km.transport, km.ip, km.connection_file = "ipc", ipc_base, f"{ipc_base}.json"
    km.start_kernel(cwd=cwd)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        code = PREIMPORT
        if data_dir:
            code += f"\nimport helpers.data.views\nhelpers.data.views.enter({data_dir!r})"
        kc.execute_interactive(code, silent=True, store_history=False, timeout=120)
    finally:
        kc.stop_channels()
    return km


def private_folder() -> str:
    """A 0700 temp folder for connection files, named by this pid; folders of dead pids are removed.

    A worker killed with SIGKILL cannot remove its folder; the next render does.
    """
    tmp = tempfile.gettempdir()
    for name in os.listdir(tmp):
        parts = name.split("-")
        if name.startswith("yibao-kernels-") and len(parts) == 4 and parts[2].isdigit():
            try:
                os.kill(int(parts[2]), 0)
            except ProcessLookupError:
                shutil.rmtree(os.path.join(tmp, name), ignore_errors=True)
            except OSError:
                pass
    folder = tempfile.mkdtemp(prefix=f"yibao-kernels-{os.getpid()}-")
    os.chmod(folder, 0o700)
    return folder


def kernel_source(cwd: str, data_dir: str | None = None, spawn: bool = False) -> ForkedKernels | FreshKernels:
    """Forked kernels when possible, else fresh ones; `.kind` and `.status` say which and why.

    With `spawn` the kernel parent is a new process rather than a fork of this one."""
    reason = fork_unavailable()
    if reason:
        return FreshKernels(cwd, reason)
    src = ForkedKernels(cwd, data_dir, spawn)
    if src.status != "ok":
        src.close()
        return FreshKernels(cwd, src.status)
    return src


def describe(src: ForkedKernels | FreshKernels) -> str:
    """One line for the summary: which kernels ran the reports."""
    if src.kind == "forked":
        return "kernels forked from a pre-imported parent"
    return f"fresh kernels (forked kernels unavailable: {src.status})"


__all__ = ["kernel_source", "describe", "ForkedKernels", "FreshKernels", "fork_unavailable", "native_threads"]
