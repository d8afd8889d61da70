"""Checking what a user gives: one function per kind of value, shared by API, CLI, catalogue, notebooks.

Each function takes the raw value (text from a command line, a papermill ``-p`` value, a Python
object), converts it (a code given as an int, one value where a list is expected, a year given
as text) and returns the clean value, or raises `InputError` with one line ``what — fix`` that
names the parameter. The vocabularies come from data/parameters.yaml (`Dataset`), never from here.

>>> import helpers as h
>>> ds = h.load()
>>> places(ds, 370900)
['370900']
>>> year("2025"), year(""), wages(8000), wages("2500, 8000")
(2025, None, [8000.0], [2500.0, 8000.0])
>>> relation(ds, "父亲"), relation(ds, "father-in-law"), relation(ds, "兄弟姐妹")
('parent', 'parent_in_law', 'sibling')
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from typing import Any

from ..exceptions import InputError, YibaoError
from . import places as _places
from .loading import Dataset
from .text import bad_char
from .validate import did_you_mean

#: Years a policy parameter may name.
YEARS = range(1990, 2101)
#: Fields a relative in a household may have, with what each holds.
RELATIVE_FIELDS = {
    "relation": "relation to the employee: a code (spouse, parent …) or a word such as 父亲, father",
    "age": "age in whole years (0-130); under 18 counts as a minor",
    "student": "true for a student",
    "group": "population group with its own premium rule (e.g. extreme_poverty)",
    "place": "city where the relative is insured (code, Chinese name or pinyin; default: the same city)",
    "already_bound": "true when another account holder has already bound this relative",
    "scheme": "scheme the relative is insured in (default resident)",
    "name": "a free label for the relative (not used in rules)",
}
_HOUSEHOLD_EXAMPLE = '[{"relation": "spouse"}, {"relation": "父亲", "age": 66}]'
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _fail(name: str, what: str, fix: str) -> InputError:
    return InputError(f"{name}: {what} — {fix}")


def _shown(value: Any) -> str:
    """A value as the message quotes it: repr, cut to 40 characters (a 5,000-digit number is not echoed)."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}…"


def _whole(value: Any) -> int | None:
    """A whole number from an int or from text of ASCII digits 0-9 (at most 9 of them), else None.

    `str.isdigit()` also says yes to superscripts (²), fullwidth (２) and Arabic-Indic (٢) digits,
    which `int()` then refuses or silently reads; a 5,000-digit text exceeds `int()`'s limit.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**9 else None
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _clean(value: Any, name: str) -> None:
    """Refuse text holding a control or invisible character (zero-width, bidi), which no name has."""
    for text in value if isinstance(value, list | tuple) else [value]:
        bad = bad_char(text) if isinstance(text, str) else None
        if bad:
            raise _fail(name, f"holds an invisible or control character {bad[1]}", "delete it")


def _items(value: Any, name: str = "value") -> list:
    """A list from a comma-separated string, one scalar or a list."""
    _clean(value, name)
    if isinstance(value, str):
        return [t.strip() for t in value.replace("，", ",").replace("、", ",").split(",") if t.strip()]
    if isinstance(value, list | tuple):
        return list(value)
    return [] if value is None else [value]


def places(ds: Dataset, value: Any, name: str = "cities") -> list[str]:
    """Place codes from codes, Chinese names, pinyin or groups (`山东全省`, `shandong:*`); at least one."""
    if isinstance(value, bool) or not _items(value, name):
        raise _fail(name, f"no city given ({value!r})", "give codes or names, e.g. 济南,泰安 or 山东全省")
    try:
        return _places.find_many(ds, value if isinstance(value, str | list | tuple) else [value])
    except YibaoError as exc:
        raise InputError(f"{name}: {exc}") from None


def place(ds: Dataset, value: Any, name: str = "city") -> str:
    """Exactly one place code (a group or a list of several is refused)."""
    codes = places(ds, value, name)
    if len(codes) != 1:
        raise _fail(name, f"{value!r} names {len(codes)} places", "give one city, e.g. 泰安 or 370900")
    return codes[0]


def year(value: Any, name: str = "year") -> int | None:
    """A policy year as an int; None for 0, '' or None (any year); '2025' and 2025.0 are converted."""
    if value is None or value == "" or (value == 0 and not isinstance(value, bool)):
        return None
    _clean(value, name)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    number = _whole(value)
    if number not in YEARS:
        raise _fail(
            name, f"{_shown(value)} is not a year", f"give a year {YEARS[0]}–{YEARS[-1]}, or 0 for any year"
        )
    return number


def date(value: Any, name: str = "as_of") -> dt.date | None:
    """A date from 'YYYY-MM-DD' text or a date; None for '' or None (today)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    _clean(value, name)
    try:
        if not _DATE.match(str(value).strip()):
            raise ValueError
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _fail(name, f"{value!r} is not a date", "write YYYY-MM-DD, e.g. 2025-06-30") from None


