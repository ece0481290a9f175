"""Which entities a view shows: the whole graph, one entity's neighbourhood, some classes, one article.

:func:`view_graph` asks the store (:mod:`kg.viz.entities`) only for what the view needs. The
whole graph or some classes: a count, and when that is more than ``max_nodes`` the most
connected ones from one ranking query. An article's entities or a neighbourhood (walked
outwards a hop at a time, a batch of nodes per query) are gathered as a set of IRIs and
ranked in Python. Then only the nodes shown, and the relations between them, are read.
"""

from __future__ import annotations

import difflib
import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph

from kg.errors import ViewError
from kg.rdf.load import as_store
from kg.rdf.ontology import Vocabulary
from kg.viz.analytics import figures, whole_graph
from kg.viz.entities import EntityGraph, term

__all__ = ["MAX_NODES", "View", "view_graph"]

#: Views with more nodes keep the most connected ones (see :func:`view_graph`).
MAX_NODES = 2000
#: Views with more relations than this between their nodes keep fewer nodes (see :func:`view_graph`).
MAX_EDGES = 5000
#: Entities the page's figures list, overall and per class.
FIGURES_TOP = 5


@dataclass(frozen=True)
class View:
    """What a page shows: the entity subgraph, a caption, and the whole graph's figures."""

    network: nx.MultiDiGraph
    caption: str
    total: int
    figures: dict
    centres: tuple[str, ...] = ()


def _literal(text: str, lang: str | None = None) -> str:
    return EntityGraph.data(str(ox.Literal(text, language=lang)))


def _close_matches(word: str, possibilities: Iterable[str], n: int = 5, cutoff: float = 0.5) -> list[str]:
    """:func:`difflib.get_close_matches` over a stream, holding only the ``n`` best."""
    best: list[tuple[float, str]] = []
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    for candidate in possibilities:
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff and matcher.ratio() >= cutoff:
            (heapq.heappush if len(best) < n else heapq.heappushpop)(best, (matcher.ratio(), candidate))
    return [candidate for _, candidate in sorted(best, reverse=True)]


def _named(graph: EntityGraph, name: str) -> list[str]:
    text = f"""SELECT DISTINCT ?e WHERE {{ VALUES ?p {{ $label $altLabel }} ?e ?p {_literal(name, 'zh')}
               FILTER EXISTS {{ {graph.typed('e')} }} }} ORDER BY STR(?e)"""
    found = [row["e"].value for row in graph.rows(text)]
    if found:
        return found
    names = f"""{{ SELECT ?e (MIN(STR(?l)) AS ?m) WHERE {{ {graph.typed('e')} OPTIONAL {{ ?e $label ?l }} }} GROUP BY ?e }}
               BIND(COALESCE(?m, STR(?e)) AS ?name)"""
    plain = _literal(name)
    near = [row["name"].value for row in graph.rows(
        f"SELECT DISTINCT ?name WHERE {{ {names} FILTER(CONTAINS(?name, {plain}) || CONTAINS({plain}, ?name)) }} "
        "ORDER BY ?name LIMIT 5")]
    near = near or _close_matches(name, (row["name"].value for row in graph.rows(f"SELECT DISTINCT ?name WHERE {{ {names} }}")))
    hint = f"did you mean {', '.join(near)}?" if near else "names and aliases must match exactly; list them with kg query"
    raise ViewError(f"no entity named {name!r}; {hint}")


def _class_names(vocab: Vocabulary, names: list[str]) -> set[str]:
    known = {}
    for local in vocab.subclasses("Entity"):
        for key in (local, vocab.label(vocab[local], "zh"), vocab.label(vocab[local], "en")):
            known[key.casefold()] = local
    chosen = set()
    for name in names:
        if name.casefold() not in known:
            raise ViewError(f"unknown class {name!r}; expected one of: {', '.join(sorted(vocab.subclasses('Entity')))}")
        chosen |= vocab.subclasses(known[name.casefold()])
    return chosen


def _document(graph: EntityGraph, name: str) -> tuple[set[str], str]:
    """The entities an article mentions, and its caption; the article is named by source file or title."""
    text = f"""SELECT ?d WHERE {{ {{ VALUES ?f {{ {_literal(name)} {_literal(name + '.txt')} }} ?d $sourceFile ?f }}
               UNION {{ ?d $title {_literal(name, 'zh')} }} }} ORDER BY STR(?d) LIMIT 1"""
    found = [row["d"].value for row in graph.rows(text)]
    if not found:
        sources = [row["f"].value for row in graph.rows("SELECT ?f WHERE { ?d $sourceFile ?f } ORDER BY STR(?f) LIMIT 4")]
        examples = ", ".join(sources[:3]) + (", …" if len(sources) > 3 else "")
        raise ViewError(f"no document {name!r}; give a source file name ({examples}) or a title")
    doc = graph.data(term(found[0]))
    entities = {row["e"].value for row in graph.rows(
        f"SELECT DISTINCT ?e WHERE {{ {doc} $mentions ?e FILTER EXISTS {{ {graph.typed('e')} }} }}")}
    caption = graph.first(found, "$title") or graph.first(found, "$sourceFile")
    return entities, caption.get(found[0], found[0])


