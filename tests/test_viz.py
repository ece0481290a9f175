"""The HTML view: what each filter selects, what a node and an edge carry, and a page that needs no network."""

import difflib
import json
import re

import networkx as nx
import pytest
from rdflib import RDFS, URIRef

from kg.errors import ViewError
from kg.rdf.load import load_graph
from kg.store.database import open_store, store_path
from kg.viz.analytics import figures, summary, to_networkx
from kg.viz.entities import EntityGraph
from kg.viz.select import _close_matches
from kg.viz.viewer import to_html, view_graph


def _page_data(page: str) -> dict:
    raw = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in raw
    return json.loads(raw)


def _labels(view) -> set[str]:
    return {view.network.nodes[n]["label"] for n in view.network}


@pytest.fixture(scope="module")
def seed_page(seed_graph, vocab):
    return to_html(seed_graph, vocab)


def test_viz_whole_view_is_the_entity_graph(seed_graph, vocab):
    view, whole = view_graph(seed_graph, vocab), to_networkx(seed_graph, vocab)
    assert (view.network.number_of_nodes(), view.network.number_of_edges()) == (whole.number_of_nodes(), whole.number_of_edges())
    assert view.total == whole.number_of_nodes() and view.caption == "全图"


@pytest.mark.parametrize("depth", [1, 2])
def test_viz_focus_keeps_the_neighbourhood_to_depth(seed_graph, vocab, depth):
    view = view_graph(seed_graph, vocab, focus="林芝市", depth=depth)
    (centre,) = view.centres
    undirected = view.network.to_undirected()
    distances = nx.single_source_shortest_path_length(undirected, centre)
    assert set(distances) == set(view.network) and max(distances.values()) == depth
    assert {"西藏自治区", "巴宜区"} <= _labels(view)
    assert ("尼池社区" in _labels(view)) == (depth == 2)  # 尼池社区 › 巴宜区 › 林芝市


def test_viz_classes_include_subclasses(seed_graph, vocab):
    places = view_graph(seed_graph, vocab, classes=["Place"])
    assert {places.network.nodes[n]["cls"] for n in places.network} == {"Place"}
    organisations = view_graph(seed_graph, vocab, classes=["机构"])
    shown = {organisations.network.nodes[n]["cls"] for n in organisations.network}
    assert shown >= {"PartyOrganization", "School"} and shown <= vocab.subclasses("Organization")


def test_viz_document_view_is_what_the_article_mentions(seed_graph, vocab):
    view = view_graph(seed_graph, vocab, document="004_72962b98874534b5.txt")
    rows = seed_graph.query('SELECT DISTINCT ?e WHERE { ?d kg:sourceFile "004_72962b98874534b5.txt" ; kg:mentions ?e }')
    whole = to_networkx(seed_graph, vocab)
    assert set(view.network) == {str(row.e) for row in rows} & set(whole)
    assert "八八战略" in _labels(view)


@pytest.mark.parametrize("filters, message", [
    ({"focus": "林芝县"}, "no entity named '林芝县'; did you mean 林芝市"),
    ({"classes": ["Plaec"]}, "unknown class 'Plaec'; expected one of: "),
    ({"document": "nope.txt"}, "no document 'nope.txt'; give a source file name (000_30112710a34434ca.txt"),
])
def test_viz_unknown_names_raise_one_line(seed_graph, vocab, filters, message):
    with pytest.raises(ViewError) as error:
        view_graph(seed_graph, vocab, **filters)
    assert str(error.value).startswith(message) and "\n" not in str(error.value)


def test_viz_large_views_keep_the_most_connected_and_say_so(seed_graph, vocab):
    view = view_graph(seed_graph, vocab, max_nodes=10)
    whole = to_networkx(seed_graph, vocab)
    assert view.total == whole.number_of_nodes() and view.network.number_of_nodes() == 10
    assert "西藏自治区" in _labels(view) and "林芝市" in _labels(view)
    data = _page_data(to_html(seed_graph, vocab, view))
    assert data["total"] == whole.number_of_nodes() and len(data["nodes"]) == 10


def test_viz_page_is_self_contained(seed_page):
    markup = re.sub(r"<script>.*?</script>", "", seed_page, flags=re.S)  # the inlined scripts run in the browser test
    assert not re.search(r"<(link|iframe|img)\b|\b(src|href)\s*=|@import|url\(", markup)
    assert "sourceMappingURL" not in seed_page and "bootstrap" not in seed_page.lower()
    assert seed_page.count("<script") == 3  # vis-network, data, the page's own script


