"""Printing command results: a table, CSV or JSON (shared by every command).

JSON keeps types: lists stay lists, numbers numbers, true/false booleans, unknown null. Tables
fit the terminal (80 columns when not a terminal): a table too wide to read is printed as one
block of ``column  value`` lines per row instead. Text from data is printed without markup.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import re
import shutil
import sys
from collections.abc import Iterator

from ..exceptions import InputError

FORMATS = ("table", "csv", "json")
FORMAT_HELP = "table (fits the terminal), csv, or json (lists, numbers, true/false, null)"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Narrowest a column may get before a table is printed as blocks of lines instead.
MIN_COLUMN = 9


def _plain(v):
    """A cell as a JSON-ready value: NaN/NA → None, numpy scalars → Python, lists and dicts kept."""
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if hasattr(v, "item") and not isinstance(v, str):
        with contextlib.suppress(ValueError, AttributeError):
            v = v.item()
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return None
        if isinstance(v, pd.Timestamp):
            return v.date().isoformat()
    except ImportError:  # pragma: no cover
        pass
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def records(df) -> list[dict]:
    """The rows of a DataFrame as JSON-ready dicts."""
    return [{k: _plain(v) for k, v in row.items()} for row in df.to_dict("records")]


def _text(v) -> str:
    v = _plain(v)
    if v is None:
        return ""
    if isinstance(v, list):
        v = ", ".join(map(str, v))
    elif isinstance(v, float):
        v = f"{v:g}" if abs(v) < 1e15 else str(v)
    return _CONTROL.sub("?", str(v))


def width() -> int:
    """Columns of the terminal (80 when output is not a terminal and COLUMNS is unset)."""
    return shutil.get_terminal_size((80, 24)).columns


def ascii_only() -> bool:
    """True when standard output cannot take Chinese (PYTHONIOENCODING=ascii, a C locale): JSON is
    then written with \\u escapes, which any JSON reader turns back into the text."""
    enc = (getattr(sys.stdout, "encoding", None) or "utf-8").lower().replace("_", "-")
    return not enc.startswith(("utf", "gb"))


def emit_json(obj) -> None:
    """Print JSON-ready data (dicts, lists, numbers, text; NaN as null), indented; text made
    harmless as in `emit` (control and bidi characters become '?')."""
    from ..data.text import plain

    def clean(v):
        if isinstance(v, str):
            return plain(v)
        if isinstance(v, list):
            return [clean(x) for x in v]
        if isinstance(v, dict):
            return {clean(k): clean(x) for k, x in v.items()}
        return v

    sys.stdout.write(json.dumps(clean(_plain(obj)), ensure_ascii=ascii_only(), indent=1) + "\n")


def emit(df, fmt: str) -> None:
    """Print a DataFrame as a table, CSV or JSON records.

    Text is made harmless first: control and escape characters become '?' (terminal injection),
    and CSV cells that start like a formula (= + - @) are prefixed with ' (spreadsheet injection).
    """

    from ..data.text import plain
    from ..report.content import csv_cell

    df = df.map(lambda v: plain(v) if isinstance(v, str) else v)
    if fmt == "csv":
        sys.stdout.write(df.map(csv_cell).to_csv(index=False))
    elif fmt == "json":
        sys.stdout.write(json.dumps(records(df), ensure_ascii=ascii_only(), indent=1) + "\n")
    else:
        table(df)


def table(df) -> None:
    """A table that fits the terminal; rows as blocks of lines when there are too many columns."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    w = width()
    console = Console(width=w, highlight=False, markup=False, emoji=False)
    if not len(df):
        console.print("(no rows)")
        return
    cols = [str(c) for c in df.columns]
    if len(cols) * (MIN_COLUMN + 3) > w:
        key_w = max(map(len, cols))
        for i, row in enumerate(df.itertuples(index=False), 1):
            console.print(Text(f"── {i} " + "─" * max(0, min(w, 60) - len(str(i)) - 4)))
            for c, v in zip(cols, row, strict=True):
                console.print(Text(f"{c.ljust(key_w)}  {_text(v)}"))
        return
    t = Table(show_lines=False, expand=False)
    for c in cols:
        t.add_column(Text(c), overflow="fold")
    for row in df.itertuples(index=False):
        t.add_row(*(Text(_text(v)) for v in row))
    console.print(t)


@contextlib.contextmanager
def as_options(**options: str) -> Iterator[None]:
    """Re-word an InputError from the API so it names command-line options: ``gap_months`` → ``--gap-months``.

    The library names its own arguments (a Python user writes ``gap_months=5``); a command's user
    writes the option, so the message and its fix name the option instead.
    """
    try:
        yield
    except InputError as exc:
        text = str(exc)
        head, sep, fix = text.partition(" — ")
        for name, option in options.items():
            word = rf"(?<![\w-]){re.escape(name)}(?![\w-])"
            lead, colon, what = head.partition(": ")  # the name(s) the message is about …
            head = re.sub(word, option, lead) + colon + what
            fix = re.sub(rf"(?<=give ){re.escape(name)}(?![\w-])", option, fix)  # … and the one to give
        text = head + sep + fix
        raise InputError(text) from None


TOPICS_HELP = "comma-separated: binding, contribution, lapse, benefit (default all)"


def add_topics(sp: argparse.ArgumentParser) -> None:
    """`--topics` (one or several, comma-separated); the old spelling `--topic` still works, with a hint."""
    sp.add_argument("--topics", help=TOPICS_HELP)
    sp.add_argument("--topic", dest="old_topic", help="old spelling of --topics (still accepted)")


def topics(args: argparse.Namespace, ds) -> list[str] | None:
    """The topics a command was given (None: all), checked; `--topic` gets a hint on stderr."""
    from ..data import inputs

    if args.old_topic and args.topics:
        raise InputError("--topic: give --topics only (--topic is its old spelling)")
    if args.old_topic:
        print("note: --topic is now spelled --topics (several: --topics binding,lapse)", file=sys.stderr)
        return inputs.topics(ds, args.old_topic, "--topic")
    return inputs.topics(ds, args.topics, "--topics") if args.topics else None


def dataset(args: argparse.Namespace):
    """The dataset named by --data-dir (the project's by default)."""
    from ..data import load

    return load(args.data_dir)


def list_cell(v):
    """A list shown in one cell: items joined by ', '."""
    return ", ".join(map(str, v)) if isinstance(v, list) else v
