"""The readers, one format at a time: what each takes from its input and what it leaves out.

Every input is made here from our own sample article (tests/samples.py); nothing runs the
NLP pipeline, so these are quick. Builds over these inputs are in tests/test_inputs.py.
"""

from __future__ import annotations

import hashlib
import pickle
import tracemalloc
import unicodedata
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.text.article import clean_article, read_article
from kg.text.clean import normalize_unicode
from kg.text.formats import FORMATS, SourceOptions, format_of
from kg.text.sources import Source, file_source, find_sources
from tests import samples
from tests.samples import DATE, PARAGRAPHS, SITE, TITLE, URL


def _sources(*paths, options=None):
    items = list(find_sources(paths, options))
    return [i for i in items if isinstance(i, Source)], [str(i) for i in items if isinstance(i, InputError)]


def test_html_main_text_without_the_sites_furniture(tmp_path):
    article = clean_article(samples.write_html(tmp_path / "page.html"))
    assert article.text.splitlines()[0] == TITLE
    assert all(unicodedata.normalize("NFKC", p)[:20] in article.text for p in PARAGRAPHS)
    for furniture in ("政务公开", "请输入关键字", "您当前的位置", "森林防火", "网站标识码", "ICP备", "网站地图", "字体", "打印本页"):
        assert furniture not in article.text
    meta = article.meta
    assert (meta.title, meta.date, meta.url, meta.site, meta.outlet) == (TITLE, DATE, URL, SITE, "林芝日报")
    assert article.format == "text/html" and article.record is None and article.doc_id == "page"


def test_html_in_another_encoding_is_decoded_as_declared(tmp_path):
    page = samples.html_page().replace('charset="utf-8"', 'charset="gb2312"')
    (tmp_path / "gbk.htm").write_bytes(page.encode("gb18030"))
    article = clean_article(tmp_path / "gbk.htm")
    assert article.encoding == "gb18030" and article.meta.title == TITLE


@pytest.mark.parametrize("name, data, expected", [
    ("notice.html", b"%PDF-1.7\n%...", "pdf"),
    ("notice.html", "林芝市召开会议。".encode(), "txt"),
    ("notice.txt", b"<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
    ("report.pdf", b"<html><head><title>404</title></head></html>", "html"),
    ("crawl.warc.gz", b"\x1f\x8b\x08\x00", "warc"),
    ("policy.doc.docx", b"PK\x03\x04word/document.xml", "docx"),
    ("notes.markdown", "# 标题".encode(), "md"),
    ("export.ndjson", b'{"id": 1}', "jsonl"),
    ("README", "林芝".encode(), "txt"),
])
def test_format_comes_from_the_content_where_the_name_lies(name, data, expected):
    assert format_of(Path(name), data) == expected


def test_html_that_is_plain_text_is_read_as_text(tmp_path):
    path = tmp_path / "saved.html"
    path.write_text(samples.article_text(), encoding="utf-8")
    assert file_source(path).format == "txt" and clean_article(path).meta.title == TITLE


def test_markdown_loses_its_markup(tmp_path):
    article = clean_article(samples.write_md(tmp_path / "a.md"))
    assert article.meta.title == TITLE and article.meta.date == DATE
    assert not any(mark in article.text for mark in ("#", "**", "![", "photo.jpg", "---"))
    assert clean_article(samples.write_txt(tmp_path / "a.txt")).text == article.text


def test_docx_paragraphs(tmp_path):
    article = clean_article(samples.write_docx(tmp_path / "a.docx"))
    assert article.text == clean_article(samples.write_txt(tmp_path / "a.txt")).text
    assert article.format.endswith("wordprocessingml.document")


def test_radicals_from_pdf_text_layers_become_ordinary_characters():
    assert normalize_unicode("⻘⼭绿⽔，⽇报第3⻚，⻅⻢") == "青山绿水,日报第3页,见马"
    # the table is Unicode's: each radical that has an equivalent ideograph becomes that ideograph
    radicals = [chr(c) for c in range(0x2E80, 0x2FE0) if unicodedata.name(chr(c), "")]
    mapped = [(r, normalize_unicode(r)) for r in radicals]
    unified = [m for r, m in mapped if m != r]
    blocks = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0x20000, 0x323AF))  # CJK Unified Ideographs and extensions
    assert len(unified) > 300 and all(any(a <= ord(m) <= b for a, b in blocks) for m in unified)


def test_jsonl_one_article_per_line_with_default_fields(tmp_path):
    rows = samples.records(3)
    sources, errors = _sources(samples.write_jsonl(tmp_path / "export.jsonl", rows))
    assert errors == [] and [s.record for s in sources] == ["mz-001", "mz-002", "mz-003"]
    assert [s.doc_id for s in sources] == ["export_mz-001", "export_mz-002", "export_mz-003"]
    article = read_article(sources[0])
    assert (article.meta.title, article.meta.date, article.meta.url, article.meta.site) == (TITLE, DATE, URL, SITE)
    assert article.record == "mz-001" and article.source_file == "export.jsonl"


