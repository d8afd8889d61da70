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
from helpers.data.editions import EditionError, checkout, edition, last_change, read_lenient
from helpers.report.changes import changes_section, compare_editions
from helpers.report.history import history
from helpers.report.history import period_values as value_history
from helpers.report.markup import Footnotes
from helpers.resolution.changes import CHANGES, COLUMNS, counts, diff

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
        (["--since", "no-such-rev"], "error: --since: unknown git revision 'no-such-rev' — give a commit"),
        (["--since", "2025-02-30"], "error: --since: '2025-02-30' is not a valid date — write YYYY-MM-DD"),
        (
            ["--since", "2999-01-01"],
            "error: --since: '2999-01-01' is in the future — give a date up to today",
        ),
        (["--since", "HEAD", "--until", "nope"], "error: --until: unknown git revision 'nope'"),
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
        "    parameters: {since: '2000-01-01', cities: '泰安'}\n",
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


def test_what_changed_stops_on_a_revision_that_names_no_edition(repo):
    from helpers.exceptions import InputError
    from helpers.report.changes import what_changed

    with pytest.raises(InputError, match="^since: unknown git revision 'no-such-rev' — give a commit"):
        what_changed("no-such-rev")
    with pytest.raises(InputError, match="^since: '2999-01-01' is in the future"):
        what_changed("2999-01-01")


@pytest.mark.render
def test_notebook_07_fails_under_papermill_on_an_unknown_revision_with_one_line(tmp_path):
    import subprocess
    import sys

    from helpers import config

    nb = config.NOTEBOOKS_DIR / "07-what-changed.ipynb"
    cmd = [
        sys.executable,
        "-m",
        "papermill",
        str(nb),
        str(tmp_path / "out.ipynb"),
        "-p",
        "since",
        "no-such-rev",
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=config.NOTEBOOKS_DIR, timeout=300)
    assert res.returncode == 1
    shown = [x for x in res.stderr.splitlines() if "unknown git revision" in x]
    assert shown == ["RevisionError: since: unknown git revision 'no-such-rev' — give a commit, tag, branch, "
                     "HEAD~N or a date YYYY-MM-DD"]  # fmt: skip
    assert "Traceback" not in res.stderr.split("PapermillExecutionError")[-1]  # papermill's own, not ours
    assert "cities" in nb.read_text(encoding="utf-8") and "places:" not in nb.read_text(encoding="utf-8")


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


# --- Two editions as plain folders (no git): the fixture data plus a Qingdao policy file -------------

QINGDAO = "370200"


def _folder(root: Path, qingdao: str | None, drop_place: str | None = None) -> Path:
    """The fixture data with `qingdao` as Qingdao's claims (YAML list items; None: no file), and
    without the place `drop_place` in the jurisdiction table."""
    shutil.copytree(GOOD, root)
    if qingdao is not None:
        text = f'jurisdiction: "{QINGDAO}"\nclaims:\n{qingdao}'
        (root / "policies" / "370200-qingdao.yaml").write_text(text, encoding="utf-8")
    csv = root / "jurisdictions.csv"
    rows = [ln for ln in csv.read_text(encoding="utf-8").splitlines() if not ln.startswith(f"{drop_place},")]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def _claim(cid: str, parameter: str, value, source: str, more: str = "") -> str:
    text = f"  - id: {cid}\n    parameter: {parameter}\n    value: {value}\n    source: {source}\n"
    return text + f"    locator: fixture\n{more}"


