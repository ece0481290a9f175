"""Word documents (``.docx``): the body's paragraphs, in order, read with python-docx.

Paragraphs inside tables are read too (policy documents often lay out their text in
one). A file that is not a readable Word package is :class:`~kg.text.formats.Unreadable`.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.opc.exceptions import OpcError

from kg.text.formats import Page, Unreadable

__all__ = ["read"]


def _paragraphs(document) -> list[str]:
    texts = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):  # a table: its cells' paragraphs, row by row
            texts.extend(p.text for row in block.rows for cell in row.cells for p in cell.paragraphs)
        else:
            texts.append(block.text)
    return texts


def read(data: bytes, fields: dict[str, str]) -> Page:
    """The document's paragraphs, one per line."""
    try:
        document = docx.Document(io.BytesIO(data))
        texts = _paragraphs(document)
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise Unreadable(f"not a readable Word document ({type(error).__name__})",
                         "open it in Word or LibreOffice and save it as .docx again, or export it as .txt") from None
    text = "\n".join(t.strip() for t in texts if t.strip())
    if not text:
        raise Unreadable("Word document has no text", "check that it is the article and not a scan")
    return Page(text)
