"""The data model shared by every stage after the NLP layer: plain frozen dataclasses.

An :class:`Article` is one cleaned input; :func:`kg.extract.extract` maps it to an
:class:`Extraction` (mentions, entities, relations, positions, observations), and
:func:`kg.merge.merge` reduces many extractions into one :class:`Corpus`.
Entity keys are content keys (``"Place:西藏自治区/林芝市"``), never counters.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

__all__ = [
    "Article",
    "Corpus",
    "Entity",
    "Extraction",
    "Mention",
    "Meta",
    "Observation",
    "Position",
    "Relation",
    "Sentence",
    "Summary",
    "key_family",
    "key_name",
    "key_path",
    "most_frequent",
    "org_key",
    "person_key",
    "place_key",
    "programme_key",
]


def place_key(path: Iterable[str]) -> str:
    """``["西藏自治区", "林芝市"]`` → ``"Place:西藏自治区/林芝市"``: a place is keyed by its chain."""
    return "Place:" + "/".join(path)


def _qualified(family: str, name: str, within: str | None) -> str:
    return f"{family}:{key_path(within) + '/' if within else ''}{name}"


def org_key(name: str, place: str | None = None) -> str:
    """An organisation's key: its name, after the path of the place it is in when the text says.

    >>> org_key("城关镇党委", "Place:西藏自治区/拉萨市/城关区/城关镇")
    'Organization:西藏自治区/拉萨市/城关区/城关镇/城关镇党委'
    """
    return _qualified("Organization", name, place)


def person_key(name: str, within: str | None = None) -> str:
    """A person's key: the name, after the path of the place (or organisation) the text ties them to."""
    return _qualified("Person", name, within)


def programme_key(name: str) -> str:
    return "Programme:" + name


def key_family(key: str) -> str:
    """``"Place:西藏自治区/林芝市"`` → ``"Place"``."""
    return key.split(":", 1)[0]


def key_name(key: str) -> str:
    """The last link of a key: ``"Place:西藏自治区/林芝市"`` → ``"林芝市"``."""
    return key.split(":", 1)[-1].rsplit("/", 1)[-1]


def key_path(key: str) -> str:
    """A key without its family: ``"Place:西藏自治区/林芝市"`` → ``"西藏自治区/林芝市"``."""
    return key.split(":", 1)[-1]


def most_frequent(values: Iterable[str | None] | Counter) -> str | None:
    """The most frequent non-empty value (or the most counted key of a ``Counter``), ties
    broken by sorting; ``None`` when there is none.

    Every choice between candidates (an entity's class or parent, an article's home
    province or topic) is made this way, so it does not depend on input order.

    >>> most_frequent(["林芝市", "拉萨市", "拉萨市", None])
    '拉萨市'
    >>> most_frequent(["b", "a"])
    'a'
    """
    counts = values if isinstance(values, Counter) else Counter(v for v in values if v)
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0] if counts else None


@dataclass(frozen=True, slots=True)
class Meta:
    """What the article says about itself."""

    title: str | None = None
    outlet: str | None = None
    date: str | None = None  # ISO 8601 date
    authors: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    url: str | None = None  # the page's canonical URL, or the URL it was archived from
    site: str | None = None  # the web site or outlet the input names (``og:site_name``)


@dataclass(frozen=True, slots=True)
class Article:
    """One input article after cleaning; ``text`` is simplified Chinese.

    ``original`` is the cleaned text in the input's own script when it differs from
    ``text`` and has the same length, so ``original[a:b]`` is the original form of
    ``text[a:b]``; otherwise ``None``. ``source_file`` is the input file's name; ``record``
    the record within it when it is a container (CSV, JSON Lines, WARC); ``format`` the
    input file's media type (``text/html``, ``application/pdf`` …). ``sha256`` is the digest of the
    bytes the article was made from: the file's, or the record's.
    """

    doc_id: str
    source_file: str
    text: str
    meta: Meta
    sha256: str
    encoding: str  # of the input's text; "" for formats without one (PDF, Word)
    script: str  # "simplified" or "traditional"
    original: str | None = None
    record: str | None = None
    format: str = "text/plain"
    read_chars: int = 0  # characters of text the input's reader gave, before cleaning (what --max-chars limits)


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    paragraph: int


