"""Resolution layer: which claim decides the value shown for a place, parameter and year.

`rank` orders claims and decides one key (a `Decision`); `table.resolve` returns the typed
table every report section and the data-quality checks read. Imports only `helpers.data`.
"""

from .history import general_statements, history
from .rank import Decision, Ranked, decide, decide_for, index, levels, matches
from .table import COLUMNS, disagreements, resolve, resolve_columns, status_of

__all__ = [
    "resolve",
    "resolve_columns",
    "disagreements",
    "COLUMNS",
    "Decision",
    "Ranked",
    "decide",
    "decide_for",
    "index",
    "levels",
    "matches",
    "status_of",
    "history",
    "general_statements",
]
