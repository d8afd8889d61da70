"""Load and validate the dataset: parameters, jurisdictions, sources and policy claims."""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ValidationError

from . import schema
from .config import DATA_DIR, display_path
from .exceptions import DataError, Problem
from .yamlio import load_yaml, read_text

CLAIM_DTYPES: dict[str, str] = {
    "claim_id": "string",
    "jurisdiction": "string",
    "parameter": "string",
    "value": "object",
    "conditions": "object",
    "cond_key": "string",
    "year": "Int64",
    "valid_from": "datetime64[s]",
    "valid_to": "datetime64[s]",
    "source": "string",
    "locator": "string",
    "note": "string",
    "usable": "bool",
    "file": "string",
    "line": "Int64",
}
SOURCE_DTYPES: dict[str, str] = {
    "id": "string",
    "title": "string",
    "publisher": "string",
    "kind": "string",
    "published": "datetime64[s]",
    "published_not_before": "datetime64[s]",
    "published_not_after": "datetime64[s]",
    "retrieved": "datetime64[s]",
    "url": "string",
    "note": "string",
}


@dataclass
class Dataset:
    """Validated data as DataFrames, plus the condition vocabulary and a data version hash."""

    claims: pd.DataFrame
    sources: pd.DataFrame
    jurisdictions: pd.DataFrame
    parameters: pd.DataFrame
    conditions: dict[str, dict[str, Any]]
    data_dir: Path
    version: str


def did_you_mean(name: str, options: list[str]) -> str:
    """A 'did you mean' hint from the closest matches, or the start of the list of options."""
    scored = sorted(
        ((difflib.SequenceMatcher(None, str(name), str(o)).ratio(), str(o)) for o in options), reverse=True
    )
    close = [o for r, o in scored if r >= 0.5 and r >= scored[0][0] - 0.1][:3] if scored else []
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return "known: " + ", ".join(sorted(map(str, options))[:12]) + (" …" if len(options) > 12 else "")


def _validate(model: type[BaseModel], rec: Any, shown: str, problems: list[Problem]) -> Any:
    if not isinstance(rec, dict):
        line = getattr(rec, "line", None)
        problems.append(
            Problem(shown, line, f"expected a mapping, got {type(rec).__name__}", "write 'key: value' lines")
        )
        return None
    try:
        return model.model_validate(dict(rec))
    except ValidationError as exc:
        for field, msg, fix in schema.pydantic_problems(exc):
            line = getattr(rec, "key_lines", {}).get(field) or getattr(rec, "line", None)
            problems.append(Problem(shown, line, msg, fix))
        return None


def _load_parameters(data_dir: Path, problems: list[Problem]):
    path = data_dir / "parameters.yaml"
    shown = display_path(path)
    doc, probs = load_yaml(path)
    problems += probs
    params: dict[str, schema.Parameter] = {}
    conds: dict[str, schema.Condition] = {}
    if doc is None:
        return params, conds
    if not isinstance(doc, dict) or "parameters" not in doc:
        problems.append(Problem(shown, 1, "missing 'parameters:' section", "see data/README.md"))
        return params, conds
    for name, rec in (doc.get("conditions") or {}).items():
        if (c := _validate(schema.Condition, rec, shown, problems)) is not None:
            conds[name] = c
    for pid, rec in doc["parameters"].items():
        p = _validate(schema.Parameter, rec, shown, problems)
        if p is None:
            continue
        for c in p.conditions:
            if c not in conds:
                problems.append(
                    Problem(
                        shown,
                        rec.key_lines.get("conditions"),
                        f"parameter '{pid}' names unknown condition '{c}'",
                        did_you_mean(c, list(conds)),
                    )
                )
        params[pid] = p
    return params, conds


