"""What the page says of each node and edge it draws: class, aliases, places above, articles, evidence.

Everything is read for the drawn nodes only, a batch at a time. Evidence is at most
:data:`EVIDENCE` sentences per node or edge, the first by article (its id, which is its
file's name) and position in it, kept as the store lists them, so an
entity named in many thousands of sentences costs no more memory than one named in three.
"""

from __future__ import annotations

from bisect import insort

import networkx as nx

from kg.rdf.iris import Minter
from kg.viz.entities import EntityGraph, batches, term

__all__ = ["EVIDENCE", "edge_details", "node_details"]

#: Evidence sentences shown per node or edge.
EVIDENCE = 3


def _first_sentences(graph: EntityGraph, keys: list[tuple[str, ...]], variables: str, pattern: str,
                     scan: bool = False) -> dict:
    """Key → its first :data:`EVIDENCE` sentences (``?sentence`` of ``pattern``), by article and index in it.

    ``keys`` are tuples of IRIs bound to ``variables`` (``"?e"`` or ``"?s ?p ?o"``). The store
    only lists each key's sentences (a scan of an index); the first few are kept here, a
    short sorted list per key: ordering inside the store (a sorted subquery per key) took 7× as long.
    With ``scan``, the store lists the pattern's rows for every key once and the wanted keys
    are picked here: for statements (a five-way join) a ``VALUES`` batch cost the store as
    much as listing them all.
    """
    if not keys:
        return {}
    found: dict[tuple[str, ...], list[tuple[tuple[str, int], str]]] = {}
    names = [name[1:] for name in variables.split()]
    wanted = set(keys) if scan else None
    texts = ([f"SELECT {variables} ?sentence WHERE {{ {pattern} }}"] if scan else
             (f"SELECT DISTINCT {variables} ?sentence WHERE {{ VALUES ({variables}) {{ {graph.data(rows)} }} {pattern} }}"
              for rows in (" ".join("(" + " ".join(term(iri) for iri in key) + ")" for key in chunk)
                           for chunk in batches(keys))))
    for text in texts:
        for row in graph.rows(text):
            key = tuple(row[n].value for n in names)
            if wanted is not None and key not in wanted:
                continue
            first = found.setdefault(key, [])
            sentence = row["sentence"].value
            entry = (Minter.sentence_position(sentence), sentence)
            if entry not in first:
                insort(first, entry)
                del first[EVIDENCE:]
    return {key: [sentence for _, sentence in first] for key, first in found.items()}


def _sentences(graph: EntityGraph, chosen: dict) -> dict:
    """Key → the evidence as the page shows it: text, source (title and file, or file) and URL."""
    sentences = sorted({s for listed in chosen.values() for s in listed})
    text = graph.first(sentences, "$text")
    docs = graph.first(sentences, "$inDocument")
    facts = {name: graph.first(set(docs.values()), f"${name}") for name in ("sourceFile", "sourceRecord", "title", "sourceUrl")}
    out = {}
    for key, listed in chosen.items():
        out[key] = []
        for sentence in listed:
            doc = docs.get(sentence, "")
            source = facts["sourceFile"].get(doc, "")
            if doc in facts["sourceRecord"]:
                source = f"{source}#{facts['sourceRecord'][doc]}"
            title, url = facts["title"].get(doc), facts["sourceUrl"].get(doc)
            out[key].append({"text": text.get(sentence, ""), "source": f"{title}（{source}）" if title else source,
                             **({"url": url} if url is not None else {})})
    return out


def _above(graph: EntityGraph, nodes: list[str]) -> dict[str, list[str]]:
    """Each node's places above it, outermost first (its least ``kg:locatedIn``, then that one's …)."""
    parent: dict[str, str] = {}
    asked: set[str] = set()
    frontier = set(nodes)
    while frontier:
        asked |= frontier
        found = graph.first(frontier, "$locatedIn")
        parent.update(found)
        frontier = set(found.values()) - asked
    labels = graph.first(set(parent.values()), "$label")
    chains = {}
    for node in nodes:
        chain, seen, up = [], {node}, parent.get(node)
        while up is not None and up not in seen:
            seen.add(up)
            chain.append(labels.get(up, up))
            up = parent.get(up)
        chains[node] = chain[::-1]
    return chains


def node_details(graph: EntityGraph, network: nx.MultiDiGraph) -> dict[str, dict]:
    """Class, aliases, places above, articles, mentions and evidence of each node of ``network``."""
    nodes = sorted(network)
    aliases = graph.every(nodes, "$altLabel")
    documents = graph.tally(nodes, "$mentions")
    above = _above(graph, nodes)
    pattern = "?m $mentionOf ?e . ?m $inSentence ?sentence ."
    evidence = _sentences(graph, _first_sentences(graph, [(n,) for n in nodes], "?e", pattern))
    vocab = graph.vocab
    return {node: {
        "class": vocab.label(vocab[network.nodes[node]["cls"]], "zh"),
        "aliases": sorted(aliases.get(node, set()) - {network.nodes[node]["label"]}),
        "above": above[node],
        "documents": documents.get(node, 0),
        "evidence": evidence.get((node,), []),
        "mentions": network.nodes[node]["mentions"],
    } for node in nodes}


def edge_details(graph: EntityGraph, edges: list[tuple[str, str, str, str, str | None]]) -> list[list[dict]]:
    """The evidence of each edge (subject, object, predicate name, role, position), in the order given.

    A position's evidence is its own; a relation's, that of the statements of the same triple.
    """
    positions = sorted({(p,) for *_, p in edges if p})
    by_position = _sentences(graph, _first_sentences(graph, positions, "?pos", "?pos $evidence ?sentence ."))
    triples = sorted({(s, str(graph.vocab[p]), o) for s, o, p, _, position in edges if not position})
    pattern = "?st a $Statement ; $subject ?s ; $predicate ?p ; $object ?o ; $evidence ?sentence ."
    by_triple = _sentences(graph, _first_sentences(graph, triples, "?s ?p ?o", pattern, scan=True))
    return [by_position.get((position,), []) if position else by_triple.get((s, str(graph.vocab[p]), o), [])
            for s, o, p, _, position in edges]
