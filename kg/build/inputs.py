"""The build's inputs, as the driver sees them: articles with ids and digests, and repeats.

:func:`find_articles` streams the sources (:func:`kg.text.sources.find_sources`) and keeps
for each a small :class:`~kg.build.tasks.Article`; :func:`duplicates` finds, once the map
has read them, the inputs whose cleaned text an earlier article already has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from kg.build.tasks import Article
from kg.cache import ExtractionCache
from kg.errors import InputError
from kg.text.sources import SourceCounts, SourceOptions, find_sources

__all__ = ["duplicates", "find_articles"]


def find_articles(inputs: Iterable[Path | str], options: SourceOptions | None, counts: SourceCounts,
              cache: ExtractionCache, spill: Path) -> tuple[list[Article], list[str]]:
    """Every readable input with its id and digest; one line per bad input or clashing id.

    Sources stream in; a record that needs extracting has its bytes written to ``spill``
    (they are read again by the worker that extracts it), so none is held here.
    """
    articles: dict[str, Article] = {}
    errors: list[str] = []
    for item in find_sources(inputs, options):
        if isinstance(item, InputError):
            errors.append(str(item))
            counts.skipped[item.format or "txt"] += 1
            continue
        doc_id = item.doc_id
        if doc_id in articles:
            fix = "give the records distinct ids (--id-field)" if item.record else "rename one of the two files"
            errors.append(str(InputError(item.path, f"has the same article id ({doc_id}) as {articles[doc_id].name}",
                                         fix, record=item.record)))
            counts.skipped[item.format] += 1
            continue
        try:
            digest = item.digest
        except InputError as error:
            errors.append(str(error))
            counts.skipped[item.format] += 1
            continue
        payload = None
        if item.payload is not None:
            if not cache.has(doc_id, digest):
                payload = spill / f"{len(articles):08d}.bin"
                payload.parent.mkdir(parents=True, exist_ok=True)
                payload.write_bytes(item.payload)
            item = replace(item, payload=None)
        articles[doc_id] = Article(doc_id, digest, item, str(payload) if payload else None)
    return sorted(articles.values(), key=lambda a: a.doc_id), errors


def duplicates(articles: list[Article], texts: dict[str, str], counts: SourceCounts) -> tuple[set[str], list[str]]:
    """Articles whose cleaned text an article with a smaller id has too: reported, built once."""
    first: dict[str, Article] = {}
    dropped, lines = set(), []
    for article in articles:  # sorted by id
        text = texts.get(article.doc_id)
        if text is None:
            continue
        if text in first:
            dropped.add(article.doc_id)
            counts.duplicates[article.source.format] += 1
            lines.append(str(InputError(article.source.path, f"the same article as {first[text].name} "
                                        "(same cleaned text)", "built once", record=article.source.record)))
        else:
            first[text] = article
            counts.read[article.source.format] += 1
    return dropped, lines
