"""Kernels forked from a pre-imported parent: isolation, fork hazards, IPC files, fallback."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from helpers.build.kernels import ForkedKernels, describe, kernel_source

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked kernels: Linux only")

NB_DIR = str(__import__("helpers.config").config.NOTEBOOKS_DIR)


def run(km, code: str) -> dict:
    """Execute code in the kernel; return the JSON it prints last plus the display outputs."""
    kc = km.client()
    kc.start_channels()
    out: list[str] = []
    mimes: list[str] = []

    def hook(msg) -> None:
        c = msg["content"]
        if msg["msg_type"] == "stream":
            out.append(c["text"])
        elif msg["msg_type"] in ("display_data", "execute_result"):
            mimes.extend(c["data"])
        elif msg["msg_type"] == "error":
            out.append(f"ERROR {c['ename']}: {c['evalue']}")

    try:
        kc.wait_for_ready(timeout=60)
        kc.execute_interactive(code, output_hook=hook, timeout=60)
    finally:
        kc.stop_channels()
    text = "".join(out).strip()
    assert "ERROR" not in text, text
    return {**json.loads(text.splitlines()[-1]), "mimes": mimes}


PROBE = """
import json, os, signal, sys, threading
import matplotlib.pyplot as plt
import helpers as h
plt.plot([1, 2], [3, 4]); plt.title("济南"); plt.show()
ds = h.load()
print(json.dumps({
    "pid": os.getpid(), "pgid": os.getpgid(0), "cwd": os.getcwd(),
    "seen": globals().get("MARK"), "backend": plt.get_backend(),
    "sigchld_default": signal.getsignal(signal.SIGCHLD) == signal.SIG_DFL,
    "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
    "preloaded": ds is h.load(), "claims": len(ds.claims),
    "py_threads": [t.name for t in threading.enumerate()],
    "debugpy": "debugpy" in sys.modules and sys.modules["debugpy"] is not None,
    "history": get_ipython().history_manager.hist_file,
}))
MARK = "set by this report"
"""


@pytest.fixture(scope="module")
def source():
    src = ForkedKernels(NB_DIR)
    yield src
    src.close()


def test_forked_kernels_are_separate_fresh_and_working(source):
    assert source.status == "ok"  # the parent had exactly one native thread before forking
    assert "forked" in describe(source)
    seen = []
    for _ in range(2):
        km = source.start()
        try:
            info = json.loads(Path(km.connection_file).read_text(encoding="utf-8"))
            assert info["transport"] == "ipc"
            assert os.path.dirname(km.connection_file) == source.folder
            seen.append(run(km, PROBE))
        finally:
            km.shutdown_kernel(now=True)
        assert not os.path.exists(km.connection_file)  # removed with its sockets
    first, second = seen
    assert len({first["pid"], second["pid"], os.getpid(), source.zygote}) == 4
    assert first["pgid"] == first["pid"]  # its own session and process group
    assert first["seen"] is None and second["seen"] is None  # a report's variables do not leak
    assert first["cwd"] == NB_DIR
    assert "image/png" in first["mimes"] and "inline" in first["backend"]
    assert first["sigchld_default"] and first["blas_threads"] == "1"
    assert first["preloaded"] and first["claims"] > 0
    assert not first["debugpy"] and first["history"] == ":memory:"  # no debugger thread, no shared sqlite
    # only the kernel's own threads (ipykernel's channels); none came from the parent
    assert all(not n.startswith(("ThreadPoolExecutor", "Thread-")) for n in first["py_threads"])


def test_interrupt_reaches_a_forked_kernel(source):
    km = source.start()
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        msg_id = kc.execute("import time; time.sleep(30)")
        import time

        time.sleep(0.5)
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=20)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=20)
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
    assert not km.is_alive()


def test_kernels_die_with_the_parent_and_the_folder_goes():
    src = ForkedKernels(NB_DIR)
    km = src.start()
    pid, folder = km.pid, src.folder
    assert stat.S_IMODE(os.stat(folder).st_mode) & 0o777 == 0o700  # private to this user
    assert km.ready_client is not None  # readied for papermill, not used here
    src.close()  # stops the zygote without shutting the kernel down first
    assert km.ready_client is None  # its sockets closed: an open client would hang zmq when collected
    import time

    end = time.monotonic() + 10
    while time.monotonic() < end and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid)
    assert not os.path.exists(folder)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a zombie waiting for its reaper counts as gone
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_fallback_to_fresh_kernels_says_why(monkeypatch):
    monkeypatch.setenv("YIBAO_KERNELS", "fresh")
    src = kernel_source(NB_DIR)
    try:
        assert src.kind == "fresh"
        assert describe(src) == "fresh kernels (forked kernels unavailable: YIBAO_KERNELS=fresh)"
        km = src.start()
        try:
            assert km.transport == "ipc" and km.connection_file.startswith(src.folder)
            assert run(km, "import json; print(json.dumps({'x': 1}))")["x"] == 1
        finally:
            km.shutdown_kernel(now=True)
    finally:
        src.close()
    assert not os.path.exists(src.folder)


def test_a_parent_with_threads_is_not_forked(monkeypatch):
    import helpers.build.zygote as z

    monkeypatch.setattr(z, "native_threads", lambda: 3)  # inherited by the forked parent
    src = kernel_source(NB_DIR)
    try:
        assert src.kind == "fresh"
        assert describe(src).endswith("(forked kernels unavailable: parent has 3 threads before fork)")
    finally:
        src.close()


def test_the_private_jupyter_client_behaviour_relied_on_is_there():
    """ForkedKernelManager overrides KernelManager's `_async_is_alive`, `_async_interrupt_kernel` and
    `_async_shutdown_kernel` (what jupyter_client's clients and nbclient await), and
    execute.closing_clients reads a client's `_created_context`. When an upgrade renames them the
    overrides would silently stop applying (kernels then signalled by Popen, which they have not):
    this fails first. Bounds: pyproject.toml (jupyter_client>=8.6,<9)."""
    import inspect

    from jupyter_client import KernelManager
    from jupyter_client.blocking.client import BlockingKernelClient

    from helpers.build.kernels import _forked_km_class

    forked = _forked_km_class()
    for name in ("_async_is_alive", "_async_interrupt_kernel", "_async_shutdown_kernel"):
        base = getattr(KernelManager, name, None)
        assert base is not None and inspect.iscoroutinefunction(base), name
        assert inspect.iscoroutinefunction(getattr(forked, name)) and getattr(forked, name) is not base
        sig = inspect.signature(base)
        assert list(inspect.signature(getattr(forked, name)).parameters) == list(sig.parameters), name
    kc = BlockingKernelClient()
    assert isinstance(kc._created_context, bool)  # True: the client made its own zmq context
    kc.context.destroy(linger=0)
