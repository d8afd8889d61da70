"""How well a second coder agreed with the data: read data/verify.json for reports and the front page."""

from __future__ import annotations

import json
from pathlib import Path

from ..data import Dataset

#: Written by `yibao verify score` beside the data.
VERIFY_JSON = "verify.json"


def verify_summary(ds: Dataset) -> dict | None:
    """The last second-coding result (``data/verify.json``), or None when not yet measured.

    A file that cannot be read, or lacks the numbers, counts as not measured: a report never
    shows a figure it cannot back.

    Returns
    -------
    dict or None
        ``coded`` (claims second-coded), ``agreement`` (share per field and ``all_five``),
        ``by_kind``, ``date``, ``seed``, ``disagreements``, ``undecided``.
    """
    path = Path(ds.data_dir) / VERIFY_JSON
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        a = doc["agreement"]
        float(a["value"]), float(a["all_five"]), int(doc["coded"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return doc


def agreement_text(ds: Dataset) -> str:
    """One plain-text line: claims second-coded and their agreement, or "not yet measured".

    Examples
    --------
    >>> import helpers as h
    >>> from helpers.report.agreement import agreement_text
    >>> agreement_text(h.load()).startswith("二次编码核对 second coding:")
    True
    """
    s = verify_summary(ds)
    if s is None:
        return "二次编码核对 second coding: 尚未测量 not yet measured"
    a = s["agreement"]
    return (
        f"二次编码核对 second coding: 抽样 second-coded {int(s['coded'])} claims ({s.get('date', '')}); "
        f"数值一致 value agreement {float(a['value']):.1%}, "
        f"五项全部一致 all five fields {float(a['all_five']):.1%}"
    )
