"""Safe YAML reading that keeps line numbers and refuses what data files never need."""

from __future__ import annotations

import math
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from ..config import MAX_FILE_BYTES, display_path
from ..exceptions import Problem
from .text import bad_char

#: Largest whole number a data file may hold (beyond it, a typo; numbers stay exact in floats).
MAX_INT = 10**15
#: Plain whole numbers as YAML 1.2 reads them; YAML 1.1 extras (010 octal, 1:30, 1_000, 0b1) are refused.
_INT_12 = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_FLOAT_12 = re.compile(r"^[-+]?([0-9]*\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
#: Deepest nesting of lists and mappings a data file may have (real files use four or five levels).
MAX_DEPTH = 30
#: Words YAML 1.1 reads as booleans (or that look like one) where YAML 1.2 and our data say true/false.
_YAML11_BOOLS = {"y", "n", "yes", "no", "on", "off"}
#: Characters the YAML reader refuses (NUL and other controls, surrogates): found first, with their line.
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class LineDict(dict):
    """A mapping from YAML that remembers its own line and each key's line (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class _YamlProblem(Exception):
    def __init__(self, line: int | None, message: str, fix: str | None = None):
        super().__init__(message)
        self.line, self.message, self.fix = line, message, fix


class _Loader(yaml.SafeLoader):
    """SafeLoader that rejects aliases (no YAML bombs), deep nesting and duplicate keys, and records lines."""

    _depth = 0

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML signature
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _YamlProblem(
                event.start_mark.line + 1,
                "YAML alias (*name) found",
                "data files may not use anchors and aliases; write the value out",
            )
        if self._depth >= MAX_DEPTH:
            raise _YamlProblem(
                self.peek_event().start_mark.line + 1,
                f"lists and mappings nested deeper than {MAX_DEPTH} levels",
                "data files nest a few levels; write the value flat",
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise _YamlProblem(line, "a mapping key must be a plain value", "use a string key")
        key = str(key)
        if key in out:
            raise _YamlProblem(
                line,
                f"duplicate key '{key}' (first on line {out.key_lines[key]})",
                "keep one of the two",
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line
    return out


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    """Dates as usual; an impossible date (2025-13-01) stays a string so the schema reports it."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    """Whole numbers by YAML 1.2 rules; ambiguous YAML 1.1 forms and huge numbers are refused."""
    text, line = str(node.value), node.start_mark.line + 1
    if not _INT_12.match(text):
        old = yaml.SafeLoader.construct_yaml_int(loader, node)
        raise _YamlProblem(
            line,
            f"ambiguous number {text!r} (YAML 1.1 reads it as {old})",
            "write a plain decimal number without leading zeros, or quote it as text",
        )
    value = int(text)
    if abs(value) > MAX_INT:
        raise _YamlProblem(
            line, f"number {text[:30]} is too large", "check the value; data numbers are small"
        )
    return value


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> float:
    """Decimal numbers; .nan, .inf and YAML 1.1 forms (1:30.5, 1_000.5) are refused."""
    text, line = str(node.value), node.start_mark.line + 1
    if not _FLOAT_12.match(text):
        what = "not a finite number" if "n" in text.lower() else "ambiguous number"
        raise _YamlProblem(line, f"{what} {text!r}", "write a plain decimal number such as 390 or 0.08")
    value = float(text)
    if not math.isfinite(value) or abs(value) > MAX_INT:
        raise _YamlProblem(
            line, f"number {text[:30]} is too large", "check the value; data numbers are small"
        )
    return value


def _yaml11_bool(node: yaml.ScalarNode) -> _YamlProblem:
    return _YamlProblem(
        node.start_mark.line + 1,
        f"{node.value!r} is a YAML 1.1 boolean (read as true/false by some tools, as text by others)",
        f"write true or false, or quote it ('{node.value}') if it is text",
    )


def _construct_bool(loader: _Loader, node: yaml.ScalarNode) -> bool:
    """true / false only; yes, no, on, off (any case) are refused, never guessed."""
    if str(node.value).lower() not in ("true", "false"):
        raise _yaml11_bool(node)
    return str(node.value).lower() == "true"


def _refuse_tag(loader: _Loader, node: yaml.Node) -> Any:
    """!!binary, !!set, !!omap, !!pairs: data is plain text, numbers, dates, lists and mappings."""
    raise _YamlProblem(
        node.start_mark.line + 1,
        f"YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed",
        "remove the tag; data is plain YAML",
    )


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> str:
    """Text, refusing invisible characters (control, zero-width, bidi) that disguise what is shown,
    and unquoted y / n / yes / no / on / off in any case (YAML 1.1 booleans, read differently by tools)."""
    if not node.style and str(node.value).lower() in _YAML11_BOOLS:  # plain: None, or '' from libyaml
        raise _yaml11_bool(node)
    text = loader.construct_scalar(node)
    bad = bad_char(text)
    if bad:
        raise _YamlProblem(
            node.start_mark.line + 1, f"invisible or control character {bad[1]} in {text[:40]!r}", "delete it"
        )
    return text


#: The same rules on libyaml's parser (several times faster), when PyYAML was built with it. It is
#: used only for text without '*' (so no alias can occur) and only when it accepts the text: on
#: any error the pure-Python loader parses again, so every message stays the one it gives.
_CLoader = type("_CLoader", (yaml.CSafeLoader,), {}) if yaml.__with_libyaml__ else None

for _cls in (_Loader, _CLoader) if _CLoader else (_Loader,):
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    _cls.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _cls.add_constructor("tag:yaml.org,2002:float", _construct_float)
    _cls.add_constructor("tag:yaml.org,2002:str", _construct_str)
    _cls.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
    for _tag in ("binary", "set", "omap", "pairs"):
        _cls.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)


def depth(doc: Any) -> int:
    """How deeply lists and mappings nest in `doc` (a scalar: 0), counted without recursion."""
    deepest, todo = 0, [(doc, 1)]
    while todo:
        node, level = todo.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            todo.extend((v, level + 1) for v in (node.values() if isinstance(node, dict) else node))
    return deepest


def _parse(text: str) -> Any:
    """yaml.load with `_Loader`'s rules: libyaml when it applies and accepts the text, else Python
    (which also words the problem: libyaml's composer has no nesting limit of its own)."""
    if _CLoader is not None and "*" not in text:
        try:
            doc = yaml.load(text, Loader=_CLoader)  # noqa: S506 - a CSafeLoader subclass
        except Exception:  # noqa: BLE001 - the Python loader parses again and words the problem
            pass
        else:
            if depth(doc) <= MAX_DEPTH:
                return doc
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader subclass


#: Folders whose "files" are the system's, never data (a link into /proc would show a process's environment).
_SYSTEM = tuple(Path(p) for p in ("/proc", "/sys", "/dev"))


def _outside(path: Path, root: Path | None) -> Path | None:
    """Where `path` really is when a symbolic link (of the file or of a folder on the way) takes it
    out of `root`, or into /proc, /sys or /dev; None when it stays (or is a loop: stat names that)."""
    try:
        real = path.resolve()
        base = Path(root).resolve() if root is not None else None
    except (OSError, RuntimeError):
        return None
    if base is not None and real != base and base not in real.parents:
        return real
    return real if _system(real) else None


def _system(real: Path) -> bool:
    return any(real == s or s in real.parents for s in _SYSTEM)


def read_text(path: Path, root: Path | None = None) -> tuple[str | None, list[Problem]]:
    """Read a data file as UTF-8 text, refusing files that are too large or not UTF-8, and a file
    that a symbolic link places outside `root` (the data folder) or in /proc, /sys or /dev."""
    shown = display_path(path)
    real = _outside(path, root)
    if real is not None:
        linked = Path(os.path.abspath(path)) != real
        where = "outside the data folder"
        if _system(real):
            where = ("into" if linked else "in") + " a system folder"
        return None, [
            Problem(
                shown,
                None,
                f"data file is {'a symbolic link ' if linked else ''}{where} ({real})",
                "replace it with a copy of the file inside the data folder",
            )
        ]
    try:
        st = path.stat()
    except OSError as exc:
        return None, [Problem(shown, None, f"cannot read file ({exc.strerror})", "check the path")]
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file (a pipe, socket or device)"
        return None, [Problem(shown, None, f"data file is {kind}", "replace it with a plain text file")]
    size = st.st_size
    if size > MAX_FILE_BYTES:
        return None, [
            Problem(
                shown,
                None,
                f"file is {size / 1e6:.1f} MB, over the {MAX_FILE_BYTES / 1e6:.0f} MB limit",
                "split it or remove what is not data",
            )
        ]
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # never blocks, even if swapped for a pipe
        with os.fdopen(fd, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [Problem(shown, None, f"cannot read file ({exc.strerror})", "check the path")]
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(shown, None, "file grew over the size limit while read", "check the file")]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(shown, line, f"bytes that are not UTF-8 (byte {exc.start})", "save as UTF-8")]


def load_yaml(path: Path, root: Path | None = None) -> tuple[Any, list[Problem]]:
    """Parse one YAML file safely; return (document, problems). `root`: see `read_text`."""
    shown = display_path(path)
    text, problems = read_text(path, root)
    if text is None:
        return None, problems
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return None, [Problem(shown, None, "file is empty", "add content or delete the file")]
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        what = f"control character U+{ord(bad.group()):04X} in the file"
        return None, [Problem(shown, line, what, "delete it; data files are plain UTF-8 text")]
    try:
        doc = _parse(text)
    except RecursionError:
        return None, [Problem(shown, None, "lists or mappings nested too deeply", "write the value flat")]
    except _YamlProblem as exc:
        return None, [Problem(shown, exc.line, exc.message, exc.fix)]
    except yaml.MarkedYAMLError as exc:
        return None, [_marked_problem(shown, exc)]
    except yaml.YAMLError as exc:
        return None, [Problem(shown, None, f"YAML error: {exc}", "fix the YAML syntax")]
    return doc, []


def _marked_problem(shown: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    what = (exc.problem or exc.context or "YAML syntax error").strip()
    if "\\t" in what or "'\\t'" in what or "\t" in what:
        return Problem(shown, line, "tab character in indentation", "indent with spaces, not tabs")
    if "constructor for the tag" in what:
        tag = what.split("tag", 1)[1].strip(" '")
        return Problem(shown, line, f"YAML tag {tag} is not allowed", "remove the tag; data is plain YAML")
    if exc.context and "quoted scalar" in exc.context:
        start = exc.context_mark.line + 1 if exc.context_mark else line
        return Problem(shown, start, "unclosed quote", "close the quoted string")
    return Problem(shown, line, f"YAML syntax error: {what}", "fix the YAML syntax at that line")
