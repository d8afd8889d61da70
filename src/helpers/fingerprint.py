"""Hashes of the data files and of the validating code (data layer; top-level so it imports no pandas)."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

TOP_FILES = ("parameters.yaml", "jurisdictions.csv", "sources.yaml")
POLICY_SUFFIXES = (".yaml", ".yml")
#: Files beside the data that reports show but the loader does not read (second-coding result).
SHOWN_FILES = ("verify.json",)


def _candidates(data_dir: Path) -> list[Path]:
    """Every path the loader looks at: the three top-level files and policies/*.yaml|yml (any case,
    not hidden), whatever they are (file, folder, pipe, broken link)."""
    data_dir = Path(data_dir)
    pdir = data_dir / "policies"
    try:
        names = sorted(os.listdir(pdir)) if pdir.is_dir() else []
    except OSError:
        names = []
    policies = [
        pdir / n for n in names if not n.startswith(".") and Path(n).suffix.lower() in POLICY_SUFFIXES
    ]
    return [data_dir / n for n in TOP_FILES] + policies


def _regular(p: Path) -> bool:
    try:
        return stat.S_ISREG(p.stat().st_mode)
    except (OSError, RuntimeError):  # missing, a symlink loop …: the loader names the problem
        return False


def data_files(data_dir: Path) -> list[Path]:
    """The files the loader reads: the three top-level files and the policy files (.yaml/.yml in any
    case, not hidden), plus the `SHOWN_FILES` present (a data snapshot carries what reports show,
    so its version is the folder's). Only regular files are listed: a pipe would block, a folder
    cannot be read."""
    shown = [Path(data_dir) / n for n in SHOWN_FILES]
    return [p for p in [*_candidates(data_dir), *shown] if _regular(p)]


def data_hash(data_dir: Path) -> str:
    """SHA-256 of every path the loader looks at: relative path and bytes for a regular file, its
    kind otherwise (so a folder, pipe or broken link where a file belongs changes the hash); plus
    the `SHOWN_FILES` present (reports show the second-coding result, so it re-renders them)."""
    h = hashlib.sha256()
    for p in _candidates(data_dir):
        h.update(p.relative_to(data_dir).as_posix().encode())
        if not _regular(p):
            try:
                h.update(f"<mode {p.lstat().st_mode:o}>".encode())
            except OSError as exc:
                h.update(f"<errno {exc.errno}>".encode())
            continue
        try:
            h.update(p.read_bytes())
        except OSError as exc:
            h.update(f"<errno {exc.errno}>".encode())
    for name in SHOWN_FILES:  # reports show them, so a new result is a new data version
        p = Path(data_dir) / name
        if _regular(p):
            h.update(f"<{name}>".encode())
            try:
                h.update(p.read_bytes())
            except OSError as exc:
                h.update(f"<errno {exc.errno}>".encode())
    h.update(b"<policies folder>" if (Path(data_dir) / "policies").is_dir() else b"<no policies folder>")
    return h.hexdigest()


def data_version(data_dir: Path) -> str:
    """Short data version shown in reports and used by the renderer's cache key."""
    return data_hash(data_dir)[:12]


def checker_hash() -> str:
    """Hash of the code that validates data (helpers/data and the exceptions) and of the code whose
    counts check-data prints (datacheck, the plausibility checks), for cached checks."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    shared = [here / n for n in ("exceptions.py", "config.py", "hints.py", "fingerprint.py", "datacheck.py")]
    shared.append(here / "resolution" / "plausibility.py")
    for p in [*sorted((here / "data").glob("*.py")), *shared]:
        if p.name in ("datacheck.py", "plausibility.py") and not p.exists():
            continue  # a trimmed copy of the package (tests) may hold the validating code only
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
