"""Untrusted text (category and folder names) reaches the page as the characters it is.

A property test: any string, glued as Markdown through
:class:`analysis.report.escape.Markdown`, renders (MyST with the book's
extensions, through docutils) to HTML whose text is the string itself, with
no element, role, math or link made from it.
"""

from __future__ import annotations

import html
import re

import docutils.core
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from myst_parser.parsers.docutils_ import Parser

from analysis.report.escape import Markdown, myst

EXTENSIONS = ["dollarmath", "amsmath", "colon_fence", "deflist", "html_image", "linkify", "substitution"]

NASTY = ["<img src=x onerror=alert(1)>W", "{download}`../../../../etc/hostname`", "{doc}`index`",
         "Under $50 and over $100", "a & b < c > d", "*x* _y_ **z**", "[link](http://example.org)",
         "line\nbreak", "trailing \\", "`code`", "\u05e2\u05d1\u05e8\u05d9\u05ea \u0627\u0644\u0639\u0631\u0628\u064a\u0629",
         "{{ sub }}", "<!-- c -->", ":::{note}\nx\n:::", "$$x$$", "# heading", "1. list", "| a | b |"]


def render(md: str) -> str:
    parts = docutils.core.publish_parts(md, parser=Parser(), writer_name="html5",
                                        settings_overrides={"myst_enable_extensions": EXTENSIONS,
                                                            "report_level": 5, "halt_level": 5})
    return parts["body"]


def shown_text(body: str, before: str, after: str) -> str:
    m = re.search(re.escape(before) + "(.*)" + re.escape(after), body, re.S)
    assert m, body
    inner = m.group(1)
    assert not re.search(r"<(?!/?strong>)", inner), f"markup made from data: {inner!r}"
    return html.unescape(inner)


def literal(name: str) -> str:
    return re.sub(r"[\r\n\u2028\u2029\x0b\x0c\x85]+", " ", name).strip()


@pytest.mark.parametrize("name", NASTY)
def test_nasty_names_render_literally(name):
    body = render(Markdown.build("Before **{c}** after.", c=name))
    assert shown_text(body, "Before <strong>", "</strong> after.").strip() == literal(name).strip()


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(lambda s: s.strip()))
def test_any_name_renders_literally(name):
    body = render(Markdown.build("Before **{c}** after.", c=name))
    got = shown_text(body, "Before <strong>", "</strong> after.")
    assert " ".join(got.split()) == " ".join(literal(name).split())


def test_plain_strings_are_refused_as_markdown():
    from analysis.page import Page

    with pytest.raises(TypeError, match="escaped pieces"):
        Page.md(object.__new__(Page), "k", "raw **markdown**")
    assert myst("$x$") == "\\$x\\$"


def test_estimate_ids_in_tables_are_escaped_anchors_once_each():
    import pandas as pd

    from analysis.report import tables

    df = pd.DataFrame({tables.ID_COLUMN: ['category.a"b<x>.job_posts', 'category.a"b<x>.job_posts', "platform.x"],
                       "v": [1, 2, 3]})
    out = tables.styled(df).to_html()
    assert out.count('id="category.a&quot;b&lt;x&gt;.job_posts"') == 1
    assert out.count('id="platform.x"') == 1
    assert "<x>" not in out
