"""Record validation shared by the loaders: pydantic models to `Problem`s, and name suggestions."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from ..exceptions import Problem
from ..hints import did_you_mean  # noqa: F401 - kept importable from here
from . import schema


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
