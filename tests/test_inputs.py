"""Builds from every input format: the same article in any format gives the same graph, a
mixed folder builds one graph with provenance that points home, and each bad input is one
line while the rest of the corpus still builds. Inputs are made by tests/samples.py.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from rdflib import XSD, Literal

from kg.build import build
from kg.cli import cli
from kg.extract.extraction import extract
from kg.store.database import open_store, store_path
from kg.store.named_queries import load_named
from kg.store.query import run_query
from kg.text.article import read_article
from kg.text.sources import Source, file_source, find_sources
from kg.viz.viewer import to_html
from tests import samples
from tests.samples import DATE, URL

LINE = re.compile(r"^kg: skipped \S+?(?:#[^:]+)?: [^;]+; .+$")


def _signature(extraction) -> tuple:
    """What the graph of an article is made of, apart from where it was read."""
    return (sorted(e.key for e in extraction.entities),
            sorted((r.subject, r.predicate, r.object) for r in extraction.relations),
            sorted((p.person, p.role, p.organization) for p in extraction.positions),
            sorted((o.subject, o.measure, str(o.value), o.unit, o.period) for o in extraction.observations),
            extraction.publisher)


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory):
    """The sample article printed to PDF by Chromium; skipped (with the reason) where it cannot be."""
    if reason := samples.chromium_missing():
        print(reason)
        pytest.skip(reason)
    return samples.print_pdf(tmp_path_factory.mktemp("pdf") / "policy.pdf")


@pytest.fixture(scope="module")
def as_txt(tmp_path_factory):
    return extract(read_article(file_source(samples.write_txt(tmp_path_factory.mktemp("txt") / "a.txt"))))


def _only(path) -> Source:
    sources = [s for s in find_sources([path]) if isinstance(s, Source)]
    return sources[0]


MAKERS = {
    "md": lambda tmp: _only(samples.write_md(tmp / "a.md")),
    "html": lambda tmp: _only(samples.write_html(tmp / "a.html")),
    "docx": lambda tmp: _only(samples.write_docx(tmp / "a.docx")),
    "jsonl": lambda tmp: _only(samples.write_jsonl(tmp / "a.jsonl", samples.records(2))),
    "csv": lambda tmp: _only(samples.write_csv(tmp / "a.csv", samples.records(2))),
    "warc": lambda tmp: _only(samples.write_warc(tmp / "a.warc.gz")),
}


@pytest.mark.parametrize("fmt", [*MAKERS, "pdf"])
def test_same_article_in_any_format_gives_the_same_entities_and_relations(fmt, as_txt, tmp_path, request):
    source = _only(request.getfixturevalue("pdf_file")) if fmt == "pdf" else MAKERS[fmt](tmp_path)
    extraction = extract(read_article(source))
    assert _signature(extraction) == _signature(as_txt)
    assert extraction.entities and extraction.relations and extraction.positions and extraction.observations
    article = extraction.article
    assert article.text == as_txt.article.text
    if fmt in ("html", "warc", "jsonl", "csv"):
        assert (article.meta.url, article.meta.date) == (URL, DATE)


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory):
    """A folder with one good article and one of each bad input, built with the CLI."""
    folder = tmp_path_factory.mktemp("bad")
    samples.write_txt(folder / "good.txt")
    samples.scanned_pdf(folder / "scan.pdf")
    samples.encrypted_pdf(folder / "locked.pdf")
    samples.write_docx(folder / "broken.docx")
    data = (folder / "broken.docx").read_bytes()
    (folder / "broken.docx").write_bytes(data[: len(data) // 3])
    nav = "".join(f'<li><a href="/{i}">{name}</a></li>' for i, name in enumerate(("首页", "政务公开", "新闻中心", "联系我们")))
    (folder / "index.html").write_text(f"<html><head><title>米林市人民政府网</title></head><body><ul>{nav}</ul></body></html>",
                                       encoding="utf-8")
    samples.write_csv(folder / "columns.csv", [{"标题": "羌纳乡召开会议", "正文": "会议部署了网格化管理工作。"}])
    other = samples.variant("里龙")
    pages = [(URL + "?a", samples.html_page(**other)), (URL + "?b", samples.html_page(**samples.variant("丹娘")))]
    data = samples.write_warc(folder / "cut.warc.gz", pages).read_bytes()
    (folder / "cut.warc.gz").write_bytes(data[: len(data) * 3 // 4])
    lines = [json.dumps(samples.row("ok-1", **samples.variant("扎绕")), ensure_ascii=False), "{this is not json", ""]
    (folder / "export.jsonl").write_text("\n".join(lines), encoding="utf-8")
    out = folder / "out"
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(out)])
    return result, out


@pytest.mark.parametrize("name, message", [
    ("scan.pdf", "PDF has no text layer (a scanned image?); run OCR on it first"),
    ("locked.pdf", "PDF is encrypted with a password; save an unencrypted copy"),
    ("broken.docx", "not a readable Word document (BadZipFile); open it in Word or LibreOffice"),
    ("index.html", "no main text found on the page"),
    ("columns.csv", "no text column (looked for text, content, body; it has: 标题, 正文); name the column"),
    ("cut.warc.gz", "archive is cut short"),
    ("export.jsonl#line 2", "not JSON ("),
])
def test_bad_input_is_one_line_and_the_rest_builds(bad_build, name, message):
    result, out = bad_build
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if f"/{name}" in line]
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert LINE.match(lines[0])
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["documents"][0] == "cut_url-" + report["documents"][0].split("url-")[1]  # the page before the cut
    assert set(report["documents"]) >= {"good", "export_ok-1"}


def test_bad_inputs_are_counted_per_format(bad_build):
    result, out = bad_build
    formats = json.loads((out / "report.json").read_text(encoding="utf-8"))["formats"]
    assert {k: (v["read"], v["skipped"]) for k, v in formats.items()} == {
        "txt": (1, 0), "html": (0, 1), "pdf": (0, 2), "docx": (0, 1), "jsonl": (1, 1), "csv": (0, 1), "warc": (1, 1)}
    assert "read: txt 1, html 0 (1 skipped), pdf 0 (2 skipped)" in result.stdout


@pytest.fixture(scope="module")
def mixed_build(tmp_path_factory, request):
    """A folder of every format; the .html is the same article as the .txt."""
    folder = tmp_path_factory.mktemp("mixed")
    samples.write_txt(folder / "a.txt")
    samples.write_html(folder / "z-page.html")
    samples.write_md(folder / "b.md", **samples.variant("里龙"))
    samples.write_docx(folder / "c.docx", **samples.variant("丹娘"))
    if not samples.chromium_missing():
        samples.print_pdf(folder / "d.pdf", samples.pdf_page(**samples.variant("扎绕")))
    samples.write_jsonl(folder / "e.jsonl", [samples.row("e1", **samples.variant("嘎玛"), url=URL + "?e1"),
                                             samples.row("e2", **samples.variant("江村"), url=URL + "?e2")])
    samples.write_csv(folder / "f.csv", [samples.row("f1", **samples.variant("米瑞")),
                                         samples.row("f2", **samples.variant("卧龙"))])
    samples.write_warc(folder / "g.warc.gz", [(URL + "?g1", samples.html_page(**samples.variant("南伊"))),
                                              (URL + "?g2", samples.html_page(**samples.variant("更章")))])
    out = folder / "out"
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return result, out


def test_mixed_folder_builds_one_graph_and_counts_each_format(mixed_build):
    result, out = mixed_build
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    pdf = int(not samples.chromium_missing())
    assert len(report["documents"]) == 9 + pdf
    counts = {k: (v["read"], v["skipped"], v["duplicates"]) for k, v in report["formats"].items()}
    assert counts == {"txt": (1, 0, 0), "md": (1, 0, 0), "html": (0, 0, 1), "docx": (1, 0, 0), "jsonl": (2, 0, 0),
                      "csv": (2, 0, 0), "warc": (2, 0, 0)} | ({"pdf": (1, 0, 0)} if pdf else {})
    duplicate = [line for line in result.stderr.splitlines() if "z-page.html" in line]
    assert len(duplicate) == 1 and "the same article as" in duplicate[0] and duplicate[0].endswith("a.txt (same cleaned text); built once")
    assert "html 0 (1 duplicate)" in result.stdout


def test_documents_carry_where_they_came_from(mixed_build, vocab):
    _, out = mixed_build
    graph = build([out.parent], out).graph  # nothing changed: read back from graph.nt
    warc = next(d for d in graph.subjects(vocab.sourceUrl, Literal(URL + "?g1", datatype=XSD.anyURI)))
    assert str(graph.value(warc, vocab.sourceFile)) == "g.warc.gz"
    assert str(graph.value(warc, vocab.sourceRecord)).startswith("url-")
    assert str(graph.value(warc, vocab.sourceFormat)) == "application/warc"
    assert graph.value(warc, vocab.datePublished) == Literal(DATE, datatype=XSD.date)
    assert str(graph.value(warc, vocab.siteName)) == samples.SITE
    record = next(graph.subjects(vocab.sourceRecord, Literal("f2")))
    assert (str(graph.value(record, vocab.sourceFile)), str(graph.value(record, vocab.sourceFormat))) == ("f.csv", "text/csv")
    text = next(graph.subjects(vocab.sourceFile, Literal("a.txt")))
    assert graph.value(text, vocab.sourceUrl) is None and graph.value(text, vocab.sourceRecord) is None


def test_evidence_and_viewer_show_the_url(mixed_build, vocab):
    _, out = mixed_build
    named = load_named("evidence")
    rows = run_query(open_store(store_path(out)), named.text, named.values({"subject": "南伊乡党委", "object": "党建+综治中心+网格化管理"})).rows
    assert rows and rows[0]["url"] == URL + "?g1" and rows[0]["document"] == "g.warc.gz" and rows[0]["date"] == DATE
    page = to_html(build([out.parent], out).graph, vocab)
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', page, re.S).group(1))
    evidence = [e for d in data["details"].values() for e in d["evidence"]]
    assert any(e.get("url") == URL + "?g1" and "g.warc.gz#url-" in e["source"] for e in evidence)
    assert not any("url" in e for e in evidence if e["source"].endswith("a.txt）"))


def test_records_are_extracted_again_only_when_they_change(tmp_path):
    rows = [samples.row("e1", **samples.variant("嘎玛")), samples.row("e2", **samples.variant("江村"))]
    path = samples.write_jsonl(tmp_path / "e.jsonl", rows)
    assert build([path], tmp_path / "out").report["extracted"] == ["e_e1", "e_e2"]
    assert build([path], tmp_path / "out").report["extracted"] == []
    rows[1]["title"] = "江村乡网格化管理见成效"
    samples.write_jsonl(path, rows)
    assert build([path], tmp_path / "out").report["extracted"] == ["e_e2"]


def test_cli_field_options(tmp_path):
    rows = [{"编号": "n7", "标题": "嘎玛乡召开网格员会议", "正文": "嘎玛乡党委召开网格员会议，部署矛盾纠纷排查工作。", "网址": URL}]
    path = samples.write_jsonl(tmp_path / "x.jsonl", rows)
    result = CliRunner().invoke(cli, ["build", str(path), "-o", str(tmp_path / "out"), "--text-field", "正文",
                                      "--title-field", "标题", "--id-field", "编号", "--url-field", "网址"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["documents"] == ["x_n7"]
    assert URL in (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    missing = list(find_sources([path]))
    assert [str(e) for e in missing] == [f"{path}: no text field (looked for text, content, body; the first record has: "
                                         "编号, 标题, 正文, 网址); name the field that holds the text with --text-field"]
