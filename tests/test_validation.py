"""Every bad-input case gives one clear message naming file, line and fix; exit 2, no traceback."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BAD, GOOD, build_case

from helpers.cli import main

CASES = sorted(p.name for p in BAD.iterdir() if (p / "expected.txt").exists())


GOOD_CATALOG = (
    "reports:\n  - name: pair\n    title: Pair\n    notebook: 01-compare-cities.ipynb\n"
    "    parameters: {cities: '济南,泰安', year: 2025}\n"
)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", CASES)
def test_bad_input(name, tmp_path, capsys, monkeypatch):
    case = BAD / name
    expected = (case / "expected.txt").read_text(encoding="utf-8").strip()
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "catalog.yaml").write_text(GOOD_CATALOG, encoding="utf-8")
    (reports / "html").mkdir()
    (reports / "html" / "pair.html").write_text("<p>previous rendering</p>", encoding="utf-8")
    (reports / "index.html").write_text("<p>previous index</p>", encoding="utf-8")
    data = build_case(case, tmp_path)
    before = snapshot(reports)
    monkeypatch.chdir(tmp_path)
    runs = [
        [
            "render",
            "--quiet",
            "--data-dir",
            str(data),
            "--reports-dir",
            str(reports),
            "--catalog",
            str(reports / "catalog.yaml"),
        ]
    ]
    if (case / "notebooks").exists():
        runs[0] += ["--notebooks-dir", str(tmp_path / "notebooks")]
    if (case / "data").exists() or (case / "SETUP").exists() or (case / "GENERATE").exists():
        runs.append(["check-data", "--data-dir", str(data)])
    for argv in runs:
        code = main(argv)
        err = capsys.readouterr().err
        assert code == 2, argv
        for line in expected.splitlines():  # e.g. the message, then "1 problem(s) found."
            assert line in err.splitlines(), err
        assert "Traceback" not in err
    assert snapshot(reports) == before  # nothing already rendered is lost or changed


def test_bad_input_corpus_is_large_enough():
    assert len(CASES) >= 90


def test_good_fixture_passes(capsys):
    assert main(["check-data", "--data-dir", str(GOOD)]) == 0
    assert "13 claims" in capsys.readouterr().out


def test_cli_process_exits_2_without_traceback(tmp_path):
    data = build_case(BAD / "unknown_parameter", tmp_path)
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    r = subprocess.run(
        [sys.executable, "-m", "helpers.cli", "check-data", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "unknown parameter 'resident.premum' — did you mean 'resident.premium'?" in r.stderr


def test_all_problems_reported_at_once(tmp_path, capsys, monkeypatch):
    data = build_case(BAD / "unknown_parameter", tmp_path)
    (data / "policies" / "370100-jinan.yaml").write_text(
        'jurisdiction: "370100"\nclaims:\n  - {id: jinan-x, parameter: family_account.max_relatives,'
        " value: -1, source: nope, locator: x}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["check-data", "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert "3 problem(s) found." in err
    assert "unknown source 'nope'" in err and "is negative" in err


def test_unknown_city_message(capsys):
    assert main(["claims", "--city", "taiyuan"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --city: unknown city or region 'taiyuan' — did you mean")


def test_claims_csv_lists_taian_facts(capsys):
    assert main(["claims", "--city", "泰安", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "resident.premium,tier=1,390" in out and "seed-taian-family-payment" in out


def test_paths_shown_relative_to_cwd(tmp_path, monkeypatch, capsys):
    data = build_case(BAD / "unknown_source", tmp_path)
    monkeypatch.chdir(tmp_path)
    main(["check-data", "--data-dir", str(data)])
    assert capsys.readouterr().err.startswith("data" + os.sep)
    assert Path(data).is_absolute()


def test_every_place_with_an_unknown_parent_is_reported(tmp_path):
    """One unknown parent does not stop the check of the rows after it (unknown parents and loops)."""
    from helpers.data.jurisdictions import load_jurisdictions
    from helpers.exceptions import Problem

    (tmp_path / "jurisdictions.csv").write_text(
        "code,name_zh,name_en,level,parent\n"
        "000000,全国,National,national,\n"
        "370000,山东省,Shandong,province,000000\n"
        "370100,济南市,Jinan,city,379999\n"
        "370200,青岛市,Qingdao,city,378888\n"
        "370900,泰安市,Tai'an,city,370800\n"
        "370800,济宁市,Jining,city,370900\n",
        encoding="utf-8",
    )
    problems: list[Problem] = []
    load_jurisdictions(tmp_path, problems)
    shown, fix = problems[0].file, "use the 6-digit code of a listed province, or 000000"
    assert shown.endswith("jurisdictions.csv")
    assert problems == [
        Problem(shown, 4, "parent '379999' of 370100 is unknown", fix),
        Problem(shown, 5, "parent '378888' of 370200 is unknown", fix),
        Problem(
            shown,
            6,
            "parents loop: 370900 → 370800 → 370900",
            "a place's parent must be a larger place (city → province → 000000)",
        ),
    ]


def _problems_after(tmp_path, monkeypatch, change) -> list:
    """The problems load() reports for a copy of the fixture data (in tmp_path/data, read from
    tmp_path so paths show as data/…) after `change(data_dir)`; fails if it loads."""
    from helpers.data import load
    from helpers.exceptions import DataError

    shutil.copytree(GOOD, tmp_path / "data")
    change(tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError) as info:
        load(tmp_path / "data")
    return info.value.problems


def _claim_problems(tmp_path, monkeypatch, policy: str, parameters=None) -> list:
    """The problems load() finds in the fixture data with Tai'an's policy file (and parameters) replaced."""

    def change(data: Path) -> None:
        (data / "policies" / "370900-taian.yaml").write_text(policy, encoding="utf-8")
        if parameters is not None:
            p = data / "parameters.yaml"
            p.write_text(parameters(p.read_text(encoding="utf-8")), encoding="utf-8")

    return _problems_after(tmp_path, monkeypatch, change)


def test_each_bad_condition_of_a_claim_is_reported_on_its_own_line(tmp_path, monkeypatch):
    from helpers.exceptions import Problem

    policy = (
        'jurisdiction: "370900"\nclaims:\n'
        "  - id: taian-premium\n    parameter: resident.premium\n    value: 390\n"
        "    conditions:\n      tyer: 1\n      tier: true\n      group: retiree\n"  # lines 6-9
        "    source: agg-a\n    locator: premiums\n"
        "    also:\n      - {source: agg-b, locator: p}\n      - {source: agg-c, locator: p}\n"  # lines 12-14
        # a gap of exactly 3 months (gap_min = gap_max) is a range, not a reversed one
        "  - {id: taian-wait, parameter: lapse.waiting_months, value: 2,"
        " conditions: {gap_min: 3, gap_max: 3}, source: agg-a, locator: waiting}\n"
    )
    shown = os.path.join("data", "policies", "370900-taian.yaml")
    assert _claim_problems(tmp_path, monkeypatch, policy) == [
        Problem(
            shown,
            12,
            "unknown source 'agg-c'",
            "add it to data/sources.yaml or did you mean 'agg-b' or 'agg-a'?",
        ),
        Problem(
            shown,
            7,
            "condition 'tyer' is not allowed for 'resident.premium'",
            "allowed conditions: tier, group",
        ),
        Problem(shown, 8, "condition tier=True is not a whole number", "write a whole number"),
        Problem(
            shown,
            9,
            "condition group='retiree' is not allowed",
            "use one of: minor, student, orphan, relapsed_poverty",
        ),
    ]


def test_a_claim_condition_left_undefined_by_a_bad_catalogue_does_not_hide_the_next(tmp_path, monkeypatch):
    """A condition whose definition in parameters.yaml is refused is reported there only; the claim's
    other conditions are still checked."""
    from helpers.exceptions import Problem

    def untyped_group(text: str) -> str:
        old = "  group: {type: enum, values: [minor, student, orphan, relapsed_poverty],"
        assert old in text
        return text.replace(old, "  group: {type: text,")

    policy = (
        'jurisdiction: "370900"\nclaims:\n'
        "  - id: taian-premium\n    parameter: resident.premium\n    value: 390\n"
        "    conditions:\n      group: minor\n      tier: 3\n    source: agg-a\n    locator: premiums\n"
    )
    problems = _claim_problems(tmp_path, monkeypatch, policy, untyped_group)
    shown = os.path.join("data", "policies", "370900-taian.yaml")
    assert [(p.file, p.message) for p in problems[:-1]] == [
        (os.path.join("data", "parameters.yaml"), "'type': Input should be 'enum' or 'int'")
    ]
    assert problems[-1] == Problem(shown, 8, "condition tier=3 is not allowed", "use one of: 1, 2")


def _labels_left_out(data: Path) -> None:
    """Drop the labels of a parameter's enum and list values, a condition value, a source kind, a
    status, a mark and a claim scope."""
    p = data / "parameters.yaml"
    text = p.read_text(encoding="utf-8")
    for name in ("city", "spouse", "orphan", "media", "unknown", "stale", "unattributed"):
        text, n = re.subn(rf"\n  {name}: {{zh: [^\n]*}}", "", text)
        assert n == 1, name
    p.write_text(text, encoding="utf-8")


def _no_policy_files(data: Path) -> None:
    for f in (data / "policies").iterdir():
        f.unlink()


def _claim_id_used_twice(data: Path) -> None:
    """Tai'an's first claim id used in Jinan's file (read first), and one id twice in Jinan's file,
    written after the parameter (so the id's line is not the claim's first line)."""
    with open(data / "policies" / "370100-jinan.yaml", "a", encoding="utf-8") as fh:
        fh.write("  - {id: taian-family-max-relatives, parameter: family_account.max_relatives, value: 7,")
        fh.write(" source: off-a, locator: again}\n")  # line 18
        for value in (6, 5):  # lines 19-23 and 24-28
            fh.write("  - parameter: family_account.max_relatives\n    id: jinan-twice\n")
            fh.write(f"    value: {value}\n    source: off-a\n    locator: limits\n")


def _claim_not_a_mapping(data: Path) -> None:
    with open(data / "policies" / "370100-jinan.yaml", "a", encoding="utf-8") as fh:
        fh.write("  - just a sentence\n")


def _bad_parameter_then_unknown_topic(data: Path) -> None:
    p = data / "parameters.yaml"
    text = p.read_text(encoding="utf-8")
    text = text.replace(
        "{topic: binding, type: int, unit: persons", "{topic: binding, type: integer, unit: persons"
    )
    p.write_text(
        text.replace("{topic: contribution, type: rate", "{topic: contributions, type: rate"),
        encoding="utf-8",
    )


def _label_without_english(data: Path) -> None:
    """One problem at the label's line (the missing labels are not listed again)."""
    p = data / "parameters.yaml"
    text = p.read_text(encoding="utf-8")
    assert "  employee: {zh: 职工医保, en: employee scheme}\n" in text
    text = text.replace("  employee: {zh: 职工医保, en: employee scheme}\n", "  employee: {zh: 职工医保}\n")
    p.write_text(text, encoding="utf-8")


