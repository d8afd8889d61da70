"""A report's files: tables its sections handed over, parameters shown, HTML and CSVs moved together."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from markupsafe import escape

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


_DS: list = []


def _dataset(load):
    if not _DS:  # once per worker process (the renderer sets YIBAO_DATA_DIR before forking)
        _DS.append(load(os.environ.get("YIBAO_DATA_DIR")))
    return _DS[0]


def collect_tables(nb) -> dict[str, str]:
    """CSV text of every table the displayed sections handed over (name → CSV), in display order."""
    from ..report.content import TABLES_MIME

    out: dict[str, str] = {}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            shown = o.get("output_type") in ("display_data", "execute_result")
            tables = o.get("data", {}).get(TABLES_MIME) if shown else None
            if isinstance(tables, dict):
                out.update({str(k): str(v) for k, v in tables.items()})
    return out


def page_address(name: str) -> str:
    """The address a citation gives for report `name`: ``html/<name>.html`` under $YIBAO_SITE_URL."""
    from ..config import site_url

    base = site_url()
    return f"{base}/html/{name}.html" if base else f"html/{name}.html"


def publish(html_dir: Path, name: str, html: str, tables: dict[str, str]) -> list[str]:
    """Move a report's HTML and CSVs into place together (staged first; HTML last); return CSV names.

    Each value's citation gets this page's address where the report left `PAGE_MARK`; the table
    style each section carries for JupyterLab (`SCOPED_CSS`) is dropped, the page's stylesheet
    has the same rules.
    """
    from ..report.content import SCOPED_CSS
    from ..report.markup import PAGE_MARK

    html = html.replace(PAGE_MARK, escape(page_address(name))).replace(SCOPED_CSS, "")
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
