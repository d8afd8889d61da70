"""National scale: a generated catalogue of 333 cities × 6 notebooks rendered with --jobs 2.

Synthetic places and claims are generated in a temporary data folder (a copy of data/ plus 333
made-up cities under Shandong, each with Tai'an's claims relabelled); nothing is written to
data/. Only the first `cities` cities' reports are rendered when a subset is asked for; the
dataset always holds all 333, so loading costs what it would at full scale.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from helpers import config

BIN = Path(sys.executable).parent
N_CITIES = 333
TEMPLATE = "370900-taian.yaml"


def make_data(root: Path) -> list[str]:
    """Copy data/ to root/data and add N_CITIES synthetic cities; return their Chinese names."""
    data = root / "data"
    shutil.copytree(config.DATA_DIR, data)
    template = (data / "policies" / TEMPLATE).read_text(encoding="utf-8")
    names, rows = [], []
    for i in range(N_CITIES):
        code, zh, en = f"{990000 + i + 1}", f"样例{i + 1:03d}市", f"Synth{i + 1:03d}"
        names.append(zh)
        rows.append(f"{code},{zh},{en},city,370000\n")
        text = template.replace('jurisdiction: "370900"', f'jurisdiction: "{code}"')
        text = re.sub(r"id: taian-", f"id: s{i + 1:03d}-", text)
        (data / "policies" / f"{code}-synth{i + 1:03d}.yaml").write_text(text, encoding="utf-8")
    with (data / "jurisdictions.csv").open("a", encoding="utf-8") as f:
        f.writelines(rows)
    return names


def make_catalog(path: Path, names: list[str]) -> int:
    """Six reports per city from the five place notebooks (lapse twice: resident and employee),
    then one data-quality report over everything; return how many entries were written.

    (Until 2026-12-07 the sixth report of every city was the data-quality page, with the same
    parameters each time: 333 copies of one all-data page.)"""
    lines = ["reports:"]
    for i, zh in enumerate(names):
        s = f"s{i + 1:03d}"
        entries = [
            ("compare", "01-compare-cities", f'{{cities: "{zh},泰安", year: 2025}}'),
            ("profile", "02-city-profile", f'{{city: "{zh}"}}'),
            ("lapse", "03-lapse-scenarios", f'{{cities: "{zh}", scheme: resident, max_gap: 12}}'),
            ("family", "04-family-account", f'{{cities: "{zh}"}}'),
            ("contrib", "05-contributions", f'{{cities: "{zh}"}}'),
            ("lapse-employee", "03-lapse-scenarios", f'{{cities: "{zh}", scheme: employee, max_gap: 12}}'),
        ]
        for kind, nb, params in entries:
            lines += [
                f"  - name: {kind}-{s}",
                f"    title: {kind} {zh}",
                f"    notebook: {nb}.ipynb",
                f"    parameters: {params}",
            ]
    lines += [
        "  - name: data-quality",
        "    title: 数据质量 data quality",
        "    notebook: 06-data-quality.ipynb",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(names) * 6 + 1


def _kids(pid: int) -> list[int]:
    """Children of a process, from /proc/<pid>/task/*/children (cheap: no scan of every process)."""
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            out += [int(x) for x in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
    except (OSError, ValueError):
        pass
    return out


def _tree(root: int) -> list[int]:
    """The process and all its descendants (kernels are children of the kernel parent)."""
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += _kids(p)
    return out


def _memory(pids: list[int]) -> tuple[int, int]:
    """(PSS, RSS) in kB summed over the processes (PSS counts shared pages once in total)."""
    pss = rss = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except OSError:
            continue
    return pss, rss


def render_measured(
    cmd: list[str], env: dict, deadline: float | None = None, keep_output: bool = False
) -> dict:
    """Run the render; sample the whole process tree's memory every 0.25 s (and the load average).

    With a deadline (seconds), a render still running then gets SIGTERM (it stops its workers and
    keeps what it finished); `stopped` says so.
    """
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = {"pss": 0, "rss": 0, "procs": 0, "loads": []}
    done = threading.Event()

    def sample() -> None:
        n = 0
        while not done.is_set():
            pids = _tree(proc.pid)
            pss, rss = _memory(pids)
            peak["pss"], peak["rss"] = max(peak["pss"], pss), max(peak["rss"], rss)
            peak["procs"] = max(peak["procs"], len(pids))
            if n % 40 == 0:  # every 10 s
                peak["loads"].append(os.getloadavg()[0])
            n += 1
            done.wait(0.25)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    try:
        out, _ = proc.communicate(timeout=deadline)
        stopped = False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate()
        stopped = True
    wall = time.perf_counter() - t
    done.set()
    th.join()
    summary = [ln for ln in out.splitlines() if " rendered, " in ln]
    res = {"wall": wall, **peak, "stopped": stopped, "summary": summary[-1] if summary else out[-300:]}
    return {**res, "output": out} if keep_output else res


def _statuses(cache: Path) -> dict[str, int]:
    """How many reports the render recorded as rendered / failed (its per-report cache files)."""
    out: dict[str, int] = {}
    for p in cache.glob("*.json"):
        try:
            st = json.loads(p.read_text(encoding="utf-8")).get("status")
        except (OSError, ValueError, AttributeError):
            continue
        if st:
            out[st] = out.get(st, 0) + 1
    return out


def edit_and_rerender(data: Path, cmd: list[str], env: dict) -> dict:
    """Append a comment to one synthetic city's policy file, render again (no --force): which
    reports ran, and how long the whole command took."""
    pol = data / "policies" / "990001-synth001.yaml"
    pol.write_text(pol.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    load = os.getloadavg()[0]
    res = render_measured(cmd, env, keep_output=True)
    names = [ln.split("│")[1].strip() for ln in res.pop("output").splitlines() if "│ rendered " in ln]
    return {**res, "names": names, "load": load}


def workbook_seconds(reports: Path) -> tuple[float, int]:
    """Seconds to write one Excel workbook of every table rendered (as the front page did before
    its size limit), and how many sheets it holds."""
    from helpers.build.index import write_workbook

    names = sorted(p.name for p in (reports / "html").glob("*.csv"))
    (reports / ".cache" / "workbook.sha256").unlink(missing_ok=True)
    t = time.perf_counter()
    write_workbook(reports, names)
    return time.perf_counter() - t, len(names)


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run(cities: int = N_CITIES, deadline: float | None = None, workbook: bool = True) -> dict:
    """Generate, render `cities` cities' reports (stopped after `deadline` s if given), measure;
    then edit one city's file and render again; then time the all-tables workbook."""
    with tempfile.TemporaryDirectory(prefix="yibao-national-") as tmp:
        root = Path(tmp)
        names = make_data(root)
        total = make_catalog(root / "catalog-all.yaml", names)
        n = make_catalog(root / "catalog.yaml", names[:cities])
        env = {**os.environ, "YIBAO_CACHE_DIR": str(root / "cache")}
        cmd = [
            str(BIN / "yibao"), "render", "--quiet", "--jobs", "2", "--data-dir", str(root / "data"),
            "--catalog", str(root / "catalog.yaml"), "--reports-dir", str(root / "reports"),
        ]  # fmt: skip
        load = os.getloadavg()[0]
        res = render_measured(cmd, env, deadline)
        done = _statuses(root / "reports" / ".cache")
        phase = re.search(r" in ([\d.]+) s", res["summary"])
        res.update(
            reports=n,
            total=total,
            load=load,
            load_end=os.getloadavg()[0],
            rendered=done.get("rendered", 0),
            failed=done.get("failed", 0),
            phase=float(phase.group(1)) if phase else None,
            disk_html=_du(root / "reports" / "html"),
            disk_executed=_du(root / "reports" / "executed"),
            disk_all=_du(root / "reports"),
        )
        res["edit"] = edit_and_rerender(root / "data", cmd, env)
        res["workbook"] = workbook_seconds(root / "reports") if workbook else None
        return res


def section(r: dict) -> str:
    """Markdown for RESULTS.md: what ran, measured; nothing extrapolated."""
    got, mb = max(r["rendered"], 1), 1024
    asked = (
        f"all {r['total']} reports"
        if r["reports"] == r["total"]
        else f"{r['reports']} of the {r['total']} reports (the first {r['reports'] // 6} cities; "
        f"the dataset holds all {N_CITIES})"
    )
    if r["rendered"] == r["reports"] and not r["stopped"]:
        outcome = f"**all {r['rendered']} asked for rendered**, {r['failed']} failed"
    else:
        why = "stopped at the time limit" if r["stopped"] else "see the failures"
        outcome = (
            f"**only {r['rendered']} of the {r['reports']} asked for rendered** ({why}; "
            f"{r['failed']} failed) — the numbers below are for those {r['rendered']}, not extrapolated"
        )
    loads = r["loads"] or [r["load"]]
    ed = r["edit"]
    phase = (
        f"{r['phase']:.0f} s executing reports ({r['phase'] / got:.2f} s a report); the rest is the "
        "start (data checked, snapshot loaded, catalogue inspected) and the index page"
        if r["phase"]
        else "no summary line (stopped)"
    )
    return (
        "## National scale (generated catalogue, 333 cities × 6 reports + one data-quality report)\n\n"
        f"Synthetic places and claims generated in a temporary data folder (never in `data/`); asked "
        f"for {asked} with `yibao render --jobs 2`: {outcome}. Load average (1 min) "
        f"{r['load']:.1f} at the start, {min(loads):.1f}–{max(loads):.1f} during the run (sampled "
        f"every 10 s), {r['load_end']:.1f} at the end; the machine is shared.\n\n"
        "| measure | value |\n|---|---|\n"
        f"| wall time, whole command | {r['wall']:.0f} s ({r['summary']}) |\n"
        f"| of which | {phase} |\n"
        f"| seconds per report, whole command | {r['wall'] / got:.2f} |\n"
        f"| peak memory, whole process tree (PSS) | {r['pss'] / mb:.0f} MB "
        f"(RSS summed {r['rss'] / mb:.0f} MB, up to {r['procs']} processes) |\n"
        f"| disk: HTML + CSV | {r['disk_html'] / 1e6:.1f} MB ({r['disk_html'] / got / 1e3:.0f} KB "
        "a report) |\n"
        f"| disk: executed notebooks | {r['disk_executed'] / 1e6:.1f} MB |\n"
        f"| disk: reports folder in all | {r['disk_all'] / 1e6:.1f} MB |\n"
        f"| one city's policy file edited, then `yibao render`: reports re-rendered | "
        f"{len(ed['names'])} ({', '.join(ed['names'])}) |\n"
        f"| that re-render, whole command | {ed['wall']:.1f} s ({ed['summary']}); load average "
        f"{ed['load']:.1f} before |\n"
        + (
            f"| one Excel workbook of all {r['workbook'][1]} tables (openpyxl, write-only), timed "
            f"separately | {r['workbook'][0]:.1f} s |\n"
            if r.get("workbook")
            else ""
        )
        + "\n"
        f"Bars: cold render ≤ 600 s (aim 300) — {'met' if r['wall'] <= 600 else 'MISSED'}; peak memory "
        f"≤ 2 GB — {'met' if r['pss'] / mb / 1024 <= 2 else 'MISSED'} (PSS counts pages shared between "
        "the forked processes once); one edited city re-rendered in < 60 s — "
        f"{'met' if ed['wall'] < 60 else 'MISSED'}.\n\n"
        "**What one changed file re-renders.** Each report is keyed on the catalogue files plus the "
        "policy files of the places it names and their parents (`helpers.build.reads`), so the edited "
        "city's six reports and the all-data report (data quality) run again; the front page is "
        "rebuilt. Above 1,000 tables the front page writes no Excel workbook (every table stays a "
        "CSV): the row above is what one workbook of all tables costs, paid on every render that "
        "changes a table.\n"
    )
