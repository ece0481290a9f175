from pathlib import Path

import pytest
from rdflib import RDFS

from kg.errors import OntologyError
from kg.rdf.ontology import CLASSES, PROPERTIES, load_vocabulary


def test_code_and_ontology_agree(vocab):
    assert vocab.defined_terms() == set(CLASSES) | set(PROPERTIES)


@pytest.mark.parametrize("name", CLASSES + PROPERTIES)
def test_every_term_has_zh_and_en_labels_and_comments(vocab, name):
    for predicate in (RDFS.label, RDFS.comment):
        languages = {value.language for value in vocab.graph.objects(vocab[name], predicate)}
        assert {"zh", "en"} <= languages, (name, predicate)


def test_subclasses_follow_the_ontology(vocab):
    organizations = vocab.subclasses("Organization")
    assert {"Organization", "School", "MediaOutlet", "PartyOrganization"} <= organizations
    assert "Place" not in organizations
    assert {"Place", "Person", "Programme", "School"} <= vocab.subclasses("Entity")


def test_unknown_term_raises(vocab):
    with pytest.raises(AttributeError):
        vocab.Persn  # noqa: B018


def test_seed_graph_uses_only_ontology_terms(seed_graph, vocab):
    ns = str(vocab.namespace)
    used = {str(t).removeprefix(ns) for triple in seed_graph for t in triple if str(t).startswith(ns)}
    assert used <= vocab.defined_terms()


@pytest.mark.parametrize("content, message", [
    ("this is not turtle", "not valid Turtle"),
    ("@prefix kg: <https://example.org/kg/ontology#> .\nkg:Place a <http://www.w3.org/2002/07/owl#Class> .",
     "preferredNamespaceUri"),
])
def test_malformed_ontology_gives_one_line(tmp_path: Path, content, message):
    path = tmp_path / "bad.ttl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(OntologyError, match=message) as info:
        load_vocabulary(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)
