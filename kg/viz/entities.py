"""The entity graph read from a kg store with bounded SPARQL: entities, classes, labels, relations.

Entities are the nodes typed with a class under ``kg:Entity``; a relation is a plain
``kg:locatedIn``, ``kg:partOf`` or ``kg:carriesOut`` triple between two entities, or a
person's ``kg:holdsPosition`` through the position to its ``kg:organization``. Every query
reads the union of the store's graphs and asks for a bounded answer: a count, the top of a
ranking, or the facts of a batch of nodes given with ``VALUES``. Answers are plain strings
and numbers, and nothing here holds the whole graph: :meth:`EntityGraph.entities` and
:meth:`EntityGraph.relations` stream (only :func:`kg.viz.analytics.to_networkx`, for small
graphs, keeps them all).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from itertools import islice
from string import Template

import networkx as nx
import pyoxigraph as ox
from rdflib import RDF, RDFS, SKOS

from kg.rdf.ontology import Vocabulary

__all__ = ["BATCH", "RELATIONS", "EntityGraph", "batches", "entity_class", "term"]

#: Nodes per ``VALUES`` block.
BATCH = 400
#: :meth:`EntityGraph.first` reads every value along a path, keeping the wanted ones, when it
#: wants at least this many nodes and one in :data:`SCAN_SHARE` of the values: asking in
#: ``VALUES`` batches costs about ten times as much per node as a scan costs per value.
SCAN_FROM, SCAN_SHARE = 4 * BATCH, 10
#: The plain relations drawn as edges (``holdsPosition`` goes through the position).
RELATIONS = ("locatedIn", "partOf", "carriesOut")
_TERMS = (*RELATIONS, "holdsPosition", "organization", "role", "mentionOf", "mentions", "inSentence", "inDocument",
          "sentenceIndex", "sourceFile", "sourceRecord", "sourceUrl", "title", "text", "evidence", "Statement")


def term(iri: object) -> str:
    """An IRI as SPARQL writes it."""
    return str(ox.NamedNode(str(iri)))


def batches(items: Iterable[str], size: int = BATCH) -> Iterator[list[str]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def entity_class(types: Collection[str], vocab: Vocabulary) -> str:
    """The most specific of an entity's classes (local names), ties broken by name."""
    specific = [c for c in types if not any(o != c and o in vocab.subclasses(c) for o in types)]
    return min(specific)


