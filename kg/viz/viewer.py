"""An interactive HTML view of the graph that works offline: pyvis data, vis-network drawing.

:func:`view_graph` (:mod:`kg.viz.select`) picks what to show from a store: the whole graph, one
entity's neighbourhood, some classes, or one article's entities; a view larger than
``max_nodes`` keeps the most connected nodes and says so on the page. :func:`to_html` turns a
view into one self-contained page: vis-network (vendored in ``kg/viz/static/``), the page's
own script and style, and the data are all inlined, so opening the file makes no network
request. Classes and relations are labelled from the ontology; hovering or clicking a node or
edge shows its evidence sentences and their source (:mod:`kg.viz.details`). The same store
gives the same page, byte for byte.
"""

from __future__ import annotations

import html
import json
from importlib.resources import files
from pathlib import Path
from string import Template

import pyoxigraph as ox
from pyvis.network import Network
from rdflib import Graph

from kg.rdf.load import as_store
from kg.rdf.ontology import Vocabulary
from kg.viz.details import edges_of, page_details
from kg.viz.select import MAX_NODES, View, view_graph

__all__ = ["MAX_NODES", "View", "render", "to_html", "view_graph", "write_html"]

_PALETTE = ("#4e79a7", "#e15759", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2",
            "#edc948", "#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#bab0ac")
_FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
_STATIC = files("kg.viz") / "static"


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


def _page_data(vocab: Vocabulary, view: View, nodes: dict, evidence: list) -> dict:
    """The page's data: the view drawn with ``nodes`` and ``evidence``, its :func:`page_details`."""
    colours = _class_colours(vocab)
    net = Network(directed=True)
    present: dict[str, int] = {}
    for node in sorted(view.network):
        data = view.network.nodes[node]
        present[data["cls"]] = present.get(data["cls"], 0) + 1
        net.add_node(node, label=data["label"], group=data["cls"], value=max(1, data["mentions"]))
    edge_details_out = {}
    for i, ((s, o, predicate, role, _), found) in enumerate(zip(edges_of(view.network), evidence)):
        text = f"{vocab.label(vocab[predicate], 'zh')} {role}".strip()
        net.add_edge(s, o, id=f"e{i}", label=text)
        edge_details_out[f"e{i}"] = {"relation": text, "evidence": found}
    nodes_out, edges_out, *_ = net.get_network_data()
    options = _options(len(nodes_out)) | {"groups": {c: {"color": colour} for c, colour in colours.items()}}
    return {
        "caption": view.caption,
        "centres": list(view.centres),
        "total": view.total,
        "nodes": nodes_out,
        "edges": edges_out,
        "options": options,
        "details": nodes,
        "edgeDetails": edge_details_out,
        "legend": [{"group": c, "label": vocab.label(vocab[c], "zh"), "colour": colours[c], "count": present[c]}
                   for c in colours if c in present],
        "figures": view.figures,
        "titles": {"Place": vocab.label(vocab.Place, "zh"), "Programme": vocab.label(vocab.Programme, "zh")},
    }


def render(vocab: Vocabulary, view: View, nodes: dict, evidence: list) -> str:
    """The page for ``view``, given its :func:`page_details` (``nodes`` and ``evidence``): no store needed."""
    data = json.dumps(_page_data(vocab, view, nodes, evidence), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))
    vis = (_STATIC / "vis-network.min.js").read_text(encoding="utf-8")
    page = Template((_STATIC / "viewer.html").read_text(encoding="utf-8"))
    return page.substitute(
        title=html.escape(view.caption),
        style=(_STATIC / "viewer.css").read_text(encoding="utf-8"),
        vis=vis.replace("//# sourceMappingURL=vis-network.min.js.map", ""),
        data=data.replace("<", "\\u003c"),  # no "</script>" or "<!--" can end the data early
        script=(_STATIC / "viewer.js").read_text(encoding="utf-8"),
    )


def to_html(source: Graph | ox.Store, vocab: Vocabulary, view: View | None = None, **filters) -> str:
    """One self-contained HTML page for ``view`` (default: ``view_graph(source, vocab, **filters)``).

    ``source`` is a store (its default graph the union of its graphs) or an rdflib graph.
    """
    store = as_store(source)
    view = view or view_graph(store, vocab, **filters)
    return render(vocab, view, page_details(store, vocab, view, "nodes"), page_details(store, vocab, view, "edges"))


def write_html(source: Graph | ox.Store, path: Path | str, vocab: Vocabulary, **filters) -> View:
    """Write the page for ``view_graph(source, vocab, **filters)`` to ``path``; returns the view."""
    store = as_store(source)
    view = view_graph(store, vocab, **filters)
    Path(path).write_text(to_html(store, vocab, view), encoding="utf-8")
    return view
