"""Printing command results: a table, CSV or JSON (shared by every command)."""

from __future__ import annotations

import argparse
import sys

FORMATS = ("table", "csv", "json")


def emit(df, fmt: str) -> None:
    """Print a DataFrame as a table, CSV or JSON records.

    Text is made harmless first: control and escape characters become '?' (terminal injection),
    and CSV cells that start like a formula (= + - @) are prefixed with ' (spreadsheet injection).
    """
    import pandas as pd

    from ..data.text import plain
    from ..report.content import csv_cell

    df = df.map(lambda v: plain(v) if isinstance(v, str) else v)
    if fmt == "csv":
        sys.stdout.write(df.map(csv_cell).to_csv(index=False))
    elif fmt == "json":
        sys.stdout.write(df.to_json(orient="records", force_ascii=False, date_format="iso", indent=1) + "\n")
    else:
        opts = ("display.max_rows", None, "display.max_columns", None, "display.width", 200)
        with pd.option_context(*opts, "display.max_colwidth", 60):
            print(df.to_string(index=False) if len(df) else "(no rows)")


def dataset(args: argparse.Namespace):
    """The dataset named by --data-dir (the project's by default)."""
    from ..data import load

    return load(args.data_dir)


def list_cell(v):
    """A list shown in one cell: items joined by ', '."""
    return ", ".join(map(str, v)) if isinstance(v, list) else v
