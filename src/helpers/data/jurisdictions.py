"""data/jurisdictions.csv: places with GB/T 2260 codes, checked row by row with line numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from ..config import display_path
from ..exceptions import Problem
from . import schema
from .text import bad_char
from .validate import validate_record
from .yamlio import LineDict, read_text


def load_jurisdictions(data_dir: Path, problems: list[Problem]) -> pd.DataFrame:
    """Read and check jurisdictions.csv (line numbers, BOM, header, unique codes and names, parents)."""
    path = data_dir / "jurisdictions.csv"
    shown = display_path(path)
    text, probs = read_text(path)
    problems += probs
    rows: list[dict] = []
    empty = pd.DataFrame(columns=["code", "name_zh", "name_en", "level", "parent"])
    if text is None:
        return empty
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    if not reader.fieldnames:
        problems.append(
            Problem(shown, 1, "file is empty", "start with the header code,name_zh,name_en,level,parent")
        )
        return empty
    columns = ["code", "name_zh", "name_en", "level", "parent"]
    if [f.strip() for f in reader.fieldnames] != columns:
        problems.append(
            Problem(
                shown,
                1,
                f"header is {','.join(reader.fieldnames)!r}",
                "write the header " + ",".join(columns),
            )
        )
        return empty
    seen: dict[str, int] = {}
    names: dict[str, int] = {}
    for rec in reader:
        i = reader.line_num
        row = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in rec.items() if k is not None}
        bad = next(((k, b) for k, v in row.items() if isinstance(v, str) and (b := bad_char(v))), None)
        if bad:
            problems.append(
                Problem(shown, i, f"'{bad[0]}': invisible or control character {bad[1][1]}", "delete it")
            )
            continue
        rec = LineDict(row)
        rec.line, rec.key_lines = i, {}
        j = validate_record(schema.Jurisdiction, rec, shown, problems)
        if j is None:
            continue
        if j.code in seen:
            problems.append(
                Problem(
                    shown,
                    i,
                    f"duplicate code {j.code} (first on line {seen[j.code]})",
                    "keep one row per code",
                )
            )
        for name in {j.name_zh, j.name_en.lower()}:
            if name in names:
                problems.append(
                    Problem(
                        shown,
                        i,
                        f"name '{name}' is already used on line {names[name]}",
                        "give each place its own name (a lookup by name must find one place)",
                    )
                )
            names[name] = i
        seen[j.code] = i
        rows.append({**j.model_dump(), "line": i})
    _check_parents(rows, shown, problems)
    df = pd.DataFrame(rows, columns=["code", "name_zh", "name_en", "level", "parent"])
    return df.astype("string")


def _check_parents(rows: list[dict], shown: str, problems: list[Problem]) -> None:
    """Every place but national has a listed parent, and following parents never loops."""
    parent = {r["code"]: r["parent"] for r in rows}
    in_loop: set[str] = set()
    for r in rows:
        if r["level"] != "national" and r["parent"] not in parent:
            problems.append(
                Problem(
                    shown,
                    r["line"],
                    f"parent {r['parent']!r} of {r['code']} is unknown",
                    "use the 6-digit code of a listed province, or 000000",
                )
            )
            continue
        walk, code = [r["code"]], r["parent"]
        while code is not None and code in parent and code not in walk:
            walk.append(code)
            code = parent[code]
        if code == r["code"] and code not in in_loop:
            in_loop.update(walk)
            problems.append(
                Problem(
                    shown,
                    r["line"],
                    f"parents loop: {' → '.join([*walk, code])}",
                    "a place's parent must be a larger place (city → province → 000000)",
                )
            )
