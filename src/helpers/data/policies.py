"""Policy files: each jurisdiction's claims, checked against parameters, sources and conditions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import display_path
from ..exceptions import Problem
from . import schema
from .validate import did_you_mean, validate_record
from .vocab import ALL
from .yamlio import LineDict, load_yaml


def _check_claim(claim: schema.Claim, rec: LineDict, ctx: dict, shown: str) -> list[Problem]:
    """Cross-reference checks for one claim: parameter, source, conditions, value."""
    out: list[Problem] = []
    kl = rec.key_lines
    param = ctx["params"].get(claim.parameter)
    if param is None and not ctx.get("params_ok", True):
        return out  # parameters.yaml has problems of its own
    if param is None:
        out.append(
            Problem(
                shown,
                kl.get("parameter", rec.line),
                f"unknown parameter '{claim.parameter}'",
                did_you_mean(claim.parameter, list(ctx["params"])),
            )
        )
    for sid, key in [(claim.source, "source")] + [(c.source, "also") for c in claim.also]:
        if sid not in ctx["source_ids"] and ctx.get("sources_ok", True):
            out.append(
                Problem(
                    shown,
                    kl.get(key, rec.line),
                    f"unknown source '{sid}'",
                    "add it to data/sources.yaml or " + did_you_mean(sid, ctx["source_ids"]),
                )
            )
    if param is None:
        return out
    for cname, cval in claim.conditions.items():
        line = getattr(rec.get("conditions"), "key_lines", {}).get(cname, kl.get("conditions"))
        if cname not in param.conditions:
            allowed = ", ".join(param.conditions) or "none"
            out.append(
                Problem(
                    shown,
                    line,
                    f"condition '{cname}' is not allowed for '{claim.parameter}'",
                    f"allowed conditions: {allowed}",
                )
            )
            continue
        cdef = ctx["conds"].get(cname)
        if cdef is None or cval == ALL:  # invalid (reported with parameters.yaml), or everyone
            continue
        if cdef.type == "int" and (not isinstance(cval, int) or isinstance(cval, bool)):
            out.append(
                Problem(
                    shown, line, f"condition {cname}={cval!r} is not a whole number", "write a whole number"
                )
            )
        elif cdef.values and cval not in cdef.values:
            out.append(
                Problem(
                    shown,
                    line,
                    f"condition {cname}={cval!r} is not allowed",
                    f"use one of: {', '.join(map(str, cdef.values))}",
                )
            )
    gmin, gmax = claim.conditions.get("gap_min"), claim.conditions.get("gap_max")
    if isinstance(gmin, int) and isinstance(gmax, int) and gmax < gmin:
        out.append(
            Problem(shown, kl.get("conditions"), f"gap_max {gmax} is below gap_min {gmin}", "swap them")
        )
    bad = schema.check_value(claim.value, param.type, param.values)
    if bad:
        out.append(Problem(shown, kl.get("value", rec.line), f"'{claim.parameter}': {bad[0]}", bad[1]))
    return out


def cond_key(conditions: dict[str, Any]) -> str:
    """Canonical text for a set of conditions, e.g. 'scheme=employee;gap_max=3' ('' if none)."""
    return ";".join(f"{k}={conditions[k]}" for k in sorted(conditions))


POLICY_SUFFIXES = (".yaml", ".yml")


def policy_files(policy_dir: Path) -> tuple[list[Path], list[Problem]]:
    """Policy files (.yaml/.yml in any case), sorted; problems for duplicates and other entries.

    Only regular files are read (a pipe would block, a folder cannot be read); hidden files and
    README-like files are skipped.
    """
    problems: list[Problem] = []
    if not policy_dir.is_dir():
        return [], [
            Problem(
                display_path(policy_dir),
                None,
                "policy folder not found",
                "create data/policies/ with one file per place",
            )
        ]
    files: list[Path] = []
    stems: dict[str, Path] = {}
    for path in sorted(policy_dir.iterdir()):
        if path.name.startswith(".") or path.suffix.lower() not in POLICY_SUFFIXES:
            continue
        stem = path.stem.lower()
        if stem in stems:
            problems.append(
                Problem(
                    display_path(path),
                    None,
                    f"second copy of policy file {stems[stem].name}",
                    "keep one file per place; delete the other copy",
                )
            )
            continue
        stems[stem] = path
        files.append(path)
    return files, problems


def load_policies(data_dir: Path, ctx: dict, problems: list[Problem]) -> list[dict]:
    """Every claim of every policy file as a row; problems (file:line) are appended to `problems`."""
    rows: list[dict] = []
    ids: dict[str, str] = {}
    paths, probs = policy_files(data_dir / "policies")
    problems += probs
    if not paths and not probs:
        problems.append(
            Problem(
                display_path(data_dir / "policies"), None, "no policy files", "add <code>-<pinyin>.yaml files"
            )
        )
    for path in paths:
        shown = display_path(path)
        doc, probs = load_yaml(path, data_dir)
        problems += probs
        if doc is None:
            continue
        pf = validate_record(schema.PolicyFile, doc, shown, problems)
        if pf is None:
            continue
        code = pf.jurisdiction
        jline = doc.key_lines.get("jurisdiction")
        if not ctx.get("places_ok", True):
            pass  # jurisdictions.csv has problems of its own; they are reported there
        elif code not in ctx["slugs"]:
            problems.append(
                Problem(
                    shown,
                    jline,
                    f"unknown jurisdiction '{code}'",
                    "add it to data/jurisdictions.csv or " + did_you_mean(code, list(ctx["slugs"])),
                )
            )
        elif path.stem != f"{code}-{ctx['slugs'][code]}" or path.suffix != ".yaml":
            problems.append(
                Problem(
                    shown,
                    jline,
                    f"file name does not match jurisdiction {code}",
                    f"rename the file to {code}-{ctx['slugs'][code]}.yaml",
                )
            )
        seen: dict[tuple, int] = {}
        for rec in pf.claims:
            claim = validate_record(schema.Claim, rec, shown, problems)
            if claim is None:
                continue
            if claim.id in ids:
                problems.append(
                    Problem(
                        shown,
                        rec.key_lines.get("id", rec.line),
                        f"duplicate claim id '{claim.id}' (first at {ids[claim.id]})",
                        "give each claim its own id",
                    )
                )
            ids[claim.id] = f"{shown}:{rec.key_lines.get('id', rec.line)}"
            problems += _check_claim(claim, rec, ctx, shown)
            key = (
                claim.parameter,
                cond_key(claim.conditions),
                str(claim.period),
                claim.source,
                claim.locator,
                repr(claim.value),
            )
            if key in seen:
                problems.append(
                    Problem(shown, rec.line, f"duplicate claim (same as line {seen[key]})", "delete one copy")
                )
            seen[key] = rec.line
            per = claim.period or schema.Period()
            rows.append(
                {
                    "claim_id": claim.id,
                    "jurisdiction": code,
                    "parameter": claim.parameter,
                    "value": claim.value,
                    "conditions": dict(sorted(claim.conditions.items())),
                    "cond_key": cond_key(claim.conditions),
                    "year": per.year,
                    "valid_from": per.from_,
                    "valid_to": per.to,
                    "source": claim.source,
                    "locator": claim.locator,
                    "also": [c.model_dump() for c in claim.also],
                    "scope": claim.scope,
                    "note": claim.note,
                    "usable": claim.usable,
                    "fiscal_year": per.fiscal_year,
                    "doubt": claim.doubt.model_dump() if claim.doubt else None,
                    "second_coded": claim.second_coded,
                    "file": shown,
                    "line": rec.line,
                }
            )
    return rows


def parse_cond_key(cond_key: str) -> dict:
    """Inverse of cond_key for display keys: 'tier=1;scheme=employee' -> dict (ints kept)."""
    out: dict = {}
    for part in filter(None, cond_key.split(";")):
        k, v = part.split("=", 1)
        out[k] = int(v) if v.lstrip("-").isdigit() else v
    return out
