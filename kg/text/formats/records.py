"""What CSV and JSON Lines readers share: a row's fields → one article :class:`~kg.text.formats.Record`.

The options (:class:`~kg.text.formats.SourceOptions`) name the fields; the first name a row
has wins, matched exactly and then ignoring case. A record is named by its id field, else
by a digest of its URL, else by a digest of its text, so it keeps its name when rows move.
Its payload is the text alone and its fields carry title, date, URL, site and author:
exactly what the article is made from, so the payload's digest is its cache key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from kg.text.formats import Page, Record, SourceOptions, Unreadable
from kg.text.meta import iso_date, person_names

__all__ = ["column", "make_record", "pick", "read"]


def column(names: Iterable[str], wanted: tuple[str, ...]) -> str | None:
    """The first of ``wanted`` among ``names``, exactly or ignoring case.

    >>> column(["ID", "Content"], ("text", "content")), column(["a"], ("text",))
    ('Content', None)
    """
    names = list(names)
    for name in wanted:
        if name in names:
            return name
    folded = {n.casefold(): n for n in reversed(names)}
    return next((folded[w.casefold()] for w in wanted if w.casefold() in folded), None)


def pick(row: Mapping[str, object], wanted: tuple[str, ...]) -> str | None:
    """The stripped value of the first field of ``wanted`` that the row has and fills."""
    for name in wanted:
        key = column(row.keys(), (name,))
        value = row.get(key) if key is not None else None
        if value is not None and not isinstance(value, (dict, list)) and str(value).strip():
            return str(value).strip()
    return None


def _digest(kind: str, value: str) -> str:
    return f"{kind}-{hashlib.sha256(value.encode('utf-8')).hexdigest()[:12]}"


def make_record(row: Mapping[str, object], options: SourceOptions, where: str,
                extra: tuple[tuple[str, str], ...] = ()) -> Record | Unreadable:
    """One article from a row, or what is wrong with the row (``where`` names it: ``line 7``);
    ``extra`` fields (the file's encoding) are added to the row's."""
    text = pick(row, options.text_field)
    if text is None:
        return Unreadable(f"no text in field {' / '.join(options.text_field)}",
                          "fill it, or name the field that holds the text with --text-field", where)
    ident, url = pick(row, options.id_field), pick(row, options.url_field)
    record = ident or (_digest("url", url) if url else _digest("text", text))
    fields = (("title", pick(row, options.title_field)), ("date", pick(row, options.date_field)), ("url", url),
              ("site", pick(row, options.site_field)), ("author", pick(row, options.author_field)))
    return Record(record, text.encode("utf-8"), tuple((k, v) for k, v in fields if v) + extra)


def read(data: bytes, fields: dict[str, str]) -> Page:
    """A record's article: its text (the payload) and its fields."""
    return Page(data.decode("utf-8"), fields.get("encoding", "utf-8"), title=fields.get("title"),
                date=iso_date(fields.get("date")), url=fields.get("url"), site=fields.get("site"),
                authors=person_names(fields.get("author")))
