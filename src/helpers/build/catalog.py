"""reports/catalog.yaml: which notebooks are rendered with which parameters, checked before running."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..config import display_path
from ..data.yamlio import load_yaml
from ..exceptions import CatalogError, InputError, Problem
from ..hints import did_you_mean

#: Seconds a report may run before it fails, unless the catalogue says otherwise.
DEFAULT_TIMEOUT = 120.0
FIELDS = ["name", "title", "notebook", "parameters", "timeout"]
#: Keys the catalogue itself may have (a misspelt `report:` would otherwise be ignored silently).
TOP_FIELDS = ["reports", "timeout"]
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
_TYPES = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list,),
    "dict": (dict,),
}


@dataclass
class Entry:
    """One report: its name, title, notebook and parameters, and the catalogue line it is on."""

    name: str
    title: str
    notebook: Path
    parameters: dict = field(default_factory=dict)
    line: int | None = None
    timeout: float = DEFAULT_TIMEOUT


def notebook_parameters(path: Path, cache_dir: Path | None = None, new: dict | None = None) -> dict[str, str]:
    """Parameter names and inferred types of a notebook's `parameters` cell (papermill's inspection).

    Read from a cache keyed by notebook content, so a warm render never imports papermill; fresh
    inspections are put in `new` (file name → params) for the caller to save once all checks pass.
    """
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    name = f"params-{digest}.json"
    if cache_dir and (cache_dir / name).exists():
        return json.loads((cache_dir / name).read_text(encoding="utf-8"))
    from papermill import inspect_notebook

    params = {k: v["inferred_type_name"] for k, v in inspect_notebook(str(path)).items()}
    if new is not None:
        new[name] = params
    return params


def _type_ok(value, type_name: str) -> bool:
    allowed = _TYPES.get(type_name)
    if allowed is None:  # papermill could not infer a type: accept any value
        return True
    if isinstance(value, bool) and type_name != "bool":
        return False
    return isinstance(value, allowed)


def _timeout(value, shown: str, line: int | None, problems: list[Problem]) -> float:
    """A timeout in seconds (> 0); a problem naming the line otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 86400:
        problems.append(
            Problem(shown, line, f"timeout {value!r} is not a number of seconds", "write e.g. 'timeout: 120'")
        )
        return DEFAULT_TIMEOUT
    return float(value)


