"""Data layer: what the project knows, read and validated.

Holds paths-aware loading (`load`), the record schemas, YAML reading with line numbers, the
vocabularies and place lookup. Imports only `helpers.config` and `helpers.exceptions`; every
other layer builds on this one.
"""

from .load import Dataset, data_version, load
from .places import chain, find, find_many, label, level
from .validate import did_you_mean

__all__ = ["Dataset", "load", "data_version", "find", "find_many", "chain", "label", "level", "did_you_mean"]
