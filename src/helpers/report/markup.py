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
        "own source. [n] = 来源脚注 source footnote; (n 源) = 独立来源数 independent sources.</p>"
    )


def safe_url(url) -> str | None:
    """The URL when it is http(s), else None (javascript:, data: and the like are never linked)."""
    if isinstance(url, str) and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    cell_classes=None,
    raw: bool = False,
    caption: str | None = None,
) -> str:
    """An HTML table; cells are escaped unless raw=True (then the caller escaped them)."""
    cls = cell_classes or []
    out = ["<table class='yb'>"]
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr></thead><tbody>")
    for i, row in enumerate(rows):
        tds = []
        for j, cell in enumerate(row):
            c = cls[i][j] if i < len(cls) and j < len(cls[i]) and cls[i][j] else ""
            attr = f" class='{esc(c)}'" if c else ""
            tds.append(f"<td{attr}>{cell if raw else esc(cell)}</td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def frame_table(df: pd.DataFrame, caption: str | None = None) -> str:
    """A DataFrame as an escaped HTML table (NaN shown as '—')."""
    rows = [
        ["—" if (not isinstance(v, list) and pd.isna(v)) else v for v in r]
        for r in df.itertuples(index=False)
    ]
    return table([str(c) for c in df.columns], rows, caption=caption)


class Footnotes:
    """One numbering of sources for a whole page: `ref` gives a linked [n], `html` the list.

    Create one per notebook and pass it to every section, then show `html()` once at the end.
    """

    def __init__(self, ds: Dataset):
        self.ds = ds
        self.src = ds.sources.set_index("id")
        self.order: list[str] = []
        self.claims = ds.claims.set_index("claim_id")

    def ref(self, source_id: str | None) -> str:
        """A linked '[n]' marker for a source (adds it to the list)."""
        if not source_id or (not isinstance(source_id, str) and pd.isna(source_id)):
            return ""
        if source_id not in self.src.index:
            return ""
        if source_id not in self.order:
            self.order.append(source_id)
        n = self.order.index(source_id) + 1
        return f"<sup class='yb-ref'><a href='#yb-note-{n}' id='yb-ref-{n}-{len(self.order)}'>[{n}]</a></sup>"

    def ref_claim(self, claim_id: str) -> str:
        """Footnote markers for every source behind a claim id (its source and `also` sources)."""
        if claim_id not in self.claims.index:
            return ""
        row = self.claims.loc[claim_id]
        sids = [row["source"]] + [c["source"] for c in (row["also"] or [])]
        return "".join(dict.fromkeys(self.ref(s) for s in sids))

    def html(self) -> str:
        """The numbered source list: title, publisher, kind, date, link when http(s)."""
        if not self.order:
            return ""
        items = []
        for n, sid in enumerate(self.order, start=1):
            s = self.src.loc[sid]
            url = safe_url(s["url"])
            title = esc(s["title"])
            title = f"<a href='{esc(url)}'>{title}</a>" if url else title
            shown_url = "" if url or pd.isna(s["url"]) else f" (链接未显示 link not shown: {esc(s['url'])})"
            kind = self.ds.labels.get(s["kind"], {}).get("zh", s["kind"])
            checked = "—" if pd.isna(s["checked"]) else f"{s['checked']:%Y-%m-%d}"
            items.append(
                f"<li id='yb-note-{n}'>{title} — {esc(s['publisher'])}; {esc(kind)} "
                f"<code>{esc(s['kind'])}</code> ({esc(s['kind_basis'])}); 发布 published "
                f"{esc(published_text(s))}; 核对 checked {esc(checked)}; "
                f"<code>{esc(sid)}</code>{shown_url}</li>"
            )
        return "<h3>来源 Sources</h3><ol class='yb-notes'>" + "".join(items) + "</ol>"
