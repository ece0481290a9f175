"""An interactive HTML view of the graph that works offline: pyvis data, vis-network drawing.

:func:`view_graph` picks what to show from the entity graph of :func:`kg.analytics.to_networkx`:
the whole graph, one entity's neighbourhood, some classes, or one article's entities; a view
larger than ``max_nodes`` keeps the most connected nodes and says so on the page.
:func:`to_html` turns a view into one self-contained page: vis-network (vendored in
``kg/viz/static/``), the page's own script and style, and the data are all inlined, so opening
the file makes no network request. Classes and relations are labelled from the ontology;
hovering or clicking a node or edge shows its evidence sentences and their source.
"""

from __future__ import annotations

import difflib
import html
import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template

import networkx as nx
from pyvis.network import Network
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from kg.errors import ViewError
from kg.rdf.ontology import Vocabulary
from kg.viz.analytics import summary, to_networkx

__all__ = ["MAX_NODES", "View", "to_html", "view_graph", "write_html"]

#: Views with more nodes keep the most connected ones (see :func:`view_graph`).
MAX_NODES = 2000
_EVIDENCE = 3
_PALETTE = ("#4e79a7", "#e15759", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2",
            "#edc948", "#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#bab0ac")
_FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
_STATIC = files("kg.viz") / "static"


@dataclass(frozen=True)
class View:
    """What a page shows: the entity subgraph, a caption, and the whole graph's figures."""

    network: nx.MultiDiGraph
    caption: str
    total: int
    figures: dict
    centres: tuple[str, ...] = ()


def _named(whole: nx.MultiDiGraph, graph: Graph, name: str) -> list[str]:
    term = Literal(name, lang="zh")
    found = sorted({str(n) for p in (RDFS.label, SKOS.altLabel) for n in graph.subjects(p, term)} & set(whole))
    if found:
        return found
    labels = sorted({whole.nodes[n]["label"] for n in whole})
    near = [label for label in labels if name in label or label in name] or difflib.get_close_matches(name, labels, 5, 0.5)
    hint = f"did you mean {', '.join(near[:5])}?" if near else "names and aliases must match exactly; list them with kg query"
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


def _document(graph: Graph, vocab: Vocabulary, name: str) -> URIRef:
    candidates = [*graph.subjects(vocab.sourceFile, Literal(name)), *graph.subjects(vocab.sourceFile, Literal(name + ".txt")),
                  *graph.subjects(vocab.title, Literal(name, lang="zh"))]
    if candidates:
        return min(candidates)
    sources = sorted(str(f) for f in graph.objects(None, vocab.sourceFile))
    examples = ", ".join(sources[:3]) + (", …" if len(sources) > 3 else "")
    raise ViewError(f"no document {name!r}; give a source file name ({examples}) or a title")


def view_graph(
    graph: Graph,
    vocab: Vocabulary,
    *,
    focus: str | None = None,
    depth: int = 1,
    classes: list[str] | None = None,
    document: str | None = None,
    max_nodes: int = MAX_NODES,
) -> View:
    """The entities and relations to show; filters combine: document, then focus, then classes.

    ``focus`` is a name or alias; its neighbourhood to ``depth`` hops either way is shown.
    ``classes`` are class names (``Place``, ``地点``), each with its subclasses; the focus stays.
    ``document`` is a source file name (with or without ``.txt``) or a title.
    Raises :class:`~kg.errors.ViewError` for a name, class or document the graph lacks.
    """
    whole = to_networkx(graph, vocab)
    shown, caption = set(whole), []
    if document is not None:
        doc = _document(graph, vocab, document)
        shown &= {str(e) for e in graph.objects(doc, vocab.mentions)}
        caption.append(str(graph.value(doc, vocab.title) or graph.value(doc, vocab.sourceFile)))
    centres: list[str] = []
    if focus is not None:
        centres = _named(whole, graph, focus)
        nearby = nx.compose_all([nx.ego_graph(whole.subgraph(shown | {c}), c, radius=depth, undirected=True)
                                 for c in centres])
        shown = set(nearby)
        caption.append(f"{focus} 周围 {depth} 层")
    if classes:
        wanted = _class_names(vocab, classes)
        shown = {n for n in shown if whole.nodes[n]["cls"] in wanted} | set(centres)
        caption.append("、".join(classes))
    total = len(shown)
    if total > max_nodes:
        degree = whole.subgraph(shown).degree()
        ranked = sorted(shown, key=lambda n: (n not in centres, -degree[n], whole.nodes[n]["label"], n))
        shown = set(ranked[:max_nodes])
    return View(whole.subgraph(shown).copy(), " · ".join(caption) or "全图", total, summary(whole, top=5), tuple(centres))


