"""Report layer: what a reader sees — value formatting, tables, charts and report sections.

Each section function computes and returns a `Section` (HTML parts plus the DataFrames behind
them); notebooks display sections, the renderer writes their tables as CSV. Imports `helpers.data`,
`helpers.resolve` and `helpers.rules`; never `helpers.build` or `helpers.cli`.
"""

from . import plots
from .content import Section, csv_text, figure_html
from .family import family_section, household
from .markup import Footnotes
from .quality import conflicts_section, coverage_section, kinds_section
from .scenarios import (
    assumptions,
    contribution_table,
    lapse_gaps,
    lapse_grid,
    resident_years,
    wage_grid,
)
from .sections import (
    comparison,
    inherited,
    narrative,
    over_time,
    own_claims,
    profile_topic,
    sources,
    title,
    unknowns,
)
from .tables import claims_table, compare

__all__ = [
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
    "sources",
    "assumptions",
    "lapse_grid",
    "lapse_gaps",
    "resident_years",
    "household",
    "family_section",
    "wage_grid",
    "contribution_table",
    "coverage_section",
    "kinds_section",
    "conflicts_section",
    "claims_table",
    "compare",
]
