"""`yibao render --executor dask`: the same bytes as the local executor on a 2-worker LocalCluster,
and a report whose Dask worker is killed is retried, or named as failed when it keeps dying."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip(
    "distributed", reason="the dask extra is not installed: pip install -e '.[dask]' (the dev extra has it)"
)

from conftest import GOOD  # noqa: E402

from helpers import config  # noqa: E402
from helpers.build.render import render  # noqa: E402

pytestmark = pytest.mark.render

CATALOG = """reports:
  - name: pair
    title: 济南 vs 泰安
    notebook: 01-compare-cities.ipynb
    parameters: {cities: "济南,泰安", year: 2025, topics: "binding,contribution"}
  - name: profile-jinan
    title: 济南
    notebook: 02-city-profile.ipynb
    parameters: {city: "济南"}
  - name: quality
    title: 数据质量
    notebook: 06-data-quality.ipynb
"""


def _project(root: Path, catalog: str) -> dict:
    nbs = root / "notebooks"
    nbs.mkdir(parents=True)
    for n in ("01-compare-cities.ipynb", "02-city-profile.ipynb", "06-data-quality.ipynb"):
        shutil.copy(config.NOTEBOOKS_DIR / n, nbs / n)
    (nbs / "killer.ipynb").write_text(json.dumps(KILLER), encoding="utf-8")
    shutil.copytree(GOOD, root / "data")
    (root / "catalog.yaml").write_text(catalog, encoding="utf-8")
    return {
        "catalog": root / "catalog.yaml",
        "notebooks_dir": nbs,
        "data_dir": root / "data",
        "progress": False,
    }


def _outputs(reports: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((reports / "html").iterdir())}


def test_dask_executor_gives_the_local_executors_bytes(tmp_path):
    kw = _project(tmp_path, CATALOG)
    local = render(reports_dir=tmp_path / "local", **kw)
    dask = render(reports_dir=tmp_path / "dask", executor="dask", jobs=2, **kw)
    assert {r["status"] for r in local} == {r["status"] for r in dask} == {"rendered"}
    assert all(r["kernel"] == "kernels forked from a pre-imported parent" for r in dask)
    a, b = _outputs(tmp_path / "local"), _outputs(tmp_path / "dask")
    assert sorted(a) == sorted(b) and any(n.endswith(".csv") for n in a)
    assert all(a[n] == b[n] for n in a), [n for n in a if a[n] != b[n]]
    assert (tmp_path / "local" / "index.html").read_bytes() == (tmp_path / "dask" / "index.html").read_bytes()
    assert not list((tmp_path / "dask" / ".cache" / "snapshots").iterdir())  # the shared snapshot is gone
    again = render(reports_dir=tmp_path / "dask", executor="dask", jobs=2, **kw)
    assert {r["status"] for r in again} == {"cached"}


KILLER = {
    "cells": [
        {"cell_type": "code", "id": "p", "metadata": {"tags": ["parameters"]}, "execution_count": None,
         "outputs": [], "source": ["marker: str = ''  # kill the Dask worker unless this file exists"]},
        {"cell_type": "code", "id": "k", "metadata": {}, "execution_count": None, "outputs": [], "source": [
            "import os, signal\n",
            "if not (marker and os.path.exists(marker)):\n",
            "    if marker:\n",
            "        open(marker, 'w').close()\n",
            "    zygote = os.getppid()  # the kernel parent; its parent is the Dask worker process\n",
            "    worker = int(open(f'/proc/{zygote}/stat').read().rsplit(')', 1)[1].split()[1])\n",
            "    os.kill(worker, signal.SIGKILL)\n",
            "    import time; time.sleep(30)\n",
            "print('survived')",
        ]},
    ],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def test_a_killed_dask_worker_is_retried_then_named_as_failed(tmp_path):
    import dask

    marker = tmp_path / "killed-once"
    catalog = (
        CATALOG.split("  - name: profile-jinan")[0]
        + "  - name: once\n    title: once\n    notebook: killer.ipynb\n"
        + f"    parameters: {{marker: '{marker}'}}\n"
        "  - name: always\n    title: always\n    notebook: killer.ipynb\n"
    )
    kw = _project(tmp_path, catalog)
    # a report is given up after its worker died three times (a report queued on a worker killed
    # by another may be counted once or twice)
    with dask.config.set({"distributed.scheduler.allowed-failures": 2}):
        out = {r["name"]: r for r in render(reports_dir=tmp_path / "r", executor="dask", jobs=2, **kw)}
    assert marker.exists()  # the first run of `once` killed its worker
    assert out["once"]["status"] == "rendered", out["once"]["detail"]  # … and Dask ran it again
    assert out["pair"]["status"] == "rendered"
    assert out["always"]["status"] == "failed"
    assert "KilledWorker" in out["always"]["detail"]
    state = json.loads((tmp_path / "r" / ".cache" / "always.json").read_text(encoding="utf-8"))
    assert state["status"] == "failed"
