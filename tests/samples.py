"""Inputs in every format kg reads, made on the spot from one article we wrote ourselves.

The article is in the style of Chinese local-governance news, but its sentences are our
own (not copied from a page or from the seeds). Each writer puts the same article in one
format, wrapped as that format comes in the wild: a saved page has navigation, a
breadcrumb, related links and a footer around it; the PDF is printed by Chromium with a
Noto CJK font (so its text layer has the radicals and broken lines real ones have); the
exports carry it as one record among others.
"""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
NOTO = Path("/usr/share/fonts/opentype/noto")

TITLE = "米林市羌纳乡推行网格化管理 提升基层治理水平"
DATE = "2024-03-18"
URL = "https://www.example.gov.cn/xwzx/2024/0318/c1024.html"
SITE = "米林市人民政府网"
SOURCE_LINE = "来源：林芝日报　2024年3月18日"
PARAGRAPHS = (
    "近日，林芝市米林市羌纳乡党委深入推进“党建+综治中心+网格化管理”工作，将全乡划分为12个网格，"
    "每个网格配备1名网格长和2名网格员，做到小事不出网格、大事不出乡。",
    "羌纳乡党委书记扎西次仁介绍，乡里把“双报到”与网格化管理结合起来，组织在职党员到村居报到，"
    "协助化解矛盾纠纷，帮助群众解决急事难事。",
    "今年以来，全乡共排查化解矛盾纠纷46起，办理群众急难愁盼事项130余件，群众满意度明显提高。",
    "羌纳村党支部还建立了“点单式”服务机制，群众通过网格员提出需求，党员认领办理，限时反馈。",
    "下一步，羌纳乡将继续巩固“五共五固”成果，推动基层治理体系和治理能力现代化，为建设团结富裕文明和谐美丽的社会主义现代化新西藏贡献力量。",
)


def variant(township: str) -> dict:
    """The article told of another township (``里龙`` → 里龙乡, 里龙村), as ``title`` and ``paragraphs``."""
    return {"title": TITLE.replace("羌纳", township), "paragraphs": tuple(p.replace("羌纳", township) for p in PARAGRAPHS)}


def article_text(title: str = TITLE, paragraphs: tuple[str, ...] = PARAGRAPHS) -> str:
    return "\n".join((title, SOURCE_LINE, *paragraphs)) + "\n"


def write_txt(path: Path, title: str = TITLE, paragraphs: tuple[str, ...] = PARAGRAPHS) -> Path:
    path.write_text(article_text(title, paragraphs), encoding="utf-8")
    return path


def write_md(path: Path, title: str = TITLE, paragraphs: tuple[str, ...] = PARAGRAPHS) -> Path:
    first, second, *rest = paragraphs
    body = "\n\n".join([f"# {title}", SOURCE_LINE, first.replace("网格化管理", "**网格化管理**", 1),
                        second[:30] + "\n" + second[30:], *rest, "![现场照片](photo.jpg)"])
    path.write_text(f"---\ntitle: {title}\ndate: {DATE}\n---\n\n{body}\n", encoding="utf-8")
    return path


def html_page(title: str = TITLE, paragraphs: tuple[str, ...] = PARAGRAPHS, url: str = URL, date: str = DATE) -> str:
    """A government news page as saved from a browser: the article amid the site's furniture."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    nav = "".join(f'<li><a href="/{i}/">{name}</a></li>' for i, name in enumerate(
        ("首页", "政务公开", "新闻中心", "政务服务", "互动交流", "走进米林")))
    related = "".join(f'<li><a href="/xw/{i}.html">{name}</a></li>' for i, name in enumerate(
        ("我市召开春季森林防火工作会议", "扎西岗村举办农牧民技能培训班", "市委理论学习中心组开展专题学习")))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{html.escape(title)}_{SITE}</title>
<meta property="og:site_name" content="{SITE}">
<meta property="og:title" content="{html.escape(title)}">
<meta name="PubDate" content="{date} 09:30">
<link rel="canonical" href="{url}">
</head><body>
<header><div class="logo">{SITE}</div><ul class="nav">{nav}</ul>
<form class="search"><input name="q" placeholder="请输入关键字"><button>搜索</button></form></header>
<div class="crumb">您当前的位置：<a href="/">首页</a> &gt; <a href="/xwzx/">新闻中心</a> &gt; 乡镇动态</div>
<article class="content"><h1>{html.escape(title)}</h1>
<div class="info">{SOURCE_LINE}　<span>【字体：大 中 小】</span> <a href="javascript:print()">打印本页</a></div>
{body}
</article>
<aside class="related"><h3>相关新闻</h3><ul>{related}</ul></aside>
<footer><p>主办单位：米林市人民政府办公室　版权所有：{SITE}</p>
<p>网站标识码：5426000000　藏ICP备00000000号　<a href="/lxwm/">联系我们</a> | <a href="/map/">网站地图</a></p></footer>
</body></html>
"""


