"""Hashes of the data files and of the validating code (data layer; top-level so it imports no pandas)."""

from __future__ import annotations

import hashlib
import os
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
    h.update(repr(package_versions(("pydantic", "pandas"))).encode())
    return h.hexdigest()


def _norm(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def package_versions(names: tuple[str, ...]) -> dict[str, str | None]:
    """Installed versions by distribution name (None when absent), read from the *.dist-info
    folder names on sys.path — the same answer as importlib.metadata, without its import cost."""
    import sys

    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for d in listing:
            if d.endswith(".dist-info") and "-" in d:
                dist, _, ver = d[: -len(".dist-info")].rpartition("-")
                found.setdefault(_norm(dist), ver)
    out: dict[str, str | None] = {}
    for n in names:
        out[n] = found.get(_norm(n))
        if out[n] is None:
            import contextlib
            from importlib import metadata

            with contextlib.suppress(metadata.PackageNotFoundError):
                out[n] = metadata.version(n)
    return out
