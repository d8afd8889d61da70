"""data/jurisdictions.csv: places with GB/T 2260 codes, checked row by row with line numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from ..config import display_path
from ..exceptions import Problem
from . import schema
from .names import lookup_key
from .text import bad_char
from .validate import validate_record
from .yamlio import LineDict, read_text


def load_jurisdictions(data_dir: Path, problems: list[Problem]) -> pd.DataFrame:
    """Read and check jurisdictions.csv (line numbers, BOM, header, unique codes and names, parents)."""
    path = data_dir / "jurisdictions.csv"
    shown = display_path(path)
    text, probs = read_text(path, data_dir)
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
    reader.fieldnames = [f.strip() for f in reader.fieldnames]  # ` name_zh` is the column name_zh
    if reader.fieldnames != columns:
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
    names: dict[str, int] = {}  # lookup spelling (code, name, pinyin) → line
    for rec in reader:
        i = reader.line_num
        if None in rec:  # more fields than the header: a name with an unquoted comma
            problems.append(
                Problem(
                    shown,
                    i,
                    f"row has {len(columns) + len(rec[None])} fields, the header {len(columns)}",
                    "quote a field that holds a comma, or remove the extra fields",
                )
            )
            continue
        row = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in rec.items() if k is not None}
        bad = next(((k, b) for k, v in row.items() if isinstance(v, str) and (b := _bad(v))), None)
        if bad:
            problems.append(Problem(shown, i, f"'{bad[0]}': {bad[1]}", "delete it"))
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
        keys = {j.code: j.code, lookup_key(j.name_zh): j.name_zh, lookup_key(j.name_en): j.name_en}
        if seen.get(j.code, i) != i:  # a duplicate code is reported once, above
            keys.pop(j.code, None)
        for key, name in keys.items():  # as places.find looks them up: 泰安市 = 泰安, Tai'an = taian
            if key in names:
                problems.append(
                    Problem(
                        shown,
                        i,
                        f"name '{name}' is already used on line {names[key]}",
                        "give each place its own name (a lookup by code, name or pinyin must find one place)",
                    )
                )
            names.setdefault(key, i)
        seen[j.code] = i
        rows.append({**j.model_dump(), "line": i})
    _check_parents(rows, shown, problems)
    df = pd.DataFrame(rows, columns=["code", "name_zh", "name_en", "level", "parent"])
    return df.astype("string")


def _bad(text: str) -> str | None:
    """What makes `text` unfit for a place name: a control or invisible character, a line break, a tab."""
    if "\n" in text or "\r" in text or "\t" in text:
        return "line break or tab"
    bad = bad_char(text)
    return f"invisible or control character {bad[1]}" if bad else None


#: The level a place's parent must have: the tree is national → province → city.
PARENT_LEVEL = {"national": None, "province": "national", "city": "province"}


def _check_levels(rows: list[dict], shown: str, problems: list[Problem], skip: set[str]) -> None:
    """One national row, without a parent; a province's parent is national, a city's a province
    (rows in `skip`, already reported in a loop, are not reported again)."""
    level = {r["code"]: r["level"] for r in rows}
    national = [r for r in rows if r["level"] == "national"]
    for r in national[1:]:
        problems.append(
            Problem(
                shown,
                r["line"],
                f"a second national row {r['code']} (the first is {national[0]['code']} on line "
                f"{national[0]['line']})",
                "keep one national row, 000000",
            )
        )
    for r in (r for r in rows if r["code"] not in skip):
        want, got = PARENT_LEVEL[r["level"]], level.get(r["parent"])
        if r["level"] == "national" and r["parent"] is not None:
            problems.append(
                Problem(shown, r["line"], f"national row {r['code']} has a parent", "leave its parent empty")
            )
        elif want is not None and got is not None and got != want:
            problems.append(
                Problem(
                    shown,
                    r["line"],
                    f"{r['level']} {r['code']} has the {got} {r['parent']} as its parent",
                    f"a {r['level']}'s parent is "
                    + ("the national row, 000000" if want == "national" else "a province: give its code"),
                )
            )


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
    _check_levels(rows, shown, problems, in_loop)
