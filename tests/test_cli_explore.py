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
    jinan = by_param["family_account.max_relatives"]["cities"]["济南市"]
    assert jinan["text"] == "7 旧" and jinan["value"] == 7 and jinan["marks"] == ["旧"]  # 济南日报 2021
    # an undated page, and the data doubts it counts relation kinds, not persons: typed, not text
    taian = by_param["family_account.max_relatives"]["cities"]["泰安市"]
    assert taian["text"] == "8 无日期 存疑" and taian["value"] == 8 and isinstance(taian["value"], int)
    assert taian["marks"] == ["无日期", "存疑"] and [d["reason"] for d in taian["doubts"]] == ["count-basis"]
    for r in rows:  # every cell's text is the notebook table's cell
        for city, cell in r["cities"].items():
            t = table[(table["parameter"] == r["parameter"]) & (table["conditions"] == r["conditions"])]
            assert t[city].iloc[0] == cell["text"]
    relations = by_param["family_account.relations"]["cities"]["泰安市"]["value"]
    assert isinstance(relations, list) and "spouse" in relations


def test_compare_several_topics_and_a_group(capsys):
    rows = as_json(capsys, "compare", "--cities", "山东全省", "--topics", "binding,lapse")
    assert len(rows[0]["cities"]) == 16
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


def test_claims_json_and_csv_keep_numbers_lists_and_booleans(capsys):
    rows = as_json(capsys, "claims", "--city", "泰安")
    by_param = {}
    for r in rows:
        by_param.setdefault(r["parameter"], r)
    assert by_param["family_account.max_relatives"]["value"] == 8
    assert by_param["family_account.max_relatives"]["unit"] == "persons"
    assert by_param["family_account.max_relatives"]["value_text"] == "8 人"
    premium = next(r for r in rows if r["claim"] == "taian-resident-premium-tier1-2025")
    assert premium["value"] == 390 and isinstance(premium["value"], int) and premium["value_text"] == "390 元"
    assert all(isinstance(r["usable"], bool) for r in rows)
    assert any(isinstance(r["value"], list) for r in rows) and any(isinstance(r["value"], bool) for r in rows)
    code, out, _ = run(capsys, "claims", "--city", "泰安", "--format", "csv")
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("taian-resident-premium-tier1-2025,"))
    assert ",390,yuan per person per year,390 元," in line


@pytest.mark.parametrize(
    "command", [["resolve", "--cities", "泰安"], ["parameters"], ["compare", "--cities", "泰安"]]
)
def test_topics_is_one_option_name_and_the_old_topic_still_works_with_a_hint(capsys, command):
    new = as_json(capsys, *command, "--topics", "binding")
    code, out, err = run(capsys, *command, "--topic", "binding", "--format", "json")
    assert code == 0 and json.loads(out) == new and new
    assert "--topic is now spelled --topics" in err
    several = as_json(capsys, *command, "--topics", "binding,lapse")
    assert len(several) > len(new)


def test_family_relatives_given_as_json_points_to_household(capsys):
    code, _, err = run(capsys, "family", "--city", "泰安", "--relatives", '[{"relation": "spouse"}]')
    assert code == 2 and err.count("\n") == 1
    assert 'is a JSON household — give it as --household \'[{"relation": "spouse"}]\'' in err


@pytest.mark.parametrize(
    "name,message",
    [
        (
            "莱芜",
            "'莱芜' 已于 2019 年并入济南市 (merged into 济南 in 2019) — 请写 济南 (write 济南 or 370100)",
        ),
        ("济北", "unknown city or region '济北' — did you mean"),
    ],
)
def test_place_hints_are_chinese_for_a_chinese_name(capsys, name, message):
    code, _, err = run(capsys, "resolve", "--cities", name)
    assert code == 2 and message in err
    assert "Anhui" not in err and "known: " not in err


def test_a_municipality_group_names_the_municipality(capsys, real):
    assert h.inputs.places(real, "北京:*") == ["110000"] == h.inputs.places(real, "北京全部")
    rows = as_json(capsys, "resolve", "--cities", "北京:*", "--topics", "binding")
    assert {r["city"] for r in rows} == {"110000"}
