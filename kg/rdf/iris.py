"""Stable IRIs from content keys: the same key gives the same IRI in every build and corpus.

An entity key ``Place:西藏自治区/林芝市`` becomes ``{base}place/lin-zhi-shi-1a2b3c4d``: a
readable pinyin slug of the name, and 8 hex digits of the key's SHA-1 so that two
places called 城关镇 in different counties stay two nodes.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from rdflib import Namespace, URIRef

__all__ = ["DEFAULT_BASE", "Minter"]

DEFAULT_BASE = "https://example.org/kg/id/"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_MAX_SLUG = 48


def digest(*parts: object, length: int = 16) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:length]


@lru_cache(maxsize=65536)
def slug(name: str) -> str:
    """A readable ASCII slug of a name, from its pinyin.

    >>> slug("林芝市")
    'lin-zhi-shi'
    """
    from pypinyin import lazy_pinyin  # here: its tables take 50 MB, and processes that only read IRIs never mint one

    text = "-".join(lazy_pinyin(name)).lower()
    return _NOT_SLUG.sub("-", text).strip("-")[:_MAX_SLUG].strip("-") or "x"


class Minter:
    """Mints every IRI kg writes, under one base."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        if not re.match(r"^[a-z][a-z0-9+.-]*://\S+[/#]$", base):
            raise ValueError(f"base IRI {base!r} must be an absolute IRI ending in / or #")
        self.ns = Namespace(base)

    def entity(self, key: str) -> URIRef:
        family, _, name = key.partition(":")
        return self.ns[f"{family.lower()}/{slug(name.rsplit('/', 1)[-1])}-{digest(key, length=8)}"]

    def document(self, doc_id: str) -> URIRef:
        return self.ns[f"doc/{doc_id}"]

    def sentence(self, doc_id: str, index: int) -> URIRef:
        return self.ns[f"doc/{doc_id}/s{index}"]

    @staticmethod
    def sentence_position(iri: str) -> tuple[str, int]:
        """Where the sentence ``iri`` (minted by :meth:`sentence`, under any base) is: its
        document's IRI and its index; ``(iri, 0)`` for an IRI of another shape.

        >>> Minter.sentence_position(str(Minter().sentence("林芝-新闻", 12)))
        ('https://example.org/kg/id/doc/林芝-新闻', 12)
        """
        document, _, index = iri.rpartition("/s")
        return (document, int(index)) if document and index.isdigit() else (iri, 0)

    def mention(self, doc_id: str, start: int, end: int) -> URIRef:
        return self.ns[f"doc/{doc_id}/m{start}-{end}"]

    @staticmethod
    def mention_position(iri: str) -> tuple[str, int]:
        """Where the mention ``iri`` (minted by :meth:`mention`, under any base) starts: its
        document's IRI and its character offset; ``(iri, 0)`` for an IRI of another shape.
        Mentions sort by it as their sentences do by :meth:`sentence_position`.

        >>> Minter.mention_position(str(Minter().mention("林芝-新闻", 40, 44)))
        ('https://example.org/kg/id/doc/林芝-新闻', 40)
        """
        document, _, span = iri.rpartition("/m")
        start, _, end = span.partition("-")
        return (document, int(start)) if document and start.isdigit() and end.isdigit() else (iri, 0)

    def shard(self, index: int) -> URIRef:
        """The named graph that holds entity descriptions number ``index`` (:mod:`kg.rdf.graph`)."""
        return self.ns[f"graph/entities-{index:02d}"]

    def named(self, kind: str, name: str) -> URIRef:
        return self.ns[f"{kind}/{slug(name)}-{digest(kind, name, length=8)}"]

    def hashed(self, kind: str, *parts: object) -> URIRef:
        return self.ns[f"{kind}/{digest(kind, *parts)}"]
