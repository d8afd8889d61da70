"""`glossary()`: every word a table or result can show, with its meaning, from the one vocabulary of each."""

from __future__ import annotations

import pandas as pd

from ..data import Dataset, load
from ..data.vocab import KINDS, STATUSES
from ..resolution import resolve_columns
from ..rules import reasons

#: What each kind of entry in the glossary is.
SECTIONS: dict[str, str] = {
    "parameter": "a comparable rule (data/parameters.yaml); unit and meaning as stated",
    "topic": "a group of parameters",
    "status": "where a shown value comes from",
    "mark": "a mark next to a value in comparison tables",
    "source kind": "how reliable a source is, most reliable first",
    "relation": "a relative an employee may bind (words accepted for it in `aliases`)",
    "scheme": "an insurance scheme (words accepted for it in `aliases`)",
    "answer": "the answer to a yes/no rule (can_bind, gap_covered, backpay_allowed)",
    "reason": "why family_binding gives a relative its answer ({…} is filled with numbers)",
    "band": "how employee_contribution found the contribution base band",
    "column": "a column of resolve()",
}
MARKS: dict[str, str] = {
    "↑省": "inherited from the province: the city has no claim of its own",
    "↑国": "inherited from the national level",
    "⚠": "conflict: sources at the same level and rank disagree; every value is shown",
    "旧": "stale: every source supporting the value is older than the threshold (2 years)",
    "— 未知": "unknown: no usable claim at any level; never estimated",
}
COLUMNS = ["section", "term", "zh", "en", "unit", "meaning", "aliases"]


def _labelled(ds: Dataset, section: str, terms, meaning=None) -> list[dict]:
    rows = []
    for t in terms:
        lab = ds.labels.get(t, {})
        rows.append(
            {
                "section": section,
                "term": t,
                "zh": lab.get("zh"),
                "en": lab.get("en"),
                "unit": None,
                "meaning": (meaning or {}).get(t) or lab.get("description") or lab.get("en"),
                "aliases": list(lab.get("aliases") or []),
            }
        )
    return rows


def glossary(ds: Dataset | None = None, section: str | None = None) -> pd.DataFrame:
    """Every parameter, topic, status, mark, source kind, relation, answer and reason, with its meaning.

    Parameters
    ----------
    ds : Dataset, optional
        The loaded data (default `helpers.load()`).
    section : str, optional
        Only one section: ``parameter``, ``topic``, ``status``, ``mark``, ``source kind``,
        ``relation``, ``scheme``, ``answer``, ``reason``, ``band`` or ``column``.

    Returns
    -------
    DataFrame
        One row per term: ``section`` (as above), ``term`` (the word as it appears in results),
        ``zh`` and ``en`` (labels), ``unit`` (parameters only: yuan, share, months …),
        ``meaning`` (what it means), ``aliases`` (list of other words accepted as input).

    Examples
    --------
    >>> import helpers as h
    >>> g = h.glossary()
    >>> g.set_index("term").at["binding limit not sourced", "section"]
    'reason'
    >>> g.set_index("term").at["inherited-national", "zh"]
    '继承全国'
    >>> "父亲" in g.set_index("term").at["parent", "aliases"]
    True
    """
    ds = ds if ds is not None else load()
    rows = [
        {
            "section": "parameter",
            "term": p.id,
            "zh": p.label_zh,
            "en": p.label_en,
            "unit": p.unit if isinstance(p.unit, str) else None,
            "meaning": p.description if isinstance(p.description, str) and p.description else p.label_en,
            "aliases": [],
        }
        for p in ds.parameters.itertuples()
    ]
    rows += [
        {"section": "topic", "term": t, **lab, "unit": None, "meaning": lab.get("en"), "aliases": []}
        for t, lab in ds.topics.items()
    ]
    rows += _labelled(ds, "status", STATUSES)
    rows += [
        {"section": "mark", "term": m, "zh": None, "en": None, "unit": None, "meaning": v, "aliases": []}
        for m, v in MARKS.items()
    ]
    rows += _labelled(ds, "source kind", KINDS)
    rel = ds.parameters.set_index("id").at["family_account.relations", "values"]
    rows += _labelled(ds, "relation", list(rel or []))
    rows += _labelled(ds, "scheme", list(ds.conditions["scheme"]["values"] or []))
    for sec, words in (("answer", reasons.FLAGS), ("reason", reasons.REASONS), ("band", reasons.BANDS)):
        rows += [
            {"section": sec, "term": w, "zh": None, "en": None, "unit": None, "meaning": m, "aliases": []}
            for w, m in words.items()
        ]
    rows += [
        {"section": "column", "term": c, "zh": None, "en": None, "unit": None, "meaning": m, "aliases": []}
        for c, m in resolve_columns().items()
    ]
    out = pd.DataFrame(rows, columns=COLUMNS)
    if section is not None:
        if section not in SECTIONS:
            from ..data import did_you_mean
            from ..exceptions import InputError

            raise InputError(
                f"section: unknown section {section!r} — {did_you_mean(section, list(SECTIONS))}"
            )
        out = out[out["section"] == section].reset_index(drop=True)
    return out
