"""SHACL validation: the seed graph conforms, and each kind of broken graph is reported as that kind."""

import hashlib
import json
import logging
import re
from decimal import Decimal

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.cli import cli
from kg.errors import ShapesError
from kg.model import (
    Article,
    Corpus,
    Entity,
    Extraction,
    Mention,
    Meta,
    Observation,
    Position,
    Relation,
    Sentence,
    org_key,
    person_key,
    place_key,
    programme_key,
)
from kg.rdf.dataset import Dataset, dataset
from kg.rdf.iris import Minter
from kg.rdf.validate import format_report, load_shapes, validate
from kg.store.database import open_store, store_path

XIZANG, LINZHI = place_key(["西藏自治区"]), place_key(["西藏自治区", "林芝市"])
BAYI = place_key(["西藏自治区", "林芝市", "巴宜区"])
PROGRAMME, PERSON, COMMITTEE = programme_key("双报到"), person_key("普布次仁"), org_key("林芝市委")
TEXT = "林芝市开展“双报到”。2023年林芝市新发展党员1200名。普布次仁任林芝市委书记。"


def tiny_corpus() -> Corpus:
    """One article as kg's extraction would give it: three places, a programme, a person, a committee."""
    entities = {e.key: e for e in (
        Entity(XIZANG, "Place", "西藏自治区", level="province"),
        Entity(LINZHI, "Place", "林芝市", parent=XIZANG, level="prefecture"),
        Entity(BAYI, "Place", "巴宜区", parent=LINZHI, level="county"),
        Entity(PROGRAMME, "Programme", "双报到"),
        Entity(PERSON, "Person", "普布次仁"),
        Entity(COMMITTEE, "PartyOrganization", "林芝市委", parent=LINZHI),
    )}
    article = Article("tiny", "tiny.txt", TEXT, Meta(title="林芝市开展双报到", date="2023-08-02"),
                      hashlib.sha256(TEXT.encode()).hexdigest(), "utf-8", "simplified")
    extraction = Extraction(
        article=article,
        sentences=(Sentence(0, 0, 11, TEXT[0:11], 0), Sentence(1, 11, 30, TEXT[11:30], 0),
                   Sentence(2, 30, len(TEXT), TEXT[30:], 0)),
        entities=tuple(entities.values()),
        mentions=(Mention(0, 3, "林芝市", LINZHI, 0, "gazetteer"),
                  Mention(6, 9, "双报到", PROGRAMME, 0, "quoted")),
        relations=(Relation(LINZHI, "carriesOut", PROGRAMME, 0, "adoption-verb"),
                   Relation(LINZHI, "locatedIn", XIZANG, None, "gazetteer")),
        positions=(Position(PERSON, "书记", COMMITTEE, 2, "office-title"),),
        observations=(Observation(LINZHI, "新发展党员", Decimal(1200), "名", "2023", False, 1, "number-unit"),),
    )
    return Corpus((extraction,), entities)


@pytest.fixture(scope="module")
def tiny_dataset(vocab):
    return dataset(tiny_corpus(), vocab, Minter())


@pytest.fixture(scope="module")
def tiny(tiny_dataset):
    return tiny_dataset.graph


def in_named_graphs(graph: Graph, named: Dataset) -> ox.Store:
    """``graph`` in a store as a build puts it: each triple in the named graph it came from, new ones in a graph of their own."""
    home = {}
    for iri, lines in named.graphs.items():
        for triple in Graph().parse(data=lines, format="nt"):
            home[triple] = iri
    store = ox.Store()
    for triple in graph:
        one = Graph()
        one.add(triple)
        where = ox.NamedNode(home.get(triple, str(Minter().document("broken"))))
        store.load(one.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=where)
    return store


def test_seed_graph_conforms_and_only_warns_about_missing_periods(seed_graph):
    report = validate(seed_graph)
    assert report.conforms, format_report(report)
    assert {v.shape for v in report.violations} <= {"kgsh:ObservationPeriodMissing"}


def test_seed_store_gives_the_seed_graphs_report(seed_build, seed_graph):
    store = open_store(store_path(seed_build[1]))
    assert validate(store).violations == validate(seed_graph).violations


def test_tiny_graph_conforms_without_warnings(tiny, vocab):
    # it holds a place parent only the gazetteer gives: a statement with no evidence sentence
    assert any(not any(tiny.objects(st, vocab.evidence)) for st in tiny.subjects(RDF.type, vocab.Statement))
    assert validate(tiny).violations == ()


