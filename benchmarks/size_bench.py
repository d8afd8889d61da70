"""Report sizes: every page of a fresh render (bars: median ≤ 150 KB, largest ≤ 400 KB)."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from helpers.build.render import render

MEDIAN_BAR, LARGEST_BAR = 150 * 1024, 400 * 1024


def measure(reports: Path) -> list[tuple[str, int]]:
    """(page, bytes) for every report HTML and the front page, largest first."""
    pages = [(p.stem, p.stat().st_size) for p in (reports / "html").glob("*.html")]
    pages.append(("index (front page)", (reports / "index.html").stat().st_size))
    return sorted(pages, key=lambda x: -x[1])


def run() -> str:
    """Render the catalogue into a temp folder, measure, and return the Markdown section."""
    with tempfile.TemporaryDirectory() as tmp:
        reports = Path(tmp) / "reports"
        render(reports_dir=reports, force=True, progress=False)
        pages = measure(reports)
        book = (reports / "yibao-tables.xlsx").stat().st_size
    reports_only = [b for name, b in pages if not name.startswith("index")]
    median, largest = statistics.median(reports_only), max(reports_only)
    ok = median <= MEDIAN_BAR and largest <= LARGEST_BAR
    rows = "\n".join(f"| {name} | {b / 1024:.0f} |" for name, b in pages)
    return (
        f"## Report sizes ({len(reports_only)} reports)\n\n"
        "Self-contained HTML (stylesheet and charts inlined, no script). Bars: median ≤ 150 KB, "
        f"largest ≤ 400 KB. Median **{median / 1024:.0f} KB**, largest **{largest / 1024:.0f} KB** — "
        f"{'meets' if ok else 'MISSES'} both bars. Excel workbook of all tables: {book / 1024:.0f} KB.\n\n"
        f"| page | KB |\n|---|---|\n{rows}\n"
    )
