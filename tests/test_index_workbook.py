"""The front page's Excel workbook: written for a catalogue's tables, left out above the limit."""

from __future__ import annotations

from types import SimpleNamespace

from helpers.build import index


def _site(tmp_path, n: int):
    (tmp_path / "html").mkdir()
    (tmp_path / ".cache").mkdir()
    states = {}
    for i in range(n):
        (tmp_path / "html" / f"r{i}-t.csv").write_text("a,b\n=1,x\n", encoding="utf-8")
        states[f"r{i}"] = {"csv": [f"r{i}-t.csv"]}
    entries = [SimpleNamespace(name=f"r{i}", title=f"R{i}") for i in range(n)]
    return entries, states


def test_the_workbook_holds_every_table_below_the_limit(tmp_path):
    entries, states = _site(tmp_path, 3)
    html = index._downloads(tmp_path, entries, states)
    assert (tmp_path / index.WORKBOOK).exists() and "(3 张表 sheets)" in html


def test_above_the_limit_no_workbook_and_a_stale_one_is_removed(tmp_path, monkeypatch):
    entries, states = _site(tmp_path, 3)
    index._downloads(tmp_path, entries, states)
    monkeypatch.setattr(index, "WORKBOOK_MAX_SHEETS", 2)
    html = index._downloads(tmp_path, entries, states)
    assert not (tmp_path / index.WORKBOOK).exists()
    assert "3 tables, more than one workbook holds (2)" in html
    assert html.count("download>") == 3  # every table is still a CSV link