def _node(graph: Graph, label: str):
    return next(graph.subjects(RDFS.label, Literal(label, lang="zh")))


def _one(graph: Graph, vocab, cls: str):
    return min(graph.subjects(RDF.type, vocab[cls]))


def _statement(graph: Graph, vocab, predicate: str):
    return next(graph.subjects(RDF.predicate, vocab[predicate]))


def _replace(graph: Graph, node, predicate, value) -> None:
    graph.remove((node, predicate, None))
    if value is not None:
        graph.add((node, predicate, value))


# Each case breaks a copy of the tiny graph and returns the node that should be reported.
def no_class(g, v):
    node = _node(g, "双报到")
    g.remove((node, RDF.type, None))
    return node


def two_classes(g, v):
    node = _node(g, "双报到")
    g.add((node, RDF.type, v.Organization))
    return node


def class_outside_ontology(g, v):
    node = _node(g, "双报到")
    _replace(g, node, RDF.type, OWL.Thing)
    return node


def no_zh_label(g, v):
    node = _node(g, "普布次仁")
    _replace(g, node, RDFS.label, Literal("Phurbu Tsering", lang="en"))
    return node


def place_cycle(g, v):
    node = _node(g, "西藏自治区")
    g.add((node, v.locatedIn, _node(g, "巴宜区")))
    return node


def two_parents(g, v):
    node = _node(g, "巴宜区")
    g.add((node, v.locatedIn, _node(g, "西藏自治区")))
    return node


def parent_not_a_place(g, v):
    node = _node(g, "西藏自治区")
    g.add((node, v.locatedIn, _node(g, "双报到")))
    return node


def organization_in_a_programme(g, v):
    node = _node(g, "林芝市委")
    _replace(g, node, v.locatedIn, _node(g, "双报到"))
    return node


def observation_without_subject(g, v):
    node = _one(g, v, "Observation")
    g.remove((node, v.observedEntity, None))
    return node


def observation_value_not_numeric(g, v):
    node = _one(g, v, "Observation")
    _replace(g, node, v.value, Literal("一千二百"))
    return node


def observation_value_ill_typed(g, v):
    node = _one(g, v, "Observation")
    _replace(g, node, v.value, Literal("1200名", datatype=g.value(node, v.value).datatype))  # xsd:decimal
    return node


def observation_without_unit(g, v):
    node = _one(g, v, "Observation")
    g.remove((node, v.unit, None))
    return node


def observation_without_measure(g, v):
    node = _one(g, v, "Observation")
    g.remove((node, v.measure, None))
    return node


def observation_without_period(g, v):
    node = _one(g, v, "Observation")
    g.remove((node, v.period, None))
    return node


def observation_period_not_a_date(g, v):
    node = _one(g, v, "Observation")
    _replace(g, node, v.period, Literal("去年"))
    return node


def observation_without_evidence(g, v):
    node = _one(g, v, "Observation")
    g.remove((node, v.evidence, None))
    return node


def statement_without_evidence(g, v):
    node = _statement(g, v, "carriesOut")
    g.remove((node, v.evidence, None))
    return node


def statement_without_document(g, v):
    node = _statement(g, v, "carriesOut")
    g.remove((node, v.inDocument, None))
    return node


def statement_without_rule(g, v):
    node = _statement(g, v, "carriesOut")
    g.remove((node, v.rule, None))
    return node


def evidence_from_another_document(g, v):
    mint = Minter()
    other, sentence = mint.document("other"), mint.sentence("other", 0)
    g.add((other, RDF.type, v.Document))
    g.add((other, v.sourceFile, Literal("other.txt")))
    g.add((other, v.contentHash, Literal(hashlib.sha256(b"other").hexdigest())))
    g.add((sentence, RDF.type, v.Sentence))
    g.add((sentence, v.text, Literal("林芝市开展“双报到”。", lang="zh")))
    g.add((sentence, v.inDocument, other))
    node = _statement(g, v, "carriesOut")
    _replace(g, node, v.evidence, sentence)
    return node


def evidence_not_a_sentence(g, v):
    node = _one(g, v, "Observation")
    _replace(g, node, v.evidence, _one(g, v, "Document"))
    return node


def statement_without_subject(g, v):
    node = _statement(g, v, "carriesOut")
    g.remove((node, RDF.subject, None))
    return node


