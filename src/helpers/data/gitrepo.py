"""The git checkout holding the data: run git, find the checkout, the last change to data/.

No pandas here, so the renderer's warm path can print the data's last change cheaply.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..config import default_data_dir
from ..exceptions import InputError, YibaoError


class EditionError(YibaoError):
    """Git is missing, the folder is no checkout, a revision is unknown or its data does not load."""


class RevisionError(EditionError, InputError):
    """A revision or date the user gave names no edition: unknown, not a date, or in the future.

    An input error (a notebook stops with its one line, the CLI exits 2), unlike a missing git.
    """


def git(repo: Path, *args: str) -> str:
    """Run git in `repo`; EditionError with git's first message line when it fails."""
    try:
        res = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise EditionError("git is not installed — install git to compare editions of the data") from None
    if res.returncode != 0:
        first = (res.stderr.strip().splitlines() or ["git failed"])[0]
        raise EditionError(first)
    return res.stdout.strip()


def checkout(data_dir: Path | str | None = None) -> tuple[Path, str]:
    """The git checkout holding `data_dir` and the data folder's path inside it.

    While a render runs, the kernels read a private snapshot of the data ($YIBAO_DATA_DIR); its
    history is that of the folder it was copied from ($YIBAO_DATA_ORIGIN).
    """
    data_dir = Path(data_dir or default_data_dir()).resolve()
    origin, snapshot = os.environ.get("YIBAO_DATA_ORIGIN"), os.environ.get("YIBAO_DATA_DIR")
    if origin and snapshot and data_dir == Path(snapshot).resolve():
        data_dir = Path(origin).resolve()
    probe = data_dir if data_dir.is_dir() else data_dir.parent
    try:
        root = Path(git(probe, "rev-parse", "--show-toplevel")).resolve()
    except EditionError:
        raise EditionError(
            f"{data_dir} is not inside a git checkout — editions come from git history; "
            "run this in a clone of the repository (git clone …)"
        ) from None
    return root, data_dir.relative_to(root).as_posix()


def last_change(data_dir: Path | str | None = None) -> dict[str, str] | None:
    """Date (YYYY-MM-DD) and short hash of the last commit that changed the data (and whether the
    working tree has uncommitted data changes); None outside git."""
    try:
        root, rel = checkout(data_dir)
        out = git(root, "log", "-1", "--format=%cs %h", "--", rel)
    except EditionError:
        return None
    if not out:
        return None
    date, short = out.split()
    dirty = bool(git(root, "status", "--porcelain", "--", rel))
    return {"date": date, "commit": short, **({"uncommitted": "yes"} if dirty else {})}