@dataclass(frozen=True, slots=True)
class Entity:
    """A thing with a stable key. ``parent`` is a place key for places and organisations."""

    key: str
    cls: str  # ontology class local name
    name: str
    aliases: frozenset[str] = frozenset()
    parent: str | None = None
    level: str | None = None  # places only


@dataclass(frozen=True, slots=True)
class Mention:
    """``article.text[start:end] == text`` (a tested invariant)."""

    start: int
    end: int
    text: str
    key: str
    sentence: int
    rule: str
    original: str | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    """A binary relation between two entity keys, with the sentence it came from."""

    subject: str
    predicate: str  # ontology property local name
    object: str
    sentence: int | None
    rule: str


@dataclass(frozen=True, slots=True)
class Position:
    person: str
    role: str
    organization: str | None
    sentence: int
    rule: str


@dataclass(frozen=True, slots=True)
class Observation:
    subject: str
    measure: str
    value: Decimal
    unit: str
    period: str | None
    approximate: bool
    sentence: int
    rule: str


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything taken from one article: the output of the map step."""

    article: Article
    sentences: tuple[Sentence, ...]
    entities: tuple[Entity, ...]
    mentions: tuple[Mention, ...]
    relations: tuple[Relation, ...]
    positions: tuple[Position, ...]
    observations: tuple[Observation, ...]
    warnings: tuple[str, ...] = ()
    publisher: str | None = None  #: the key of the outlet the article names as its publisher
    authors: tuple[str, ...] = ()  #: person keys of its authors, in byline order
    editors: tuple[str, ...] = ()  #: person keys of its editors

    def rekeyed(self, mapping: dict[str, str]) -> Extraction:
        """The extraction with every entity key rewritten by ``mapping`` (relations of an
        entity to itself dropped, entities that became one kept once)."""
        if not mapping:
            return self

        def k(key: str | None) -> str | None:
            return mapping.get(key, key) if key else key

        entities = {}
        for e in self.entities:
            entities.setdefault(k(e.key), replace(e, key=k(e.key), parent=k(e.parent)))
        return replace(
            self,
            mentions=tuple(replace(m, key=k(m.key)) for m in self.mentions),
            relations=tuple(dict.fromkeys(
                replace(r, subject=k(r.subject), object=k(r.object)) for r in self.relations
                if k(r.subject) != k(r.object)
            )),
            positions=tuple(dict.fromkeys(replace(p, person=k(p.person), organization=k(p.organization))
                                          for p in self.positions)),
            observations=tuple(replace(o, subject=k(o.subject)) for o in self.observations),
            entities=tuple(entities.values()),
            publisher=k(self.publisher),
            authors=tuple(dict.fromkeys(map(k, self.authors))),
            editors=tuple(dict.fromkeys(map(k, self.editors))),
        )


@dataclass(frozen=True, slots=True)
class Summary:
    """What the reduce needs of one article, kept beside its cached extraction: its entities
    (before resolution) and a few counts, without its text."""

    doc_id: str
    digest: str
    chars: int
    entities: tuple[Entity, ...]
    warnings: tuple[str, ...] = ()
    text_digest: str = ""  #: of the cleaned text: two inputs with the same text are one article
    read_chars: int = 0  #: characters of text as read, before cleaning (:attr:`Article.read_chars`)

    @classmethod
    def of(cls, x: Extraction, digest: str) -> Summary:
        text_digest = hashlib.sha256(x.article.text.encode("utf-8")).hexdigest()
        return cls(x.article.doc_id, digest, len(x.article.text), x.entities, x.warnings, text_digest,
                   x.article.read_chars)


@dataclass(frozen=True, slots=True)
class Corpus:
    """The reduced result: extractions with keys rewritten to merged entities."""

    extractions: tuple[Extraction, ...]
    entities: dict[str, Entity] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