def _topic_without_english(data: Path) -> None:
    """A topic label without English is one problem at its line; the parameters filed under that
    topic then name it as unknown, each at its own line."""
    p = data / "parameters.yaml"
    text = p.read_text(encoding="utf-8")
    assert "  lapse: {zh: 断缴·补缴·等待期, en: Lapse rules}\n" in text
    p.write_text(
        text.replace(
            "  lapse: {zh: 断缴·补缴·等待期, en: Lapse rules}\n", "  lapse: {zh: 断缴·补缴·等待期}\n"
        ),
        encoding="utf-8",
    )


def _bad_source_and_unknown_citation(data: Path) -> None:
    """A source with a bad kind is reported once (claims citing it are not); a claim citing a source
    that is nowhere is still reported."""
    p = data / "sources.yaml"
    text = p.read_text(encoding="utf-8")
    assert text.startswith("- id: off-a\n") and text.count("  kind: official\n") == 1
    p.write_text(text.replace("  kind: official\n", "  kind: officail\n"), encoding="utf-8")
    with open(data / "policies" / "370100-jinan.yaml", "a", encoding="utf-8") as fh:
        fh.write("  - {id: jinan-x, parameter: family_account.max_relatives, value: 6,")
        fh.write(" source: nowhere, locator: x}\n")


