"""reports/index.html: every report with title, status and date (self-contained, escaped)."""

from __future__ import annotations

import html
from pathlib import Path

from .atomic import write_atomic

#: The notebook of the "what changed" reports, linked from the data line.
CHANGES_NOTEBOOK = "07-what-changed.ipynb"

CSS = """body{font-family:system-ui,"Noto Sans CJK SC","Noto Sans SC",sans-serif;max-width:1100px;
margin:24px auto;padding:0 16px;color:#222}h1{font-size:1.6em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #c8d3dc;padding:6px 8px;
text-align:left;vertical-align:top}thead th{background:#1f5f8b;color:#fff}
.failed{background:#fde2e2}.cached{color:#555}code{font-size:.85em}"""


def data_line(reports_dir: Path, entries, data: dict | None) -> str:
    """The data version, the date of the last change to data/ and links to the "what changed" reports."""
    if not data:
        return ""
    e = html.escape
    last = data.get("last_change")
    when = (
        f"{e(last['date'])} (commit <code>{e(last['commit'])}</code>"
        + ("; 另有未提交的修改 plus uncommitted changes)" if last.get("uncommitted") else ")")
        if last
        else "未知 unknown (not a git checkout)"
    )
    links = [
        f"<a href='html/{e(x.name)}.html'>{e(x.title)}</a>"
        for x in entries
        if Path(str(x.notebook)).name == CHANGES_NOTEBOOK
        and (reports_dir / "html" / f"{x.name}.html").exists()
    ]
    seen = f" · 变化 what changed: {' · '.join(links)}" if links else ""
    return (
        f"<p class='yb-data'>数据版本 data version <code>{e(str(data.get('version')))}</code> · "
        f"数据最后修改 last change to data/: {when}{seen}</p>"
    )


def write_index(
    reports_dir: Path, entries, states: dict[str, dict], results: dict[str, dict], data: dict | None = None
) -> None:
    """Write the index page atomically; a report that failed links to its previous HTML if any.

    `data` ({'version', 'last_change': {'date', 'commit'} or None}) adds the line on the data edition.
    """
    e = html.escape
    rows = []
    for entry in entries:
        st = states.get(entry.name, {})
        res = results.get(entry.name, {})
        status = res.get("status") or st.get("status") or "not rendered"
        exists = (reports_dir / "html" / f"{entry.name}.html").exists()
        title = e(entry.title)
        link = f"<a href='html/{e(entry.name)}.html'>{title}</a>" if exists else title
        detail = e(res.get("detail") or st.get("detail") or "")
        if status == "failed" and exists:
            detail += " — 显示上一次成功的版本 showing the previous rendering"
        rows.append(
            f"<tr class='{e(status)}'><td>{link}</td><td><code>{e(entry.name)}</code></td>"
            f"<td>{e(status)}</td><td>{e(str(st.get('date') or '—'))}</td><td>{detail}</td></tr>"
        )
    page = (
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>医保规则对比报告 · yibao-compare reports</title><style>{CSS}</style></head><body>"
        "<h1>医保规则对比报告 · yibao-compare reports</h1>"
        "<p>每份报告注明数据来源、来源类型和日期;未知即显示为未知。"
        "Every value in these reports names its source, the source's kind and date; "
        "what no source states is shown as unknown.</p>"
        + data_line(reports_dir, entries, data)
        + "<table><thead><tr><th>报告 report</th><th>name</th><th>状态 status</th><th>日期 date</th>"
        "<th>说明 detail</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></body></html>\n"
    )
    write_atomic(reports_dir / "index.html", page)
