"""Seed facts, read back through load(): the dataset says what the sources say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from helpers.data import places


def values(ds, city, parameter, **conds):
    """Usable claim values for a city and parameter with the given conditions."""
    c = ds.claims
    code = places.find(ds, city)
    sel = c[(c["jurisdiction"] == code) & (c["parameter"] == parameter) & c["usable"]]
    for k, v in conds.items():
        sel = sel[sel[k] == v]
    return sorted(sel["value"].tolist(), key=repr)


@pytest.mark.parametrize(
    ("city", "parameter", "conds", "expected"),
    [
        ("济南", "family_account.max_relatives", {}, [7]),
        ("泰安", "family_account.max_relatives", {}, [8]),
        ("泰安", "resident.premium", {"tier": 1, "year": 2025}, [390]),
        ("泰安", "resident.premium", {"tier": 2, "year": 2025}, [500]),
        # issue 11: Tai'an 2026 (zysbs.cn news item) and Hebei's six relatives (7 includes the holder)
        ("泰安", "resident.premium", {"tier": 2, "year": 2026}, [530]),
        ("河北", "family_account.max_relatives", {}, [6, 8, 8]),
        ("泰安", "employee.rate.employer", {"scheme": "employee"}, [0.08]),
        ("泰安", "employee.rate.maternity_included", {"scheme": "employee"}, [0.01]),
        ("泰安", "employee.rate.employee", {"scheme": "employee"}, [0.02]),
        ("泰安", "employee.base.floor_ratio", {"scheme": "employee"}, [0.6]),
        ("泰安", "employee.base.ceiling_ratio", {"scheme": "employee"}, [3.0]),
        ("泰安", "resident.subsidy_fixed", {"group": "relapsed_poverty"}, [240]),
        ("泰安", "family_account.scope", {}, ["province"]),
        ("泰安", "family_account.one_holder_per_relative", {}, [True]),
        ("泰安", "resident.paid_tier", {"group": "student", "year": 2025}, [1]),
        ("泰安", "resident.benefit_tier", {"group": "minor", "year": 2025}, [2]),
        ("湖南", "family_account.max_relatives_total", {}, [20]),
        ("北京", "employee.base.floor", {"scheme": "employee", "year": 2025}, [7162]),
        ("全国", "lapse.resident.min_waiting_after_long_lapse", {}, [6, 6]),
    ],
)
def test_seed_fact(real, city, parameter, conds, expected):
    # the distinct values the sources state; how many pages state each is the data's business (issue 25 added
    # a 济南日报 page that states Jinan's 7 beside the seed page) — except where the list itself is the fact
    got = values(real, city, parameter, **conds)
    if len(expected) > len(set(expected)):
        assert got == expected
    else:
        assert sorted(set(got), key=repr) == expected


def test_taian_full_subsidy_groups(real):
    got = real.claims.query("jurisdiction == '370900' and parameter == 'resident.subsidy_full'")
    assert set(got["group"]) == {
        "extreme_poverty",
        "de_facto_unsupported_child",
        "orphan",
        "subsistence_allowance",
        "severe_disability",
    }
    assert set(got["tier"]) == {1}


def test_contradictory_generic_lapse_claims_are_all_kept(real):
    c = real.claims
    nat = c[(c["jurisdiction"] == "000000") & (c["parameter"] == "lapse.waiting_months")]
    # the ≤3 / >3 rule, the ≤6 rule and the flexible 2-month rule all stay
    assert {0, 2, 6} <= set(nat["value"])
    assert (nat["gap_max"] == 6).any() and (nat["gap_max"] == 3).any()
    seed = nat[nat["source"] == "seed-jinan-family-account"]
    # they name no place, so they carry scope: unattributed (issue 10/11)
    assert len(seed) >= 10 and (seed["scope"] == "unattributed").all()


def test_nonsense_claims_are_kept_but_unusable(real):
    bad = real.claims[~real.claims["usable"]]
    assert len(bad) >= 2
    assert all(len(n) > 40 for n in bad["note"])  # each says why it is not usable


def test_ai_generated_sources_exist_as_leads(real):
    leads = real.sources[real.sources["kind"] == "ai-generated"]["id"]
    assert real.claims["source"].isin(leads).any()


def test_jurisdictions_cover_provinces_and_shandong(real):
    j = real.jurisdictions
    assert (j["level"] == "province").sum() == 31
    shandong = j[j["parent"] == "370000"]["code"].tolist()
    assert len(shandong) == 16 and "371200" not in shandong


def test_find_city_by_code_name_and_pinyin(real):
    assert {places.find(real, n) for n in ("370900", "泰安", "泰安市", "taian", "Tai'an")} == {"370900"}
    assert places.chain(real, "370900") == ["370900", "370000", "000000"]


def _same(a, b) -> bool:
    """Equal values of equal types, and equal line numbers on every mapping."""
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and list(a) == list(b)
            and (a.line, a.key_lines) == (b.line, b.key_lines)
            and all(_same(a[k], b[k]) for k in a)
        )
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    return type(a) is type(b) and a == b


def test_libyaml_and_python_loaders_read_every_data_file_alike():
    import yaml

    from helpers import config
    from helpers.data import yamlio

    if yamlio._CLoader is None:
        pytest.skip("PyYAML built without libyaml")
    files = sorted(config.DATA_DIR.rglob("*.yaml"))
    assert len(files) > 10
    for f in files:
        text = f.read_text(encoding="utf-8")
        fast, slow = yaml.load(text, Loader=yamlio._CLoader), yaml.load(text, Loader=yamlio._Loader)  # noqa: S506
        assert _same(fast, slow), f


def test_yaml_problems_are_worded_by_the_python_loader(tmp_path):
    from helpers.data.yamlio import load_yaml

    bad = tmp_path / "bad.yaml"
    bad.write_text("a: 1\nb: [1, 2\nc: 3\n", encoding="utf-8")  # libyaml refuses it too; the message is ours
    _, problems = load_yaml(bad)
    assert len(problems) == 1 and problems[0].message.startswith("YAML syntax error")
    bad.write_text("a: &x 1\nb: *x\n", encoding="utf-8")  # an alias never reaches libyaml
    _, problems = load_yaml(bad)
    assert (problems[0].line, problems[0].message) == (2, "YAML alias (*name) found")


# --- editions: older layouts read without today's schema checks (helpers.data.editions) ---------

EXTRA_SOURCES = """- id: undated-upper
  title: Notice known only to be older than 2025-02-01
  publisher: Test bureau
  kind: official
  kind_basis: fixture page judged official
  checked: 2026-11-25
  published: {not_after: 2025-02-01}
  retrieved: 2026-11-25
