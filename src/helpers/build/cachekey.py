"""Cache keys: a report is re-rendered only when its notebook, parameters, data or code change."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from typing import TYPE_CHECKING

from .. import config
from ..fingerprint import package_versions

if TYPE_CHECKING:  # the no-op render path imports this module without YAML or the catalogue
    from .catalog import Entry
    from .reads import Reads

PACKAGES = (
    "pandas",
    "numpy",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "jupyter_client",
    "pydantic",
    "pyyaml",
)


def code_fingerprint() -> str:
    """Hash of the helpers source, templates, stylesheet and the versions of the packages that shape
    output (the stylesheet is inlined in every page: editing it re-renders)."""
    h = hashlib.sha256()
    for p in sorted(config.PACKAGE_DIR.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".j2", ".json", ".css"):
            h.update(p.relative_to(config.PACKAGE_DIR).as_posix().encode() + p.read_bytes())
    for name, version in package_versions(PACKAGES).items():  # reads dist-info names: fast
        h.update(f"{name}={version}".encode() if version else name.encode())
    h.update(platform.python_version().encode())
    return h.hexdigest()


def marks_day() -> str:
    """The day staleness counts from (旧 marks: a source older than the threshold on that day).
    Part of every report key and of the no-op stamp, so a page is re-rendered on the first render
    of a new day and never shows marks a render on the reading day would not."""
    return dt.date.today().isoformat()


def data_key(data_version: str, reads: Reads | None) -> str:
    """The data part of a report's key: the hash of the files it reads (`reads.Reads`), or the
    data version for a report that reads all data."""
    return data_version if reads is None else f"files:{reads.key}"


def report_hash(entry: Entry, data_version: str, code: str) -> str:
    """Content hash of everything a report depends on, including the day its marks count from."""
    h = hashlib.sha256(entry.notebook.read_bytes())
    h.update(json.dumps(entry.parameters, sort_keys=True, ensure_ascii=False, default=str).encode())
    h.update(f"{entry.title}|{entry.timeout}|{data_version}|{code}|{marks_day()}".encode())
    return h.hexdigest()
