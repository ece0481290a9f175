"""Article metadata — title, outlet, date, authors, editors — read from the raw text.

Run on the normalised raw text *before* boilerplate is dropped, because bylines,
datelines and copyright headers are where these facts live.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.model import Meta
from kg.text.clean import drop_boilerplate_lines, drop_mojibake, normalize_unicode, simplified, strip_pinyin_glosses

__all__ = ["Credit", "extract_meta", "find_credits", "iso_date", "person_names"]

_NAME = r"[\u4e00-\u9fff·]{2,6}"
_DATE = re.compile(r"(\d{4})(?:年|-|/)(\d{1,2})(?:月|-|/)(\d{1,2})日?")
_DATELINE_OUTLET = re.compile(r"^\d{4}(?:年\d{1,2}月\d{1,2}日|-\d{1,2}-\d{1,2})\s+\d{1,2}:\d{2}(?::\d{2})?\s+([\u4e00-\u9fff]{2,12})$")
_SOURCE = re.compile(r"来源[:：]\s*([\u4e00-\u9fff]{2,12})")
_CREDIT = re.compile(rf"[(（]([\u4e00-\u9fff]{{2,12}}?)\s+文\s*/\s*({_NAME})[)）]")
_COPYRIGHT_HOLDER = re.compile(r"^([\u4e00-\u9fff]{2,20}?)版权所有")
_NOT_A_PERSON = re.compile(r"^本|综合|(?:报|社|网|台|站|部|局|委|办|厅|处|中心|编辑部)$")
_TITLE_MAX = 60
_HEAD_LINES = 12

# The byline forms, each with the names in group 1 (several, space-separated, for reporters).
_REPORTERS = re.compile(rf"(?:记者|通讯员)[\s:：]*((?:{_NAME}(?:\s+|(?=[)）\s]|$)))+)(?!\s*摄)")
_AUTHOR_SLASH = re.compile(rf"(?:^|(?<=[\s(（]))文\s*/\s*({_NAME})")
_AUTHOR_OF = re.compile(r"作者(?:系|为|[:：])[^)）\n]*?(?:教授|研究员|讲师|主任|书记|记者|博士|院长|所长)"
                        r"([\u4e00-\u9fff]{2,4})(?=[)）\s]|$)")
_EDITOR = re.compile(rf"(?:责任编辑|责编|编辑)\s*[:：]\s*({_NAME})")
_CREDIT_FORMS = ((_REPORTERS, "author"), (_AUTHOR_SLASH, "author"), (_AUTHOR_OF, "author"), (_EDITOR, "editor"))
#: Words glued after a name in a byline and never part of it (（记者 李明辉报道）, 王东摄); no name
#: begins with one (记者报道说 has no byline).
_REPORTING_WORDS = "报道|摄影|摄|讯|供稿|整理|编译"
_REPORTING = re.compile(rf"(?:{_REPORTING_WORDS})$")
_REPORTING_FIRST = re.compile(rf"(?:{_REPORTING_WORDS})")


@dataclass(frozen=True, slots=True)
class Credit:
    """A name a byline gives, at ``text[start:end]``; ``role`` is ``author`` or ``editor``."""

    name: str
    role: str
    start: int
    end: int


def find_credits(text: str) -> list[Credit]:
    """Every name in a byline of ``text``, in order: reporters (``记者 索朗琼珠 次仁片多``, photo
    credits excluded), ``文/王东``, ``(作者系…教授付文科)`` and ``责任编辑:李明``.

    This is the one byline parser: :func:`extract_meta` reads authors and editors with it,
    and :func:`kg.extract.people.find_people` marks the same names as people. It reads the
    byline's form only; whether what the form caught can be a name (记者以及…: a conjunction)
    is for :func:`kg.extract.people.byline_name`, which has the dictionary and LAC's tags.

    >>> [c.name for c in find_credits("本报那曲电(记者 索朗琼珠 次仁片多)近日")]
    ['索朗琼珠', '次仁片多']
    >>> [(c.name, c.role) for c in find_credits("(西藏日报 文/王东) 责任编辑:李明")]
    [('王东', 'author'), ('李明', 'editor')]
    >>> [c.name for c in find_credits("(记者 李明辉报道)")]
    ['李明辉']
    >>> [c.name for c in find_credits("一记者报道说")]
    []
    """
    credits = []
    for pattern, role in _CREDIT_FORMS:
        for match in pattern.finditer(text):
            for name in re.finditer(r"\S+", match.group(1)):
                cut = _REPORTING.sub("", name.group(0))
                kept = cut if len(cut) >= 2 else name.group(0)
                if _REPORTING_FIRST.match(name.group(0)):
                    continue
                start = match.start(1) + name.start()
                credits.append(Credit(kept, role, start, start + len(kept)))
    return sorted(credits, key=lambda c: (c.start, c.end))


def iso_date(text: str | None) -> str | None:
    """The first calendar date in ``text`` as ISO 8601, or ``None``.

    >>> iso_date("2023年5月2日 10:30"), iso_date("2023-05-12T08:00:00+08:00"), iso_date("2023/13/01")
    ('2023-05-02', '2023-05-12', None)
    """
    match = _DATE.search(text or "")
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def person_names(text: str | None) -> tuple[str, ...]:
    """The names in an author field (``"记者 索朗琼珠; 次仁"``) that look like a person's, as bylines do.

    >>> person_names("记者 索朗琼珠; 次仁"), person_names("本网综合"), person_names("林芝日报")
    (('索朗琼珠', '次仁'), (), ())
    """
    words = re.split(r"[\s;；,，、/]+", re.sub(r"(?:本报|特约)?(?:记者|通讯员|作者|文)[:：]?", " ", text or ""))
    return tuple(dict.fromkeys(w for w in words if re.fullmatch(_NAME, w) and not _NOT_A_PERSON.search(w)))


def _lines(raw: str) -> list[str]:
    text = drop_mojibake(strip_pinyin_glosses(normalize_unicode(raw)))
    return [simplified(line.strip()) for line in text.split("\n") if line.strip()]


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
        if _DATE.search(line) and (_DATELINE_OUTLET.match(line) or "来源" in line or len(line) <= 40):
            if date := iso_date(line):
                return date
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
        for credit in find_credits(line):
            names = authors if credit.role == "author" else editors
            if credit.name not in names:
                names.append(credit.name)
    return Meta(
        title=_title(lines),
        outlet=_outlet(lines),
        date=_date(lines),
        authors=tuple(authors),
        editors=tuple(editors),
    )
