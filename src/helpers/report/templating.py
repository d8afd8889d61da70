"""The one way report HTML is made: Jinja2 templates (`report/templates/`) with autoescaping.

A value reaches a page only through a template: any `str` put into a template is escaped;
only `markupsafe.Markup` — what another template rendered — passes as it is. Section functions
build their fragments with `render` (a whole template) or `macro` (one named piece of a template).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

TEMPLATES = Path(__file__).with_name("templates")

__all__ = ["Markup", "escape", "env", "html", "macro", "render", "TEMPLATES"]


@cache
def env() -> jinja2.Environment:
    """The template environment: files in `TEMPLATES`, autoescaping on for every template, undefined
    names an error (a misspelt variable never renders as '')."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def render(name: str, **context) -> Markup:
    """Template `name` (e.g. ``"table.html.j2"``) rendered with `context`, as safe markup.

    Strings in `context` are escaped by the template; `Markup` values are kept as they are.
    """
    return Markup(env().get_template(name).render(**context).strip())


@cache
def _module(name: str):
    return env().get_template(name).module


def macro(name: str, macro_name: str):
    """The macro `macro_name` of template `name`, callable from Python; it returns `Markup`.

    >>> from helpers.report.templating import macro
    >>> str(macro("bits.html.j2", "mark")("conflict", "⚠<b>"))
    '<span class=m>⚠&lt;b&gt;</span>'
    """
    return getattr(_module(name), macro_name)


def html(*parts) -> Markup:
    """Parts joined as markup: text parts escaped (as a template would), `Markup` parts kept.

    >>> str(html("<b>", Markup("<sup>1</sup>")))
    '&lt;b&gt;<sup>1</sup>'
    """
    return Markup("").join(parts)
