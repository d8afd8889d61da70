"""Shared fixtures: the real dataset, the small fixture dataset, and bad-input case dirs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from helpers.data import load

# `make mutation` runs every test once per mutant: the same examples each time, none stored.
settings.register_profile("mutation", derandomize=True, database=None, print_blob=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

TESTS = Path(__file__).parent
GOOD = TESTS / "fixtures" / "good_data"
BAD = TESTS / "bad_inputs"


@pytest.fixture(scope="session")
def real():
    """The project's own dataset."""
    return load()


@pytest.fixture(scope="session")
def mini():
    """The small fixture dataset (tests/fixtures/good_data) used by resolver and rule tests."""
    return load(GOOD)


def build_case(case: Path, root: Path) -> Path:
    """Copy the good fixture data into root/data and lay the case's files over it.

    A case with notebooks/ starts from a copy of the project's notebooks. A SETUP file makes what
    git cannot store, one per line: `fifo PATH`, `dir PATH`, `symlink PATH TARGET`, `rmtree PATH`
    (paths relative to root; an existing file at PATH is replaced).
    """
    shutil.copytree(GOOD, root / "data")
    if (case / "notebooks").exists():
        from helpers import config

        shutil.copytree(config.NOTEBOOKS_DIR, root / "notebooks")
    for f in case.rglob("*"):
        rel = f.relative_to(case)
        if f.is_dir() or rel.parts[0] not in ("data", "reports", "notebooks"):
            continue
        target = root / rel
        if f.name.endswith(".delete"):
            target.with_name(f.name.removesuffix(".delete")).unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)
    setup = case / "SETUP"
    for line in setup.read_text().splitlines() if setup.exists() else []:
        op, rel, *rest = line.split()
        target = root / rel
        if op == "rmtree":
            shutil.rmtree(target)
            continue
        target.unlink(missing_ok=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        if op == "fifo":
            os.mkfifo(target)
        elif op == "dir":
            target.mkdir()
        elif op == "symlink":
            target.symlink_to(rest[0])
    gen = case / "GENERATE"
    if gen.exists():
        rel, size = gen.read_text().split()
        with open(root / rel, "wb") as fh:
            fh.write(b"#" * (int(size) - 1) + b"\n")
    return root / "data"