- id: within-year
  title: Notice of some day in 2024
  publisher: Test bureau
  kind: media
  kind_basis: fixture page judged media
  checked: 2026-11-25
  published: {not_before: 2024-01-01, not_after: 2024-12-31}
  retrieved: 2026-11-25
"""
EXTRA_CLAIM = """  - id: taian-premium-window
    parameter: resident.premium
    value: 410
    period: {year: 2025, from: 2025-01-01, to: 2025-06-30}
    conditions: {tier: 1}
    source: within-year
    locator: table 2
    also:
      - {source: undated-upper, locator: page 3}
    scope: unattributed
    note: The page names no city; kept as a lead.
    usable: false
"""


def _rich_data(root):
    """The fixture data plus sources dated by bounds and a claim using every optional field."""
    import shutil

    from conftest import GOOD

    shutil.copytree(GOOD, root)
    with open(root / "sources.yaml", "a", encoding="utf-8") as fh:
        fh.write(EXTRA_SOURCES)
    with open(root / "policies" / "370900-taian.yaml", "a", encoding="utf-8") as fh:
        fh.write(EXTRA_CLAIM)
    return root


def test_lenient_reading_of_current_data_agrees_with_the_validating_loader(tmp_path):
    import pandas as pd

    from helpers.data import load
    from helpers.data.editions import read_lenient
    from helpers.data.loading import CLAIM_DTYPES

    folder = _rich_data(tmp_path / "data")
    strict, lenient = load(folder), read_lenient(folder)
    cols = [c for c in CLAIM_DTYPES if c != "file"]
    pd.testing.assert_frame_equal(lenient.claims[cols], strict.claims[cols])
    assert set(lenient.claims["file"]) == {p.name for p in (folder / "policies").glob("*.yaml")}
    extra = lenient.claims.set_index("claim_id").loc["taian-premium-window"]
    assert (str(extra.valid_from.date()), str(extra.valid_to.date())) == ("2025-01-01", "2025-06-30")
    assert (extra.scope, extra.usable, extra.locator) == ("unattributed", False, "table 2")
    assert extra.note.startswith("The page names no city")
    assert extra.line == 32  # the line of its "- id:" (the file had 31)
    assert extra.also == [{"source": "undated-upper", "locator": "page 3"}]
    pd.testing.assert_frame_equal(lenient.jurisdictions, strict.jurisdictions)
    assert lenient.jurisdictions.loc[0, "parent"] is pd.NA  # the national row's empty parent
    dated = ["id", "title", "kind", "date"]
    pd.testing.assert_frame_equal(lenient.sources[dated], strict.sources[dated])
    # a bounded date counts from its earliest bound, else its latest (as load() does)
    dates = dict(zip(lenient.sources["id"], lenient.sources["date"].astype(str), strict=True))
    assert (dates["off-a"], dates["agg-b"], dates["within-year"], dates["undated-upper"]) == (
        "2025-06-01",
        "2025-03-05",
        "2024-01-01",
        "2025-02-01",
    )
    assert list(lenient.parameters["id"]) == list(strict.parameters["id"])
    # no hash, no vocabularies: the dataset says it was read leniently, from that folder
    assert (lenient.version, lenient.conditions, lenient.data_dir) == ("lenient", {}, folder)


def _strip_claim_ids(folder):
    import re

    for p in (folder / "policies").glob("*.yaml"):
        p.write_text(re.sub(r"- id: [a-z0-9-]+\n\s+", "- ", p.read_text(encoding="utf-8")), encoding="utf-8")


def _old_layout(root):
    """The fixture data as an older revision kept it: claims without ids, an extra place column."""
    import shutil

    from conftest import GOOD

    shutil.copytree(GOOD, root)
    _strip_claim_ids(root)
    (root / "jurisdictions.csv").write_text(
        "code,level,name_zh,name_en,pinyin,parent\n"
        "000000,national,全国,National,quanguo,\n"
        "370000,province,山东省,Shandong,shandong,000000\n"
        "370900,city,泰安市,NA,taian,370000\n",
        encoding="utf-8",
    )
    return root


def test_older_layout_gets_positional_claim_ids_and_todays_place_columns(tmp_path):
    import pandas as pd

    from helpers.data import load
    from helpers.data.editions import read_lenient
    from helpers.exceptions import DataError

    folder = _old_layout(tmp_path / "data")
    with pytest.raises(DataError):
        load(folder)  # today's loader wants claim ids
    ds = read_lenient(folder)
    ids = ds.claims.groupby("file")["claim_id"].agg(list).to_dict()
    assert ids["370100-jinan.yaml"] == ["370100-jinan#1", "370100-jinan#2", "370100-jinan#3"]
    assert ids["370000-shandong.yaml"] == ["370000-shandong#1"]
    taian = ds.claims[ds.claims["claim_id"] == "370900-taian#3"].iloc[0]
    got = (taian.parameter, taian.value, taian.year, taian.conditions)
    assert got == ("resident.premium", 390, 2025, {"tier": 1})
    j = ds.jurisdictions
    assert list(j.columns) == ["code", "name_zh", "name_en", "level", "parent"]
    # codes stay text with their zeros; a name that reads like "missing" stays a name
    assert j["code"].tolist() == ["000000", "370000", "370900"]
    assert j["name_en"].tolist() == ["National", "Shandong", "NA"]
    assert j["parent"].tolist() == [pd.NA, "000000", "370000"]


def test_lenient_reading_of_an_edition_without_claims(tmp_path):
    from helpers.data.editions import read_lenient
    from helpers.data.loading import CLAIM_DTYPES

    folder = _old_layout(tmp_path / "data")
    for p in (folder / "policies").glob("*.yaml"):
        p.write_text('jurisdiction: "370900"\nclaims: []\n', encoding="utf-8")
    claims = read_lenient(folder).claims
    assert claims.empty and {c: str(t) for c, t in claims.dtypes.items()} == CLAIM_DTYPES


@pytest.mark.parametrize(
    ("policy", "what"),
    [
        ("- a list\n- not a policy file\n", "unreadable policy file"),
        ('jurisdiction: "370900"\nclaims: [x\n', "unreadable policy file"),
        (
            'jurisdiction: "370900"\nclaims:\n  - {parameter: p, value: 1, source: agg-a}\n'
            "  - {parameter: p, value: 2, source: nowhere}\n",
            "claim 2 names no known source or parameter",
        ),
        (
            'jurisdiction: "370900"\nclaims:\n  - {value: 1, source: agg-a}\n',
            "claim 1 names no known source or parameter",
        ),
    ],
)
def test_lenient_reading_refuses_what_no_comparison_can_use(tmp_path, policy, what):
    from helpers.data.editions import read_lenient
    from helpers.exceptions import DataError, Problem

    folder = _old_layout(tmp_path / "data")
    (folder / "policies" / "370900-taian.yaml").write_text(policy, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_lenient(folder)
    assert info.value.problems == [Problem("370900-taian.yaml", None, what, "pick another revision")]


# --- editions from git history: a small repository made once for these tests ---------------------


def _git(repo, *args, date=None):
    """Set-up only: run git in the temporary repository (the code under test runs in-process)."""
    import os
    import subprocess

    env = {**os.environ, "GIT_AUTHOR_DATE": date or "", "GIT_COMMITTER_DATE": date or ""}
    cmd = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout.strip()


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """main: a README (Jan 10), the fixture data (Feb 10), a README edit (Feb 20), a merge of a side
    branch (Mar 10) whose one commit (Mar 1) changed Tai'an's 8 relatives to 10, a README edit (Mar 20)."""
    import shutil

    from conftest import GOOD

    root = tmp_path_factory.mktemp("history")
    _git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("notes\n", encoding="utf-8")
    _git(root, "add", "README.md")
    _git(root, "commit", "-qm", "readme", date="2025-01-10T12:00:00+00:00")
    shutil.copytree(GOOD, root / "data")
    _git(root, "add", "data")
    _git(root, "commit", "-qm", "data", date="2025-02-10T12:00:00+00:00")
    _git(root, "checkout", "-qb", "side")
    taian = root / "data" / "policies" / "370900-taian.yaml"
    taian.write_text(
        taian.read_text(encoding="utf-8").replace("value: 8\n", "value: 10\n", 1), encoding="utf-8"
    )
    _git(root, "commit", "-qam", "ten relatives", date="2025-03-01T12:00:00+00:00")
    _git(root, "checkout", "-q", "main")
    (root / "README.md").write_text("notes, more\n", encoding="utf-8")
    _git(root, "commit", "-qam", "readme 2", date="2025-02-20T12:00:00+00:00")
    _git(root, "merge", "-q", "--no-ff", "-m", "merge side", "side", date="2025-03-10T12:00:00+00:00")
    (root / "README.md").write_text("notes, even more\n", encoding="utf-8")
    _git(root, "commit", "-qam", "readme 3", date="2025-03-20T12:00:00+00:00")
    _git(root, "branch", "old-layout", "HEAD~3")  # off main: an edition whose claims have no ids
    _git(root, "worktree", "add", "-q", str(root.parent / f"{root.name}-old"), "old-layout")
    _strip_claim_ids(root.parent / f"{root.name}-old" / "data")
    _git(root.parent / f"{root.name}-old", "commit", "-qam", "no ids", date="2025-02-15T12:00:00+00:00")
    log = _git(root, "log", "--first-parent", "--format=%h %cs")
    return root, dict(reversed([line.split()[::-1] for line in log.splitlines()]))


def _relatives(ed):
    c = ed.ds.claims
    return sorted(
        c[(c["jurisdiction"] == "370900") & (c["parameter"] == "family_account.max_relatives")]["value"]
    )


def test_editions_before_the_first_commit_and_before_the_data(history):
    from helpers.data.editions import edition

    root, short = history
    none = edition("2025-01-01", root / "data")
    assert none.label == "2025-01-01 (before the first commit: no data)"
    assert (none.commit, none.date, none.ds) == (None, None, None)
    assert repr(none) == f"<Edition {none.label}: 0 claims, ids=True, strict=True>"
    early = edition("2025-01-15", root / "data")
    assert early.label == f"2025-01-15 (commit {short['2025-01-10']} of 2025-01-10) (no data/ yet)"
    assert (early.commit[:7], early.date, early.ds, early.has_ids, early.strict) == (
        short["2025-01-10"],
        "2025-01-10",
        None,
        True,
        True,
    )
    assert repr(early).endswith(": 0 claims, ids=True, strict=True>")


def test_an_edition_by_date_is_the_main_line_as_it_stood_that_day(history):
    from helpers.data.editions import commit_of, edition

    root, short = history
    # a date names the last commit before that day starts, or (end_of_day) before it ends
    assert edition("2025-02-10", root / "data").ds is None
    assert commit_of(root, "2025-02-10")[:7] == short["2025-01-10"]  # by default, as the day starts
    day = edition("2025-02-10", root / "data", end_of_day=True)
    assert day.label == f"2025-02-10 (commit {short['2025-02-10']} of 2025-02-10)"
    assert (day.strict, day.has_ids, _relatives(day)) == (True, True, [8, 9])
    assert repr(day) == f"<Edition {day.label}: 13 claims, ids=True, strict=True>"


def test_an_edition_by_date_follows_the_main_line_and_by_revision_is_labelled_by_commit(history):
    from helpers.data.editions import edition

    root, short = history
    # the side branch's change (Mar 1) was merged on Mar 10: on Mar 5 the main line still had 8
    mar5 = edition("2025-03-05", root / "data")
    assert (mar5.commit[:7], _relatives(mar5)) == (short["2025-02-20"], [8, 9])
    assert _relatives(edition("2025-03-11", root / "data")) == [9, 10]
    by_rev = edition(short["2025-02-20"], root / "data")
    assert by_rev.label == f"{short['2025-02-20']} (2025-02-20)"


def test_the_working_tree_edition_and_the_last_change_to_the_data(history):
    from helpers.data import load
    from helpers.data.editions import edition, last_change

    root, short = history
    work = edition(None, root / "data")
    assert work.label == f"working tree (data version {load(root / 'data').version})"
    assert (work.commit, work.date, work.has_ids, work.strict, _relatives(work)) == (
        None,
        None,
        True,
        True,
        [9, 10],
    )
    # the last commit touching data/ is the side branch's (Mar 1), not the README edit of Mar 20
    side = _git(root, "log", "-1", "--format=%h", "side")
    assert last_change(root / "data") == {"date": "2025-03-01", "commit": side}
    readme = root / "README.md"
    readme.write_text("uncommitted, outside the data\n", encoding="utf-8")
    assert "uncommitted" not in last_change(root / "data")
    taian = root / "data" / "policies" / "370900-taian.yaml"
    before = taian.read_text(encoding="utf-8")
    try:
        taian.write_text(before + "# an edit not yet committed\n", encoding="utf-8")
        assert last_change(root / "data") == {"date": "2025-03-01", "commit": side, "uncommitted": "yes"}
    finally:
        taian.write_text(before, encoding="utf-8")
        _git(root, "checkout", "-q", "--", "README.md")


def test_an_older_edition_without_claim_ids_is_read_leniently(history):
    from helpers.data.editions import edition

    root, _ = history
    old = edition("old-layout", root / "data")
    short = _git(root, "log", "-1", "--format=%h", "old-layout")
    assert (old.label, old.commit[:7], old.date) == (f"{short} (2025-02-15)", short, "2025-02-15")
    assert (old.has_ids, old.strict, _relatives(old)) == (False, False, [8, 9])
    assert old.ds.claims["claim_id"].str.contains("#").all()


def test_checkout_finds_the_repository_of_the_data_or_of_its_snapshot(history, tmp_path, monkeypatch):
    import shutil

    from helpers.data.gitrepo import EditionError, checkout, git

    root, _ = history
    assert checkout(root / "data") == (root.resolve(), "data")
    assert checkout(root / "data-to-come") == (root.resolve(), "data-to-come")  # not made yet
    # while a render runs, kernels read a private copy; its history is the folder it was copied from
    snap = shutil.copytree(root / "data", tmp_path / "snapshot")
    monkeypatch.setenv("YIBAO_DATA_DIR", str(snap))
    monkeypatch.setenv("YIBAO_DATA_ORIGIN", str(root / "data"))
    assert checkout(snap) == (root.resolve(), "data")
    other = shutil.copytree(root / "data", tmp_path / "other")
    with pytest.raises(EditionError) as exc:
        checkout(other)
    assert str(exc.value) == (
        f"{other.resolve()} is not inside a git checkout — editions come from git history; "
        "run this in a clone of the repository (git clone …)"
    )
    with pytest.raises(EditionError, match="^git failed$"):  # --quiet: git says nothing
        git(root, "rev-parse", "--verify", "--quiet", "no-such-branch")
    with pytest.raises(EditionError, match="^fatal: ambiguous argument 'no-such-branch'"):
        git(root, "log", "no-such-branch")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(EditionError) as exc:
        git(root, "status")
    assert str(exc.value) == "git is not installed — install git to compare editions of the data"


def test_a_preloaded_dataset_is_reused_until_forgotten():
    from conftest import GOOD

    from helpers.data.loading import forget, load, preload

    forget(GOOD)  # forgetting a folder never kept is no error
    ds = preload(GOOD)
    try:
        assert ds.data_dir == GOOD and load(GOOD) is ds
    finally:
        forget(GOOD)
    assert load(GOOD) is not ds


def test_a_date_value_is_a_date_or_month_text():
    from helpers.data.schema import check_value

    assert check_value("2025-06", "date", None) is None
    assert check_value(202506, "date", None) == (
        "value 202506 is not a date",
        "write YYYY-MM-DD (or YYYY-MM)",
    )


def test_data_names_are_imported_on_first_use():
    from helpers import data, hints

    data.__dict__.pop("chain", None)
    data.__dict__.pop("did_you_mean", None)
    assert data.chain is places.chain and data.chain is places.chain  # the second time from the module
    assert data.__dict__["chain"] is places.chain
    assert data.did_you_mean is hints.did_you_mean
    with pytest.raises(AttributeError, match="^module 'helpers.data' has no attribute 'nothing'$"):
        data.nothing  # noqa: B018


FLOAT_FIX = "write a plain decimal number such as 390 or 0.08"
TOO_LARGE_FIX = "check the value; data numbers are small"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "a: 1\nb: [1, 2\nc: 3\n",
            (3, "YAML syntax error: expected ',' or ']', but got ':'", "fix the YAML syntax at that line"),
        ),
        # the tag as written, to its last letter
        ("a: !BOX 1\n", (1, "YAML tag !BOX is not allowed", "remove the tag; data is plain YAML")),
        # YAML 1.1 reads 1_000.5 as 1000.5 and 1:30.5 as 90.5 (sexagesimal); YAML 1.2 reads neither
        ("x: 1\na: 1_000.5\n", (2, "ambiguous number '1_000.5'", FLOAT_FIX)),
        (
            "x: 1\na: 010\n",
            (
                2,
                "ambiguous number '010' (YAML 1.1 reads it as 8)",
                "write a plain decimal number without leading zeros, or quote it as text",
            ),
        ),
        ("x: 1\na: 1:30.5\n", (2, "ambiguous number '1:30.5'", FLOAT_FIX)),
        ("x: 1\na: .NaN\n", (2, "not a finite number '.NaN'", FLOAT_FIX)),
        # a finite decimal number just over 10**15 is refused like an infinite one
        ("x: 1\na: 1.0e+16\n", (2, "number 1.0e+16 is too large", TOO_LARGE_FIX)),
        ("a: -1.0e+400\n", (1, "number -1.0e+400 is too large", TOO_LARGE_FIX)),
        # a list or mapping as a key: PyYAML would build it; a data file never needs it
        ("x: 1\n? {a: 1}\n: 2\n", (2, "a mapping key must be a plain value", "use a string key")),
        # a long number is shown by its first 30 characters, a whole one as a decimal one
        ("a: 1" + "0" * 35 + "\n", (1, "number 1" + "0" * 29 + " is too large", TOO_LARGE_FIX)),
        # a hidden character, shown with the first 40 characters of its text
        (
            "a: " + "x" * 45 + "\u200b\n",
            (1, f"invisible or control character U+200B ZERO WIDTH SPACE in {'x' * 40!r}", "delete it"),
        ),
        ("a: 1" + "0" * 35 + ".0\n", (1, "number 1" + "0" * 29 + " is too large", TOO_LARGE_FIX)),
    ],
)
def test_yaml_problems_name_the_file_line_and_fix(tmp_path, text, problem):
    from helpers.data.yamlio import load_yaml

    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    _, problems = load_yaml(bad)
    assert [(p.line, p.message, p.fix) for p in problems] == [problem]
    assert problems[0].file.endswith("bad.yaml")


def test_numbers_up_to_the_largest_data_number_are_read(tmp_path):
    from helpers.data.yamlio import MAX_INT, load_yaml

    ok = tmp_path / "ok.yaml"
    ok.write_text(
        "a: 1.0e+15\nb: -1.0e+15\nc: 0.08\nd: 1000000000000000\ne: -1000000000000000\n", encoding="utf-8"
    )
    assert load_yaml(ok) == (
        {"a": float(MAX_INT), "b": -float(MAX_INT), "c": 0.08, "d": MAX_INT, "e": -MAX_INT},
        [],
    )


# --- values checked by parameter type (schema.check_value): each limit, and the message with its fix --

ALLOWED = ["spouse", "child", "parent"]


@pytest.mark.parametrize(
    ("value", "ptype", "allowed", "expected"),
    [
        # counts: whole numbers from 0, of every count type
        (0, "int", None, None),
        (3, "months", None, None),
        (3.5, "months", None, ("value 3.5 is not a whole number (months)", "write a whole number")),
        (True, "years", None, ("value True is not a whole number (years)", "write a whole number")),
        (-1, "years", None, ("value -1 is negative", "a count of years cannot be negative")),
        (-1, "months", None, ("value -1 is negative", "a count of months cannot be negative")),
        # yuan: 0 is an amount (a free service), a unit written into the value is not
        (0, "yuan", None, None),
        (0.5, "yuan", None, None),
        (
            "390元",
            "yuan",
            None,
            ("value '390元' is not an amount in yuan", "write a number without the unit"),
        ),
        (-0.5, "yuan", None, ("money value -0.5 is negative", "amounts in yuan are 0 or more")),
        # rate: a share from 0 to 1, both ends included
        (0, "rate", None, None),
        (1, "rate", None, None),
        (1.5, "rate", None, ("rate 1.5 is outside 0–1", "write a share, e.g. 0.08 for 8 %")),
        ("8%", "rate", None, ("value '8%' is not a rate", "write a share as a number, e.g. 0.08 for 8 %")),
        # ratio: a multiple from 0 up; true/false is no number
        (0, "ratio", None, None),
        (3.0, "ratio", None, None),
        (True, "ratio", None, ("value True is not a ratio ≥ 0", "write a multiple, e.g. 3.0 for 300 %")),
        (-0.6, "ratio", None, ("value -0.6 is not a ratio ≥ 0", "write a multiple, e.g. 3.0 for 300 %")),
        (False, "bool", None, None),
        ("yes", "bool", None, ("value 'yes' is not true/false", "write true or false")),
        ("spouse", "enum", ALLOWED, None),
        ("cousin", "enum", ALLOWED, ("value 'cousin' is not allowed", "use one of: spouse, child, parent")),
        (["spouse", "child"], "list", ALLOWED, None),
        (
            ["spouse", "cousin"],
            "list",
            ALLOWED,
            ("list items ['cousin'] are not allowed", "use items from: spouse, child, parent"),
        ),
        ([], "list", ALLOWED, ("value [] is not a list", "write a YAML list, e.g. [spouse, child]")),
        ("Only within Shandong.", "text", None, None),
        ("  ", "text", None, ("value '  ' is not text", "write a short sentence in quotes")),
        (5, "text", None, ("value 5 is not text", "write a short sentence in quotes")),
        # a date range: two dates (a range of one month is fine), never three, never two words
        (["2025-01", "2025-01"], "date_range", None, None),
        (["2025-01", dt.date(2025, 12, 31)], "date_range", None, None),  # YAML reads a day as a date
        (
            ["2025-01", "2025-02", "2025-03"],
            "date_range",
            None,
            (
                "value ['2025-01', '2025-02', '2025-03'] is not a date range",
                "write [start, end] as YYYY-MM(-DD)",
            ),
        ),
        (
            ["start", "end"],
            "date_range",
            None,
            ("value ['start', 'end'] is not a date range", "write [start, end] as YYYY-MM(-DD)"),
        ),
        (
            ["2025-06", "2025-01"],
            "date_range",
            None,
            ("date range ['2025-06', '2025-01'] ends before it starts", "swap start and end"),
        ),
    ],
)
def test_check_value_limits_and_messages_by_type(value, ptype, allowed, expected):
    from helpers.data.schema import check_value

    assert check_value(value, ptype, allowed) == expected


def test_each_field_of_a_bad_source_is_reported_once_on_its_line(tmp_path):
    """A bad date fails both ways of writing `published` (a date, or bounds): one problem, and the
    fields after it are still checked."""
    from helpers.data import schema
    from helpers.data.validate import validate_record
    from helpers.data.yamlio import load_yaml
    from helpers.exceptions import Problem

    f = tmp_path / "sources.yaml"
    f.write_text(
        "- id: off-a\n  title: Notice\n  publisher: Bureau\n  kind: official\n  kind_basis: judged official\n"
        "  published: 2025-13-01\n  retrieved: 2026-01-05\n",
        encoding="utf-8",
    )
    doc, _ = load_yaml(f)
    problems: list[Problem] = []
    assert validate_record(schema.Source, doc[0], "sources.yaml", problems) is None
    assert problems == [
        Problem(
            "sources.yaml",
            6,
            "'published': Input should be a valid date or datetime, "
            "month value is outside expected range of 1-12",
            "write a date as YYYY-MM-DD",
        ),
        Problem("sources.yaml", 1, "'checked': required field is missing", "add the field"),
    ]


# --- place names: groups and lists (places.group, places.find_many) --------------------------------


def test_a_list_of_places_may_use_chinese_commas_and_a_single_code(mini):
    assert places.find_many(mini, "济南，泰安、370200") == ["370100", "370900", "370200"]
    assert places.find_many(mini, 370900) == ["370900"]
    assert places.find_many(mini, "shandong:*") == ["370100", "370200", "370900"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "taian:*",
            "'taian:*' names a group, but 'taian' is not a province — "
            "write a province, e.g. 山东全省 or shandong:*",
        ),
        # a group suffix alone names no province; it is looked up (and not found) as a place name
        ("全省", "unknown city or region '全省' — "),
    ],
)
def test_a_group_must_name_a_province(mini, name, message):
    from helpers.exceptions import UnknownNameError

    with pytest.raises(UnknownNameError) as info:
        places.find_many(mini, name)
    assert str(info.value).startswith(message)


def test_plain_text_for_a_terminal_replaces_each_control_character():
    from helpers.data.text import plain

    assert plain("济南\x1b[31m\u202e9") == "济南?[31m?9"
    assert plain(370900) == "370900"


def test_a_control_character_in_the_yaml_stream_is_named_with_its_line(tmp_path, monkeypatch):
    """A character PyYAML's reader refuses (BEL, NUL …) is found before parsing: its code point and
    its line, not the reader's two-line message without one."""
    from helpers.data.yamlio import load_yaml

    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "bad.yaml"
    for char in ("\x07", "\x00", "\ud800"):
        bad.write_text(f"a: 1\nb: x{char}\n", encoding="utf-8", errors="surrogatepass")
        doc, [problem] = load_yaml(bad)
        if char == "\ud800":  # not UTF-8 at all: refused as bytes first
            assert problem.message.startswith("bytes that are not UTF-8"), problem
            continue
        assert (doc, problem.file, problem.line) == (None, "bad.yaml", 2)
        assert problem.message == f"control character U+{ord(char):04X} in the file"


