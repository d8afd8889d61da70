"""HTML for reports: tables, source footnotes and legends, made by the templates in
`report/templates/` (`templating`): text is escaped there; only template output passes as markup."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pandas as pd

from ..data import Dataset
from . import marks as vocab
from .tables import published_text
from .templating import Markup, escape, macro, render


def esc(value) -> str:
    """Escape any value for HTML text (None → ''), as the templates do."""
    return "" if value is None else str(escape(value))


def legend(labels, stale_after_years: float = 2) -> str:
    """The legend of every mark (`report.marks`: the symbols of data.vocab.MARKS, labels from
    data/parameters.yaml); the stale entry prints the threshold in years.

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
    for x in vocab.mark_terms(labels, stale_after_years):
        if x["key"] in vocab.EXTRA:
            continue  # explained in the sentence after the list
        text = x["en"] if x["zh"] == vocab.LOOKS[x["key"]].symbol else f"{x['zh']} {x['en']}"
        if x["key"] == "stale":
            text += f" (阈值 threshold: {stale_after_years:g} 年 years)"
        items.append({"key": x["key"], "term": vocab.LOOKS[x["key"]].symbol, "text": text})
    return str(macro("bits.html.j2", "legend")(items, vocab.SUPPORT_TEXT))


def safe_url(url) -> str | None:
    """The URL when it is http(s), else None (javascript:, data: and the like are never linked)."""
    if isinstance(url, str) and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def scroll_box(inner: str, columns: int, label: str = "表格 table") -> str:
    """A wide table in its own scrolling box (keyboard-focusable; a cue shows on narrow screens).

    `inner` is HTML a template made (kept as it is); the label is escaped.
    """
    wide = " yb-wide" if columns > 3 else ""
    return str(
        Markup("<div class='yb-scroll{}' role='region' aria-label='{}' tabindex='0'>{}</div>").format(
            Markup(wide), label, Markup(inner)
        )
    )


def _cell(value, cls: str = "") -> dict:
    if isinstance(value, dict):
        return {
            "html": value.get("html", ""),
            "cls": value.get("cls", ""),
            "id": value.get("id", ""),
            "colspan": value.get("colspan", 0),
        }
    return {"html": value, "cls": cls, "id": "", "colspan": 0}


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    cell_classes=None,
    raw: bool = False,
    caption: str | None = None,
) -> str:
    """An HTML table in a scroll box, made by `templates/table.html.j2`.

    A cell is text (escaped by the template), `Markup` (a template's output, kept), or a dict
    ``{html, cls, id, colspan}``. `raw=True` is kept for old callers: their cells are taken as
    markup they escaped themselves. A row given as `Markup` is used as is (a ready-made `<tr>`).
    `caption` (escaped) names what the table shows — place and year — also on paper.
    """
    cls = cell_classes or []
    out_rows = []
    for i, row in enumerate(rows):
        if isinstance(row, str):
            out_rows.append(Markup(row) if raw else row)
            continue
        out_rows.append(
            [
                _cell(
                    Markup(c) if raw and isinstance(c, str) else c,
                    cls[i][j] if i < len(cls) and j < len(cls[i]) and cls[i][j] else "",
                )
                for j, c in enumerate(row)
            ]
        )
    label = caption or (header[0] if header else "表格 table")
    return str(
        render(
            "table.html.j2",
            header=list(header),
            rows=out_rows,
            caption=caption or "",
            wide=len(header) > 3,
            label=label,
        )
    )


