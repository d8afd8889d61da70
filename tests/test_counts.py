"""The data-quality counts (report/applicability.py) and the remembered data check (datacheck.py)
on small synthetic data whose figures are known by construction (mutation testing found both
untested: issue 29)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import GOOD
from test_semantic import SOURCES, claim, dataset

from helpers import datacheck
from helpers.exceptions import DataError
from helpers.report.applicability import BEFORE, applicability_counts, doubt_counts

DOUBT = "doubt: {reason: count-basis, zh: 可能按种类计, en: may count kinds}"
CLAIMS = (
    claim("a", "family_account.max_relatives", 8, "agg-a")  # 8 and 9 at one rank: one conflict
    + claim("b", "family_account.max_relatives", 9, "agg-b")
    + claim("p1", "resident.premium", 380, "off-a", "conditions: {tier: 1}")
    + claim("p0", "resident.premium", 400, "off-a")  # no tier: the "not stated" lane
    + claim("s", "family_account.scope", "province", "off-a", DOUBT)
    + claim("r", "family_account.relations", "[spouse]", "off-a", DOUBT)
    + claim("lead", "family_account.pays_resident_premium", "true", "ai-lead", "period: {year: 2025}")
)


@pytest.fixture(scope="module")
def cds(tmp_path_factory):
    return dataset(tmp_path_factory.mktemp("counts"), CLAIMS)


def test_applicability_counts_on_known_data(cds):
    t = applicability_counts(cds, year=2025, as_of="2026-01-01").set_index("measure")
    now = t["now"].to_dict()
    assert now["conflict rows"] == 1 and now["distinct disagreements"] == 1
    # Tai'an's own values: max_relatives (disputed, still shown), the two premium rows, scope,
    # relations; the lead's value is unverified
    assert now["own"] == 5 and now["unverified"] == 1
    assert now["inherited-province"] == now["inherited-national"] == now["year-not-stated"] == 0
    assert now["values in a 'not stated' lane"] == 1  # the premium with no tier, beside tier 1
    assert now["values with a doubt"] == 2
    places = len(cds.jurisdictions)
    assert now["unknown"] > 0 and sum(now[s] for s in ("own", "unverified", "unknown")) >= places
    assert t["before"].to_dict() == {k: BEFORE.get(k) for k in t.index}  # the resolver before issue 24
    assert list(t.columns) == ["before", "now"]
    later = applicability_counts(cds, year=2026).set_index("measure")["now"]  # the year is the one asked
    assert later["unverified"] == 0 and later["own"] == 5  # the lead's period is 2025 only


def test_not_stated_counts_each_condition_a_row_leaves_out(tmp_path):
    """Rows with two conditions: only a row missing one that another row states is in the lane."""
    ds = dataset(
        tmp_path,
        claim("a", "resident.premium", 380, "off-a", "conditions: {tier: 1, group: student}")
        + claim("b", "resident.premium", 390, "off-a", "conditions: {tier: 2, group: student}")
        + claim("c", "resident.premium", 400, "off-a", "conditions: {tier: 1}"),
    )
    assert applicability_counts(ds).set_index("measure").at["values in a 'not stated' lane", "now"] == 1


def test_a_not_stated_row_without_a_value_is_not_counted(tmp_path):
    ds = dataset(tmp_path, claim("p1", "resident.premium", 380, "off-a", "conditions: {tier: 1}"))
    now = applicability_counts(ds, year=2025).set_index("measure")["now"]
    assert now["values in a 'not stated' lane"] == 0 and now["conflict rows"] == 0


def test_doubt_counts_by_reason_and_origin(tmp_path):
    text = SOURCES.replace(
        "published: null, retrieved: 2026-11-25}",
        "published: null, retrieved: 2026-11-25,\n"
        "   doubt: {reason: likely-invented, zh: 模板, en: template}}",
    )
    whole = claim("f", "resident.funding_per_capita", 300, "off-a")  # below the 400 premium: a finding
    ds = dataset(tmp_path, CLAIMS + whole)
    (ds.data_dir / "sources.yaml").write_text(text, encoding="utf-8")
    from helpers.data import load

    t = doubt_counts(load(ds.data_dir))
    assert t.to_dict("records") == [
        {"reason": "count-basis", "on claims": 2, "on sources": 0, "found by checks": 0},
        {"reason": "likely-invented", "on claims": 0, "on sources": 1, "found by checks": 0},
        {"reason": "part-exceeds-whole", "on claims": 0, "on sources": 0, "found by checks": 1},
    ]
    plain = dataset(tmp_path / "none", claim("a", "family_account.max_relatives", 8, "agg-a"))
    empty = doubt_counts(plain)
    assert empty.empty and list(empty.columns) == ["reason", "on claims", "on sources", "found by checks"]


# ---------------------------------------------------------------- datacheck


def test_check_data_counts_are_the_datasets(tmp_path, monkeypatch):
    monkeypatch.setenv("YIBAO_CACHE_DIR", str(tmp_path / "cache"))
    ds = dataset(tmp_path, CLAIMS)
    got = datacheck.check(ds.data_dir)
    assert got == {
        "claims": 7,
        "unusable": 0,
        "sources": 4,
        "parameters": len(ds.parameters),
        "jurisdictions": 1,
        "version": ds.version,
        "kinds": {"aggregator": 2, "ai-generated": 1, "official": 1},
        "doubts": {"recorded": {"count-basis": 2}, "found": {}},
    }


def test_unusable_claims_are_counted(real, tmp_path, monkeypatch):
    monkeypatch.setenv("YIBAO_CACHE_DIR", str(tmp_path))
    got = datacheck.counts(real)
    assert got["unusable"] == int((real.claims["usable"] == False).sum()) > 0  # noqa: E712
    assert got["jurisdictions"] == real.claims["jurisdiction"].nunique() < len(real.jurisdictions)
    assert sum(got["doubts"]["found"].values()) > 0 and list(got["doubts"]["found"]) == sorted(
        got["doubts"]["found"]
    )


def test_cache_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("YIBAO_CACHE_DIR", str(tmp_path / "a"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert datacheck.cache_path() == tmp_path / "a" / "data-checks.json"
    monkeypatch.delenv("YIBAO_CACHE_DIR")
    assert datacheck.cache_path() == tmp_path / "x" / "yibao" / "data-checks.json"
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert datacheck.cache_path() == tmp_path / "home" / ".cache" / "yibao" / "data-checks.json"


def _count_loads(monkeypatch) -> list:
    import helpers.data.loading as loading

    loads: list[Path] = []
    real_load = loading.load
    monkeypatch.setattr(loading, "load", lambda d: loads.append(d) or real_load(d))
    return loads


def test_the_cache_file_keeps_the_newest_entries_and_no_temp_file(tmp_path, monkeypatch):
    monkeypatch.setenv("YIBAO_CACHE_DIR", str(tmp_path))
    old = {f"old-{i}": {"claims": i} for i in range(40)}
    (tmp_path / "data-checks.json").write_text(json.dumps(old), encoding="utf-8")
    loads = _count_loads(monkeypatch)
    got = datacheck.check(GOOD)
    doc = json.loads((tmp_path / "data-checks.json").read_text(encoding="utf-8"))
    assert len(doc) == datacheck.KEEP == 32 and list(doc)[-1].endswith(datacheck.checker_hash())
    assert list(doc)[:-1] == [f"old-{i}" for i in range(9, 40)] and doc[list(doc)[-1]] == got
    assert [p.name for p in tmp_path.iterdir()] == ["data-checks.json"]
    assert datacheck.check(GOOD) == got and len(loads) == 1  # remembered
    assert datacheck.check(GOOD, use_cache=False) == got and len(loads) == 2  # asked to check again


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '"a string"'])
def test_a_damaged_cache_file_means_a_full_check(tmp_path, monkeypatch, text):
    monkeypatch.setenv("YIBAO_CACHE_DIR", str(tmp_path))
    (tmp_path / "data-checks.json").write_text(text, encoding="utf-8")
    loads = _count_loads(monkeypatch)
    assert datacheck.check(GOOD)["claims"] == 13 and len(loads) == 1
    assert len(json.loads((tmp_path / "data-checks.json").read_text(encoding="utf-8"))) == 1


def test_an_unwritable_cache_only_costs_speed(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    monkeypatch.setenv("YIBAO_CACHE_DIR", str(tmp_path / "file" / "sub"))  # its parent is a file
    loads = _count_loads(monkeypatch)
    assert datacheck.check(GOOD)["claims"] == 13
    assert datacheck.check(GOOD)["claims"] == 13 and len(loads) == 2


def test_a_failed_check_is_never_remembered_and_a_missing_folder_is_named(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setenv("YIBAO_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(GOOD, tmp_path / "data")
    (tmp_path / "data" / "sources.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataError):
            datacheck.check(tmp_path / "data")
    assert not (tmp_path / "cache" / "data-checks.json").exists()
    with pytest.raises(DataError, match="not found"):
        datacheck.check(tmp_path / "nowhere")
    monkeypatch.setenv("YIBAO_DATA_DIR", str(GOOD))
    assert datacheck.check()["claims"] == 13  # no folder given: the default data folder


def test_the_cache_folder_is_made_with_its_parents(tmp_path, monkeypatch):
    monkeypatch.setenv("YIBAO_CACHE_DIR", str(tmp_path / "a" / "b" / "c"))
    datacheck.check(GOOD)
    assert list(json.loads((tmp_path / "a" / "b" / "c" / "data-checks.json").read_text(encoding="utf-8")))
