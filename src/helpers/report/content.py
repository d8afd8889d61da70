"""What a report section returns: HTML for the reader, the tables behind it, charts as images.

A `Section` shows itself in JupyterLab (`_repr_html_`) and carries its tables as DataFrames
(`section.tables`) for the analyst. When displayed, it also emits the tables as CSV text under
a private MIME type the HTML export ignores; the renderer writes those CSVs next to the HTML.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, field

import pandas as pd

from .templating import Markup, macro

#: MIME type under which a displayed section hands its tables (CSV text by name) to the renderer.
TABLES_MIME = "application/vnd.yibao.tables+json"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(v):
    """A value made safe for a spreadsheet: lists joined, text starting like a formula prefixed with '."""
    if isinstance(v, list | tuple):
        v = ", ".join(map(str, v))
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        return "'" + v
    return v


def csv_text(df: pd.DataFrame) -> str:
    """A table as CSV text with a UTF-8 BOM (Excel opens Chinese text correctly).

    Lists are joined with ", "; text starting like a spreadsheet formula (= + - @) gets a leading '.

    Parameters
    ----------
    df : DataFrame
        Any table.

    Returns
    -------
    str
        CSV text, header first, starting with U+FEFF.

    Examples
    --------
    >>> import helpers as h, pandas as pd
    >>> t = h.report.csv_text(pd.DataFrame({"a": [["x", "y"]], "b": ["=1+1"]}))
    >>> t[0] == chr(0xFEFF)
    True
    >>> print(t[1:].splitlines()[1])
    "x, y",'=1+1
    """
    return "\ufeff" + df.map(csv_cell).to_csv(index=False)


#: Numpydoc text many section functions share, written once; `fill_doc` puts it in place of
#: ``{section}`` (the Returns entry), ``{ds}``, ``{r}`` and ``{notes}`` (Parameters entries).
DOC_FRAGMENTS = {
    "section": "Section\n        A part of the report: ``heading``, ``parts`` (escaped HTML) and ``tables``"
    " (DataFrames by\n        name; the renderer writes them as CSV). Display it in a notebook, or read"
    " its tables.",
    "ds": "ds : Dataset\n        The loaded data (`helpers.load()`).",
    "r": "r : DataFrame\n        A `helpers.resolve` result (columns in `helpers.resolve_columns()`).",
    "notes": "notes : Footnotes\n        The page's source numbering (`helpers.report.Footnotes(ds)`), shared"
    " by every section.",
}


def fill_doc(func):
    """Decorator: put the shared `DOC_FRAGMENTS` into a function's docstring; returns the function.

    ``help()``, doctest and the numpydoc check all read the filled text.
    """
    doc = func.__doc__ or ""
    for key, text in DOC_FRAGMENTS.items():
        doc = doc.replace("{" + key + "}", text)
    func.__doc__ = doc
    return func


#: Fonts the chart text asks for, simplified-Chinese faces first (as the page's stylesheet).
CHART_FONTS = (
    "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','Noto Sans SC',sans-serif"
)


def figure_html(fig, alt: str) -> str:
    """A matplotlib figure as an embedded SVG <img> with a real alt text; the figure is closed.

    The chart is vector (sharp at any zoom and in print) and keeps its text as text in the
    reader's simplified-Chinese font, which makes it several times smaller than a PNG of the same
    chart. Inside an <img> an SVG can run no script and load nothing, whatever its labels say.

    Parameters
    ----------
    fig : matplotlib Figure
        The chart.
    alt : str
        What the chart shows, in words (escaped).

    Returns
    -------
    str
        ``<img class="yb-chart" src="data:image/svg+xml;base64,…" alt="…">``, no network request;
        the same figure gives the same bytes.

    Examples
    --------
    >>> import helpers as h, matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> h.report.figure_html(fig, "empty <chart>").count("data:image/svg+xml;base64,")
    1
    """
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    buf = io.BytesIO()
    # labels from data are never maths (text.parse_math is read when a text is made, so each text
    # already in the figure is told too); text stays text; fixed ids and no date: same bytes each run
    for t in fig.findobj(Text):
        t.set_parse_math(False)
    rc = {"text.parse_math": False, "svg.fonttype": "none", "svg.hashsalt": "yibao"}
    with plt.rc_context(rc):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = re.sub(r"font-family: ?'[^']*'", f"font-family: {CHART_FONTS}", buf.getvalue().decode("utf-8"))
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return str(macro("bits.html.j2", "chart")(f"data:image/svg+xml;base64,{data}", alt))


#: The table rules a section carries with it, scoped to the section (screen only: print keeps the
#: page stylesheet's rules). In JupyterLab, where the report stylesheet is absent, a wide table
#: then scrolls in its own box with a sticky first column and header instead of squeezing columns.
SCOPED_CSS = (
    "<style>@media screen{"
    ".yb-section .yb-scroll{max-width:100%;overflow:auto;max-height:85vh;border:1px solid #b9c7d3;"
    "margin:8px 0}"
    ".yb-section table.yb{border-collapse:separate;border-spacing:0;width:auto;min-width:100%;margin:0}"
    ".yb-section table.yb th,.yb-section table.yb td{min-width:6.5em;padding:4px 8px;text-align:left;"
    "vertical-align:top;border-right:1px solid #b9c7d3;border-bottom:1px solid #b9c7d3;white-space:normal}"
    ".yb-section table.yb thead th{position:sticky;top:0;z-index:2;background:#1f5f8b;color:#fff}"
    ".yb-section table.yb tr>:first-child{position:sticky;left:0;z-index:1;background:#fff;min-width:7em;"
    "max-width:14em}"
    ".yb-section table.yb thead tr>:first-child{z-index:3;background:#1f5f8b}"
    "}</style>"
)


@dataclass
class Section:
    """One part of a report: a heading, HTML parts (already escaped) and the tables behind them.

    Attributes
    ----------
    heading : str
        Plain text (escaped when shown).
    parts : list of str
        HTML fragments in order.
    tables : dict of str to DataFrame
        The data a reader may download, by part name (the renderer writes `<report>-<name>.csv`).
    level : int
        Heading level (2 or 3).
    """

    heading: str
    parts: list[str] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    level: int = 3

    def to_html(self) -> str:
        """The section as one HTML fragment; with a table, its own scoped table style (`SCOPED_CSS`)."""
        body = "".join(self.parts)  # parts are template output (see `Section`)
        style = Markup(SCOPED_CSS) if "<table" in body else ""
        return str(macro("bits.html.j2", "section")(self.heading, self.level, style, Markup(body)))

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        data = {"text/html": self.to_html()}
        if self.tables:
            data[TABLES_MIME] = {name: csv_text(df) for name, df in self.tables.items()}
        return data

    def __repr__(self) -> str:
        return f"<Section {self.heading!r}: {len(self.parts)} parts, tables {list(self.tables)}>"