def _sentences(graph: Graph, vocab: Vocabulary, sentences, limit: int | None = None) -> list[dict]:
    def order(sentence):
        doc = graph.value(sentence, vocab.inDocument)
        return str(graph.value(doc, vocab.sourceFile)), int(graph.value(sentence, vocab.sentenceIndex) or 0)

    out = []
    for sentence in sorted(set(sentences), key=order)[:limit]:
        doc = graph.value(sentence, vocab.inDocument)
        source = graph.value(doc, vocab.sourceFile)
        if (record := graph.value(doc, vocab.sourceRecord)) is not None:
            source = f"{source}#{record}"
        title, url = graph.value(doc, vocab.title), graph.value(doc, vocab.sourceUrl)
        out.append({"text": str(graph.value(sentence, vocab.text)),
                    "source": f"{title}（{source}）" if title else str(source),
                    **({"url": str(url)} if url is not None else {})})
    return out


def _above(graph: Graph, vocab: Vocabulary, node: URIRef) -> list[str]:
    chain, seen = [], {node}
    parent = min(graph.objects(node, vocab.locatedIn), default=None)
    while parent is not None and parent not in seen:
        seen.add(parent)
        chain.append(str(graph.value(parent, RDFS.label)))
        parent = min(graph.objects(parent, vocab.locatedIn), default=None)
    return chain[::-1]


def _node_details(graph: Graph, vocab: Vocabulary, node: URIRef, cls: URIRef) -> dict:
    mentions = graph.subjects(vocab.mentionOf, node)
    return {
        "class": vocab.label(cls, "zh"),
        "aliases": sorted({str(a) for a in graph.objects(node, SKOS.altLabel)} - {str(graph.value(node, RDFS.label))}),
        "above": _above(graph, vocab, node),
        "documents": len(set(graph.subjects(vocab.mentions, node))),
        "evidence": _sentences(graph, vocab, (graph.value(m, vocab.inSentence) for m in mentions), _EVIDENCE),
    }


def _statement_evidence(graph: Graph, vocab: Vocabulary) -> dict[tuple[str, str, str], list[URIRef]]:
    """Evidence sentences of the extracted statements, by (subject, predicate name, object)."""
    found: dict[tuple[str, str, str], list[URIRef]] = {}
    for st in graph.subjects(RDF.type, vocab.Statement):
        predicate = str(graph.value(st, RDF.predicate)).removeprefix(str(vocab.namespace))
        key = (str(graph.value(st, RDF.subject)), predicate, str(graph.value(st, RDF.object)))
        found.setdefault(key, []).extend(graph.objects(st, vocab.evidence))
    return found


def _class_colours(vocab: Vocabulary) -> dict[str, str]:
    """Class local name → colour; top-level classes first, so they get the clearest colours,
    and plain ``Entity`` (an entity with no more specific class) last."""
    names = vocab.subclasses("Entity") - {"Entity"}
    depth = {c: sum(c in vocab.subclasses(other) for other in names) for c in names}
    ordered = [*sorted(names, key=lambda c: (depth[c], c)), "Entity"]
    return {c: _PALETTE[i % len(_PALETTE)] for i, c in enumerate(ordered)}


