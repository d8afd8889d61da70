"""Editions from git history and the change report, on a temporary repository with two commits."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import GOOD

from helpers.cli import main
from helpers.data import load
from helpers.data.editions import EditionError, checkout, edition, last_change
from helpers.report.changes import changes_section, compare_editions
from helpers.report.history import history
from helpers.report.history import period_values as value_history
from helpers.report.markup import Footnotes
from helpers.resolution.changes import COLUMNS, counts

TAIAN = "policies/370900-taian.yaml"
NEW_CLAIMS = """
  - id: taian-resident-premium-tier1-2026
    parameter: resident.premium
    value: 400
    period: {year: 2026}
    conditions: {tier: 1}
    source: agg-a
    locator: premiums 2026
  - id: taian-emp-rate-employer-employee-b
    parameter: employee.rate.employer
    value: 0.07
    conditions: {scheme: employee}
    source: med-old
    locator: rates, second table
  - id: taian-family-scope-lead
    parameter: family_account.scope
    value: province
    source: ai-lead
    locator: answer
"""
REMOVED = """  - id: taian-lapse-waiting-months-gap-min-4-flexible
    parameter: lapse.waiting_months
    value: 2
    conditions: {scheme: flexible, gap_min: 4}
    source: agg-b
    locator: flexible workers
