"""One input (a file, or a record of a container) → one cleaned :class:`~kg.model.Article`.

The text stage in one call: the format's reader (:mod:`kg.text.formats`) turns the bytes
into text and the input's own metadata, :func:`kg.text.clean.clean` removes what is not
article text (in the input's own script), :func:`kg.text.meta.extract_meta` reads title,
outlet, date and bylines from the text, and OpenCC gives the simplified text every later
stage reads. What the input itself declares (a page's title, date, canonical URL, site)
wins over what is read from the text.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kg.errors import InputError
from kg.model import Article, Meta
from kg.text.clean import clean, detect_script, normalize_unicode, simplified
from kg.text.formats import FORMATS, Page, SourceOptions, Unreadable, reader
from kg.text.meta import extract_meta
from kg.text.sources import Source, content_digest, doc_id_for, file_source

__all__ = ["clean_article", "doc_id_for", "read_article", "too_long"]


def _with_title(page: Page) -> str:
    """The page's text, with its title as the first line when the text does not start with it
    (extractors often keep the title apart), so every format gives the same article text."""
    if not page.title:
        return page.text
    squeeze = "".join
    first = next((line for line in page.text.splitlines() if line.strip()), "")
    if squeeze(normalize_unicode(first).split()).startswith(squeeze(normalize_unicode(page.title).split())):
        return page.text
    return f"{page.title}\n{page.text}"


def _meta(text: str, page: Page) -> Meta:
    meta = extract_meta(text)
    authors = meta.authors + tuple(a for a in map(simplified, page.authors) if a not in meta.authors)
    return dataclasses.replace(
        meta,
        title=simplified(normalize_unicode(page.title)).strip() if page.title else meta.title,
        date=page.date or meta.date,
        authors=authors,
        url=page.url,
        site=simplified(normalize_unicode(page.site)).strip() if page.site else None,
    )


def too_long(source: Source, chars: int, max_chars: int) -> InputError | None:
    """The error for an article of ``chars`` characters (as read) when that is more than ``max_chars``."""
    if chars <= max_chars:
        return None
    return InputError(source.path, f"is {chars} characters long, more than --max-chars {max_chars}",
                      "split it into articles or raise --max-chars", record=source.record, format=source.format)


def read_article(source: Source, options: SourceOptions | None = None) -> Article:
    """Read, clean and describe one input; raises :class:`~kg.errors.InputError` with a one-line
    message (``FILE#record: problem; what to do``) when it cannot be used, or when its text is
    longer than ``options.max_chars`` (checked before cleaning, which takes long on such a text)."""
    data = source.data()
    try:
        page = reader(source.format).read(data, dict(source.fields))
    except Unreadable as error:
        raise InputError(source.path, error.problem, error.fix, record=source.record, format=source.format) from None
    if error := too_long(source, len(page.text), (options or SourceOptions()).max_chars):
        raise error
    raw = _with_title(page)
    original = clean(raw)
    text = simplified(original)
    if not text.strip():
        raise InputError(source.path, "no article text left after removing boilerplate",
                         "check that it is a news article", record=source.record, format=source.format)
    script = detect_script(raw)
    aligned = original if script == "traditional" and len(original) == len(text) and original != text else None
    return Article(source.doc_id, source.path.name, text, _meta(raw, page), content_digest(data, source.fields),
                   page.encoding, script, aligned, source.record, FORMATS[source.format].media_type, len(page.text))


def clean_article(path: Path | str) -> Article:
    """Read and clean one single-file article, whatever its format."""
    return read_article(file_source(path))
