"""Find programmes, policies, models and slogans.

A phrase in Chinese quotation marks is a programme when it is

1. *numbered* — it opens with a Chinese numeral (五共五固, 双报到, 三会一课, 两个确立, 十四五);
2. a *plus-model* — it joins parts with ``+`` (党建+综治中心+网格化管理);
3. *named as one* — it ends in a programme word (枫桥经验, 千万工程), or the words right
   after the closing quotation mark are one, possibly after a list of quoted items
   (“双报到”工作, “红黑榜”和“积分超市”等做法, “点单式”调解模式);
4. *adopted* — it directly follows a verb of adoption (推广“金穗惠民通”).

Unquoted, a phrase is a programme when a verb of adoption is right before it and it ends
in a strategy's or project's head word (大力实施人才强区战略, 推进高标准农田建设工程), made
of whole words none of which is a function word.

Figures of speech in quotation marks (“有面”, “主心骨”, “城市病”) meet none of these.
Phrases with 、 (a list quoted as one), those starting with a digit (“5万+”) and those with a
sentence's end in them (quoted speech: “一定要让孩子继续念书。”) are skipped.
National programmes in ``kg/extract/lexicons/programmes.tsv`` are found unquoted too.
"""

from __future__ import annotations

import re

from kg.extract.lexicon import Lexicon
from kg.extract.names import FUNCTION_TAGS
from kg.extract.spans import Found, SpanIndex, TextView
from kg.model import programme_key

__all__ = ["find_programmes", "is_programme"]

_QUOTED = re.compile(r"“([^“”\n]{2,24})”")
_NUMBERED = re.compile(r"^[一二三四五六七八九十两双百千万]")
_HEADS = (
    "工作机制", "工作法", "工作", "活动", "行动", "工程", "做法", "模式", "机制", "制度", "计划", "战略",
    "经验", "理念", "组合拳", "试点", "总要求", "措施", "方案", "品牌", "结对共建", "精神",
)
_HEAD_AFTER = re.compile(r"^(?:的|等)?[^\W\d_]{0,6}?(?:" + "|".join(_HEADS) + ")")
_VERB_AFTER = ("参加", "参与", "开展", "举办", "组织", "获得", "作为", "成为", "加入", "进入", "结合")
_LIST_GLUE = re.compile(r"^(?:“[^“”\n]{1,24}”|[、和与及])*")
_ADOPTION_VERBS = ("推广", "实施", "推行", "开展", "落实", "打造", "创建", "运用")
_NOT_PROGRAMME_END = ("委", "党委", "工委", "支部")
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_UNQUOTED = re.compile(r"(?:" + "|".join(_ADOPTION_VERBS) + r")([\u4e00-\u9fff]{2,10}?(?:战略|工程|专项行动))")


def is_programme(phrase: str, before: str, after: str) -> str | None:
    """The rule that makes ``phrase`` (quoted, with text ``before`` and ``after``) a programme, or None.

    >>> is_programme("五共五固", "持续深化", "结对共建。")
    'numbered'
    >>> is_programme("有面", "不光要", ",还需")
    >>> is_programme("一定要让孩子继续念书。", "叮嘱：", "")
    """
    if "、" in phrase or phrase[0].isdigit() or phrase.endswith(_NOT_PROGRAMME_END) or _SENTENCE_END.search(phrase):
        return None
    if _NUMBERED.match(phrase):
        return "numbered"
    if "+" in phrase:
        return "plus-model"
    if phrase.endswith(_HEADS):
        return "named"
    rest = after[_LIST_GLUE.match(after).end() :]
    if _HEAD_AFTER.match(rest) and not rest.startswith(_VERB_AFTER):
        return "head-noun"
    if before.endswith(_ADOPTION_VERBS):
        return "adopted"
    return None


def _unquoted(view: TextView, lexicon: Lexicon, quoted: SpanIndex) -> list[Found]:
    found = []
    for match in _UNQUOTED.finditer(view.text):
        start, end = match.span(1)
        words = view.tokens_between(start, end)
        if (start not in view.starts or end not in view.ends or quoted.overlaps(start, end)
                or any(tag in FUNCTION_TAGS for _, _, tag in words)):
            continue
        name = lexicon.programmes.get(match.group(1), match.group(1))
        found.append(Found(start, end, "Programme", programme_key(name), name, "adopted-unquoted"))
    return found


def find_programmes(view: TextView, lexicon: Lexicon) -> list[Found]:
    text = view.text
    found: list[Found] = []
    for match in _QUOTED.finditer(text):
        phrase = match.group(1).strip()
        rule = is_programme(phrase, text[max(0, match.start() - 4) : match.start()], text[match.end() : match.end() + 40])
        if rule:
            name = lexicon.programmes.get(phrase, phrase)
            found.append(Found(match.start(1), match.end(1), "Programme", programme_key(name), name, rule))
    found += _unquoted(view, lexicon, SpanIndex(found))
    quoted = SpanIndex(found)
    for start, end, surface in view.find_entries(lexicon.programmes):
        if not quoted.overlaps(start, start + 1):
            name = lexicon.programmes[surface]
            found.append(Found(start, end, "Programme", programme_key(name), name, "lexicon"))
    return found
