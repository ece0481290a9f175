"""PDF documents (``.pdf``): the text layer, read with pypdf.

A PDF printed from a Chinese page puts spaces where there are none (``来源 : …``,
``2023 年``) and breaks lines at the page's edge; :func:`unspace` removes the first, and
the cleaning chain joins broken lines as for any text (radicals that stand for ordinary
characters, ``⼭`` for ``山``, are mapped back there too). Page numbers on lines of their own
are dropped, and a heading broken over lines (larger type than the body) is joined.
A scan (no text layer) or an encrypted PDF is :class:`~kg.text.formats.Unreadable`.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from kg.errors import quiet
from kg.text.formats import Page, Unreadable

__all__ = ["read", "unspace"]

_HAN = r"\u2e80-\u2fdf\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PUNCT = r":;,.!?()\u3001\u3002\u201c\u201d\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f"
_SPACE_BETWEEN = re.compile(rf"(?<=[{_HAN}]) +(?=[\d{_PUNCT}])|(?<=[\d{_PUNCT}]) +(?=[{_HAN}])"
                            rf"|(?<=[{_PUNCT}]) +(?=\d)|(?<=\d) +(?=[{_PUNCT}])")
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*\d+\s*[-–—]|第\s*\d+\s*页(?:\s*[/,，]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+)\s*$")
_OCR_FIX = "run OCR on it first (e.g. ocrmypdf -l chi_sim in.pdf out.pdf) and build again"


def unspace(text: str) -> str:
    """Remove the spaces a PDF's layout puts between Chinese characters and digits or punctuation;
    a space between two Chinese characters (a headline's) or around Latin words stays.

    >>> unspace("来源 : 林芝日报   2023 年 5 月 12 日 ， 办理 130 余件")
    '来源:林芝日报2023年5月12日，办理130余件'
    >>> unspace("推行网格化管理 提升治理水平 LAC 分词")
    '推行网格化管理 提升治理水平 LAC 分词'
    """
    return _SPACE_BETWEEN.sub("", text)


def _sized_lines(page) -> list[tuple[str, float]]:
    """The page's lines, each with the font size most of its characters have."""
    runs: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size) -> None:
        runs.append((text, round(size * abs(tm[3] or 1) * abs(cm[3] or 1), 1)))

    text = page.extract_text(visitor_text=visit) or ""
    if "".join(t for t, _ in runs) != text:  # a pypdf that reports runs differently: no sizes
        return [(line, 0.0) for line in text.split("\n")]
    lines: list[tuple[str, float]] = []
    current, sizes = "", Counter()
    for piece, size in runs:
        for i, part in enumerate(piece.split("\n")):
            if i:
                lines.append((current, max(sizes, key=sizes.get, default=0.0)))
                current, sizes = "", Counter()
            current += part
            sizes[size] += len(part.strip())
    lines.append((current, max(sizes, key=sizes.get, default=0.0)))
    return lines


def _join_headings(lines: list[tuple[str, float]]) -> list[str]:
    """Join the lines of a heading the page's width broke: consecutive lines in the same font,
    larger than the body's (which the cleaning chain joins by its own rules)."""
    weight = Counter()
    for line, size in lines:
        weight[size] += len(line)
    body = max(weight, key=weight.get, default=0.0)
    joined: list[tuple[str, float]] = []
    for line, size in lines:
        if joined and size > body * 1.15 and joined[-1][1] == size and joined[-1][0].strip():
            joined[-1] = (joined[-1][0] + line, size)
        else:
            joined.append((line, size))
    return [line for line, _ in joined]


def _pages(reader: PdfReader) -> list[str]:
    lines = [line for page in reader.pages for line in _sized_lines(page) if not _PAGE_NUMBER.match(line[0])]
    return _join_headings(lines)


def read(data: bytes, fields: dict[str, str]) -> Page:
    """The text of every page, in order, one line per line the PDF draws."""
    with quiet("pypdf"):
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise Unreadable("PDF is encrypted with a password",
                                 "save an unencrypted copy (e.g. qpdf --decrypt --password=… in.pdf out.pdf)")
            pages = _pages(reader)
        except (FileNotDecryptedError, DependencyError):
            raise Unreadable("PDF is encrypted and cannot be opened without its password",
                             "save an unencrypted copy (e.g. qpdf --decrypt --password=… in.pdf out.pdf)") from None
        except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
            raise Unreadable(f"not a readable PDF ({type(error).__name__})",
                             "open it in a PDF viewer and save or print it as PDF again") from None
    text = unspace("\n".join(pages))
    if not text.strip():
        raise Unreadable("PDF has no text layer (a scanned image?)", _OCR_FIX)
    return Page(text)
