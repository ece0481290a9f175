"""Named queries (queries/*.rq): each answers its question on the seed store; parameters are RDF terms."""

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import QueryError
from kg.store.database import open_store, store_path
from kg.store.named_queries import KINDS, list_named, load_named, parse_params
from kg.store.query import run_query


@pytest.fixture(scope="module")
def store(seed_build):
    return open_store(store_path(seed_build[1]))


def ask(store, name, **params):
    named = load_named(name)
    return run_query(store, named.text, named.values(params)).rows


def test_every_named_query_has_a_header_and_runs_with_its_example(store):
    queries = list_named()
    assert len(queries) >= 6
    for named in queries:
        assert named.title and named.description, named.name
        assert all(p.kind in KINDS and p.example for p in named.params), named.name
        rows = ask(store, named.name, **{p.name: p.example for p in named.params})
        assert rows, f"{named.name} gives no answer for its own example"


def test_programme_places_rolls_up_the_hierarchy(store):
    rows = ask(store, "programme-places", programme="双报到")
    assert [(r["place"], r["level"], r["doers"], r["carriedOutBy"]) for r in rows] == [
        ("林芝市", "prefecture", "1", "林芝市"), ("西藏自治区", "province", "1", "林芝市")]


def test_located_in_reaches_every_depth(store):
    rows = ask(store, "located-in", place="林芝市")
    found = {r["name"]: r["parent"] for r in rows}
    assert {"巴宜区": "林芝市", "尼池社区": "巴宜区", "尼池社区党委": "尼池社区", "古乡": "波密县",
            "嘎朗村": "古乡", "色贡村": "百巴镇", "色贡村党支部": "色贡村"}.items() <= found.items()
    assert not {"山南市", "拉玉乡", "林芝市", "西藏自治区"} & found.keys()
    assert len(rows) == len(found), "each thing is listed once"


def test_positions_in_a_place_reach_its_organisations(store):
    rows = ask(store, "positions", where="林芝市")
    assert {(r["person"], r["role"], r["organization"]) for r in rows} == {
        ("普布次仁", "书记", "色贡村党支部"), ("普布次仁", "主任", "色贡村村委会"),
        ("次旺措", "书记", "西嘎村党支部")}  # 西嘎村党员活动室，村党支部书记次旺措: the village named before
    assert all(r["person"] in r["sentence"] for r in rows)


def test_figures_are_ordered_by_period(store):
    rows = ask(store, "figures", subject="西藏自治区")
    assert {"period": "2023", "measure": "新发展党员", "value": "14900", "unit": "名"}.items() <= next(
        r for r in rows if r["measure"] == "新发展党员").items()
    periods = [r["period"] or "" for r in rows]
    assert periods == sorted(periods)


def test_evidence_names_document_and_sentence(store):
    rows = ask(store, "evidence", subject="林芝市", object="双报到")
    assert len(rows) == 1
    assert rows[0]["relation"] == "开展" and rows[0]["document"] == "002_bcf4be422819ea07.txt"
    assert "双报到" in rows[0]["sentence"] and rows[0]["rule"]


def test_co_programmes_counts_shared_articles(store):
    rows = ask(store, "co-programmes", minimum="3")
    assert (rows[0]["programme"], rows[0]["other"], rows[0]["articles"]) == ("习近平新时代中国特色社会主义思想", "乡村振兴", "4")
    assert all(int(r["articles"]) >= 3 and r["programme"] < r["other"] for r in rows)


@pytest.mark.parametrize("value", [
    '双报到"@zh } ?p ?x ?y . FILTER(true) {',
    '双报到"@zh . ?x ?y ?z } #',
    "' } UNION { ?a ?b ?c } #",
])
def test_parameters_are_bound_not_pasted(store, value):
    assert ask(store, "programme-places", programme=value) == []


@pytest.mark.parametrize("given, message", [
    ({}, "needs --param programme"),
    ({"programme": "双报到", "colour": "red"}, "has no parameter 'colour'"),
])
def test_parameter_errors(given, message):
    with pytest.raises(QueryError, match=message):
        load_named("programme-places").values(given)


def test_integer_and_iri_parameters_are_checked():
    with pytest.raises(QueryError, match="not an integer"):
        load_named("co-programmes").values({"minimum": "2; DROP ALL"})


@pytest.mark.parametrize("pairs, expected", [
    (["place=林芝市"], {"place": "林芝市"}),
    (["a=b=c"], {"a": "b=c"}),
    (["empty="], {"empty": ""}),
])
def test_parse_params(pairs, expected):
    assert parse_params(pairs) == expected


@pytest.mark.parametrize("pairs", [["noequals"], ["=value"]])
def test_parse_params_rejects(pairs):
    with pytest.raises(QueryError, match="NAME=VALUE"):
        parse_params(pairs)


def test_cli_named_query_and_its_errors(seed_build):
    runner = CliRunner()
    out = str(seed_build[1])
    ok = runner.invoke(cli, ["query", "located-in", "--param", "place=林芝市", "-o", out, "--format", "csv"])
    assert ok.exit_code == 0 and "尼池社区" in ok.output
    listing = runner.invoke(cli, ["query", "--list"])
    assert all(q.name in listing.output for q in list_named())
    for args, message in [
        (["query", "nope", "-o", out], "no named query 'nope'"),
        (["query", "located-in", "-o", out], "needs --param place"),
        (["query", "located-in", "--param", "place", "-o", out], "NAME=VALUE"),
        (["query", "SELECT * {}", "--param", "a=b", "-o", out], "--param works with named queries"),
    ]:
        result = runner.invoke(cli, args)
        assert result.exit_code == 1 and message in result.stderr and result.stderr.count("\n") == 1, args


@pytest.mark.parametrize("name, params", [("positions", {"where": "林芝市"}), ("co-programmes", {"minimum": "3"})])
def test_bound_parameters_give_the_same_rows_in_rdflib(store, seed_graph, name, params):
    named = load_named(name)
    bindings = named.values(params)
    in_store = run_query(store, named.text, bindings).rows
    assert in_store and run_query(seed_graph, named.text, bindings).rows == in_store
