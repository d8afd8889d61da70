"""`build.soup`: the exporter's closing round trip without BeautifulSoup, byte for byte the same."""

from __future__ import annotations

import nbformat
import pytest
from bs4 import BeautifulSoup

from helpers.build import soup
from helpers.build.execute import exporter


def _bs4(html: str) -> str:
    import logging

    return soup._soup(html, logging.getLogger("test"))


MIRRORED = [
    '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">\n  <title>a &amp; b</title></head>',
    '<meta name="viewport" content="width=device-width, initial-scale=1"><br><hr/><div/>',
    "<p class='  a   b ' id=x data-z=\"1\" data-a=2>text &lt;x&gt; &nbsp; &#39; &#x27;"
    " &#65;&#66 &bogus; &</p>",
    '<a href="?a=1&amp;b=2" title=\'say "hi"\' rel="nofollow  noopener">x</a>'
    '<span title="it\'s &quot;q&quot;">y</span>',
    "<style>\n  td > a { color: red; } /* & < > */\n</style><script>if (a < b && c) {}</script>",
    "<div><b>unclosed <i>nested</div> after</b> stray </span> end",
    "<table><tr><td headers=' h1  h2 '>1</td><th>2</th></tr></table>\n\n   \n<ul>\n <li>a</li>\n</ul>",
    "<img src=x.png><img src=y.png alt=''><img src=z.png alt=\"z\"/>",
    '<!-- a comment & <b> -->text<section class="yb">\t \f</section> \u00a0 <sup>1</sup>',
    "<svg viewBox='0 0 1 1'><path d='M0 0'/><circle r=1></circle></svg><input checked disabled=\"\">",
    "<p>一 二\u3000三</p><p title='中文 \u3000 x'>é &eacute; &copy &amp;amp;</p>",
]

DECLINED = [
    "<pre>  kept\n  whitespace </pre>",
    "<textarea> x </textarea>",
    '<div class="jp-Notebook"><div class="jp-Cell-inputWrapper">x</div></div>',
    '<meta charset="latin-1">',
    '<meta http-equiv="Content-Type" content="text/html; charset=latin-1">',
    '<p id="a" id="b">dup</p>',
    "<!-- -->",
    "<?xml version='1.0'?><p>x</p>",
    "<![CDATA[x]]>",
    "<br></br>",
]


@pytest.mark.parametrize("html", MIRRORED)
def test_mirrors_beautifulsoup(html):
    assert soup.reserialise(html) == _bs4(html)


@pytest.mark.parametrize("html", DECLINED)
def test_declines_what_it_does_not_mirror(html):
    with pytest.raises(soup.Unsupported):
        soup.reserialise(html)


def test_exporter_pages_equal_nbconverts(monkeypatch):
    """The project's exporter (template included) writes what nbconvert's HTMLExporter writes,
    on a notebook with HTML, text, a table and an image output, and when it falls back."""
    from nbconvert import HTMLExporter

    nb = nbformat.v4.new_notebook()
    nb.metadata["title"] = "t"
    cells = [
        (
            "<section class='yb-section'><h2>标题 &amp; title</h2>"
            "\n  <table><tr><td>1</td></tr></table></section>",
            None,
        ),
        ("<p>a<br>b</p><pre> kept </pre>", None),  # the fallback path
    ]
    for html, _ in cells:
        cell = nbformat.v4.new_code_cell("x")
        cell.outputs = [
            nbformat.v4.new_output("display_data", {"text/html": html, "text/plain": "x"}),
            nbformat.v4.new_output("stream", text="plain <text> & more\n"),
        ]
        nb.cells.append(cell)
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    img = nbformat.v4.new_code_cell("y")
    img.outputs = [nbformat.v4.new_output("display_data", {"image/png": png})]
    nb.cells.append(img)
    ours = exporter()
    theirs = HTMLExporter(
        config=ours.config, template_name="offline", extra_template_basedirs=ours.extra_template_basedirs
    )
    meta = {"title": "t", "shown_parameters": [], "data_version": "v", "rendered": "r", "downloads": []}
    for book in (nb, nbformat.from_dict({**nb, "cells": nb.cells[:1] + nb.cells[2:]})):
        a, _ = ours.from_notebook_node(book, resources={"yibao": dict(meta)})
        b, _ = theirs.from_notebook_node(book, resources={"yibao": dict(meta)})
        assert a == b
    assert isinstance(BeautifulSoup, type)
