"""Data views: a folder holding only the data files one report may read, and its Dataset.

A view is a folder laid out like data/ (the three catalogue files and `policies/`) that holds the
policy files of some places only, plus `view.json` naming those places. A report keyed on a view
is run with the view as its data folder: `load()` there sees only those files, and naming a place
outside the view is refused (`places.find` raises `OutsideViewError`) instead of showing it as
unknown.

`narrowed` builds the view's Dataset from an already loaded full dataset (filtering its claims by
file) — the same frames `load(view)` would parse, without parsing again in every kernel.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

from ..config import display_path
from ..fingerprint import TOP_FILES, data_version
from .loading import Dataset, forget, keep, kept, load

MANIFEST = "view.json"


def make_view(source: Path, folder: Path, places: list[str], policy_files: list[str]) -> Path:
    """Lay out `folder` as a view of the data folder `source`: the catalogue files and the given
    policy files (names inside policies/), hard-linked where possible; `places` are the codes the
    view speaks for. An existing complete view is kept (views are named by content hash)."""
    folder = Path(folder)
    if (folder / MANIFEST).exists():
        return folder
    tmp = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "policies").mkdir(parents=True)
    for rel in [*TOP_FILES, *(f"policies/{n}" for n in policy_files)]:
        src = Path(source) / rel
        if not src.is_file():
            continue
        try:
            os.link(src, tmp / rel)
        except OSError:
            shutil.copyfile(src, tmp / rel)
    (tmp / MANIFEST).write_text(json.dumps({"places": sorted(places)}), encoding="utf-8")
    try:
        os.rename(tmp, folder)
    except OSError:  # another process made the same view meanwhile: same content
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def view_places(folder: Path | str) -> frozenset[str] | None:
    """The place codes a view speaks for, or None when `folder` is a full data folder."""
    try:
        doc = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return frozenset(doc.get("places", []))


def narrowed(full: Dataset, folder: Path | str) -> Dataset:
    """The Dataset of view `folder`, cut from `full` (the dataset of the folder it was made from):
    only the claims of the view's policy files, renumbered as a fresh load would number them."""
    folder = Path(folder)
    names = set(os.listdir(folder / "policies"))
    base = full.claims["file"].astype(str).map(lambda f: os.path.basename(f))
    claims = full.claims[base.isin(names).to_numpy()].reset_index(drop=True)
    shown = {n: display_path(folder / "policies" / n) for n in names}
    claims["file"] = claims["file"].astype(str).map(lambda f: shown[os.path.basename(f)]).astype("string")
    return dataclasses.replace(
        full,
        claims=claims,
        data_dir=folder,
        version=data_version(folder),
        cache={},
        view=view_places(folder),
    )


def enter(folder: Path | str) -> Dataset:
    """Make `folder` this process's data folder (a report kernel before its notebook runs): its
    Dataset is cut from the dataset this process already holds, or loaded, and every other
    dataset is forgotten, so `load()` answers with the view alone."""
    folder = Path(folder).resolve()
    os.environ["YIBAO_DATA_DIR"] = str(folder)
    if view_places(folder) is None:  # a full data folder: the report reads everything
        return load(folder)
    held = kept()  # a kernel parent holds the one dataset the view is cut from
    if len(held) == 1:
        ds = narrowed(held[0], folder)
    else:
        ds = dataclasses.replace(load(folder), view=view_places(folder))
    for other in held:
        forget(other.data_dir)
    return keep(ds)
