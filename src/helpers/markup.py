"""HTML for reports: escaped tables, source footnotes and legends (all text is escaped)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import pandas as pd

from .data import Dataset
from .tables import published_text

STATUS_ZH = {
    "own": "本地",
    "inherited-province": "继承省级",
    "inherited-national": "继承全国",
    "unknown": "未知",
}
KIND_ZH = {
    "official": "官方",
    "official-reprint": "官方转载",
    "media": "媒体",
    "calculator": "计算器数据",
    "aggregator": "聚合问答",
    "ai-generated": "疑似AI生成(线索)",
}
LEGEND = (
    "<p class='yb-legend'>标记 marks: <b>↑省</b> 继承省级 inherited from the province · <b>↑国</b> "
    "继承全国 inherited from national · <b>⚠</b> 来源冲突 sources disagree (all values shown) · "
    "<b>旧</b> 来源较旧 source older than the staleness threshold · <b>—</b> 未知 no source states it. "
    "[n] = 来源脚注 source footnote.</p>"
)


def esc(value) -> str:
    """Escape any value for HTML text (None → '')."""
    return "" if value is None else html.escape(str(value), quote=True)


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
    """Numbers sources in the order a report cites them, and renders the list."""

    def __init__(self, ds: Dataset):
        self.ds = ds
        self.src = ds.sources.set_index("id")
        self.order: list[str] = []
        self.claims = ds.claims.set_index("claim_id")

    def ref(self, source_id: str | None) -> str:
        """A '[n]' marker for a source (adds it to the list)."""
        if not source_id or (not isinstance(source_id, str) and pd.isna(source_id)):
            return ""
        if source_id not in self.order:
            self.order.append(source_id)
        return f"<sup>[{self.order.index(source_id) + 1}]</sup>"

    def ref_claim(self, claim_id: str) -> str:
        """A footnote marker for the source behind a claim id."""
        return self.ref(self.claims.at[claim_id, "source"]) if claim_id in self.claims.index else ""

    def html(self) -> str:
        """The numbered source list: title, publisher, kind, date, link when http(s)."""
        if not self.order:
            return ""
        items = []
        for sid in self.order:
            s = self.src.loc[sid]
            url = safe_url(s["url"])
            title = esc(s["title"])
            title = f"<a href='{esc(url)}'>{title}</a>" if url else title
            shown_url = "" if url or pd.isna(s["url"]) else f" (链接未显示 link not shown: {esc(s['url'])})"
            items.append(
                f"<li>{title} — {esc(s['publisher'])}; {esc(KIND_ZH[s['kind']])} "
                f"<code>{esc(s['kind'])}</code>; 发布 published {esc(published_text(s))}; "
                f"<code>{esc(sid)}</code>{shown_url}</li>"
            )
        return "<ol class='yb-notes'>" + "".join(items) + "</ol>"