def statement_without_object(g, v):
    node = _statement(g, v, "carriesOut")
    g.remove((node, RDF.object, None))
    return node


def statement_predicate_not_in_ontology(g, v):
    node = _statement(g, v, "carriesOut")
    subject, obj = g.value(node, RDF.subject), g.value(node, RDF.object)
    _replace(g, node, RDF.predicate, RDFS.seeAlso)
    g.add((subject, RDFS.seeAlso, obj))
    return node


def statement_triple_missing(g, v):
    node = _statement(g, v, "carriesOut")
    g.remove((g.value(node, RDF.subject), v.carriesOut, g.value(node, RDF.object)))
    return node


def position_without_role(g, v):
    node = _one(g, v, "Position")
    g.remove((node, v.role, None))
    return node


def position_without_holder(g, v):
    node = _one(g, v, "Position")
    g.remove((None, v.holdsPosition, node))
    return node


def position_in_two_organizations(g, v):
    node = _one(g, v, "Position")
    g.add((node, v.organization, _node(g, "普布次仁")))
    return node


def mention_without_entity(g, v):
    node = _one(g, v, "Mention")
    g.remove((node, v.mentionOf, None))
    return node


def mention_without_sentence(g, v):
    node = _one(g, v, "Mention")
    g.remove((node, v.inSentence, None))
    return node


def mention_without_document(g, v):
    node = _one(g, v, "Mention")
    g.remove((node, v.inDocument, None))
    return node


def sentence_without_text(g, v):
    node = _one(g, v, "Sentence")
    g.remove((node, v.text, None))
    return node


def sentence_without_document(g, v):
    node = _one(g, v, "Sentence")
    g.remove((node, v.inDocument, None))
    return node


def document_without_source_file(g, v):
    node = _one(g, v, "Document")
    g.remove((node, v.sourceFile, None))
    return node


def document_hash_not_sha256(g, v):
    node = _one(g, v, "Document")
    _replace(g, node, v.contentHash, Literal("c8295b699a24348f"))
    return node


def document_format_not_a_media_type(g, v):
    node = _one(g, v, "Document")
    _replace(g, node, v.sourceFormat, Literal("HTML page"))
    return node


def document_in_two_records(g, v):
    node = _one(g, v, "Document")
    g.add((node, v.sourceRecord, Literal("r1")))
    g.add((node, v.sourceRecord, Literal("r2")))
    return node


def document_url_not_a_uri(g, v):
    node = _one(g, v, "Document")
    g.add((node, v.sourceUrl, Literal("www.example.gov.cn/a.html")))
    return node


def document_on_two_sites(g, v):
    node = _one(g, v, "Document")
    g.add((node, v.siteName, Literal("米林市人民政府网", lang="zh")))
    g.add((node, v.siteName, Literal("林芝市人民政府网", lang="zh")))
    return node


def role_without_label(g, v):
    node = _one(g, v, "Role")
    g.remove((node, RDFS.label, None))
    return node


