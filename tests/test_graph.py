"""The seed graph holds the entities and relations the product promises, checked by SPARQL."""

import pytest
from rdflib import BNode, Graph

from kg.build import build
from tests.conftest import SEEDS

PREFIXES = "PREFIX kg: <https://example.org/kg/ontology#>\n"


def ask(graph, body: str) -> bool:
    return bool(graph.query(PREFIXES + "ASK { " + body + " }").askAnswer)


# fmt: off
@pytest.mark.parametrize("name, cls", [
    ("西藏自治区", "Place"), ("林芝市", "Place"), ("巴宜区", "Place"), ("尼池社区", "Place"),
    ("日喀则市", "Place"), ("白朗县", "Place"), ("巴扎乡", "Place"), ("琼结县", "Place"), ("拉玉乡", "Place"),
    ("国道318", "Place"), ("波堆桃花谷", "Place"),
    ("北京建藏援藏工作者协会", "SocialOrganization"), ("日喀则珠峰城投集团", "Enterprise"),
    ("那曲市委党校色尼区分校", "School"), ("拉玉乡派出所", "GovernmentBody"), ("秀巴村党支部", "PartyOrganization"),
    ("中国西藏网", "MediaOutlet"),
    ("五共五固", "Programme"), ("双报到", "Programme"), ("三会一课", "Programme"), ("四支队伍", "Programme"),
    ("两个确立", "Programme"), ("两个维护", "Programme"), ("党建+综治中心+网格化管理", "Programme"),
    ("一窗受理", "Programme"), ("枫桥经验", "Programme"), ("千万工程", "Programme"), ("八八战略", "Programme"),
    ("普布次仁", "Person"), ("次仁群措", "Person"), ("金书波", "Person"),
])
def test_entity_exists_with_class_and_label(seed_graph, name, cls):
    assert ask(seed_graph, f'?e a kg:{cls} ; rdfs:label "{name}"@zh ; skos:prefLabel "{name}"@zh .')


@pytest.mark.parametrize("phrase", ["有面", "及点", "一抹抹橙色", "主心骨", "城市病"])
def test_figures_of_speech_are_not_programmes(seed_graph, phrase):
    assert not ask(seed_graph, f'?e a kg:Programme ; rdfs:label "{phrase}"@zh .')


@pytest.mark.parametrize("child, ancestor", [
    ("尼池社区", "巴宜区"), ("尼池社区", "林芝市"), ("尼池社区", "西藏自治区"),
    ("巴扎乡", "白朗县"), ("嘎朗村", "古乡"), ("古乡", "波密县"), ("色贡村", "百巴镇"), ("白朗县", "日喀则市"), ("拉玉乡", "琼结县"), ("琼结县", "山南市"),
])
def test_place_hierarchy(seed_graph, child, ancestor):
    assert ask(seed_graph, f'?c rdfs:label "{child}"@zh ; kg:locatedIn+ ?a . ?a rdfs:label "{ancestor}"@zh .')


@pytest.mark.parametrize("short, full", [("西藏", "西藏自治区"), ("林芝", "林芝市"), ("珠峰城投集团", "日喀则珠峰城投集团")])
def test_short_forms_resolve_to_one_node(seed_graph, short, full):
    assert ask(seed_graph, f'?e rdfs:label "{full}"@zh ; skos:altLabel "{short}"@zh .')


@pytest.mark.parametrize("doer, programme", [
    ("山南市", "党建+综治中心+网格化管理"), ("拉玉乡派出所", "点单式"), ("朗县", "一窗受理"),
    ("林芝市", "双报到"), ("秀巴村", "枫桥经验"),
])
def test_carries_out_with_provenance(seed_graph, doer, programme):
    assert ask(seed_graph, f'''
        ?d rdfs:label "{doer}"@zh . ?p rdfs:label "{programme}"@zh . ?d kg:carriesOut ?p .
        ?st a kg:Statement ; rdf:subject ?d ; rdf:predicate kg:carriesOut ; rdf:object ?p ;
            kg:evidence ?sentence ; kg:inDocument ?doc .
        ?sentence kg:text ?text ; kg:inDocument ?doc . ?doc kg:sourceFile ?file .
        FILTER(CONTAINS(STR(?text), "{programme}"))''')


@pytest.mark.parametrize("person, role, org", [
    ("普布次仁", "书记", "色贡村党支部"), ("次仁群措", "书记", "那兴塘社区党支部"),
    ("金书波", "会长", "北京建藏援藏工作者协会"),
])
def test_holds_position(seed_graph, person, role, org):
    assert ask(seed_graph, f'''
        ?p rdfs:label "{person}"@zh ; kg:holdsPosition ?pos .
        ?pos kg:role/rdfs:label "{role}"@zh ; kg:organization/rdfs:label "{org}"@zh ; kg:evidence ?s .''')


@pytest.mark.parametrize("subject, measure, value, unit, period", [
    ("西藏自治区", "新发展党员", "14900", "名", "2023"),
    ("色贡村", "村集体经济收入", "4000000", "元", "2023"),
    ("西藏自治区", "党员", "470400", "名", "2024-12-31"),
])
def test_observations(seed_graph, subject, measure, value, unit, period):
    assert ask(seed_graph, f'''
        ?o a kg:Observation ; kg:observedEntity/rdfs:label "{subject}"@zh ; kg:measure/rdfs:label "{measure}"@zh ;
           kg:value ?v ; kg:unit "{unit}"@zh ; kg:period "{period}" ; kg:evidence ?s .
        FILTER(?v = {value})''')


def test_documents_have_metadata(seed_graph):
    assert ask(seed_graph, '''?d kg:sourceFile "003_ab5b9529b958c7a7.txt" ; kg:datePublished "2024-02-29"^^xsd:date ;
        kg:publishedBy/rdfs:label "中国西藏新闻网"@zh ; kg:writtenBy/rdfs:label "刘文涛"@zh ;
        kg:editedBy/rdfs:label "益西旺堆"@zh .''')
    assert ask(seed_graph, '?d kg:sourceFile "000_30112710a34434ca.txt" ; kg:originalScript "traditional" .')


def test_traditional_form_kept_as_alternative_label(seed_graph):
    assert ask(seed_graph, '?e rdfs:label "拉玉乡派出所"@zh ; skos:altLabel "拉玉鄉派出所"@zh .')


def test_every_mention_points_into_its_sentence(seed_build):
    for extraction in seed_build[0].extractions():
        text = extraction.article.text
        for mention in extraction.mentions:
            assert text[mention.start : mention.end] == mention.text
            sentence = extraction.sentences[mention.sentence]
            assert sentence.start <= mention.start < sentence.end


def test_no_blank_nodes_and_turtle_reloads(seed_build):
    _, out = seed_build
    graph = Graph().parse(out / "graph.ttl", format="turtle")
    assert len(graph) == seed_build[0].report["triples"]
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)


def test_build_is_deterministic(seed_build, tmp_path):
    _, out = seed_build
    build([SEEDS], tmp_path)
    assert (tmp_path / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()


def test_build_does_not_depend_on_input_order(seed_build, tmp_path):
    _, out = seed_build
    build(sorted(SEEDS.glob("*.txt"), reverse=True), tmp_path)
    assert (tmp_path / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()
# fmt: on
