"""The `yibao` command line: thin wrappers over the library."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import pandas as pd

from .exceptions import DataError, YibaoError

FORMATS = ("table", "csv", "json")
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    """Register a sub-command handler."""

    def deco(fn):
        COMMANDS[name] = fn
        return fn

    return deco


def emit(df: pd.DataFrame, fmt: str) -> None:
    """Print a DataFrame as a table, CSV or JSON records."""
    if fmt == "csv":
        sys.stdout.write(df.to_csv(index=False))
    elif fmt == "json":
        sys.stdout.write(df.to_json(orient="records", force_ascii=False, date_format="iso", indent=1) + "\n")
    else:
        with pd.option_context(
            "display.max_rows",
            None,
            "display.max_columns",
            None,
            "display.width",
            200,
            "display.max_colwidth",
            60,
        ):
            print(df.to_string(index=False) if len(df) else "(no rows)")


def _dataset(args: argparse.Namespace):
    from .data import load

    return load(args.data_dir)


@command("check-data")
def _check_data(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    c = ds.claims
    print(
        f"ok: {len(c)} claims ({int((~c['usable']).sum())} kept as unusable), "
        f"{len(ds.sources)} sources, {len(ds.parameters)} parameters, "
        f"{c['jurisdiction'].nunique()} jurisdictions with claims (data version {ds.version})"
    )
    for kind, n in ds.sources["kind"].value_counts().sort_index().items():
        print(f"  sources of kind {kind}: {n}")
    unsourced = (~c["source"].isin(ds.sources["id"])).sum()
    print(f"  claims without a listed source: {unsourced}")
    return 0


@command("claims")
def _claims(args: argparse.Namespace) -> int:
    from .tables import claims_table

    ds = _dataset(args)
    emit(claims_table(ds, city=args.city, parameter=args.parameter), args.format)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    p = argparse.ArgumentParser(prog="yibao", description="Compare Chinese cities' 医保 rules.")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_)
        sp.add_argument("--data-dir", default=None, help="data folder (default: the project's)")
        return sp

    add("check-data", "validate data/ and print counts")
    sp = add("claims", "list claims with their sources")
    sp.add_argument("--city", help="code, Chinese name or pinyin, e.g. 370900, 泰安, taian")
    sp.add_argument("--parameter", help="parameter id, e.g. resident.premium")
    sp.add_argument("--format", choices=FORMATS, default="table")
    for extra in EXTRA_PARSERS:
        extra(add)
    return p


#: Functions that add further sub-commands (registered by other modules).
EXTRA_PARSERS: list[Callable] = []


def main(argv: list[str] | None = None) -> int:
    """Entry point: run one sub-command; user errors print one message each and exit 2."""
    from . import cli_more  # noqa: F401  (registers the rules, render and coverage commands)

    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except DataError as exc:
        for prob in exc.problems:
            print(prob, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found.", file=sys.stderr)
        return 2
    except YibaoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `yibao claims | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