def write_html(path: Path, **page) -> Path:
    path.write_text(html_page(**page), encoding="utf-8")
    return path


def write_docx(path: Path, title: str = TITLE, paragraphs: tuple[str, ...] = PARAGRAPHS) -> Path:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_paragraph(SOURCE_LINE)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(path)
    return path


def row(ident: str, title: str = TITLE, paragraphs: tuple[str, ...] = PARAGRAPHS, url: str = URL) -> dict[str, str]:
    """One export row, with the field names scrapers commonly use."""
    return {"id": ident, "title": title, "content": "\n".join((SOURCE_LINE, *paragraphs)), "published": DATE,
            "link": url, "source": SITE}


def records(count: int = 1) -> list[dict[str, str]]:
    """Export rows: the article as record ``mz-001``, with short notices after it."""
    rows = [row("mz-001")]
    for i in range(1, count):
        rows.append(row(f"mz-{i + 1:03d}", f"羌纳乡召开第{i}次网格员例会", (f"会上，{i}名网格员汇报了各自网格的矛盾纠纷排查情况。",),
                        f"{URL}?p={i}"))
    return rows


def write_jsonl(path: Path, rows: list[dict] | None = None) -> Path:
    rows = records() if rows is None else rows
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict] | None = None, encoding: str = "utf-8-sig") -> Path:
    rows = records() if rows is None else rows
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_warc(path: Path, pages: list[tuple[str, str]] | None = None) -> Path:
    """A WARC (gzipped if the name ends in .gz) of ``(url, html)`` responses, with a request
    record and a non-HTML response between them, as a crawler writes them."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = [(URL, html_page())] if pages is None else pages
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz"))
        for url, page in pages:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "www.example.gov.cn")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(page.encode("utf-8")),
                                                          http_headers=headers))
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(URL + ".png", "response", payload=io.BytesIO(b"\x89PNG"),
                                                      http_headers=image))
    return path


def pdf_page(title: str = TITLE, paragraphs: tuple[str, ...] = PARAGRAPHS) -> str:
    """The page :func:`print_pdf` prints: the article alone, in Noto Serif CJK."""
    return ("<html><head><meta charset='utf-8'><style>body{font-family:'Noto Serif CJK SC';font-size:15px}"
            "</style></head><body>" + f"<h1>{html.escape(title)}</h1><p>{SOURCE_LINE}</p>"
            + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs) + "</body></html>")


def print_pdf(path: Path, page: str | None = None) -> Path:
    """A page (default: :func:`pdf_page`) printed to PDF by Chromium (Playwright) on a narrow
    sheet, so lines break in mid-sentence as in a real policy PDF."""
    from playwright.sync_api import sync_playwright

    page = page or pdf_page()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless"])
        try:
            tab = browser.new_page()
            tab.set_content(page)
            tab.pdf(path=str(path), width="12cm", height="16cm")
        finally:
            browser.close()
    return path


def scanned_pdf(path: Path) -> Path:
    """A PDF whose page is only an image, as a scanner makes it (no text layer)."""
    from fpdf import FPDF
    from PIL import Image

    image = Image.new("L", (400, 300), 255)
    for x in range(40, 360):
        for y in (60, 100, 140):
            image.putpixel((x, y), 0)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=180)
    pdf.output(str(path))
    return path


def encrypted_pdf(path: Path, source: Path | None = None) -> Path:
    """A PDF that needs a password to open."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    if source is not None:
        for page in PdfReader(source).pages:
            writer.add_page(page)
    else:
        writer.add_blank_page(200, 200)
    writer.encrypt("secret", algorithm="RC4-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def chromium_missing() -> str | None:
    """Why a Chromium-printed PDF cannot be made here, or ``None``."""
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} not found; install it with: apt-get install chromium fonts-noto-cjk"
    if not any(NOTO.glob("*CJK*")):
        return f"no Noto CJK font in {NOTO}; install it with: apt-get install fonts-noto-cjk"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright missing; pip install -e '.[test]'"
    return None
