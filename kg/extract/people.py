"""Find people: LAC's person names confirmed by context, and bylines.

LAC tags many non-names as persons (久安, 叶茂), so a ``PER`` token counts only when
the text around it says it is a person: an office or person word right before it
(书记次仁群措, 市民扎西平措, 记者 胡文), or an honorific or speech verb right after
(王君正同志, 尼玛扎西教授, 卓嘎说). Reporters in bylines (``记者 索朗琼珠 次仁片多``),
``文/王东`` and ``作者系…付文科`` are people too.
"""

from __future__ import annotations

import re

from kg.extract.lexicon import Lexicon
from kg.text.meta import find_bylines
from kg.extract.spans import Found, TextView, is_han

__all__ = ["find_people", "person_key"]

_AFTER = ("同志", "总书记", "书记", "教授", "院士", "说", "介绍", "表示", "告诉", "回忆", "指出", "强调", "等")
_NAME_LIKE = {"PER", "LOC", "nz", "nr"}
_TITLE_AFTER = ("同志", "教授", "总书记")
_BYLINE = re.compile(r"(?:记者|通讯员)[\s:：]*")
_AUTHOR = re.compile(r"(?:文\s*/\s*|作者系[^)）]*?(?:教授|研究员|讲师|主任|记者|博士))([\u4e00-\u9fff]{2,4})(?=[)）\s]|$)")
_EDITOR = re.compile(r"(?:责任编辑|责编)\s*[:：]\s*([\u4e00-\u9fff]{2,6})")


def person_key(name: str) -> str:
    return "Person:" + name


def _valid(name: str) -> bool:
    return 2 <= len(name) <= 6 and is_han(name.replace("·", ""))


def find_people(view: TextView, lexicon: Lexicon, taken: list[Found]) -> list[Found]:
    text = view.text
    before_words = lexicon.offices + lexicon.person_words
    found: list[Found] = []
    occupied = [(f.start, f.end) for f in taken if f.cls != "Person"]
    for start, end, tag in view.tokens:
        name = text[start:end]
        if tag not in _NAME_LIKE or not _valid(name) or any(a < end and start < b for a, b in occupied):
            continue
        before = text[max(0, start - 6) : start].rstrip()
        after = text[end : end + 3]
        confirmed = before.endswith(before_words) or after.startswith(_AFTER)
        if tag != "PER":  # a LOC/nz token needs a personal title right after it
            confirmed = after.startswith(_TITLE_AFTER)
        if confirmed:
            found.append(Found(start, end, "Person", person_key(name), name, "context"))
    for match in _BYLINE.finditer(text):
        pos = match.end()
        for name in find_bylines(text[match.start() : match.start() + 40]):
            at = text.find(name, pos)
            if at >= 0:
                found.append(Found(at, at + len(name), "Person", person_key(name), name, "byline"))
                pos = at + len(name)
    for pattern in (_AUTHOR, _EDITOR):
        for match in pattern.finditer(text):
            found.append(Found(match.start(1), match.end(1), "Person", person_key(match.group(1)), match.group(1), "byline"))
    return found
