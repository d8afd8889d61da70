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
