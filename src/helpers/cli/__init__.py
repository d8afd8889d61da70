"""The `yibao` command line: thin wrappers over the library, one module per group of commands.

Each command module has an `add_parsers(add)` that registers its sub-commands with their
handlers; nothing is registered as a side effect of importing. Heavy libraries are imported
inside the handlers, so `--help` and light commands start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable

from ..data.text import plain
from ..exceptions import DataError, YibaoError
from . import (
    commands_build,
    commands_changes,
    commands_data,
    commands_explore,
    commands_rules,
    commands_verify,
)

GROUPS = (commands_data, commands_explore, commands_rules, commands_build, commands_changes, commands_verify)


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


def _say(text: str) -> None:
    """One line on stderr, with control and escape characters made harmless."""
    if sys.stderr is not None:
        with contextlib.suppress(OSError):
            print(plain(text), file=sys.stderr)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def _legible_stdout() -> None:
    """An output that cannot encode Chinese (PYTHONIOENCODING=ascii, a C locale without UTF-8 mode)
    gets Chinese text as backslash escapes instead of a UnicodeEncodeError, and one note saying so."""
    enc = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        "医保".encode(enc)
    except (UnicodeEncodeError, LookupError):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            sys.stdout.reconfigure(errors="backslashreplace")
            _say(
                f"note: the output encoding is {enc}; Chinese text is written as \\u escapes - "
                "set PYTHONIOENCODING=utf-8 (or a UTF-8 locale) to see it"
            )


def main(argv: list[str] | None = None) -> int:
    """Entry point: run one sub-command; user errors print one message each and exit 2.

    Ctrl-C (or SIGTERM while rendering) prints one line and exits 130 (143); a closed pipe such
    as `yibao render | head -1` exits 0; a full or read-only disk is one message, exit 2.
    """
    words = sys.argv[1:] if argv is None else argv
    if any("\udc80" <= ch <= "\udcff" for w in words for ch in str(w)):  # bytes the locale cannot decode
        _say(
            "error: the command line holds bytes that are not text in this locale "
            f"({os.environ.get('LC_ALL') or os.environ.get('LANG') or 'no LANG'}) — "
            "set LANG=C.UTF-8 (or PYTHONUTF8=1) and run again"
        )
        return 2
    args = build_parser().parse_args(argv)
    if sys.stdout is None:
        _say("error: standard output is closed — run with output to a terminal, a file or a pipe")
        return 2
    _legible_stdout()
    try:
        code = args.handler(args)
        sys.stdout.flush()
        return code
    except DataError as exc:
        for prob in exc.problems:
            _say(str(prob))
        _say(f"{len(exc.problems)} problem(s) found.")
        return 2
    except YibaoError as exc:
        _say(f"error: {exc}")
        return 2
    except BrokenPipeError:  # e.g. `yibao claims | head`
        _quiet_stdout()
        return 0
    except KeyboardInterrupt as exc:
        signum = getattr(exc, "signum", 2)
        _quiet_stdout()
        _say("interrupted — reports already written are kept; run the command again to finish")
        return 128 + signum
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        _say(
            f"error: cannot write{where}: {exc.strerror or exc} — free disk space or make the folder writable"
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
