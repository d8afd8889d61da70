"""Record schemas (pydantic) and value checks by parameter type."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from .vocab import DOUBT_REASONS, KINDS, LEVELS, PARAMETER_SCOPES, SCOPES

ValueType = Literal[
    "int", "yuan", "rate", "ratio", "months", "years", "bool", "enum", "list", "text", "date", "date_range"
]
Kind = Literal[KINDS]  # type: ignore[valid-type]
Level = Literal[LEVELS]  # type: ignore[valid-type]
Scope = Literal[SCOPES]  # type: ignore[valid-type]
ParameterScope = Literal[PARAMETER_SCOPES]  # type: ignore[valid-type]
DoubtReason = Literal[DOUBT_REASONS]  # type: ignore[valid-type]
#: Value types whose figures are only comparable on the same basis (what is included, per what).
NEEDS_BASIS = ("yuan", "rate", "ratio")
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Condition(_Strict):
    type: Literal["enum", "int"]
    values: list[Any] | None = None
    label_zh: str = Field(min_length=1)
    label_en: str = Field(min_length=1)


class Label(_Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    #: What the word means, for the glossary (statuses and source kinds carry one).
    description: str | None = None
    #: Other words a user may type for this value (Chinese and English), e.g. 父亲 / father → parent.
    aliases: list[str] = Field(default_factory=list)


class Parameter(_Strict):
    topic: str = Field(min_length=1)
    type: ValueType
    unit: str | None = None
    label_zh: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    description: str = Field(min_length=1)
    conditions: list[str] = []
    values: list[Any] | None = None
    basis: str | None = Field(default=None, min_length=3)
    scope: ParameterScope = "place"
    #: Parameters this one is a part of (a medical-only rate of the employer rate): a part larger
    #: than its whole at the same place and period is doubted (resolution.plausibility).
    part_of: list[str] = []

    @model_validator(mode="after")
    def _values_for_enums(self) -> Parameter:
        if self.type in ("enum", "list") and not self.values:
            raise ValueError(f"a '{self.type}' parameter needs a 'values' list")
        if self.type in NEEDS_BASIS and not self.basis:
            raise ValueError(
                f"a '{self.type}' parameter needs a 'basis' (what the figure includes and per what), "
                "so unlike figures are never compared"
            )
        return self


class Bound(_Strict):
    not_before: dt.date | None = None
    not_after: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Bound:
        if self.not_before and self.not_after and self.not_after < self.not_before:
            raise ValueError("not_after is before not_before")
        return self


class Doubt(_Strict):
    """Why a value (or every value of a source) is doubted, in the project's own short words."""

    reason: DoubtReason
    zh: str = Field(min_length=2)
    en: str = Field(min_length=3)


