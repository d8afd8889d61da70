"""The analyst's CLI: compare, parameters, glossary, several wages and cities, JSON types, 80 columns."""

from __future__ import annotations

import json

import pytest

import helpers as h
from helpers.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys, *argv: str):
    code, out, err = run(capsys, *argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_compare_json_is_the_notebook_table(capsys, real):
    rows = as_json(capsys, "compare", "--cities", "济南,泰安", "--topics", "binding")
    table = h.compare(real, "济南,泰安", topic="binding")
    assert [r["parameter"] for r in rows] == table["parameter"].tolist()
    by_param = {r["parameter"]: r for r in rows}
    assert by_param["family_account.max_relatives"]["济南市"] == "7 旧"  # 济南日报 2021: older than 2 years
    # an undated page, and the data doubts it counts relation kinds, not persons
    assert by_param["family_account.max_relatives"]["泰安市"] == "8 无日期 存疑"


def test_compare_several_topics_and_a_group(capsys):
    rows = as_json(capsys, "compare", "--cities", "山东全省", "--topics", "binding,lapse")
    assert len([k for k in rows[0] if k.endswith("市")]) == 16
    assert any(r["parameter"].startswith("lapse.") for r in rows)
    assert not any(r["parameter"].startswith("employee.") for r in rows)


def test_compare_bad_topic_is_one_line_exit_2(capsys):
    code, out, err = run(capsys, "compare", "--cities", "济南", "--topics", "bindings")
    assert code == 2 and out == ""
    assert err.strip() == (
        "error: --topics: unknown topic 'bindings' — did you mean 'binding'? "
        "(allowed: binding, contribution, lapse, benefit)"
    )


def test_parameters_command(capsys, real):
    rows = as_json(capsys, "parameters", "--topic", "binding")
    assert {"id", "zh", "en", "unit", "description"} <= set(rows[0])
    ids = {r["id"] for r in rows}
    assert "family_account.max_relatives" in ids and not any(i.startswith("lapse.") for i in ids)
    assert len(as_json(capsys, "parameters")) == len(real.parameters)
    one = next(r for r in rows if r["id"] == "family_account.max_relatives")
    assert one["unit"] == "persons" and isinstance(one["conditions"], list)


def test_glossary_explains_reasons_statuses_kinds(capsys):
    rows = as_json(capsys, "glossary")
    terms = {(r["section"], r["term"]): r for r in rows}
    assert ("reason", "binding limit not sourced") in terms
    assert ("status", "inherited-national") in terms
    assert ("source kind", "ai-generated") in terms
    assert "父亲" in terms[("relation", "parent")]["aliases"]
    assert all(r["meaning"] for r in rows)


def test_glossary_function_covers_every_reason_the_calculator_gives(real):
    g = h.glossary(real)
    reasons = set(g.loc[g["section"] == "reason", "term"])
    r = h.family_binding(real, "泰安", [{"relation": "sibling", "place": "北京"}, {"relation": "spouse"}])
    for text in r["reason"]:
        for part in text.split("; "):
            assert part in reasons or any(t.split("{")[0] in part for t in reasons if "{" in t)


def test_family_json_types_and_several_cities(capsys):
    rows = as_json(capsys, "family", "--cities", "济南,泰安", "--relatives", "父亲,兄弟姐妹,father-in-law")
    assert [r["city_zh"] for r in rows] == ["济南市"] * 3 + ["泰安市"] * 3
    assert [r["relation"] for r in rows[:3]] == ["parent", "sibling", "parent_in_law"]
    for r in rows:
        assert r["can_bind"] in (True, False, None)
        assert r["status"] in ("yes", "no", "unknown", "disputed")
        assert r["can_bind"] == {"yes": True, "no": False}.get(r["status"])
        assert isinstance(r["claims"], list) and isinstance(r["conflict"], bool)
        assert r["premium_lo"] is None or isinstance(r["premium_lo"], int | float)


def test_family_bare_list_household_says_the_shape(capsys):
    code, _, err = run(capsys, "family", "--city", "泰安", "--household", '["spouse", "child"]')
    assert code == 2
    assert 'expected a list of objects — write e.g. [{"relation": "spouse"}' in err


def test_contribution_several_wages(capsys):
    rows = as_json(capsys, "contribution", "--city", "泰安", "--wage", "2500,8000")
    assert [r["wage"] for r in rows] == [2500, 8000]
    assert rows[1]["employee_month_lo"] == 160 and rows[0]["city_zh"] == "泰安市"
    assert isinstance(rows[0]["claims"], list) and isinstance(rows[0]["conflict"], bool)


def test_lapse_json_booleans(capsys):
    rows = as_json(capsys, "lapse", "--city", "泰安", "--scheme", "居民", "--lapsed-years", "0")
    assert rows[0]["scheme"] == "resident" and rows[0]["gap_covered"] is None
    rows = as_json(capsys, "lapse", "--city", "武汉", "--scheme", "flexible", "--gap-months", "5")
    assert rows[0]["gap_covered"] is False and rows[0]["waiting_max"] == 6


@pytest.mark.parametrize(
    "argv",
    [
        ["contribution", "--city", "泰安", "--wage", "2500,8000"],
        ["compare", "--cities", "济南,泰安,青岛"],
        ["family", "--cities", "济南,泰安", "--relatives", "spouse,sibling"],
        ["parameters"],
        ["glossary", "--section", "reason"],
    ],
)
def test_tables_fit_80_columns(capsys, monkeypatch, argv):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, *argv)
    assert code == 0 and out
    from rich.cells import cell_len  # Chinese characters take two terminal cells

    assert max(cell_len(line) for line in out.splitlines()) <= 80


def test_every_option_has_help():
    from helpers.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, sp in sub.choices.items():
        for action in sp._actions:
            if action.dest == "help":
                continue
            assert action.help, f"yibao {name} {action.option_strings} has no help text"