def test_a_dataset_shows_its_version_size_and_folder(mini):
    from conftest import GOOD

    assert repr(mini) == f"<Dataset {mini.version}: 13 claims, 5 sources, 8 parameters, 5 places; {GOOD}>"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("济南 Jinan\tline one\nline two", None),  # spaces, tabs and line breaks are allowed
        ("\t\x07", ("\x07", "U+0007 control")),  # a control character has no name
        ("a\u200bb", ("\u200b", "U+200B ZERO WIDTH SPACE")),
        ("\u202eabc", ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE")),
        ("\ue000", ("\ue000", "U+E000 control")),  # private use
        ("\ud800", ("\ud800", "U+D800 control")),  # a lone surrogate
        ("one\u2028two", ("\u2028", "U+2028 LINE SEPARATOR")),
        ("one\u2029two", ("\u2029", "U+2029 PARAGRAPH SEPARATOR")),
    ],
)
def test_bad_char_finds_controls_and_invisible_formatting(text, found):
    from helpers.data.text import bad_char

    assert bad_char(text) == found


def test_places_are_found_by_any_spelling_of_their_names(real, mini):
    from helpers.exceptions import UnknownNameError

    # the longest suffix goes: 广西壮族自治区 is 广西, not 广西壮族
    assert [places.find(real, n) for n in ("广西", "广西壮族自治区", "内蒙古", "Guangxi")] == [
        "450000",
        "450000",
        "150000",
        "450000",
    ]
    # apostrophes (straight or curly) and spaces in pinyin do not count
    assert {places.find(mini, n) for n in ("Tai’an", "tai an", " TAIAN ")} == {"370900"}
    with pytest.raises(UnknownNameError) as info:
        places.find(mini, "jinna")
    assert str(info.value) == "unknown city or region 'jinna' — did you mean 'Jinan' or 'Qingdao'?"