def _source_as_text(data: Path) -> None:
    """A sentence between the first and second source: the sources after it are still read."""
    p = data / "sources.yaml"
    text = p.read_text(encoding="utf-8")
    assert text.count("\n- id: agg-a\n") == 1
    p.write_text(text.replace("\n- id: agg-a\n", "\n- just a sentence\n- id: agg-a\n"), encoding="utf-8")


def _policy_folder_with_problems(data: Path) -> None:
    """A second copy, an empty file, a file that is a list and two bad claims, in file order; a hidden
    draft and a README are not policy files."""
    policies = data / "policies"
    shutil.copyfile(policies / "000000-national.yaml", policies / "000000-national.yml")
    (policies / ".draft.yaml").write_text("junk: [\n", encoding="utf-8")
    (policies / "README.md").write_text("One file per place.\n", encoding="utf-8")
    (policies / "370000-shandong.yaml").write_text("", encoding="utf-8")
    (policies / "370100-jinan.yaml").write_text("- a list\n", encoding="utf-8")
    (policies / "370900-taian.yaml").write_text(
        'jurisdiction: "370900"\nclaims:\n'
        "  - {id: taian-a, parameter: family_account.max_relatives, value: 8, source: agg-a}\n"
        "  - {id: taian-b, parameter: family_account.max_relativs, value: 8, source: agg-a, locator: x}\n",
        encoding="utf-8",
    )


