"""A notebook's parameters, checked in the cell after its `parameters` cell with one call.

Works the same under JupyterLab, plain ``papermill`` and ``yibao render``: the names a notebook
takes are read from its own `parameters` cell (one definition), values papermill injected are
read from IPython's input history (``In``), and a wrong value stops the run with one line.
"""

from __future__ import annotations

import ast
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

from ..config import NOTEBOOKS_DIR
from ..data import Dataset, did_you_mean, inputs, load
from ..exceptions import InputError

#: The first line papermill writes into the cell it injects (`injected-parameters`).
INJECTED_MARK = "# Parameters"


def _assigned(source: str) -> list[str]:
    """Names a cell assigns at top level, in order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names += [t.id for t in targets if isinstance(t, ast.Name) and t.id not in names]
    return names


def _defaults(source: str) -> dict[str, Any]:
    """Literal values a cell assigns at top level (name → value; names with no literal left out)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    out: dict[str, Any] = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(target, ast.Name) and getattr(node, "value", None) is not None:
            with contextlib.suppress(ValueError):
                out.setdefault(target.id, ast.literal_eval(node.value))
    return out


def _parameters_source(notebook: str | Path) -> str:
    path = Path(notebook)
    if not path.suffix:
        path = path.with_suffix(".ipynb")
    if not path.is_file():
        path = NOTEBOOKS_DIR / path.name
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            src = cell["source"]
            return "".join(src) if isinstance(src, list) else src
    return ""


def declared_parameters(notebook: str | Path) -> list[str]:
    """Names the notebook's cell tagged `parameters` assigns.

    Parameters
    ----------
    notebook : str or Path
        A notebook name in notebooks/ (``"01-compare-cities"``, with or without ``.ipynb``) or a path.

    Returns
    -------
    list of str
        Parameter names in the order the cell assigns them.

    Examples
    --------
    >>> declared_parameters("02-city-profile")
    ['city', 'year', 'as_of']
    """
    return _assigned(_parameters_source(notebook))


def injected_names(history: list[str]) -> list[str]:
    """Names assigned in the most recent cell papermill injected (empty when none was)."""
    for source in reversed(history or []):
        if isinstance(source, str) and source.lstrip().startswith(INJECTED_MARK):
            return _assigned(source)
    return []


def check_parameters(namespace: dict[str, Any], notebook: str, ds: Dataset | None = None) -> dict[str, Any]:
    """Check and convert a notebook's parameters in place; stop the run with one line if one is wrong.

    Each parameter is converted by its name (`helpers.data.inputs.PARAMETER_CHECKS`): ``city`` to
    one place code, ``cities`` to a list of codes (groups such as ``山东全省`` expand), ``year`` to
    an int (0 = any year), ``as_of`` to ``YYYY-MM-DD`` or ``""``, ``topics`` to a list of topic
    ids, ``wages`` to a list of floats, ``household`` to a list of checked relatives, ``scheme``,
    ``tier`` and ``max_gap`` to their codes and numbers. A name papermill injected that the
    notebook does not take (``-p citty 青岛``) is refused; a renamed one (``places``, now
    ``cities``: `helpers.data.inputs.RENAMED_PARAMETERS`) is accepted with a hint on stderr. A
    parameter whose declared default is ``""`` may stay empty (07's ``cities``: every place).

    Parameters
    ----------
    namespace : dict
        The notebook's ``globals()``; converted values are written back into it.
    notebook : str
        The notebook's name in notebooks/, e.g. ``"01-compare-cities"``.
    ds : Dataset, optional
        The loaded data (default: ``namespace["ds"]`` or `helpers.load()`).

    Returns
    -------
    dict
        Parameter name → converted value, for every parameter the notebook declares.

    Raises
    ------
    InputError
        One line ``name: what — fix``; IPython shows only that line (no traceback).

    Examples
    --------
    >>> ns = {"city": 370900, "year": "2025", "as_of": ""}
    >>> check_parameters(ns, "02-city-profile")
    {'city': '370900', 'year': 2025, 'as_of': ''}
    >>> ns = {"city": "泰安", "year": 0, "as_of": "", "In": ["# Parameters\\ncitty = 1"]}
    >>> check_parameters(ns, "02-city-profile")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    helpers.exceptions.InputError: unknown parameter 'citty' — did you mean 'city'? ...
    """
    source = _parameters_source(notebook)
    declared, defaults = _assigned(source), _defaults(source)
    for name in injected_names(namespace.get("In", [])):
        new = inputs.RENAMED_PARAMETERS.get(name)
        if name not in declared and new in declared:
            namespace[new] = namespace.pop(name)
            print(f"note: parameter '{name}' is now '{new}' — write -p {new} …", file=sys.stderr)
        elif name not in declared:
            hint = did_you_mean(name, declared)
            raise InputError(f"unknown parameter '{name}' — {hint} ({notebook} takes: {', '.join(declared)})")
    ds = ds if ds is not None else namespace.get("ds") if isinstance(namespace.get("ds"), Dataset) else load()
    out = {}
    for name in declared:
        if name not in namespace:
            raise InputError(f"parameter '{name}' is not set — run the parameters cell first")
        value = namespace[name]
        if defaults.get(name) == "" and value in ("", None):
            out[name] = namespace[name] = ""  # empty is what the notebook's own default says
            continue
        out[name] = namespace[name] = inputs.parameter(ds, name, value)
    return out
