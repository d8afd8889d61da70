"""Rule calculators: each has a one-scenario reference and a vectorised DataFrame version."""

from .contributions import employee_contribution, employee_contributions
from .family_account import family_binding, family_bindings
from .lapse import lapse, lapses
from .premiums import household_premiums, resident_premiums
from .provenance import inputs_table

__all__ = [
    "employee_contribution",
    "employee_contributions",
    "resident_premiums",
    "household_premiums",
    "family_binding",
    "family_bindings",
    "lapse",
    "lapses",
    "inputs_table",
]
