"""What a report reads: the data files its cache key covers and its kernel is given.

A notebook declares it in its metadata, ``"yibao": {"reads": [...]}``: the names of the parameters
whose values name the places it reads (``["cities"]``, ``["city"]``, ``["cities", "household"]``).
Such a report reads the catalogue files (parameters.yaml, jurisdictions.csv, sources.yaml) and the
policy files of the places named — with the notebook's default for a parameter the catalogue does
not set — and of the places they inherit from (city → province → national). A notebook that
declares ``"reads": "all"`` (data quality, what changed), or declares nothing, reads all data and
is keyed on the data version, as is the front page.

`Reads.key` is the hash of exactly those files (names and bytes, and which of them are missing),
so editing one city's policy file changes the keys of the reports that read it and of the
all-data reports only. The renderer gives each such report a view holding only these files
(`helpers.data.views`): what is not in the key cannot be read.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..exceptions import YibaoError
from ..fingerprint import POLICY_SUFFIXES, TOP_FILES

ALL = "all"


@dataclass(frozen=True)
class Reads:
    """The data one report reads: place codes (with their parents), policy file names, their hash."""

    places: tuple[str, ...]
    files: tuple[str, ...]
    key: str


def declared(notebook: Path) -> list[str] | None:
    """The place-naming parameters a notebook declares (`metadata.yibao.reads`); None: all data."""
    try:
        meta = json.loads(Path(notebook).read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return None
    reads = (meta.get("yibao") or {}).get("reads", ALL)
    if isinstance(reads, list) and all(isinstance(x, str) for x in reads):
        return reads
    return None


def notebook_defaults(notebook: Path) -> dict:
    """Literal defaults of a notebook's `parameters` cell (name → value); others are left out."""
    try:
        cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return {}
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            out = {}
            for node in ast.parse(src).body:
                target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
                if isinstance(target, ast.Name) and getattr(node, "value", None) is not None:
                    with contextlib.suppress(ValueError):  # not a literal: no default known
                        out[target.id] = ast.literal_eval(node.value)
            return out
    return {}


def _codes(value, known) -> list[str]:
    """Place codes anywhere in a checked parameter value (a code, a list, a household's dicts)."""
    if isinstance(value, str):
        return [value] if value in known else []
    if isinstance(value, dict):
        return [c for v in value.values() for c in _codes(v, known)]
    if isinstance(value, list | tuple):
        return [c for v in value for c in _codes(v, known)]
    return []


def named_places(ds, params: dict, names: list[str]) -> list[str]:
    """Codes of the places the parameters `names` name (checked as the notebook checks them),
    with every parent up to national; sorted."""
    from ..data import places
    from ..data.inputs import PARAMETER_CHECKS

    known = set(ds.jurisdictions["code"])
    out: set[str] = set()
    for n in names:
        if n not in params:
            continue
        check = PARAMETER_CHECKS.get(n)
        value = check(ds, params[n]) if check else params[n]
        for code in _codes(value, known):
            out.update(places.chain(ds, code))
    return sorted(out)


def policy_names(data_dir: Path, codes) -> list[str]:
    """Names in policies/ that belong to these places (`<code>-…`, as the loader would look at them)."""
    pdir = Path(data_dir) / "policies"
    try:
        names = sorted(os.listdir(pdir))
    except OSError:
        return []
    prefixes = tuple(f"{c}-" for c in codes)
    return [
        n
        for n in names
        if n.startswith(prefixes) and not n.startswith(".") and Path(n).suffix.lower() in POLICY_SUFFIXES
    ]


def files_key(data_dir: Path, codes, names: list[str]) -> str:
    """Hash of the catalogue files and the named policy files (bytes; a missing or odd file by its
    kind), and of the place codes (so a policy file added later for one of them changes it)."""
    h = hashlib.sha256(("places:" + ",".join(codes)).encode())
    for rel in [*TOP_FILES, *(f"policies/{n}" for n in names)]:
        h.update(b"\0" + rel.encode() + b"\0")
        try:
            h.update(Path(data_dir, rel).read_bytes())
        except OSError as exc:
            h.update(f"<errno {exc.errno}>".encode())
    return h.hexdigest()[:16]


def _basis(data_dir: Path) -> str:
    """What the place lookups depend on: the place table and parameter catalogue, and the code."""
    from .cachekey import code_fingerprint

    h = hashlib.sha256(code_fingerprint().encode())
    for name in ("jurisdictions.csv", "parameters.yaml"):
        try:
            h.update(Path(data_dir, name).read_bytes())
        except OSError:
            h.update(b"<missing>")
    return h.hexdigest()


def report_reads(
    entries, data_dir: Path, cache_dir: Path | None, dataset: Callable, pending: list | None = None
) -> dict[str, Reads | None]:
    """What each report reads (None: all data). The places each report names are remembered in
    `cache_dir/reads.json` while the place table, the catalogue of parameters and the code are
    unchanged, so `dataset()` (a loaded Dataset) is called only when a lookup is new. With
    `pending`, the new memo is appended there as (path, text) instead of written, so a caller
    writes it only once the catalogue has passed its checks (a refused catalogue changes nothing)."""
    path = cache_dir / "reads.json" if cache_dir else None
    basis = _basis(data_dir)
    memo: dict[str, list[str]] = {}
    if path:
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
            if old.get("basis") == basis:
                memo = old["places"]
        except (OSError, ValueError, KeyError):
            pass
    ds = None
    out: dict[str, Reads | None] = {}
    changed = False
    for e in entries:
        names = declared(e.notebook)
        if names is None:
            out[e.name] = None
            continue
        params = {**notebook_defaults(e.notebook), **e.parameters}
        sig = json.dumps([names, {n: params.get(n) for n in names}], sort_keys=True, ensure_ascii=False)
        if sig not in memo:
            ds = ds or dataset()
            try:
                memo[sig] = named_places(ds, params, names)
            except YibaoError:  # a bad value: the catalogue check names it; key on all data meanwhile
                out[e.name] = None
                continue
            changed = True
        codes = memo[sig]
        files = policy_names(data_dir, codes)
        out[e.name] = Reads(tuple(codes), tuple(files), files_key(data_dir, codes, files))
    if path and changed:
        text = json.dumps({"basis": basis, "places": memo}, ensure_ascii=False)
        if pending is not None:
            pending.append((path, text))
        else:
            from .atomic import write_atomic

            write_atomic(path, text)
    return out
