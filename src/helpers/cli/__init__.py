"""The `yibao` command line: thin wrappers over the library, one module per group of commands.

Each command module has an `add_parsers(add)` that registers its sub-commands with their
handlers; nothing is registered as a side effect of importing. Heavy libraries are imported
inside the handlers, so `--help` and light commands start fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ..exceptions import DataError, YibaoError
from . import commands_build, commands_changes, commands_data, commands_explore, commands_rules

GROUPS = (commands_data, commands_explore, commands_rules, commands_build, commands_changes)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command; each sub-parser carries its handler."""
    p = argparse.ArgumentParser(prog="yibao", description="Compare Chinese cities' 医保 rules.")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, help_: str, handler: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.add_argument("--data-dir", default=None, help="data folder (default: the project's data/)")
        sp.set_defaults(handler=handler)
        return sp

    for group in GROUPS:
        group.add_parsers(add)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point: run one sub-command; user errors print one message each and exit 2."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
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
