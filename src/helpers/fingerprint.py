"""Hashes of the data files and of the validating code (data layer; top-level so it imports no pandas)."""

from __future__ import annotations

import hashlib
from pathlib import Path

DATA_SUFFIXES = (".yaml", ".yml", ".csv")


def data_hash(data_dir: Path) -> str:
    """SHA-256 of every data file (relative path and bytes), in path order."""
    h = hashlib.sha256()
    for p in sorted(Path(data_dir).rglob("*")):
        if p.suffix in DATA_SUFFIXES and p.is_file():
            h.update(p.relative_to(data_dir).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def data_version(data_dir: Path) -> str:
    """Short data version shown in reports and used by the renderer's cache key."""
    return data_hash(data_dir)[:12]


def checker_hash() -> str:
    """Hash of the code that validates data (helpers/data and the exceptions), for cached checks."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    shared = [here / n for n in ("exceptions.py", "config.py", "hints.py", "fingerprint.py")]
    for p in [*sorted((here / "data").glob("*.py")), *shared]:
        h.update(p.name.encode() + p.read_bytes())
    try:
        from importlib.metadata import version

        h.update(f"pydantic={version('pydantic')},pandas={version('pandas')}".encode())
    except Exception:  # noqa: BLE001 - a missing distribution only weakens the key
        h.update(b"?")
    return h.hexdigest()
