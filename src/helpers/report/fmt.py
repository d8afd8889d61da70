"""The one reader-facing formatter: values with units, zh labels for codes, statuses and reasons.

Labels come from data/parameters.yaml (`Dataset.labels`); a code without a label is shown as is
(`check-data` refuses enum values, kinds and statuses without one). Nothing here returns a raw
parameter id, `true`/`false` or a share like 0.08.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

Labels = Mapping[str, Mapping[str, str]]

#: Units of count-like parameters, as a reader sees them after the number.
UNIT_ZH = {"persons": "人", "provinces": "个省份", "tier": "档"}


def label_zh(code, labels: Labels | None) -> str:
    """The zh label of a code (relation, channel, group …), or the code itself."""
    lab = (labels or {}).get(str(code))
    return lab["zh"] if lab else str(code)


def label_both(code, labels: Labels | None) -> str:
    """'职工医保 employee scheme': zh and en label of a code (the code itself when unlabelled)."""
    lab = (labels or {}).get(str(code))
    return f"{lab['zh']} {lab['en']}" if lab else str(code)


def value_text(value, ptype: str | None = None, labels: Labels | None = None, unit: str | None = None) -> str:
    """A claim value as a reader sees it: 8 %, 390 元, 7 人, 是/否, 配偶、子女, 2024-09-01 – 2024-12-31."""
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
    if isinstance(value, int | float) and ptype in ("rate", "ratio"):
        return f"{value * 100:.4g} %"
    if isinstance(value, int | float) and ptype == "yuan":
        return f"{value:,.0f} 元" if float(value).is_integer() else f"{value:,.2f} 元"
    if ptype == "months":
        return f"{value} 个月"
    if ptype == "years":
        return f"{value} 年"
    if unit == "tier":
        return f"第 {value} 档"
    if unit in UNIT_ZH and isinstance(value, int | float):
        return f"{value:g} {UNIT_ZH[unit]}"
    return label_zh(value, labels)


def reason_text(reason: str, labels: Labels | None) -> str:
    """A calculator's reason ('relation does not qualify; limit of 8 reached') in zh words."""
    out = []
    for part in filter(None, (p.strip() for p in str(reason).split(";"))):
        out.append(_template(part, labels or {}))
    return ";".join(out)


def _template(part: str, labels: Labels) -> str:
    if part in labels:
        return labels[part]["zh"]
    for key, lab in labels.items():
        if "{" not in key:
            continue
        names = re.findall(r"\{(\w+)\}", key)
        pattern = "^" + re.sub(r"\\\{\w+\\\}", r"([\\d.]+)", re.escape(key)) + "$"
        m = re.match(pattern, part)
        if m:
            return lab["zh"].format(**dict(zip(names, m.groups(), strict=True)))
    return part


#: How a condition a claim leaves out is named ("档次未注明 tier not stated").
NOT_STATED_ZH = {"tier": "档次", "employee_tier": "职工档次", "group": "人群", "scheme": "参保类型"}


def conditions_text(cond_key: str, labels: Labels | None = None, unstated=()) -> str:
    """'scheme=employee;tier=1' → '职工医保 · 第1档'; 'tier=all' → '全部档次'; each name in
    `unstated` (a condition the row's claims leave out while other rows state it) adds
    '档次未注明' ('' when there is nothing to say)."""
    parts = []
    for part in filter(None, cond_key.split(";")):
        k, _, v = part.partition("=")
        if v == "all":
            parts.append(f"全部{NOT_STATED_ZH.get(k, k)}")
        elif k == "tier":
            parts.append(f"第{v}档")
        elif k in ("gap_min", "age_min"):
            parts.append(f"{'断缴' if k == 'gap_min' else '年龄'} ≥ {v}{'个月' if k == 'gap_min' else '岁'}")
        elif k in ("gap_max", "age_max"):
            parts.append(f"{'断缴' if k == 'gap_max' else '年龄'} ≤ {v}{'个月' if k == 'gap_max' else '岁'}")
        else:
            parts.append(label_zh(v, labels))
    parts += [f"{NOT_STATED_ZH.get(k, k)}未注明" for k in unstated]
    return " · ".join(parts)


def doubt_text(doubts) -> str:
    """'存疑: 可能按关系种类计' — every recorded doubt of a value in zh ('' when none)."""
    items = [str(d.get("zh", "")) for d in doubts or [] if isinstance(d, dict)]
    return ("存疑: " + ";".join(dict.fromkeys(items))) if items else ""


def year_text(year) -> str:
    """The year a page answers, as its title says it: '2025 年' or '最新 latest (各值标注年份)'."""
    if year is None or year == 0:
        return "最新 latest (每个数值注明其年份 each value shows its year)"
    return f"{int(year)} 年"


def parameter_text(value, labels: Labels | None, topics: Labels | None = None) -> str:
    """A report parameter for the page header: codes in a comma list shown by their zh labels."""
    items = [v.strip() for v in str(value).split(",")]
    both = {**(labels or {}), **(topics or {})}
    return "、".join(label_zh(v, both) for v in items if v)
