"""The no-op fast path (`helpers.build.warm`): after a full render with no failure, `yibao render`
with nothing changed answers from a stamp without loading the renderer; every change to an input
or an output sends it down the full path, which then does the right thing."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CATALOG

from helpers.build import warm
from helpers.build.execute import result
from helpers.cli import main

render_mod = importlib.import_module("helpers.build.render")
cachekey = importlib.import_module("helpers.build.cachekey")


def _args(kw) -> tuple[Path, Path, Path, Path]:
    return kw["reports_dir"], kw["catalog"], kw["notebooks_dir"], kw["data_dir"]


def _argv(kw) -> list[str]:
    return [
        "render", "--quiet", "--reports-dir", str(kw["reports_dir"]), "--catalog", str(kw["catalog"]),
        "--notebooks-dir", str(kw["notebooks_dir"]), "--data-dir", str(kw["data_dir"]),
    ]  # fmt: skip


def test_nothing_changed_answers_from_the_stamp(project, monkeypatch, capsys):
    assert project["run"]() == {"one": "rendered", "two": "rendered"}
    res = warm.unchanged(*_args(project["kw"]))
    assert [(r["name"], r["status"]) for r in res] == [("one", "cached"), ("two", "cached")]
    assert all(r["detail"].startswith("unchanged since 20") for r in res)

    def no_render(**kw):
        raise AssertionError("a no-op must not reach the renderer")

    monkeypatch.setattr(render_mod, "render", no_render)
    assert main(_argv(project["kw"])) == 0
    out = capsys.readouterr().out
    assert "0 rendered, 2 cached, 0 failed" in out and "nothing changed" in out


def _edit_catalog(p):
    p["cat"].write_text(CATALOG.replace("title: Two", "title: Two!"), encoding="utf-8")


def _edit_notebook(p):
    nb = p["kw"]["notebooks_dir"] / "raises.ipynb"
    nb.write_bytes(nb.read_bytes() + b"\n")


def _add_notebook(p):
    (p["kw"]["notebooks_dir"] / "other.ipynb").write_text("{}", encoding="utf-8")


def _add_notebook_in_a_subfolder(p):
    (p["kw"]["notebooks_dir"] / "sub").mkdir()
    (p["kw"]["notebooks_dir"] / "sub" / "other.ipynb").write_text("{}", encoding="utf-8")


def _edit_data(p):
    pol = p["data"] / "policies" / "370900-taian.yaml"
    pol.write_text(pol.read_text(encoding="utf-8").replace("value: 390", "value: 391"), encoding="utf-8")


def _delete_html(p):
    (p["kw"]["reports_dir"] / "html" / "two.html").unlink()


def _edit_html(p):
    (p["kw"]["reports_dir"] / "html" / "one.html").write_text("<html>edited by hand</html>")


def _add_csv(p):
    (p["kw"]["reports_dir"] / "html" / "one-table.csv").write_text("a\n1\n")


def _delete_index(p):
    (p["kw"]["reports_dir"] / "index.html").unlink()


def _delete_state(p):
    (p["kw"]["reports_dir"] / ".cache" / "one.json").unlink()


@pytest.mark.parametrize(
    "change",
    [
        _edit_catalog,
        _edit_notebook,
        _add_notebook,
        _add_notebook_in_a_subfolder,
        _edit_data,
        _delete_html,
        _edit_html,
        _add_csv,
        _delete_index,
        _delete_state,
    ],  # fmt: skip
)
def test_every_change_takes_the_full_path(project, change):
    project["run"]()
    assert warm.unchanged(*_args(project["kw"])) is not None
    change(project)
    assert warm.unchanged(*_args(project["kw"])) is None
    statuses = project["run"]()  # the full path decides; afterwards the stamp holds again
    assert set(statuses.values()) <= {"rendered", "cached"}
    assert warm.unchanged(*_args(project["kw"])) is not None


def test_a_jupyter_checkpoint_is_not_a_change(project):
    project["run"]()
    ckpt = project["kw"]["notebooks_dir"] / ".ipynb_checkpoints"
    ckpt.mkdir()
    (ckpt / "raises-checkpoint.ipynb").write_text("{}", encoding="utf-8")
    assert warm.unchanged(*_args(project["kw"])) is not None


def test_a_changed_code_fingerprint_takes_the_full_path(project, monkeypatch):
    project["run"]()
    assert warm.unchanged(*_args(project["kw"])) is not None
    monkeypatch.setattr(cachekey, "code_fingerprint", lambda: "other code")
    assert warm.unchanged(*_args(project["kw"])) is None


def test_a_failure_leaves_no_stamp(project, monkeypatch):
    project["run"]()
    stamp = project["kw"]["reports_dir"] / ".cache" / warm.STAMP
    assert stamp.exists()

    def failing(jobs, workers, cost, cwd, on_result):
        for j in jobs:
            on_result(result(j.name, "failed", None, "boom", cell=2))

    monkeypatch.setattr(render_mod, "_execute", failing)
    assert project["run"](force=True) == {"one": "failed", "two": "failed"}
    assert not stamp.exists() and warm.unchanged(*_args(project["kw"])) is None


def test_only_and_force_bypass_the_fast_path(project, monkeypatch, capsys):
    project["run"]()
    calls = []
    monkeypatch.setattr(render_mod, "render", lambda **kw: calls.append(kw) or [])
    main([*_argv(project["kw"]), "--force"])
    main([*_argv(project["kw"]), "--only", "one"])
    assert [c["force"] for c in calls] == [True, False] and calls[1]["only"] == ["one"]


def test_a_partial_render_does_not_write_a_stamp(project):
    project["run"](only=["one"])
    assert not (project["kw"]["reports_dir"] / ".cache" / warm.STAMP).exists()


@pytest.mark.parametrize(
    "text", ["not json", "[]", '{"key": 1}', '{"key": "", "results": []}', '{"results": 3}']
)
def test_a_damaged_stamp_means_the_full_path(project, text):
    project["run"]()
    (project["kw"]["reports_dir"] / ".cache" / warm.STAMP).write_text(text)
    assert warm.unchanged(*_args(project["kw"])) is None
    assert project["run"]() == {"one": "cached", "two": "cached"}


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_a_commit_or_a_staged_change_takes_the_full_path(project):
    root = project["data"].parent
    _git(root, "init", "-q")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "one")
    project["run"]()
    assert warm.unchanged(*_args(project["kw"])) is not None
    _git(root, "add", "data")  # the front page's "uncommitted changes" mark reads the index
    assert warm.unchanged(*_args(project["kw"])) is None
    project["run"]()
    assert warm.unchanged(*_args(project["kw"])) is not None
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "data")
    assert warm.unchanged(*_args(project["kw"])) is None


def test_git_token_follows_a_worktree_file(tmp_path):
    gitdir = tmp_path / "main.git" / "worktrees" / "w"
    (gitdir / "refs").mkdir(parents=True)
    (gitdir / "HEAD").write_text("ref: refs/heads/w\n")
    (gitdir / "commondir").write_text("../..\n")
    wt = tmp_path / "w"
    (wt / "data").mkdir(parents=True)
    (wt / ".git").write_text(f"gitdir: {gitdir}\n")
    before = warm.git_token(wt / "data")
    assert before.startswith("ref: refs/heads/w|HEAD:")
    (tmp_path / "main.git" / "refs" / "heads").mkdir(parents=True)
    (tmp_path / "main.git" / "refs" / "heads" / "w").write_text("abc\n")  # a commit on the branch
    assert warm.git_token(wt / "data") != before
    assert warm.git_token(tmp_path / "elsewhere") == "<no git>"


def test_the_fast_path_imports_no_renderer_yaml_or_rich(project):
    project["run"]()
    code = (
        "import sys; from helpers.cli import main; rc = main(sys.argv[1:]);"
        "print(sorted(m for m in ('yaml', 'rich', 'pandas', 'helpers.build.render') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *_argv(project["kw"])], capture_output=True, text=True, check=True
    ).stdout
    assert "0 rendered, 2 cached, 0 failed" in out
    assert out.strip().splitlines()[-1] == "[]"


def test_the_stamp_records_each_reports_date(project):
    project["run"]()
    doc = json.loads((project["kw"]["reports_dir"] / ".cache" / warm.STAMP).read_text())
    state = json.loads((project["kw"]["reports_dir"] / ".cache" / "one.json").read_text())
    detail = f"unchanged since {state['date']}"
    assert doc["results"][0] == {"name": "one", "status": "cached", "detail": detail}


def test_an_output_rewritten_with_the_same_size_is_a_change(project):
    """Same name, same size, other bytes (a hand edit, another tool's write): only the mtime tells
    them apart, so the stamp must hold it — or the fast path would vouch for a page it never made."""
    import os

    project["run"]()
    args = _args(project["kw"])
    assert warm.unchanged(*args) is not None
    page = project["kw"]["reports_dir"] / "html" / "one.html"
    st = page.stat()
    page.write_text("<html>XXX</html>", encoding="utf-8")  # as long as "<html>one</html>"
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert page.stat().st_size == st.st_size
    assert warm.unchanged(*args) is None
