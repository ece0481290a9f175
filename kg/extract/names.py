"""What a name may look like: the suffixes that type it, and the words it cannot begin or end with.

These tables hold across China, not for one corpus:

* :data:`LEVEL_WORDS`: the level word a place name ends in (村, 社区, 镇, 县, 市…) → its level;
* :data:`ORG_SUFFIXES`: the suffix an organisation's name ends in → its ontology class;
* :data:`FUNCTION_TAGS`: LAC's tags of words that never begin a name (prepositions, verbs,
  adverbs, conjunctions, particles): 把以社区 and 在雅江村 are not names.

(What may follow a name in a byline is the byline parser's: :func:`kg.text.meta.find_credits`.)
"""

from __future__ import annotations

import re

from kg.extract.lexicon import Lexicon
from kg.extract.spans import TextView

__all__ = ["FULL_SUFFIXES", "FULL_SUFFIX_LEVELS", "FUNCTION_TAGS", "LEVEL_WORDS", "NAME_TAGS", "ORG_SUFFIXES", "begins_badly", "made_of_names",
           "suffix_class"]

#: A level word (the end of a name, or a bare reference) → the place level it names.
LEVEL_WORDS = {
    "村": "village", "社区": "village", "嘎查": "village", "街道": "township", "乡": "township", "镇": "township",
    "苏木": "township",
    "县": "county", "区": "county", "市": "prefecture", "州": "prefecture",
}

# fmt: off
#: Suffix → ontology class, longest suffixes first when matching.
ORG_SUFFIXES: dict[str, str] = {
    "党工委": "PartyOrganization", "党总支": "PartyOrganization", "党支部": "PartyOrganization",
    "党小组": "PartyOrganization", "党委": "PartyOrganization", "党组": "PartyOrganization",
    "纪委": "PartyOrganization", "组织部": "PartyOrganization", "宣传部": "PartyOrganization",
    "统战部": "PartyOrganization", "政法委": "PartyOrganization", "领导小组": "PartyOrganization",
    "指导组": "PartyOrganization", "教研部": "PartyOrganization", "政治局": "PartyOrganization",
    "人民政府": "GovernmentBody", "政府": "GovernmentBody", "人民法院": "GovernmentBody",
    "人民检察院": "GovernmentBody", "派出所": "GovernmentBody", "司法所": "GovernmentBody",
    "公安局": "GovernmentBody", "村委会": "GovernmentBody", "居委会": "GovernmentBody",
    "委员会": "GovernmentBody", "管委会": "GovernmentBody", "办事处": "GovernmentBody",
    "有限责任公司": "Enterprise", "有限公司": "Enterprise", "公司": "Enterprise", "集团": "Enterprise",
    "合作社": "Cooperative", "合作联社": "Cooperative", "联合社": "Cooperative",
    "研究院": "ResearchInstitute", "研究所": "ResearchInstitute", "研究中心": "ResearchInstitute",
    "科学院": "ResearchInstitute", "农科院": "ResearchInstitute", "社科院": "ResearchInstitute",
    "协会": "SocialOrganization", "学会": "SocialOrganization", "研究会": "SocialOrganization",
    "基金会": "SocialOrganization", "联合会": "SocialOrganization", "促进会": "SocialOrganization",
    "商会": "SocialOrganization",
    "大学": "School", "学院": "School", "中学": "School", "小学": "School", "党校": "School",
    "分校": "School", "幼儿园": "School",
    "新闻网": "MediaOutlet", "日报": "MediaOutlet", "时报": "MediaOutlet", "晚报": "MediaOutlet",
    "融媒体中心": "MediaOutlet", "电视台": "MediaOutlet", "报社": "MediaOutlet", "网": "MediaOutlet",
    "支队": "MilitaryUnit", "总队": "MilitaryUnit", "军分区": "MilitaryUnit",
}
# fmt: on
#: Short suffixes → the full name of the same body, for the graded divisions (province,
#: prefecture, county, township) whose government the constitution names 人民政府: 米林县政府 is
#: 米林县人民政府, as 米林县县长 is that government's head.
FULL_SUFFIXES: dict[str, str] = {"政府": "人民政府"}
FULL_SUFFIX_LEVELS = frozenset({"province", "prefecture", "county", "township"})
_SUFFIX_END = re.compile("(?:" + "|".join(sorted(ORG_SUFFIXES, key=len, reverse=True)) + ")$")

#: LAC tags of words that can be (part of) a name.
NAME_TAGS = frozenset({"LOC", "ORG", "PER", "nz", "nr", "ns", "nt", "nw", "j"})
#: LAC tags of words that never begin a name: prepositions, verbs, adverbs, conjunctions,
#: particles and other function words. (Not pronouns: LAC reads 那兴塘社区 as one, after 那.)
FUNCTION_TAGS = frozenset({"p", "v", "vd", "d", "ad", "c", "u", "xc"})
#: LAC tags of words that are never part of a name: verbs, adjectives, adverbs and the like (宜居, 强).
NOT_NAME_TAGS = FUNCTION_TAGS | {"vn", "a", "an", "m", "q", "f", "r", "w"}


def suffix_class(name: str) -> str | None:
    """The class a name's typed suffix gives it (``雅江村党支部`` → PartyOrganization), if it has one.

    >>> suffix_class("雅江村青稞种植专业合作社"), suffix_class("雅江村")
    ('Cooperative', None)
    """
    match = _SUFFIX_END.search(name)
    return ORG_SUFFIXES[match.group(0)] if match else None


def org_class(name: str) -> str:
    """The class a name's own suffix gives it (``林芝市委`` → PartyOrganization)."""
    return suffix_class(name) or ("PartyOrganization" if name.endswith("委") else "Organization")


def begins_badly(view: TextView, start: int) -> bool:
    """Does a candidate name at ``start`` begin with a word LAC tags as a function word or verb?

    Only a word that *begins* at ``start`` counts: a name LAC reads as one token (新建村 as
    a place) is judged by that token's own tag.
    """
    token = view.token_at(start)
    return token is not None and token[0] == start and token[2] in FUNCTION_TAGS


def made_of_names(view: TextView, lexicon: Lexicon, start: int, end: int) -> bool:
    """Is ``text[start:end]`` whole tokens, each a name to LAC or a word the dictionary lacks
    and LAC does not take for a verb or adjective? What the name model alone proposes must
    be (美丽乡村 and 固本强基 are not names)."""
    if start not in view.starts or end not in view.ends or lexicon.is_common_word(view.text[start:end]):
        return False
    return all(tag in NAME_TAGS or (tag not in NOT_NAME_TAGS and not lexicon.is_common_word(view.text[s:e]))
               for s, e, tag in view.tokens_between(start, end))
