"""Find jurisdictions by code, Chinese name or pinyin; walk up the parent chain."""

from __future__ import annotations

from ..exceptions import OutsideViewError, UnknownNameError
from .loading import Dataset
from .names import lookup_key as _norm
from .names import strip_suffix as _strip
from .validate import did_you_mean

#: Former cities merged into another (name → (the city it is part of now, its code, year)).
MERGED = {"莱芜": ("济南", "370100", 2019), "laiwu": ("济南", "370100", 2019)}


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def find(ds: Dataset, name: str) -> str:
    """Code of the jurisdiction named by code, Chinese name or pinyin; UnknownNameError if none."""
    index = ds.cache.get("place_names")
    if index is None:  # every accepted spelling → code, first row wins (as a scan in row order would)
        index = {}
        for row in ds.jurisdictions.itertuples():
            for k in (row.code, _norm(row.name_zh), _norm(row.name_en)):
                index.setdefault(k, row.code)
        ds.cache["place_names"] = index
    code = index.get(_norm(name))
    if code is not None:
        if ds.view is not None and code not in ds.view:
            raise OutsideViewError(
                f"'{name}' is outside this report's data: it reads the places its parameters name "
                f"({', '.join(sorted(ds.view))}) — name {code} in the report's parameters"
            )
        return code
    merged = MERGED.get(_norm(name))
    if merged:
        now, code, year = merged
        raise UnknownNameError(
            f"'{name}' 已于 {year} 年并入{now}市 (merged into {now} in {year}) — "
            f"请写 {now} (write {now} or {code})"
        )
    zh = list(map(_strip, ds.jurisdictions["name_zh"]))
    options = zh if _cjk(str(name)) else [*zh, *ds.jurisdictions["name_en"]]
    raise UnknownNameError(f"unknown city or region '{name}' — {did_you_mean(name, options)}")


#: Ways to name every city of a province: `山东全省`, `山东省全部`, `shandong:*`, `370000:*`.
GROUP_SUFFIXES = ("全省", "省全部", "全部", ":*", "：*")


def group(ds: Dataset, name: str) -> list[str] | None:
    """The city codes a place group names (`山东全省`, `shandong:*`), or None when `name` is no group.

    The cities are those of the province listed in data/jurisdictions.csv (all 16 for Shandong),
    in code order. A province-level place with no cities listed (a municipality such as 北京)
    names itself: ``北京:*`` is ``['110000']``.

    >>> import helpers as h
    >>> len(group(h.load(), "山东全省"))
    16
    """
    text = str(name).strip()
    suffix = next((s for s in GROUP_SUFFIXES if text.lower().endswith(s) and len(text) > len(s)), None)
    if suffix is None:
        return None
    code = find(ds, text[: -len(suffix)])
    if level(ds, code) != "province":
        raise UnknownNameError(
            f"'{name}' names a group, but '{text[: -len(suffix)]}' is not a province — "
            "write a province, e.g. 山东全省 or shandong:*"
        )
    cities = sorted(c for c, row in _table(ds).items() if row["parent"] == code and row["level"] == "city")
    return cities or [code]


def find_many(ds: Dataset, names: str | int | list) -> list[str]:
    """Codes for a comma-separated string, one code or a list of names; groups expand, repeats drop.

    >>> import helpers as h
    >>> find_many(h.load(), "济南,taian,370900")
    ['370100', '370900']
    """
    if isinstance(names, str):
        names = [n for n in names.replace("，", ",").replace("、", ",").split(",") if n.strip()]
    elif not isinstance(names, list | tuple):
        names = [names]
    out: list[str] = []
    for n in names:
        for code in group(ds, n) or [find(ds, n)]:
            if code not in out:
                out.append(code)
    return out


def _table(ds: Dataset) -> dict[str, dict]:
    """Jurisdictions by code as plain dicts, built once per dataset (lookups are on hot paths)."""
    cached = ds.cache.get("places")
    if cached is None:
        cached = {
            r.code: {
                "name_zh": r.name_zh,
                "level": r.level,
                "parent": r.parent if isinstance(r.parent, str) else None,
            }
            for r in ds.jurisdictions.itertuples()
        }
        ds.cache["places"] = cached
    return cached


def chain(ds: Dataset, code: str) -> list[str]:
    """The code, then its parent, up to national: e.g. ['370900', '370000', '000000']."""
    table = _table(ds)
    out = [code]
    while True:
        p = table.get(out[-1], {}).get("parent")
        if p is None or p in out:
            return out
        out.append(p)


def label(ds: Dataset, code: str) -> str:
    """Chinese name of a jurisdiction, e.g. '泰安市'."""
    row = _table(ds).get(code)
    return str(row["name_zh"]) if row else code


def level(ds: Dataset, code: str) -> str:
    """Level of a jurisdiction: national, province or city."""
    return str(_table(ds)[code]["level"])
