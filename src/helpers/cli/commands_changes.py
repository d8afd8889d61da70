"""`yibao changes`: what changed in the data between two git revisions or dates."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from .output import FORMATS, as_options, ascii_only, emit, list_cell, width

_CONTROL = {i: None for i in range(32) if i not in (9, 10)} | {127: None}


def _text(v) -> str | None:
    """A value as one line of plain text (lists joined, control characters dropped)."""
    if v is None or (not isinstance(v, list | tuple) and v != v):  # None or NaN
        return None
    return str(list_cell(v)).translate(_CONTROL)


def _arrow(old, new) -> str:
    """'old → new', or the one side that exists."""
    o, n = _text(old), _text(new)
    return f"{o} → {n}" if o is not None and n is not None else (n if o is None else f"{o} → (removed)")


def _wrapped(text: str) -> str:
    """The summary lines wrapped to the terminal's width (80 columns in a pipe)."""
    w = width()
    return "\n".join(
        textwrap.fill(line, w, subsequent_indent="  ") if line else line for line in text.splitlines()
    )


def changes(args: argparse.Namespace) -> int:
    from ..report.changes import compare_editions
    from ..report.content import csv_cell
    from ..resolution.changes import counts

    with as_options(since="--since", until="--until"):
        result = compare_editions(args.since, args.until, args.city, args.data_dir)
    t = result.changes
    if args.format == "json":
        doc = {**result.meta(), "counts": counts(t), "changes": t.to_dict("records")}
        sys.stdout.write(json.dumps(doc, ensure_ascii=ascii_only(), indent=1, default=str) + "\n")
        return 0
    if args.format == "csv":
        print(_wrapped(result.summary()), file=sys.stderr)
        emit(t.map(lambda v: csv_cell(_text(v)) if isinstance(v, str | list) else v), "csv")
        return 0
    print(_wrapped(result.summary()))
    shown = t[["change", "place_zh", "parameter", "conditions", "period", "detail"]].map(_text)
    shown.insert(5, "value", [_arrow(o, n) for o, n in zip(t["old_value"], t["new_value"], strict=True)])
    shown.insert(6, "source", [_arrow(o, n) for o, n in zip(t["old_source"], t["new_source"], strict=True)])
    emit(shown.rename(columns={"place_zh": "place"}).fillna(""), "table")
    return 0


def add_parsers(add) -> None:
    """Register this module's commands through `add(name, help, handler)`."""
    sp = add(
        "changes", "values added, changed, removed, superseded, newly conflicting or unverified", changes
    )
    sp.add_argument("--since", required=True, help="git revision (commit, tag, HEAD~5) or date YYYY-MM-DD")
    sp.add_argument("--until", help="git revision or date (default: the working tree)")
    sp.add_argument("--city", help="comma-separated places (with what they inherit), e.g. 济南,泰安")
    sp.add_argument("--format", choices=FORMATS, default="table", help="output format")
