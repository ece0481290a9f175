"""What the page says of each node and edge it draws: class, aliases, places above, articles, evidence.

Everything is read for the drawn nodes only, a batch at a time. Evidence is at most
:data:`EVIDENCE` sentences per node or edge, the first by article (its id, which is its
file's name) and position in it, kept as the store lists them, so an
entity named in many thousands of sentences costs no more memory than one named in three.
"""

from __future__ import annotations

from bisect import insort

import networkx as nx
import pyoxigraph as ox

from kg.rdf.iris import Minter
from kg.rdf.ontology import Vocabulary
from kg.viz.entities import SCAN_SHARE, EntityGraph, batches, term

__all__ = ["EVIDENCE", "edge_details", "edges_of", "node_details", "page_details"]

#: Evidence sentences shown per node or edge.
EVIDENCE = 3


def _first_sentences(graph: EntityGraph, keys: list[tuple[str, ...]], variables: str, pattern: str) -> dict:
    """Key → its first :data:`EVIDENCE` sentences (``?sentence`` of ``pattern``), by article and index in it.

    ``keys`` are tuples of IRIs bound to ``variables`` (``"?e"`` or ``"?pos"``). The store
    only lists each key's sentences (a scan of an index); the first few are kept here, a
    short sorted list per key: ordering inside the store (a sorted subquery per key) took 7× as long.
    """
    found: dict[tuple[str, ...], list[tuple[tuple[str, int], str]]] = {}
    names = [name[1:] for name in variables.split()]
    for chunk in batches(keys):
        rows = " ".join("(" + " ".join(term(iri) for iri in key) + ")" for key in chunk)
        text = f"SELECT DISTINCT {variables} ?sentence WHERE {{ VALUES ({variables}) {{ {graph.data(rows)} }} {pattern} }}"
        for row in graph.rows(text):  # by position: a solution's terms by name cost more to reach
            _keep_first(found.setdefault(tuple(row[i].value for i in range(len(names))), []), row[len(names)].value)
    return {key: [sentence for _, sentence in first] for key, first in found.items()}


def _keep(first: list, entry: tuple, size: int) -> bool:
    """Put ``entry`` into ``first``, a sorted list of at most ``size``; whether one was left out."""
    if entry in first:
        return False
    insort(first, entry)
    if len(first) <= size:
        return False
    del first[size:]
    return True


def _keep_first(first: list[tuple[tuple[str, int], str]], sentence: str) -> None:
    """Add ``sentence`` to ``first``, the sorted first :data:`EVIDENCE` sentences by article and index."""
    _keep(first, (Minter.sentence_position(sentence), sentence), EVIDENCE)


def _statements_of(graph: EntityGraph, subjects: list[str]) -> int:
    total = 0
    for chunk in batches(subjects):
        (row,) = graph.rows(f"SELECT (COUNT(*) AS ?n) WHERE {{ {graph.values('s', chunk)} ?st $subject ?s }}")
        total += int(row["n"].value)
    return total


def _triple_sentences(graph: EntityGraph, triples: list[tuple[str, str, str]]) -> dict:
    """(subject, predicate, object) → the first :data:`EVIDENCE` sentences of its statements.

    When the wanted subjects have fewer than one in :data:`~kg.viz.entities.SCAN_SHARE` of all
    statements, the store joins theirs, a ``VALUES`` batch of subjects at a time (at 1000× the seeds, 0.5 s for
    the 270 subjects of a view's 5,000 relations, where the scan below took 6.5 s).
    Otherwise it lists each part of every statement (subject, predicate, object, type,
    evidence) as a plain index scan, and they are joined here, keeping only statements of
    the wanted triples: for many subjects the store's own join took 2–3× as long.
    """
    wanted = set(triples)
    subjects = sorted({s for s, _, _ in wanted})
    (row,) = graph.rows("SELECT (COUNT(*) AS ?n) WHERE { ?st $subject ?s }")
    if _statements_of(graph, subjects) * SCAN_SHARE < int(row["n"].value):
        return _subject_sentences(graph, wanted, subjects)
    return _scanned_sentences(graph, wanted, set(subjects))


def _scanned_sentences(graph: EntityGraph, wanted: set[tuple[str, str, str]], subjects: set[str]) -> dict:
    parts: dict[str, list[str]] = {}
    for statement, x in graph.pairs("SELECT ?st ?x WHERE { ?st $subject ?x }"):
        if x in subjects:
            parts[statement] = [x]
    for name in ("predicate", "object"):
        for statement, x in graph.pairs(f"SELECT ?st ?x WHERE {{ ?st ${name} ?x }}"):
            if (part := parts.get(statement)) is not None:
                part.append(x)
    key_of = {st: key for st, part in parts.items() if len(part) == 3 and (key := tuple(part)) in wanted}
    del parts
    typed = {st for row in graph.rows("SELECT ?st WHERE { ?st a $Statement }") if (st := row[0].value) in key_of}
    found: dict[tuple[str, ...], list[tuple[tuple[str, int], str]]] = {}
    for statement, sentence in graph.pairs("SELECT ?st ?x WHERE { ?st $evidence ?x }"):
        if statement in typed:
            _keep_first(found.setdefault(key_of[statement], []), sentence)
    return {key: [sentence for _, sentence in first] for key, first in found.items()}


