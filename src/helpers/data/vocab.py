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
#: pages (`unverified`: shown, marked, never silently used), only claims that state no year and
#: whose source has no date (`year-not-stated`: shown in their own lane, never as a year's
#: value), or no claim at all (`unknown`).
STATUSES: tuple[str, ...] = (
    "own",
    "inherited-province",
    "inherited-national",
    "unverified",
    "year-not-stated",
    "unknown",
)
#: Flags a shown value may carry besides its status (a column each in `resolve()`'s table).
FLAGS: tuple[str, ...] = ("conflict", "superseded", "stale", "undated", "doubt")
#: The mark printed after a value for each status and flag; their zh/en legend text is the label
#: of the same name in data/parameters.yaml (`labels:`).  Own values carry no mark.
MARKS: dict[str, str] = {
    "own": "",
    "inherited-province": "↑省",
    "inherited-national": "↑国",
    "unverified": "未核实",
    "year-not-stated": "年份未注明",
    "unknown": "—",
    "conflict": "⚠",
    "superseded": "已更新",
    "stale": "旧",
    "undated": "无日期",
    "doubt": "存疑",
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
#: A condition value meaning the source states the rule for everyone on that dimension
#: (`tier: all`): such a claim applies to every tier; a claim that leaves the dimension out
#: applies to none in particular and is shown in its own "not stated" row.
ALL = "all"
#: The label shown for a condition a claim leaves out ("档次未注明 tier not stated").
NOT_STATED = "not-stated"
#: Why a value is doubted (`doubt: {reason: …}` on a claim or a source, or found by the
#: plausibility checks); each has a zh/en label in data/parameters.yaml.
DOUBT_REASONS: tuple[str, ...] = (
    "count-basis",
    "likely-invented",
    "equals-older-period",
    "part-exceeds-whole",
    "below-national-minimum",
    "province-from-city",
    "period-unclear",
    "self-contradiction",
    "later-higher-rule",
    "other",
)
