"""The CLI: exit codes and one-line errors for bad input; the rest of the corpus still builds."""

import json
import shutil

import pytest
from click.testing import CliRunner

from kg.cli import cli
from tests.conftest import ROOT, SEEDS


@pytest.fixture
def runner():
    return CliRunner()


def test_build_skips_bad_files_and_builds_the_rest(runner, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS / "004_72962b98874534b5.txt", corpus)
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (corpus / "latin.txt").write_bytes("café crème brûlée".encode("latin-1"))
    result = runner.invoke(cli, ["build", str(corpus), str(tmp_path / "missing.txt"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("kg: skipped")]
    assert len(errors) == 4
    assert any("empty.txt: file is empty" in e for e in errors)
    assert any("binary.txt: looks binary" in e for e in errors)
    assert any("latin.txt: not UTF-8, GB18030 or Big5" in e for e in errors)
    assert any("missing.txt: no such file" in e for e in errors)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["documents"] == ["004_72962b98874534b5"]


def test_build_reads_gb18030(runner, tmp_path):
    text = (SEEDS / "004_72962b98874534b5.txt").read_text(encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(text.encode("gb18030"))
    result = runner.invoke(cli, ["build", str(tmp_path / "gbk.txt"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "八八战略" in (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")


def test_build_with_nothing_usable_fails(runner, tmp_path):
    result = runner.invoke(cli, ["build", str(tmp_path / "nothing"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1


@pytest.mark.parametrize("source", ["store", "graph"])
def test_query_table_json_csv_tsv(runner, seed_build, source):
    _, out = seed_build
    where = ["-o", str(out)] if source == "store" else ["--graph", str(out / "graph.ttl")]
    query = 'SELECT ?name WHERE { ?p a kg:Programme ; rdfs:label ?name FILTER(?name = "五共五固"@zh) }'
    table = runner.invoke(cli, ["query", query, *where])
    assert table.exit_code == 0 and "五共五固" in table.output
    as_json = runner.invoke(cli, ["query", query, *where, "--format", "json"])
    assert json.loads(as_json.output) == [{"name": "五共五固"}]
    as_csv = runner.invoke(cli, ["query", query, *where, "--format", "csv"])
    assert as_csv.output.splitlines() == ["name", "五共五固"]
    as_tsv = runner.invoke(cli, ["query", 'SELECT ("a" AS ?x) ("b" AS ?y) {}', *where, "--format", "tsv"])
    assert as_tsv.output.splitlines() == ["x\ty", "a\tb"]


def test_query_construct_prints_turtle(runner, seed_build):
    _, out = seed_build
    result = runner.invoke(cli, ["query", "-o", str(out),
                                 'CONSTRUCT { ?p rdfs:label ?n } WHERE { ?p rdfs:label ?n FILTER(?n = "五共五固"@zh) }'])
    assert result.exit_code == 0 and '"五共五固"@zh' in result.output


@pytest.mark.parametrize("query", ["SELECT ?x WHERE { ?x ", "not sparql at all"])
@pytest.mark.parametrize("source", ["store", "graph"])
def test_query_syntax_error_is_one_line(runner, seed_build, query, source):
    _, out = seed_build
    where = ["-o", str(out)] if source == "store" else ["--graph", str(out / "graph.ttl")]
    result = runner.invoke(cli, ["query", query, *where])
    assert result.exit_code == 1
    assert result.stderr.startswith("kg: error: SPARQL query does not parse") and result.stderr.count("\n") == 1


def test_query_corrupt_graph_is_one_line(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .", encoding="utf-8")
    result = runner.invoke(cli, ["query", "SELECT * WHERE { ?s ?p ?o }", "--graph", str(bad)])
    assert result.exit_code == 1 and "not valid Turtle" in result.stderr and result.stderr.count("\n") == 1


def test_query_without_store_is_one_line(runner, tmp_path):
    result = runner.invoke(cli, ["query", "SELECT * WHERE { ?s ?p ?o }", "-o", str(tmp_path)])
    assert result.exit_code == 1 and "no kg store here; run `kg build` first" in result.stderr
    assert result.stderr.count("\n") == 1


def test_stats_and_eval(runner, seed_build):
    _, out = seed_build
    stats = runner.invoke(cli, ["stats", str(out / "graph.ttl"), "--json"])
    figures = json.loads(stats.output)
    assert figures["nodes"] > 100 and figures["most_connected"][0]["label"] == "西藏自治区"
    result = runner.invoke(cli, ["eval", str(out / "graph.ttl"), str(ROOT / "tests" / "gold"), "--json"])
    scores = json.loads(result.output)
    assert set(scores["entities"]) == {"Place", "Organization", "Programme", "Person"}
    for cls, score in scores["entities"].items():
        assert score["precision"] >= 0.7 and score["recall"] >= 0.6, (cls, score)
    from_store = runner.invoke(cli, ["eval", str(out), str(ROOT / "tests" / "gold"), "--json"])
    assert json.loads(from_store.output) == scores  # the folder's store: what builds above 2,000 articles leave


def test_viz_writes_a_view_and_names_a_missing_focus(runner, seed_build, tmp_path):
    _, out = seed_build
    assert (out / "graph.html").is_file()
    page = tmp_path / "linzhi.html"
    result = runner.invoke(cli, ["viz", str(out / "graph.ttl"), "--focus", "林芝市", "--depth", "2", "-o", str(page)])
    assert result.exit_code == 0 and result.output.endswith(f"relations → {page}\n") and "林芝市 周围 2 层" in page.read_text(encoding="utf-8")
    missing = runner.invoke(cli, ["viz", str(out / "graph.ttl"), "--focus", "林芝县", "-o", str(page)])
    assert missing.exit_code == 1 and missing.stderr.count("\n") == 1
    assert missing.stderr.startswith(f"kg: error: {out / 'graph.ttl'}: no entity named '林芝县'; did you mean 林芝市")


def test_stats_viz_and_validate_read_the_store_by_default(runner, seed_build, tmp_path):
    _, out = seed_build
    from_store = runner.invoke(cli, ["stats", "-o", str(out), "--json"])
    from_file = runner.invoke(cli, ["stats", str(out / "graph.ttl"), "--json"])
    assert from_store.exit_code == 0 and json.loads(from_store.output) == json.loads(from_file.output)
    page = tmp_path / "places.html"
    drawn = runner.invoke(cli, ["viz", str(out), "--classes", "Place", "-o", str(page)])
    assert drawn.exit_code == 0 and "地点" in page.read_text(encoding="utf-8")
    built = tmp_path / "built"
    shutil.copytree(out / "store", built / "store")
    into = runner.invoke(cli, ["viz", "-o", str(built), "--focus", "林芝市"])  # the folder's store, its view.html
    assert into.exit_code == 0 and into.output.endswith(f"→ {built / 'view.html'}\n") and (built / "view.html").is_file()
    checked = runner.invoke(cli, ["validate", "-o", str(out), "--format", "json"])
    assert checked.exit_code == 0 and json.loads(checked.output)["conforms"] is True
    for args in (["stats", "-o", str(tmp_path)], ["validate", "-o", str(tmp_path)], ["viz", str(tmp_path), "-o", str(page)]):
        missing = runner.invoke(cli, args)
        assert missing.exit_code == 1 and "no kg store here; run `kg build` first" in missing.stderr, args


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_commands_have_help_and_are_documented(command):
    assert cli.commands[command].help
    assert f"kg {command}" in (ROOT / "README.md").read_text(encoding="utf-8")