P = os.path.join("data", "parameters.yaml")
JINAN = os.path.join("data", "policies", "370100-jinan.yaml")
TAIAN = os.path.join("data", "policies", "370900-taian.yaml")


@pytest.mark.parametrize(
    ("change", "problems"),
    [
        (
            lambda d: (d / "parameters.yaml").write_text("topics: {}\n", encoding="utf-8"),
            [(P, 1, "missing 'parameters:' section", "see data/README.md")],
        ),
        (
            _labels_left_out,  # each at the line of "labels:"
            [
                (P, 7, f"no label for '{name}' ({where})", f"add '{name}: {{zh: …, en: …}}'")
                for name, where in [
                    ("city", "parameter 'family_account.scope'"),
                    ("spouse", "parameter 'family_account.relations'"),
                    ("orphan", "condition 'group'"),
                    ("media", "source kinds"),
                    ("unknown", "statuses"),
                    ("stale", "marks"),
                    ("unattributed", "claim scopes"),
                ]
            ],
        ),
        (
            lambda d: (d / "sources.yaml").write_text("{id: off-a}\n", encoding="utf-8"),
            [
                (
                    os.path.join("data", "sources.yaml"),
                    1,
                    "expected a list of sources",
                    "start each with '- id:'",
                )
            ],
        ),
        (
            _no_policy_files,
            [(os.path.join("data", "policies"), None, "no policy files", "add <code>-<pinyin>.yaml files")],
        ),
        (
            _claim_id_used_twice,  # Jinan's file is read first (files in code order)
            [
                (
                    JINAN,
                    25,
                    f"duplicate claim id 'jinan-twice' (first at {JINAN}:20)",
                    "give each claim its own id",
                ),
                (
                    os.path.join("data", "policies", "370900-taian.yaml"),
                    3,
                    f"duplicate claim id 'taian-family-max-relatives' (first at {JINAN}:18)",
                    "give each claim its own id",
                ),
            ],
        ),
        (_claim_not_a_mapping, [(JINAN, None, "expected a mapping, got str", "write 'key: value' lines")]),
        (
            _bad_parameter_then_unknown_topic,
            [
                (
                    P,
                    70,
                    "'type': Input should be 'int', 'yuan', 'rate', 'ratio', 'months', 'years', 'bool',"
                    " 'enum', 'list', 'text', 'date' or 'date_range'",
                    "use one of the allowed values",
                ),
                (P, 82, "unknown topic 'contributions'", "did you mean 'contribution'?"),
            ],
        ),
        (_label_without_english, [(P, 8, "'en': required field is missing", "add the field")]),
        (
            _topic_without_english,
            [
                (P, 5, "'en': required field is missing", "add the field"),
                (P, 88, "unknown topic 'lapse'", "known: benefit, binding, contribution"),
                (P, 91, "unknown topic 'lapse'", "known: benefit, binding, contribution"),
            ],
        ),
        (
            _bad_source_and_unknown_citation,
            [
                (
                    os.path.join("data", "sources.yaml"),
                    4,
                    "'kind': Input should be 'official', 'official-reprint', 'media', 'calculator',"
                    " 'aggregator' or 'ai-generated'",
                    "use one of the allowed values",
                ),
                (
                    JINAN,
                    18,
                    "unknown source 'nowhere'",
                    "add it to data/sources.yaml or known: agg-a, agg-b, ai-lead, med-old, off-a",
                ),
            ],
        ),
        (
            _source_as_text,
            [
                (
                    os.path.join("data", "sources.yaml"),
                    None,
                    "expected a mapping, got str",
                    "write 'key: value' lines",
                )
            ],
        ),
        (
            _policy_folder_with_problems,
            [
                (
                    os.path.join("data", "policies", "000000-national.yml"),
                    None,
                    "second copy of policy file 000000-national.yaml",
                    "keep one file per place; delete the other copy",
                ),
                (
                    os.path.join("data", "policies", "370000-shandong.yaml"),
                    None,
                    "file is empty",
                    "add content or delete the file",
                ),
                (JINAN, None, "expected a mapping, got list", "write 'key: value' lines"),
                (TAIAN, 3, "'locator': required field is missing", "add the field"),
                (
                    TAIAN,
                    4,
                    "unknown parameter 'family_account.max_relativs'",
                    "did you mean 'family_account.max_relatives'?",
                ),
            ],
        ),
    ],
    ids=[
        "no_parameters_section",
        "missing_labels",
        "sources_not_a_list",
        "no_policy_files",
        "claim_id_twice",
        "claim_text",
        "bad_parameter_then_topic",
        "label_without_english",
        "topic_without_english",
        "bad_source_and_unknown_citation",
        "source_text",
        "policy_folder",
    ],
)
def test_whole_file_problems_name_the_file_line_and_fix(tmp_path, monkeypatch, change, problems):
    got = _problems_after(tmp_path, monkeypatch, change)
    assert [(p.file, p.line, p.message, p.fix) for p in got] == problems