# fmt: off
CASES = [
    # (break the graph, the shape that reports it, its path, severity)
    (no_class,                            "EntityClass",            "rdf:type",          "Violation"),
    (two_classes,                         "EntityClass",            "rdf:type",          "Violation"),
    (class_outside_ontology,              "EntityClass",            "rdf:type",          "Violation"),
    (no_zh_label,                         "EntityLabel",            "rdfs:label",        "Violation"),
    (place_cycle,                         "PlaceCycle",             "kg:locatedIn",      "Violation"),
    (two_parents,                         "PlaceParent",            "kg:locatedIn",      "Violation"),
    (parent_not_a_place,                  "LocatedInPlace",         "kg:locatedIn",      "Violation"),
    (organization_in_a_programme,         "LocatedInPlace",         "kg:locatedIn",      "Violation"),
    (observation_without_subject,         "ObservationEntity",      "kg:observedEntity", "Violation"),
    (observation_value_not_numeric,       "ObservationValue",       "kg:value",          "Violation"),
    (observation_value_ill_typed,         "ObservationValue",       "kg:value",          "Violation"),
    (observation_without_unit,            "ObservationUnit",        "kg:unit",           "Violation"),
    (observation_without_measure,         "ObservationMeasure",     "kg:measure",        "Violation"),
    (observation_without_period,          "ObservationPeriodMissing", "kg:period",       "Warning"),
    (observation_period_not_a_date,       "ObservationPeriod",      "kg:period",         "Violation"),
    (observation_without_evidence,        "EvidenceRequired",       "kg:evidence",       "Violation"),
    (statement_without_evidence,          "StatementEvidence",      "kg:evidence",       "Violation"),
    (statement_without_document,          "ProvenanceDocument",     "kg:inDocument",     "Violation"),
    (statement_without_rule,              "ProvenanceRule",         "kg:rule",           "Violation"),
    (evidence_from_another_document,      "EvidenceInDocument",     "kg:evidence",       "Violation"),
    (evidence_not_a_sentence,             "ProvenanceEvidence",     "kg:evidence",       "Violation"),
    (statement_without_subject,           "StatementSubject",       "rdf:subject",       "Violation"),
    (statement_without_object,            "StatementObject",        "rdf:object",        "Violation"),
    (statement_predicate_not_in_ontology, "StatementPredicate",     "rdf:predicate",     "Violation"),
    (statement_triple_missing,            "StatementTriple",        "rdf:predicate",     "Violation"),
    (position_without_role,               "PositionRole",           "kg:role",           "Violation"),
    (position_without_holder,             "PositionHolder",         "^kg:holdsPosition", "Violation"),
    (position_in_two_organizations,       "PositionOrganization",   "kg:organization",   "Violation"),
    (mention_without_entity,              "MentionOf",              "kg:mentionOf",      "Violation"),
    (mention_without_sentence,            "MentionSentence",        "kg:inSentence",     "Violation"),
    (mention_without_document,            "MentionDocument",        "kg:inDocument",     "Violation"),
    (sentence_without_text,               "SentenceText",           "kg:text",           "Violation"),
    (sentence_without_document,           "SentenceDocument",       "kg:inDocument",     "Violation"),
    (document_without_source_file,        "DocumentSourceFile",     "kg:sourceFile",     "Violation"),
    (document_hash_not_sha256,            "DocumentContentHash",    "kg:contentHash",    "Violation"),
    (document_format_not_a_media_type,    "DocumentSourceFormat",   "kg:sourceFormat",   "Violation"),
    (document_in_two_records,             "DocumentSourceRecord",   "kg:sourceRecord",   "Violation"),
    (document_url_not_a_uri,              "DocumentSourceUrl",      "kg:sourceUrl",      "Violation"),
    (document_on_two_sites,               "DocumentSiteName",       "kg:siteName",       "Violation"),
    (role_without_label,                  "TermLabel",              "rdfs:label",        "Violation"),
]
# fmt: on


@pytest.mark.parametrize("breaks, shape, path, severity", CASES, ids=[case[0].__name__ for case in CASES])
def test_each_kind_of_violation_is_reported_as_that_kind(tiny, vocab, breaks, shape, path, severity):
    graph = Graph()
    graph += tiny
    focus = breaks(graph, vocab)
    report = validate(graph)
    assert {(v.shape, v.severity) for v in report.violations} == {("kgsh:" + shape, severity)}, format_report(report)
    assert any(v.focus == str(focus) and v.path == path for v in report.violations), format_report(report)
    assert report.conforms == (severity != "Violation")


@pytest.mark.parametrize("breaks, shape, path, severity", CASES, ids=[case[0].__name__ for case in CASES])
def test_each_kind_is_reported_the_same_from_a_store_checked_a_few_triples_at_a_time(tiny_dataset, vocab, breaks, shape,
                                                                                   path, severity):
    graph = Graph()
    graph += tiny_dataset.graph
    breaks(graph, vocab)
    assert validate(in_named_graphs(graph, tiny_dataset), unit=12).violations == validate(graph).violations


def test_every_shape_has_a_case():
    shapes = {str(s).rsplit("#", 1)[-1] for s in load_shapes().subjects(RDF.type, SH.PropertyShape)}
    assert shapes == {case[1] for case in CASES}


def test_shapes_use_only_ontology_terms(vocab):
    shapes = load_shapes()
    ns = str(vocab.namespace)
    iris = {str(t).removeprefix(ns) for triple in shapes for t in triple if isinstance(t, URIRef) and t.startswith(ns)}
    in_sparql = {name for text in shapes.objects(None, SH.select) for name in re.findall(r"\bkg:(\w+)", text)}
    assert iris and in_sparql
    assert (iris | in_sparql) <= vocab.defined_terms()
    declared = {str(d) for d in shapes.objects(None, SH.namespace)}
    assert ns in declared


