"""Saved web pages (``.html``): the main text and the page's metadata, by trafilatura.

trafilatura leaves out navigation, sidebars, comments and footers and reads the title,
author, site name (``og:site_name``) and canonical URL; the publication date comes from
htmldate (through trafilatura, asked for the *original* date, not the last change).
Our own cleaning runs on the text afterwards, as for any input. A page with no main text
(an index, a login page) is :class:`~kg.text.formats.Unreadable`.
"""

from __future__ import annotations

import codecs
import re

import trafilatura
from charset_normalizer import from_bytes

from kg.errors import quiet
from kg.text.formats import Page, Unreadable
from kg.text.meta import iso_date, person_names

__all__ = ["decode_html", "read"]

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
#: Declared charsets that are subsets of a larger one browsers use in their place.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs",
              "iso-8859-1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252"}
_PROSE = re.compile(r"[^\n]{8,}[。！？；!?;]")
_DATES = {"original_date": True, "extensive_search": True, "outputformat": "%Y-%m-%d"}


def _codec(name: str | bytes | None) -> str | None:
    if not name:
        return None
    label = (name.decode("ascii", "ignore") if isinstance(name, bytes) else name).strip().lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """``(html, encoding)``: the charset the server or the page declares, else UTF-8, else a guess.

    >>> decode_html('<meta charset="gb2312"><p>林芝</p>'.encode("gb18030"))
    ('<meta charset="gb2312"><p>林芝</p>', 'gb18030')
    """
    header = _HEADER_CHARSET.search(content_type or "")
    meta = _META_CHARSET.search(data[:4096])
    for declared in (header and header.group(1), meta and meta.group(1)):
        if codec := _codec(declared):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                continue
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise Unreadable("page is in an unknown character encoding", "save it again as UTF-8")
    return str(best), best.encoding


def read(data: bytes, fields: dict[str, str]) -> Page:
    """The main text and metadata of one page; ``fields`` may give the ``url`` it was fetched
    from (a WARC record's target URI, which then wins over the page's canonical URL)."""
    if not data.strip():
        raise Unreadable("page is empty", "save the page again")
    html, encoding = decode_html(data, fields.get("content-type"))
    with quiet("trafilatura"), quiet("htmldate"):
        document = trafilatura.bare_extraction(
            html, url=fields.get("url"), with_metadata=True, include_comments=False, include_tables=True,
            date_extraction_params=_DATES)
    text = (document.text or "").strip() if document is not None else ""
    if not _PROSE.search(text):  # what is left of an index page: link texts, no sentence
        raise Unreadable("no main text found on the page (an index, navigation or login page?)",
                         "give kg the article's own page, or save its text as .txt")
    return Page(
        text=text,
        encoding=encoding,
        title=(document.title or "").strip() or None,
        date=iso_date(document.date),
        url=fields.get("url") or document.url or None,
        site=(document.sitename or "").strip() or None,
        authors=person_names(document.author),
    )
