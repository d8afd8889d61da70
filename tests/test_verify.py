"""`yibao verify sample | score`: a blind, stratified, reproducible sheet and its exact agreement."""

from __future__ import annotations

import csv
import dataclasses
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import helpers as h
from helpers.cli import main
from helpers.config import DATA_DIR
from helpers.report.agreement import agreement_text
from helpers.report.verify_sample import (
    CODER_COLUMNS,
    KEY_COLUMNS,
    SHEET_COLUMNS,
    SheetPaths,
    allocate,
    drawable,
    sample,
    write_sheet,
)
from helpers.report.verify_score import score_sheet


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict[str, str]], columns=SHEET_COLUMNS) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns))
        w.writeheader()
        w.writerows(rows)


@pytest.fixture
def data_copy(tmp_path):
    """A copy of the project's data, so a score can write VERIFY.md without touching data/."""
    dst = tmp_path / "data"
    shutil.copytree(DATA_DIR, dst, ignore=shutil.ignore_patterns("VERIFY.md", "verify.json"))
    return dst


# -- sample -------------------------------------------------------------------------------------


def test_allocate_gives_every_kind_its_floor_then_shares_the_rest_by_size():
    assert allocate({"official": 8, "media": 130, "aggregator": 174}, 30) == {
        "official": 3,
        "media": 12,
        "aggregator": 15,
    }
    # a kind with fewer claims than the floor gives all it has; the total is always n
    got = allocate({"official": 1, "media": 100, "aggregator": 100}, 11)
    assert got["official"] == 1 and sum(got.values()) == 11


def test_sample_is_stratified_by_kind(real):
    sheet, key = sample(real, n=80, seed=25)
    pool = drawable(real)
    counts = key["kind"].value_counts()
    assert set(counts.index) == set(pool["kind"])  # every kind present is drawn
    assert counts.min() >= 3
    # proportional beyond the floor: the biggest kind in the pool is the biggest in the sample
    assert counts.idxmax() == pool["kind"].value_counts().idxmax()
    assert len(sheet) == len(key) == 80 and key["claim_id"].is_unique
    assert list(sheet["row"][:3]) == ["v001", "v002", "v003"]


def test_sample_is_reproducible_by_seed_and_changes_with_it(real):
    a = sample(real, n=40, seed=7)[1]["claim_id"].tolist()
    assert a == sample(real, n=40, seed=7)[1]["claim_id"].tolist()
    assert a != sample(real, n=40, seed=8)[1]["claim_id"].tolist()


def test_sample_skips_claims_whose_source_has_no_url(real):
    no_url = set(real.sources.loc[real.sources["url"].isna(), "id"])
    skipped = set(real.claims.loc[real.claims["source"].isin(no_url), "claim_id"])
    assert skipped  # the seed pages have no URL
    key = sample(real, n=len(drawable(real)), seed=1)[1]
    assert not skipped & set(key["claim_id"])


def test_sheet_is_blind_and_key_is_separate(real, tmp_path):
    done = write_sheet(real, tmp_path / "sheet.csv", n=30, seed=3)
    p = done["paths"]
    rows = _read(p.sheet)
    assert tuple(rows[0]) == SHEET_COLUMNS and "claim_id" not in rows[0]
    assert all(r[c] == "" for r in rows for c in CODER_COLUMNS)  # nothing of the claim is filled in
    key = _read(p.key)
    assert tuple(key[0]) == KEY_COLUMNS and [k["row"] for k in key] == [r["row"] for r in rows]
    claims = real.claims.set_index("claim_id")
    for r, k in zip(rows, key, strict=True):  # the given columns are the page, not the claim
        c = claims.loc[k["claim_id"]]
        assert r["locator"] in (c["locator"], "'" + c["locator"])
        assert k["claim_id"] not in "".join(r.values())
    cat = _read(p.catalogue)
    assert {r["id"] for r in cat} == set(real.parameters["id"])
    assert p.guide.read_text(encoding="utf-8").startswith("How to code")


