"""`glossary()`: every word a table or result can show, with its meaning, from the one vocabulary of each."""

from __future__ import annotations

import pandas as pd

from ..data import Dataset, load
from ..data.vocab import KINDS, STATUSES
from ..resolution import resolve_columns
from ..rules import reasons
from .marks import mark_terms

#: What each kind of entry in the glossary is.
SECTIONS: dict[str, str] = {
    "parameter": "a comparable rule (data/parameters.yaml); unit and meaning as stated",
    "topic": "a group of parameters",
    "status": "where a shown value comes from",
    "mark": "a mark next to a value on a report page (every one a page can show)",
    "source kind": "how reliable a source is, most reliable first",
    "relation": "a relative an employee may bind (words accepted for it in `aliases`)",
    "scheme": "an insurance scheme (words accepted for it in `aliases`)",
    "answer": "the answer to a yes/no rule (can_bind, gap_covered, backpay_allowed)",
    "reason": "why family_binding gives a relative its answer ({…} is filled with numbers)",
    "band": "how employee_contribution found the contribution base band",
    "column": "a column of a result: resolve(), claims_table(), the calculators, glossary()",
}
#: Columns of the other public results (resolve()'s are `helpers.resolve_columns()`), with meanings.
#: A test checks that every column a public function returns is here and in its docstring.
RESULT_COLUMNS: dict[str, str] = {
    "place": "a place: Chinese name (claims_table) or, as an input, the city where a relative is insured",
    "value_text": "the value as a reader sees it, with its unit (390 元, 8 %)",
    "period": "the year or dates a claim applies to, as text",
    "usable": "False: the claim is kept on record but never shown as a value",
    "published": "the source's publication date, or its bounds (≥ …), or 'undated'",
    "locator": "where on the source page the claim is stated",
    "url": "the source's address (empty when it has none)",
    "scheme": "insurance scheme: employee, flexible or resident",
    "gap_months": "months without contributions (the scenario)",
    "lapsed_years": "resident scheme: whole policy years not insured (the scenario)",
    "back_paid": "True when the gap was back-paid (restored)",
    "waiting_min": "fewest months until benefits resume (None when not sourced)",
    "waiting_max": "most months until benefits resume; differs from waiting_min only where sources disagree",
    "gap_covered": "whether the gap's costs are covered: yes, no, unknown, disputed or n/a",
    "backpay_allowed": "whether the gap may be back-paid: yes, no, unknown, disputed or n/a",
    "unverified": "True when a value behind the result is stated only by machine-written pages (leads)",
    "rule": "how the result was reached, in words",
    "claims": "ids of the claims the result rests on (list)",
    "inputs": "one record per figure a calculator looked up: value, year, status, kind, support, "
    "doubts (list of dicts; helpers.inputs_table gives one row each)",
    "row": "inputs_table: the index label of the calculator result row an input belongs to",
    "year_basis": "how an input's year is known: period (stated), page date (speaks from it on), not stated",
    "inherited": "True when an input's value is stated for a higher level (province, nation), not the place",
    "from_zh": "name of the place whose claim gives the value",
    "doubt": "True when the data records a doubt about a value (or a figure used); reasons in doubts",
    "like_for_like": "True when the employer amount is on the common basis (medical incl. maternity)",
    "like_for_like_why": "why the employer amount is not comparable across places (empty when it is)",
    "wage": "monthly wage in yuan (the scenario)",
    "base_lo": "contribution base in yuan a month: the wage clamped to the band (lower figure)",
    "base_hi": "the same with the upper figures where sources disagree",
    **{
        f"{who}_{per}_{end}": f"{label} share in yuan a {per} ({'lower' if end == 'lo' else 'upper'} figure)"
        for who, label in (
            ("employer", "employer's (incl. maternity where the rate includes it)"),
            ("maternity", "maternity part of the employer's"),
            ("employee", "employee's"),
        )
        for per in ("month", "year")
        for end in ("lo", "hi")
    },
    "band": "how the contribution base band was found (section band)",
    "employer_basis": "what the employer rate covers: medical incl. maternity, or medical only",
    "member": "the household member's number (1, 2, …)",
    "age": "age in whole years",
    "student": "True for a student",
    "group": "population group with its own premium rule (extreme_poverty …)",
    "tier": "resident contribution tier the household chooses (1 or 2)",
    "category": "premium category: minor, student or the group; empty for an adult",
    "paid_tier": "the tier the member pays",
    "benefit_tier": "the tier whose benefits the member gets",
    "pays_lo": "resident premium in yuan a year (lower figure; None when not sourced)",
    "pays_hi": "the same, upper figure where sources disagree",
    "household": "id of the household a relative belongs to (any value)",
    "relative": "the relative's number in the household (1, 2, …)",
    "relation": "relation to the employee (section relation)",
    "already_bound": "True when another account holder has already bound this relative",
    "can_bind": "whether the relative can be bound: yes, no, unknown, disputed (section answer)",
    "reason": "why (section reason)",
    "premium_lo": "resident premium in yuan a year the account would pay (lower figure)",
    "premium_hi": "the same, upper figure where sources disagree",
    "section": "glossary: what kind of term a row explains",
    "term": "glossary: the word as it appears in results",
    "zh": "Chinese label",
    "en": "English label",
    "meaning": "what the term means",
    "aliases": "other words accepted as input for the term (list)",
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
    rows += [  # every mark a page can show, from the one vocabulary of marks (report.marks)
        {
            "section": "mark",
            "term": m["term"],
            "zh": m["zh"],
            "en": m["en"],
            "unit": None,
            "meaning": m["meaning"],
            "aliases": [],
        }
        for m in mark_terms(ds.labels)
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
    columns = {**resolve_columns(), **{c: m for c, m in RESULT_COLUMNS.items() if c not in resolve_columns()}}
    rows += [
        {"section": "column", "term": c, "zh": None, "en": None, "unit": None, "meaning": m, "aliases": []}
        for c, m in columns.items()
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
