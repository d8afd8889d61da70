"""Commands that read the data: check-data, claims, resolve, coverage."""

from __future__ import annotations

import argparse

from ..exceptions import YibaoError
from .output import FORMATS, add_topics, as_options, dataset, emit, list_cell
from .output import topics as topics_of


def check_data(args: argparse.Namespace) -> int:
    from ..datacheck import check

    n = check(args.data_dir)  # a passed check is remembered by the data's hash
    print(
        f"ok: {n['claims']} claims ({n['unusable']} kept as unusable), "
        f"{n['sources']} sources, {n['parameters']} parameters, "
        f"{n['jurisdictions']} jurisdictions with claims (data version {n['version']})"
    )
    for kind, k in n["kinds"].items():
        print(f"  sources of kind {kind}: {k}")
    doubts = n.get("doubts") or {}
    for what, label in (("recorded", "doubts recorded in the data"), ("found", "plausibility findings")):
        items = doubts.get(what) or {}
        if items:
            listed = ", ".join(f"{r} {k}" for r, k in items.items())
            total = sum(items.values())
            print(f"  {label}: {total} ({listed}) — marked 存疑 beside the value, see data-quality")
    return 0


def claims(args: argparse.Namespace) -> int:
    from ..report.tables import claims_table

    with as_options(city="--city", parameter="--parameter"):
        emit(claims_table(dataset(args), city=args.city, parameter=args.parameter), args.format)
    return 0


def resolve(args: argparse.Namespace) -> int:
    from ..data import inputs
    from ..resolution import resolve as resolve_

    ds = dataset(args)
    year = inputs.year(args.year, "--year")
    as_of = inputs.date(args.as_of, "--as-of")
    codes = inputs.places(ds, args.cities, "--cities")
    r = resolve_(ds, codes, year=year, topic=topics_of(args, ds), as_of=as_of)
    r = r.drop(columns=["decision"])
    if args.format == "json":
        emit(r, "json")
        return 0
    cols = ["city_zh", "parameter", "conditions", "value", "status", "source", "kind", "support"]
    cols += ["conflict", "superseded", "stale", "undated"]
    out = r[cols].copy()
    out["value"] = out["value"].map(lambda v: "unknown" if v is None else list_cell(v))
    emit(out, args.format)
    return 0


def coverage(args: argparse.Namespace) -> int:
    from ..config import DATA_DIR
    from ..report.coverage import coverage_markdown, coverage_summary

    ds = dataset(args)
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


def add_parsers(add) -> None:
    """Register this module's commands through `add(name, help, handler)`."""
    add("check-data", "validate data/ and print counts", check_data)
    sp = add("claims", "list claims with their sources", claims)
    sp.add_argument("--city", help="code, Chinese name or pinyin, e.g. 370900, 泰安, taian")
    sp.add_argument("--parameter", help="parameter id, e.g. resident.premium")
    sp.add_argument("--format", choices=FORMATS, default="table", help="output format")
    sp = add("resolve", "value shown per city and parameter, with status, conflict and staleness", resolve)
    sp.add_argument("--cities", required=True, help="comma-separated codes or names, e.g. 济南,泰安")
    sp.add_argument("--year", help="policy year, e.g. 2025 (default: any year)")
    sp.add_argument("--as-of", help="date for staleness (default today), YYYY-MM-DD")
    add_topics(sp)
    sp.add_argument("--format", choices=FORMATS, default="table", help="output format")
    sp = add("coverage", "claims per place and topic, best source kind, newest date", coverage)
    sp.add_argument("--format", choices=FORMATS, default="table", help="output format")
    g = sp.add_mutually_exclusive_group()
    g.add_argument("--write", action="store_true", help="write data/COVERAGE.md")
    g.add_argument("--check", action="store_true", help="fail when data/COVERAGE.md is out of date")
