"""The zygote's side of forked kernels: pre-import once, then fork one ipykernel per request.

See `kernels` for the design and the hazards; this module holds what runs in the zygote and in
each forked kernel (no zmq context or thread is created here before a fork).
"""

from __future__ import annotations

import os
import signal
import sys

#: Set before numpy/BLAS load in the zygote, so no thread pool exists to be forked.
THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}
#: The inline backend kernels use; set in the zygote so matplotlib resolves it in each kernel.
INLINE = "module://matplotlib_inline.backend_inline"


def native_threads() -> int:
    """Threads of this process as the OS sees them (C threads included)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        import threading

        return threading.active_count()


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (no orphaned kernels)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def preimport(data_dir: str | None) -> None:
    """Everything a report imports, the font and the dataset, loaded once in the zygote."""
    for k, v in THREAD_ENV.items():
        os.environ.setdefault(k, v)
    os.environ["MPLBACKEND"] = INLINE
    import matplotlib

    matplotlib.rcParams["backend"] = INLINE  # resolved lazily, in the kernel, on the first figure
    # No debugger in report kernels: importing debugpy starts a thread (unsafe to fork) and costs
    # each kernel ~0.1 s; with it blocked, ipykernel runs without the debug feature.
    sys.modules["debugpy"] = None  # type: ignore[assignment]
    import ipykernel.debugger  # noqa: F401
    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.kernelapp  # noqa: F401
    import ipykernel.zmqshell  # noqa: F401
    import IPython.core.completerlib  # noqa: F401 - what each kernel would import while starting
    import IPython.core.debugger  # noqa: F401
    import IPython.extensions.storemagic  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import matplotlib_inline.backend_inline  # noqa: F401
    import pandas  # noqa: F401
    import seaborn  # noqa: F401

    import helpers
    import helpers.report
    import helpers.report.plots
    import helpers.rules  # noqa: F401
    from helpers.data.loading import preload

    helpers.report.plots.setup()
    ds = preload(data_dir)  # the renderer's snapshot, inherited (loaded again only if not kept)
    warm(ds)
    import gc

    gc.collect()
    gc.freeze()  # keep the imported objects' pages shared after fork (no refcount-free writes by gc)


def warm(ds) -> None:
    """Build the lookup tables every report builds first (places, ranked claims, citations) once,
    here, so each kernel inherits them instead of rebuilding them."""
    from helpers.data import places
    from helpers.report.markup import Footnotes
    from helpers.resolution import rank

    places.find(ds, str(ds.jurisdictions["code"].iloc[0]))
    places.chain(ds, str(ds.jurisdictions["code"].iloc[0]))
    rank.index(ds)
    Footnotes(ds)


def _reset_inherited_async() -> None:
    """Drop event loops and jupyter_core runners inherited through fork (their threads are gone),
    and any IPython shell or app singleton the forking process made (a renderer called from
    IPython or a test): the kernel must create its own."""
    import asyncio

    from jupyter_core import utils

    utils._runner_map.clear()
    utils._loop.set(None)
    asyncio.set_event_loop(asyncio.new_event_loop())
    if "IPython" in sys.modules:
        from IPython.core.interactiveshell import InteractiveShell

        InteractiveShell.clear_instance()
    if "ipykernel.kernelapp" in sys.modules:  # the renderer was called from inside a kernel
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.clear_instance()


def kernel_main(connection_file: str, cwd: str, data_dir: str = "") -> None:
    """In a freshly forked child: become an ipykernel on `connection_file` reading `data_dir` (a
    data view, or the whole snapshot when empty); never returns."""
    code = 0
    try:
        os.setsid()
        _die_with_parent()
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _reset_inherited_async()
        os.chdir(cwd)
        if data_dir:
            from helpers.data.views import enter

            enter(data_dir)  # the view's Dataset, cut from the one loaded here; nothing else kept
        sys.argv = ["ipykernel_launcher", "-f", connection_file]
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance(connection_file=connection_file)
        # history in memory: no shared sqlite file (and no saving thread) across report kernels
        app.initialize(["-f", connection_file, "--quiet", "--HistoryManager.hist_file=:memory:"])
        app.shell.enable_matplotlib("inline")  # pyplot was imported before this shell existed
        app.start()
    except BaseException:  # noqa: BLE001 - the child must never return into the zygote's loop
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def zygote_main(req: int, resp: int, cwd: str, data_dir: str | None) -> None:
    """The zygote: pre-import, then fork one kernel per request line read from `req`
    (connection file, a tab, the data folder or view it reads)."""
    code = 0
    try:
        _die_with_parent()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the worker decides when to stop
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped automatically
        try:
            preimport(data_dir)
            threads = native_threads()
            status = "ok" if threads == 1 else f"parent has {threads} threads before fork"
        except Exception as exc:  # noqa: BLE001 - reported to the worker, which falls back
            status = f"pre-import failed: {type(exc).__name__}: {exc}"
        os.write(resp, (status.replace("\n", " ") + "\n").encode())
        reader = os.fdopen(req, "r", encoding="utf-8")
        for line in reader:
            cf, _, data_dir = line.rstrip("\n").partition("\t")
            if not cf:
                break
            pid = os.fork()
            if pid == 0:
                reader.close()
                os.close(resp)
                kernel_main(cf, cwd, data_dir)
            os.write(resp, f"{pid}\n".encode())
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)
