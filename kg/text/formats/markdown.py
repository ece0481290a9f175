"""Markdown articles (``.md``): the text without its markup, parsed with markdown-it-py.

Each heading, paragraph, list item and quote becomes one line; a table row becomes one
line of its cells. Links keep their text, emphasis its words; images, code blocks and raw
HTML are left out, and a soft line break inside a paragraph is joined (with no space
between Chinese characters). A YAML front matter block gives ``title``, ``date``, ``url``,
``site`` and ``author``.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from kg.text.formats import Page, Unreadable
from kg.text.formats.plain import read as read_plain
from kg.text.meta import iso_date, person_names

__all__ = ["read", "strip_markdown"]

_PARSER = MarkdownIt("commonmark").enable("table")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_WIDE = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]")


def _inline(token) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append("\0")
        elif child.type == "hardbreak":
            parts.append("\n")
    first, *rest = "".join(parts).split("\0")
    for piece in rest:  # a soft break joins the lines, with a space only between Latin words
        first += ("" if _WIDE.match(first[-1:]) or _WIDE.match(piece[:1]) else " ") + piece
    return first


def strip_markdown(source: str) -> str:
    """The text of a Markdown document, one block per line.

    >>> strip_markdown("# 标题\\n\\n林芝市**巴宜区**开展\\n[双报到](https://a.cn)活动。\\n\\n![图](a.png)")
    '标题\\n林芝市巴宜区开展双报到活动。'
    """
    lines: list[str] = []
    row: list[str] | None = None
    for token in _PARSER.parse(source):
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            lines.append(" ".join(cell for cell in row if cell))
            row = None
        elif token.type == "inline":
            text = _inline(token).strip()
            if row is not None:
                row.append(text)
            elif text:
                lines.append(text)
    return "\n".join(lines)


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    fields = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and value.strip():
            fields[key.strip().lower()] = value.strip().strip("'\"")
    return fields, text[match.end():]


def read(data: bytes, fields: dict[str, str]) -> Page:
    """The document's text without markup, and what its front matter says."""
    raw = read_plain(data, fields)
    front, body = _front_matter(raw.text.lstrip("\ufeff"))
    text = strip_markdown(body)
    if not text.strip():
        raise Unreadable("Markdown file has no text outside markup", "check that it holds the article")
    return Page(text, raw.encoding, title=front.get("title"), date=iso_date(front.get("date")),
                url=front.get("url"), site=front.get("site"), authors=person_names(front.get("author")))
