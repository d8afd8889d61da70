"""Validate the data once per content: a passed check is remembered by data hash and checker hash.

Data layer; a top-level module so that importing it loads no pandas.

`check(data_dir)` returns the dataset's counts (what `yibao check-data` prints). When the same
bytes were already validated by the same code, the counts come from a small cache file and
neither pandas nor pydantic is imported; otherwise the data is loaded and validated in full
(raising DataError listing every problem — failures are never cached).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .fingerprint import checker_hash, data_hash

#: Entries kept in the cache file (one per recently validated data version).
KEEP = 32


def cache_path() -> Path:
    """$YIBAO_CACHE_DIR, else $XDG_CACHE_HOME/yibao, else ~/.cache/yibao; file data-checks.json."""
    root = os.environ.get("YIBAO_CACHE_DIR")
    if not root:
        root = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "yibao")
    return Path(root) / "data-checks.json"


def _read(path: Path) -> dict:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return doc if isinstance(doc, dict) else {}
    except (OSError, ValueError):
        return {}


def counts(ds) -> dict:
    """What check-data reports about a loaded dataset."""
    c = ds.claims
    return {
        "claims": len(c),
        "unusable": int((~c["usable"]).sum()),
        "sources": len(ds.sources),
        "parameters": len(ds.parameters),
        "jurisdictions": int(c["jurisdiction"].nunique()),
        "version": ds.version,
        "kinds": {str(k): int(n) for k, n in ds.sources["kind"].value_counts().sort_index().items()},
        "doubts": _doubts(ds),
    }


def _doubts(ds) -> dict:
    """Doubts by reason: recorded on claims or sources, and found by the plausibility checks
    (marks, never refusals: the values stay, shown with their reason)."""
    from collections import Counter

    from .resolution import plausibility

    found = Counter(d["reason"] for x in plausibility.findings(ds).values() for d in x)
    recorded = Counter(d["reason"] for d in [*ds.claims["doubt"].dropna(), *ds.sources["doubt"].dropna()])
    return {"recorded": dict(sorted(recorded.items())), "found": dict(sorted(found.items()))}


def _links(data_dir) -> str:
    """Where the folder's symbolic links point: equal bytes reached through a link that leaves the
    folder are refused by the check, so a remembered pass must not stand for them."""
    import hashlib

    root = Path(data_dir) if data_dir is not None else None
    if root is None or not root.exists():
        return ""
    found = sorted(
        f"{p.relative_to(root)}->{os.path.realpath(p)}" for p in root.rglob("*") if p.is_symlink()
    )
    return hashlib.sha256("\n".join(found).encode()).hexdigest()[:12] if found else ""


def check(data_dir: Path | str | None = None, use_cache: bool = True) -> dict:
    """Counts for a valid data folder (cached by content); raise DataError when it is not valid."""
    from .config import default_data_dir

    data_dir = Path(data_dir) if data_dir else default_data_dir()
    if not data_dir.is_dir():
        from .data.loading import load

        load(data_dir)  # raises the 'data directory not found' message
    links = _links(data_dir)
    key = f"{data_hash(data_dir)}{'+' + links if links else ''}:{checker_hash()}"
    path = cache_path()
    cache = _read(path) if use_cache else {}
    if key in cache:
        return cache[key]
    from .data.loading import load

    result = counts(load(data_dir))
    cache = {k: v for k, v in list(cache.items())[-(KEEP - 1) :]}
    cache[key] = result
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".data-checks.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(cache, f, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:  # an unwritable cache only costs speed
        pass
    return result
