"""Report layer: what a reader sees — value formatting, tables, charts and report sections.

Each section function computes and returns a `Section` (HTML parts plus the DataFrames behind
them); notebooks display sections, the renderer writes their tables as CSV. Imports `helpers.data`,
`helpers.resolve` and `helpers.rules`; never `helpers.build` or `helpers.cli`.
"""

from . import plots
from .answer_page import answer_section
from .applicability import applicability_counts, applicability_section, doubt_counts
from .changes import change_counts, changes_section, compare_editions, what_changed
from .content import Section, csv_text, figure_html
from .digest import change_digest
from .evidence import (
    source_list,
    sources_section,
    status_counts,
    status_section,
    unverified_values,
    value_history,
)
from .general import general_statements
from .history import history
from .household import contribution_table, family_section, household, wage_grid
from .inputs_used import inputs_frame, inputs_section
from .markup import Footnotes, legend
from .profile import inherited, over_time, own_claims, profile_topic, unknowns
from .quality import conflicts_section, coverage_section, kinds_section
from .scenarios import assumptions, lapse_gaps, lapse_grid, resident_years
from .sections import comparison, narrative, sources, title
from .tables import claims_table, compare, compare_records

__all__ = [
    "answer_section",
    "applicability_section",
    "applicability_counts",
    "doubt_counts",
    "Section",
    "Footnotes",
    "plots",
    "csv_text",
    "figure_html",
    "title",
    "narrative",
    "comparison",
    "own_claims",
    "profile_topic",
    "inherited",
    "unknowns",
    "over_time",
    "history",
    "what_changed",
    "change_counts",
    "change_digest",
    "changes_section",
    "compare_editions",
    "sources",
    "assumptions",
    "lapse_grid",
    "lapse_gaps",
    "resident_years",
    "household",
    "family_section",
    "wage_grid",
    "contribution_table",
    "inputs_section",
    "inputs_frame",
    "coverage_section",
    "kinds_section",
    "conflicts_section",
    "claims_table",
    "compare",
    "compare_records",
    "general_statements",
    "legend",
    "source_list",
    "sources_section",
    "status_counts",
    "status_section",
    "unverified_values",
    "value_history",
]
