"""Editions of the data from git history: `data/` as it stood at a revision or a date.

`edition(spec)` extracts `data/` at a git revision (`git archive` into a temporary folder that is
deleted after loading; nothing is kept in the repository) and loads it. Revisions whose data no
longer passes today's checks (older schemas: no claim ids, no labels) are read leniently: only
what a comparison needs (claims, their sources' kinds and dates, places), with positional claim
ids (`<file>#<n>`) when the claims carry none. `spec=None` is the working tree.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..exceptions import DataError
from .gitrepo import EditionError, RevisionError, checkout, git, last_change  # noqa: F401 - re-exported
from .loading import CLAIM_DTYPES, SOURCE_DTYPES, Dataset, load
from .policies import cond_key
from .text import bad_char, plain
from .yamlio import load_yaml

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(repr=False)
class Edition:
    """The data at one point: its label, commit (None for the working tree or before any data)."""

    label: str
    commit: str | None
    date: str | None
    ds: Dataset | None  # None: no data/ at that point (before the first commit with data)
    has_ids: bool
    strict: bool  # True when today's validating loader accepted it

    def __repr__(self) -> str:
        n = 0 if self.ds is None else len(self.ds.claims)
        return f"<Edition {self.label}: {n} claims, ids={self.has_ids}, strict={self.strict}>"


def commit_of(root: Path, spec: str, end_of_day: bool = False) -> str | None:
    """The commit a revision or date names (a date: the last commit before that day starts, or
    before it ends with `end_of_day`); None for a date before the first commit."""
    found = bad_char(spec) or next(((ch, f"U+{ord(ch):04X}") for ch in spec if ch in "\n\t"), None)
    if found:  # a pasted newline or escape: named, never echoed (it would break the message's line)
        raise RevisionError(
            f"'{plain(spec).replace(chr(10), '?').replace(chr(9), '?')}' holds a control character "
            f"({found[1]}) — give a commit, tag, branch, HEAD~N or a date YYYY-MM-DD"
        )
    if _DATE.match(spec):
        try:
            day = dt.date.fromisoformat(spec)
        except ValueError:
            raise RevisionError(f"'{spec}' is not a valid date — write YYYY-MM-DD") from None
        if day > dt.date.today() and not end_of_day:
            raise RevisionError(
                f"'{spec}' is in the future — give a date up to today ({dt.date.today()}) or a revision"
            )
        when = f"{spec} 23:59:59" if end_of_day else f"{spec} 00:00:00"
        found = git(root, "rev-list", "-1", "--first-parent", f"--before={when}", "HEAD")
        return found or None
    try:
        return git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}")
    except EditionError:
        raise RevisionError(
            f"unknown git revision '{spec}' — give a commit, tag, branch, HEAD~N or a date YYYY-MM-DD"
        ) from None


def edition(spec: str | None, data_dir: Path | str | None = None, end_of_day: bool = False) -> Edition:
    """The data at a revision or date (`spec`), or in the working tree (`spec=None`)."""
    root, rel = checkout(data_dir)
    if spec is None:
        ds = load(root / rel)
        return Edition(
            f"working tree (data version {ds.version})", None, None, ds, _has_ids(root / rel), True
        )
    commit = commit_of(root, spec, end_of_day)
    if commit is None:
        return Edition(f"{spec} (before the first commit: no data)", None, None, None, True, True)
    short, date = git(root, "log", "-1", "--format=%h %cs", commit).split()
    label = f"{spec} (commit {short} of {date})" if _DATE.match(spec) else f"{short} ({date})"
    listed = git(root, "ls-tree", "--name-only", commit, "--", rel)
    if not listed:
        return Edition(f"{label} (no {rel}/ yet)", commit, date, None, True, True)
    raw = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", commit, "--", rel],
        capture_output=True,
        check=False,
    )
    if raw.returncode != 0:
        raise EditionError(f"cannot read {rel}/ at {label}: {raw.stderr.decode(errors='replace').strip()}")
    with tempfile.TemporaryDirectory(prefix="yibao-edition-") as tmp:
        try:
            with tarfile.open(fileobj=io.BytesIO(raw.stdout)) as tar:
                if hasattr(tarfile, "data_filter"):
                    tar.extractall(tmp, filter="data")
                else:  # Python < 3.11.4: git writes only regular files and folders under `rel`
                    tar.extractall(tmp, [m for m in tar.getmembers() if m.isreg() or m.isdir()])
        except tarfile.TarError as exc:  # the "data" filter refuses a link leading out of the folder
            raise EditionError(
                f"the data at {label} holds a symbolic link that leads out of {rel}/ ({exc}) — "
                "pick another revision"
            ) from None
        folder = Path(tmp) / rel
        ids = _has_ids(folder)
        try:
            return Edition(label, commit, date, load(folder), ids, True)
        except DataError as exc:
            try:
                return Edition(label, commit, date, read_lenient(folder), ids, False)
            except DataError:
                first = exc.problems[0]
                raise EditionError(
                    f"the data at {label} does not load ({first.message}) — pick another revision"
                ) from None


def _has_ids(folder: Path) -> bool:
    for path in sorted((folder / "policies").glob("*.y*ml")):
        doc, _ = load_yaml(path)
        for rec in (doc or {}).get("claims") or []:
            if not isinstance(rec, dict) or "id" not in rec:
                return False
    return True


def _fail(path: Path, what: str) -> DataError:
    from ..exceptions import Problem

    return DataError([Problem(str(path.name), None, what, "pick another revision")])


def _plain(doubt: Any) -> dict | None:
    """A doubt as a plain dict with the fields load() keeps (None when absent or not a mapping)."""
    if not isinstance(doubt, dict):
        return None
    return {k: str(doubt.get(k)) for k in ("reason", "zh", "en")}


def read_lenient(folder: Path) -> Dataset:
    """Claims, sources and places of an older data layout, without today's schema checks."""
    jur = pd.read_csv(folder / "jurisdictions.csv", dtype=str, keep_default_na=False)
    jur = jur.reindex(columns=["code", "name_zh", "name_en", "level", "parent"]).replace("", None)
    docs, _ = load_yaml(folder / "sources.yaml")
    srows = []
    for s in docs or []:
        pub = s.get("published")
        date = (pub.get("not_before") or pub.get("not_after")) if isinstance(pub, dict) else pub
        srows.append({"id": s.get("id"), "title": s.get("title"), "kind": s.get("kind"), "date": date})
    sources = pd.DataFrame(srows, columns=list(SOURCE_DTYPES)).astype(SOURCE_DTYPES)
    known = set(sources["id"])
    rows = []
    for path in sorted((folder / "policies").glob("*.y*ml")):
        doc, probs = load_yaml(path)
        if probs or not isinstance(doc, dict):
            raise _fail(path, "unreadable policy file")
        for n, c in enumerate(doc.get("claims") or [], start=1):
            if not isinstance(c, dict) or c.get("source") not in known or "parameter" not in c:
                raise _fail(path, f"claim {n} names no known source or parameter")
            per = c.get("period") or {}
            conds = dict(sorted((c.get("conditions") or {}).items()))
            rows.append(
                {
                    "claim_id": c.get("id") or f"{path.stem}#{n}",
                    "jurisdiction": str(doc.get("jurisdiction")),
                    "parameter": c["parameter"],
                    "value": c.get("value"),
                    "conditions": conds,
                    "cond_key": cond_key(conds),
                    "year": per.get("year"),
                    "valid_from": per.get("from"),
                    "valid_to": per.get("to"),
                    "source": c["source"],
                    "locator": c.get("locator"),
                    "also": list(c.get("also") or []),
                    "scope": c.get("scope", "stated"),
                    "note": c.get("note"),
                    "usable": bool(c.get("usable", True)),
                    "fiscal_year": per.get("fiscal_year"),
                    "doubt": _plain(c.get("doubt")),
                    "second_coded": c.get("second_coded"),
                    "file": path.name,
                    "line": getattr(c, "line", None),
                }
            )
    claims = pd.DataFrame(rows, columns=list(CLAIM_DTYPES)).astype(CLAIM_DTYPES)
    params = pd.DataFrame(
        {"id": list((load_yaml(folder / "parameters.yaml")[0] or {}).get("parameters") or {})}
    )
    return Dataset(claims, sources, jur.astype("string"), params, {}, folder, "lenient")