def frame_table(df: pd.DataFrame, caption: str | None = None) -> str:
    """A DataFrame as an escaped HTML table (NaN shown as '—', a list as its items 'a、b')."""
    rows = [
        ["、".join(map(str, v)) if isinstance(v, list | tuple) else ("—" if pd.isna(v) else v) for v in r]
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
        self._anchors: dict[str, int] = {}

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
        # each use links to its own back-link in the note, which links back here
        return str(_REF(n, self.uses[n]))

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
        """The numbered notes: title, publisher, kind, published, checked, locator, URL or none.

        Each use of a note has its own back-link (`#fr<n>-<use>`); a [n] links to the back-link
        of its use, so ↩ returns to the very cell that cited the note (only that ↩ shows, by CSS
        `:target`; with none targeted, the first)."""
        if not self.order:
            return ""
        items = []
        for n, (sid, loc) in enumerate(self.order, start=1):
            s = self.src.loc[sid]
            url = safe_url(s["url"])
            kind = self.ds.labels.get(s["kind"], {}).get("zh", s["kind"])
            checked = s.get("checked")
            parts: list = [
                _CITE_TITLE(s["title"]),
                s["publisher"],
                kind,  # why this kind: the data-quality report lists each source's basis
                f"发布 published {published_text(s)}",
            ]
            if checked is not None and not pd.isna(checked):
                parts.append(f"核对 checked {pd.Timestamp(checked):%Y-%m-%d}")
            if loc:
                parts.append(f"位置 locator: {loc}")
            coded = _second_coded(self.ds).get((sid, loc))
            if coded is not None:
                parts.append(f"二次编码核对 second-coded {pd.Timestamp(coded):%Y-%m-%d}")
            if url:
                parts.append(_LINK(url, "yb-url", short_url(url)))
            elif isinstance(s["url"], str) and s["url"].strip():  # a URL we will not link (javascript: …)
                parts.append(f"无公开链接 no public URL (链接未显示 link not shown: {s['url']})")
            else:
                parts.append("无公开链接 no public URL")
            items.append({"n": n, "parts": parts, "uses": max(1, self.uses.get(n, 0))})
        return str(macro("bits.html.j2", "notes")(items))

    # ------------------------------------------------------------------ cite this value
    def anchor(self, place: str, parameter: str, conditions: str, year) -> str:
        """The stable id of a value cell: ``v-<place>-<parameter>-<conditions>-<year>``, ASCII.

        Made from the place's English name, the parameter id, the condition key and the year
        (``latest`` when none), so two renders give the same id; a second cell with the same
        key on one page gets ``-2``.
        """
        parts = [
            self._place_slug(place),
            parameter,
            conditions,
            "latest" if _no_year(year) else str(int(year)),
        ]
        base = "v-" + "-".join(p for p in (slug(x) for x in parts) if p)
        n = self._anchors.get(base, 0) + 1
        self._anchors[base] = n
        return base if n == 1 else f"{base}-{n}"

    def _place_slug(self, code: str) -> str:
        names = self.ds.cache.get("place_slugs")
        if names is None:
            j = self.ds.jurisdictions
            names = dict(zip(j["code"], j["name_en"], strict=True))
            self.ds.cache["place_slugs"] = names
        return str(names.get(code) or code)

    def source_text(self, source_id) -> str:
        """'《title》, publisher, 发布 published 2025-03-01' for a citation ('' for no source)."""
        if not isinstance(source_id, str) or source_id not in self.src.index:
            return ""
        s = self.src.loc[source_id]
        return f"《{s['title']}》,{s['publisher']},{published_text(s)}"

    def citation(self, anchor: str, text: str) -> str:
        """A copyable citation (`<details>`, no script): `text`, then this page's address + anchor."""
        return str(_CITE(text, anchor))


def short_url(url: str, keep: int = 48) -> str:
    """An address as a note shows it: without the scheme, cut to `keep` characters with '…' (the
    link keeps the whole address; print shows it whole)."""
    text = re.sub(r"^https?://", "", url)
    return text if len(text) <= keep else text[: keep - 1] + "…"


def slug(text) -> str:
    """ASCII-safe piece of an anchor: lower case, runs of other characters as one '-'."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def _no_year(year) -> bool:
    return year is None or (not isinstance(year, str) and pd.isna(year)) or year == 0


#: Where a citation names its page: the renderer puts the page's address here
#: (`helpers.build.publish`); data text, always escaped, can never contain it.
PAGE_MARK = "<!--page-->"

_REF = macro("bits.html.j2", "ref")
_CITE = macro("bits.html.j2", "cite")
_CITE_TITLE = macro("bits.html.j2", "cite_title")
_LINK = macro("bits.html.j2", "link")