"""


def _git(repo: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": date or "", "GIT_COMMITTER_DATE": date or ""}
    cmd = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout.strip()


def _edit(data: Path) -> None:
    p = data / TAIAN
    text = p.read_text(encoding="utf-8")
    assert REMOVED in text
    text = text.replace(REMOVED, "").replace("    value: 8\n", "    value: 10\n", 1)
    p.write_text(text.rstrip("\n") + "\n" + NEW_CLAIMS.lstrip("\n"), encoding="utf-8")


def _strip_ids(data: Path) -> None:
    for p in (data / "policies").glob("*.yaml"):
        text = re.sub(r"- id: [a-z0-9-]+\n\s+", "- ", p.read_text(encoding="utf-8"))
        p.write_text(text, encoding="utf-8")


def _repo(root: Path, ids_before: bool = True) -> Path:
    shutil.copytree(GOOD, root / "data")
    if not ids_before:
        _strip_ids(root / "data")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "data")
    _git(root, "commit", "-q", "-m", "first", date="2025-01-10T12:00:00+00:00")
    if not ids_before:
        shutil.rmtree(root / "data")
        shutil.copytree(GOOD, root / "data")
    _edit(root / "data")
    _git(root, "add", "data")
    _git(root, "commit", "-q", "-m", "second", date="2025-03-01T12:00:00+00:00")
    return root / "data"


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return _repo(tmp_path_factory.mktemp("editions"))


def _one(t, change: str, **where):
    rows = t[t["change"] == change]
    for k, v in where.items():
        rows = rows[rows[k] == v]
    assert len(rows) == 1, rows.to_string()
    return rows.iloc[0]


def test_each_change_reported_once(repo):
    r = compare_editions("HEAD~1", "HEAD", data_dir=repo)
    t = r.changes
    assert r.by_id and list(t.columns) == list(COLUMNS)
    assert counts(t) == {
        "added": 3,
        "changed": 1,
        "removed": 1,
        "superseded": 1,
        "conflict": 1,
        "unverified": 1,
    }
    ch = _one(t, "changed", claim="taian-family-max-relatives")
    assert (ch.old_value, ch.new_value, ch.old_source, ch.new_source) == (8, 10, "agg-a", "agg-a")
    assert ch.detail == "value"
    gone = _one(t, "removed", parameter="lapse.waiting_months")
    assert (gone.old_value, gone.new_value, gone.old_source) == (2, None, "agg-b")
    sup = _one(t, "superseded", claim="taian-resident-premium-tier1-2025")
    assert (sup.old_value, sup.new_value, sup.period) == (390, 400, "2025")
    assert sup.detail == "by taian-resident-premium-tier1-2026 (2026)"
    add = _one(t, "added", claim="taian-resident-premium-tier1-2026")
    assert (add.new_value, add.new_source, add.period, add.place_zh) == (400, "agg-a", "2026", "泰安市")
    con = _one(t, "conflict", parameter="employee.rate.employer")
    assert con.new_value == [0.08, 0.07] and con.new_source == "med-old"
    unv = _one(t, "unverified", parameter="family_account.scope")
    assert unv.new_value == ["province"] and unv.new_kind == "ai-generated"
    # an existing conflict (Tai'an's 8 vs 9 relatives, now 10 vs 9) is not reported as new
    assert not ((t["change"] == "conflict") & (t["parameter"] == "family_account.max_relatives")).any()


def test_working_tree_and_dates(repo):
    assert len(compare_editions("HEAD", data_dir=repo).changes) == 0  # working tree = HEAD
    by_date = compare_editions("2025-02-01", "2025-03-01", data_dir=repo)
    assert by_date.old.date == "2025-01-10" and by_date.new.date == "2025-03-01"
    assert counts(by_date.changes)["changed"] == 1
    before = compare_editions("2025-01-01", "HEAD", data_dir=repo)
    assert before.old.ds is None and "before the first commit" in before.old.label
    assert counts(before.changes)["added"] == len(load(repo).claims)
    assert last_change(repo) == {
        "date": "2025-03-01",
        "commit": _git(repo.parent, "log", "-1", "--format=%h"),
    }


def test_city_filter_keeps_inherited_places(repo):
    t = compare_editions("HEAD~1", "HEAD", "济南", data_dir=repo).changes
    assert t.empty  # every change is in Tai'an, which Jinan does not inherit from
    t = compare_editions("HEAD~1", "HEAD", "泰安", data_dir=repo).changes
    assert set(t["place"]) == {"370900"}


def test_older_revision_without_ids_is_matched_by_key(tmp_path):
    data = _repo(tmp_path, ids_before=False)
    old = edition("HEAD~1", data)
    assert not old.has_ids and not old.strict  # today's loader refuses claims without ids
    assert old.ds.claims["claim_id"].str.contains("#").all()
    r = compare_editions("HEAD~1", "HEAD", data_dir=data)
    assert not r.by_id and "has no claim ids" in r.summary()
    n = counts(r.changes)
    assert (n["changed"], n["removed"], n["superseded"], n["added"]) == (1, 1, 1, 3)
    ch = _one(r.changes, "changed", parameter="family_account.max_relatives", old_source="agg-a")
    assert (ch.old_value, ch.new_value) == (8, 10)


def test_cli_formats_are_stable(repo, capsys):
    assert (
        main(["changes", "--since", "HEAD~1", "--until", "HEAD", "--data-dir", str(repo), "--format", "csv"])
        == 0
    )
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines[0] == ",".join(COLUMNS) and len(lines) == 1 + 8
    assert "changes from" in out.err
    assert main(["changes", "--since", "HEAD~1", "--data-dir", str(repo), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == [
        "since",
        "since_commit",
        "until",
        "until_commit",
        "matched_by",
        "key",
        "counts",
        "changes",
    ]
    assert doc["matched_by"] == "id" and all(list(c) == list(COLUMNS) for c in doc["changes"])
    changed = [c for c in doc["changes"] if c["change"] == "changed"]
    assert [(c["old_value"], c["new_value"]) for c in changed] == [(8, 10)]
    assert isinstance(changed[0]["old_value"], int) and doc["counts"]["superseded"] == 1
    assert main(["changes", "--since", "HEAD~1", "--data-dir", str(repo)]) == 0
    table = capsys.readouterr().out
    assert "8 → 10" in table and "taian-resident-premium-tier1-2026 (2026)" in table


@pytest.mark.parametrize(
    "args, message",
    [
        (["--since", "no-such-rev"], "error: unknown git revision 'no-such-rev' — give a commit"),
        (["--since", "2025-02-30"], "error: '2025-02-30' is not a valid date — write YYYY-MM-DD"),
    ],
)
def test_cli_bad_revision(repo, capsys, args, message):
    assert main(["changes", *args, "--data-dir", str(repo)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and len(err.splitlines()) == 1


def test_cli_outside_git(tmp_path, capsys):
    shutil.copytree(GOOD, tmp_path / "data")
    assert main(["changes", "--since", "HEAD~1", "--data-dir", str(tmp_path / "data")]) == 2
    err = capsys.readouterr().err
    assert "is not inside a git checkout" in err and len(err.splitlines()) == 1
    with pytest.raises(EditionError):
        edition("HEAD", tmp_path / "data")
    assert last_change(tmp_path / "data") is None


def test_data_that_does_not_load(tmp_path, capsys):
    data = _repo(tmp_path)
    (data / "sources.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    _git(tmp_path, "commit", "-qam", "broken", date="2025-04-01T12:00:00+00:00")
    assert main(["changes", "--since", "HEAD", "--until", "HEAD~1", "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert "does not load" in err and len(err.splitlines()) == 1


def test_section_and_history(repo):
    r = compare_editions("HEAD~1", "HEAD", data_dir=repo)
    s = changes_section(r)
    html = s.to_html()
    assert "390 元" in html and "400 元" in html and "被取代 superseded" in html
    assert list(s.tables["changes"].columns) == list(COLUMNS)
    assert "居民医保个人缴费" in html  # parameters are named by their label
    r.changes.loc[0, "detail"] = "<script>alert(1)</script>"
    r.changes.at[0, "new_value"] = "<img src=x>"
    hostile = changes_section(r).to_html()
    assert "<script>" not in hostile and "<img" not in hostile and "&lt;script&gt;" in hostile
    ds = load(repo)
    h = value_history(ds, "泰安")
    assert list(h["period"]) == ["2025", "2026"] and list(h["value"]) == [390, 400]
    sec = history(ds, "泰安", Footnotes(ds))
    assert "2026" in sec.to_html() and list(sec.tables["history"]["source"]) == ["agg-a", "agg-a"]
    assert value_history(ds, "济南").empty


def test_front_page_states_data_version_and_last_change(tmp_path):
    from helpers.build.catalog import Entry
    from helpers.build.index import write_index

    entry = Entry("what-changed", "变化 <b>", Path("07-what-changed.ipynb"))
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "what-changed.html").write_text("x", encoding="utf-8")
    data = {"version": "abc123", "last_change": {"date": "2025-03-01", "commit": "d811b91"}}
    write_index(tmp_path, [entry], {}, {}, data)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "data version <code>abc123</code>" in page and "2025-03-01 (commit <code>d811b91</code>)" in page
    assert "<a href='html/what-changed.html'>变化 &lt;b&gt;</a>" in page
    write_index(tmp_path, [entry], {}, {}, {"version": "abc123", "last_change": None})
    assert "not a git checkout" in (tmp_path / "index.html").read_text(encoding="utf-8")


@pytest.mark.render
def test_what_changed_report_renders(tmp_path):
    from helpers import config
    from helpers.build.render import render

    (tmp_path / "notebooks").mkdir()
    shutil.copy(config.NOTEBOOKS_DIR / "07-what-changed.ipynb", tmp_path / "notebooks")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "catalog.yaml").write_text(
        "reports:\n  - name: changed\n    title: changed\n    notebook: 07-what-changed.ipynb\n"
        "    parameters: {since: '2000-01-01', places: '泰安'}\n",
        encoding="utf-8",
    )
    kw = {"reports_dir": tmp_path / "reports", "catalog": tmp_path / "reports" / "catalog.yaml"}
    res = render(notebooks_dir=tmp_path / "notebooks", progress=False, **kw)
    assert [r["status"] for r in res] == ["rendered"], res
    html = (tmp_path / "reports" / "html" / "changed.html").read_text(encoding="utf-8")
    n = len(load().claims.query("jurisdiction in ['370900', '370000', '000000']"))
    assert f"{n} added" in html and "泰安市" in html and "新增 added" in html
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "数据版本 data version" in index and "html/changed.html" in index


def test_this_repository_history(real):
    """The project's own history: the first edition with data loads (leniently, without ids)."""
    from helpers import config

    try:
        root, rel = checkout(config.DATA_DIR)
    except EditionError:
        pytest.skip("not a git checkout")
    first = _git(root, "log", "--diff-filter=A", "--format=%H", "--", f"{rel}/sources.yaml").split()
    if not first:
        pytest.skip("data/ not committed yet")
    old = edition(first[-1])
    assert old.ds is not None and len(old.ds.claims) > 0
    r = compare_editions(first[-1])
    assert r.by_id == old.has_ids
    everything = compare_editions("2000-01-01")
    assert counts(everything.changes)["added"] == len(real.claims)