def _subject_sentences(graph: EntityGraph, wanted: set[tuple[str, str, str]], subjects: list[str]) -> dict:
    found: dict[tuple[str, ...], list[tuple[tuple[str, int], str]]] = {}
    for chunk in batches(subjects):
        text = f"""SELECT ?s ?p ?o ?sentence WHERE {{ {graph.values('s', chunk)}
                   ?st $subject ?s ; $predicate ?p ; $object ?o ; $evidence ?sentence ; a $Statement }}"""
        for row in graph.rows(text):
            if (key := (row[0].value, row[1].value, row[2].value)) in wanted:
                _keep_first(found.setdefault(key, []), row[3].value)
    return {key: [sentence for _, sentence in first] for key, first in found.items()}


def _node_sentences(graph: EntityGraph, nodes: list[str]) -> dict:
    """Node → its first :data:`EVIDENCE` sentences, by article and index in it, as :func:`_first_sentences` gives.

    A mention's IRI tells where it starts (:meth:`~kg.rdf.iris.Minter.mention_position`),
    so the store only lists each node's mentions (one index scan) and the sentences of
    the first few are looked up: joining every mention to its sentence took 5× as long.
    A node whose first mentions share fewer than :data:`EVIDENCE` sentences between them
    is asked the long way.
    """
    keep = EVIDENCE * 3
    heads: dict[str, list[tuple[tuple[str, int], str]]] = {}
    cut: set[str] = set()  # nodes with more mentions than were kept
    for chunk in batches(nodes):
        for node, mention in graph.pairs(f"SELECT ?e ?m WHERE {{ {graph.values('e', chunk)} ?m $mentionOf ?e }}"):
            if _keep(heads.setdefault(node, []), (Minter.mention_position(mention), mention), keep):
                cut.add(node)
    listed: dict[str, list[str]] = {node: [] for node in heads}
    asked = dict.fromkeys(heads, 0)  # how many of each node's first mentions were looked up
    while wanting := [n for n in heads if len(listed[n]) < EVIDENCE and asked[n] < len(heads[n])]:
        more = {n: [m for _, m in heads[n][asked[n]:asked[n] + EVIDENCE - len(listed[n])]] for n in wanting}
        sentence_of = graph.first({m for ms in more.values() for m in ms}, "$inSentence")
        for node, mentions in more.items():
            asked[node] += len(mentions)
            for sentence in filter(None, map(sentence_of.get, mentions)):
                if sentence not in listed[node]:
                    listed[node].append(sentence)
    found = {(n,): sentences for n, sentences in listed.items() if sentences and (len(sentences) == EVIDENCE or n not in cut)}
    short = [(n,) for n, sentences in listed.items() if len(sentences) < EVIDENCE and n in cut]
    pattern = "?m $mentionOf ?e . ?m $inSentence ?sentence ."
    return found | _first_sentences(graph, short, "?e", pattern)


def _sentences(graph: EntityGraph, chosen: dict) -> dict:
    """Key → the evidence as the page shows it: text, source (title and file, or file) and URL."""
    sentences = sorted({s for listed in chosen.values() for s in listed})
    text = graph.first(sentences, "$text")
    docs = {}  # a sentence's IRI is minted under its document's (Minter.sentence); others are asked
    for sentence in sentences:
        document, _ = Minter.sentence_position(sentence)
        if document != sentence:
            docs[sentence] = document
    docs |= graph.first([s for s in sentences if s not in docs], "$inDocument")
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
    evidence = _sentences(graph, _node_sentences(graph, nodes))
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
    by_triple = _sentences(graph, _triple_sentences(graph, triples))
    return [by_position.get((position,), []) if position else by_triple.get((s, str(graph.vocab[p]), o), [])
            for s, o, p, _, position in edges]


def edges_of(network: nx.MultiDiGraph) -> list[tuple[str, str, str, str, str | None]]:
    """The edges of ``network`` as (subject, object, predicate name, role, position), in page order."""
    edges = network.edges(data=True)
    return sorted((s, o, d["predicate"], d.get("role", ""), d.get("position")) for s, o, d in edges)


def page_details(store: ox.Store, vocab: Vocabulary, view, part: str) -> dict | list:
    """What the page says of the nodes of ``view`` (``part="nodes"``: :func:`node_details`) or of its
    edges (``"edges"``: :func:`edge_details`, in :func:`edges_of` order). The two halves read
    different parts of the store and may be read apart (a build reads them in two processes at once)."""
    graph = EntityGraph(store, vocab)
    if part == "nodes":
        return node_details(graph, view.network)
    if part == "edges":
        return edge_details(graph, edges_of(view.network))
    raise ValueError(f"part {part!r}: use 'nodes' or 'edges'")
