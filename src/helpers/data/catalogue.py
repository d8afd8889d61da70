"""data/parameters.yaml: the catalogue of parameters, conditions, topics and value labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import display_path
from ..exceptions import Problem
from . import schema
from .validate import did_you_mean, validate_record
from .vocab import ALL, DOUBT_REASONS, FLAGS, KINDS, NOT_STATED, STATUSES
from .yamlio import load_yaml


@dataclass
class Catalogue:
    """What parameters.yaml holds: parameters, conditions, topics and value labels."""

    params: dict[str, schema.Parameter] = field(default_factory=dict)
    conds: dict[str, schema.Condition] = field(default_factory=dict)
    topics: dict[str, dict[str, str]] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)


def _section(doc: Any, key: str, shown: str, problems: list[Problem]) -> dict:
    """A top-level mapping of parameters.yaml ({} when absent; a problem when of the wrong type)."""
    value = doc.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(
            Problem(
                shown,
                getattr(doc, "key_lines", {}).get(key),
                f"'{key}:' should be a mapping, got {type(value).__name__}",
                "write 'name:' entries indented under it",
            )
        )
        return {}
    return value


def _labelled(section: Any, shown: str, problems: list[Problem]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for key, rec in section.items():
        if (lab := validate_record(schema.Label, rec, shown, problems)) is not None:
            out[str(key)] = lab.model_dump()
    return out


def _check_labels(cat: Catalogue, doc: Any, shown: str, problems: list[Problem]) -> None:
    """Every value a reader can see (enum values, condition values, kinds, statuses) has a label."""
    needed: dict[str, str] = {}
    for pid, p in cat.params.items():
        if p.type in ("enum", "list"):
            needed.update({str(v): f"parameter '{pid}'" for v in p.values or []})
    for cname, c in cat.conds.items():
        if c.type == "enum":
            needed.update({str(v): f"condition '{cname}'" for v in c.values or []})
    needed.update({k: "source kinds" for k in KINDS})
    needed.update({k: "statuses" for k in STATUSES})
    needed.update({k: "marks" for k in FLAGS})
    needed["unattributed"] = "claim scopes"
    needed.update({k: "doubt reasons" for k in DOUBT_REASONS})
    needed[ALL] = "condition value for everyone"
    needed[NOT_STATED] = "a dimension a claim leaves out"
    line = getattr(doc, "key_lines", {}).get("labels", 1)
    for value, where in needed.items():
        if value not in cat.labels:
            problems.append(
                Problem(shown, line, f"no label for '{value}' ({where})", f"add '{value}: {{zh: …, en: …}}'")
            )


def load_catalogue(data_dir: Path, problems: list[Problem]) -> Catalogue:
    """Read and check parameters.yaml; problems (file:line, fix) are appended to `problems`."""
    path = data_dir / "parameters.yaml"
    shown = display_path(path)
    doc, probs = load_yaml(path, data_dir)
    problems += probs
    cat = Catalogue()
    if doc is None:
        return cat
    if not isinstance(doc, dict) or "parameters" not in doc:
        problems.append(Problem(shown, 1, "missing 'parameters:' section", "see data/README.md"))
        return cat
    cat.topics = _labelled(_section(doc, "topics", shown, problems), shown, problems)
    n_before = len(problems)
    cat.labels = _labelled(_section(doc, "labels", shown, problems), shown, problems)
    labels_ok = len(problems) == n_before
    n_before = len(problems)
    for name, rec in _section(doc, "conditions", shown, problems).items():
        if (c := validate_record(schema.Condition, rec, shown, problems)) is not None:
            cat.conds[name] = c
    conds_ok = len(problems) == n_before
    for pid, rec in _section(doc, "parameters", shown, problems).items():
        p = validate_record(schema.Parameter, rec, shown, problems)
        if p is None:
            continue
        kl = getattr(rec, "key_lines", {})
        if p.topic not in cat.topics:
            problems.append(
                Problem(
                    shown, kl.get("topic"), f"unknown topic '{p.topic}'", did_you_mean(p.topic, [*cat.topics])
                )
            )
        for c in p.conditions:
            if c not in cat.conds and conds_ok:
                problems.append(
                    Problem(
                        shown,
                        kl.get("conditions"),
                        f"parameter '{pid}' names unknown condition '{c}'",
                        did_you_mean(c, list(cat.conds)),
                    )
                )
        cat.params[pid] = p
    for pid, p in cat.params.items():
        for whole in p.part_of:
            if whole not in cat.params:
                kl = getattr(_section(doc, "parameters", shown, []).get(pid), "key_lines", {})
                problems.append(
                    Problem(
                        shown,
                        kl.get("part_of"),
                        f"parameter '{pid}' is part of unknown parameter '{whole}'",
                        did_you_mean(whole, list(cat.params)),
                    )
                )
    if labels_ok:  # a broken labels section is one problem, not one per missing label
        _check_labels(cat, doc, shown, problems)
    return cat
