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

#: Where a shown value comes from (`unknown`: no claim at any level).
STATUSES: tuple[str, ...] = ("own", "inherited-province", "inherited-national", "unknown")
#: Levels of a place, most specific first.
LEVELS: tuple[str, ...] = ("city", "province", "national")
#: Status of a value inherited from a place of this level.
STATUS_BY_LEVEL: dict[str, str] = {"province": "inherited-province", "national": "inherited-national"}
#: Scope of a claim: `stated` names its place; `unattributed` names none ("各地", "一般").
SCOPES: tuple[str, ...] = ("stated", "unattributed")