def test_condition_keys_are_sorted_and_read_back():
    from helpers.data.policies import cond_key, parse_cond_key

    key = cond_key({"tier": 1, "scheme": "employee", "gap_min": -1})
    assert key == "gap_min=-1;scheme=employee;tier=1"
    assert parse_cond_key(key) == {"gap_min": -1, "scheme": "employee", "tier": 1}
    assert cond_key({}) == "" and parse_cond_key("") == {}


def test_a_data_file_may_be_as_large_as_the_limit_but_no_larger(tmp_path, monkeypatch):
    from helpers.config import MAX_FILE_BYTES
    from helpers.data.yamlio import read_text
    from helpers.exceptions import Problem

    monkeypatch.chdir(tmp_path)
    f = tmp_path / "big.yaml"
    f.write_bytes(b"#" * (MAX_FILE_BYTES - 1) + b"\n")
    text, problems = read_text(f)
    assert (len(text), problems) == (MAX_FILE_BYTES, [])
    f.write_bytes(b"#" * MAX_FILE_BYTES + b"\n")
    assert read_text(f) == (
        None,
        [
            Problem(
                "big.yaml", None, "file is 2.1 MB, over the 2 MB limit", "split it or remove what is not data"
            )
        ],
    )
    f.write_bytes(b"#" * 2_150_000 + b"\n")  # MB of 10**6 bytes: 2,150,001 bytes show as 2.2 MB
    assert read_text(f)[1][0].message == "file is 2.2 MB, over the 2 MB limit"