def _load_jurisdictions(data_dir: Path, problems: list[Problem]) -> pd.DataFrame:
    path = data_dir / "jurisdictions.csv"
    shown = display_path(path)
    text, probs = read_text(path)
    problems += probs
    rows: list[dict] = []
    if text is None:
        return pd.DataFrame(columns=["code", "name_zh", "name_en", "level", "parent"])
    reader = csv.DictReader(io.StringIO(text))
    seen: dict[str, int] = {}
    for i, row in enumerate(reader, start=2):
        row = {k: (v or None) for k, v in row.items() if k is not None}
        j = _validate(schema.Jurisdiction, row, shown, problems)
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
        seen[j.code] = i
        rows.append({**j.model_dump(), "line": i})
    codes = set(seen)
    for r in rows:
        if r["level"] != "national" and r["parent"] not in codes:
            problems.append(
                Problem(
                    shown,
                    r["line"],
                    f"parent {r['parent']!r} of {r['code']} is unknown",
                    "use the 6-digit code of a listed province, or 000000",
                )
            )
    df = pd.DataFrame(rows, columns=["code", "name_zh", "name_en", "level", "parent"])
    return df.astype("string")


def _load_sources(data_dir: Path, problems: list[Problem]) -> pd.DataFrame:
    path = data_dir / "sources.yaml"
    shown = display_path(path)
    doc, probs = load_yaml(path)
    problems += probs
    rows: list[dict] = []
    if isinstance(doc, list):
        seen: dict[str, int] = {}
        for rec in doc:
            s = _validate(schema.Source, rec, shown, problems)
            if s is None:
                continue
            if s.id in seen:
                problems.append(
                    Problem(
                        shown,
                        rec.line,
                        f"duplicate source id '{s.id}' (first on line {seen[s.id]})",
                        "give each source its own id",
                    )
                )
            seen[s.id] = rec.line
            pub = s.published
            rows.append(
                {
                    "id": s.id,
                    "title": s.title,
                    "publisher": s.publisher,
                    "kind": s.kind,
                    "published": pub if not isinstance(pub, schema.Bound) else None,
                    "published_not_before": pub.not_before if isinstance(pub, schema.Bound) else pub,
                    "published_not_after": pub.not_after if isinstance(pub, schema.Bound) else pub,
                    "retrieved": s.retrieved,
                    "url": s.url,
                    "note": s.note,
                }
            )
    elif doc is not None:
        problems.append(Problem(shown, 1, "expected a list of sources", "start each with '- id:'"))
    return pd.DataFrame(rows, columns=list(SOURCE_DTYPES)).astype(SOURCE_DTYPES)


def _slug(name_en: str) -> str:
    return "".join(ch for ch in name_en.lower() if ch.isalnum())


def _data_version(data_dir: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(data_dir.rglob("*")):
        if p.is_file() and p.suffix in (".yaml", ".yml", ".csv"):
            h.update(p.relative_to(data_dir).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:12]


def load(data_dir: Path | str | None = None) -> Dataset:
    """Load and validate the whole dataset; raise DataError listing every problem found."""
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    problems: list[Problem] = []
    if not data_dir.is_dir():
        raise DataError(
            [
                Problem(
                    display_path(data_dir),
                    None,
                    "data directory not found",
                    "pass --data-dir pointing at a folder with parameters.yaml",
                )
            ]
        )
    params, conds = _load_parameters(data_dir, problems)
    jur = _load_jurisdictions(data_dir, problems)
    sources = _load_sources(data_dir, problems)
    ctx = {
        "params": params,
        "conds": conds,
        "source_ids": list(sources["id"]),
        "slugs": {r.code: _slug(r.name_en) for r in jur.itertuples()},
    }
    from .policies import load_policies

    rows = load_policies(data_dir, ctx, problems)
    if problems:
        raise DataError(problems)
    claims = pd.DataFrame(rows, columns=list(CLAIM_DTYPES)).astype(CLAIM_DTYPES)
    for cname, cdef in conds.items():
        col = pd.Series([c.get(cname) for c in claims["conditions"]], index=claims.index)
        claims[cname] = col.astype("Int64" if cdef.type == "int" else "string")
    pframe = pd.DataFrame(
        [{"id": k, **v.model_dump()} for k, v in params.items()],
        columns=[
            "id",
            "topic",
            "type",
            "unit",
            "label_zh",
            "label_en",
            "description",
            "conditions",
            "values",
        ],
    )
    return Dataset(
        claims=claims,
        sources=sources,
        jurisdictions=jur,
        parameters=pframe,
        conditions={k: v.model_dump() for k, v in conds.items()},
        data_dir=data_dir,
        version=_data_version(data_dir),
    )
