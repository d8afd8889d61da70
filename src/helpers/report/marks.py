"""How each status and mark looks, defined once: symbol, CSS class, chart colour and hatch, the short
word of tiles and charts, and the glossary text.

The symbol of a status or flag is `data.vocab.MARKS`; its zh/en label and meaning are the label of
the same name in data/parameters.yaml (`Dataset.labels`). Everything a page adds to show it —
class, colour, hatch, short words — is `LOOKS` here. The legend, the glossary (`yibao glossary
--section mark`), the charts, the front-page tiles, the data-quality coverage and the CSV all read
these; a test compares the marks the glossary lists with the marks found in rendered pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..data.vocab import FLAGS, MARKS, STATUSES


@dataclass(frozen=True)
class Look:
    """How one status or flag is shown.

    Attributes
    ----------
    key : str
        The status or flag (`data.vocab.STATUSES`, `FLAGS`) or a report-only mark (`EXTRA`).
    symbol : str
        The mark printed after a value ('' for own values: no mark).
    css : str
        Class a table cell with this status or flag gets ('' for none).
    colour : str
        Chart bar and front-page tile colour.
    hatch : str
        Chart hatch ('' for none): colour is never the only cue.
    word : str
        Short zh word where a mark stands alone (tiles, chart bar ends): the symbol or a word.
    short_en : str
        Short English word after `word` in charts.
    """

    key: str
    symbol: str
    css: str
    colour: str
    hatch: str
    word: str
    short_en: str


def _look(key: str, css: str, colour: str, hatch: str, short_en: str, word: str = "") -> Look:
    symbol = MARKS.get(key, "")
    return Look(key, symbol, css, colour, hatch, word or symbol, short_en)


#: Every status and flag (statuses first, then flags), as shown on pages.
LOOKS: dict[str, Look] = {
    x.key: x
    for x in (
        _look("own", "", "#1f5f8b", "", "own", word="本地"),
        _look("inherited-province", "inherited", "#6fa8d6", "", "province"),
        _look("inherited-national", "inherited", "#b9d3e8", "", "national"),
        _look("unverified", "unverified", "#d9a441", "xx", "unverified"),
        _look("year-not-stated", "unverified", "#e6e6e6", "..", "year not stated"),
        _look("unknown", "unknown", "#ffffff", "", "unknown", word="未知"),
        _look("conflict", "conflict", "#f0a030", "//", "disputed"),
        _look("superseded", "", "#ffffff", "", "updated"),
        _look("stale", "stale", "#ffffff", "", "stale"),
        _look("undated", "", "#ffffff", "", "undated"),
        _look("doubt", "", "#ffffff", "", "doubted"),
    )
}
if set(LOOKS) != {*STATUSES, *FLAGS}:  # a status or flag added to data.vocab needs its look here
    raise RuntimeError(f"report.marks.LOOKS lacks {sorted({*STATUSES, *FLAGS} - set(LOOKS))}")

#: Marks a page prints that are not a status or flag: (term as printed, zh, en, meaning).
#: ``n`` stands for a number.
EXTRA: dict[str, tuple[str, str, str, str]] = {
    "support": (
        "(n 源)",
        "独立来源数",
        "independent sources",
        "pages that state this value for this place, independent of each other: leads (machine-written "
        "pages) never counted, pages of one publisher or website counted once",
    ),
    "lead": (
        "线索 lead",
        "线索",
        "lead",
        "a machine-written page says so: listed to follow up, never evidence for the value",
    ),
    "earlier": ("此前 earlier", "此前", "earlier value", "the value a later claim replaced (history kept)"),
    "latest": (
        "最近陈述 latest stated",
        "最近陈述",
        "latest stated",
        "no claim covers the year asked; the latest year a claim states and its value",
    ),
}
#: The sentence the legend and the glossary give for "(n 源)".
SUPPORT_TEXT = (
    "(n 源) = 独立来源数: 在该地陈述同一数值、彼此独立的非线索来源 independent sources — pages that state "
    "this value for this place, leads (machine-written pages) never counted, pages of one publisher or "
    "website counted once."
)


def label(key: str, labels: Mapping | None) -> dict[str, str]:
    """zh, en and meaning of a status, flag or extra mark (labels from data/parameters.yaml)."""
    if key in EXTRA:
        _, zh, en, meaning = EXTRA[key]
        return {"zh": zh, "en": en, "description": meaning}
    lab = dict((labels or {}).get(key) or {})
    return {
        "zh": lab.get("zh", key),
        "en": lab.get("en", key),
        "description": lab.get("description") or lab.get("en", key),
    }


def chart_word(status: str) -> str:
    """'↑省 province': what a chart writes after a bar of this status."""
    x = LOOKS.get(status, LOOKS["own"])
    return f"{x.word} {x.short_en}"


def cell_class(status: str, flags: Mapping[str, bool]) -> str:
    """The CSS classes of a value cell: its status's, then each flag's it carries (conflict first)."""
    names = [LOOKS[f].css for f in FLAGS if flags.get(f) and LOOKS[f].css]
    names.append(LOOKS[status].css)
    return " ".join(dict.fromkeys(n for n in names if n))


def mark_terms(labels: Mapping | None, stale_after_years: float = 2) -> list[dict[str, str]]:
    """Every mark a page can show, in legend order: ``key``, ``term`` (as printed), ``zh``, ``en``,
    ``meaning``. Own values carry no mark and are left out; unknown prints '— 未知'."""
    out = []
    for key in [*STATUSES, *FLAGS]:
        sym = LOOKS[key].symbol
        if not sym:
            continue
        lab = label(key, labels)
        meaning = lab["description"]
        if key == "stale":
            meaning += f" (阈值 threshold: {stale_after_years:g} 年 years)"
        term = f"{sym} 未知" if key == "unknown" else sym
        out.append({"key": key, "term": term, "zh": lab["zh"], "en": lab["en"], "meaning": meaning})
    for key, (term, zh, en, meaning) in EXTRA.items():
        out.append({"key": key, "term": term, "zh": zh, "en": en, "meaning": meaning})
    return out
