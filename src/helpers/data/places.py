"""Find jurisdictions by code, Chinese name or pinyin; walk up the parent chain."""

from __future__ import annotations

from ..exceptions import UnknownNameError
from .loading import Dataset
from .validate import did_you_mean

_SUFFIXES = ("市", "省", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区")


def _norm(text: str) -> str:
    return _strip(str(text).strip().lower().replace("'", "").replace("’", "").replace(" ", ""))


def _strip(name_zh: str) -> str:
    for suf in sorted(_SUFFIXES, key=len, reverse=True):
        if name_zh.endswith(suf) and len(name_zh) > len(suf):
            return name_zh[: -len(suf)]
    return name_zh


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
        return code
    options = [*map(_strip, ds.jurisdictions["name_zh"]), *ds.jurisdictions["name_en"]]
    raise UnknownNameError(f"unknown city or region '{name}' — {did_you_mean(name, options)}")


def find_many(ds: Dataset, names: str | list[str]) -> list[str]:
    """Codes for a comma-separated string or a list of names."""
    if isinstance(names, str):
        names = [n for n in names.replace("，", ",").split(",") if n.strip()]
    return [find(ds, n) for n in names]


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