def test_a_missing_data_folder_is_named_with_the_option_to_fix_it(tmp_path, monkeypatch):
    from helpers.data import load
    from helpers.exceptions import DataError, Problem

    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError) as info:
        load(tmp_path / "nowhere")
    assert info.value.problems == [
        Problem(
            "nowhere",
            None,
            "data directory not found",
            "pass --data-dir pointing at a folder with parameters.yaml",
        )
    ]


def test_without_a_labels_section_every_label_is_missing_at_the_top_of_the_file(tmp_path, monkeypatch):
    def no_labels(text: str) -> str:
        start, end = text.index("labels:\n"), text.index("conditions:\n")
        return text[:start] + text[end:]

    policy = (GOOD / "policies" / "370900-taian.yaml").read_text(encoding="utf-8")
    problems = _claim_problems(tmp_path, monkeypatch, policy, no_labels)
    assert len(problems) > 20
    assert {(p.file, p.line) for p in problems} == {(os.path.join("data", "parameters.yaml"), 1)}
    assert all(p.message.startswith("no label for '") for p in problems)


def test_every_bad_row_of_the_places_table_is_reported(tmp_path):
    """A hidden character or a bad field in one row does not stop the check of the rows after it; spaces
    around a value do not count, and a row may leave out its empty last column."""
    from helpers.data.jurisdictions import load_jurisdictions
    from helpers.exceptions import Problem

    (tmp_path / "jurisdictions.csv").write_text(
        "code,name_zh,name_en,level,parent\n"
        "000000,全国,National,national\n"
        "370000,山东\u200b省,Shandong,province,000000\n"
        "370000,山东省,Shandong,province,000000\n"
        "370100,济南市,Jinan,town,370000\n"
        "370200,青岛市,Qingdao,city,370000\n"
        "370200,青岛,qingdao,city,370000\n"
        " 370300 , 淄博市 , Zibo , city , 370000 \n",
        encoding="utf-8",
    )
    problems: list[Problem] = []
    table = load_jurisdictions(tmp_path, problems)
    shown = problems[0].file
    assert problems == [
        Problem(shown, 3, "'name_zh': invisible or control character U+200B ZERO WIDTH SPACE", "delete it"),
        Problem(
            shown,
            5,
            "'level': Input should be 'city', 'province' or 'national'",
            "use one of the allowed values",
        ),
        Problem(shown, 7, "duplicate code 370200 (first on line 6)", "keep one row per code"),
        *(
            Problem(
                shown,
                7,
                f"name '{name}' is already used on line 6",  # 青岛 is looked up as 青岛市 is
                "give each place its own name (a lookup by code, name or pinyin must find one place)",
            )
            for name in ("青岛", "qingdao")
        ),
    ]
    assert table.fillna("-").values.tolist() == [
        ["000000", "全国", "National", "national", "-"],
        ["370000", "山东省", "Shandong", "province", "000000"],
        ["370200", "青岛市", "Qingdao", "city", "370000"],
        ["370200", "青岛", "qingdao", "city", "370000"],
        ["370300", "淄博市", "Zibo", "city", "370000"],
    ]


