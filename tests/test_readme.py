"""The READMEs cannot drift: their example commands run, shown output matches, names match the code."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

from helpers.cli import main
from helpers.report.notebook_params import declared_parameters

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DATA_README = (ROOT / "data" / "README.md").read_text(encoding="utf-8")


def _shown_examples(text: str) -> list[tuple[str, list[str]]]:
    """(command, shown output lines) for each ```-block that starts with `$ yibao …`."""
    out = []
    for block in re.findall(r"```\n(\$ yibao .*?)```", text, flags=re.S):
        first, *lines = block.rstrip("\n").split("\n")
        out.append((first.removeprefix("$ "), [x.rstrip() for x in lines]))
    return out


def _run(capsys, command: str) -> tuple[int, list[str]]:
    """Run `yibao …` in-process (80 columns, as in a pipe); `| head -N` keeps the first N lines."""
    cmd, _, pipe = command.partition("|")
    argv = shlex.split(cmd)[1:]
    code = main(argv)
    lines = [x.rstrip() for x in capsys.readouterr().out.splitlines()]
    if pipe.strip():
        n = int(re.fullmatch(r"head -(\d+)", pipe.strip()).group(1))
        lines = lines[:n]
    return code, lines


def test_the_readme_shows_examples():
    assert [c for c, _ in _shown_examples(README)], "no `$ yibao …` example left in README.md"


@pytest.mark.parametrize("command,shown", _shown_examples(README), ids=lambda v: str(v)[:60])
def test_a_readme_example_prints_what_the_readme_shows(capsys, monkeypatch, command, shown):
    monkeypatch.setenv("COLUMNS", "80")
    code, lines = _run(capsys, command)
    assert code == 0
    assert lines == shown, f"README.md shows other output for `{command}`: update it to the real output"
    assert max(len(x) for x in lines) <= 80  # the header fits 80 columns in a pipe


#: The usage table's commands that only read (render, coverage --write and verify write; changes
#: takes a REV).
USAGE = [
    c
    for c in re.findall(r"^\| `(yibao [^`]*)` \|", README, flags=re.M)
    if not c.startswith(("yibao render", "yibao coverage", "yibao changes", "yibao verify"))
]


def test_the_usage_table_lists_the_commands():
    assert len(USAGE) >= 9, USAGE


@pytest.mark.parametrize("command", USAGE)
def test_each_usage_command_runs_and_its_json_parses(capsys, command):
    words = [w for w in shlex.split(re.sub(r"\[([^\]]*)\]", r"\1", command)) if w not in ("--format", "csv")]
    fmt = [] if words[1] == "check-data" else ["--format", "json"]  # check-data prints counts only
    assert main([*words[1:], *fmt]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    if out.strip().startswith(("[", "{")):
        assert json.loads(out)


def test_the_what_changed_parameters_the_readme_names_are_the_notebooks():
    named = re.search(r"`notebooks/07-what-changed.ipynb`; parameters ([^)]*)\)", README).group(1)
    assert re.findall(r"`(\w+)`", named) == declared_parameters("07-what-changed")


def test_the_data_readme_claim_example_passes_check_data(tmp_path):
    """The example in data/README.md, added to a copy of data/, is a valid claim (id and all)."""
    from helpers.datacheck import check

    example = re.search(r"```yaml\n(.*?)```", DATA_README.split("**Claim.**")[1], flags=re.S).group(1)
    claim = yaml.safe_load(textwrap.dedent(example))[0]
    assert claim["id"]
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    for path in (data / "policies").glob("*.yaml"):  # the example may restate a claim already there
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        kept = [c for c in doc.get("claims") or [] if c.get("id") != claim["id"]]
        if len(kept) != len(doc.get("claims") or []):
            path.write_text(yaml.safe_dump({**doc, "claims": kept}, allow_unicode=True), encoding="utf-8")
    taian = data / "policies" / "370900-taian.yaml"
    doc = yaml.safe_load(taian.read_text(encoding="utf-8"))
    doc["claims"].append(claim)
    taian.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    counts = check(data, use_cache=False)
    assert counts["claims"] >= 1


def test_the_data_readme_steps_to_add_a_city_include_updating_coverage():
    steps = DATA_README.split("## Adding a city or a claim")[1].split("\n## ")[0]
    assert "`yibao coverage --write`" in steps and "`yibao check-data`" in steps