def test_a_file_of_comments_only_is_empty(tmp_path):
    from helpers.data.yamlio import load_yaml

    f = tmp_path / "notes.yaml"
    f.write_text("# nothing yet\n\n  # an indented comment\n", encoding="utf-8")
    doc, [problem] = load_yaml(f)
    assert (doc, problem.line, problem.message, problem.fix) == (
        None,
        None,
        "file is empty",
        "add content or delete the file",
    )


def test_load_itself_keeps_source_dates_notes_claim_files_and_parameter_texts(tmp_path):
    """What load() returns, read from a fresh load (not the shared session fixture, so that mutation
    testing links this test to the loader): a source's dates and note, each claim's policy file, and
    the catalogue's description, conditions and basis of a parameter, all as written. (A source's
    publication date is both of its bounds.)"""
    import shutil

    import pandas as pd
    from conftest import GOOD

    from helpers.data import load

    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    src = data / "sources.yaml"
    src.write_text(
        src.read_text(encoding="utf-8").replace(
            "  url: https://example.gov.cn/a\n", "  url: https://example.gov.cn/a\n  note: 附件二第3条\n", 1
        ),
        encoding="utf-8",
    )
    ds = load(data)
    off_a = ds.sources.set_index("id").loc["off-a"]
    dates = ("published_not_before", "published_not_after", "retrieved", "checked")
    assert [str(off_a[c].date()) for c in dates] == ["2025-06-01", "2025-06-01", "2026-11-25", "2026-11-25"]
    assert off_a["note"] == "附件二第3条"
    assert pd.isna(ds.sources.set_index("id").loc["agg-a", "note"])
    assert {Path(f).name for f in ds.claims["file"]} == {p.name for p in (data / "policies").glob("*.yaml")}
    premium = ds.parameters.set_index("id").loc["resident.premium"]
    assert premium["description"] == "Premium per person."
    assert list(premium["conditions"]) == ["tier", "group"]
    assert premium["basis"] == "individual share per year"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc files")
