"""Article metadata — title, outlet, date, authors, editors — read from the raw text.

Run on the normalised raw text *before* boilerplate is dropped, because bylines,
datelines and copyright headers are where these facts live.
"""

from __future__ import annotations

import re

from kg.text.clean import drop_boilerplate_lines, drop_mojibake, normalize_unicode, simplified, strip_pinyin_glosses
from kg.model import Meta

__all__ = ["extract_meta", "find_bylines"]

_NAME = r"[\u4e00-\u9fff·]{2,6}"
_DATE = re.compile(r"(\d{4})(?:年|-|/)(\d{1,2})(?:月|-|/)(\d{1,2})日?")
_DATELINE_OUTLET = re.compile(r"^\d{4}(?:年\d{1,2}月\d{1,2}日|-\d{1,2}-\d{1,2})\s+\d{1,2}:\d{2}(?::\d{2})?\s+([\u4e00-\u9fff]{2,12})$")
_SOURCE = re.compile(r"来源[:：]\s*([\u4e00-\u9fff]{2,12})")
_CREDIT = re.compile(rf"[(（]([\u4e00-\u9fff]{{2,12}}?)\s+文\s*/\s*({_NAME})[)）]")
_AUTHOR_SLASH = re.compile(rf"(?:^|\s|[(（])文\s*/\s*({_NAME})")
_REPORTERS = re.compile(rf"(?:记者|通讯员)[\s:：]*((?:{_NAME}(?:\s+|(?=[)）\s]|$)))+)(?!\s*摄)")
_AUTHOR_OF = re.compile(r"[(（]作者(?:系|为|[:：])[^)）]*?(?:教授|研究员|讲师|主任|书记|记者|博士|院长|所长)([\u4e00-\u9fff]{2,4})[)）]")
_EDITOR = re.compile(rf"(?:责任编辑|责编|编辑)\s*[:：]\s*({_NAME})")
_COPYRIGHT_HOLDER = re.compile(r"^([\u4e00-\u9fff]{2,20}?)版权所有")
_TITLE_MAX = 60
_HEAD_LINES = 12


def _lines(raw: str) -> list[str]:
    text = drop_mojibake(strip_pinyin_glosses(normalize_unicode(raw)))
    return [simplified(line.strip()) for line in text.split("\n") if line.strip()]


def find_bylines(text: str) -> list[str]:
    """Names of reporters in byline form (``记者 索朗琼珠 次仁片多``), in order, photo credits excluded.

    >>> find_bylines("本报那曲电(记者 索朗琼珠 次仁片多)近日")
    ['索朗琼珠', '次仁片多']
    """
    names: list[str] = []
    for match in _REPORTERS.finditer(text):
        names.extend(n for n in match.group(1).split() if n not in names)
    return names


def _title(lines: list[str]) -> str | None:
    for line in lines[:_HEAD_LINES]:
        if not drop_boilerplate_lines(line).strip():
            continue
        if len(line) <= _TITLE_MAX and not line.endswith(("。", "！", "？", "!", "?")):
            return line
        return None
    return None


def _date(lines: list[str]) -> str | None:
    for line in lines[:_HEAD_LINES] + lines[-_HEAD_LINES:]:
        match = _DATE.search(line)
        if match and (_DATELINE_OUTLET.match(line) or "来源" in line or len(line) <= 40):
            year, month, day = (int(g) for g in match.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _outlet(lines: list[str]) -> str | None:
    for line in lines:
        if (match := _DATELINE_OUTLET.match(line)) or (
            len(line) <= 80 and _DATE.search(line) and (match := _SOURCE.search(line))
        ):
            return match.group(1)
    for line in lines:
        if match := _CREDIT.search(line):
            return match.group(1)
    for line in lines[:_HEAD_LINES]:
        if match := _COPYRIGHT_HOLDER.match(line):
            return match.group(1)
    return None


def extract_meta(raw: str) -> Meta:
    """Read title, outlet, ISO date, authors and editors from a raw article."""
    lines = _lines(raw)
    authors: list[str] = []
    editors: list[str] = []
    for line in lines:
        found = find_bylines(line) + [m.group(1) for m in _AUTHOR_SLASH.finditer(line)]
        found += [m.group(1) for m in _AUTHOR_OF.finditer(line)]
        authors.extend(name for name in found if name not in authors)
        editors.extend(m.group(1) for m in _EDITOR.finditer(line) if m.group(1) not in editors)
    return Meta(
        title=_title(lines),
        outlet=_outlet(lines),
        date=_date(lines),
        authors=tuple(authors),
        editors=tuple(editors),
    )
