"""`yibao verify sample | score`: a blind second coding of a sample of claims, and its agreement."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..exceptions import InputError
from .output import dataset


def _rows(text: str) -> int:
    """--n as a whole number ≥ 1, or one error line (argparse's own error prints the usage too)."""
    try:
        n = int(text)
    except ValueError:
        raise InputError(f"--n: {text!r} is not a whole number — give a number of rows, e.g. 80") from None
    if n < 1:
        raise InputError(f"--n: {n} rows — give at least 1, e.g. 80")
    return n


def _seed(text: str | None) -> int | None:
    """--seed as a whole number ≥ 0 (None: a fresh seed)."""
    if text is None:
        return None
    try:
        seed = int(text)
    except ValueError:
        raise InputError(f"--seed: {text!r} is not a whole number — give e.g. --seed 25") from None
    if seed < 0:
        raise InputError(f"--seed: {seed} is negative — give a whole number ≥ 0, e.g. 25")
    return seed


def sample(args: argparse.Namespace) -> int:
    from ..report.verify_sample import write_sheet

    done = write_sheet(
        dataset(args), Path(args.out), n=_rows(args.n), seed=_seed(args.seed), force=args.force
    )
    p = done["paths"]
    kinds = ", ".join(f"{k} {v}" for k, v in done["kinds"].items())
    print(f"wrote {p.sheet} ({done['rows']} rows, seed {done['seed']}; by kind: {kinds})")
    print(f"  catalogue for the coder: {p.catalogue}")
    print(f"  how to code: {p.guide}")
    print(f"  key (do not give it to the coder): {p.key}")
    return 0


def score(args: argparse.Namespace) -> int:
    from ..config import DATA_DIR
    from ..report.verify_score import score_sheet, write_results

    ds = dataset(args)
    data_dir = ds.data_dir if args.data_dir else DATA_DIR
    decisions = Path(args.decisions) if args.decisions else data_dir / "verify-decisions.yaml"
    result = score_sheet(ds, Path(args.sheet), decisions)
    md, js = write_results(result, data_dir)
    print(result.summary_line())
    print(f"wrote {md} and {js}")
    return 0


def _no_action(args: argparse.Namespace) -> int:
    raise InputError("verify: no action — give 'sample' or 'score' (yibao verify --help)")


def add_parsers(add) -> None:
    """Register this module's commands through `add(name, help, handler)`."""
    vp = add("verify", "blind second coding of a sample of claims: draw a sheet, score it", _no_action)
    sub = vp.add_subparsers(
        dest="verify_command", required=True, help="sample: write a blind sheet; score: compare a coded one"
    )
    sp = sub.add_parser(
        "sample",
        help="draw a random sample of claims (stratified by source kind) as a blind coding sheet",
        description="Write SHEET (the pages to code, coder's columns empty), SHEET-catalogue.csv "
        "(parameters to choose from), SHEET-guide.txt and SHEET.key.csv (row → claim id; keep it "
        "from the coder). Claims whose source has no URL are skipped.",
    )
    sp.add_argument("--n", default="80", help="rows to draw (default 80)")
    sp.add_argument("--seed", default=None, help="random seed; the same seed gives the same sheet")
    sp.add_argument(
        "--out", default="verify-sheet.csv", help="the sheet's path, .csv (default verify-sheet.csv)"
    )
    sp.add_argument("--force", action="store_true", help="overwrite an existing sheet and key")
    sp.add_argument(
        "--data-dir", default=argparse.SUPPRESS, help="data folder (default: the project's data/)"
    )
    sp.set_defaults(handler=sample)
    sp = sub.add_parser(
        "score",
        help="compare a filled sheet with the claims; write data/VERIFY.md and data/verify.json",
        description="Reads SHEET and SHEET.key.csv beside it, compares value, parameter, conditions, "
        "period and scope with each claim, and writes agreement per field and per source kind.",
    )
    sp.add_argument("sheet", help="the filled sheet (its key SHEET.key.csv must be beside it)")
    sp.add_argument("--decisions", help="decisions file (default data/verify-decisions.yaml)")
    sp.add_argument(
        "--data-dir", default=argparse.SUPPRESS, help="data folder (default: the project's data/)"
    )
    sp.set_defaults(handler=score)
