"""Public API documentation: numpydoc sections on every public function, doctests that pass."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import helpers as h

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(h.__path__, "helpers.") if not m.name.endswith("__main__")
)


def public_functions() -> list[tuple[str, object]]:
    """Every function reachable as h.NAME or h.report.NAME (classes and modules left out)."""
    out = []
    for prefix, mod in (("h", h), ("h.report", h.report)):
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isfunction(obj):
                out.append((f"{prefix}.{name}", obj))
    return out


@pytest.mark.parametrize("name,func", public_functions(), ids=[n for n, _ in public_functions()])
def test_public_function_has_numpydoc_sections(name, func):
    doc = inspect.getdoc(func) or ""
    for section in ("Parameters\n----------", "Returns\n-------", "Examples\n--------"):
        assert section in doc, f"{name} has no '{section.splitlines()[0]}' section"
    for param in inspect.signature(func).parameters:
        assert f"\n{param} " in "\n" + doc or f", {param}" in doc or f"{param}," in doc, (
            f"{name}: parameter '{param}' is not described"
        )


@pytest.mark.parametrize("module", MODULES)
def test_doctests_pass(module):
    h.plots.setup()  # the Chinese font, as in every notebook (no missing-glyph warnings)
    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {module}"


def _results(ds):
    import pandas as pd

    one = pd.DataFrame
    return {
        "claims_table": h.claims_table(ds, "泰安"),
        "lapse": h.lapse(ds, "武汉", "flexible", gap_months=5),
        "lapses": h.lapses(ds, one({"city": ["武汉"], "scheme": ["flexible"], "gap_months": [5]})),
        "employee_contribution": h.employee_contribution(ds, "泰安", 3000),
        "employee_contributions": h.employee_contributions(ds, one({"city": ["泰安"], "wage": [3000]})),
        "resident_premiums": h.resident_premiums(ds, "泰安", [{"age": 8}]),
        "household_premiums": h.household_premiums(ds, one({"city": ["泰安"], "age": [8]})),
        "family_binding": h.family_binding(ds, "泰安", [{"relation": "spouse"}]),
        "family_bindings": h.family_bindings(
            ds, one({"household": [1], "city": ["泰安"], "relation": ["spouse"]})
        ),
        "glossary": h.glossary(ds),
        "inputs_table": h.inputs_table(h.employee_contribution(ds, "泰安", 3000)),
    }


def test_every_returned_column_is_in_the_docstring_and_the_glossary(real):
    """A column added to a result without a word in its docstring and in h.glossary() fails here."""
    explained = set(h.glossary(real, "column")["term"])
    assert list(h.resolve(real, "泰安", topic="binding").columns) == list(h.resolve_columns())
    assert set(h.resolve_columns()) <= explained
    for name, result in _results(real).items():
        cols = list(result.columns) if hasattr(result, "columns") else list(result)
        doc = inspect.getdoc(getattr(h, name)) or ""
        assert [c for c in cols if f"``{c}``" not in doc] == [], (
            f"h.{name}: columns missing from its docstring"
        )
        assert [c for c in cols if c not in explained] == [], f"h.{name}: columns missing from h.glossary()"
    for col in ("employer_basis", "unverified", "waiting_min", "band", "can_bind", "pays_lo"):
        assert col in explained


def test_help_h_opens_with_what_to_call_not_exception_boilerplate():
    import pydoc

    assert h.InputError.__name__ == "InputError" and issubclass(h.InputError, h.YibaoError)
    text = pydoc.render_doc(h, renderer=pydoc.plaintext)
    head = "\n".join(text.splitlines()[:60])
    assert "h.resolve(ds, cities" in head and "h.InputError" in head
    assert "Method resolution order" not in text.split("FUNCTIONS")[0]
    assert "class InputError" not in text and "with_traceback" not in text
