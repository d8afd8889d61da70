"""The words calculators return to explain a result, defined once (the glossary explains them).

`FLAGS` are the answers to a yes/no question whose sources may be missing or disagree;
`REASONS` the fixed texts `family_binding` gives for each relative; `BANDS` how the employee
contribution base was found. Texts with ``{…}`` are filled with numbers from the claims.
"""

from __future__ import annotations

#: Answer words of a yes/no rule, and their JSON form (None where the answer is not a plain yes/no).
FLAGS: dict[str, str] = {
    "yes": "a source states it (and none disagrees)",
    "no": "a source states the opposite, or a rule excludes it",
    "unknown": "no usable source states it; never guessed",
    "disputed": "sources at the same level and rank disagree",
    "n/a": "the question does not arise (e.g. no gap)",
}
FLAG_JSON: dict[str, bool | None] = {"yes": True, "no": False}

QUALIFIES = "qualifies"
RELATIONS_UNSOURCED = "qualifying relations not sourced"
RELATION_DISPUTED = "sources disagree on whether this relation qualifies"
RELATION_NOT_LISTED = "relation not in an incomplete (等) list"
RELATION_EXCLUDED = "relation does not qualify"
SCOPE_UNSOURCED = "where relatives must be insured is not sourced"
OTHER_PROVINCE = "relative insured in another province"
OTHER_CITY = "relative insured in another city"
HAS_HOLDER = "relative already has an account holder"
HOLDERS_UNSOURCED = "whether a relative may have two holders is not sourced"
LIMIT_UNSOURCED = "binding limit not sourced"
LIMIT_REACHED = "limit of {hi} reached"
LIMIT_DISPUTED = "sources give a limit of {lo} or {hi}"

#: Every reason `family_binding` can give, with what it means.
REASONS: dict[str, str] = {
    QUALIFIES: "the relation is listed for the city and no other check failed",
    RELATIONS_UNSOURCED: "no source lists which relations may be bound in this city or above it",
    RELATION_DISPUTED: "one source lists the relation, another at the same rank does not",
    RELATION_NOT_LISTED: "the source's list ends in 等 (etc.), so the relation may still qualify",
    RELATION_EXCLUDED: "the city's complete list of relations leaves this one out",
    SCOPE_UNSOURCED: "the relative is insured elsewhere and no source says whether that is allowed",
    OTHER_PROVINCE: "sources limit binding to relatives insured in the same province",
    OTHER_CITY: "sources limit binding to relatives insured in the same city",
    HAS_HOLDER: "a relative may be bound to one account holder only, and already is",
    HOLDERS_UNSOURCED: "the relative is bound elsewhere already; no source says if two holders are allowed",
    LIMIT_UNSOURCED: "no source states how many relatives one account may bind, so the count is not checked",
    LIMIT_REACHED: "the relatives before this one already use up the city's binding limit",
    LIMIT_DISPUTED: "sources disagree on the limit, and this relative is between the two figures",
}

#: How `employee_contribution` found the contribution base band (`band`).
BANDS: dict[str, str] = {
    "stated in yuan": "a source states the base floor and ceiling in yuan",
    "ratio × average wage": "floor and ceiling computed from sourced ratios and a sourced average wage",
    "unknown": "no source gives the band, so no amount is computed",
}