# Edition 1 → 2 of Qingdao's claims; each comment says what a reader of the change table should see.
QD_OLD = """
  # re-read in edition 2 (same id): conditions and period dropped, another source, no longer usable
  - {id: qd-premium, parameter: resident.premium, value: 380, source: agg-a, locator: p. 1,
     period: {from: 2024-01-01, to: 2024-12-31}, conditions: {tier: 1}}
  # rejected here; usable in edition 2, for flexible workers and from July 2025
  - {id: qd-waiting, parameter: lapse.waiting_months, value: 3, source: agg-b, locator: p. 2,
     usable: false, note: the page contradicts itself}
  # a rejected statement in both editions: its place/parameter/conditions exist before leads appear
  - {id: qd-scope, parameter: family_account.scope, value: city, source: agg-a, locator: p. 3,
     usable: false, note: the page contradicts itself}
"""
QD_NEW = """
  - {id: qd-premium, parameter: resident.premium, value: 380, source: off-a, locator: p. 1,
     usable: false, note: the page contradicts itself}
  - {id: qd-waiting, parameter: lapse.waiting_months, value: 3, source: agg-b, locator: p. 2,
     period: {from: 2025-07-01}, conditions: {scheme: flexible}}
  - {id: qd-scope, parameter: family_account.scope, value: city, source: agg-a, locator: p. 3,
     usable: false, note: the page contradicts itself}
  # newly unverified: two machine-written pages, which also disagree; the one shown is listed first
  - {id: qd-scope-lead-b, parameter: family_account.scope, value: national, source: ai-lead, locator: a}
  - {id: qd-scope-lead, parameter: family_account.scope, value: province, source: ai-lead, locator: a}
  # a lead for a period that has not started yet: still only leads state it
  - {id: qd-future-lead, parameter: lapse.waiting_months, value: 2, source: ai-lead, locator: a,
     period: {from: 2099-01-01}, conditions: {scheme: resident}}
  # two pages of the same (official) rank disagree: a conflict where the data had nothing before
  - {id: qd-max-a, parameter: family_account.max_relatives, value: 4, source: off-a, locator: s. 2}
  - {id: qd-max-b, parameter: family_account.max_relatives, value: 5, source: agg-a, locator: q. 7,
     also: [{source: off-a, locator: cited notice}]}
  # three years of tier-2 premiums: 2025 is replaced by 2027, not by the machine-written 2026 page
  - {id: qd-tier2-2025, parameter: resident.premium, value: 390, source: agg-a, locator: t,
     period: {year: 2025}, conditions: {tier: 2}}
  - {id: qd-tier2-2026, parameter: resident.premium, value: 395, source: ai-lead, locator: t,
     period: {year: 2026}, conditions: {tier: 2}}
  - {id: qd-tier2-2027, parameter: resident.premium, value: 410, source: agg-b, locator: t,
     period: {year: 2027}, conditions: {tier: 2}}
  # a real page states the fixed wait and a lead another one: stated, so not unverified
  - {id: qd-fixed, parameter: lapse.resident.fixed_waiting_months, value: 6, source: agg-a, locator: w}
  - {id: qd-fixed-lead, parameter: lapse.resident.fixed_waiting_months, value: 3, source: ai-lead, locator: w}
"""


@pytest.fixture(scope="module")
def qd_editions(tmp_path_factory):
    root = tmp_path_factory.mktemp("qd")
    return load(_folder(root / "old", QD_OLD)), load(_folder(root / "new", QD_NEW))


def _records(t, place: str = QINGDAO) -> list[dict]:
    return t[t["place"] == place].to_dict("records")


def test_what_changed_for_one_claim_id(qd_editions):
    old, new = qd_editions
    t = diff(old, new)  # paired by id (the default): a claim whose conditions moved is "changed"
    changed = {r["claim"]: r for r in _records(t) if r["change"] == "changed"}
    prem, wait = changed["qd-premium"], changed["qd-waiting"]
    assert (
        prem["detail"]
        == "conditions tier=1 → —; period from 2024-01-01 to 2024-12-31 → undated; source; usable → no"
    )
    assert (prem["conditions"], prem["period"]) == ("", "")  # the row is filed under the new claim
    assert (prem["old_value"], prem["new_value"], prem["old_source"], prem["new_source"]) == (
        380,
        380,
        "agg-a",
        "off-a",
    )
    assert (prem["old_kind"], prem["new_kind"]) == ("aggregator", "official")
    assert wait["detail"] == "conditions — → scheme=flexible; period undated → from 2025-07-01; usable → yes"
    assert (wait["conditions"], wait["period"]) == ("scheme=flexible", "from 2025-07-01")
    # paired by key instead, a claim with other conditions is another claim: removed + added
    by_key = diff(old, new, by_id=False)
    assert not (by_key["change"] == "changed").any()
    assert {
        (r["change"], r["claim"]) for r in _records(by_key) if r["claim"] in ("qd-premium", "qd-waiting")
    } == {
        ("removed", "qd-premium"),
        ("added", "qd-premium"),
        ("removed", "qd-waiting"),
        ("added", "qd-waiting"),
    }