def _options(size: int) -> dict:
    """vis-network options; the physics budget shrinks with the view so large pages settle in seconds."""
    large = size > 500
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": size <= 150},
        "nodes": {"shape": "dot", "font": {"face": _FONT, "size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "scaling": {"min": 8, "max": 36, "label": {"enabled": True, "min": 15, "max": 24, "drawThreshold": 5}}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}}, "color": {"color": "#8f9aa6", "highlight": "#33414e"},
                  "font": {"face": _FONT, "size": 11, "align": "middle", "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "smooth": False if large else {"type": "continuous"}},
        "physics": {"solver": "forceAtlas2Based", "timestep": 1.5 if large else 0.5,
                    "forceAtlas2Based": {"theta": 0.9 if large else 0.5, "gravitationalConstant": -60, "centralGravity": 0.015,
                                         "springLength": 80, "damping": 0.4, "avoidOverlap": 0 if large else 0.4},
                    "stabilization": {"iterations": max(50, min(400, 100_000 // max(size, 1))), "updateInterval": 25}},
        "interaction": {"hover": True, "hideEdgesOnDrag": large, "tooltipDelay": 150},
    }


def _page_data(graph: Graph, vocab: Vocabulary, view: View) -> dict:
    colours = _class_colours(vocab)
    net = Network(directed=True)
    details, present = {}, {}
    for node in sorted(view.network):
        data = view.network.nodes[node]
        group = data["cls"]
        present[group] = present.get(group, 0) + 1
        net.add_node(node, label=data["label"], group=group, value=max(1, data["mentions"]))
        details[node] = _node_details(graph, vocab, URIRef(node), vocab[group]) | {"mentions": data["mentions"]}
    evidence = _statement_evidence(graph, vocab)
    edge_details = {}
    edges = sorted((s, o, d["predicate"], d.get("role", ""), d.get("position")) for s, o, d in view.network.edges(data=True))
    for i, (s, o, predicate, role, position) in enumerate(edges):
        text = f"{vocab.label(vocab[predicate], 'zh')} {role}".strip()
        net.add_edge(s, o, id=f"e{i}", label=text)
        sentences = graph.objects(URIRef(position), vocab.evidence) if position else evidence.get((s, predicate, o), [])
        edge_details[f"e{i}"] = {"relation": text, "evidence": _sentences(graph, vocab, sentences, _EVIDENCE)}
    nodes, edges_out, *_ = net.get_network_data()
    options = _options(len(nodes)) | {"groups": {c: {"color": colour} for c, colour in colours.items()}}
    return {
        "caption": view.caption,
        "centres": list(view.centres),
        "total": view.total,
        "nodes": nodes,
        "edges": edges_out,
        "options": options,
        "details": details,
        "edgeDetails": edge_details,
        "legend": [{"group": c, "label": vocab.label(vocab[c], "zh"), "colour": colours[c], "count": present[c]}
                   for c in colours if c in present],
        "figures": view.figures,
        "titles": {"Place": vocab.label(vocab.Place, "zh"), "Programme": vocab.label(vocab.Programme, "zh")},
    }


def to_html(graph: Graph, vocab: Vocabulary, view: View | None = None, **filters) -> str:
    """One self-contained HTML page for ``view`` (default: ``view_graph(graph, vocab, **filters)``)."""
    view = view or view_graph(graph, vocab, **filters)
    data = json.dumps(_page_data(graph, vocab, view), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    vis = (_STATIC / "vis-network.min.js").read_text(encoding="utf-8")
    page = Template((_STATIC / "viewer.html").read_text(encoding="utf-8"))
    return page.substitute(
        title=html.escape(view.caption),
        style=(_STATIC / "viewer.css").read_text(encoding="utf-8"),
        vis=vis.replace("//# sourceMappingURL=vis-network.min.js.map", ""),
        data=data.replace("<", "\\u003c"),  # no "</script>" or "<!--" can end the data early
        script=(_STATIC / "viewer.js").read_text(encoding="utf-8"),
    )


def write_html(graph: Graph, path: Path | str, vocab: Vocabulary, **filters) -> View:
    """Write the page for ``view_graph(graph, vocab, **filters)`` to ``path``; returns the view."""
    view = view_graph(graph, vocab, **filters)
    Path(path).write_text(to_html(graph, vocab, view), encoding="utf-8")
    return view
