"""Cleaning: small ``str -> str`` steps that turn a raw article into clean text.

Every step works on either script: decisions about a line are taken on its simplified
form (:func:`simplified`), but the line itself is kept as written. So the same chain
applied to a traditional article gives a cleaned *original* whose conversion
(:func:`simplified`) is the cleaned simplified text, character for character
aligned when OpenCC keeps lengths, which lets entity names keep their original script
as alternative labels.

>>> strip_pinyin_glosses("在新時(shí)代,高質(zhì)量發(fā)展")
'在新時代,高質量發展'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from importlib.resources import files

from opencc import OpenCC

__all__ = [
    "CLEANING_STEPS",
    "clean",
    "detect_script",
    "drop_boilerplate_lines",
    "drop_mojibake",
    "join_broken_lines",
    "normalize_unicode",
    "simplified",
    "strip_pinyin_glosses",
    "tidy_whitespace",
]

_T2S = OpenCC("t2s")

# A pinyin syllable written with a tone mark, as converters glue after a character.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_SYLLABLE = rf"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?[aeiouü{_TONED}]*[{_TONED}][aeiouü{_TONED}]*(?:ng|n|r)?"
_PINYIN_GLOSS = re.compile(rf"(?<=[\u3400-\u9fff])[ \t]*\(\s*(?:{_SYLLABLE})\s*\)")
_MOJIBAKE = re.compile(r"[?？\ufffd](?:\s*[?？\ufffd])+|\ufffd")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_BRACKETS = str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’"})

# Lines that are web furniture, not article text (matched on the simplified line).
_BOILERPLATE = re.compile(
    r"ICP备|公网安备|公安备案|备案号|许可证|版权所有|版权声明|版权及免责|免责声明|未经.{0,12}授权|禁止建立镜像"
    r"|转载.{0,20}注明|追究.{0,10}法律责任|凡本网注明|本网所有|不代表本网|同本网联系"
    r"|^[(（]?(?:分享到|您当前的位置|当前位置|首页|移动端|数字报系|APP下载|打印本页|关闭窗口|返回顶部"
    r"|上一篇|下一篇|责任编辑|责编|编辑[:：]|新闻热线|联系电话|联系我们|关于我们|邮政编码|制作单位|※)"
    r"|[\w.+-]+@[\w-]+\.[\w.]+|(?:^|\D)0\d{2,3}-\d{7,8}(?:\D|$)"
    r"|法律声明|隐私保护|广告服务|注册登录"
)
# Page controls inside a line (``来源:… 【字体:大 中 小】 打印本页``), removed where they stand.
_INLINE_FURNITURE = re.compile(
    r"\s*(?:【\s*字[体号]\s*[:：]?\s*[大中小](?:\s*[大中小]){1,2}\s*】|字[体号]\s*[:：]\s*[大中小](?:\s*[大中小]){1,2}"
    r"|[【\[](?:打印|关闭|收藏|打印本页|关闭窗口|返回顶部)[】\]]|打印本页|关闭窗口)"
)
_BYLINE_ONLY = re.compile(r"^[(（]?(?:本报)?(?:记者|通讯员|特约记者|实习生)[\s\u4e00-\u9fff]{2,30}?(?:摄)?[)）]?$")
_DATELINE = re.compile(r"^\d{4}(?:年\d{1,2}月\d{1,2}日|-\d{1,2}-\d{1,2})\s+(?:\d{1,2}:\d{2}(?::\d{2})?)?")
_RELATED_HEADER = re.compile(r"^(?:相关阅读|相关新闻|相关热词搜索|延伸阅读|推荐阅读|热点推荐|相关链接)")
_LINK_ITEM = re.compile(r"^[-–·•](?![-–—])")
_READ_MORE = re.compile(r"\s*\[(?:详细|詳細|全文|更多)\]\s*[-–—]?\s*$")
_HEADLINE_SPACE = re.compile(r"[\u4e00-\u9fff”] +[\u4e00-\u9fff“—]")
_SENTENCE_END = "。！？!?；;…”’」』)）"
_INNER_PUNCT = re.compile(r"[,，、：:]")
_BOUND_START = set("旁后里的地得了着过")
_LONG_LINE = 25
_FURNITURE_MAX = 200
_TRADITIONAL_SHARE = 0.02


def _radical_table() -> dict[int, str]:
    """CJK radicals → the unified ideograph each stands for (``⻘`` → ``青``), from the Unicode
    Character Database's ``EquivalentUnifiedIdeograph.txt`` (shipped beside this module).

    PDF text layers often give radicals for ordinary characters. NFKC maps the Kangxi
    radicals (U+2F00–U+2FDF) back, but not the CJK Radicals Supplement (U+2E80–U+2EFF);
    this table covers both blocks (not the CJK strokes the file also lists).
    """
    table = {}
    for line in (files("kg.text") / "EquivalentUnifiedIdeograph.txt").read_text(encoding="utf-8").splitlines():
        data = line.split("#", 1)[0].strip()
        if data:
            codes, target = (part.strip() for part in data.split(";"))
            first, _, last = codes.partition("..")
            for code in range(int(first, 16), int(last or first, 16) + 1):
                if 0x2E80 <= code <= 0x2FDF:
                    table[code] = chr(int(target, 16))
    return table


_RADICALS = _radical_table()


def simplified(text: str) -> str:
    """Convert to simplified Chinese with OpenCC (``t2s``)."""
    return _T2S.convert(text)


def normalize_unicode(text: str) -> str:
    """NFKC (full-width ASCII and spaces become half-width), LF line ends, no zero-width characters,
    CJK radicals as the characters they stand for.

    >>> normalize_unicode("２０２３年\\u3000「双报到」\\r\\n")
    '2023年 “双报到”\\n'
    >>> normalize_unicode("⻘⼭绿⽔ 第3⻚")
    '青山绿水 第3页'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH.sub("", text).translate(_RADICALS)
    return unicodedata.normalize("NFKC", text).translate(_BRACKETS)


