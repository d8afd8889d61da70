"""Commands for the rule calculators (lapse, contribution, family) and the renderer."""

from __future__ import annotations

import argparse

import pandas as pd

from ..data.values import ValueProblem, check_household, check_money, check_year, split_list
from .output import FORMATS, dataset, emit, list_cell


def lapse(args: argparse.Namespace) -> int:
    from ..rules import lapse as lapse_

    ds = dataset(args)
    _year(args)
    r = lapse_(
        ds,
        args.city,
        args.scheme,
        gap_months=args.gap_months,
        lapsed_years=args.lapsed_years,
        back_paid=args.back_paid,
        year=args.year,
    )
    emit(pd.DataFrame([{k: list_cell(v) for k, v in r.items()}]), args.format)
    return 0


def contribution(args: argparse.Namespace) -> int:
    from ..rules import employee_contribution

    ds = dataset(args)
    _year(args)
    r = employee_contribution(ds, args.city, args.wage, year=args.year)
    emit(pd.DataFrame([{k: list_cell(v) for k, v in r.items()}]), args.format)
    return 0


def family(args: argparse.Namespace) -> int:
    from ..rules import family_binding

    ds = dataset(args)
    _year(args)
    if args.household:
        relatives = check_household(args.household, "--household")
    else:
        relatives = [{"relation": r} for r in split_list(args.relatives, "--relatives")]
    r = family_binding(ds, args.city, relatives, tier=args.tier, year=args.year)
    r["claims"] = r["claims"].map(list_cell)
    emit(r, args.format)
    return 0


def _year(args: argparse.Namespace) -> None:
    if args.year is not None:
        check_year(args.year, "--year", allow_any=False)


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
        return check_money(text, "--wage")
    except ValueProblem as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_parsers(add) -> None:
    """Register this module's commands through `add(name, help, handler)`."""
    sp = add("lapse", "months until benefits resume after a gap", lapse)
    sp.add_argument("--city", required=True, help="code, Chinese name or pinyin, e.g. 泰安")
    sp.add_argument("--scheme", required=True, choices=["employee", "flexible", "resident"])
    g = sp.add_mutually_exclusive_group(required=True)
    g.add_argument("--gap-months", type=_nonneg_int)
    g.add_argument("--lapsed-years", type=_nonneg_int, help="resident scheme: whole years not insured")
    sp.add_argument("--back-paid", action="store_true", help="the gap was back-paid / restored")
    sp.add_argument("--year", type=int, help="policy year, e.g. 2025 (default: any year)")
    sp.add_argument("--format", choices=FORMATS, default="table", help="output format")

    sp = add("contribution", "employee contributions for a monthly wage", contribution)
    sp.add_argument("--city", required=True, help="code, Chinese name or pinyin, e.g. 泰安")
    sp.add_argument("--wage", required=True, type=_money, help="yuan per month")
    sp.add_argument("--year", type=int, help="policy year, e.g. 2025 (default: any year)")
    sp.add_argument("--format", choices=FORMATS, default="table", help="output format")

    sp = add("family", "which relatives can be bound to the account, and their premiums", family)
    sp.add_argument("--city", required=True, help="code, Chinese name or pinyin, e.g. 泰安")
    g = sp.add_mutually_exclusive_group(required=True)
    g.add_argument("--relatives", help="comma-separated relations, e.g. spouse,child,sibling")
    g.add_argument("--household", help='JSON list, e.g. [{"relation": "child", "age": 8}]')
    sp.add_argument("--tier", type=int, choices=[1, 2], default=1)
    sp.add_argument("--year", type=int, help="policy year, e.g. 2025 (default: any year)")
    sp.add_argument("--format", choices=FORMATS, default="table", help="output format")