def test_claims_differing_only_in_period_are_not_duplicates(tmp_path, monkeypatch):
    from helpers.data import load

    shutil.copytree(GOOD, tmp_path / "data")
    with open(tmp_path / "data" / "policies" / "370100-jinan.yaml", "a", encoding="utf-8") as fh:
        for year in (2025, 2026):
            fh.write(f"  - {{id: jinan-{year}, parameter: family_account.max_relatives, value: 6,")
            fh.write(f" period: {{year: {year}}}, source: off-a, locator: limits}}\n")
    monkeypatch.chdir(tmp_path)
    claims = load(tmp_path / "data").claims
    assert sorted(claims[claims["claim_id"].str.startswith("jinan-20")]["year"]) == [2025, 2026]


def test_topics_written_as_a_list_is_named_at_its_line(tmp_path, monkeypatch):
    """`topics:` given as a list instead of a mapping: one problem at its line with the fix, and the
    parameters filed under a topic then say no topic is defined (not a crash, not a silent pass)."""
    import re

    def topics_as_a_list(data: Path) -> None:
        p = data / "parameters.yaml"
        text = p.read_text(encoding="utf-8")
        text = re.sub(r"topics:\n(  .*\n)+", "topics: [binding, lapse]\n", text, count=1)
        p.write_text(text, encoding="utf-8")

    problems = _problems_after(tmp_path, monkeypatch, topics_as_a_list)
    got = [(p.file, p.line, p.message, p.fix) for p in problems]
    fix = "write 'name:' entries indented under it"
    assert got[0] == (P, 2, "'topics:' should be a mapping, got list", fix)
    assert len(got) > 1
    rest = got[1:]
    assert all(g[0] == P and g[2].startswith("unknown topic '") and g[3] == "none are defined" for g in rest)


def test_an_empty_list_of_sources_leaves_every_citation_unknown(tmp_path, monkeypatch):
    """sources.yaml holding `[]` is valid YAML with no problem of its own, so every claim's citation
    is still checked and each is reported at its line (none silently accepted)."""
    from helpers.data import load

    def no_sources(data: Path) -> None:
        (data / "sources.yaml").write_text("[]\n", encoding="utf-8")

    got = _problems_after(tmp_path, monkeypatch, no_sources)
    assert got and all(p.message.startswith("unknown source '") and p.line for p in got)
    assert got[0].fix == "add it to data/sources.yaml or none are defined"
    assert len(got) == len(load(GOOD).claims)
