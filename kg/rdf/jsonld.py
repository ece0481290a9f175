"""JSON-LD written straight from sorted N-Triples, one node at a time: memory stays flat.

The document is compacted with the context :func:`jsonld_context` makes from the ontology:
one short term per class and property (object properties typed ``@id``), the ontology's
prefixes, and ``kgr:`` for kg's own resources. Nodes come in the N-Triples' order (all the
triples of a subject are adjacent there), each with its keys and values sorted, so the
same graph always gives the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import OWL, RDF

from kg.rdf.iris import Minter
from kg.rdf.ontology import Vocabulary

__all__ = ["jsonld_context", "parse_line", "write_jsonld"]

_LINE = re.compile(r'^<([^>]*)> <([^>]*)> (?:<([^>]*)>|"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?) \.$')
_UNESCAPE = re.compile(r"\\(.)")
_UNESCAPED = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_NATIVE = {_XSD + "integer": int, _XSD + "boolean": lambda text: text == "true"}
_TYPE = str(RDF.type)


def jsonld_context(vocab: Vocabulary, mint: Minter) -> dict:
    """Prefixes, plus one short term per ontology class and property.

    Object properties are typed ``@id`` so their values compact to plain IRIs; datatype
    properties keep their values' own datatypes and languages.
    """
    context: dict[str, object] = {**vocab.prefixes, "kgr": str(mint.ns)}
    for name in sorted(vocab.defined_terms()):
        term = vocab.namespace[name]
        if (term, RDF.type, OWL.ObjectProperty) in vocab.graph:
            context[name] = {"@id": f"{vocab.prefix}:{name}", "@type": "@id"}
        else:
            context[name] = f"{vocab.prefix}:{name}"
    return {"@context": context}


def parse_line(line: str) -> tuple[str, str, tuple[str, str | None, str | None, bool]]:
    """One N-Triples line kg wrote → (subject, predicate, (value, language, datatype, is_iri)).

    >>> parse_line('<http://x/s> <http://x/p> "a\\\\"b"@zh .')
    ('http://x/s', 'http://x/p', ('a"b', 'zh', None, False))
    """
    match = _LINE.match(line.rstrip("\n"))
    if match is None:
        raise ValueError(f"not an N-Triples line kg writes: {line[:80]!r}")
    s, p, o_iri, text, lang, datatype = match.groups()
    if o_iri is not None:
        return s, p, (o_iri, None, None, True)
    return s, p, (_UNESCAPE.sub(lambda m: _UNESCAPED.get(m.group(1), m.group(1)), text), lang, datatype, False)


class _Compactor:
    def __init__(self, context: dict) -> None:
        self.terms: dict[str, tuple[str, bool]] = {}  # IRI → (term, values are @id)
        prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("/", "#"))}
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        for term, value in context.items():
            target = value["@id"] if isinstance(value, dict) else value
            if term in prefixes:
                continue
            prefix, _, local = target.partition(":")
            self.terms[prefixes.get(prefix, "") + local] = (term, isinstance(value, dict))

    def name(self, iri: str) -> str:
        if iri in self.terms:
            return self.terms[iri][0]
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace) and prefix != "kgr":
                return f"{prefix}:{iri[len(namespace):]}"
        return iri

    def value(self, predicate: str, value: tuple[str, str | None, str | None, bool]) -> object:
        text, lang, datatype, is_iri = value
        if is_iri:
            return text if self.terms.get(predicate, ("", False))[1] else {"@id": text}
        if lang:
            return {"@language": lang, "@value": text}
        if datatype in _NATIVE:
            return _NATIVE[datatype](text)
        if datatype:
            return {"@type": self.name(datatype), "@value": text}
        return text


def _nodes(lines: Iterable[str], compact: _Compactor) -> Iterator[dict]:
    node: dict | None = None
    subject = None
    for line in lines:
        s, p, o = parse_line(line)
        if s != subject:
            if node is not None:
                yield node
            subject, node = s, {"@id": s}
        if p == _TYPE:
            node.setdefault("@type", []).append(compact.name(o[0]))
        else:
            node.setdefault(compact.name(p), []).append(compact.value(p, o))
    if node is not None:
        yield node


def _tidy(node: dict) -> dict:
    """Values sorted, and a single value written without its array."""
    out = {}
    for key, values in sorted(node.items()):
        if isinstance(values, list) and len(values) == 1:
            out[key] = values[0]
        elif isinstance(values, list):
            out[key] = sorted(values, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
        else:
            out[key] = values
    return out


def write_jsonld(ntriples: Path, target: Path, context: dict) -> None:
    """Write the graph in the sorted N-Triples file ``ntriples`` as compacted JSON-LD.

    The context is indented; each node is one line (json's C encoder writes those: indenting
    them too took twice as long).
    """
    compact = _Compactor(context["@context"])
    head = json.dumps(context["@context"], ensure_ascii=False, sort_keys=True, indent=1)
    with ntriples.open(encoding="utf-8") as lines, target.open("w", encoding="utf-8") as out:
        out.write('{\n "@context": ' + head.replace("\n", "\n ") + ',\n "@graph": [')
        first = True
        for node in _nodes(lines, compact):
            text = json.dumps(_tidy(node), ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
            out.write(("\n  " if first else ",\n  ") + text)
            first = False
        out.write("\n ]\n}\n")
