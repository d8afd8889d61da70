"""The digest at the top of the what-changed report: what the pages now say differently.

Reads `helpers.resolution.digest` (values changed, reliability fell or rose, new conflicts) and
renders it in Chinese and English from ``templates/digest.html.j2`` (autoescaped): place names,
not codes; parameter labels, not ids; the deciding source linked.
"""

from __future__ import annotations

import pandas as pd

from ..data import Dataset, places
from ..data.vocab import MARKS
from ..resolution.digest import DIGEST_CHANGES, digest, digest_counts
from .answer_page import environment
from .answers import benefit_years
from .changes import ChangeResult
from .content import Section, fill_doc
from .fmt import conditions_text, value_text

#: Each kind of digest line: its heading (zh en).
DIGEST_TITLES = {
    "value": "数值变化 values changed",
    "conflict": "新出现的来源冲突 new conflicts",
    "reliability-fell": "可靠程度下降 reliability fell",
    "reliability-rose": "可靠程度上升 reliability rose",
    "conflict-resolved": "冲突已消除 conflicts resolved",
}
#: A group of digest lines is shown open when it has at most this many (longer ones are folded).
OPEN_UP_TO = 12
#: Places named in one line before the rest is counted ("等 16 地").
MAX_NAMES = 6


def _places_text(ds: Dataset, codes: list[str]) -> str:
    names = [places.label(ds, c) for c in codes]
    if len(names) <= MAX_NAMES:
        return "、".join(names)
    return "、".join(names[:MAX_NAMES]) + f" 等 {len(names)} 地 ({len(names)} places)"


def _word(ds: Dataset, code) -> str:
    lab = ds.labels.get(str(code))
    return f"{lab['zh']} {lab['en'].split(':')[0].split(',')[0]}" if lab else str(code)


def _why_text(ds: Dataset, x) -> str:
    """Why reliability moved, in reader words: kind, status, support, doubt (zh with en)."""
    out = []
    if x["old_kind"] != x["new_kind"]:
        out.append(f"来源类型 source kind: {_word(ds, x['old_kind'])} → {_word(ds, x['new_kind'])}")
    if x["old_status"] != x["new_status"]:
        out.append(f"状态 status: {_word(ds, x['old_status'])} → {_word(ds, x['new_status'])}")
    if x["old_support"] != x["new_support"]:
        out.append(f"独立来源 independent sources: {x['old_support']} → {x['new_support']}")
    if "doubt" in x["why"]:
        out.append("记录了存疑 a doubt was recorded" if "recorded" in x["why"] else "存疑已解除 doubt lifted")
    return ";".join(out)


def _marks(ds: Dataset, x) -> str:
    """The marks the value now carries on the pages, in words (status; ⚠ for a conflict)."""
    status = x["new_status"] if x["new_value"] is not None else x["old_status"]
    lab = ds.labels.get(status, {"zh": status, "en": status})
    sym = MARKS.get(status, "")
    out = [" ".join(p for p in (sym, "" if lab["zh"] == sym else lab["zh"], lab["en"].split(":")[0]) if p)]
    if x["change"] == "conflict":
        out.append(f"{MARKS['conflict']} {ds.labels.get('conflict', {}).get('zh', '来源冲突')}")
    when = "之前 before" if x["new_value"] is None else "现在 now"
    return f"{when}: " + " · ".join(out)


def _value(ds: Dataset, v, ptype, unit) -> str:
    if v is None:
        return "未知 unknown"
    if isinstance(v, list):
        return " / ".join(value_text(x, ptype, ds.labels, unit) for x in v)
    return value_text(v, ptype, ds.labels, unit)


def _source(ds: Dataset, sid):
    if not isinstance(sid, str):
        return None
    s = ds.sources[ds.sources["id"] == sid]
    if s.empty:
        return None
    s = s.iloc[0]
    url = s["url"] if isinstance(s["url"], str) and s["url"].strip().lower().startswith("http") else None
    return {"title": s["title"], "url": url, "kind": ds.labels.get(s["kind"], {}).get("zh", s["kind"])}


@fill_doc
def change_digest(result: ChangeResult | None, year: int = 0, cities: list[str] | None = None) -> Section:
    """The digest of what changed on reader pages (zh and en), before the detail; CSV `digest`.

    Parameters
    ----------
    result : ChangeResult or None
        From `helpers.report.compare_editions` (None: nothing to compare; an empty section).
    year : int
        The benefit year the pages answer; 0 means the current one (`answers.benefit_years`).
    cities : list of str, optional
        Place codes (default: every place).

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> type(h.report.change_digest(None)).__name__
    'Section'
    """
    if result is None:
        return Section("")
    ds = result.new.ds or result.old.ds
    if ds is None:
        return Section("")
    year = year or benefit_years()[0]
    t = digest(result.old.ds, result.new.ds, year, cities or None)
    meta = ds.parameters.set_index("id")
    groups = []
    for change in DIGEST_CHANGES:
        lines = []
        for x in t[t["change"] == change].to_dict("records") if not t.empty else []:
            p = meta.loc[x["parameter"]] if x["parameter"] in meta.index else None
            ptype, unit = (p["type"], p["unit"]) if p is not None else (None, None)
            label = f"{p['label_zh']} {p['label_en']}" if p is not None else x["parameter"]
            cond = conditions_text(x["conditions"], ds.labels)
            old, new = _value(ds, x["old_value"], ptype, unit), _value(ds, x["new_value"], ptype, unit)
            text = {
                "value": f"{old} → {new}",
                "conflict": f"来源说法不一 sources disagree: {new}",
                "conflict-resolved": f"来源不再冲突 sources agree again: {new}",
            }.get(change, new)
            lines.append(
                {
                    "places": _places_text(ds, x["places"]),
                    "what": label + (f"({cond})" if cond else ""),
                    "text": text,
                    "why": _why_text(ds, x) if change.startswith("reliability") else "",
                    "source": _source(ds, x["source"]),
                    "marks": _marks(ds, x),
                }
            )
        groups.append({"key": change, "title": DIGEST_TITLES[change], "lines": lines})
    n = digest_counts(t)
    since, until = result.old.label, result.new.label
    lead_zh = (
        f"从 {since} 到 {until},按 {year} 年度的页面:数值变化 {n['value']} 处,新冲突 {n['conflict']} 处,"
        f"可靠程度下降 {n['reliability-fell']} 处、上升 {n['reliability-rose']} 处。"
    )
    lead_en = (
        f"From {since} to {until}, on the pages for benefit year {year}: {n['value']} values changed, "
        f"{n['conflict']} new conflicts, reliability fell for {n['reliability-fell']} and rose for "
        f"{n['reliability-rose']}."
    )
    note = (
        "一处变化若由省级或全国规定继承,只列一行并写出受影响的地区;逐条的数据变化见下面按地区折叠的明细。 "
        "A change places inherit from their province or the nation is one line naming them; every claim "
        "that changed is in the detail below, folded by place."
    )
    html = (
        environment()
        .get_template("digest.html.j2")
        .render(lead_zh=lead_zh, lead_en=lead_en, groups=groups, note=note, open_up_to=OPEN_UP_TO)
    )
    table = t.assign(places=[", ".join(p) for p in t["places"]]) if not t.empty else t
    return Section("", [html], {"digest": pd.DataFrame(table)})
