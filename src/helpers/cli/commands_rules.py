"""Commands for the rule calculators (lapse, contribution, family) and the renderer."""

from __future__ import annotations

import argparse
import json

from ..exceptions import YibaoError
from .output import FORMATS, dataset, emit, list_cell


def lapse(args: argparse.Namespace) -> int:
    from ..rules import lapse as lapse_

    ds = dataset(args)
    r = lapse_(
        ds,
        args.city,
        args.scheme,
        gap_months=args.gap_months,
        lapsed_years=args.lapsed_years,
        back_paid=args.back_paid,
        year=args.year,
    )
    import pandas as pd

    emit(pd.DataFrame([{k: list_cell(v) for k, v in r.items()}]), args.format)
    return 0


def contribution(args: argparse.Namespace) -> int:
    from ..rules import employee_contribution

    ds = dataset(args)
    r = employee_contribution(ds, args.city, args.wage, year=args.year)
    import pandas as pd

    emit(pd.DataFrame([{k: list_cell(v) for k, v in r.items()}]), args.format)
    return 0


def family(args: argparse.Namespace) -> int:
    from ..rules import family_binding

    ds = dataset(args)
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
    r["claims"] = r["claims"].map(list_cell)
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
