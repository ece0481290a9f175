"""The store and the exports: incremental, idempotent, atomic builds; formats that round-trip."""

import json
import shutil

import pyoxigraph as ox
import pytest
from rdflib import SKOS, Dataset, Graph
from rdflib.compare import isomorphic

from kg.build import build
from kg.errors import KGError, StoreError
from kg.rdf.exports import EXPORTS
from kg.rdf.graph import SHARDS
from kg.rdf.iris import Minter
from kg.store.database import open_store, store_path
from tests.conftest import SEEDS, quads

FIRST, SECOND, THIRD = sorted(SEEDS.glob("*.txt"))[2:5]


def graphs(out) -> set[str]:
    return {g.value for g in open_store(store_path(out)).named_graphs()}


def documents(out) -> set[str]:
    """The graphs of articles (not the entity graphs nor the ontology's)."""
    return {g for g in graphs(out) if "/doc/" in g}


def doc(path) -> str:
    return str(Minter().document(path.stem))


def labels(out) -> set[str]:
    store = open_store(store_path(out))
    query = "SELECT ?n WHERE { ?x <http://www.w3.org/2004/02/skos/core#prefLabel> ?n }"
    return {s["n"].value for s in store.query(query, use_default_graph_as_union=True)}


def build_logged(inputs, out):
    result = build(inputs, out)
    return result, [f"{doc_id}.txt" for doc_id in result.report["extracted"]]


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(FIRST, folder)
    shutil.copy(SECOND, folder)
    return folder


def test_building_twice_adds_nothing_and_extracts_nothing(corpus, tmp_path):
    out = tmp_path / "out"
    _, first = build_logged([corpus], out)
    before = quads(out)
    files = {name: (out / name).read_bytes() for name in EXPORTS}
    written = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()}
    result, second = build_logged([corpus], out)
    assert sorted(first) == sorted([FIRST.name, SECOND.name]) and second == []
    assert not result.changes and quads(out) == before
    assert {name: (out / name).read_bytes() for name in EXPORTS} == files
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()} == written, "nothing rewritten"
    assert len(result.graph) == len(Graph().parse(out / "graph.nt", format="nt")) > 0
    assert result.report["extracted"] == [] and result.report["store"]["unchanged"] == len(graphs(out))


def test_store_has_one_graph_per_article_the_entity_graphs_and_the_ontology(corpus, tmp_path, vocab):
    out = tmp_path / "out"
    build([corpus], out)
    mint = Minter()
    entity_graphs = {str(mint.shard(n)) for n in range(SHARDS)}
    assert documents(out) == {doc(FIRST), doc(SECOND)}
    assert graphs(out) - documents(out) - {str(vocab.iri)} <= entity_graphs
    store = open_store(store_path(out))
    quads = [(q.subject, q.predicate, q.object) for q in store]
    assert len(quads) == len(set(quads)), "every triple is in exactly one named graph"
    assert not list(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), "the default graph is their union"
    union = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    assert int(next(union)["n"].value) == len(quads)


def test_adding_an_article_extracts_only_it(corpus, tmp_path):
    out = tmp_path / "out"
    build([corpus], out)
    shutil.copy(THIRD, corpus)
    result, extracted = build_logged([corpus], out)
    assert extracted == [THIRD.name]
    assert doc(THIRD) in result.changes.added
    assert documents(out) == {doc(FIRST), doc(SECOND), doc(THIRD)}


def test_incremental_build_equals_fresh_build(corpus, tmp_path):
    out = tmp_path / "out"
    build([corpus], out)
    shutil.copy(THIRD, corpus)
    build([corpus], out)
    fresh = tmp_path / "fresh"
    build([corpus], fresh)
    assert quads(out) == quads(fresh)
    for name in EXPORTS:
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name


