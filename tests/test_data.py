"""Seed facts, read back through load(): the dataset says what the sources say."""

from __future__ import annotations

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
    assert values(real, city, parameter, **conds) == expected


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


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "a: 1\nb: [1, 2\nc: 3\n",
            (3, "YAML syntax error: expected ',' or ']', but got ':'", "fix the YAML syntax at that line"),
        ),
        # the tag as written, to its last letter
        ("a: !BOX 1\n", (1, "YAML tag !BOX is not allowed", "remove the tag; data is plain YAML")),
    ],
)
def test_yaml_problems_name_the_file_line_and_fix(tmp_path, text, problem):
    from helpers.data.yamlio import load_yaml

    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    _, problems = load_yaml(bad)
    assert [(p.line, p.message, p.fix) for p in problems] == [problem]
    assert problems[0].file.endswith("bad.yaml")