def test_viz_page_is_deterministic(seed_build, seed_page, vocab):
    result, out = seed_build
    reparsed = to_html(load_graph(out / "graph.ttl"), vocab)
    assert reparsed == seed_page
    assert (out / "graph.html").read_text(encoding="utf-8") == seed_page


def test_viz_node_details_come_from_the_graph(seed_graph, vocab, seed_page):
    data = _page_data(seed_page)
    byname = {n["label"]: n for n in data["nodes"]}
    node = byname["林芝市"]
    details = data["details"][node["id"]]
    assert details["class"] == vocab.label(vocab.Place, "zh") == "地点"
    assert details["above"] == ["西藏自治区"]
    assert details["above"] == [str(seed_graph.value(seed_graph.value(URIRef(node["id"]), vocab.locatedIn), RDFS.label))]
    (row,) = seed_graph.query(f'SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d kg:mentions <{node["id"]}> }}')
    assert details["documents"] == int(row.n) > 1
    assert 1 <= len(details["evidence"]) <= 3
    assert all("林芝" in e["text"] and re.search(r"\.txt）?$", e["source"]) for e in details["evidence"])
    assert byname["尼池社区"]["group"] == "Place" and data["details"][byname["尼池社区"]["id"]]["above"][-2:] == ["林芝市", "巴宜区"]


def test_viz_edges_are_labelled_in_chinese_with_their_sentences(seed_graph, vocab, seed_page):
    data = _page_data(seed_page)
    label = {n["id"]: n["label"] for n in data["nodes"]}
    relations = {vocab.label(vocab[p], "zh") for p in ("locatedIn", "partOf", "carriesOut")}
    for edge in data["edges"]:
        assert edge["arrows"] == "to"
        assert edge["label"] in relations or edge["label"].startswith(vocab.label(vocab.holdsPosition, "zh"))
    carried = [e for e in data["edges"] if e["label"] == "开展"]
    assert carried
    for edge in carried:
        evidence = data["edgeDetails"][edge["id"]]["evidence"]
        assert evidence and all(e["source"] for e in evidence)
        assert any(label[edge["to"]] in e["text"] for e in evidence), (label[edge["from"]], label[edge["to"]])


def test_viz_legend_and_figures(seed_graph, vocab, seed_page):
    data = _page_data(seed_page)
    legend = {row["group"]: row for row in data["legend"]}
    assert legend["Place"]["label"] == "地点" and legend["Place"]["count"] == sum(n["group"] == "Place" for n in data["nodes"])
    assert len({row["colour"] for row in data["legend"]}) == len(legend)
    assert data["figures"]["nodes"] == len(data["nodes"]) and data["figures"]["most_connected"][0]["label"] == "西藏自治区"


@pytest.fixture(scope="module")
def seed_store(seed_build):
    return open_store(store_path(seed_build[1]))


def test_viz_store_and_graph_give_the_same_pages(seed_store, seed_graph, vocab):
    for filters in ({"focus": "林芝市", "depth": 2}, {"classes": ["Programme"]}, {"document": "001_fa12286181b4949c"}):
        assert to_html(seed_store, vocab, **filters) == to_html(seed_graph, vocab, **filters)


def test_stats_figures_from_the_store_are_networkx_figures(seed_store, seed_graph, vocab):
    whole = to_networkx(seed_graph, vocab)
    assert figures(seed_store, vocab, top=10) == summary(whole, top=10)
    assert figures(seed_store, vocab, top=0)["most_connected"] == []


@pytest.mark.parametrize("filters", [{}, {"classes": ["Place"]}, {"focus": "林芝市", "depth": 2},
                                     {"document": "004_72962b98874534b5.txt"}])
def test_viz_trimmed_views_keep_the_most_connected_of_what_they_show(seed_store, vocab, filters):
    full = view_graph(seed_store, vocab, **filters)
    trimmed = view_graph(seed_store, vocab, **filters, max_nodes=6)
    degree, labels = full.network.degree(), nx.get_node_attributes(full.network, "label")
    ranked = sorted(full.network, key=lambda n: (n not in full.centres, -degree[n], labels[n], n))
    assert set(trimmed.network) == set(ranked[:6]) and trimmed.total == full.total > 6
    assert trimmed.network.number_of_edges() == full.network.subgraph(ranked[:6]).number_of_edges()