class EntityGraph:
    """Questions about the entity graph of ``store`` (its default graph being the union of its graphs)."""

    def __init__(self, store: ox.Store, vocab: Vocabulary) -> None:
        self.store, self.vocab = store, vocab
        self.classes = frozenset(vocab.subclasses("Entity"))
        self._local = {str(vocab[c]): c for c in self.classes}
        self._fill = {name: term(vocab[name]) for name in _TERMS} | {
            "type": term(RDF.type), "label": term(RDFS.label), "altLabel": term(SKOS.altLabel),
            "subject": term(RDF.subject), "predicate": term(RDF.predicate), "object": term(RDF.object),
            "relations": " ".join(term(vocab[r]) for r in RELATIONS), "all": self.in_classes(self.classes)}

    # Building blocks

    def in_classes(self, classes: Iterable[str]) -> str:
        return " ".join(term(self.vocab[c]) for c in sorted(classes))

    def edge(self, a: str, b: str, tag: str) -> str:
        """Pattern: a relation from ``?a`` to ``?b``; ``?p_tag`` its predicate, ``?pos_tag`` the position."""
        return Template("""{ VALUES ?p_$t { $relations } ?$a ?p_$t ?$b }
            UNION { ?$a $holdsPosition ?pos_$t . ?pos_$t $organization ?$b . FILTER(isIRI(?$b))
                    BIND($holdsPosition AS ?p_$t) }""").substitute(self._fill, a=a, b=b, t=tag)

    def incident(self, node: str, other: str) -> str:
        """Pattern: ``?other`` at the far end of each relation of ``?node`` (a self-loop twice)."""
        return f"{{ {self.edge(node, other, 'out')} }} UNION {{ {self.edge(other, node, 'in')} }}"

    def typed(self, var: str, classes: str = "$all") -> str:
        """Pattern: ``?var`` has one of ``classes`` (a ``VALUES`` list, by default every entity class)."""
        return f"?{var} $type ?{var}_class . VALUES ?{var}_class {{ {classes} }}"

    def rows(self, text: str) -> Iterator[ox.QuerySolution]:
        """Answers to ``text``, whose ``$name`` placeholders are the ontology's terms (data escaped with :meth:`data`)."""
        query = Template(text).substitute(self._fill)
        return iter(self.store.query(query, use_default_graph_as_union=True))

    def pairs(self, text: str) -> Iterator[tuple[str, str]]:
        """The two terms of each answer to ``text`` (a two-variable ``SELECT``) as strings, taken by
        position: in scans of every statement or mention, reaching them by name took 40 % longer."""
        for row in self.rows(text):
            yield row[0].value, row[1].value

    @staticmethod
    def data(text: str) -> str:
        """Terms from the data as they go into a query text (a ``$`` in an IRI is not a placeholder)."""
        return text.replace("$", "$$")

    def values(self, var: str, nodes: Iterable[str]) -> str:
        return f"VALUES ?{var} {{ {self.data(' '.join(term(n) for n in nodes))} }}"

    # Counts and rankings

    def count(self, classes: Iterable[str] | None = None) -> int:
        cls = self.in_classes(classes) if classes is not None else "$all"
        (row,) = self.rows(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {self.typed('e', cls)} }}")
        return int(row["n"].value)

    def entities(self, classes: Iterable[str] | None = None) -> Iterator[str]:
        cls = self.in_classes(classes) if classes is not None else "$all"
        return (row["e"].value for row in self.rows(f"SELECT DISTINCT ?e WHERE {{ {self.typed('e', cls)} }}"))

    def relations(self) -> Iterator[tuple[str, str]]:
        """Every relation, as (subject, object) IRIs, streamed; an end need not be an entity.

        The caller, who holds the entities anyway, tells which are: asking the store to check
        each end's class took 17× as long as the relations themselves.
        """
        for row in self.rows(f"SELECT ?s ?o WHERE {{ {self.edge('s', 'o', 'e')} }}"):
            s, o = row[0], row[1]  # by position: quicker than by name
            if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode):
                yield s.value, o.value

    def described(self) -> Iterator[tuple[str, str, str]]:
        """Every entity as (IRI, name, class): its least label (else its IRI) and most specific class."""
        text = """SELECT ?e ?classes ?label WHERE {
            { SELECT ?e (GROUP_CONCAT(STR(?c); separator=" ") AS ?classes) WHERE { ?e $type ?c . VALUES ?c { $all } }
              GROUP BY ?e }
            OPTIONAL { SELECT ?e (MIN(STR(?l)) AS ?label) WHERE { ?e $type ?t . VALUES ?t { $all } ?e $label ?l }
                       GROUP BY ?e } }"""
        for row in self.rows(text):
            cls = entity_class({self._local[c] for c in row["classes"].value.split()}, self.vocab)
            yield row["e"].value, row["label"].value if row["label"] is not None else row["e"].value, cls

    def ranked(self, candidates: Iterable[str] | None = None, within: Iterable[str] | None = None,
               limit: int | None = None) -> Iterator[tuple[str, str, str, int]]:
        """Entities of the ``candidates`` classes, most connected first: (IRI, label, class, degree).

        The degree counts relations (in and out, one per edge) to entities of the ``within``
        classes; ties go by label, then IRI. Both default to every entity class.
        """
        pick = self.in_classes(candidates) if candidates is not None else "$all"
        among = self.in_classes(within) if within is not None else "$all"
        text = f"""SELECT ?e ?name ?classes ?degree WHERE {{
            {{ SELECT ?e (GROUP_CONCAT(STR(?c); separator=" ") AS ?classes) WHERE {{ ?e $type ?c . VALUES ?c {{ $all }} }}
               GROUP BY ?e }}
            FILTER EXISTS {{ {self.typed('e', pick)} }}
            OPTIONAL {{ SELECT ?e (MIN(STR(?l)) AS ?label) WHERE {{ {self.typed('e', pick)} ?e $label ?l }} GROUP BY ?e }}
            OPTIONAL {{ SELECT ?e (COUNT(*) AS ?n) WHERE {{ {self.incident('e', 'x')}
                        FILTER EXISTS {{ {self.typed('e', among)} }} FILTER EXISTS {{ {self.typed('x', among)} }} }}
                        GROUP BY ?e }}
            BIND(COALESCE(?label, STR(?e)) AS ?name) BIND(COALESCE(?n, 0) AS ?degree)
        }} ORDER BY DESC(?degree) ?name STR(?e) {'' if limit is None else f'LIMIT {int(limit)}'}"""
        for row in self.rows(text):
            cls = entity_class({self._local[c] for c in row["classes"].value.split()}, self.vocab)
            yield row["e"].value, row["name"].value, cls, int(row["degree"].value)

    # Facts of given nodes

    def first(self, nodes: Iterable[str], path: str) -> dict[str, str]:
        """Each node's least value (as a string) along ``path`` (a property path of ``$terms``), if any."""
        found: dict[str, str] = {}
        nodes = sorted(set(nodes))
        if len(nodes) >= SCAN_FROM:
            (row,) = self.rows(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?e {path} ?x }}")
            if int(row["n"].value) <= SCAN_SHARE * len(nodes):
                wanted = set(nodes)
                for node, value in self.pairs(f"SELECT ?e ?x WHERE {{ ?e {path} ?x }}"):
                    if node in wanted and (node not in found or value < found[node]):
                        found[node] = value
                return found
        for chunk in batches(nodes):
            text = f"SELECT ?e (MIN(STR(?x)) AS ?v) WHERE {{ {self.values('e', chunk)} ?e {path} ?x }} GROUP BY ?e"
            found.update((row["e"].value, row["v"].value) for row in self.rows(text))
        return found

    def every(self, nodes: Iterable[str], path: str) -> dict[str, set[str]]:
        """Each node's values (as strings) along ``path``."""
        found: dict[str, set[str]] = {}
        for chunk in batches(sorted(nodes)):
            for row in self.rows(f"SELECT DISTINCT ?e ?x WHERE {{ {self.values('e', chunk)} ?e {path} ?x }}"):
                found.setdefault(row["e"].value, set()).add(row["x"].value)
        return found

    def tally(self, nodes: Iterable[str], path: str) -> dict[str, int]:
        """How many distinct subjects reach each node along ``path``."""
        found: dict[str, int] = {}
        for chunk in batches(sorted(nodes)):
            text = f"SELECT ?e (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {self.values('e', chunk)} ?x {path} ?e }} GROUP BY ?e"
            found.update((row["e"].value, int(row["n"].value)) for row in self.rows(text))
        return found

    def nodes(self, nodes: Iterable[str]) -> dict[str, dict]:
        """``label``, ``cls`` and ``mentions`` (how many mentions name it) of each entity among ``nodes``."""
        nodes = sorted(nodes)
        types = self.every(nodes, "$type")
        labels, mentions = self.first(nodes, "$label"), self.tally(nodes, "$mentionOf")
        info = {}
        for node in nodes:
            classes = {self._local[c] for c in types.get(node, ()) if c in self._local}
            if classes:
                info[node] = {"label": labels.get(node, node), "cls": entity_class(classes, self.vocab),
                              "mentions": mentions.get(node, 0)}
        return info

    def edges(self, sources: Iterable[str], keep: Collection[str]) -> list[tuple[str, str, str, str, str | None]]:
        """Relations from ``sources`` to nodes in ``keep``: (subject, object, predicate name, role, position)."""
        found = set()
        for chunk in batches(sorted(sources)):
            for row in self.rows(f"SELECT ?s ?o ?p_e ?pos_e WHERE {{ {self.values('s', chunk)} {self.edge('s', 'o', 'e')} }}"):
                if row["o"].value in keep:
                    position = row["pos_e"].value if row["pos_e"] is not None else None
                    found.add((row["s"].value, row["o"].value, row["p_e"].value, position))
        roles = self.first({p for *_, p in found if p is not None}, "$role/$label")
        ns = str(self.vocab.namespace)
        return sorted((s, o, p.removeprefix(ns), roles.get(pos, "") if pos else "", pos) for s, o, p, pos in found)

    def neighbours(self, nodes: Iterable[str]) -> Iterator[tuple[str, str]]:
        """(node, neighbour) for every relation of ``nodes`` with another entity, either way."""
        for chunk in batches(sorted(nodes)):
            text = f"""SELECT DISTINCT ?n ?x WHERE {{ {self.values('n', chunk)} {self.incident('n', 'x')}
                       FILTER EXISTS {{ {self.typed('x')} }} }}"""
            yield from ((row["n"].value, row["x"].value) for row in self.rows(text))

    def network(self, nodes: Collection[str]) -> nx.MultiDiGraph:
        """The entities among ``nodes`` and the relations between them, as networkx node and edge data.

        A node has ``label``, ``cls`` (the local name of its most specific class) and
        ``mentions``; an edge ``predicate`` and ``label`` (from the ontology), and for
        ``holdsPosition`` the ``role`` and the ``position`` that holds its evidence.
        """
        g = nx.MultiDiGraph()
        info = self.nodes(nodes)
        for node in sorted(info):
            g.add_node(node, **info[node])
        for s, o, predicate, role, position in self.edges(info, info):
            data = {"predicate": predicate, "label": self.vocab.label(self.vocab[predicate])}
            if position is not None:
                data |= {"role": role, "position": position}
            g.add_edge(s, o, **data)
        return g
