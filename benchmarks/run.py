"""`make bench`: run the benchmarks and write benchmarks/RESULTS.md (ratios measured in one run)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


TITLES = {
    "rules": ("Calculators",),
    "render": ("Rendering",),
    "national": ("National scale",),
    "sizes": ("Report sizes",),
}


def _table(rows: list[dict]) -> str:
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(r[c]) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--only", choices=list(TITLES), action="append")
    p.add_argument("--scenarios", type=int, default=100_000)
    p.add_argument("--cities", type=int, default=333, help="national scale: cities rendered (333 = all)")
    p.add_argument(
        "--national-limit",
        type=float,
        default=None,
        help="national scale: stop the render after this many seconds and record how many ran",
    )
    p.add_argument(
        "--skip-workbook-timing",
        action="store_true",
        help="national scale: do not time one workbook of all tables (minutes at 333 cities)",
    )
    args = p.parse_args()
    which = args.only or list(TITLES)
    parts = [
        f"# Benchmark results\n\nWritten by `make bench` on {dt.date.today()}; machine: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}. Ratios compare two paths "
        "measured in the same run.\n"
    ]
    if "rules" in which:
        import rules_bench

        load0 = os.getloadavg()[0]
        rows = rules_bench.run(args.scenarios)
        worst = min(r["ratio"] for r in rows)
        parts.append(
            "## Calculators: vectorised vs scalar reference row by row\n\n"
            f"{args.scenarios:,} mixed scenarios per calculator (seed 0); vectorised time = median of "
            f"{rules_bench.REPEAT} runs, scalar reference run once; both after the dataset's lookup tables "
            f"are built. Load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end. "
            "Bar: ≥ 200×. "
            f"Lowest ratio: **{worst}×** — {'meets' if worst >= 200 else 'MISSES'} the bar.\n\n"
            + _table(rows)
            + "\n"
        )
    if "render" in which:
        import render_bench

        parts.append(render_bench.run())
    if "national" in which:
        import national_bench

        measured = national_bench.run(args.cities, args.national_limit, not args.skip_workbook_timing)
        parts.append(national_bench.section(measured))
    if "sizes" in which:
        import size_bench

        parts.append(size_bench.run())
    # keep sections of parts not measured in this run
    old = (HERE / "RESULTS.md").read_text(encoding="utf-8") if (HERE / "RESULTS.md").exists() else ""
    kept = [
        ("## " + sec).rstrip() + "\n"
        for sec in old.split("\n## ")[1:]
        if not any(sec.startswith(t) for k in which for t in TITLES[k])
    ]
    (HERE / "RESULTS.md").write_text("\n".join(parts + kept), encoding="utf-8")
    print((HERE / "RESULTS.md").read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
