"""Record validation shared by the loaders: pydantic models to `Problem`s, and name suggestions."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from ..exceptions import Problem
from . import schema


def did_you_mean(name: str, options: list[str]) -> str:
    """A 'did you mean' hint from the closest matches, or the start of the list of options."""
    scored = sorted(
        ((difflib.SequenceMatcher(None, str(name), str(o)).ratio(), str(o)) for o in options), reverse=True
    )
    close = [o for r, o in scored if r >= 0.5 and r >= scored[0][0] - 0.1][:3] if scored else []
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    if not options:
        return "none are defined"
    return "known: " + ", ".join(sorted(map(str, options))[:12]) + (" …" if len(options) > 12 else "")


def validate_record(model: type[BaseModel], rec: Any, shown: str, problems: list[Problem]) -> Any:
    """Validate one YAML/CSV record against a model; add problems (with lines) and return None on error."""
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
