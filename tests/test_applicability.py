"""Issue 24: a value appears only where a source states it — conditions, years, support, doubts.

Each test builds a small dataset (the project's parameter catalogue, the fixture places, sources
and claims written here) so that one rule is visible at a time, then checks the same rule on the
real data.
"""

from __future__ import annotations

import shutil
import textwrap

import pandas as pd
import pytest
from conftest import GOOD

import helpers as h
from helpers import config
from helpers.resolution import disagreements, plausibility
from helpers.rules.common import lookup

SOURCES = """\
- {id: off-a, title: 济南市医保局通知, publisher: 济南市医疗保障局, kind: official, kind_basis: gov.cn host,
   checked: 2026-11-25, published: 2025-06-01, retrieved: 2026-11-25, url: "https://ybj.jinan.gov.cn/a"}
- {id: off-b, title: 济南市医保局问答, publisher: 济南市医疗保障局, kind: official, kind_basis: gov.cn host,
   checked: 2026-11-25, published: 2025-07-01, retrieved: 2026-11-25, url: "https://ybj.jinan.gov.cn/b"}
- {id: med-a, title: 报纸文章, publisher: 某日报, kind: media, kind_basis: newspaper site,
   checked: 2026-11-25, published: 2025-02-01, retrieved: 2026-11-25, url: "https://news.example.com/a"}
- {id: med-same-host, title: 同站另一篇, publisher: 另一署名, kind: media, kind_basis: newspaper site,
   checked: 2026-11-25, published: 2025-02-02, retrieved: 2026-11-25, url: "https://www.news.example.com/b"}
- {id: agg-undated, title: 问答页, publisher: 问答站, kind: aggregator, kind_basis: no author,
   checked: 2026-11-25, retrieved: 2026-11-25}
- {id: agg-dated, title: 问答页二, publisher: 问答站二, kind: aggregator, kind_basis: no author,
   checked: 2026-11-25, published: 2025-03-01, retrieved: 2026-11-25}
- {id: ai-lead, title: 模板页, publisher: 模板站, kind: ai-generated, kind_basis: template headings,
   checked: 2026-11-25, retrieved: 2026-11-25, published: 2025-01-01}
- {id: nat, title: 国家医保局通知, publisher: 国家医疗保障局, kind: official, kind_basis: gov.cn host,
   checked: 2026-11-25, published: 2025-01-01, retrieved: 2026-11-25, url: "https://www.nhsa.gov.cn/n"}
- {id: nat-2026, title: 国家医保局2026通知, publisher: 国家医疗保障局, kind: official,
   kind_basis: gov.cn host, checked: 2026-11-25, published: 2026-01-09, retrieved: 2026-11-25, url: "https://www.nhsa.gov.cn/m"}
- {id: weihai-lead, title: 青岛市居民医保缴费标准, publisher: 模板站, kind: ai-generated,
   kind_basis: template headings, checked: 2026-11-25, retrieved: 2026-11-25, published: 2025-01-01}
- {id: doubted, title: 可疑页, publisher: 可疑站, kind: aggregator, kind_basis: no author,
   checked: 2026-11-25, published: 2025-01-01, retrieved: 2026-11-25,
   doubt: {reason: likely-invented, zh: 数字未见于其他来源, en: figures found on no other page}}
"""

