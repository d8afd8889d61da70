"""A value's history and the general statements: what the resolver keeps on record but does not show."""

from __future__ import annotations

import pandas as pd

from ..data import Dataset, places
from .rank import OPEN_END, OPEN_START, Ranked, index

HISTORY_COLUMNS = ["place", "claim", "value", "from", "to", "source", "kind", "shown"]


def history(ds: Dataset, city, parameter: str, conditions: str = "", on=None) -> pd.DataFrame:
    """Every claim for one place (and its parents), parameter and condition key, oldest first, with
    the date it took effect and the date a later claim replaced it (``to``); ``shown`` marks the
    claim the resolver shows today (or on `on`)."""
    from .table import resolve

    code = places.find(ds, city)
    r = resolve(ds, [code], as_of=on)
    row = r[(r["parameter"] == parameter) & (r["conditions"] == conditions)]
    shown = row.iloc[0]["claim"] if len(row) else None
    out = []
    for j in places.chain(ds, code):
        same = sorted(
            (c for c in index(ds).get((j, parameter), []) if c.cond_key == conditions),
            key=lambda c: c.effective,
        )
        for c in same:
            out.append(_row(ds, c, same, shown))
    return pd.DataFrame(out, columns=HISTORY_COLUMNS)


def _row(ds: Dataset, c: Ranked, same: list[Ranked], shown) -> dict:
    later = [n.effective for n in same if n.dated and n.value != c.value and n.effective > c.effective]
    end = min([*later, c.end]) if later else c.end
    return {
        "place": places.label(ds, c.jurisdiction),
        "claim": c.claim_id,
        "value": c.value,
        "from": None if c.effective == OPEN_START else c.effective,
        "to": None if end == OPEN_END else end,
        "source": c.source,
        "kind": c.kind,
        "shown": c.claim_id == shown,
    }


def general_statements(ds: Dataset, topic: str | None = None) -> pd.DataFrame:
    """Claims with ``scope: unattributed`` (no place named): parameter, labels, value, source."""
    c = ds.claims[ds.claims["scope"] == "unattributed"]
    p = ds.parameters.set_index("id")
    if topic is not None:
        c = c[c["parameter"].map(p["topic"]) == topic]
    return pd.DataFrame(
        {
            "claim": c["claim_id"],
            "parameter": c["parameter"],
            "label_zh": c["parameter"].map(p["label_zh"]),
            "type": c["parameter"].map(p["type"]),
            "conditions": c["cond_key"],
            "value": c["value"],
            "source": c["source"],
            "locator": c["locator"],
        }
    ).reset_index(drop=True)
