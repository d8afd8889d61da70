"""reports/index.html, the front page: purpose, key findings, the Shandong tile grid, reliability,
glossary, the reports grouped by purpose, and downloads (every CSV and one Excel workbook).

Self-contained (one stylesheet inlined, no script); every data and catalogue text is escaped.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import zipfile
from pathlib import Path

from ..config import TEMPLATES_DIR
from .atomic import write_atomic

#: The notebook of the "what changed" reports, linked from the data line.
CHANGES_NOTEBOOK = "07-what-changed.ipynb"
#: The notebook of the question-first pages, listed under "常见问题 Questions".
QUESTION_NOTEBOOK = "08-question.ipynb"


def questions(reports_dir: Path, entries) -> str:
    """The "常见问题 Questions" section: each question page of the catalogue, then "what changed".

    An entry links to its answer (``html/<name>.html#answer-<question>``) or, for the what-changed
    reports, to their digest (``#digest``); a page not rendered yet is named without a link. Empty
    when the catalogue has no question pages. Rendered from ``questions.html.j2`` (autoescaped).
    """
    from ..report.answer_page import environment

    items = []
    for x in entries:
        nb = Path(str(x.notebook)).name
        if nb not in (QUESTION_NOTEBOOK, CHANGES_NOTEBOOK):
            continue
        exists = (reports_dir / "html" / f"{x.name}.html").exists()
        anchor = "digest" if nb == CHANGES_NOTEBOOK else f"answer-{(x.parameters or {}).get('question', '')}"
        title = x.title if nb == QUESTION_NOTEBOOK else f"最近有什么变化? What changed recently? — {x.title}"
        items.append({"title": title, "href": f"html/{x.name}.html#{anchor}" if exists else None,
                      "changes": nb == CHANGES_NOTEBOOK})  # fmt: skip
    if not any(not q["changes"] for q in items):
        return ""
    items.sort(key=lambda q: q["changes"])  # the questions first, what changed last
    return environment().get_template("questions.html.j2").render(questions=items)


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


WORKBOOK = "yibao-tables.xlsx"
#: Above this many tables no workbook is written: at national scale (thousands of sheets) writing
#: it took minutes on every render that changed a table; each table stays a CSV download.
WORKBOOK_MAX_SHEETS = 1000
#: Reports grouped by what a reader wants, by the notebook that makes them.
GROUPS = (
    ("01-", "城市对比 Compare places"),
    ("02-", "城市档案 One place in full"),
    ("03-", "情景计算 What happens if …"),
    ("04-", "情景计算 What happens if …"),
    ("05-", "情景计算 What happens if …"),
    ("06-", "数据质量 How the data stands"),
    ("07-", "数据的变化 What changed"),
    ("08-", "常见问题 Questions answered"),
)
PURPOSE = (
    "本站比较中国各城市城乡居民和职工基本医疗保险的三类规则:家庭共济绑定、缴费标准、断缴补缴与等待期。"
    "每个数值都注明来源、来源类型和日期;继承省级或全国规定的数值会标出;来源之间说法不一时全部列出;"
    "没有来源的就显示为未知,从不估算。 These reports compare cities' basic medical insurance rules — "
    "family-account binding, contributions and lapse rules. Every value names its source, the source's "
    "kind and date; inherited values are marked, disagreements shown, and what no source states is unknown."
)


def css() -> str:
    """The one stylesheet shared by the reports and this page."""
    return (TEMPLATES_DIR / "offline" / "static" / "yibao.css").read_text(encoding="utf-8")


def _group(entry) -> str:
    name = Path(entry.notebook).name
    return next((g for prefix, g in GROUPS if name.startswith(prefix)), "其他 Other")


def _report_list(reports_dir: Path, entries, states: dict, results: dict) -> str:
    e = html.escape
    groups: dict[str, list[str]] = {}
    for entry in entries:
        st, res = states.get(entry.name, {}), results.get(entry.name, {})
        status = res.get("status") or st.get("status") or "not rendered"
        exists = (reports_dir / "html" / f"{entry.name}.html").exists()
        title = e(entry.title)
        link = f"<a href='html/{e(entry.name)}.html'>{title}</a>" if exists else title
        note = ""
        if status == "failed":
            note = " — 上次生成失败 failed: " + e(res.get("detail") or st.get("detail") or "")
            if exists:
                note += " — 显示上一次成功的版本 showing the previous rendering"
        elif not exists:
            note = " — 尚未生成 not rendered"
        date = e(str(st.get("date") or "—"))
        groups.setdefault(_group(entry), []).append(
            f"<li class='{e(status)}'>{link} <small>({date})</small>{note}</li>"
        )
    return "".join(
        f"<h3>{e(g)}</h3><ul class='yb-reports'>{''.join(items)}</ul>" for g, items in groups.items()
    )


#: CSV columns that hold codes and ids: kept as text in the workbook (a city code is no number).
TEXT_COLUMNS = frozenset(
    {"city", "from", "place", "code", "jurisdiction", "claim", "claims", "source", "id", "parameter",
     "conditions", "period", "locator", "url", "household", "name"}
)  # fmt: skip
_NUMBER = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")
#: Document properties and zip entry times of the workbook: fixed, so two renders give the same bytes.
FIXED_TIME = "2000-01-01T00:00:00Z"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def cell_value(column: str, text: str):
    """A CSV cell as the workbook stores it: numbers as numbers, True/False as booleans, codes as text."""
    if column in TEXT_COLUMNS or not text:
        return text
    if text in ("True", "False"):
        return text == "True"
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    return text


def sheet_names(csv_names: list[str]) -> list[str]:
    """Excel sheet names (at most 31 characters, unique) that keep the start of each CSV name.

    A long name keeps its first 20 characters and its last 10 (``05-contributions-sh~s-employee``);
    a name already taken gets ``~2``, ``~3`` … in place of its last characters.
    """
    out: list[str] = []
    for name in csv_names:
        base = _SHEET_BAD.sub("_", name.removesuffix(".csv")) or "sheet"
        title = base if len(base) <= 31 else base[:20] + "~" + base[-10:]
        n = 1
        while title.lower() in {t.lower() for t in out}:
            n += 1
            tag = f"~{n}"
            title = (base if len(base) <= 31 - len(tag) else base[: 31 - len(tag)]) + tag
        out.append(title)
    return out


def _reproducible(data: bytes) -> bytes:
    """The same xlsx with fixed zip entry times and fixed created/modified document properties."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(
                        rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{FIXED_TIME}\g<2>", text
                    )
                body = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body)
    return buf.getvalue()