def load_catalog(
    path: Path, notebooks_dir: Path, cache_dir: Path | None = None, new: dict | None = None, ds=None
) -> list[Entry]:
    """Read and check the catalogue; raise CatalogError listing every problem (file:line, fix).

    With a dataset `ds`, parameter values are checked as the CLI checks them (known cities and
    topics, real dates, years 1990–2100). Writes nothing: parameter inspections not yet cached
    are returned through `new`.
    """
    shown = display_path(path)
    doc, problems = load_yaml(path)
    entries: list[Entry] = []
    if doc is not None and not (isinstance(doc, dict) and isinstance(doc.get("reports"), list)):
        problems.append(Problem(shown, 1, "expected a 'reports:' list", "see reports/catalog.yaml"))
        doc = None
    for k in sorted(set(doc or {}) - set(TOP_FIELDS)):
        problems.append(
            Problem(shown, doc.key_lines[k], f"unknown top-level key '{k}'", did_you_mean(k, TOP_FIELDS))
        )
    seen: dict[str, int] = {}
    default_timeout = _timeout(
        doc.get("timeout", DEFAULT_TIMEOUT) if doc else DEFAULT_TIMEOUT,
        shown,
        getattr(doc, "key_lines", {}).get("timeout"),
        problems,
    )
    for i, rec in enumerate((doc or {}).get("reports", []) if doc else [], 1):
        line = getattr(rec, "line", None) or doc.key_lines.get("reports")
        if not isinstance(rec, dict):
            problems.append(
                Problem(
                    shown,
                    line,
                    f"report {i} under 'reports:' is a {type(rec).__name__}, not a mapping",
                    "write name:, title:, notebook: and parameters: lines",
                )
            )
            continue
        kl = rec.key_lines
        extra = set(rec) - set(FIELDS)
        for k in sorted(extra):
            problems.append(Problem(shown, kl[k], f"unknown field '{k}'", did_you_mean(k, FIELDS)))
        timeout = _timeout(rec.get("timeout", default_timeout), shown, kl.get("timeout"), problems)
        name, title, nb = rec.get("name"), rec.get("title"), rec.get("notebook")
        if not isinstance(name, str) or not _NAME.match(name):
            problems.append(
                Problem(
                    shown,
                    kl.get("name", line),
                    f"bad report name {name!r}",
                    "use lower-case letters, digits and '-'",
                )
            )
            continue
        if name in seen:
            problems.append(
                Problem(
                    shown,
                    kl["name"],
                    f"duplicate report name '{name}' (first on line {seen[name]})",
                    "give each report its own name",
                )
            )
        seen[name] = kl["name"]
        if not isinstance(title, str) or not title.strip():
            problems.append(
                Problem(shown, kl.get("title", line), f"report '{name}' has no title", "add 'title: …'")
            )
        if not isinstance(nb, str) or not nb:
            problems.append(
                Problem(
                    shown,
                    kl.get("notebook", line),
                    f"report '{name}' names no notebook",
                    "add 'notebook: NN-name.ipynb'",
                )
            )
            continue
        nb_path = (notebooks_dir / nb).resolve()
        if not nb_path.is_relative_to(notebooks_dir.resolve()):
            problems.append(
                Problem(
                    shown,
                    kl["notebook"],
                    f"notebook path '{nb}' leaves notebooks/",
                    "name a notebook inside notebooks/, without '../'",
                )
            )
            continue
        if not nb_path.is_file():
            options = [p.name for p in notebooks_dir.glob("*.ipynb")]
            problems.append(
                Problem(shown, kl["notebook"], f"notebook '{nb}' not found", did_you_mean(nb, options))
            )
            continue
        params = rec.get("parameters") or {}
        if not isinstance(params, dict):
            problems.append(
                Problem(
                    shown,
                    kl.get("parameters", line),
                    "parameters must be a mapping",
                    "write 'name: value' lines",
                )
            )
            continue
        try:
            declared = notebook_parameters(nb_path, cache_dir, new)
        except Exception as exc:  # noqa: BLE001 - any reason a notebook cannot be read is one message
            problems.append(
                Problem(
                    shown,
                    kl["notebook"],
                    f"notebook '{nb}' cannot be read as a notebook ({type(exc).__name__})",
                    "restore it (git checkout) or save it again from JupyterLab",
                )
            )
            continue
        plines = getattr(params, "key_lines", {})
        for k, v in params.items():
            where = plines.get(k, kl.get("parameters", line))
            if k not in declared:
                renamed = _renamed().get(k)
                fix = f"rename it to '{renamed}'" if renamed in declared else did_you_mean(k, list(declared))
                problems.append(Problem(shown, where, f"unknown parameter '{k}' for {nb}", fix))
            elif not _type_ok(v, declared[k]):
                problems.append(
                    Problem(
                        shown,
                        where,
                        f"parameter '{k}' should be {declared[k]}, got {type(v).__name__} {v!r}",
                        f"write {'an' if declared[k][:1] in 'aeiou' else 'a'} {declared[k]} value",
                    )
                )
            elif ds is not None and k in _checks():
                try:
                    _checks()[k](ds, v)
                except InputError as exc:
                    what, _, fix = str(exc).partition(" — ")
                    what = what.removeprefix(f"{k}: ")
                    problems.append(Problem(shown, where, f"parameter '{k}': {what}", fix or None))
        entries.append(Entry(name, title or name, nb_path, dict(params), line, timeout))
    if problems:
        raise CatalogError(problems)
    return entries


def _renamed() -> dict:
    """Notebook parameters renamed (old → new)."""
    from ..data.inputs import RENAMED_PARAMETERS

    return RENAMED_PARAMETERS


def _checks() -> dict:
    """The notebook-parameter checks (imported on first use: the warm path never needs them)."""
    from ..data.inputs import PARAMETER_CHECKS

    return PARAMETER_CHECKS