class Source(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    kind: Kind
    published: dt.date | Bound | None = None
    retrieved: dt.date
    kind_basis: str = Field(min_length=3)
    checked: dt.date
    url: str | None = None
    note: str | None = None
    doubt: Doubt | None = None

    @model_validator(mode="after")
    def _dates_possible(self) -> Source:
        today = dt.date.today()
        for name in ("retrieved", "checked"):
            day = getattr(self, name)
            if day is not None and day > today:
                raise ValueError(f"'{name}' {day} is in the future")
        pub = self.published
        first = (pub.not_before if isinstance(pub, Bound) else pub) if pub else None
        if first is not None and first > self.retrieved:
            raise ValueError(f"published {first} is after retrieved {self.retrieved}")
        return self


class Period(_Strict):
    """When a claim applies. `year` is the year the value is for — for resident premiums and
    subsidies the benefit year (待遇年度); `fiscal_year` records the notice's, budget's or
    collection campaign's year where the source states one that differs (a 2025 subsidy notice
    funds the 2026 benefit year: `{year: 2026, fiscal_year: 2025}`)."""

    year: StrictInt | None = Field(default=None, ge=1990, le=2100)
    fiscal_year: StrictInt | None = Field(default=None, ge=1990, le=2100)
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.from_ and self.to and self.to < self.from_:
            raise ValueError(f"period ends ({self.to}) before it starts ({self.from_})")
        y = self.year
        if y is not None and ((self.from_ and self.from_.year > y) or (self.to and self.to.year < y)):
            span = f"{self.from_ or '…'} to {self.to or '…'}"
            raise ValueError(f"year {y} lies outside the period's dates ({span})")
        return self


class Citation(_Strict):
    source: str = Field(min_length=1)
    locator: str = Field(min_length=1)


class Claim(_Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=80)
    parameter: str = Field(min_length=1)
    value: Any
    conditions: dict[str, Any] = {}
    period: Period | None = None
    source: str = Field(min_length=1)
    locator: str = Field(min_length=1)
    also: list[Citation] = []
    scope: Scope = "stated"
    note: str | None = None
    usable: bool = True
    doubt: Doubt | None = None
    #: When a second coder, blind to the claim, read the same value off the page (yibao verify).
    second_coded: dt.date | None = None

    @field_validator("value")
    @classmethod
    def _present(cls, v: Any) -> Any:
        if v is None:
            raise ValueError("value is empty; unknown values are left out, not written as null")
        return v


class PolicyFile(_Strict):
    jurisdiction: str = Field(pattern=r"^[0-9]{6}$")
    claims: list[Any]


class Jurisdiction(_Strict):
    code: str = Field(pattern=r"^[0-9]{6}$")
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    level: Level
    parent: str | None = None


FIX_BY_ERROR = {
    "missing": "add the field",
    "extra_forbidden": "remove it or correct its spelling",
    "literal_error": "use one of the allowed values",
    "string_pattern_mismatch": "match the documented format",
    "date_from_datetime_parsing": "write a date as YYYY-MM-DD",
    "date_parsing": "write a date as YYYY-MM-DD",
    "date_from_datetime_inexact": "write a date as YYYY-MM-DD",
    "date_type": "write a date as YYYY-MM-DD",
    "int_type": "write a whole number, e.g. 2025",
    "int_parsing": "write a whole number, e.g. 2025",
    "int_from_float": "write a whole number, e.g. 2025",
}


def pydantic_problems(exc: ValidationError) -> list[tuple[str | None, str, str]]:
    """Turn a ValidationError into (top-level field, message, fix) triples."""
    out = []
    fields_seen: set = set()
    for err in exc.errors():
        loc = [str(x) for x in err["loc"] if not str(x).startswith(("function-", "union"))]
        loc = [x for x in loc if x not in ("date", "Bound", "bool", "int")]
        field = loc[0] if loc else None
        name = ".".join(loc) if loc else "record"
        if name in fields_seen:  # a union (date or bounds) fails once per branch: report the first
            continue
        fields_seen.add(name)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] in ("int_type", "int_parsing", "int_from_float"):
            msg = f"{err.get('input')!r} is not a whole number"
        out.append((field, f"'{name}': {msg}", FIX_BY_ERROR.get(err["type"], "correct the value")))
    return out


_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _date_like(v: Any) -> bool:
    if isinstance(v, dt.date):
        return True
    return isinstance(v, str) and bool(_MONTH.match(v))


def check_value(value: Any, ptype: str, allowed: list[Any] | None) -> tuple[str, str] | None:
    """Check a claim value against its parameter type; return (message, fix) or None."""
    if ptype in ("int", "months", "years"):
        if not isinstance(value, int) or isinstance(value, bool):
            return f"value {value!r} is not a whole number ({ptype})", "write a whole number"
        if value < 0:
            return f"value {value} is negative", f"a count of {ptype} cannot be negative"
    elif ptype == "yuan":
        if not _is_num(value):
            return f"value {value!r} is not an amount in yuan", "write a number without the unit"
        if value < 0:
            return f"money value {value} is negative", "amounts in yuan are 0 or more"
    elif ptype == "rate":
        if not _is_num(value):
            return f"value {value!r} is not a rate", "write a share as a number, e.g. 0.08 for 8 %"
        if not 0 <= value <= 1:
            return f"rate {value} is outside 0–1", "write a share, e.g. 0.08 for 8 %"
    elif ptype == "ratio":
        if not _is_num(value) or value < 0:
            return f"value {value!r} is not a ratio ≥ 0", "write a multiple, e.g. 3.0 for 300 %"
    elif ptype == "bool":
        if not isinstance(value, bool):
            return f"value {value!r} is not true/false", "write true or false"
    elif ptype == "enum":
        if value not in (allowed or []):
            return f"value {value!r} is not allowed", f"use one of: {', '.join(map(str, allowed))}"
    elif ptype == "list":
        if not isinstance(value, list) or not value:
            return f"value {value!r} is not a list", "write a YAML list, e.g. [spouse, child]"
        bad = [v for v in value if v not in (allowed or [])]
        if bad:
            return f"list items {bad} are not allowed", f"use items from: {', '.join(allowed)}"
    elif ptype == "text":
        if not isinstance(value, str) or not value.strip():
            return f"value {value!r} is not text", "write a short sentence in quotes"
    elif ptype == "date":
        if not _date_like(value):
            return f"value {value!r} is not a date", "write YYYY-MM-DD (or YYYY-MM)"
    elif ptype == "date_range":
        if not (isinstance(value, list) and len(value) == 2 and all(map(_date_like, value))):
            return f"value {value!r} is not a date range", "write [start, end] as YYYY-MM(-DD)"
        if str(value[1]) < str(value[0]):
            return f"date range {value} ends before it starts", "swap start and end"
    return None
