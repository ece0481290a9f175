"""kg as a named-entity recogniser: the entity mentions of any text, with offsets and classes.

:func:`entities` runs the whole extraction (LAC, the name model, the rules) over a string and
returns its mentions: where each is, its class (the ontology's local name: ``Place``,
``PartyOrganization``, ``Person``, ``Programme`` …) and the canonical name and key of the
entity it names (``巴宜区`` → key ``Place:西藏自治区/林芝市/巴宜区``). Mentions that refer to
an entity without naming it (全市, 该村) are left out.

Besides the mentions the graph is built from, it returns the names the name model
(:mod:`kg.extract.ner`) finds that no rule confirms (``source == "model"``; class Person,
Place or Organization, key from the surface): the graph leaves them out, as idioms and
slogans can look like names to the model, but a user who wants every name gets them. A
span that begins or ends inside an idiom of the dictionary (故事家|喻户晓) is left out here too.

>>> [(m.text, m.cls) for m in entities("林芝市巴宜区召开会议。")][:2]
[('林芝市', 'Place'), ('巴宜区', 'Place')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc

from kg.extract.extraction import extract
from kg.extract.lexicon import load_lexicon
from kg.extract.nlp import BATCH_TEXTS, make_nlp, parse_many
from kg.extract.spans import NAMES, REFERRING_RULES, SpanIndex
from kg.model import Article, Meta

__all__ = ["EntityMention", "entities", "entities_many"]

_MODEL_CLASSES = {"PER": "Person", "LOC": "Place", "ORG": "Organization"}


@dataclass(frozen=True, slots=True)
class EntityMention:
    """``text[start:end]``, a mention of the entity ``key`` (class ``cls``, name ``name``)."""

    start: int
    end: int
    text: str
    cls: str
    name: str
    key: str
    source: str = "graph"  #: "graph" for the graph's own mentions, "model" for the model's other names


def entities(text: str, *, nested: bool = True) -> list[EntityMention]:
    """The entity mentions in ``text``, in order of position.

    With ``nested=False``, a mention inside another (林芝市 in 林芝市委党校) is left out: the
    outermost names only, as most NER benchmarks count them (where the model reads a whole
    name over the graph's parts, 扎囊县桑耶镇雅江村村委会, the whole is that name).
    """
    return _mentions(text, make_nlp()(text), nested)


def entities_many(texts: Iterable[str], *, nested: bool = True, batch_size: int = BATCH_TEXTS) -> Iterator[list[EntityMention]]:
    """:func:`entities` of each text, in order; LAC and the name model run on ``batch_size`` texts at once,
    which is quicker for many short texts (sentences, titles, records) than one call each."""
    for doc in parse_many(texts, batch_size):
        yield _mentions(doc.text, doc, nested)


def _mentions(text: str, doc: Doc, nested: bool) -> list[EntityMention]:
    x = extract(Article("text", "text", text, Meta(), "", "", "simplified"), doc)
    classes = {e.key: e.cls for e in x.entities}
    names = {e.key: e.name for e in x.entities}
    found = [EntityMention(m.start, m.end, m.text, classes.get(m.key, "Entity"), names.get(m.key, m.text), m.key)
             for m in x.mentions if m.rule not in REFERRING_RULES]
    taken, lexicon = SpanIndex(found), load_lexicon()
    for start, end, kind in doc.user_data.get(NAMES, ()):
        if lexicon.cuts_idiom(text, start, end):  # 故事家|喻户晓: half an idiom is no name
            continue
        near = taken.overlapping(start, end)
        if all(start <= m.start and m.end <= end for m in near) and not any((m.start, m.end) == (start, end)
                                                                           for m in near):
            # a name of its own, or a whole around the graph's parts (扎囊县桑耶镇雅江村村委会)
            last = [m for m in near if m.end == end and m.cls != "Programme"]
            cls = last[0].cls if last else _MODEL_CLASSES[kind]
            surface = text[start:end]
            found.append(EntityMention(start, end, surface, cls, surface, f"{cls}:{surface}", "model"))
    found.sort(key=lambda m: (m.start, -m.end))
    if nested:
        return found
    outer: list[EntityMention] = []
    for mention in found:
        if not outer or mention.start >= outer[-1].end:
            outer.append(mention)
    return outer
