"""yibao-compare helpers: one import for exploring Chinese cities' 医保 rules.

>>> import helpers as h
>>> ds = h.load()
>>> h.compare(ds, "济南,泰安", topic="binding")
"""

from .data import Dataset, load
from .exceptions import CatalogError, DataError, ReportExecutionError, UnknownNameError, YibaoError
from .resolve import resolve
from .rules import (
    employee_contribution,
    employee_contributions,
    family_binding,
    family_bindings,
    household_premiums,
    lapse,
    lapses,
    resident_premiums,
)
from .tables import claims_table, compare

__all__ = [
    "Dataset",
    "load",
    "resolve",
    "compare",
    "claims_table",
    "lapse",
    "lapses",
    "employee_contribution",
    "employee_contributions",
    "resident_premiums",
    "household_premiums",
    "family_binding",
    "family_bindings",
    "YibaoError",
    "DataError",
    "UnknownNameError",
    "CatalogError",
    "ReportExecutionError",
]
