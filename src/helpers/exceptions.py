"""Typed exceptions; each carries what a user needs to fix the input."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in one input file: where it is, what is wrong, how to fix it."""

    file: str
    line: int | None
    message: str
    fix: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}" + (f" — {self.fix}" if self.fix else "")


class YibaoError(Exception):
    """Raised when user input is wrong; the CLI prints it without a traceback and exits 2."""


class DataError(YibaoError):
    """Raised when the data directory holds one or more problems; lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownNameError(YibaoError):
    """Raised when a city, parameter, topic or other name is not in the dataset."""


class OutsideViewError(UnknownNameError):
    """Raised when a report names a place whose data is not in its view (not in its cache key)."""


class InputError(YibaoError):
    """Raised when a value a user gives (CLI option, notebook parameter, API argument) is wrong.

    The message is one line, ``what — fix``. In a notebook (JupyterLab, papermill, ``yibao render``)
    IPython shows just that line instead of a traceback, through `_render_traceback_`.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


class CatalogError(DataError):
    """Raised when reports/catalog.yaml or a notebook's parameters are wrong."""


class ReportExecutionError(Exception):
    """Raised when a notebook fails while rendering; carries the failing cell and the error."""

    def __init__(self, report: str, cell_index: int | None, cell_source: str, error: str):
        self.report = report
        self.cell_index = cell_index
        self.cell_source = cell_source
        self.error = error
        where = f"cell {cell_index}" if cell_index is not None else "unknown cell"
        super().__init__(f"{report}: {where}: {error}")


class Interrupted(KeyboardInterrupt):
    """Raised in the renderer on SIGTERM (Ctrl-C raises KeyboardInterrupt); the CLI exits 128 + signal."""

    def __init__(self, signum: int = 2):
        super().__init__(signum)
        self.signum = signum