def strip_pinyin_glosses(text: str) -> str:
    """Remove pinyin glosses a converter glued after characters; keep real parentheses."""
    return _PINYIN_GLOSS.sub("", text)


def drop_mojibake(text: str) -> str:
    """Replace runs of question marks and U+FFFD left by a failed conversion with a space."""
    return _MOJIBAKE.sub(" ", text)


def _is_boilerplate(line: str) -> bool:
    """A line of web furniture; a long line is text, whatever it mentions (an article
    scraped onto one line names its copyright holder too)."""
    simple = simplified(line.strip())
    if len(simple) > _FURNITURE_MAX:
        return False
    return bool(
        _BOILERPLATE.search(simple)
        or _BYLINE_ONLY.match(simple)
        or _DATELINE.match(simple)
        or re.fullmatch(r"[-–—·•\s]+", simple)
    )


def drop_boilerplate_lines(text: str) -> str:
    """Drop navigation, notices, registration numbers, contacts, bylines and link lists.

    A teaser paragraph that ends in ``[详细]`` is kept without the marker; bare headline
    items (``- 标题``) and everything listed under a "related reading" header are dropped;
    page controls inside a line (``【字体:大 中 小】``, ``打印本页``) are removed.

    >>> drop_boilerplate_lines("来源:林芝日报 2024年3月18日 【字体:大 中 小】 打印本页\\n打印机一台")
    '来源:林芝日报 2024年3月18日\\n打印机一台'
    """
    kept: list[str] = []
    in_related = False
    for line in (_INLINE_FURNITURE.sub("", line) for line in text.split("\n")):
        stripped = line.strip()
        simple = simplified(stripped)
        if _RELATED_HEADER.match(simple):
            in_related = True
            continue
        if in_related and stripped and not stripped.endswith(tuple("。！？")):
            continue
        in_related = False
        if stripped and _is_boilerplate(stripped):
            continue
        if _LINK_ITEM.match(stripped) and not _READ_MORE.search(stripped):
            continue
        kept.append(_READ_MORE.sub("", line))
    return "\n".join(kept)


def _unbalanced(line: str) -> bool:
    return line.count("“") > line.count("”") or line.count("(") > line.count(")")


def _continues(line: str, following: str) -> bool:
    """Is ``following`` the rest of a sentence that ``line`` broke off?

    Never for a line that ends a sentence, ends in a dash (a kicker before its
    subtitle) or is spaced like a headline.
    """
    if not line or not following or line.endswith(tuple(_SENTENCE_END) + ("—", "-", "...")):
        return False
    if _HEADLINE_SPACE.search(line) and not _unbalanced(line):
        return False
    if line.endswith("、") or following[0] in "“(—-":
        return following[0] in _BOUND_START or _unbalanced(line)
    return bool(
        _INNER_PUNCT.search(line)
        or _unbalanced(line)
        or len(line) >= _LONG_LINE
        or (following[0] in _BOUND_START and len(line) >= 12)
    )


def join_broken_lines(text: str) -> str:
    """Join a line broken in mid-sentence to its continuation; one paragraph per line.
    The first line is the title: it is joined only when it leaves a quotation open.

    >>> join_broken_lines("标题\\n村子位于县城东部,地处国道318\\n\\n旁,交通便利。")
    '标题\\n村子位于县城东部,地处国道318旁,交通便利。'
    """
    paragraphs: list[str] = []
    for line in (line.strip() for line in text.split("\n")):
        if not line:
            continue
        joins = _continues_title if len(paragraphs) == 1 else _continues
        if paragraphs and joins(paragraphs[-1], line):
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
    return "\n".join(paragraphs)


def _continues_title(title: str, following: str) -> bool:
    """The first line is the title: joined only when a quotation or bracket is left open."""
    return _unbalanced(title) and _continues(title, following)


def tidy_whitespace(text: str) -> str:
    """Collapse runs of spaces, drop spaces between Chinese characters' punctuation, strip lines.

    >>> tidy_whitespace("  “点单式”  调解  机制 ")
    '“点单式”调解 机制'
    """
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"(?<=[“”‘’,，。、:：;；!?！？()（）]) | (?=[“”‘’,，。、:：;；!?！？()（）])", "", text)
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


#: The cleaning chain, in order; each step is ``str -> str`` and script-independent.
CLEANING_STEPS: tuple[Callable[[str], str], ...] = (
    normalize_unicode,
    strip_pinyin_glosses,
    drop_mojibake,
    drop_boilerplate_lines,
    join_broken_lines,
    tidy_whitespace,
    strip_pinyin_glosses,  # again: joining lines and tidying spaces can glue a gloss to a character
)


def clean(text: str) -> str:
    """Run :data:`CLEANING_STEPS` over ``text``, keeping its script."""
    for step in CLEANING_STEPS:
        text = step(text)
    return text


def detect_script(text: str) -> str:
    """``"traditional"`` if OpenCC changes more than 2% of the Han characters, else ``"simplified"``."""
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not han:
        return "simplified"
    converted = simplified("".join(han))
    changed = sum(a != b for a, b in zip(han, converted)) + abs(len(han) - len(converted))
    return "traditional" if changed / len(han) > _TRADITIONAL_SHARE else "simplified"