def test_report_lines_name_the_focus_by_its_chinese_label(tiny, vocab):
    graph = Graph()
    graph += tiny
    place_cycle(graph, vocab)
    text = format_report(validate(graph))
    line = r"^Violation  kgsh:PlaceCycle  西藏自治区 <\S+>  kg:locatedIn = 巴宜区: .*cycle"
    assert re.search(line, text, re.M)
    assert text.splitlines()[-2:] == ["does not conform: 3 violations, 0 warnings or notes",
                                      "      3  Violation kgsh:PlaceCycle"]


def test_report_is_sorted_and_the_graph_unchanged(tiny, vocab):
    graph = Graph()
    graph += tiny
    place_cycle(graph, vocab)
    observation_without_unit(graph, vocab)
    before = len(graph)
    report = validate(graph)
    assert len(graph) == before
    assert [v.shape for v in report.violations] == ["kgsh:ObservationUnit"] + ["kgsh:PlaceCycle"] * 3
    assert report.violations == validate(graph).violations


@pytest.mark.parametrize("content, problem", [
    (None, "no such shapes file"),
    ("kgsh:A a sh:NodeShape ;", "not valid Turtle"),
    ("<http://e/a> <http://e/b> <http://e/c> .", "no SHACL shapes"),
    ("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
     "<http://e/S> a sh:NodeShape ; sh:targetNode <http://e/x> ; sh:property [ sh:minCount 1 ] .", "not valid SHACL"),
    ("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<http://e/S> a sh:NodeShape ; sh:targetNode <http://e/x> ; "
     "sh:property [ sh:path <http://e/p> ; sh:minCount \"one\" ] .", "sh:minCount must be a literal"),
    ("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
     "<http://e/S> a sh:NodeShape ; sh:targetNode <http://e/x> ; sh:sparql [ sh:select \"SELECT $this WHERE {\" ] .",
     "SPARQL does not parse"),
])
def test_bad_shapes_file_is_one_error(tiny, tmp_path, caplog, content, problem):
    path = tmp_path / "shapes.ttl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ShapesError, match=problem) as info:
        validate(tiny, path)
    assert str(info.value).startswith(f"{path}: ") and "\n" not in str(info.value)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # pySHACL does not print it too


# The command line


@pytest.fixture
def runner():
    return CliRunner()


def test_cli_conforming_graph_exits_0(runner, tiny, tmp_path):
    path = tmp_path / "graph.ttl"
    tiny.serialize(path, format="turtle")
    result = runner.invoke(cli, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"conforms": True, "counts": {}, "violations": []}


def test_cli_prints_violations_and_exits_1(runner, tiny, vocab, tmp_path):
    graph = Graph()
    graph += tiny
    two_parents(graph, vocab)
    observation_without_unit(graph, vocab)
    path = tmp_path / "broken.ttl"
    graph.serialize(path, format="turtle")
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("Violation  kgsh:ObservationUnit  <")
    assert lines[1].startswith("Violation  kgsh:PlaceParent  巴宜区 <")
    assert lines[2] == "does not conform: 2 violations, 0 warnings or notes"


@pytest.mark.parametrize("args, problem", [
    (["{bad}"], "bad.ttl: not valid Turtle (line 1: "),
    (["{missing}"], "missing.ttl: no such graph file"),
    (["{good}", "--shapes", "{bad}"], "bad.ttl: not valid Turtle (line 1: "),
    (["{good}", "--shapes", "{missing}"], "missing.ttl: no such shapes file"),
    (["{good}", "--shapes", "{good}"], "good.ttl: no SHACL shapes"),
    (["{good}", "--shapes", "{invalid}"], "invalid.ttl: not valid SHACL"),
])
def test_cli_bad_input_is_one_line(runner, tiny, tmp_path, args, problem):
    files = {name: tmp_path / f"{name}.ttl" for name in ("bad", "good", "invalid", "missing")}
    files["bad"].write_text("<a> <b> .", encoding="utf-8")
    files["invalid"].write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<http://e/S> a sh:NodeShape ; "
                                "sh:targetNode <http://e/x> ; sh:property [ sh:minCount 1 ] .", encoding="utf-8")
    tiny.serialize(files["good"], format="turtle")
    result = runner.invoke(cli, ["validate", *(a.format(**files) for a in args)])
    assert result.exit_code == 1
    assert result.stderr.startswith("kg: error: ") and problem in result.stderr and result.stderr.count("\n") == 1