@pytest.mark.parametrize("filters", [{}, {"focus": "林芝市", "depth": 2}])
@pytest.mark.parametrize("max_edges", [1, 12, 40])
def test_viz_views_with_too_many_relations_keep_the_most_connected_nodes_that_fit(seed_store, vocab, filters,
                                                                                  max_edges):
    full = view_graph(seed_store, vocab, **filters)
    trimmed = view_graph(seed_store, vocab, **filters, max_edges=max_edges)
    degree, labels = full.network.degree(), nx.get_node_attributes(full.network, "label")
    ranked = sorted(full.network, key=lambda n: (n not in full.centres, -degree[n], labels[n], n))
    fits = max(k for k in range(len(ranked) + 1) if full.network.subgraph(ranked[:k]).number_of_edges() <= max_edges)
    assert full.network.number_of_edges() > max_edges and trimmed.total == full.total
    assert set(trimmed.network) == set(ranked[:fits])
    assert trimmed.network.number_of_edges() == full.network.subgraph(ranked[:fits]).number_of_edges() <= max_edges


def test_viz_relation_evidence_asked_by_subject_is_the_evidence_scanned(seed_store, vocab):
    from kg.viz import details
    from kg.viz.entities import EntityGraph

    graph, view = EntityGraph(seed_store, vocab), view_graph(seed_store, vocab)
    triples = {(s, str(vocab[d["predicate"]]), o) for s, o, d in view.network.edges(data=True) if "position" not in d}
    one = min(s for s, _, _ in triples)
    for wanted in (triples, {t for t in triples if t[0] == one}):
        subjects = {s for s, _, _ in wanted}
        by_subject = details._subject_sentences(graph, wanted, sorted(subjects))
        assert by_subject == details._scanned_sentences(graph, wanted, subjects) and by_subject


def test_viz_node_evidence_is_the_first_three_sentences_by_article_and_position(seed_graph, seed_page):
    data = _page_data(seed_page)
    node = next(n["id"] for n in data["nodes"] if n["label"] == "西藏自治区")
    rows = seed_graph.query(f"""SELECT DISTINCT ?text ?doc ?i WHERE {{ ?m kg:mentionOf <{node}> ; kg:inSentence ?s .
                                ?s kg:text ?text ; kg:sentenceIndex ?i ; kg:inDocument ?doc }}""")
    ordered = [str(r.text) for r in sorted(rows, key=lambda r: (str(r.doc), int(r.i)))]
    assert len(ordered) > 3 and [e["text"] for e in data["details"][node]["evidence"]] == ordered[:3]


@pytest.mark.parametrize("word", ["林芝县", "西藏", "双报道", "党建", "x"])
def test_close_matches_over_a_stream_are_difflibs(word):
    names = ["林芝市", "林芝县城", "西藏自治区", "西藏", "双报到", "双联户", "山南市", "党建+综治中心", "党建引领"]
    assert _close_matches(word, iter(names)) == difflib.get_close_matches(word, names, 5, 0.5)


def test_whole_graph_ranks_as_the_store_ranks(seed_store, vocab):
    from kg.viz.analytics import whole_graph

    graph = EntityGraph(seed_store, vocab)
    ranking = list(graph.ranked())
    whole = whole_graph(graph, keep=40, per_class=3)
    assert whole.ranking == ranking[:40] and len(ranking) > 40
    for cls in ("Place", "Programme", "Person"):
        assert whole.by_class[cls] == [row for row in ranking if row[2] == cls][:3]
    assert figures(seed_store, vocab, top=3, whole=whole) == figures(seed_store, vocab, top=3)
    assert figures(seed_store, vocab, top=3)["most_connected_places"]  # the comparison is not of empty lists