def write_workbook(reports_dir: Path, csv_names: list[str]) -> str | None:
    """One Excel workbook with a sheet per CSV; its name (None without tables).

    Numbers are stored as numbers and True/False as booleans (codes and ids stay text, see
    `TEXT_COLUMNS`); text is never a formula. Sheet names keep the start of the CSV name
    (`sheet_names`). The bytes depend only on the tables: document properties and zip times are
    fixed (`FIXED_TIME`).
    """
    if not csv_names:
        return None
    digest = hashlib.sha256()
    for name in csv_names:
        digest.update(name.encode() + (reports_dir / "html" / name).read_bytes())
    stamp = reports_dir / ".cache" / "workbook.sha256"
    if (reports_dir / WORKBOOK).exists() and stamp.exists() and stamp.read_text() == digest.hexdigest():
        return WORKBOOK  # same tables as last time (writing a workbook takes seconds)
    import pandas as pd  # only when the tables changed: a no-op render imports neither
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    wb.properties.creator = "yibao-compare"
    for name, title in zip(csv_names, sheet_names(csv_names), strict=True):
        df = pd.read_csv(reports_dir / "html" / name, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        ws = wb.create_sheet(title)

        def text(v, ws=ws):
            cell = WriteOnlyCell(ws, value=v)
            if isinstance(v, str) and v.startswith("="):
                cell.data_type = "s"  # CSV cells are already quoted with '; never a formula
            return cell

        cols = [str(c) for c in df.columns]
        ws.append([text(c) for c in cols])
        for row in df.itertuples(index=False):
            ws.append(
                [text(v) if v.startswith("=") else cell_value(c, v) for c, v in zip(cols, row, strict=True)]
            )
    buf = io.BytesIO()
    wb.save(buf)
    write_atomic(reports_dir / WORKBOOK, _reproducible(buf.getvalue()))
    write_atomic(stamp, digest.hexdigest())
    return WORKBOOK


def _downloads(reports_dir: Path, entries, states: dict) -> str:
    e = html.escape
    items, names = [], []
    for entry in entries:
        csvs = [c for c in states.get(entry.name, {}).get("csv", []) if (reports_dir / "html" / c).exists()]
        names += csvs
        if csvs:
            links = " ".join(
                f"<a href='html/{e(c)}' download>{e(c.removeprefix(entry.name + '-'))}</a>" for c in csvs
            )
            items.append(f"<li>{e(entry.title)}: {links}</li>")
    if len(names) > WORKBOOK_MAX_SHEETS:
        book = None
        for old in (reports_dir / WORKBOOK, reports_dir / ".cache" / "workbook.sha256"):
            old.unlink(missing_ok=True)  # a workbook of an earlier, smaller catalogue would be stale
        head = (
            f"<p>{len(names)} 张表,超过一个 Excel 工作簿的上限 {WORKBOOK_MAX_SHEETS} — "
            f"{len(names)} tables, more than one workbook holds ({WORKBOOK_MAX_SHEETS}); "
            "每张表都有 CSV(UTF-8) every table is a CSV:</p>"
        )
    else:
        book = write_workbook(reports_dir, names)
        head = (
            f"<p><a href='{e(book)}' download>全部表格 Excel 工作簿 all tables as one Excel workbook</a> "
            f"({len(names)} 张表 sheets)。每张表也有 CSV(UTF-8):</p>"
            if book
            else "<p>尚无表格 no tables yet.</p>"
        )
    return (
        "<section aria-labelledby='yb-dl-h'><h2 id='yb-dl-h'>下载 Downloads</h2>"
        f"{head}<ul class='yb-dl'>{''.join(items)}</ul></section>"
    )


def _data_sections(ds) -> tuple[str, str]:
    """(findings, reliability and tile grid; glossary) computed from the data."""
    from ..report import frontpage

    top = frontpage.key_findings(ds) + frontpage.reliability(ds) + frontpage.tile_grid(ds)
    return top, frontpage.glossary(ds)


def _cached_sections(reports_dir: Path, ds, key: str | None) -> tuple[str, str]:
    """The data sections, reused while data and code are unchanged (a no-op render stays fast)."""
    if ds is None:
        return "", ""
    path = reports_dir / ".cache" / "frontpage.json"
    if key:
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
            if old.get("key") == key:
                return old["top"], old["glossary"]
        except (OSError, ValueError, KeyError):
            pass
    top, gloss = _data_sections(ds() if callable(ds) else ds)
    if key:
        write_atomic(path, json.dumps({"key": key, "top": top, "glossary": gloss}, ensure_ascii=False))
    return top, gloss


def write_index(
    reports_dir: Path,
    entries,
    states: dict[str, dict],
    results: dict[str, dict],
    data: dict | None = None,
    ds=None,
    key: str | None = None,
) -> None:
    """Write the front page atomically; a report that failed links to its previous HTML if any.

    `data` ({'version', 'last_change': {'date', 'commit'} or None}) adds the line on the data
    edition. `ds` (a Dataset, or a function returning one: called only when needed) gives the
    findings, tile grid and glossary; `key` (data version and code fingerprint) lets an unchanged
    render reuse them without loading the data.
    """
    top, gloss = _cached_sections(reports_dir, ds, key)
    page = (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>医保规则对比报告 · yibao-compare reports</title><style>{css()}</style></head><body>"
        "<header class='yb-header'><h1>医保规则城市对比 · yibao-compare</h1></header><main>"
        f"<p class='yb-purpose'>{html.escape(PURPOSE)}</p>"
        + data_line(reports_dir, entries, data)
        + questions(reports_dir, entries)
        + top
        + "<section aria-labelledby='yb-rep-h'><h2 id='yb-rep-h'>报告 Reports</h2>"
        + _report_list(reports_dir, entries, states, results)
        + "</section>"
        + _downloads(reports_dir, entries, states)
        + gloss
        + "</main></body></html>\n"
    )
    write_atomic(reports_dir / "index.html", page)
