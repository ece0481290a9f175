"""Plain-text articles (``.txt``): UTF-8, GB18030 or Big5, read as they are."""

from __future__ import annotations

from kg.text.formats import Page, Unreadable
from kg.text.read import decode_text

__all__ = ["read"]


def read(data: bytes, fields: dict[str, str]) -> Page:
    """Decode a text file; an empty or binary one is :class:`Unreadable`."""
    if not data.strip():
        raise Unreadable("file is empty", "remove it or add the article's text")
    if b"\x00" in data:
        raise Unreadable("looks binary (contains NUL bytes)", "give kg plain-text .txt articles")
    text, encoding = decode_text(data)
    return Page(text, encoding)