JINAN = """\
jurisdiction: "370100"
claims:
  # premium: one rate with no tier stated, a rate stated for all tiers, tier 2 of its own
  - {id: jn-adult, parameter: resident.premium, value: 440, period: {year: 2025}, source: off-a, locator: s1}
  - {id: jn-all, parameter: resident.funding_per_capita, value: 1200, conditions: {tier: all},
     period: {year: 2025}, source: off-a, locator: s2}
  - {id: jn-fund-t2, parameter: resident.funding_per_capita, value: 1500, conditions: {tier: 2},
     period: {year: 2025}, source: off-a, locator: s2}
  # years: an undated page, a dated page with no period, an older period
  - {id: jn-max-undated, parameter: family_account.max_relatives, value: 8, source: agg-undated, locator: q}
  - {id: jn-onehold-dated, parameter: family_account.one_holder_per_relative, value: true, source: agg-dated,
     locator: q}
  - {id: jn-channels-2016, parameter: resident.subsidy_fixed, value: 100, conditions: {group: orphan},
     period: {year: 2016}, source: med-a, locator: old}
  # support: own page + its `also` lead + a page of the same publisher + one of the same host
  - {id: jn-scope, parameter: family_account.scope, value: province, source: off-a, locator: s3,
     also: [{source: ai-lead, locator: x}, {source: off-b, locator: y2}]}
  - {id: jn-scope-media, parameter: family_account.scope, value: province, source: med-a, locator: s3}
  - {id: jn-scope-host, parameter: family_account.scope, value: province, source: med-same-host, locator: s3}
  # doubts: on the claim, and on a source
  - {id: jn-relations, parameter: family_account.relations, value: [spouse, parent, child], source: off-a,
     locator: s4, doubt: {reason: count-basis, zh: 可能按关系种类计, en: may count relation kinds}}
  - {id: jn-balance, parameter: family_account.balance_must_cover, value: true, source: doubted, locator: s5}
  # part larger than its whole
  - {id: jn-er, parameter: employee.rate.employer, value: 0.09, conditions: {scheme: employee},
     period: {year: 2025}, source: off-a, locator: r1}
  - {id: jn-er-med, parameter: employee.rate.employer_medical_only, value: 0.095,
     conditions: {scheme: employee}, period: {year: 2025}, source: agg-dated, locator: r2}
  # below the national minimum; and equal to a much older value while a year between differs
  - {id: jn-old-2016, parameter: resident.premium, value: 140, conditions: {tier: 1}, period: {year: 2016},
     source: med-a, locator: p}
  - {id: jn-2021, parameter: resident.premium, value: 370, conditions: {tier: 1}, period: {year: 2021},
     source: med-a, locator: p}
  - {id: jn-copy-lead, parameter: resident.premium, value: 140, conditions: {tier: 1}, source: ai-lead,
     locator: p}
  - {id: jn-undated-t2, parameter: resident.premium, value: 520, conditions: {tier: 2}, source: agg-undated,
     locator: p}
"""

NATIONAL = """\
jurisdiction: "000000"
claims:
  - {id: n-min-2025, parameter: resident.premium_national, value: 400, period: {year: 2025}, source: nat,
     locator: p1}
  - {id: n-scope, parameter: family_account.scope, value: province, source: nat, locator: p2}
  - {id: n-scope-2026, parameter: family_account.scope, value: national, source: nat-2026, locator: p3}
"""

SHANDONG = """\
jurisdiction: "370000"
claims:
  - {id: sd-weihai, parameter: resident.premium, value: 450, conditions: {tier: 1}, period: {year: 2025},
     source: weihai-lead, locator: p1}
"""

TAIAN = """\
jurisdiction: "370900"
claims:
  - {id: ta-scope-old, parameter: family_account.scope, value: province, source: med-a, locator: s}
"""


