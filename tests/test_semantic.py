"""Tests that catch semantic mistakes (issue 29): each one fails for a named class of wrong logic
that hand-made mutants showed the suite let through. Each was checked by applying its mistake by
hand (the mutant named in the test's docstring) and seeing the test fail, then reverting.

The data is synthetic and small: the project's parameters.yaml and jurisdictions.csv, four
sources of known kinds, and only the claims each test needs (so the real data's edits never move
these tests)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from helpers import config
from helpers.data import load
from helpers.resolution.rank import OPEN_END, OPEN_START, Ranked, decide

SOURCES = """\
- {id: off-a, title: Official notice, publisher: bureau, kind: official, kind_basis: fixture,
   checked: 2026-11-25, published: 2025-06-01, retrieved: 2026-11-25, url: https://example.gov.cn/a}
- {id: agg-a, title: Aggregator A, publisher: site a, kind: aggregator, kind_basis: fixture,
   checked: 2026-11-25, published: 2025-03-01, retrieved: 2026-11-25}
- {id: agg-b, title: Aggregator B, publisher: site b, kind: aggregator, kind_basis: fixture,
   checked: 2026-11-25, published: 2025-03-01, retrieved: 2026-11-25}
- {id: ai-lead, title: Template page, publisher: template site, kind: ai-generated, kind_basis: fixture,
   checked: 2026-11-25, published: null, retrieved: 2026-11-25}
"""


def dataset(tmp_path: Path, claims: str):
    """A data folder with Tai'an's `claims` (YAML list items) only."""
    data = tmp_path / "data"
    (data / "policies").mkdir(parents=True)
    for name in ("parameters.yaml", "jurisdictions.csv"):
        shutil.copy(config.DATA_DIR / name, data / name)
    (data / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    body = 'jurisdiction: "370900"\nclaims:\n' + claims
    (data / "policies" / "370900-taian.yaml").write_text(body, encoding="utf-8")
    return load(data)


def claim(cid: str, parameter: str, value, source: str, more: str = "") -> str:
    text = f"  - id: {cid}\n    parameter: {parameter}\n    value: {value}\n    source: {source}\n"
    return text + "    locator: fixture\n" + "".join(f"    {line}\n" for line in more.splitlines())


def row(ds, parameter: str, **kw):
    from helpers import resolve

    t = resolve(ds, "泰安", **kw)
    hit = t[t["parameter"] == parameter]
    assert len(hit) == 1, t[["parameter", "conditions", "value"]]
    return hit.iloc[0]


# ---------------------------------------------------------------- the conflict check and periods


def test_a_claim_whose_period_covers_the_year_outranks_a_dated_page_without_a_period(tmp_path):
    """Mistake: the conflict check ignoring period coverage (`_covers(c) == _covers(w)` dropped
    from `decide`'s same-rank test). A claim stating the 2025 period and an equally ranked page
    dated 2025 stating no period are not in conflict for 2025: the period decides."""
    ds = dataset(
        tmp_path,
        claim("a", "family_account.max_relatives", 8, "agg-a", "period: {year: 2025}")
        + claim("b", "family_account.max_relatives", 9, "agg-b"),
    )
    r = row(ds, "family_account.max_relatives", year=2025)
    assert (r["value"], bool(r["conflict"])) == (8, False)
    r = row(ds, "family_account.max_relatives", year=2026)  # the period no longer covers: the page
    assert (r["value"], bool(r["conflict"])) == (9, False)


def test_two_claims_covering_the_year_alike_do_conflict(tmp_path):
    """The other side of the same rule: equal rank, coverage and specificity with different
    values is a conflict (so the test above cannot pass by never finding conflicts)."""
    ds = dataset(
        tmp_path,
        claim("a", "family_account.max_relatives", 8, "agg-a", "period: {year: 2025}")
        + claim("b", "family_account.max_relatives", 9, "agg-b", "period: {year: 2025}"),
    )
    r = row(ds, "family_account.max_relatives", year=2025)
    assert bool(r["conflict"]) and sorted(r["values"]) == [8, 9]


# ---------------------------------------------------------------- citations and leads


def test_an_official_also_citation_lifts_a_lead(tmp_path):
    """Mistake: ranking a claim by its own source's kind only (`best_kind` ignoring `also`). A
    machine-written page's claim that an official notice also states is not a lead: it is shown
    as verified, outranks an aggregator, and the official origin counts as support."""
    ds = dataset(
        tmp_path,
        claim("lead", "family_account.max_relatives", 8, "ai-lead", "also: [{source: off-a, locator: p1}]")
        + claim("agg", "family_account.max_relatives", 9, "agg-a"),
    )
    r = row(ds, "family_account.max_relatives")
    assert r["value"] == 8 and r["kind"] == "ai-generated"  # the claim's own source, shown as it is
    assert r["status"] == "own" and not bool(r["conflict"])
    assert r["support"] == 1  # the official origin; the lead's own citation never counts


def test_a_lead_cited_only_by_leads_stays_a_lead(tmp_path):
    ds = dataset(
        tmp_path,
        claim("lead", "family_account.max_relatives", 8, "ai-lead")
        + claim("agg", "family_account.max_relatives", 9, "agg-a"),
    )
    r = row(ds, "family_account.max_relatives")
    assert r["value"] == 9 and r["status"] == "own"


def _ranked(cid: str, value, kind: str, scope: str = "stated") -> Ranked:
    return Ranked(
        cid, "370900", "family_account.max_relatives", "", {}, value, f"src-{cid}", kind,
        dt.date(2025, 3, 1), OPEN_START, OPEN_END, False, None, True, (f"src-{cid}",), kind, scope,
        dt.date(2025, 3, 1), (), (f"origin-{cid}",), (kind == "ai-generated",),
    )  # fmt: skip


def test_an_unattributed_lead_is_unattributed_not_a_lead():
    """Mistake: testing `lead` before `unattributed` in `decide`. A machine-written statement
    naming no place is a general statement: listed as unattributed, never a lead that could
    stand in for the place's value (nor make the key "unverified" in what changed)."""
    general = _ranked("g", 8, "ai-generated", scope="unattributed")
    d = decide([[general]], None)
    assert (d.winner, d.leads, d.unattributed) == (None, [], [general])
    d = decide([[general, _ranked("own", 9, "ai-generated")]], None)
    assert d.winner.claim_id == "own" and d.unverified and d.unattributed == [general]


def test_an_unattributed_lead_never_makes_a_key_unverified_in_what_changed(tmp_path):
    from helpers.resolution.changes import diff

    old = dataset(tmp_path / "old", claim("agg", "family_account.scope", "province", "agg-a"))
    new = dataset(
        tmp_path / "new",
        claim("agg", "family_account.scope", "province", "agg-a")
        + claim("g", "family_account.max_relatives", 8, "ai-lead", "scope: unattributed"),
    )
    t = diff(old, new)
    assert "unverified" not in set(t["change"]), t[["change", "parameter"]]


# ---------------------------------------------------------------- family binding


FAMILY = (
    claim("rel", "family_account.relations", "[spouse, parent, child]", "off-a")
    + claim("lim", "family_account.max_relatives", 5, "off-a")
)


def test_a_disputed_scope_is_not_used_as_known_in_family_binding(tmp_path):
    """Mistake: taking a disputed scope's first figure as the scope (`or scope.conflict` dropped).
    Sources at one rank saying "province" and "city": a relative insured in another Shandong city
    can bind only if the province rule holds, so the answer is unknown, with the reason."""
    from helpers import family_binding, family_bindings
    from helpers.rules import reasons as R

    ds = dataset(
        tmp_path,
        FAMILY
        + claim("s1", "family_account.scope", "province", "agg-a")
        + claim("s2", "family_account.scope", "city", "agg-b"),
    )
    for place in ("济南", "北京"):
        r = family_binding(ds, "泰安", [{"relation": "spouse", "place": place}]).iloc[0]
        assert (r["can_bind"], r["reason"]) == ("unknown", R.SCOPE_UNSOURCED), place
        assert bool(r["conflict"])
    import pandas as pd

    many = family_bindings(ds, pd.DataFrame({"household": [1], "city": "泰安", "relation": ["spouse"],
                                             "place": ["济南"]}))  # fmt: skip
    assert many.at[0, "can_bind"] == "unknown"
    same = family_binding(ds, "泰安", [{"relation": "spouse"}]).iloc[0]  # insured in Tai'an itself
    assert same["can_bind"] == "yes"


@pytest.mark.parametrize(("scope", "jinan", "beijing"), [("province", "yes", "no"), ("city", "no", "no")])
def test_a_known_scope_decides_where_relatives_may_be_insured(tmp_path, scope, jinan, beijing):
    from helpers import family_binding

    ds = dataset(tmp_path, FAMILY + claim("s1", "family_account.scope", scope, "off-a"))
    got = [family_binding(ds, "泰安", [{"relation": "spouse", "place": p}]).at[0, "can_bind"]
           for p in ("济南", "北京")]  # fmt: skip
    assert got == [jinan, beijing]


# ---------------------------------------------------------------- tiers


PREMIUMS = (
    claim("p1", "resident.premium", 380, "off-a", "conditions: {tier: 1}")
    + claim("p2", "resident.premium", 600, "off-a", "conditions: {tier: 2}")
)


def test_the_benefit_tier_follows_the_tier_paid_not_the_tier_chosen(tmp_path):
    """Mistake: a group's benefit tier taken from the household's chosen tier instead of the tier
    the group pays (`else tier` for `else paid_tier`). Orphans stated to pay tier 2 receive tier 2
    benefits unless a source says otherwise, whatever tier the household chose."""
    from helpers import resident_premiums

    ds = dataset(
        tmp_path,
        PREMIUMS
        + claim("paid", "resident.paid_tier", 2, "off-a", "conditions: {group: orphan}")
        + claim("paid-s", "resident.paid_tier", 1, "off-a", "conditions: {group: student}")
        + claim("ben-s", "resident.benefit_tier", 2, "off-a", "conditions: {group: student}"),
    )
    members = [{"age": 30, "group": "orphan"}, {"age": 30, "group": "student"}, {"age": 40}]
    for chosen in (1, 2):
        t = resident_premiums(ds, "泰安", members, tier=chosen)
        assert t["paid_tier"].tolist() == [2, 1, chosen], chosen
        assert t["benefit_tier"].tolist() == [2, 2, chosen], chosen
        assert t["pays_lo"].tolist() == [600, 380, {1: 380, 2: 600}[chosen]]
