"""HTML for reports: escaped tables, source footnotes and legends (all text is escaped)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import pandas as pd

from ..data import Dataset
from ..data.vocab import FLAGS, MARKS, STATUSES
from .tables import published_text


def esc(value) -> str:
    """Escape any value for HTML text (None → '')."""
    return "" if value is None else html.escape(str(value), quote=True)


def legend(labels, stale_after_years: float = 2) -> str:
    """The legend of every mark (vocab.MARKS) with its label from data/parameters.yaml; the stale
        entry prints the threshold in years.

    Parameters
    ----------
    labels : mapping
        Labels of marks and statuses (`Dataset.labels`, from data/parameters.yaml).
    stale_after_years : float
        The staleness threshold the legend prints.

    Returns
    -------
    str
        The legend as escaped HTML: every mark with its zh/en meaning, the stale threshold in years.

    Examples
    --------
    >>> import helpers as h
    >>> "2" in h.report.legend(h.load().labels, 2)
    True
    """
    items = []
    for key in [*STATUSES, *FLAGS]:
        if not MARKS[key]:
            continue
        lab = labels.get(key, {"zh": key, "en": key})
        text = lab["en"] if lab["zh"] == MARKS[key] else f"{lab['zh']} {lab['en']}"
        if key == "stale":
            text += f" (阈值 threshold: {stale_after_years:g} 年 years)"
        items.append(f"<span class='yb-mark-{esc(key)}'><b>{esc(MARKS[key])}</b> {esc(text)}</span>")
    return (
        "<p class='yb-legend'>标记 marks: " + " · ".join(items) + ". 无标记 no mark = 本地来源 the place's "
        "own source. [n] = 来源脚注 source footnote; (n 源) = 独立来源数: 在该地陈述同一数值、彼此独立的"
        "非线索来源 independent sources — pages that state this value for this place, leads (machine-written "
        "pages) never counted, pages of one publisher or website counted once.</p>"
    )


def safe_url(url) -> str | None:
    """The URL when it is http(s), else None (javascript:, data: and the like are never linked)."""
    if isinstance(url, str) and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def scroll_box(inner: str, columns: int, label: str = "表格 table") -> str:
    """A wide table in its own scrolling box (keyboard-focusable; a cue shows on narrow screens)."""
    wide = " yb-wide" if columns > 3 else ""
    return f"<div class='yb-scroll{wide}' role='region' aria-label='{esc(label)}' tabindex='0'>{inner}</div>"


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    cell_classes=None,
    raw: bool = False,
    caption: str | None = None,
) -> str:
    """An HTML table in a scroll box; cells are escaped unless raw=True (then the caller escaped them).

    A row given as a str is used as is (a ready-made `<tr>`, e.g. a folded row).
    """
    cls = cell_classes or []
    out = ["<table class='yb'>"]
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append(
        "<thead><tr>" + "".join(f"<th scope='col'>{esc(h)}</th>" for h in header) + "</tr></thead><tbody>"
    )
    for i, row in enumerate(rows):
        if isinstance(row, str):
            out.append(row)
            continue
        tds = []
        for j, cell in enumerate(row):
            c = cls[i][j] if i < len(cls) and j < len(cls[i]) and cls[i][j] else ""
            attr = f" class='{esc(c)}'" if c else ""
            tag = "th scope='row'" if j == 0 else "td"
            tds.append(f"<{tag}{attr}>{cell if raw else esc(cell)}</{tag.split()[0]}>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    return scroll_box("".join(out), len(header), caption or (header[0] if header else "表格 table"))


def frame_table(df: pd.DataFrame, caption: str | None = None) -> str:
    """A DataFrame as an escaped HTML table (NaN shown as '—')."""
    rows = [
        ["—" if (not isinstance(v, list) and pd.isna(v)) else v for v in r]
        for r in df.itertuples(index=False)
    ]
    return table([str(c) for c in df.columns], rows, caption=caption)


def _citations(ds: Dataset) -> dict:
    """claim id -> (source, locator, also), built once per dataset (a page cites thousands)."""
    got = ds.cache.get("citations")
    if got is None:
        c = ds.claims
        got = dict(zip(c["claim_id"], zip(c["source"], c["locator"], c["also"], strict=True), strict=True))
        ds.cache["citations"] = got
    return got


def _second_coded(ds: Dataset) -> dict:
    """(source, locator) -> the latest date a second coder confirmed a claim cited there."""
    got = ds.cache.get("second_coded")
    if got is None:
        c = ds.claims[ds.claims["second_coded"].notna()]
        got = {}
        for s, loc, d in zip(c["source"], c["locator"], c["second_coded"], strict=True):
            key = (s, "" if loc is None or pd.isna(loc) else str(loc))
            got[key] = max(got.get(key, d), d)
        ds.cache["second_coded"] = got
    return got


class Footnotes:
    """One numbering of sources for a whole page: `ref` gives a linked [n], `html` the list.

    A note is one source at one locator (which related article, section or table), so a page that
    cites two excerpts of one seed page shows two notes naming each excerpt. A note for a claim a
    second coder confirmed (its `second_coded:` date; the claim's own source and locator) says
    "二次编码核对 second-coded DATE". Each [n] links to its
    note and the note links back to the first place citing it. Create one per notebook, pass it to
    every section, then show `html()` once at the end.
    """

    def __init__(self, ds: Dataset):
        self.ds = ds
        self.src = ds.sources.set_index("id")
        self.order: list[tuple[str, str]] = []
        self.uses: dict[int, int] = {}
        self._number: dict[tuple[str, str], int] = {}  # note -> its n (order.index was a scan)
        self._cited = _citations(ds)

    def ref(self, source_id: str | None, locator: str | None = None) -> str:
        """A linked '[n]' marker for a source at a locator (adds the note to the list)."""
        if not source_id or (not isinstance(source_id, str) and pd.isna(source_id)):
            return ""
        if source_id not in self.src.index:
            return ""
        key = (source_id, "" if locator is None or pd.isna(locator) else str(locator))
        if key not in self._number:
            self.order.append(key)
            self._number[key] = len(self.order)
        n = self._number[key]
        self.uses[n] = self.uses.get(n, 0) + 1
        # short markup: a comparison page carries over a thousand of these
        return f"<sup><a href='#fn{n}' id='fr{n}-{self.uses[n]}'>[{n}]</a></sup>"

    def ref_claim(self, claim_id: str) -> str:
        """Footnote markers for every source behind a claim id (its source and `also` sources)."""
        return self.cite([claim_id])

    def cite(self, claim_ids) -> str:
        """Footnote markers for the sources behind several claims, each note once, in order."""
        keys: dict[tuple[str, str], None] = {}
        for claim_id in claim_ids:
            if claim_id not in self._cited:
                continue
            source, locator, also = self._cited[claim_id]
            keys[(source, locator)] = None
            for c in also or []:
                keys[(c["source"], c.get("locator", locator))] = None
        return "".join(self.ref(s, loc) for s, loc in keys)

    def html(self) -> str:
        """The numbered notes: title, publisher, kind, published, checked, locator, URL or none."""
        if not self.order:
            return ""
        items = []
        for n, (sid, loc) in enumerate(self.order, start=1):
            s = self.src.loc[sid]
            url = safe_url(s["url"])
            kind = self.ds.labels.get(s["kind"], {}).get("zh", s["kind"])
            checked = s.get("checked")
            parts = [
                f"<cite>{esc(s['title'])}</cite>",
                esc(s["publisher"]),
                esc(kind),  # why this kind: the data-quality report lists each source's basis
                f"发布 published {esc(published_text(s))}",
            ]
            if checked is not None and not pd.isna(checked):
                parts.append(f"核对 checked {pd.Timestamp(checked):%Y-%m-%d}")
            if loc:
                parts.append(f"位置 locator: {esc(loc)}")
            coded = _second_coded(self.ds).get((sid, loc))
            if coded is not None:
                parts.append(f"二次编码核对 second-coded {pd.Timestamp(coded):%Y-%m-%d}")
            if url:
                parts.append(f"<a class='yb-url' href='{esc(url)}'>{esc(url)}</a>")
            elif isinstance(s["url"], str) and s["url"].strip():  # a URL we will not link (javascript: …)
                parts.append(f"无公开链接 no public URL (链接未显示 link not shown: {esc(s['url'])})")
            else:
                parts.append("无公开链接 no public URL")
            back = f" <a class='yb-back' href='#fr{n}-1' aria-label='返回引用 back to text'>↩</a>"
            items.append(f"<li id='fn{n}'>" + " · ".join(parts) + back + "</li>")
        return "<h2>来源 Sources</h2><ol class='yb-notes'>" + "".join(items) + "</ol>"
