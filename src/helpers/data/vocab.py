"""The project's fixed vocabularies, defined once (their zh/en labels live in data/parameters.yaml).

Source kinds in rank order (most reliable first), the statuses a resolved value can have, and
the levels of a place. Parameter values, topics and condition values are not here: they are
data, read from `parameters.yaml`.
"""

from __future__ import annotations

#: Source kinds, most reliable first; the index is the kind's rank.
KINDS: tuple[str, ...] = ("official", "official-reprint", "media", "calculator", "aggregator", "ai-generated")
KIND_RANK: dict[str, int] = {k: i for i, k in enumerate(KINDS)}
#: The kind whose pages are leads only (machine-written templates).
LEAD_KIND = "ai-generated"

#: Where a shown value comes from: the place's own claim, a parent's claim, only machine-written
#: pages (`unverified`: shown, marked, never silently used), or no claim at all (`unknown`).
STATUSES: tuple[str, ...] = ("own", "inherited-province", "inherited-national", "unverified", "unknown")
#: Flags a shown value may carry besides its status (a column each in `resolve()`'s table).
FLAGS: tuple[str, ...] = ("conflict", "superseded", "stale", "undated")
#: The mark printed after a value for each status and flag; their zh/en legend text is the label
#: of the same name in data/parameters.yaml (`labels:`).  Own values carry no mark.
MARKS: dict[str, str] = {
    "own": "",
    "inherited-province": "↑省",
    "inherited-national": "↑国",
    "unverified": "未核实",
    "unknown": "—",
    "conflict": "⚠",
    "superseded": "已更新",
    "stale": "旧",
    "undated": "无日期",
}
#: Levels of a place, most specific first.
LEVELS: tuple[str, ...] = ("city", "province", "national")
#: Status of a value inherited from a place of this level.
STATUS_BY_LEVEL: dict[str, str] = {"province": "inherited-province", "national": "inherited-national"}
#: Scope of a claim: `stated` names its place; `unattributed` names none ("各地", "一般").
SCOPES: tuple[str, ...] = ("stated", "unattributed")
#: Parameter scopes: `place` values may be inherited by a city; `national` values (a national
#: figure such as the minimum premium) are shown for the national level only, never inherited.
PARAMETER_SCOPES: tuple[str, ...] = ("place", "national")
