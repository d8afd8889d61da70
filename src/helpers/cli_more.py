"""CLI commands for resolution and the rule calculators."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from .cli import EXTRA_PARSERS, FORMATS, _dataset, command, emit
from .exceptions import YibaoError


def _list_cell(v):
    return ", ".join(map(str, v)) if isinstance(v, list) else v


@command("resolve")
def _resolve(args: argparse.Namespace) -> int:
    from .resolve import resolve

    ds = _dataset(args)
    r = resolve(ds, args.cities, year=args.year, topic=args.topic, as_of=args.as_of)
    if args.format == "json":
        emit(r, "json")
        return 0
    cols = ["city_zh", "parameter", "conditions", "value", "status", "source", "kind", "conflict", "stale"]
    out = r[cols].copy()
    out["value"] = out["value"].map(lambda v: "unknown" if v is None else _list_cell(v))
    emit(out, args.format)
    return 0


@command("lapse")
def _lapse(args: argparse.Namespace) -> int:
    from .rules import lapse

    ds = _dataset(args)
    r = lapse(
        ds,
        args.city,
        args.scheme,
        gap_months=args.gap_months,
        lapsed_years=args.lapsed_years,
        back_paid=args.back_paid,
        year=args.year,
    )
    emit(pd.DataFrame([{k: _list_cell(v) for k, v in r.items()}]), args.format)
    return 0


@command("contribution")
def _contribution(args: argparse.Namespace) -> int:
    from .rules import employee_contribution

    ds = _dataset(args)
    r = employee_contribution(ds, args.city, args.wage, year=args.year)
    emit(pd.DataFrame([{k: _list_cell(v) for k, v in r.items()}]), args.format)
    return 0


@command("family")
def _family(args: argparse.Namespace) -> int:
    from .rules import family_binding

    ds = _dataset(args)
    if args.household:
        try:
            relatives = json.loads(args.household)
        except json.JSONDecodeError as exc:
            raise YibaoError(
                f"--household is not valid JSON ({exc.msg} at column {exc.colno}) — "
                'write e.g. [{"relation": "child", "age": 8}]'
            ) from None
        if not isinstance(relatives, list) or not all(isinstance(r, dict) for r in relatives):
            raise YibaoError("--household must be a JSON list of objects")
    else:
        relatives = [{"relation": r.strip()} for r in args.relatives.split(",") if r.strip()]
    r = family_binding(ds, args.city, relatives, tier=args.tier, year=args.year)
    r["claims"] = r["claims"].map(_list_cell)
    emit(r, args.format)
    return 0


def _nonneg_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"{n} is negative; give a whole number ≥ 0")
    return n


def _money(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an amount in yuan") from None
    if v < 0 or v != v:
        raise argparse.ArgumentTypeError(f"{text} is negative; give yuan per month ≥ 0")
    return v


def _add_parsers(add) -> None:
    sp = add("resolve", "value shown per city and parameter, with status, conflict and staleness")
    sp.add_argument("--cities", required=True, help="comma-separated, e.g. 济南,泰安")
    sp.add_argument("--year", type=int)
    sp.add_argument("--as-of", help="date for staleness (default today), YYYY-MM-DD")
    sp.add_argument("--topic", choices=["binding", "contribution", "lapse", "benefit"])
    sp.add_argument("--format", choices=FORMATS, default="table")

    sp = add("lapse", "months until benefits resume after a gap")
    sp.add_argument("--city", required=True)
    sp.add_argument("--scheme", required=True, choices=["employee", "flexible", "resident"])
    g = sp.add_mutually_exclusive_group(required=True)
    g.add_argument("--gap-months", type=_nonneg_int)
    g.add_argument("--lapsed-years", type=_nonneg_int, help="resident scheme: whole years not insured")
    sp.add_argument("--back-paid", action="store_true", help="the gap was back-paid / restored")
    sp.add_argument("--year", type=int)
    sp.add_argument("--format", choices=FORMATS, default="table")

    sp = add("contribution", "employee contributions for a monthly wage")
    sp.add_argument("--city", required=True)
    sp.add_argument("--wage", required=True, type=_money, help="yuan per month")
    sp.add_argument("--year", type=int)
    sp.add_argument("--format", choices=FORMATS, default="table")

    sp = add("family", "which relatives can be bound to the account, and their premiums")
    sp.add_argument("--city", required=True)
    g = sp.add_mutually_exclusive_group(required=True)
    g.add_argument("--relatives", help="comma-separated relations, e.g. spouse,child,sibling")
    g.add_argument("--household", help='JSON list, e.g. [{"relation": "child", "age": 8}]')
    sp.add_argument("--tier", type=int, choices=[1, 2], default=1)
    sp.add_argument("--year", type=int)
    sp.add_argument("--format", choices=FORMATS, default="table")


EXTRA_PARSERS.append(_add_parsers)


@command("render")
def _render(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from .render import render

    results = render(
        only=args.only,
        force=args.force,
        jobs=args.jobs,
        progress=not args.quiet,
        data_dir=args.data_dir,
        reports_dir=args.reports_dir,
        catalog=args.catalog,
    )
    t = Table(title="yibao render")
    for col in ("report", "status", "seconds", "detail"):
        t.add_column(col)
    for r in results:
        style = {"failed": "red", "cached": "dim"}.get(r["status"], "")
        t.add_row(r["name"], r["status"], f"{r['seconds']:.1f}", r["detail"] or "", style=style)
    console = Console(width=160)
    console.print(t)
    counts = {s: sum(r["status"] == s for r in results) for s in ("rendered", "cached", "failed")}
    wall = results[0]["wall"] if results else 0
    console.print(
        f"{counts['rendered']} rendered, {counts['cached']} cached, {counts['failed']} failed "
        f"in {wall:.1f} s; open reports/index.html"
    )
    return 1 if counts["failed"] else 0


@command("coverage")
def _coverage(args: argparse.Namespace) -> int:
    from .config import DATA_DIR
    from .quality import coverage_markdown, coverage_summary

    ds = _dataset(args)
    if args.write or args.check:
        text = coverage_markdown(ds)
        path = (ds.data_dir if args.data_dir else DATA_DIR) / "COVERAGE.md"
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise YibaoError(f"{path} is out of date — run 'yibao coverage --write'")
            print(f"{path} is up to date")
            return 0
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
        return 0
    emit(coverage_summary(ds), args.format)
    return 0


def _add_render_parsers(add) -> None:
    sp = add("render", "render every report in reports/catalog.yaml to reports/html/")
    sp.add_argument("--only", nargs="+", metavar="NAME", help="render just these reports")
    sp.add_argument("--force", action="store_true", help="re-render even when nothing changed")
    sp.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")
    sp.add_argument("--reports-dir", type=Path, help="output folder (default reports/)")
    sp.add_argument("--catalog", type=Path, help="catalogue file (default reports/catalog.yaml)")
    sp = add("coverage", "claims per place and topic, best source kind, newest date")
    sp.add_argument("--format", choices=FORMATS, default="table")
    g = sp.add_mutually_exclusive_group()
    g.add_argument("--write", action="store_true", help="write data/COVERAGE.md")
    g.add_argument("--check", action="store_true", help="fail when data/COVERAGE.md is out of date")


EXTRA_PARSERS.append(_add_render_parsers)