def test_changed_article_replaces_its_statements(corpus, tmp_path):
    out = tmp_path / "out"
    build([corpus], out)
    assert "八八战略" not in labels(out)
    target = corpus / SECOND.name
    target.write_text(target.read_text(encoding="utf-8") + "\n浙江省坚持“八八战略”。\n", encoding="utf-8")
    result, extracted = build_logged([corpus], out)
    assert extracted == [SECOND.name] and doc(SECOND) in result.changes.replaced
    assert "八八战略" in labels(out)
    target.write_text(SECOND.read_text(encoding="utf-8"), encoding="utf-8")
    build([corpus], out)
    assert "八八战略" not in labels(out)


def test_removed_article_takes_its_statements_and_entities(corpus, tmp_path):
    out = tmp_path / "out"
    build([corpus], out)
    only_second = labels(out)
    (corpus / SECOND.name).unlink()
    result, extracted = build_logged([corpus], out)
    assert extracted == [] and doc(SECOND) in result.changes.removed and documents(out) == {doc(FIRST)}
    fresh = tmp_path / "fresh"
    build([corpus], fresh)
    assert quads(out) == quads(fresh)
    assert labels(out) < only_second
    assert not (out / ".kg" / "extractions" / f"{SECOND.stem}.pickle").exists()


def test_same_article_id_twice_is_reported(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(FIRST, tmp_path / "a" / "x.txt")
    shutil.copy(SECOND, tmp_path / "b" / "x.txt")
    result = build([tmp_path / "a", tmp_path / "b"], tmp_path / "out")
    assert result.documents == ["x"]
    assert len(result.errors) == 1 and "same article id (x)" in result.errors[0] and "rename" in result.errors[0]


def test_failed_build_leaves_store_and_files_as_they_were(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build([corpus], out)
    before = quads(out)
    files = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    shutil.copy(THIRD, corpus)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("kg.helpers.write_exports", broken)
    with pytest.raises(OSError):
        build([corpus], out)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == files
    assert quads(out) == before
    monkeypatch.undo()
    monkeypatch.setattr("kg.store.database.ox.Store.load", broken)
    with pytest.raises(OSError):
        build([corpus], out)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == files
    assert quads(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".kg-")], "no staging folder is left behind"
    monkeypatch.undo()
    monkeypatch.setattr("kg.build.HELPER_FROM", 1)
    for task in ("export_task", "store_task", "view_task", "details_task"):  # in the helper processes of -j 2
        monkeypatch.setattr(f"kg.build.outputs.{task}", failed_export)
        with pytest.raises(OSError, match="disk full"):
            build([corpus], out, jobs=2)
        assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == files
        assert quads(out) == before
        assert not [p for p in out.iterdir() if p.name.startswith(".kg-")], "no staging folder is left behind"
    monkeypatch.undo()
    result = build([corpus], out)
    assert doc(THIRD) in result.changes.added and all("/doc/" not in g for g in result.changes.removed)


def failed_export(task):
    """A helper task that fails as a full disk would (at module level: a helper process imports it)."""
    raise OSError("disk full")


def test_building_nothing_leaves_out_alone(corpus, tmp_path):
    out = tmp_path / "out"
    build([corpus], out)
    before = quads(out)
    with pytest.raises(KGError, match="no article could be read"):
        build([tmp_path / "missing"], out)
    assert quads(out) == before


def test_store_held_by_another_process(corpus, tmp_path):
    out = tmp_path / "out"
    build([corpus], out)
    before = quads(out)
    holder = ox.Store(str(store_path(out)))  # a writer elsewhere holds the lock
    shutil.copy(THIRD, corpus)
    try:
        with pytest.raises(StoreError, match="held by another process"):
            build([corpus], out)
    finally:
        del holder
    assert quads(out) == before


def test_second_build_at_once_is_refused(corpus, tmp_path):
    import fcntl

    out = tmp_path / "out"
    build([corpus], out)
    with (out / ".kg" / "lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(KGError, match="another kg build is writing"):
            build([corpus], out)


@pytest.mark.parametrize("name, fmt", [("graph.nt", "nt"), ("graph.jsonld", "json-ld"), ("graph.ttl", "turtle")])
def test_triple_exports_round_trip(seed_build, name, fmt):
    result, out = seed_build
    parsed = Graph().parse(out / name, format=fmt)
    assert isomorphic(parsed, result.graph)


def test_export_families_written_at_once_give_the_same_files(seed_build, tmp_path):
    """A -j 2 build writes graph.nt's family and graph.nq's in two helpers, into one folder, at
    the same time: neither may remove or write over what the other writes."""
    from concurrent.futures import ThreadPoolExecutor

    from kg.cache import GraphCache
    from kg.rdf.exports import FAMILIES, families, write_exports
    from kg.rdf.ontology import load_vocabulary
    from kg.store.database import graph_digests

    _, out = seed_build
    cache = GraphCache(out / ".kg" / "graphs")
    graphs = sorted((iri, cache.path(digest)) for iri, digest in graph_digests(out).items())
    vocab = load_vocabulary()
    assert families(EXPORTS) == list(FAMILIES) and families(("graph.trig",)) == [("graph.trig",)]
    assert sorted(name for family in FAMILIES for name in family) == sorted(EXPORTS)
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda family: write_exports(graphs, str(vocab.iri), vocab, Minter(), tmp_path, which=family),
                      families(EXPORTS)))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(EXPORTS)
    for name in EXPORTS:
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name
    alone = tmp_path / "trig"
    alone.mkdir()
    write_exports(graphs, str(vocab.iri), vocab, Minter(), alone, which=("graph.trig",))
    assert [p.name for p in alone.iterdir()] == ["graph.trig"]  # graph.nq was written for it, then removed