def _around(graph: EntityGraph, centres: list[str], depth: int, pool: set[str] | None) -> set[str]:
    """Each centre's neighbourhood to ``depth`` hops either way, walking only through ``pool`` (if given)."""
    shown: set[str] = set()
    for centre in centres:
        seen, frontier = {centre}, [centre]
        for _ in range(depth):
            frontier = sorted({x for _, x in graph.neighbours(frontier) if x not in seen and (pool is None or x in pool)})
            seen.update(frontier)
        shown |= seen
    return shown


def _most_connected(graph: EntityGraph, pool: set[str], centres: list[str], max_nodes: int) -> set[str]:
    """The centres, then the nodes of ``pool`` with the most relations within it, up to ``max_nodes``."""
    degree: Counter = Counter()
    for s, o, *_ in graph.edges(pool, pool):
        degree[s] += 1
        degree[o] += 1
    labels = {node: data["label"] for node, data in graph.nodes(pool).items()}
    return set(_ranked(pool, centres, degree, labels)[:max_nodes])


def _ranked(nodes, centres: list[str], degree, labels: dict[str, str]) -> list[str]:
    """``nodes``, the centres first, then the most connected, ties by label and IRI."""
    return sorted(nodes, key=lambda n: (n not in centres, -degree[n], labels.get(n, n), n))


def _within_edges(network: nx.MultiDiGraph, centres: list[str], max_edges: int) -> nx.MultiDiGraph:
    """The most connected nodes of ``network`` (centres first, then by degree, label and IRI), as
    many as keep at most ``max_edges`` relations between them, and those relations."""
    if network.number_of_edges() <= max_edges:
        return network
    ranked = _ranked(network, centres, network.degree(), nx.get_node_attributes(network, "label"))
    rank = {node: i for i, node in enumerate(ranked)}
    joins = sorted(max(rank[s], rank[o]) for s, o in network.edges())  # the node whose arrival brings each edge in
    return network.subgraph(ranked[: joins[max_edges]]).copy()


def view_graph(
    source: Graph | ox.Store,
    vocab: Vocabulary,
    *,
    focus: str | None = None,
    depth: int = 1,
    classes: list[str] | None = None,
    document: str | None = None,
    max_nodes: int = MAX_NODES,
    max_edges: int = MAX_EDGES,
) -> View:
    """The entities and relations to show; filters combine: document, then focus, then classes.

    ``source`` is a store (its default graph the union of its graphs) or an rdflib graph.
    ``focus`` is a name or alias; its neighbourhood to ``depth`` hops either way is shown.
    ``classes`` are class names (``Place``, ``地点``), each with its subclasses; the focus stays.
    ``document`` is a source file name (with or without ``.txt``) or a title. A view of more
    than ``max_nodes`` entities keeps the most connected; one whose nodes have more than
    ``max_edges`` relations between them keeps fewer (a page of tens of thousands of edges
    is too slow to draw and too dense to read), and the page says so.
    Raises :class:`~kg.errors.ViewError` for a name, class or document the graph lacks.
    """
    store = as_store(source)
    graph = EntityGraph(store, vocab)
    caption: list[str] = []
    pool: set[str] | None = None
    if document is not None:
        pool, title = _document(graph, document)
        caption.append(title)
    centres: list[str] = []
    if focus is not None:
        centres = _named(graph, focus)
        pool = _around(graph, centres, depth, pool)
        caption.append(f"{focus} 周围 {depth} 层")
    wanted = _class_names(vocab, classes) if classes else None
    if classes:
        caption.append("、".join(classes))
    whole = None  # one pass over the whole graph: the page's ranking and the figures read it
    if pool is None:
        total = graph.count(wanted)
        if total <= max_nodes:
            shown = set(graph.entities(wanted))
        elif wanted is None:
            whole = whole_graph(graph, keep=max(max_nodes, FIGURES_TOP), per_class=FIGURES_TOP)
            shown = {node for node, *_ in whole.ranking[:max_nodes]}
        else:
            shown = {node for node, *_ in graph.ranked(wanted, wanted, limit=max_nodes)}
    else:
        if wanted is not None:
            pool = {n for n, data in graph.nodes(pool).items() if data["cls"] in wanted} | set(centres)
        total = len(pool)
        shown = pool if total <= max_nodes else _most_connected(graph, pool, centres, max_nodes)
    return View(_within_edges(graph.network(shown), centres, max_edges), " · ".join(caption) or "全图", total,
                figures(store, vocab, top=FIGURES_TOP, whole=whole), tuple(centres))
