"""Escaping of untrusted text (names from data, parameters) for the context it lands in.

Every string that comes from an extract or from parameters goes through one
of these functions before it becomes markup:

:func:`myst`
    Markdown/MyST that a page glues with ``{glue:md}``: every ASCII
    punctuation character is backslash-escaped (CommonMark section 2.4), so
    roles (``{download}`...```), math (``$...$``), HTML (``<img ...>``),
    emphasis and links are shown as the characters they are; line breaks
    become spaces and surrounding white space is dropped (so that a name
    stays inside the emphasis around it; names that differ only by
    surrounding space are refused by the data contract).
:func:`html`
    HTML attribute and element text (display tables).

Text glued with ``{glue:text}`` is inserted as a text node and needs no
escaping; figures draw every string literally (``text.parse_math`` is off
in the book's theme, :data:`analysis.report.figures.FIXED_RC`).
"""

from __future__ import annotations

import html as _html
import re

__all__ = ["myst", "html", "Markdown"]

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


def myst(text, strip: bool = True) -> str:
    r"""``text`` as literal MyST Markdown (``strip=False`` keeps surrounding spaces, for pieces of a line).

    Examples
    --------
    >>> print(myst("Writing & <b>Translation</b>"))
    Writing \& \<b\>Translation\<\/b\>
    >>> print(myst("{download}`x`"))
    \{download\}\`x\`
    """
    text = _BREAKS.sub(" ", str(text))
    return _PUNCT.sub(r"\\\1", text.strip() if strip else text)


def html(text) -> str:
    """``text`` as literal HTML (quotes included)."""
    return _html.escape(str(text), quote=True)


class Markdown(str):
    """Markdown assembled only from escaped pieces: ``Markdown.join(template, **parts)``.

    A plain ``str`` passed to :meth:`analysis.page.Page.md` is refused, so a
    page cannot glue Markdown that mixes raw data into markup by accident.
    """

    @classmethod
    def build(cls, template: str, **parts) -> "Markdown":
        r"""Fill ``template`` (trusted, written in the code) with ``parts``; plain strings are escaped.

        Examples
        --------
        >>> print(Markdown.build("In **{cat}**, posts fell.", cat="A*B"))
        In **A\*B**, posts fell.
        """
        safe = {k: (v if isinstance(v, Markdown) else myst(v)) for k, v in parts.items()}
        return cls(template.format(**safe))

    @classmethod
    def trusted(cls, text: str) -> "Markdown":
        """Markdown written in the package's own code (no data in it)."""
        return cls(text)
