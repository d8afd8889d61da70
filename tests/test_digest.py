"""The what-changed digest (helpers.resolution.digest, helpers.report.digest): what the pages now say
differently — a reclassified source is one "reliability fell" line, an inherited change one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import GOOD

from helpers.data import load
from helpers.data.editions import Edition
from helpers.report.changes import ChangeResult, changes_section
from helpers.report.digest import change_digest
from helpers.resolution.changes import diff
from helpers.resolution.digest import DIGEST_COLUMNS, digest, digest_counts

YEAR = 2025


def _edition(root: Path, edit=None) -> Path:
    shutil.copytree(GOOD, root)
    if edit:
        for name, (old, new) in edit.items():
            path = root / name
            text = path.read_text(encoding="utf-8")
            assert old in text, f"fixture text not found in {name}: {old!r}"
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    root = tmp_path_factory.mktemp("digest")
    base = load(_edition(root / "base"))
    # the source behind Tai'an's employer rate is judged again: machine-written, not media
    downgraded = load(_edition(root / "down", {"sources.yaml": ("kind: media", "kind: ai-generated")}))
    # the national tier-1 premium is corrected: every place inheriting it shows a new value
    national = load(_edition(root / "nat", {"policies/000000-national.yaml": ("value: 400", "value: 410")}))
    # a second page of the same rank gives Tai'an another tier-1 premium: a new conflict
    conflict = load(
        _edition(
            root / "conf",
            {
                "policies/370900-taian.yaml": (
                    "claims:\n",
                    "claims:\n  - id: taian-premium-other\n    parameter: resident.premium\n    value: 395\n"
                    "    period: {year: 2025}\n    conditions: {tier: 1}\n    source: agg-b\n"
                    "    locator: premiums\n",
                )
            },
        )
    )
    return base, downgraded, national, conflict


def test_a_reclassified_source_is_one_reliability_line(editions):
    base, downgraded, *_ = editions
    t = digest(base, downgraded, YEAR)
    assert list(t.columns) == list(DIGEST_COLUMNS)
    assert digest_counts(t) == {
        "value": 0, "conflict": 0, "reliability-fell": 1, "reliability-rose": 0, "conflict-resolved": 0
    }  # fmt: skip
    line = t.iloc[0]
    assert (line["places"], line["parameter"], line["old_value"], line["new_value"]) == (
        ["370900"], "employee.rate.employer", 0.08, 0.08
    )  # fmt: skip
    assert (line["old_kind"], line["new_kind"]) == ("media", "ai-generated")
    # back again: the same value on firmer ground
    back = digest(downgraded, base, YEAR)
    assert list(back["change"]) == ["reliability-rose"]
    # and the detail lists the same page once, as changed (not removed and added)
    d = diff(base, downgraded)
    changed = d[d["change"] == "changed"]
    assert list(changed["detail"]) == ["source reclassified media → ai-generated"]
    assert not d["change"].isin(["added", "removed"]).any()


def test_an_inherited_change_is_one_line_naming_every_place(editions):
    base, _, national, _ = editions
    t = digest(base, national, YEAR)
    assert list(t["change"]) == ["value"]
    line = t.iloc[0]
    shown = {c for c in base.jurisdictions["code"]}  # every place inherits the national tier 1
    assert set(line["places"]) == shown - {"370900"}  # Tai'an states its own tier 1
    assert (line["from"], line["old_value"], line["new_value"]) == ("000000", 400, 410)


def test_a_new_conflict_is_listed_with_every_value(editions):
    base, _, _, conflict = editions
    t = digest(base, conflict, YEAR)
    assert list(t["change"]) == ["conflict"]
    assert t.iloc[0]["places"] == ["370900"] and sorted(t.iloc[0]["new_value"]) == [390, 395]
    assert digest(base, base, YEAR).empty


def _result(old, new) -> ChangeResult:
    e = [Edition(label, None, None, ds, True, True) for label, ds in (("before", old), ("after", new))]
    return ChangeResult(e[0], e[1], True, diff(old, new))


def test_the_digest_section_reads_for_people(editions):
    base, downgraded, *_ = editions
    html = change_digest(_result(base, downgraded), YEAR).to_html()
    assert 'id="digest"' in html and "可靠程度下降 reliability fell</b>(1)" in html
    assert "泰安市" in html and "370900" not in html  # names, not codes
    kinds = base.labels
    assert f"来源类型 source kind: {kinds['media']['zh']}" in html and kinds["ai-generated"]["zh"] in html
    assert "可靠程度下降 1 处" in html and "reliability fell for 1" in html
    detail = changes_section(_result(base, downgraded)).to_html()
    assert "<details" in detail and "<code>" not in detail and "泰安市" in detail


def test_digest_text_from_data_is_escaped(editions):
    base, downgraded, *_ = editions
    hostile = downgraded.sources.copy()
    hostile.loc[hostile["id"] == "med-old", "title"] = "<script>x</script>"
    downgraded.sources = hostile
    html = change_digest(_result(base, downgraded), YEAR).to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html
