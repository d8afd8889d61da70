"""The Excel workbook of all report tables: typed cells, names that keep their start, same bytes twice."""

from __future__ import annotations

import subprocess
import time
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from helpers.build.index import WORKBOOK, sheet_names, write_workbook
from helpers.report.content import csv_text

ROOT = Path(__file__).resolve().parents[1]
LONG = [
    "01-compare-jinan-taian-contribution.csv",
    "01-compare-jinan-taian-binding.csv",
    "01-compare-shandong-all-cities-contribution.csv",
    "01-compare-shandong-all-cities-lapse-and-binding.csv",
    "01-compare-shandong-all-cities-xx-contribution.csv",
]


def _reports(tmp_path: Path) -> tuple[Path, list[str]]:
    html = tmp_path / "html"
    html.mkdir()
    table = pd.DataFrame(
        {
            "city": ["370900", "370100"],
            "value": [390, 0.08],
            "unit": ["yuan per person per year", "share of payroll"],
            "value_text": ["390 元", "8 %"],
            "relations": [["spouse", "child"], ["parent"]],
            "conflict": [True, False],
            "note": ['=HYPERLINK("x")', "-5 元"],
        }
    )
    names = []
    for name in LONG:
        (html / name).write_text(csv_text(table), encoding="utf-8")
        names.append(name)
    return tmp_path, names


def test_two_renders_of_the_same_tables_give_the_same_bytes(tmp_path):
    reports, names = _reports(tmp_path)
    assert write_workbook(reports, names) == WORKBOOK
    first = (reports / WORKBOOK).read_bytes()
    (reports / ".cache" / "workbook.sha256").unlink()  # force a second write, a second later
    time.sleep(1.1)
    write_workbook(reports, names)
    assert (reports / WORKBOOK).read_bytes() == first
    with zipfile.ZipFile(reports / WORKBOOK) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert (
        ">2000-01-01T00:00:00Z</dcterms:created>" in core
        and ">2000-01-01T00:00:00Z</dcterms:modified>" in core
    )


def test_cells_are_typed_codes_stay_text_and_no_text_is_a_formula(tmp_path):
    reports, names = _reports(tmp_path)
    write_workbook(reports, names)
    ws = load_workbook(reports / WORKBOOK)[sheet_names(names)[0]]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["city", "value", "unit", "value_text", "relations", "conflict", "note"]
    assert rows[1] == [
        "370900",
        390,
        "yuan per person per year",
        "390 元",
        "spouse, child",
        True,
        '\'=HYPERLINK("x")',
    ]
    assert rows[2][:2] == ["370100", 0.08] and rows[2][5] is False and rows[2][6] == "'-5 元"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_sheet_names_keep_their_start_stay_unique_and_fit_excel():
    got = sheet_names(LONG)
    assert len(set(n.lower() for n in got)) == len(got) and all(len(n) <= 31 for n in got)
    assert got[0].startswith("01-compare-jinan-tai") and got[1] == "01-compare-jinan-taian-binding"
    assert all(n.startswith(src[:16]) for n, src in zip(got, LONG, strict=True))
    assert sheet_names(["a:b*c.csv", "a_b_c.csv"]) == ["a_b_c", "a_b_c~2"]


def test_the_workbook_is_a_build_output_git_ignores():
    tracked = subprocess.run(["git", "ls-files", "reports"], cwd=ROOT, capture_output=True, text=True).stdout
    assert WORKBOOK not in tracked
    ignored = subprocess.run(["git", "check-ignore", f"reports/{WORKBOOK}"], cwd=ROOT, capture_output=True)
    assert ignored.returncode == 0
