"""Data-quality appendix: what the applicability rules changed — conflicts counted once, values
by status, "not stated" lanes, doubts by reason, and every plausibility finding."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from ..data import Dataset, places
from ..data.vocab import STATUSES
from ..resolution import disagreements, plausibility, resolve
from .content import Section, fill_doc
from .markup import esc, table

#: Measured with the resolver before issue 24 (commit 4c45607, its data, every place, year 2025,
#: measured 2026-12-07): the same questions answered the old way, for the before/after table.
BEFORE = {
    "conflict rows": 68,
    "distinct disagreements": 9,
    "own": 274,
    "inherited-province": 140,
    "inherited-national": 1980,
    "unverified": 207,
    "year-not-stated": 0,
    "unknown": 6100,
    "values in a 'not stated' lane": 0,
    "values with a doubt": 0,
}
#: Conditions whose absence is a lane of its own ("档次未注明").
CATEGORICAL = ("scheme", "tier", "employee_tier", "group")


def _not_stated(r: pd.DataFrame) -> int:
    """Known values in a row whose claims leave out a condition other rows of the parameter state."""
    stated: dict[str, set[str]] = {}
    for pid, ck in zip(r["parameter"], r["conditions"], strict=True):
        stated.setdefault(pid, set()).update(
            p.partition("=")[0] for p in str(ck).split(";") if p.partition("=")[0] in CATEGORICAL
        )
    n = 0
    for pid, ck, st in zip(r["parameter"], r["conditions"], r["status"], strict=True):
        have = {p.partition("=")[0] for p in str(ck).split(";") if p}
        n += bool(st != "unknown" and stated.get(pid, set()) - have)
    return n


def applicability_counts(ds: Dataset, year: int = 2025, as_of=None) -> pd.DataFrame:
    """The before/after figures: conflict rows and distinct disagreements, values by status, values
    in a "not stated" lane and values with a doubt, for every place and one year.

    Parameters
    ----------
    ds : Dataset
        From `helpers.load()`.
    year : int
        The year every place is resolved for.
    as_of : date or 'YYYY-MM-DD', optional
        Date the staleness check counts from (default today).

    Returns
    -------
    DataFrame
        Columns ``measure``, ``before`` (the resolver before issue 24, see `BEFORE`) and ``now``.

    Examples
    --------
    >>> import helpers as h
    >>> t = h.report.applicability_counts(h.load())
    >>> int(t.set_index("measure").at["distinct disagreements", "now"]) <= int(
    ...     t.set_index("measure").at["conflict rows", "now"])
    True
    """
    r = resolve(ds, list(ds.jurisdictions["code"]), year=year, as_of=as_of)
    status = r["status"].value_counts()
    now = {
        "conflict rows": int(r["conflict"].sum()),
        "distinct disagreements": len(disagreements(r)),
        **{s: int(status.get(s, 0)) for s in STATUSES},
        "values in a 'not stated' lane": _not_stated(r),
        "values with a doubt": int(r["doubt"].sum()),
    }
    return pd.DataFrame(
        [{"measure": k, "before": BEFORE.get(k), "now": v} for k, v in now.items()],
        columns=["measure", "before", "now"],
    )


def doubt_counts(ds: Dataset) -> pd.DataFrame:
    """Doubts by reason and origin: recorded on claims, on sources, found by the plausibility checks.

    Parameters
    ----------
    ds : Dataset
        From `helpers.load()`.

    Returns
    -------
    DataFrame
        One row per doubt reason: ``reason``, ``on claims``, ``on sources``, ``found by checks``.

    Examples
    --------
    >>> import helpers as h
    >>> list(h.report.doubt_counts(h.load()).columns)
    ['reason', 'on claims', 'on sources', 'found by checks']
    """
    rec = Counter(d["reason"] for d in ds.claims["doubt"].dropna())
    src = Counter(d["reason"] for d in ds.sources["doubt"].dropna())
    found = Counter(d["reason"] for ds_ in plausibility.findings(ds).values() for d in ds_)
    reasons = sorted(set(rec) | set(src) | set(found))
    return pd.DataFrame(
        [
            {"reason": x, "on claims": rec[x], "on sources": src[x], "found by checks": found[x]}
            for x in reasons
        ],
        columns=["reason", "on claims", "on sources", "found by checks"],
    )


@fill_doc
def applicability_section(ds: Dataset, year: int = 2025, as_of: str | None = None) -> Section:
    """What a value may stand for: before/after counts, doubts by reason, plausibility findings.

    Parameters
    ----------
    {ds}
    year : int
        The year the counts answer (every place is resolved for it).
    as_of : date or 'YYYY-MM-DD', optional
        Date the staleness check counts from (default today).

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> sorted(h.report.applicability_section(h.load()).tables)
    ['applicability', 'doubts', 'plausibility']
    """
    lab = ds.labels
    counts = applicability_counts(ds, year, as_of)
    rows = [
        [f"{lab.get(m, {}).get('zh', '')} {m}".strip(), "" if b is None else str(b), str(n)]
        for m, b, n in counts.itertuples(index=False)
    ]
    doubts = doubt_counts(ds)
    drows = [
        [f"{lab.get(x.reason, {}).get('zh', '')} {x.reason}", str(x[2]), str(x[3]), str(x[4])]
        for x in doubts.itertuples()
    ]
    found = plausibility.table(ds)
    frows = [
        [
            places.label(ds, x.jurisdiction),
            str(x.parameter),
            str(x.value),
            f"{lab.get(x.reason, {}).get('zh', '')} · {x.zh}",
            f"{x.file}:{x.line}",
        ]
        for x in found.itertuples()
    ]
    parts = [
        f"<p>{esc(year)} 年,所有地区。一项分歧只计一次;未注明档次、人群或参保类型的数值单列一行;"
        "没有年份也没有来源日期的数值单列为“年份未注明”。"
        f" All places, {esc(year)}: each disagreement counted once; a value whose claims leave out a tier, "
        "group or scheme has a row of its own; a value with neither a period nor a dated source is "
        "'year not stated'. 'Before' = the resolver before these rules (commit 4c45607).</p>",
        table(
            ["指标 measure", "之前 before", "现在 now"],
            rows,
            caption=f"之前与现在 before and now · {year} 年",
        ),
        "<h3>存疑原因 Doubts by reason</h3>",
        table(
            ["原因 reason", "记录于数据 on claims", "记录于来源 on sources", "检查发现 found by checks"],
            drows,
            caption="存疑原因 doubts by reason",
        ),
        "<h3>合理性检查 Plausibility findings</h3><p>只标记、不隐藏 marked, never hidden.</p>",
        table(
            ["地区 place", "参数 parameter", "数值 value", "原因 reason", "位置 file:line"],
            frows,
            caption="合理性检查 plausibility findings",
        ),
    ]
    return Section(
        "适用范围与存疑 What a value stands for",
        parts,
        {"applicability": counts, "doubts": doubts, "plausibility": found},
    )
