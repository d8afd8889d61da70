"""Build layer: turn reports/catalog.yaml into offline HTML reports and the index page.

`catalog` checks entries against each notebook's parameters, `render` decides what to run and
records results, `execute` runs one report in its own kernel inside a worker process, `kernels` forks those
kernels from a pre-imported parent (or starts fresh ones where fork is unavailable), `index`
writes the front page, `atomic` writes files safely. Imports every lower layer; never `cli`.
"""

from .atomic import write_atomic
from .catalog import Entry, load_catalog
from .render import render

__all__ = ["render", "load_catalog", "Entry", "write_atomic"]
