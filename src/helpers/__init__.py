"""yibao-compare helpers: one import for exploring Chinese cities' 医保 rules.

Layers, lowest first (a layer imports only those before it):

- ``helpers.data`` — load and validate ``data/`` (`load`, `Dataset`, place lookup)
- ``helpers.resolve`` — which claim decides a value (`resolve`, `Decision`)
- ``helpers.rules`` — calculators (lapse, contributions, family account)
- ``helpers.report`` — formatting, tables, charts, report sections (`Section`)
- ``helpers.build`` — catalogue, renderer, kernels, index page
- ``helpers.cli`` — the ``yibao`` command

What to call (each has a docstring with what you can pass and what you get; ``help(h.lapse)``):

- ``h.load()`` — the validated data (`Dataset`: ``ds.claims``, ``ds.sources`` …)
- ``h.resolve(ds, cities, year=…)`` — the value shown per city and parameter (``h.resolve_columns()``)
- ``h.compare(ds, cities, topic=…)`` — the comparison table; ``h.claims_table`` — claims with sources
- calculators: ``h.lapse`` / ``h.lapses``, ``h.employee_contribution(s)``, ``h.resident_premiums``,
  ``h.household_premiums``, ``h.family_binding(s)`` — one scenario, or a DataFrame of them
- ``h.glossary()`` — every parameter, status, mark, reason and column with its meaning
- ``h.report`` — sections for notebooks; ``h.plots`` — charts; ``h.inputs`` — the argument checks

Errors: every wrong argument raises ``h.InputError`` with one line ``name: what — fix``
(a `YibaoError`, as are ``h.DataError`` for problems in data/ and ``h.UnknownNameError``).

Names are imported on first use, so ``import helpers`` itself is instant.

>>> import helpers as h
>>> ds = h.load()
>>> t = h.compare(ds, "济南,泰安", topic="binding")
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, tuple[str, str | None]] = {
    "Dataset": ("helpers.data", "Dataset"),
    "load": ("helpers.data", "load"),
    "resolve": ("helpers.resolution", "resolve"),
    "resolve_columns": ("helpers.resolution", "resolve_columns"),
    "compare": ("helpers.report.tables", "compare"),
    "claims_table": ("helpers.report.tables", "claims_table"),
    "lapse": ("helpers.rules", "lapse"),
    "lapses": ("helpers.rules", "lapses"),
    "employee_contribution": ("helpers.rules", "employee_contribution"),
    "employee_contributions": ("helpers.rules", "employee_contributions"),
    "resident_premiums": ("helpers.rules", "resident_premiums"),
    "household_premiums": ("helpers.rules", "household_premiums"),
    "family_binding": ("helpers.rules", "family_binding"),
    "family_bindings": ("helpers.rules", "family_bindings"),
    "inputs_table": ("helpers.rules", "inputs_table"),
    "check_parameters": ("helpers.report.notebook_params", "check_parameters"),
    "glossary": ("helpers.report.glossary", "glossary"),
    "inputs": ("helpers.data.inputs", None),
    "report": ("helpers.report", None),
    "plots": ("helpers.report.plots", None),
    "YibaoError": ("helpers.exceptions", "YibaoError"),
    "DataError": ("helpers.exceptions", "DataError"),
    "UnknownNameError": ("helpers.exceptions", "UnknownNameError"),
    "InputError": ("helpers.exceptions", "InputError"),
    "CatalogError": ("helpers.exceptions", "CatalogError"),
    "ReportExecutionError": ("helpers.exceptions", "ReportExecutionError"),
}

#: The exception classes: reachable as h.InputError …, but left out of `__all__` so that
#: ``help(h)`` opens with the functions, not pages of inherited Exception methods.
ERRORS = ("YibaoError", "DataError", "UnknownNameError", "InputError", "CatalogError", "ReportExecutionError")
__all__ = [n for n in _EXPORTS if n not in ERRORS]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'helpers' has no attribute '{name}'")
    module, attr = _EXPORTS[name]
    value = importlib.import_module(module)
    if attr is not None:
        value = getattr(value, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