@pytest.mark.parametrize("name, fmt", [("graph.nq", "nquads"), ("graph.trig", "trig")])
def test_quad_exports_round_trip_with_their_named_graphs(seed_build, name, fmt):
    result, out = seed_build
    parsed = Dataset()
    parsed.parse(out / name, format=fmt)
    reference = Dataset()
    reference.parse(out / "graph.nq", format="nquads")
    named = {str(g.identifier): g for g in parsed.graphs() if len(g)}
    expected = {str(g.identifier): g for g in reference.graphs() if len(g)}
    assert named.keys() == expected.keys()
    assert len([g for g in named if "/doc/" in g]) == len(result.documents)
    for iri, graph in named.items():
        assert isomorphic(graph, expected[iri]), iri
    store = open_store(store_path(out))
    assert sum(len(g) for g in named.values()) == sum(1 for q in store)


def test_jsonld_context_comes_from_the_ontology(seed_build, vocab):
    _, out = seed_build
    context = json.loads((out / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert context["locatedIn"] == {"@id": "kg:locatedIn", "@type": "@id"}
    assert context["kg"] == str(vocab.namespace)
    assert set(vocab.defined_terms()) <= context.keys()
    document = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == context


def test_cli_bad_input_is_one_line_and_leaves_the_store(corpus, tmp_path):
    from click.testing import CliRunner

    from kg.cli import cli

    out = tmp_path / "out"
    build([corpus], out)
    before = quads(out)
    shutil.copy(THIRD, corpus)
    bad_ontology = tmp_path / "bad.ttl"
    bad_ontology.write_text("kg:Place a owl:Class", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["build", str(corpus), "-o", str(out), "--ontology", str(bad_ontology)])
    assert result.exit_code == 1 and "not valid Turtle" in result.stderr and result.stderr.count("\n") == 1
    holder = ox.Store(str(store_path(out)))
    try:
        result = runner.invoke(cli, ["build", str(corpus), "-o", str(out)])
    finally:
        del holder
    assert result.exit_code == 1 and "held by another process" in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("kg:")] == result.stderr.splitlines()[-1:]
    assert quads(out) == before


def test_entity_iris_are_stable_across_corpora(tmp_path):
    def iris(inputs, out):
        result = build(inputs, tmp_path / out)
        return {str(o): str(s) for s, o in result.graph.subject_objects(SKOS.prefLabel)}

    alone = iris([FIRST], "alone")
    together = iris([SECOND, THIRD, FIRST], "together")
    shared = alone.keys() & together.keys()
    assert {"西藏自治区", "林芝市"} <= shared
    assert {name: alone[name] for name in shared} == {name: together[name] for name in shared}


def test_a_bad_input_added_to_a_built_corpus_is_reported(corpus, tmp_path):
    out = tmp_path / "out"
    build([corpus], out)
    result = build([corpus, tmp_path / "missing.txt"], out)  # the same articles: nothing to extract or store
    assert result.report["extracted"] == [] and not result.changes
    assert len(result.errors) == 1 and "missing.txt: no such file or folder" in result.errors[0]
    assert result.report["skipped"] == result.errors


def test_max_chars_holds_for_articles_built_before(corpus, tmp_path):
    from kg.text.sources import SourceOptions

    lengths = {p.stem: len(p.read_text(encoding="utf-8")) for p in (FIRST, SECOND)}
    longer = max(lengths, key=lengths.get)
    options = SourceOptions(max_chars=min(lengths.values()))
    out = tmp_path / "out"
    build([corpus], out)
    again = build([corpus], out, options=options)  # its extraction is cached, and still it is too long
    assert again.documents == [min(lengths, key=lengths.get)]
    assert len(again.errors) == 1 and f"{longer}.txt: is {lengths[longer]} characters long" in again.errors[0]
    fresh = tmp_path / "fresh"
    build([corpus], fresh, options=options)
    assert quads(out) == quads(fresh)
    assert build([corpus], out).documents == sorted(lengths), "raising the limit builds it again"


def test_a_partition_is_made_again_only_when_its_articles_or_their_candidates_change(tmp_path, monkeypatch):
    """Adding an article reads back the partitions it does not touch; one whose bare name it
    makes resolvable (嘎拉村 → 林芝市巴宜区八一镇嘎拉村) is made again; either way as a fresh build."""
    import kg.build.tasks as tasks
    from kg.build import part_of

    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    texts = {"bare": "标题\n嘎拉村村民在节日上表演，村党支部组织群众参加。\n",
             "other": "标题\n错那县召开乡村振兴工作会议，部署下一阶段工作。\n",
             "unrelated": "标题\n山南市乃东区举办青稞种植技术培训班，二百余名群众参加。\n",
             "chain": "标题\n林芝市巴宜区八一镇嘎拉村开展党建活动。\n"}
    assert len({part_of(name) for name in texts}) == len(texts)
    for name in ("bare", "other"):
        (corpus / f"{name}.txt").write_text(texts[name], encoding="utf-8")
    build([corpus], out, jobs=1)
    made = []
    original = tasks._graph_articles
    monkeypatch.setattr(tasks, "_graph_articles", lambda job, ordered: made.append([a.doc_id for a in ordered])
                        or original(job, ordered))
    for name, remade in (("unrelated", [["unrelated"]]), ("chain", [["bare"], ["chain"]])):
        made.clear()
        (corpus / f"{name}.txt").write_text(texts[name], encoding="utf-8")
        build([corpus], out, jobs=1)
        assert sorted(made) == remade, name
        fresh = tmp_path / f"fresh-{name}"
        build([corpus], fresh, jobs=1)
        assert quads(out) == quads(fresh)


def test_a_cache_from_before_briefs_counts_as_not_cached(corpus, tmp_path):
    """An extraction cached without its Brief (by an older kg) is not cached: the map step
    plans for it (workers, progress) instead of finding out article by article."""
    import pickle

    from kg.cache import ExtractionCache, pipeline_fingerprint

    out = tmp_path / "out"
    result = build([corpus], out, jobs=1)
    cache = ExtractionCache(out / ".kg" / "extractions")
    digests = result.report["digests"]
    for doc_id, digest in digests.items():
        summary = cache.summary(doc_id, digest)
        older = pickle.dumps((pipeline_fingerprint(), digest)) + pickle.dumps(summary)
        (out / ".kg" / "extractions" / f"{doc_id}.summary").write_bytes(older)
        assert not cache.has(doc_id, digest) and cache.brief(doc_id, digest) is None
    (out / ".kg" / "build.json").unlink()  # or the build finds its outputs up to date and stops there
    again = build([corpus], out, jobs=1)
    assert sorted(again.report["extracted"]) == sorted(digests)
    assert all(cache.has(doc_id, digest) for doc_id, digest in digests.items())
