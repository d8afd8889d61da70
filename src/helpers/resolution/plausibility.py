"""Plausibility checks: claims whose value the rest of the data gives a reason to doubt.

They mark, never hide: each finding is a doubt ({reason, zh, en}) attached to the claim, shown
beside its value on every page and listed by `check-data` and the data-quality report.

- ``part-exceeds-whole``: a part (a parameter whose catalogue entry names ``part_of``) is larger
  than its whole stated for the same place and period (a medical-only rate above the total rate);
- ``below-national-minimum``: a place's single resident premium (no group, no tier or every tier)
  below the national minimum of that year — or, for any premium with no year, below every
  national minimum on record (a tiered place's cheaper tier may lie below the national figure);
- ``equals-older-period``: a value equal to the value of a period at least `OLD_YEARS` earlier
  when a period in between states another value;
- ``province-from-city``: a province-level claim whose source's title names one city of it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pandas as pd

from ..data import Dataset

#: How many years back an equal value makes a claim look copied from an old period.
OLD_YEARS = 5
#: The national minimum every place's resident premium is checked against.
NATIONAL_MINIMUM = ("resident.premium", "resident.premium_national")

COLUMNS = ["claim_id", "jurisdiction", "parameter", "value", "reason", "zh", "en", "file", "line"]


def _year(row, source_year: dict[str, int | None]) -> int | None:
    """The year a claim speaks for: its period's year, else its period's start, else its source's."""
    if not pd.isna(row.year):
        return int(row.year)
    if not pd.isna(row.valid_from):
        return pd.Timestamp(row.valid_from).year
    return source_year.get(row.source)


def _num(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _doubt(reason: str, zh: str, en: str) -> dict:
    return {"reason": reason, "zh": zh, "en": en}


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def findings(ds: Dataset) -> dict[str, list[dict]]:
    """Claim id → the doubts the plausibility checks find for it (cached on the dataset)."""
    cached = ds.cache.get("plausibility")
    if cached is not None:
        return cached
    claims = ds.claims[ds.claims["usable"] & (ds.claims["scope"] == "stated")]
    source_year = {
        s: (None if pd.isna(d) else pd.Timestamp(d).year)
        for s, d in zip(ds.sources["id"], ds.sources["date"], strict=True)
    }
    out: dict[str, list[dict]] = defaultdict(list)
    rows = list(claims.itertuples(index=False))
    years = {r.claim_id: _year(r, source_year) for r in rows}
    by_place: dict[tuple[str, str], list] = defaultdict(list)
    for r in rows:
        by_place[(r.jurisdiction, r.parameter)].append(r)
    params = ds.parameters.set_index("id")
    label = params["label_zh"].to_dict() if "label_zh" in params else {}  # older editions: ids only

    # a part larger than its whole, same place, same conditions, same (or an unstated) year
    if "part_of" in params:
        for pid, wholes in params["part_of"].items():
            for whole in wholes if isinstance(wholes, list) else []:
                for (place, p), parts in list(by_place.items()):
                    if p != pid:
                        continue
                    for part in parts:
                        for w in by_place.get((place, whole), []):
                            same_year = years[part.claim_id] is None or years[w.claim_id] in (
                                None,
                                years[part.claim_id],
                            )
                            if (
                                _num(part.value)
                                and _num(w.value)
                                and part.value > w.value
                                and same_year
                                and part.cond_key == w.cond_key
                            ):
                                out[part.claim_id].append(
                                    _doubt(
                                        "part-exceeds-whole",
                                        f"大于同地{label.get(whole, whole)}({_fmt(w.value)})",
                                        f"larger than its whole, {whole} = {_fmt(w.value)} at the same place",
                                    )
                                )

    # below the national minimum (premiums for everyone, no group)
    local, national = NATIONAL_MINIMUM
    minimum: dict[int, float] = {}
    for r in rows:
        if r.parameter == national and _num(r.value) and years[r.claim_id] is not None:
            y = years[r.claim_id]
            minimum[y] = min(minimum.get(y, r.value), r.value)
    lowest = min(minimum.values()) if minimum else None
    for r in rows:
        if r.parameter != local or not _num(r.value) or "group" in r.conditions:
            continue
        y = years[r.claim_id]
        stated_period = not (pd.isna(r.year) and pd.isna(r.valid_from))
        if stated_period and r.conditions.get("tier", "all") != "all":
            continue  # a place's dearer tier may carry the average: only single rates are checked
        floor = minimum.get(y) if y is not None else lowest
        if floor is not None and r.value < floor:
            when = f"{y} 年" if y is not None else "有记录的任何一年"
            when_en = f"for {y}" if y is not None else "of any year on record"
            out[r.claim_id].append(
                _doubt(
                    "below-national-minimum",
                    f"低于{when}全国最低个人缴费标准({_fmt(floor)} 元)",
                    f"below the national minimum premium {when_en} ({_fmt(floor)} yuan)",
                )
            )

    # equal to a much older period's value while a period in between differs
    for group in by_place.values():
        by_key: dict[str, list] = defaultdict(list)
        for r in group:
            by_key[r.cond_key].append(r)
        for same in by_key.values():
            dated = [(years[r.claim_id], r) for r in same if pd.notna(r.year)]
            for r in same:
                y = years[r.claim_id]
                y = y if y is not None else dt.date.today().year
                old = [(oy, o) for oy, o in dated if o.value == r.value and oy <= y - OLD_YEARS]
                for oy, _o in old[:1]:
                    between = [b for by, b in dated if oy < by <= y and b.value != r.value]
                    if between:
                        out[r.claim_id].append(
                            _doubt(
                                "equals-older-period",
                                f"与 {oy} 年数值相同,其后年份另有数值",
                                f"equals the {oy} value, while later years state another",
                            )
                        )

    # a province-level claim whose source's title names one of the province's cities
    jur = ds.jurisdictions
    cities = defaultdict(list)
    for name, level, parent in zip(jur["name_zh"], jur["level"], jur["parent"], strict=True):
        if level == "city" and isinstance(parent, str):
            cities[parent].append(str(name).removesuffix("市"))
    titles = dict(zip(ds.sources["id"], ds.sources["title"], strict=True))
    for r in rows:
        named = [c for c in cities.get(r.jurisdiction, []) if c and c in str(titles.get(r.source, ""))]
        if len(named) == 1:
            out[r.claim_id].append(
                _doubt(
                    "province-from-city",
                    f"来源标题只提到{named[0]}市,却记为全省数值",
                    f"filed for the province, but its source's title names one city ({named[0]})",
                )
            )
    result = {k: v for k, v in out.items()}
    ds.cache["plausibility"] = result
    return result


def table(ds: Dataset) -> pd.DataFrame:
    """Every plausibility finding as a row: claim, place, parameter, value, reason, zh, en, file, line."""
    found = findings(ds)
    c = ds.claims.set_index("claim_id")
    rows = [
        {
            "claim_id": cid,
            "jurisdiction": c.at[cid, "jurisdiction"],
            "parameter": c.at[cid, "parameter"],
            "value": c.at[cid, "value"],
            **d,
            "file": c.at[cid, "file"],
            "line": c.at[cid, "line"],
        }
        for cid in sorted(found)
        for d in found[cid]
    ]
    return pd.DataFrame(rows, columns=COLUMNS)
