"""The no-op fast path: tell, without loading anything heavy, that the last full render still holds.

After a render of the whole catalogue with no failure, `write_stamp` records one key over
everything the render's output depends on; `unchanged` recomputes that key and returns the
stored summary when nothing moved. The key is deliberately conservative — any change it cannot
rule out sends the caller down the full path, which is always correct:

- the catalogue file and every notebook under the notebooks folder (bytes; not hidden folders
  such as .ipynb_checkpoints);
- the data version (the same hash the report cache keys use);
- the code fingerprint (helpers source, templates, stylesheet, package and Python versions);
- the day (`cachekey.marks_day`): staleness marks count back from the render day, so the first
  render of a new day takes the full path;
- the state of the git checkout holding the data (HEAD, the branch ref, packed refs, the
  index: what the front page's "last change to data/" line reads), by file metadata only;
- the output: every file in reports/html and reports/.cache (name, size, mtime), the front
  page and the workbook — a deleted or edited report, table or cache entry is a change.

Standard library only (plus `helpers.fingerprint`), so `yibao render` with nothing to do
imports neither the renderer, nor YAML, nor rich.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

STAMP = "warm.json"


def _stat_token(p: Path) -> str:
    try:
        st = p.stat()
    except OSError:
        return f"{p.name}:-"
    return f"{p.name}:{st.st_size}:{st.st_mtime_ns}"


def _listing(folder: Path, skip: str = "") -> list[str]:
    """Name, size and mtime of every entry of `folder` (sorted), without `skip`."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return ["<missing>"]
    return [_stat_token(folder / n) for n in names if n != skip]


def _gitdir(start: Path) -> Path | None:
    """The .git folder of the checkout holding `start` (following a worktree's `gitdir:` file)."""
    for d in (start, *start.parents):
        dot = d / ".git"
        if dot.is_dir():
            return dot
        if dot.is_file():
            try:
                text = dot.read_text(encoding="utf-8").strip()
            except OSError:
                return None
            if text.startswith("gitdir:"):
                return (d / text.removeprefix("gitdir:").strip()).resolve()
            return None
    return None


def git_token(data_dir: Path) -> str:
    """Metadata of the git files a commit, checkout or `git add` touches (no git process)."""
    gitdir = _gitdir(Path(data_dir).resolve())
    if gitdir is None:
        return "<no git>"
    common = gitdir
    with contextlib.suppress(OSError):  # a worktree keeps its branches in the common folder
        common = (gitdir / (gitdir / "commondir").read_text(encoding="utf-8").strip()).resolve()
    try:
        head = (gitdir / "HEAD").read_text(encoding="utf-8").strip()
    except OSError:
        head = "<no HEAD>"
    parts = [head, _stat_token(gitdir / "HEAD"), _stat_token(gitdir / "index")]
    parts.append(_stat_token(common / "packed-refs"))
    if head.startswith("ref:"):
        parts.append(_stat_token(common / head.removeprefix("ref:").strip()))
    return "|".join(parts)


def render_paths(
    reports_dir: Path | None, catalog: Path | None, notebooks_dir: Path | None, data_dir: Path | None
) -> tuple[Path, Path, Path, Path]:
    """The renderer's folders and catalogue, absolute, with the project's defaults for any None:
    (reports_dir, catalog, notebooks_dir, data_dir). The renderer and the no-op check both use it,
    so they key on the same paths."""
    from .. import config

    return (
        Path(reports_dir or config.REPORTS_DIR).resolve(),
        Path(catalog or config.CATALOG_PATH).resolve(),
        Path(notebooks_dir or config.NOTEBOOKS_DIR).resolve(),
        Path(data_dir or config.DATA_DIR).resolve(),
    )


def warm_key(reports_dir: Path, catalog: Path, notebooks_dir: Path, data_dir: Path) -> str:
    """One hash over every input and output of a full render (see the module docstring)."""
    from ..fingerprint import data_version
    from .cachekey import code_fingerprint, marks_day

    h = hashlib.sha256()
    try:
        h.update(catalog.read_bytes())
    except OSError:
        return ""  # no catalogue: the full path says what is wrong
    notebooks_dir = Path(notebooks_dir)
    for nb in sorted(notebooks_dir.rglob("*.ipynb")):  # a catalogue may name sub/x.ipynb
        rel = nb.relative_to(notebooks_dir)
        if not any(part.startswith(".") for part in rel.parts):  # not .ipynb_checkpoints/
            h.update(rel.as_posix().encode() + nb.read_bytes())
    h.update(f"|{data_version(data_dir)}|{code_fingerprint()}|{git_token(data_dir)}|{marks_day()}|".encode())
    for part in (
        _listing(reports_dir / "html"),
        _listing(reports_dir / ".cache", skip=STAMP),
        [_stat_token(reports_dir / "index.html"), _stat_token(reports_dir / "yibao-tables.xlsx")],
    ):
        h.update("\n".join(part).encode())
    h.update("|".join(map(str, (reports_dir, catalog, notebooks_dir, data_dir))).encode())
    return h.hexdigest()


def unchanged(reports_dir: Path, catalog: Path, notebooks_dir: Path, data_dir: Path) -> list[dict] | None:
    """The results of the last full render when nothing changed since (all "cached"), else None."""
    try:
        doc = json.loads((reports_dir / ".cache" / STAMP).read_text(encoding="utf-8"))
        key, results = doc["key"], doc["results"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not key or key != warm_key(reports_dir, catalog, notebooks_dir, data_dir):
        return None
    return [dict(r, status="cached", seconds=0.0, wall=0.0) for r in results]


def write_stamp(
    reports_dir: Path,
    catalog: Path,
    notebooks_dir: Path,
    data_dir: Path,
    results: list[dict],
    dates: dict[str, str | None],
) -> None:
    """Record the key after a render of the whole catalogue (`results`, one per report, and the
    date each report's HTML was made); with a failure among them, remove any stamp instead."""
    from .atomic import write_atomic

    path = reports_dir / ".cache" / STAMP
    if not results or any(r["status"] not in ("rendered", "cached") for r in results):
        path.unlink(missing_ok=True)
        return
    rows = [
        {
            "name": r["name"],
            "status": "cached",
            "detail": f"unchanged since {dates[r['name']]}" if dates.get(r["name"]) else "unchanged",
        }
        for r in results
    ]
    key = warm_key(reports_dir, catalog, notebooks_dir, data_dir)
    write_atomic(path, json.dumps({"key": key, "results": rows}, ensure_ascii=False))