def wage(value: Any, name: str = "wage") -> float:
    """One monthly wage in yuan: a number ≥ 0 (text like '8000' is converted)."""
    text = str(value).replace(",", "").strip()
    try:  # float() would also read fullwidth and Arabic-Indic digits: ASCII text only
        v = float(text) if not isinstance(value, bool) and text.isascii() and len(text) <= 30 else math.nan
    except ValueError:
        v = math.nan
    if not math.isfinite(v) or v < 0 or v > 10_000_000:
        raise _fail(name, f"{_shown(value)} is not a monthly wage", "give yuan per month ≥ 0, e.g. 8000")
    return v


def wages(value: Any, name: str = "wages") -> list[float]:
    """Monthly wages in yuan from '3000,5000', one number or a list; at least one."""
    items = _items(value, name)
    if not items:
        raise _fail(name, "no wage given", "give yuan per month, e.g. 3000,5000,8000")
    return [wage(w, name) for w in items]


def months(value: Any, name: str = "months", most: int = 600) -> int:
    """A whole number of months (or years) from 0 to `most` ('5' and 5.0 are converted)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    number = _whole(value)
    if number is None or number > most:
        raise _fail(name, f"{_shown(value)} is not a whole number 0–{most}", f"give e.g. 12 for {name}")
    return number


def _word(ds: Dataset, value: Any, allowed: list[str], name: str, what: str) -> str:
    """A vocabulary code from a code or one of its aliases (data/parameters.yaml labels)."""
    _clean(value, name)
    text = str(value).strip()
    if text in allowed:
        return text
    low = text.lower().replace(" ", "-").replace("_", "-")
    for code in allowed:
        lab = ds.labels.get(code, {})
        words = [code, lab.get("zh", ""), lab.get("en", ""), *lab.get("aliases", [])]
        if any(low == str(w).lower().replace(" ", "-").replace("_", "-") for w in words):
            return code
    words = {str(w): c for c in allowed for w in [c, *ds.labels.get(c, {}).get("aliases", [])]}
    close = dict.fromkeys(words[w] for w in difflib.get_close_matches(text, list(words), n=6, cutoff=0.5))
    hint = ("did you mean " + " or ".join(f"'{c}'" for c in list(close)[:3]) + "?") if close else "check it"
    raise _fail(name, f"unknown {what} {value!r}", f"{hint} (allowed: {', '.join(allowed)})")


def scheme(ds: Dataset, value: Any, name: str = "scheme") -> str:
    """An insurance scheme: employee, flexible or resident (or 职工, 居民, 灵活就业 …)."""
    return _word(ds, value, list(ds.conditions["scheme"]["values"] or []), name, "scheme")


def tier(ds: Dataset, value: Any, name: str = "tier") -> int:
    """A resident contribution tier (1 or 2), also given as text."""
    allowed = [int(t) for t in ds.conditions["tier"]["values"] or []]
    number = _whole(value)
    if number not in allowed:
        raise _fail(name, f"unknown tier {_shown(value)}", f"give one of {', '.join(map(str, allowed))}")
    return number


def topics(ds: Dataset, value: Any, name: str = "topics") -> list[str]:
    """Topic ids (binding, contribution, lapse, benefit) from '…,…' or a list; at least one."""
    items = _items(value, name)
    if not items:
        raise _fail(name, "no topic given", f"give one or more of {', '.join(ds.topics)}")
    return [_word(ds, t, list(ds.topics), name, "topic") for t in items]


def relations_vocabulary(ds: Dataset) -> list[str]:
    """The relation codes the catalogue allows (family_account.relations values)."""
    p = ds.parameters.set_index("id").at["family_account.relations", "values"]
    return list(p or [])


def relation(ds: Dataset, value: Any, name: str = "relation") -> str:
    """A relation code from a code, a Chinese word (父亲, 兄弟姐妹, 公婆 …) or an English one (father …)."""
    if not isinstance(value, str) or not value.strip():
        raise _fail(name, f"{value!r} is not a relation", "give a word such as spouse, 父母 or father")
    return _word(ds, value, relations_vocabulary(ds), name, "relation")


def number(value: Any, name: str, least: float = 0) -> float:
    """A finite number ≥ `least` (text such as '2' is converted)."""
    try:
        v = float(str(value).strip()) if not isinstance(value, bool) else math.nan
    except ValueError:
        v = math.nan
    if not math.isfinite(v) or v < least:
        raise _fail(name, f"{value!r} is not a number ≥ {least:g}", f"give e.g. {name}=2")
    return v


def flag(value: Any, name: str) -> bool:
    """True or False from a bool, 0/1 or the words true/false, yes/no, 是/否."""
    return _flag(value, name)


def frame(
    value: Any,
    name: str,
    required: tuple[str, ...] | list[str],
    one_of: tuple[str, ...] | list[str] = (),
    optional: tuple[str, ...] | list[str] = (),
    example: str = "",
):
    """A DataFrame with the `required` columns (and one of `one_of`), else an InputError naming the column.

    A column that is not expected but is close to an expected name (``gap`` for ``gap_months``,
    ``back_paied``) is refused with the name to use; other extra columns are kept as they are.

    >>> import pandas as pd
    >>> frame(pd.DataFrame({"city": ["泰安"]}), "scenarios", ["city", "wage"])
    Traceback (most recent call last):
    ...
    helpers.exceptions.InputError: scenarios: no column 'wage' (columns: city) — add a 'wage' column
    """
    import pandas as pd

    shape = f", e.g. {example}" if example else ""
    if not isinstance(value, pd.DataFrame):
        got = type(value).__name__
        raise _fail(
            name,
            f"expected a DataFrame, got {got}",
            f"pass a DataFrame with columns {', '.join(required)}{shape}",
        )
    have = [str(c) for c in value.columns]
    expected = [*required, *one_of, *optional]
    extra = [c for c in have if c not in expected]
    listed = ", ".join(have) or "none"
    missing = [c for c in required if c not in have]
    if one_of and not any(c in have for c in one_of):
        missing.append(one_of[0])
    for col in [*missing, *(c for c in expected if c not in have)]:
        close = (
            difflib.get_close_matches(col, extra, n=1, cutoff=0.6)
            or [c for c in extra if c and (col.startswith(c) or c.startswith(col))][:1]
        )
        if close:
            raise _fail(name, f"column {close[0]!r} is not one this function reads", f"rename it to {col!r}")
    if missing:
        want = ("a " + " or ".join(f"{c!r}" for c in one_of)) if missing[0] in one_of else f"a {missing[0]!r}"
        raise _fail(name, f"no column {missing[0]!r} (columns: {listed})", f"add {want} column{shape}")
    return value


def _flag(value: Any, name: str) -> bool:
    if isinstance(value, bool) or value in (0, 1):
        return bool(value)
    if str(value).strip().lower() in ("true", "yes", "是"):
        return True
    if str(value).strip().lower() in ("false", "no", "否", ""):
        return False
    raise _fail(name, f"{value!r} is not true or false", "write true or false")


def relative(ds: Dataset, value: Any, i: int = 1, name: str = "household") -> dict:
    """One relative as a checked dict (fields in `RELATIVE_FIELDS`; relation and scheme normalised)."""
    where = f"{name}[{i}]"
    if isinstance(value, str):
        raise _fail(
            where, f"{value!r} is a bare word, expected an object", f'write {{"relation": "{value}"}}'
        )
    if not isinstance(value, dict):
        raise _fail(
            where, f"expected an object, got {type(value).__name__}", f"write e.g. {_HOUSEHOLD_EXAMPLE}"
        )
    extra = sorted(set(value) - set(RELATIVE_FIELDS))
    if extra:
        raise _fail(where, f"unknown field {extra[0]!r}", did_you_mean(extra[0], list(RELATIVE_FIELDS)))
    if "relation" not in value:
        raise _fail(where, "no 'relation' field", 'add e.g. "relation": "child"')
    out = dict(value)
    out["relation"] = relation(ds, value["relation"], f"{where}.relation")
    if value.get("age") is not None:
        out["age"] = months(value["age"], f"{where}.age", most=130)
    for key in ("student", "already_bound"):
        if key in value:
            out[key] = _flag(value[key], f"{where}.{key}")
    if value.get("group") is not None:
        groups = list(ds.conditions["group"]["values"] or [])
        out["group"] = _word(ds, value["group"], groups, f"{where}.group", "group")
    if value.get("scheme") is not None:
        out["scheme"] = scheme(ds, value["scheme"], f"{where}.scheme")
    if isinstance(value.get("name"), str):
        _clean(value["name"], f"{where}.name")
    if value.get("place") not in (None, ""):
        out["place"] = place(ds, value["place"], f"{where}.place")
    return out


def household(ds: Dataset, value: Any, name: str = "household") -> list[dict]:
    """Relatives from a JSON text or a list of dicts, each checked by `relative`.

    A bare string or a list of strings is refused with the shape expected: a list of objects
    such as ``[{"relation": "spouse"}, {"relation": "父亲", "age": 66}]``.
    """
    if isinstance(value, str):
        _clean(value, name)
        text = value.strip()
        if not text.startswith("["):
            raise _fail(
                name, f"{value!r} is not a JSON list", f"write a list of objects, e.g. {_HOUSEHOLD_EXAMPLE}"
            )
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _fail(
                name, f"not valid JSON ({exc.msg} at column {exc.colno})", f"write e.g. {_HOUSEHOLD_EXAMPLE}"
            ) from None
        except RecursionError:
            fix = f"write a flat list, e.g. {_HOUSEHOLD_EXAMPLE}"
            raise _fail(name, "JSON nested too deeply", fix) from None
        except ValueError:  # a number past int()'s digit limit
            fix = "give ages as small whole numbers"
            raise _fail(name, "a number in the JSON is too long", fix) from None
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list | tuple):
        raise _fail(
            name,
            f"expected a list of objects, got {type(value).__name__}",
            f"write e.g. {_HOUSEHOLD_EXAMPLE}",
        )
    if value and all(isinstance(v, str) for v in value):
        shaped = json.dumps([{"relation": v} for v in value[:2]], ensure_ascii=False)
        raise _fail(name, "got a list of words, expected a list of objects", f"write e.g. {shaped}")
    return [relative(ds, v, i + 1, name) for i, v in enumerate(value)]


#: The check each notebook parameter gets, by name (used by notebooks and the report catalogue).
PARAMETER_CHECKS = {
    "cities": lambda ds, v: places(ds, v, "cities"),
    "city": lambda ds, v: place(ds, v, "city"),
    "year": lambda ds, v: year(v, "year") or 0,
    "as_of": lambda ds, v: d.isoformat() if (d := date(v, "as_of")) else "",
    "topics": lambda ds, v: topics(ds, v, "topics"),
    "scheme": lambda ds, v: scheme(ds, v, "scheme"),
    "tier": lambda ds, v: tier(ds, v, "tier"),
    "max_gap": lambda ds, v: months(v, "max_gap"),
    "gap_months": lambda ds, v: months(v, "gap_months"),
    "wages": lambda ds, v: wages(v, "wages"),
    "household": lambda ds, v: household(ds, v, "household"),
    "transpose": lambda ds, v: flag(v, "transpose"),
}


#: Parameter names that were renamed (old → new): the old one is still accepted, with a hint.
RENAMED_PARAMETERS = {"places": "cities"}


def parameter(ds: Dataset, name: str, value: Any) -> Any:
    """A notebook parameter checked and converted by its name (see `PARAMETER_CHECKS`)."""
    check = PARAMETER_CHECKS.get(name)
    return value if check is None else check(ds, value)
