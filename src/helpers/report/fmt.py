"""Reader-facing value formatting: percentages, yuan, yes/no and zh labels for codes.

Labels come from data/parameters.yaml (`Dataset.labels`); a code without a label is shown as is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

Labels = Mapping[str, Mapping[str, str]]


def label_zh(code, labels: Labels | None) -> str:
    """The zh label of a code (relation, channel, group …), or the code itself."""
    lab = (labels or {}).get(str(code))
    return lab["zh"] if lab else str(code)


def value_text(value, ptype: str | None = None, labels: Labels | None = None) -> str:
    """A claim value as a reader sees it: 8 %, 390 元, 是/否, 配偶, 2024-09 – 2024-12."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是 yes" if value else "否 no"
    if ptype == "date_range" and isinstance(value, list):
        return " – ".join(map(str, value))
    if isinstance(value, list):
        return "、".join(label_zh(v, labels) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if ptype in ("rate", "ratio") and isinstance(value, int | float):
        return f"{value * 100:.4g} %"
    if ptype == "yuan" and isinstance(value, int | float):
        return f"{value:,.0f} 元" if float(value).is_integer() else f"{value:,.2f} 元"
    if ptype == "months":
        return f"{value} 个月"
    if ptype == "years":
        return f"{value} 年"
    return label_zh(value, labels)


def conditions_text(cond_key: str, labels: Labels | None = None) -> str:
    """'scheme=employee;tier=1' → '职工医保 · 档次 1' ('' when none)."""
    parts = []
    for part in filter(None, cond_key.split(";")):
        k, _, v = part.partition("=")
        if k == "tier":
            parts.append(f"第{v}档")
        elif k in ("gap_min", "age_min"):
            parts.append(f"{'断缴' if k == 'gap_min' else '年龄'} ≥ {v}{'个月' if k == 'gap_min' else '岁'}")
        elif k in ("gap_max", "age_max"):
            parts.append(f"{'断缴' if k == 'gap_max' else '年龄'} ≤ {v}{'个月' if k == 'gap_max' else '岁'}")
        else:
            parts.append(label_zh(v, labels))
    return " · ".join(parts)