def test_new_conflict_unverified_and_superseded_rows(qd_editions):
    old, new = qd_editions
    t = diff(old, new)
    rows = [r for r in _records(t) if r["change"] != "changed"]
    base = {"place": QINGDAO, "place_zh": "青岛市", "old_value": None, "old_source": None, "old_kind": None}

    def added(cid, parameter, cond, period, value, source, kind, detail=""):
        return {
            **base,
            "change": "added",
            "parameter": parameter,
            "conditions": cond,
            "period": period,
            "new_value": value,
            "new_source": source,
            "new_kind": kind,
            "claim": cid,
            "detail": detail,
        }

    conflict = {
        **base,
        "change": "conflict",
        "parameter": "family_account.max_relatives",
        "conditions": "",
        "period": "",
        "new_value": [4, 5],
        "new_source": "off-a, agg-a",
        "new_kind": "official, aggregator",
        "claim": "qd-max-a, qd-max-b",
        "detail": "sources of the same rank disagree",
    }
    leads_only = "only machine-written pages (leads) state it"
    scope = {
        **base,
        "parameter": "family_account.scope",
        "conditions": "",
        "period": "",
        "new_value": ["province", "national"],
        "new_source": "ai-lead",
        "new_kind": "ai-generated",
        "claim": "qd-scope-lead, qd-scope-lead-b",
    }  # the lead shown first, each claim once
    future = {
        **base,
        "change": "unverified",
        "parameter": "lapse.waiting_months",
        "conditions": "scheme=resident",
        "period": "",
        "new_value": [2],
        "new_source": "ai-lead",
        "new_kind": "ai-generated",
        "claim": "qd-future-lead",
        "detail": leads_only,
    }
    assert rows == [
        added("qd-max-a", "family_account.max_relatives", "", "", 4, "off-a", "official"),
        added("qd-max-b", "family_account.max_relatives", "", "", 5, "agg-a", "aggregator"),
        conflict,  # after the added rows of the same key, whatever the claim ids
        added("qd-scope-lead", "family_account.scope", "", "", "province", "ai-lead", "ai-generated"),
        added("qd-scope-lead-b", "family_account.scope", "", "", "national", "ai-lead", "ai-generated"),
        {**scope, "change": "conflict", "detail": "sources of the same rank disagree"},
        {**scope, "change": "unverified", "detail": leads_only},
        added("qd-fixed", "lapse.resident.fixed_waiting_months", "", "", 6, "agg-a", "aggregator"),
        added("qd-fixed-lead", "lapse.resident.fixed_waiting_months", "", "", 3, "ai-lead", "ai-generated"),
        future,  # a group row has no period, so it comes before the dated claim
        added(
            "qd-future-lead",
            "lapse.waiting_months",
            "scheme=resident",
            "from 2099-01-01",
            2,
            "ai-lead",
            "ai-generated",
        ),
        added(
            "qd-tier2-2025",
            "resident.premium",
            "tier=2",
            "2025",
            390,
            "agg-a",
            "aggregator",
            "already superseded by qd-tier2-2027 (2027)",
        ),
        added("qd-tier2-2026", "resident.premium", "tier=2", "2026", 395, "ai-lead", "ai-generated"),
        added("qd-tier2-2027", "resident.premium", "tier=2", "2027", 410, "agg-b", "aggregator"),
    ]


def test_place_names_and_city_filter_when_an_edition_lacks_the_place(tmp_path):
    one = _claim("qd-max", "family_account.max_relatives", 4, "off-a")
    before = load(_folder(tmp_path / "before", None, drop_place=QINGDAO))  # Qingdao not yet in the data
    after = load(_folder(tmp_path / "after", one))
    added, removed = diff(before, after), diff(after, before)
    # the place is named from whichever edition knows it
    assert [(r["change"], r["place_zh"]) for r in _records(added)] == [("added", "青岛市")]
    assert [(r["change"], r["place_zh"], r["detail"]) for r in _records(removed)] == [
        ("removed", "青岛市", "")
    ]
    # an older edition read leniently may name a place its own table lacks: the code stands in
    lenient = read_lenient(_folder(tmp_path / "lenient", one, drop_place=QINGDAO))
    assert [(r["change"], r["place_zh"]) for r in _records(diff(lenient, before))] == [("removed", QINGDAO)]
    # no earlier edition: everything is added; a city keeps its province's and the national claims
    t = diff(None, after, cities=[QINGDAO])
    chain = {QINGDAO, "370000", "000000"}
    assert set(t["change"]) == {"added"} and set(t["place"]) == chain
    assert sorted(t["claim"]) == sorted(
        after.claims.loc[after.claims["jurisdiction"].isin(chain), "claim_id"]
    )
    assert list(diff(after, None, cities=["370100"])["place"].unique()) == ["000000", "370000", "370100"]
    nothing = diff(None, None, cities=[QINGDAO])
    assert nothing.empty and list(nothing.columns) == list(COLUMNS)


def test_paired_by_key_equal_values_first(tmp_path):
    """Without ids, two claims with the same key are matched by value first: reordering or
    renaming them is no change."""
    cond = "    conditions: {scheme: employee}\n"
    three, six = ("lapse.waiting_months", 3, "agg-a", cond), ("lapse.waiting_months", 6, "agg-a", cond)
    old = load(_folder(tmp_path / "old", _claim("qd-w-1", *three) + _claim("qd-w-2", *six)))
    new = load(_folder(tmp_path / "new", _claim("qd-wait-six", *six) + _claim("qd-wait-three", *three)))
    assert diff(old, new, by_id=False).empty
    assert counts(diff(old, new)) == {**dict.fromkeys(CHANGES, 0), "added": 2, "removed": 2}
