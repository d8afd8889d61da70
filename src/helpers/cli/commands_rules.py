"""Commands for the rule calculators: lapse, contribution, family."""

from __future__ import annotations

import argparse

from ..exceptions import InputError
from .output import FORMAT_HELP, FORMATS, as_options, dataset, emit

CITY_HELP = "code, Chinese name or pinyin, e.g. 370900, 泰安, taian"
CITIES_HELP = "comma-separated codes, names or pinyin, or a province group: 济南,泰安 · 山东全省 · shandong:*"
YEAR_HELP = "policy year, e.g. 2025 (default: claims for any year)"


def _flags_to_json(df, columns, fmt: str):
    """yes/no answers as true/false (null for unknown, disputed, n/a) in JSON; words elsewhere."""
    if fmt != "json":
        return df
    from ..rules.reasons import FLAG_JSON

    df = df.copy()
    for c in columns:
        df[c] = df[c].map(lambda v: FLAG_JSON.get(v)).astype(object)
    return df


INPUTS_HELP = (
    "print the figures each result used instead (one row per input: value, year, status, kind, "
    "support, doubt); JSON results always carry them in 'inputs'"
)


def _emit_result(df, args: argparse.Namespace) -> None:
    """A calculator result: JSON keeps each row's `inputs` records; a table or CSV shows the
    results without them, or — with --inputs — the inputs table instead (doubts as text)."""
    from ..rules import inputs_table

    if getattr(args, "inputs", False):
        t = inputs_table(df).drop(columns=["row"])
        if args.format != "json":
            t["doubts"] = ["; ".join(d.get("en", "") for d in ds) for ds in t["doubts"]]
        emit(t, args.format)
    elif args.format == "json":
        emit(df, args.format)
    else:
        emit(df.drop(columns=["inputs"]), args.format)


def lapse(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..data import inputs
    from ..rules import lapse as lapse_

    ds = dataset(args)
    year = inputs.year(args.year, "--year")
    scheme = inputs.scheme(ds, args.scheme, "--scheme")
    with as_options(gap_months="--gap-months", lapsed_years="--lapsed-years"):
        rows = [
            lapse_(
                ds,
                code,
                scheme,
                gap_months=args.gap_months,
                lapsed_years=args.lapsed_years,
                back_paid=args.back_paid,
                year=year,
            )
            for code in inputs.places(ds, args.cities or args.city, "--city")
        ]
    _emit_result(_flags_to_json(pd.DataFrame(rows), ["gap_covered", "backpay_allowed"], args.format), args)
    return 0


def contribution(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..data import inputs
    from ..rules import employee_contributions

    ds = dataset(args)
    codes = inputs.places(ds, args.cities or args.city, "--city")
    wages = inputs.wages(args.wage, "--wage")
    grid = pd.DataFrame([{"city": c, "wage": w} for c in codes for w in wages])
    res = employee_contributions(ds, grid, year=inputs.year(args.year, "--year"))
    if args.format == "table" and not args.all_columns:
        res = res[[c for c in res.columns if not c.endswith("_year_lo") and not c.endswith("_year_hi")]]
    _emit_result(res, args)
    return 0


def family(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..data import inputs
    from ..rules import family_binding
    from ..rules.reasons import FLAG_JSON

    ds = dataset(args)
    if args.household:
        relatives = inputs.household(ds, args.household, "--household")
    else:
        if args.relatives.strip().startswith(("[", "{")):
            raise InputError(
                f"--relatives: {args.relatives.strip()[:40]!r} is a JSON household — give it as "
                f"--household '{args.relatives.strip()}' (--relatives takes words: 配偶,父亲)"
            )
        words = [w.strip() for w in args.relatives.replace("，", ",").split(",") if w.strip()]
        relatives = inputs.household(ds, [{"relation": w} for w in words], "--relatives")
    year = inputs.year(args.year, "--year")
    tier = inputs.tier(ds, args.tier, "--tier")
    codes = inputs.places(ds, args.cities or args.city, "--city")
    r = pd.concat([family_binding(ds, c, relatives, tier=tier, year=year) for c in codes], ignore_index=True)
    r.insert(r.columns.get_loc("can_bind") + 1, "status", r["can_bind"])
    r["can_bind"] = r["status"].map(lambda v: FLAG_JSON.get(v)).astype(object)
    _emit_result(r, args)
    return 0


def _nonneg_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"{n} is negative; give a whole number ≥ 0")
    return n


def _places(sp: argparse.ArgumentParser) -> None:
    g = sp.add_mutually_exclusive_group(required=True)
    g.add_argument("--city", help=CITY_HELP)
    g.add_argument("--cities", help=CITIES_HELP)


def add_parsers(add) -> None:
    """Register this module's commands through `add(name, help, handler)`."""
    sp = add("lapse", "months until benefits resume after a gap, per city", lapse)
    _places(sp)
    sp.add_argument(
        "--scheme", required=True, help="employee, flexible or resident (also 职工, 灵活就业, 居民)"
    )
    g = sp.add_mutually_exclusive_group(required=True)
    g.add_argument("--gap-months", type=_nonneg_int, help="months without contributions, e.g. 5")
    g.add_argument("--lapsed-years", type=_nonneg_int, help="resident scheme: whole years not insured")
    sp.add_argument("--back-paid", action="store_true", help="the gap was back-paid / restored")
    sp.add_argument("--year", help=YEAR_HELP)
    sp.add_argument("--inputs", action="store_true", help=INPUTS_HELP)
    sp.add_argument("--format", choices=FORMATS, default="table", help=FORMAT_HELP)

    sp = add(
        "contribution", "employee contributions per month for one or more wages and cities", contribution
    )
    _places(sp)
    sp.add_argument("--wage", required=True, help="monthly wage(s) in yuan, comma-separated: 2500,8000")
    sp.add_argument("--year", help=YEAR_HELP)
    sp.add_argument("--all-columns", action="store_true", help="table: also the yearly amounts")
    sp.add_argument("--inputs", action="store_true", help=INPUTS_HELP)
    sp.add_argument("--format", choices=FORMATS, default="table", help=FORMAT_HELP)

    sp = add("family", "which relatives can be bound to the account, and their premiums", family)
    _places(sp)
    g = sp.add_mutually_exclusive_group(required=True)
    g.add_argument(
        "--relatives", help="comma-separated relations: spouse,child,sibling or 配偶,父亲,兄弟姐妹 or father"
    )
    g.add_argument(
        "--household", help='JSON list of relatives: [{"relation": "child", "age": 8}, {"relation": "父亲"}]'
    )
    sp.add_argument("--tier", default="1", help="resident premium tier paid for relatives: 1 (default) or 2")
    sp.add_argument("--year", help=YEAR_HELP)
    sp.add_argument("--inputs", action="store_true", help=INPUTS_HELP)
    sp.add_argument("--format", choices=FORMATS, default="table", help=FORMAT_HELP)
