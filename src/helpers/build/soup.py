"""nbconvert's last HTML step, the same bytes without building a BeautifulSoup tree.

`HTMLExporter.from_notebook_node` renders its template, then parses the page with BeautifulSoup
(``html.parser``) to add ``alt`` to images that have none and ``tabindex`` to notebook cells, and
writes the tree out again (attributes sorted, ``<br/>``, whitespace-only text shortened, entities
decoded and re-escaped). On a report page that round trip was 95 % of the export (0.4–0.9 s a
page; the template itself 0.04 s).

`reserialise` streams the same page through the same tokenizer (`html.parser`, with
``convert_charrefs=False`` as BeautifulSoup sets it) and writes each event as BeautifulSoup's
minimal formatter would, with BeautifulSoup's own tables (empty-element tags, multi-valued
attributes) and functions (entity decoding, escaping, quoting). Anything it does not mirror
exactly — ``<pre>``/``<textarea>`` (whitespace kept), the notebook classes the exporter looks
for, a meta charset other than utf-8, a duplicated attribute, an empty or blank comment, a
processing instruction or CDATA section, an end tag that would close an empty-element tag —
raises `Unsupported`, and the caller uses BeautifulSoup itself. `tests/test_soup.py` compares the
two on every page of the catalogue.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from bs4 import BeautifulSoup
from bs4.builder import HTMLTreeBuilder
from bs4.builder._htmlparser import BeautifulSoupHTMLParser
from bs4.dammit import EntitySubstitution
from bs4.formatter import HTMLFormatter
from nbconvert.exporters.html import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

_FORMAT = HTMLFormatter.REGISTRY["minimal"]
_EMPTY = frozenset(HTMLTreeBuilder.DEFAULT_EMPTY_ELEMENT_TAGS)
_LISTS = HTMLTreeBuilder.DEFAULT_CDATA_LIST_ATTRIBUTES
_RAW = frozenset(_FORMAT.cdata_containing_tags)  # script, style: their text is written as it is
_KEPT = frozenset(HTMLTreeBuilder.DEFAULT_PRESERVE_WHITESPACE_TAGS) | {"pre", "textarea"}
_WORDS = re.compile(r"\S+")
_BLANK = "".join(BeautifulSoup.ASCII_SPACES)
_ALT = "No description has been provided for this image"


def _escape(text: str) -> str:
    """`EntitySubstitution.substitute_xml` (the minimal formatter's): & < > as entities."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


class Unsupported(Exception):
    """The page holds something `reserialise` does not mirror: use BeautifulSoup."""


class _Writer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.data: list[str] = []  # text since the last tag, joined when the next event comes
        self.stack: list[str] = []  # open tags, innermost last
        self.closed_empty: list[str] = []

    # text
    def _flush(self) -> None:
        if not self.data:
            return
        text = "".join(self.data)
        self.data = []
        if not text.strip(_BLANK):
            text = "\n" if "\n" in text else " "
        if self.stack and self.stack[-1] in _RAW:
            self.out.append(text)
        else:
            self.out.append(_escape(text))

    def handle_data(self, data: str) -> None:
        self.data.append(data)

    def handle_entityref(self, name: str) -> None:
        char = EntitySubstitution.HTML_ENTITY_TO_CHARACTER.get(name)
        self.data.append(char if char is not None else f"&{name}")

    def handle_charref(self, name: str) -> None:
        text, _, extra = BeautifulSoupHTMLParser._dereference_numeric_character_reference(name)
        if text is not None:
            self.data.append(text)
        if extra is not None:
            self.data.append(extra)

    # tags
    def _open(self, tag: str, attrs: list[tuple[str, str | None]], empty: bool) -> None:
        self._flush()
        if tag in _KEPT:
            raise Unsupported(tag)
        values: dict[str, object] = {}
        for key, value in attrs:
            if key in values:
                raise Unsupported(f"duplicate attribute {key}")
            value = "" if value is None else value
            if key in _LISTS.get("*", ()) or key in _LISTS.get(tag, ()):
                value = _WORDS.findall(value)
            values[key] = value
        if tag == "meta" and ("charset" in values and values["charset"] != "utf-8" or "http-equiv" in values):
            raise Unsupported("meta charset")
        if tag == "img" and "alt" not in values:
            values["alt"] = _ALT
        parts = []
        for key, value in sorted(values.items()):
            text = " ".join(value) if isinstance(value, list) else value
            if "jp-" in text:  # the exporter's tabindex targets (.jp-Notebook …): not mirrored
                raise Unsupported(text)
            parts.append(key + "=" + _FORMAT.quoted_attribute_value(_escape(text)))
        attr = (" " + " ".join(parts)) if parts else ""
        if empty:
            self.out.append(f"<{tag}{attr}/>")
        else:
            self.out.append(f"<{tag}{attr}>")
            self.stack.append(tag)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _EMPTY:
            self._open(tag, attrs, True)
            self.closed_empty.append(tag)
        else:
            self._open(tag, attrs, False)

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _EMPTY:
            self._open(tag, attrs, True)
        else:
            self._open(tag, attrs, False)
            self._close(tag)

    def _close(self, tag: str) -> None:
        self._flush()
        if tag not in self.stack:
            return  # BeautifulSoup drops an end tag with nothing open to close
        while True:
            name = self.stack.pop()
            self.out.append(f"</{name}>")
            if name == tag:
                return

    def handle_endtag(self, tag: str) -> None:
        if tag in _EMPTY:
            raise Unsupported(f"</{tag}>")
        self._close(tag)

    # the rest
    def handle_comment(self, data: str) -> None:
        if not data.strip(_BLANK):
            raise Unsupported("blank comment")
        self._flush()
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        if not decl.startswith("DOCTYPE ") or not decl[len("DOCTYPE ") :].strip(_BLANK):
            raise Unsupported(decl)
        self._flush()
        self.out.append(f"<!DOCTYPE {decl[len('DOCTYPE ') :]}>\n")

    def handle_pi(self, data: str) -> None:
        raise Unsupported("processing instruction")

    def unknown_decl(self, data: str) -> None:
        raise Unsupported("declaration")


def reserialise(html: str) -> str:
    """The page as ``str(BeautifulSoup(html, "html.parser"))`` after the exporter's changes would
    write it; raises `Unsupported` when the page holds something this does not mirror."""
    w = _Writer()
    try:
        w.feed(html)
        w.close()
    except AssertionError as exc:  # html.parser refuses the markup (BeautifulSoup would too)
        raise Unsupported(str(exc)) from exc
    w._flush()
    while w.stack:
        w.out.append(f"</{w.stack.pop()}>")
    return "".join(w.out)


class Exporter(HTMLExporter):
    """`HTMLExporter` (nbconvert 7.17) with its closing BeautifulSoup round trip done by
    `reserialise`, or by BeautifulSoup itself when `reserialise` declines the page."""

    def from_notebook_node(self, nb, resources=None, **kw):
        # HTMLExporter.from_notebook_node up to its template step, as nbconvert writes it
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        try:
            return reserialise(html), resources
        except Unsupported:
            return _soup(html, self.log), resources


def _soup(html: str, log) -> str:
    """The exporter's own round trip (nbconvert 7.17 `HTMLExporter.from_notebook_node`)."""
    soup = BeautifulSoup(html, features="html.parser")
    missing_alt = 0
    for elem in soup.select("img:not([alt])"):
        elem.attrs["alt"] = _ALT
        missing_alt += 1
    if missing_alt:
        log.warning("Alternative text is missing on %s image(s).", missing_alt)
    for elem in soup.select(".jp-Notebook div.jp-Cell-inputWrapper"):
        elem.attrs["tabindex"] = "0"
    for elem in soup.select(".jp-Notebook div.jp-OutputArea-output"):
        elem.attrs["tabindex"] = "0"
    return str(soup)