@pytest.fixture(scope="module")
def ads(tmp_path_factory):
    root = tmp_path_factory.mktemp("applicability") / "data"
    shutil.copytree(GOOD, root)
    shutil.copy(config.DATA_DIR / "parameters.yaml", root / "parameters.yaml")
    (root / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    for p in (root / "policies").glob("*.yaml"):
        p.unlink()
    for name, text in {
        "370100-jinan": JINAN,
        "000000-national": NATIONAL,
        "370000-shandong": SHANDONG,
        "370900-taian": TAIAN,
    }.items():
        (root / "policies" / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return h.load(root)


def row(r: pd.DataFrame, parameter: str, conditions: str = "", city: str | None = None) -> pd.Series:
    sel = r[(r["parameter"] == parameter) & (r["conditions"] == conditions)]
    if city is not None:
        sel = sel[sel["city_zh"] == city]
    assert len(sel) == 1, (parameter, conditions, sel[["city_zh", "conditions"]])
    return sel.iloc[0]


# ---------------------------------------------------------------- conditions
def test_a_dimension_not_stated_has_its_own_row_and_fills_no_tier(ads):
    r = h.resolve(ads, "济南", year=2025, topic="contribution")
    assert row(r, "resident.premium")["value"] == 440  # the "tier not stated" row
    t1 = row(r, "resident.premium", "tier=1")
    assert t1["value"] != 440 and t1["claim"] != "jn-adult"  # never copied into tier 1


def test_all_reaches_every_tier_row_but_not_the_not_stated_row(ads):
    r = h.resolve(ads, "济南", year=2025, topic="contribution")
    assert row(r, "resident.funding_per_capita", "tier=all")["value"] == 1200
    assert row(r, "resident.funding_per_capita", "tier=2")["value"] == 1500  # its own claim is more specific
    # no claim states tier 1 alone, so the tier=1 row is not even a key; the calculator asks for it:
    span = lookup(ads, "370100", "resident.funding_per_capita", 2025, tier=1)
    assert span.values == [1200] and span.claims == ["jn-all"]
    assert lookup(ads, "370100", "resident.premium", 2025, tier=1).values != [440]


def test_a_calculator_never_uses_an_unconditioned_value_for_a_tier():
    from helpers.resolution.rank import matches

    assert not matches({}, {"tier": 1})  # not stated ≠ all
    assert matches({"tier": "all"}, {"tier": 1})
    assert matches({"tier": "all"}, {})
    assert matches({"gap_min": 4}, {"gap": 6})  # a range bound left out is open
    assert not matches({"scheme": "employee"}, {"scheme": "flexible"})


def test_conflicts_are_counted_once_per_disagreement(real):
    r = h.resolve(real, "山东全省", year=2025)
    d = disagreements(r)
    assert len(d) < int(r["conflict"].sum())  # a provincial disagreement shows in many cities
    assert d["rows"].sum() == int(r["conflict"].sum())
    assert all(len(set(map(str, v))) > 1 for v in d["values"])


# ---------------------------------------------------------------- years
def test_an_undated_claim_has_its_own_lane_for_a_year(ads):
    r = h.resolve(ads, "济南", year=2025, topic="binding")
    x = row(r, "family_account.max_relatives")
    assert (x["value"], x["status"]) == (8, "year-not-stated")
    latest = h.resolve(ads, "济南", topic="binding")  # no year asked: it is the value, as before
    assert row(latest, "family_account.max_relatives")["status"] == "own"


def test_a_dated_page_without_a_period_speaks_from_its_date_on(ads):
    before = h.resolve(ads, "济南", year=2024, topic="binding")
    assert row(before, "family_account.one_holder_per_relative")["status"] == "unknown"
    after = h.resolve(ads, "济南", year=2025, topic="binding")
    assert row(after, "family_account.one_holder_per_relative")["value"] is True


def test_an_earlier_period_never_stands_for_a_later_year(ads):
    r = h.resolve(ads, "济南", year=2025, topic="contribution")
    x = row(r, "resident.subsidy_fixed", "group=orphan")
    assert (x["value"], x["status"]) == (None, "unknown")
    assert (x["latest_year"], x["latest_value"]) == (2016, 100)


# ---------------------------------------------------------------- support
def test_support_counts_independent_non_lead_pages_of_the_place(ads):
    x = row(h.resolve(ads, "济南", year=2025, topic="binding"), "family_account.scope")
    # off-a and off-b (one publisher) + med-a and med-same-host (one website) = 2; the lead never
    # counts, the national page stating the same value supports only the national level
    assert (x["value"], x["support"]) == ("province", 2)


# ---------------------------------------------------------------- doubts
def test_doubts_on_a_claim_or_its_source_travel_with_the_value(ads):
    r = h.resolve(ads, "济南", year=2025, topic="binding")
    rel = row(r, "family_account.relations")
    assert rel["doubt"] and [d["reason"] for d in rel["doubts"]] == ["count-basis"]
    bal = row(r, "family_account.balance_must_cover")
    assert [d["reason"] for d in bal["doubts"]] == ["likely-invented"]
    assert not row(r, "family_account.unbind_anytime")["doubt"]


def test_a_later_higher_rule_is_a_doubt_on_an_older_local_value(ads):
    r = h.resolve(ads, "泰安", year=2026, topic="binding")
    x = row(r, "family_account.scope")
    assert (x["value"], x["status"]) == ("province", "own")
    assert [d["reason"] for d in x["doubts"]] == ["later-higher-rule"]
    assert "2026-01-09" in x["doubts"][0]["zh"]


# ---------------------------------------------------------------- plausibility
def test_each_plausibility_check_marks_its_case(ads):
    t = plausibility.table(ads)
    found = {(c, r) for c, r in zip(t["claim_id"], t["reason"], strict=True)}
    assert ("jn-er-med", "part-exceeds-whole") in found
    assert ("jn-copy-lead", "below-national-minimum") in found  # undated: below every minimum on record
    assert ("jn-copy-lead", "equals-older-period") in found  # 140 = 2016, while 2021 says 370
    assert ("sd-weihai", "province-from-city") in found  # filed for Shandong, the title names 青岛
    assert ("jn-adult", "below-national-minimum") not in found  # 440 ≥ 400
    assert ("jn-2021", "equals-older-period") not in found
    assert ("jn-er", "part-exceeds-whole") not in found


def test_plausibility_findings_show_beside_the_value(ads):
    r = h.resolve(ads, "济南", year=2025, topic="contribution")
    x = row(r, "employee.rate.employer_medical_only", "scheme=employee")
    assert [d["reason"] for d in x["doubts"]] == ["part-exceeds-whole"]
    assert "0.09" in x["doubts"][0]["en"]


# ---------------------------------------------------------------- the real data
def test_jinan_adult_rate_is_not_a_tier(real):
    r = h.resolve(real, "济南", year=2025, topic="contribution")
    prem = r[r["parameter"] == "resident.premium"].set_index("conditions")
    assert prem.at["", "value"] == 440
    for ck in [k for k in prem.index if k.startswith("tier=")]:
        claim = prem.at[ck, "claim"]
        assert claim is None or not str(claim).startswith("jinan-resident-premium-adult")


def test_yantai_140_is_never_2025s_value(real):
    r = h.resolve(real, "烟台", year=2025, topic="contribution")
    assert 140 not in set(r.loc[r["parameter"] == "resident.premium", "value"])
    found = plausibility.findings(real).get("yantai-resident-premium-tier1-jiusong-lead", [])
    reasons = {d["reason"] for d in found}
    assert "equals-older-period" in reasons


def test_taian_support_never_counts_the_lead(real):
    x = row(h.resolve(real, "泰安", topic="binding"), "family_account.max_relatives")
    assert x["value"] == 8
    d = x["decision"]
    claims = [d.winner, *d.agreeing]
    cites = [(s, lead) for c in claims for s, lead in zip(c.sources, c.cite_leads, strict=True)]
    leads = [s for s, lead in cites if lead]
    assert leads and x["support"] == 1  # the seed page (a lead) is cited, and not counted


def test_shanghai_medical_only_rate_above_its_total_is_doubted(real):
    found = plausibility.findings(real)
    doubts = found.get("shanghai-emp-rate-employer-employee", [])
    assert any(d["reason"] == "part-exceeds-whole" for d in doubts)


def test_cross_province_scope_reaches_every_shandong_city_one_way(real):
    r = h.resolve(real, "山东全省", year=2026, topic="binding")
    scope = r[r["parameter"] == "family_account.scope"]
    assert len(scope) == 16
    for x in scope.itertuples():
        # either the newest national rule is shown, or the local value carries the doubt that says so
        assert x.value == "national" or any(d["reason"] == "later-higher-rule" for d in x.doubts), x.city_zh


# ---------------------------------------------------------------- marks that match the day
def test_the_day_staleness_counts_from_is_in_every_key(monkeypatch, tmp_path):
    from helpers.build import cachekey, catalog

    nb = tmp_path / "n.ipynb"
    nb.write_text("{}", encoding="utf-8")
    entry = catalog.Entry(name="x", title="X", notebook=nb, parameters={}, timeout=60)
    today = cachekey.report_hash(entry, "v", "c")
    monkeypatch.setattr(cachekey, "marks_day", lambda: "2999-01-01")
    assert cachekey.report_hash(entry, "v", "c") != today  # a new day re-renders: 旧 marks move


def test_the_no_op_stamp_holds_only_for_the_day_it_was_written(monkeypatch, tmp_path):
    from helpers.build import cachekey, warm

    for d in ("reports", "notebooks", "data"):
        (tmp_path / d).mkdir()
    (tmp_path / "reports" / "catalog.yaml").write_text("reports: []\n", encoding="utf-8")
    reports = tmp_path / "reports"
    args = (reports, reports / "catalog.yaml", tmp_path / "notebooks", tmp_path / "data")
    first = warm.warm_key(*args)
    assert warm.warm_key(*args) == first
    monkeypatch.setattr(cachekey, "marks_day", lambda: "2999-01-01")
    assert warm.warm_key(*args) != first


# ---------------------------------------------------------------- tiers compared by what is paid
def test_tiers_are_ordered_by_what_is_paid_within_each_place(real):
    from helpers.report.plots import premium_options

    r = h.resolve(real, "青岛,泰安,济南", year=2025, topic="contribution")
    labels = [o[0] for o in premium_options(r)]
    # Qingdao's tier 1 is its dearer option, Tai'an's tier 1 its cheaper one: each is named by its
    # own label and ranked only within its place
    assert labels.index("青岛市 · 第2档 较低 lower") < labels.index("青岛市 · 第1档 较高 higher")
    assert labels.index("泰安市 · 第1档 较低 lower") < labels.index("泰安市 · 第2档 较高 higher")
    # Jinan's single adult rate states no tier: its own row, never ranked among tiers
    assert "济南市 · 档次未注明" in labels


def test_a_year_not_stated_premium_is_written_not_drawn(ads):
    from helpers.report.plots import premium_options

    r = h.resolve(ads, "济南", year=2025, topic="contribution")  # only an undated page states tier 2
    assert row(r, "resident.premium", "tier=2")[["value", "status"]].tolist() == [520, "year-not-stated"]
    x = [o for o in premium_options(r) if o[0].startswith("济南市 · 第2档")]
    assert x and x[0][1] is None and x[0][3] == "year-not-stated"
