"""The data model shared by every stage after the NLP layer: plain frozen dataclasses.

An :class:`Article` is one cleaned input; :func:`kg.extract.extract` maps it to an
:class:`Extraction` (mentions, entities, relations, positions, observations), and
:func:`kg.merge.merge` reduces many extractions into one :class:`Corpus`.
Entity keys are content keys (``"Place:西藏自治区/林芝市"``), never counters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
]


@dataclass(frozen=True, slots=True)
class Meta:
    """What the article says about itself."""

    title: str | None = None
    outlet: str | None = None
    date: str | None = None  # ISO 8601 date
    authors: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    """One input article after cleaning; ``text`` is simplified Chinese.

    ``original`` is the cleaned text in the input's own script when it differs from
    ``text`` and has the same length, so ``original[a:b]`` is the original form of
    ``text[a:b]``; otherwise ``None``.
    """

    doc_id: str
    source_file: str
    text: str
    meta: Meta
    sha256: str
    encoding: str
    script: str  # "simplified" or "traditional"
    original: str | None = None


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


@dataclass(frozen=True, slots=True)
class Corpus:
    """The reduced result: extractions with keys rewritten to merged entities."""

    extractions: tuple[Extraction, ...]
    entities: dict[str, Entity] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
