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
