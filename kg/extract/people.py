"""Find people: LAC's person names confirmed by context, and bylines.

LAC tags many non-names as persons (久安, 叶茂), so a ``PER`` token counts only when
the text around it says it is a person: an office or person word right before it
(书记次仁群措, 市民扎西平措, 记者 胡文), or an honorific or speech verb right after
(王君正同志, 尼玛扎西教授, 卓嘎说). Where the name model (:mod:`kg.extract.ner`) sees a longer
name over LAC's token (次仁旺|堆), the model's span is the name; a name the model finds that
no rule confirms is left to :func:`kg.extract.find.entities` (too uncertain for the graph:
idioms and slogans look like names to it). The names bylines give (reporters, ``文/王东``,
``作者系…付文科``, editors) are people too; the byline forms live in
:func:`kg.text.meta.find_credits`, and :func:`byline_name` keeps the clauses a byline's form
can catch (记者以及…, 记者让…, 记者一的) from becoming people.
"""

from __future__ import annotations

from kg.extract.lexicon import Lexicon
from kg.extract.names import begins_badly
from kg.extract.spans import Found, SpanIndex, TextView, is_han
from kg.model import person_key
from kg.text.meta import Credit, find_credits

__all__ = ["byline_name", "byline_person", "find_people", "refused_bylines"]

_AFTER = ("同志", "总书记", "书记", "教授", "院士", "老师", "先生", "女士", "说", "介绍", "表示", "告诉", "回忆", "指出", "强调", "等")
_NAME_LIKE = {"PER", "LOC", "nz", "nr"}
_TITLE_AFTER = ("同志", "教授", "总书记")
#: What may follow a name inside LAC's person token without being part of the name: an
#: honorific (吴|先生, 撒切尔|夫人) or the placeholder of a withheld given name (胡|某).
_NOT_OF_NAME = ("先生", "女士", "小姐", "夫人", "太太", "某某", "某")

def byline_name(name: str, lexicon: Lexicon) -> bool:
    """Can ``name``, caught by a byline's form, be a person's? Not when the dictionary takes its
    first word for a preposition or conjunction (以及, 在; but 于 and 向 are surnames too), nor
    when it ends in a particle (一的)."""
    first = name[0]
    if lexicon.is_function_word(name[:2]) or (lexicon.is_function_word(first) and not lexicon.is_surname(first)):
        return False
    return not lexicon.is_particle(name[-1])


def byline_person(view: TextView, credit: Credit, lexicon: Lexicon) -> bool:
    """Is the name a byline's form caught in the text a person's? :func:`byline_name`, and LAC
    does not read it as starting with a verb or function word (记者让村民…), unless that is a
    surname (付, to pay: 副教授付文科)."""
    verb_first = begins_badly(view, credit.start) and not lexicon.is_surname(credit.name[0])
    return byline_name(credit.name, lexicon) and not verb_first


def refused_bylines(view: TextView, lexicon: Lexicon) -> set[str]:
    """The names the text's bylines give that are no person's, by :func:`byline_person`: an
    article's ``Meta`` (read from the same bylines) must not make people of them either."""
    return {c.name for c in find_credits(view.text) if not byline_person(view, c, lexicon)}


def _valid(name: str) -> bool:
    """Two to six Han characters; or, for a name in parts (艾尔肯·吐尔逊), Han parts of at most six each."""
    parts = name.split("·")
    if len(parts) == 1:
        return 2 <= len(name) <= 6 and is_han(name)
    return all(1 <= len(part) <= 6 and is_han(part) for part in parts)


def _not_of_name(text: str, end: int, token_end: int, lexicon: Lexicon) -> bool:
    """Is ``text[end:token_end]``, the tail of LAC's person token past the model's name, no part
    of the name: an honorific or 某, or one character that begins a word with what follows (生在)?"""
    tail = text[end:token_end]
    return tail in _NOT_OF_NAME or len(tail) == 1 and lexicon.is_common_word(text[end : token_end + 1])


def _model_reads_person(view: TextView, start: int, end: int) -> bool:
    return any(n.kind == "PER" for n in view.model_names.overlapping(start, end))


def find_people(view: TextView, lexicon: Lexicon, taken: list[Found]) -> list[Found]:
    text = view.text
    before_words = lexicon.offices + lexicon.person_words
    found: list[Found] = []
    occupied = SpanIndex([f for f in taken if f.cls != "Person"])
    model = SpanIndex(n for n in view.model_names.by_start if n.kind == "PER")  # find_people drops from its own
    for start, end, tag in view.tokens:
        wider = [m for m in model.overlapping(start, end) if m.start <= start and end <= m.end]
        if wider and tag in _NAME_LIKE and (wider[0].start == start or not begins_badly(view, wider[0].start)):
            # 次仁旺|堆: the model sees the whole name LAC cut (but not 书记让|丁: 让 is a verb)
            start, end = wider[0].start, wider[0].end
        elif tag == "PER" and (inner := [m for m in model.overlapping(start, end)
                                         if m.start == start and _not_of_name(text, m.end, end, lexicon)]):
            end = inner[0].end  # 胡|某, 吴|先生, 方敬文|生在: LAC reads more into the name than the model
        elif tag == "PER":  # 白玛|且增 to the model, 白玛且增 to LAC: the longer reading is the name
            model.drop(m for m in model.overlapping(start, end) if start <= m.start and m.end <= end)
        name = text[start:end]
        if tag not in _NAME_LIKE or not _valid(name) or occupied.overlaps(start, end):
            continue
        before = text[max(0, start - 6) : start].rstrip()
        after = text[end : end + 3]
        cue = next((word for word in _AFTER if after.startswith(word)), "")
        # 等 closes any list (海雕、鹊鹞等), and a cue inside a longer word (葛仙米|说起) says little:
        # then the name model must read a person there too
        weak = cue == "等" or end + len(cue) not in view.ends
        cued = bool(cue) and (not weak or _model_reads_person(view, start, end))
        confirmed = before.endswith(before_words) or cued
        if tag != "PER":  # a LOC/nz token needs a personal title right after it
            confirmed = after.startswith(_TITLE_AFTER)
        if confirmed:
            found.append(Found(start, end, "Person", person_key(name), name, "context"))
    for credit in find_credits(text):
        if byline_person(view, credit, lexicon):
            found.append(Found(credit.start, credit.end, "Person", person_key(credit.name), credit.name, "byline"))
    return found