def test_sheet_cells_that_look_like_formulas_are_neutralised(real, tmp_path):
    src = real.sources.copy()
    src.loc[src["url"].notna(), "title"] = "=HYPERLINK(1)"
    ds = dataclasses.replace(real, sources=src, cache={})
    write_sheet(ds, tmp_path / "s.csv", n=10, seed=1)
    assert {r["title"] for r in _read(tmp_path / "s.csv")} == {"'=HYPERLINK(1)"}


def test_an_existing_sheet_is_not_overwritten(real, tmp_path):
    write_sheet(real, tmp_path / "s.csv", n=5, seed=1)
    with pytest.raises(h.InputError, match="exists"):
        write_sheet(real, tmp_path / "s.csv", n=5, seed=2)
    write_sheet(real, tmp_path / "s.csv", n=5, seed=2, force=True)


# -- score --------------------------------------------------------------------------------------

#: A tiny key and the coder's answers: what each row tests.
KEY = [
    ("v001", "taian-family-max-relatives", "aggregator"),  # 8, no conditions, no period: all agree
    ("v002", "taian-family-scope", "official-reprint"),  # value differs (city vs province)
]


def _tiny_sheet(tmp_path: Path, answers: list[dict[str, str]]) -> Path:
    sheet = tmp_path / "tiny.csv"
    rows = []
    for (row, _, _), a in zip(KEY, answers, strict=True):
        blank = dict.fromkeys(SHEET_COLUMNS, "")
        rows.append({**blank, "row": row, "url": "http://example.org", **a})
    _write(sheet, rows)
    key = [{"row": r, "claim_id": c, "kind": k, "seed": "5", "drawn": "2026-12-07"} for r, c, k in KEY]
    _write(SheetPaths(sheet).key, key, KEY_COLUMNS)
    return sheet


def test_score_of_a_hand_filled_sheet_is_exact(data_copy, tmp_path):
    ds = h.load(data_copy)
    sheet = _tiny_sheet(
        tmp_path,
        [
            {"place": "泰安市", "parameter": "family_account.max_relatives", "value": "8.0"},
            {"place": "unattributed", "parameter": "family_account.scope", "value": "city", "period": "2025"},
        ],
    )
    s = score_sheet(ds, sheet)
    a = s.agreement().iloc[0]
    assert a["value"] == 0.5 and a["parameter"] == 1.0 and a["conditions"] == 1.0
    assert a["period"] == 0.5 and a["scope"] == 0.5 and a["all_five"] == 0.5
    d = s.disagreements()
    assert sorted(zip(d["claim_id"], d["field"], strict=True)) == [
        ("taian-family-scope", "period"),
        ("taian-family-scope", "scope"),
        ("taian-family-scope", "value"),
    ]
    assert d.set_index("field").loc["value", "data"] == "province"
    assert s.agreement("kind").loc["aggregator", "all_five"] == 1.0


@pytest.mark.parametrize(
    ("data_value", "coded", "vtype", "same"),
    [
        (0.08, "8%", "rate", True),
        (0.08, "0.080", "rate", True),
        (390, "391", "yuan", False),
        (["spouse", "parent"], "parent, spouse", "list", True),
        (["spouse", "parent"], "spouse", "list", False),
        (True, "是", "bool", True),
    ],
)
def test_values_compare_by_type(data_value, coded, vtype, same):
    from helpers.report.verify_score import value_key

    assert (value_key(data_value, vtype) == value_key(coded, vtype)) is same


def test_conditions_distinguish_all_from_unstated_and_periods_read_years():
    from helpers.report.verify_score import conditions_key, period_key

    assert conditions_key({"tier": 1, "scheme": "resident"}) == conditions_key("scheme=resident; tier=1")
    assert conditions_key({"tier": "all"}) != conditions_key("")
    assert conditions_key({"tier": "all"}) == conditions_key("tier=all")
    assert period_key("2025") == ("2025-01-01", "2025-12-31")
    assert period_key("2025-09-10..") == ("2025-09-10", None)


