"""One input file → one cleaned :class:`~kg.model.Article`, with its content-keyed id.

The text stage in one call: :func:`kg.text.read.read_raw` decodes the bytes,
:func:`kg.text.clean.clean` removes what is not article text (in the input's own script),
:func:`kg.text.meta.extract_meta` reads title, outlet, date and bylines from the raw text,
and OpenCC gives the simplified text every later stage reads.
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.errors import InputError
from kg.model import Article
from kg.text.clean import clean, detect_script, simplified
from kg.text.meta import extract_meta
from kg.text.read import read_raw

__all__ = ["clean_article", "doc_id_for"]

_NOT_ID = re.compile(r"[^\w.-]+")


def doc_id_for(path: Path | str) -> str:
    """The article's id: its file name without extension, letters (any script), digits, ``_.-``.

    >>> doc_id_for(Path("news/林芝 新闻.txt"))
    '林芝-新闻'
    """
    return _NOT_ID.sub("-", Path(path).stem).strip("-.") or "document"


def clean_article(path: Path) -> Article:
    """Read and clean one file into an :class:`Article`."""
    raw = read_raw(path)
    original = clean(raw.text)
    text = simplified(original)
    if not text.strip():
        raise InputError(path, "no article text left after removing boilerplate", "check that it is a news article")
    script = detect_script(raw.text)
    aligned = original if script == "traditional" and len(original) == len(text) and original != text else None
    return Article(doc_id_for(path), path.name, text, extract_meta(raw.text), raw.sha256, raw.encoding, script, aligned)
