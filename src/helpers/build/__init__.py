"""Build layer: turn reports/catalog.yaml into offline HTML reports and the index page.

`catalog` checks entries against each notebook's parameters, `render` decides what to run and
records results, `execute` runs one report in its own kernel inside a worker process, `kernels` forks those
kernels from a pre-imported parent (or starts fresh ones where fork is unavailable), `index`
writes the front page, `atomic` writes files safely, `warm` tells when nothing changed since the
last full render. Imports every lower layer; never `cli`.

Names are imported on first use, so `helpers.build.warm` (the no-op render check) loads none of
the renderer. The renderer itself is `helpers.build.render.render` (the module and the function
share a name, so the package does not re-export it).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {"load_catalog": ".catalog", "Entry": ".catalog", "write_atomic": ".atomic"}

__all__ = ["load_catalog", "Entry", "write_atomic"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value
    return value
