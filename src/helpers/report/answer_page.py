"""An `Answer` as a report section: rendered from a Jinja2 template with autoescaping.

The template (``templates/answer.html.j2``) is the only place the answer's HTML is written;
every text from the data reaches the page through its escaping (no string concatenation).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..data import Dataset
from .answers import CONFIRM, QUESTIONS, Answer, answer
from .content import Section

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def environment():
    """The Jinja2 environment for report templates (autoescape on for every template)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def answer_html(a: Answer) -> str:
    """The answer as HTML: lead sentence (zh, en), the groups of rows, the sources, the confirm line.

    Each row cites its sources by number ([1] [2], linked to the list under the answer), so a
    source cited by sixteen rows is written once and a row stays a few lines tall on a phone.
    """
    numbers: dict[tuple, int] = {}
    refs, groups = [], []
    for g in a.groups:
        rows = []
        for r in g.rows:
            ns = []
            for s in r.sources:
                key = (s.title, s.url)
                if key not in numbers:
                    numbers[key] = len(numbers) + 1
                    refs.append({"n": numbers[key], "source": s})
                if numbers[key] not in ns:
                    ns.append(numbers[key])
            rows.append({"row": r, "refs": ns})
        groups.append({"group": g, "rows": rows})
    return environment().get_template("answer.html.j2").render(a=a, groups=groups, refs=refs, confirm=CONFIRM)


def answer_section(ds: Dataset, question: str, cities: list[str], year: int, gap_months: int = 6) -> Section:
    """The report section answering `question` (one of `helpers.report.answers.QUESTIONS`).

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    question : str
        ``binding``, ``lapse``, ``premium``, ``cross-province`` or ``employer-cost``.
    cities : list of str
        Place codes (the notebook's checked ``cities``).
    year : int
        The benefit year asked about (``premium`` also shows the year before).
    gap_months : int
        For ``lapse``: months without contributions (back-paid).

    Returns
    -------
    Section
        No heading of its own (the answer's question is its heading); its table ``answer``
        (one line per place, item and year) is the CSV download.

    Examples
    --------
    >>> import helpers as h
    >>> s = h.report.answer_section(h.load(), "binding", ["370100"], 2026)
    >>> "12393" in s.to_html()
    True
    """
    a = answer(ds, question, cities, year, gap_months)
    return Section("", [answer_html(a)], {"answer": a.frame()})


__all__ = ["QUESTIONS", "answer_html", "answer_section", "environment"]