def test_node_evidence_from_the_first_mentions_is_the_long_ways(vocab):
    """Sentences of a node's first mentions, even when its first mentions crowd into one sentence."""
    from rdflib import Graph, Literal

    from kg.rdf.iris import Minter
    from kg.rdf.load import as_store
    from kg.viz.details import _first_sentences, _node_sentences

    mint, g = Minter(), Graph()
    crowded, spread = mint.entity("Place:一村"), mint.entity("Place:二村")
    for node in (crowded, spread):
        g.add((node, RDFS.label, Literal(str(node)[-6:])))
    where = [(crowded, "b", 0, start) for start in range(0, 60, 5)]  # twelve mentions in one sentence
    where += [(crowded, "b", i, 100 * i) for i in (1, 2, 3)] + [(crowded, "a", 7, 700)]
    where += [(spread, "c", 2, 200), (spread, "a", 9, 900), (spread, "c", 1, 100)]
    for node, doc, index, start in where:
        mention, sentence = mint.mention(doc, start, start + 2), mint.sentence(doc, index)
        g.add((mention, vocab["mentionOf"], node))
        g.add((mention, vocab["inSentence"], sentence))
        g.add((sentence, vocab["text"], Literal(f"{doc}{index}")))
    graph = EntityGraph(as_store(g), vocab)
    long_way = _first_sentences(graph, [(crowded,), (spread,)], "?e", "?m $mentionOf ?e . ?m $inSentence ?sentence .")
    assert _node_sentences(graph, [str(crowded), str(spread)]) == long_way
    assert long_way[(str(crowded),)] == [str(mint.sentence("a", 7)), str(mint.sentence("b", 0)), str(mint.sentence("b", 1))]


def test_edge_evidence_joined_here_is_the_stores_join(seed_store, vocab):
    """The statements' parts, listed one by one and joined in Python, give what the store's join gives."""
    from kg.rdf.iris import Minter
    from kg.viz.details import EVIDENCE, _triple_sentences

    graph = EntityGraph(seed_store, vocab)
    joined: dict = {}
    for row in graph.rows("SELECT ?s ?p ?o ?x WHERE { ?st a $Statement ; $subject ?s ; $predicate ?p ; $object ?o ; "
                          "$evidence ?x }"):
        joined.setdefault((row["s"].value, row["p"].value, row["o"].value), set()).add(row["x"].value)
    triples = sorted(joined)[::2]  # every other triple: the others must be left out
    expected = {t: sorted(joined[t], key=Minter.sentence_position)[:EVIDENCE] for t in triples}
    assert len(triples) > 10 and any(len(v) > 1 for v in expected.values())
    assert _triple_sentences(graph, triples) == expected


@pytest.mark.parametrize("path", ["$text", "$label", "$altLabel", "$role/$label"])
def test_first_by_a_scan_is_first_by_batches(seed_store, vocab, monkeypatch, path):
    """Past SCAN_FROM wanted nodes, EntityGraph.first reads every value and keeps the least: the same answer."""
    import kg.viz.entities as entities

    graph = EntityGraph(seed_store, vocab)
    subjects = sorted({row["e"].value for row in graph.rows(f"SELECT ?e WHERE {{ ?e {path} ?x }}")})
    wanted = subjects[::2] + ["https://example.org/kg/id/nothing"]
    batched = graph.first(wanted, path)
    asked = []
    monkeypatch.setattr(entities, "SCAN_FROM", 1)
    monkeypatch.setattr(graph, "rows", lambda text, rows=graph.rows: asked.append(text) or rows(text))
    assert graph.first(wanted, path) == batched and len(batched) == len(subjects[::2]) > 1
    assert any("VALUES" not in text and "COUNT" not in text for text in asked)  # it did scan


def test_evidence_names_the_sentences_document(seed_store, vocab):
    """The page takes a sentence's document from its IRI (Minter.sentence) and asks for the others."""
    from rdflib import Graph, Literal

    from kg.rdf.iris import Minter
    from kg.rdf.load import as_store
    from kg.viz.details import _sentences

    graph = EntityGraph(seed_store, vocab)
    rows = list(graph.rows("SELECT ?s ?d WHERE { ?s $text ?t ; $inDocument ?d }"))
    assert len(rows) > 100 and all(Minter.sentence_position(r["s"].value)[0] == r["d"].value for r in rows)
    g, doc, odd = Graph(), URIRef("https://example.org/kg/id/doc/a"), URIRef("https://example.org/other/sentence-1")
    g.add((odd, vocab["text"], Literal("一句话。")))
    g.add((odd, vocab["inDocument"], doc))
    g.add((doc, vocab["sourceFile"], Literal("a.txt")))
    assert _sentences(EntityGraph(as_store(g), vocab), {("x",): [str(odd)]}) == {
        ("x",): [{"text": "一句话。", "source": "a.txt"}]}
