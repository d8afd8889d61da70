"""Checks for values a user gives on the command line or in reports/catalog.yaml.

Each `check_*` returns the cleaned value or raises `ValueProblem` whose text is `what — fix`.
The CLI and the catalogue use the same checks, so a bad city or date is refused the same way in
both (and, for the catalogue, before any kernel starts). Parameter names map to checks in
`CATALOGUE_CHECKS`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable
from typing import Any

from ..exceptions import YibaoError
from .text import bad_char

YEAR_MIN, YEAR_MAX = 1990, 2100
SCHEMES = ("employee", "flexible", "resident")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
HOUSEHOLD_FIELDS = {"relation", "place", "already_bound", "age", "student", "group", "scheme", "name"}


class ValueProblem(YibaoError):
    """A command-line or catalogue value that is wrong; the message is 'what — fix'."""


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ValueProblem(f"{name} {value!r} is not text — write it in quotes")
    bad = bad_char(value)
    if bad:
        raise ValueProblem(f"{name} holds an invisible or control character {bad[1]} — delete it")
    return value


def check_year(value: Any, name: str = "year", allow_any: bool = True) -> int | None:
    """A policy year 1990–2100; 0 or None mean any year when `allow_any`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueProblem(f"{name} {value!r} is not a whole number — write a year such as 2025")
    if allow_any and value == 0:
        return None
    if not YEAR_MIN <= value <= YEAR_MAX:
        anyhow = " (or 0 for any year)" if allow_any else ""
        raise ValueProblem(
            f"{name} {value} is outside {YEAR_MIN}–{YEAR_MAX} — give a year such as 2025{anyhow}"
        )
    return value


def check_date(value: Any, name: str = "as_of") -> dt.date | None:
    """A date written YYYY-MM-DD ('' or None mean today)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    text = _text(value, name).strip()
    try:
        if not _DATE.match(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueProblem(f"{name} {value!r} is not a date — write YYYY-MM-DD, e.g. 2025-06-30") from None


def split_list(value: Any, name: str) -> list[str]:
    """A comma-separated list (ASCII or full-width commas) with at least one item."""
    text = _text(value, name)
    items = [s.strip() for s in text.replace("，", ",").split(",") if s.strip()]
    if not items:
        raise ValueProblem(f"{name} {value!r} names nothing — give comma-separated names, e.g. 济南,泰安")
    return items


def check_places(ds, value: Any, name: str = "cities") -> list[str]:
    """Codes of the places named (codes, Chinese names or pinyin), every one known."""
    from . import places

    try:
        return [places.find(ds, n) for n in split_list(value, name)]
    except YibaoError as exc:
        raise ValueProblem(str(exc)) from None


def check_topics(ds, value: Any, name: str = "topics") -> list[str]:
    """Topic names, every one in parameters.yaml."""
    from .validate import did_you_mean

    items = split_list(value, name)
    for t in items:
        if t not in ds.topics:
            raise ValueProblem(f"unknown topic '{t}' — {did_you_mean(t, list(ds.topics))}")
    return items


def check_scheme(value: Any, name: str = "scheme") -> str:
    if value not in SCHEMES:
        raise ValueProblem(f"unknown {name} {value!r} — use one of: {', '.join(SCHEMES)}")
    return value


def check_count(value: Any, name: str, low: int = 0, high: int = 1200) -> int:
    """A whole number within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueProblem(
            f"{name} {value!r} is not a whole number from {low} to {high} — write e.g. {low + 1}"
        )
    return value


def check_money(value: Any, name: str = "wage") -> float:
    """An amount in yuan: a finite number ≥ 0."""
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ValueProblem(
                f"{name} {value!r} is not an amount in yuan — write a number, e.g. 5000"
            ) from None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueProblem(f"{name} {value!r} is not an amount ≥ 0 — write yuan per month, e.g. 5000")
    if value > 1e9:
        raise ValueProblem(f"{name} {value!r} is implausibly large — write yuan per month, e.g. 5000")
    return float(value)


def check_wages(value: Any, name: str = "wages") -> list[float]:
    return [check_money(w, name) for w in split_list(value, name)]


def check_household(value: Any, name: str = "household") -> list[dict]:
    """A JSON list of relatives: each an object with a text `relation` and, if given, an age 0–130."""
    text = _text(value, name)
    try:
        relatives = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueProblem(
            f"{name} is not valid JSON ({exc.msg} at column {exc.colno}) — "
            'write e.g. [{"relation": "child", "age": 8}]'
        ) from None
    if not isinstance(relatives, list) or not all(isinstance(r, dict) for r in relatives):
        raise ValueProblem(f'{name} must be a JSON list of objects — write e.g. [{{"relation": "spouse"}}]')
    for i, rel in enumerate(relatives, start=1):
        extra = sorted(set(rel) - HOUSEHOLD_FIELDS)
        if extra:
            raise ValueProblem(
                f"{name}: relative {i} has unknown field {extra[0]!r} — use {sorted(HOUSEHOLD_FIELDS)}"
            )
        if not isinstance(rel.get("relation"), str):
            raise ValueProblem(f'{name}: relative {i} needs a "relation" text — e.g. "spouse"')
        age = rel.get("age")
        if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 130):
            raise ValueProblem(
                f"{name}: relative {i} has age {age!r} — write a whole number of years, e.g. 8"
            )
        for key in ("place", "group", "scheme", "name"):
            if rel.get(key) is not None:
                _text(rel[key], f"{name}: relative {i} {key}")
    return relatives


#: Catalogue parameter name → check(ds, value); the same checks the CLI uses.
CATALOGUE_CHECKS: dict[str, Callable[[Any, Any], Any]] = {
    "cities": lambda ds, v: check_places(ds, v, "cities"),
    "city": lambda ds, v: check_places(ds, v, "city"),
    "year": lambda ds, v: check_year(v),
    "as_of": lambda ds, v: check_date(v),
    "topics": lambda ds, v: check_topics(ds, v),
    "scheme": lambda ds, v: check_scheme(v),
    "max_gap": lambda ds, v: check_count(v, "max_gap", 1, 240),
    "tier": lambda ds, v: check_count(v, "tier", 1, 2),
    "wages": lambda ds, v: check_wages(v),
    "household": lambda ds, v: check_household(v),
}
