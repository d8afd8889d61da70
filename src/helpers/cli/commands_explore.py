"""Commands for exploring what is known: compare (the comparison notebook's table), parameters, glossary."""

from __future__ import annotations

import argparse

from .output import FORMAT_HELP, FORMATS, add_topics, dataset, emit, emit_json
from .output import topics as topics_of


def compare(args: argparse.Namespace) -> int:
    from ..data import inputs
    from ..report.tables import compare as compare_
    from ..report.tables import compare_records

    ds = dataset(args)
    codes = inputs.places(ds, args.cities, "--cities")
    asked = {
        "topic": topics_of(args, ds),
        "year": inputs.year(args.year, "--year"),
        "as_of": inputs.date(args.as_of, "--as-of"),
    }
    if args.format == "json":  # typed cells: value, status, marks, doubts, and the reader's text
        emit_json(compare_records(ds, codes, **asked))
        return 0
    t = compare_(ds, codes, **asked)
    if args.format == "table" and not args.labels:
        t = t.drop(columns=["label_zh", "label_en"])
    emit(t, args.format)
    return 0


def parameters(args: argparse.Namespace) -> int:

    ds = dataset(args)
    p = ds.parameters
    wanted = topics_of(args, ds)
    if wanted:
        p = p[p["topic"].isin(wanted)]
    cols = ["id", "label_zh", "label_en", "unit", "type", "description"]
    out = p[cols].rename(columns={"label_zh": "zh", "label_en": "en"})
    if args.format == "json":
        out = out.assign(topic=p["topic"], conditions=p["conditions"], values=p["values"])
    emit(out.reset_index(drop=True), args.format)
    return 0


def glossary(args: argparse.Namespace) -> int:
    from ..report.glossary import glossary as glossary_

    g = glossary_(dataset(args), args.section)
    if args.format == "table":
        g = g.drop(columns=["en"])
    emit(g, args.format)
    return 0


def add_parsers(add) -> None:
    """Register this module's commands through `add(name, help, handler)`."""
    sp = add("compare", "side-by-side table of cities (the comparison notebook's table)", compare)
    sp.add_argument(
        "--cities", required=True, help="comma-separated codes, names or pinyin, or 山东全省 / shandong:*"
    )
    add_topics(sp)
    sp.add_argument("--year", help="policy year, e.g. 2025 (default: claims for any year)")
    sp.add_argument("--as-of", help="date the staleness check counts back from, YYYY-MM-DD (default today)")
    sp.add_argument("--labels", action="store_true", help="table: also the zh/en parameter labels")
    sp.add_argument("--format", choices=FORMATS, default="table", help=FORMAT_HELP)
    sp = add("parameters", "the parameter catalogue: id, zh, en, unit, type, description", parameters)
    add_topics(sp)
    sp.add_argument("--format", choices=FORMATS, default="table", help=FORMAT_HELP)
    sp = add("glossary", "what every status, mark, source kind, relation, answer and reason means", glossary)
    sp.add_argument(
        "--section",
        help="one section: parameter, topic, status, mark, source kind, relation, scheme, answer, reason, "
        "band, column",
    )
    sp.add_argument("--format", choices=FORMATS, default="table", help=FORMAT_HELP)