def test_rows_left_blank_or_deleted_are_not_coded(data_copy, tmp_path):
    sheet = _tiny_sheet(tmp_path, [{"place": "泰安市", "value": "8"}, {"note": "page gone"}])
    s = score_sheet(h.load(data_copy), sheet)
    assert s.uncoded == ["v002"] and len(s.rows) == 1
    rows = _read(sheet)[:1]
    _write(sheet, rows)
    key = _read(SheetPaths(sheet).key) + [
        {"row": "v003", "claim_id": "x", "kind": "media", "seed": "5", "drawn": ""}
    ]
    _write(SheetPaths(sheet).key, key, KEY_COLUMNS)
    assert score_sheet(h.load(data_copy), sheet).uncoded == ["v002", "v003"]


def test_score_writes_verify_md_and_json_with_decisions(data_copy, tmp_path):
    sheet = _tiny_sheet(
        tmp_path,
        [
            {"place": "泰安市", "parameter": "family_account.max_relatives", "value": "8"},
            {"place": "泰安市", "parameter": "family_account.scope", "value": "city"},
        ],
    )
    (data_copy / "verify-decisions.yaml").write_text(
        "- {claim: taian-family-scope, field: value, decision: data right, reason: page says 省内}\n",
        encoding="utf-8",
    )
    assert main(["verify", "score", str(sheet), "--data-dir", str(data_copy)]) == 0
    doc = json.loads((data_copy / "verify.json").read_text(encoding="utf-8"))
    assert doc["coded"] == 2 and doc["agreement"]["value"] == 0.5 and doc["undecided"] == 0
    md = (data_copy / "VERIFY.md").read_text(encoding="utf-8")
    assert "data right — page says 省内" in md and "seed 5" in md
    assert doc["confirmed"] == ["taian-family-max-relatives"]
    ds = h.load(data_copy)
    assert "value agreement 50.0%" in agreement_text(ds)
    kinds = h.report.kinds_section(ds).parts[0]
    assert "1: 数值 value 0.0%" in kinds and "value agreement 50.0%" in kinds
    from helpers.report.frontpage import reliability

    assert "second-coded 2 claims" in reliability(ds)


def test_agreement_is_not_yet_measured_without_a_result(data_copy):
    ds = h.load(data_copy)
    assert "not yet measured" in agreement_text(ds)
    (data_copy / "verify.json").write_text("{broken", encoding="utf-8")
    assert "not yet measured" in agreement_text(h.load(data_copy))


# -- footnotes ------------------------------------------------------------------------------------


def test_footnote_says_when_a_claim_was_second_coded(data_copy):
    path = data_copy / "policies" / "370900-taian.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "  - id: taian-family-scope\n"
    block = text.split(marker, 1)[1].split("  - id: ", 1)[0]
    if "second_coded:" not in block:  # the real data records it since the decisions of 2026-12-07
        path.write_text(text.replace(marker, marker + "    second_coded: 2026-12-07\n"), encoding="utf-8")
    ds = h.load(data_copy)
    notes = h.report.Footnotes(ds)
    notes.ref_claim("taian-family-scope")
    notes.ref_claim("taian-family-max-relatives")
    items = notes.html().split("<li ")
    assert "二次编码核对 second-coded 2026-12-07" in items[1]  # the scope claim's own source
    assert "second-coded" not in items[3]  # the max-relatives claim's source: not second-coded


# -- bad input: one line, exit 2 -----------------------------------------------------------------


def _one_line(capsys, argv) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0]
    return err[0]


def test_bad_input_is_one_line_exit_2(capsys, data_copy, tmp_path):
    dd = ["--data-dir", str(data_copy)]
    assert "--n" in _one_line(capsys, ["verify", "sample", "--n", "0", "--out", str(tmp_path / "a.csv"), *dd])
    assert "--n" in _one_line(capsys, ["verify", "sample", "--n", "x", "--out", str(tmp_path / "a.csv"), *dd])
    assert "not found" in _one_line(capsys, ["verify", "score", str(tmp_path / "missing.csv"), *dd])
    sheet = _tiny_sheet(tmp_path, [{"value": "8"}, {"value": "city"}])
    SheetPaths(sheet).key.unlink()
    assert "key not found" in _one_line(capsys, ["verify", "score", str(sheet), *dd])
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"row": ["v001"], "value": ["8"]}).to_csv(bad, index=False)
    assert "header" in _one_line(capsys, ["verify", "score", str(bad), *dd])