def test_a_file_that_fails_or_grows_while_read_is_one_named_problem(monkeypatch):
    """Files whose size says nothing about their bytes (Linux /proc files report size 0): a read
    error is named with its cause and a fix, and more bytes than the limit is refused with a fix."""
    from helpers.data import yamlio
    from helpers.exceptions import Problem

    [refused] = yamlio.read_text(Path("/proc/self/mem"))[1]  # never read as data (issue 29) …
    assert refused.message.startswith("data file is a symbolic link into a system folder (/proc/")
    monkeypatch.setattr(yamlio, "_SYSTEM", ())  # … so, to read such files here, allow them
    assert yamlio.read_text(Path("/proc/self/mem")) == (
        None,
        [Problem("/proc/self/mem", None, "cannot read file (Input/output error)", "check the path")],
    )
    monkeypatch.setattr(yamlio, "MAX_FILE_BYTES", 10)
    assert yamlio.read_text(Path("/proc/self/status")) == (
        None,
        [Problem("/proc/self/status", None, "file grew over the size limit while read", "check the file")],
    )


def test_policy_files_without_claims_load_as_an_empty_claims_table(tmp_path):
    """A new place's file may list no claims yet (`claims: []`): with every file so, load() still
    returns a claims table — no rows, every documented column (not a crash)."""
    import shutil

    from conftest import GOOD

    from helpers.data import load
    from helpers.data.loading import CLAIM_DTYPES

    data = tmp_path / "data"
    shutil.copytree(GOOD, data)
    for f in (data / "policies").glob("*.yaml"):
        text = f.read_text(encoding="utf-8")
        f.write_text(text[: text.index("claims:")] + "claims: []\n", encoding="utf-8")
    claims = load(data).claims
    assert len(claims) == 0
    assert set(CLAIM_DTYPES) <= set(claims.columns)
    assert {"claim_id", "parameter", "value", "source", "file", "line"} <= set(claims.columns)
