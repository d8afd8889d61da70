"""Data layer: what the project knows, read and validated.

Holds paths-aware loading (`load`, in `loading`), the record schemas, YAML reading with line
numbers, the vocabularies and place lookup. Imports only `helpers.config`, `helpers.exceptions`
and the light top-level `helpers.fingerprint` / `helpers.hints`; every other layer builds on
this one. Names are imported on first use, so reading YAML or hashing never imports pandas.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Dataset": "helpers.data.loading",
    "load": "helpers.data.loading",
    "data_version": "helpers.fingerprint",
    "find": "helpers.data.places",
    "find_many": "helpers.data.places",
    "chain": "helpers.data.places",
    "label": "helpers.data.places",
    "level": "helpers.data.places",
    "did_you_mean": "helpers.hints",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'helpers.data' has no attribute '{name}'")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value