def test_records_without_id_are_named_by_their_url_then_their_text(tmp_path):
    rows = [{"content": "羌纳乡召开会议。", "url": URL}, {"content": "羌纳乡召开会议。"}]
    first, second = _sources(samples.write_jsonl(tmp_path / "a.jsonl", rows))[0]
    assert first.record == "url-" + hashlib.sha256(URL.encode()).hexdigest()[:12]
    assert second.record.startswith("text-")
    again = _sources(samples.write_jsonl(tmp_path / "a.jsonl", rows[::-1]))[0]
    assert {s.doc_id for s in again} == {first.doc_id, second.doc_id}  # moving rows keeps their ids


def test_field_options_name_the_columns(tmp_path):
    rows = [{"编号": "7", "标题": "羌纳乡召开网格员会议", "正文": "会上部署了矛盾纠纷排查工作。", "发布时间": "2024年3月2日",
             "网址": URL}]
    options = SourceOptions(text_field=("正文",), title_field=("标题",), date_field=("发布时间",), url_field=("网址",),
                            id_field=("编号",))
    (source,), errors = _sources(samples.write_csv(tmp_path / "x.csv", rows), options=options)
    article = read_article(source)
    assert errors == [] and source.doc_id == "x_7"
    assert (article.meta.title, article.meta.date, article.meta.url) == ("羌纳乡召开网格员会议", "2024-03-02", URL)


def test_csv_from_excel_in_gb18030(tmp_path):
    sources, errors = _sources(samples.write_csv(tmp_path / "excel.csv", samples.records(2), encoding="gb18030"))
    article = read_article(sources[0])
    assert errors == [] and (article.meta.title, article.encoding) == (TITLE, "gb18030")


def test_warc_html_responses_only(tmp_path):
    pages = [(URL, samples.html_page()), (URL + "?2", samples.html_page(title="羌纳乡开展网格员培训"))]
    for name in ("crawl.warc", "crawl.warc.gz"):
        sources, errors = _sources(samples.write_warc(tmp_path / name, pages))
        assert errors == [] and len(sources) == 2  # the request and image records are not articles
        article = read_article(sources[0])
        assert (article.meta.url, article.meta.date, article.meta.title) == (URL, DATE, TITLE)
        assert sources[0].doc_id == "crawl_" + sources[0].record and sources[0].record.startswith("url-")
        assert dict(sources[1].fields)["url"] == URL + "?2"


def test_sources_are_small_picklable_and_keyed_by_content(tmp_path):
    path = samples.write_txt(tmp_path / "a.txt")
    source = file_source(path)
    assert pickle.loads(pickle.dumps(source)) == source
    assert source.digest == hashlib.sha256(path.read_bytes()).hexdigest() == clean_article(path).sha256
    record = _sources(samples.write_jsonl(tmp_path / "e.jsonl"))[0][0]
    assert pickle.loads(pickle.dumps(record)).digest == record.digest == read_article(record).sha256
    error = InputError(path, "bad", "fix", record="r", format="pdf")
    assert str(pickle.loads(pickle.dumps(error))) == str(error) == f"{path}#r: bad; fix"


def test_sources_come_in_file_then_record_order(tmp_path):
    samples.write_jsonl(tmp_path / "b.jsonl", samples.records(3))
    samples.write_txt(tmp_path / "c.txt")
    (tmp_path / "sub").mkdir()
    samples.write_html(tmp_path / "sub" / "a.html")
    (tmp_path / ".hidden").mkdir()
    samples.write_txt(tmp_path / ".hidden" / "x.txt")
    sources, _ = _sources(tmp_path)
    assert [s.name.removeprefix(str(tmp_path) + "/") for s in sources] == [
        "b.jsonl#mz-001", "b.jsonl#mz-002", "b.jsonl#mz-003", "c.txt", "sub/a.html"]


def _peak(path: Path) -> int:
    tracemalloc.start()
    try:
        for _ in find_sources([path]):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_find_sources_streams_a_warc(tmp_path):
    def archive(count):
        pages = [(f"{URL}?p={i}", samples.html_page(title=f"羌纳乡第{i}次网格员例会")) for i in range(count)]
        return samples.write_warc(tmp_path / f"{count}.warc.gz", pages)

    small, large = _peak(archive(20)), _peak(archive(200))
    assert large < 2 * small, (small, large)


def test_every_format_has_a_reader():
    from kg.text.formats import reader

    for name in FORMATS:
        module = reader(name)
        assert callable(module.read) and hasattr(module, "records") == FORMATS[name].container
