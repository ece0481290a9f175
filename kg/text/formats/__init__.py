"""Input formats: which reader reads a file, and what every reader gives back.

A reader is a small module here with ``read(data, fields) -> Page``: the input's bytes (a
file's, or one record's) in, the text to clean and what the input says about itself out.
Containers (CSV, JSON Lines, WARC) also have ``records(path, options)``, which streams one
:class:`Record` (or one :class:`Unreadable`) per article. Readers raise :class:`Unreadable`
with the problem and the fix; :mod:`kg.text.sources` and :mod:`kg.text.article` turn it into
an :class:`~kg.errors.InputError` naming the file and record.

The format comes from the file's name, unless its first bytes say otherwise (an ``.html``
that is a PDF, or plain text): see :func:`format_of`.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

__all__ = ["FORMATS", "Format", "Page", "Record", "SourceOptions", "Unreadable", "format_of", "reader", "suffix_format"]


@dataclass(frozen=True, slots=True)
class Format:
    """One input format: its name, file suffixes, media type and reader module."""

    name: str
    suffixes: tuple[str, ...]
    media_type: str
    module: str
    container: bool = False


#: Every format kg reads, by name; the order is the order reports list them in.
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("txt", (".txt", ".text"), "text/plain", "plain"),
    Format("md", (".md", ".markdown"), "text/markdown", "markdown"),
    Format("html", (".html", ".htm", ".xhtml", ".shtml"), "text/html", "webpage"),
    Format("pdf", (".pdf",), "application/pdf", "pdf"),
    Format("docx", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word"),
    Format("jsonl", (".jsonl", ".ndjson"), "application/jsonl", "jsonl", container=True),
    Format("csv", (".csv",), "text/csv", "csvfile", container=True),
    Format("warc", (".warc", ".warc.gz"), "application/warc", "warc", container=True),
)}


@dataclass(frozen=True, slots=True)
class Page:
    """What a reader takes out of one input: the text to clean and the input's own metadata."""

    text: str
    encoding: str = ""  # the text's character encoding; none for PDF and Word
    title: str | None = None
    date: str | None = None  # ISO 8601
    url: str | None = None
    site: str | None = None
    authors: tuple[str, ...] = ()


class Record(NamedTuple):
    """One article inside a container: its id there, its own bytes, and the fields it came with."""

    record: str
    payload: bytes
    fields: tuple[tuple[str, str], ...] = ()


class Unreadable(Exception):
    """An input (or one record of it) a reader cannot use: what is wrong and what to do."""

    def __init__(self, problem: str, fix: str, record: str | None = None) -> None:
        super().__init__(f"{problem}; {fix}")
        self.problem, self.fix, self.record = problem, fix, record

    def __reduce__(self):
        return Unreadable, (self.problem, self.fix, self.record)


@dataclass(frozen=True, slots=True)
class SourceOptions:
    """Which fields of a CSV row or JSON Lines record hold what (the first name present wins),
    and how long an article may be: ``max_chars`` characters of text as read, before cleaning."""

    text_field: tuple[str, ...] = ("text", "content", "body")
    title_field: tuple[str, ...] = ("title",)
    date_field: tuple[str, ...] = ("date", "published", "pubdate")
    url_field: tuple[str, ...] = ("url", "link")
    id_field: tuple[str, ...] = ("id",)
    site_field: tuple[str, ...] = ("site", "source", "outlet")
    author_field: tuple[str, ...] = ("author",)
    max_chars: int = 500_000


def reader(name: str) -> ModuleType:
    """The reader module of format ``name`` (imported on first use: some pull in large libraries)."""
    return import_module(f"{__name__}.{FORMATS[name].module}")


def suffix_format(path: Path) -> str | None:
    """The format a file's name promises, or ``None``.

    >>> suffix_format(Path("crawl/2023.warc.gz")), suffix_format(Path("a.HTM")), suffix_format(Path("a.xls"))
    ('warc', 'html', None)
    """
    name = path.name.lower()
    return next((f.name for f in FORMATS.values() for s in f.suffixes if name.endswith(s)), None)


_MARKUP = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article)[\s>/]", re.IGNORECASE)
_HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE)


def _gunzipped_start(head: bytes) -> bytes:
    try:
        return zlib.decompressobj(31).decompress(head, 16)
    except zlib.error:
        return b""


def format_of(path: Path, head: bytes) -> str:
    """The format of a file, from its first bytes where they are telling, else from its name.

    PDF, Word (zip), WARC and gzip signatures always win; a file named ``.html`` without
    markup is read as plain text, and a ``.txt`` (or a ``.pdf`` …) that starts as an HTML
    page as HTML.

    >>> format_of(Path("notice.html"), b"%PDF-1.7 ..."), format_of(Path("a.html"), "林芝".encode())
    ('pdf', 'txt')
    """
    named = suffix_format(path)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if named == "docx" or b"word/" in head else named or "docx"
    if head.startswith(b"WARC/") or (head.startswith(b"\x1f\x8b") and _gunzipped_start(head).startswith(b"WARC/")):
        return "warc"
    if named == "html" and not _MARKUP.search(head):
        return "txt"
    if named in (None, "txt", "md", "pdf", "docx") and _HTML_START.match(head):  # an error page saved by mistake
        return "html"
    return named or "txt"
