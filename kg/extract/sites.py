"""Roads and sites: places no gazetteer lists, found by their form.

* *Roads*: 国道318, 省道306.
* *Sites*: a LAC place token ending in 江, 谷, 湖, 公园… (巴松措湖), joined to a place token
  right before it (易贡 | 桃花谷谷口 → 易贡桃花谷), less a locative tail (谷口, 江段, 沿岸). A site
  must cut no name the model reads (桂林 | 多山 is no site), and a generic opening (国家湿地公园)
  makes none.
"""

from __future__ import annotations

import re

from kg.extract.spans import Found, SpanIndex, TextView
from kg.model import place_key

__all__ = ["SITE_GENERIC_START", "find_sites"]

_SITE_SUFFIX = ("湿地公园", "公园", "景区", "江", "河", "湖", "谷", "山", "峰", "寺", "湿地", "大厦", "机场")
# A locative after a site's name: X谷(谷)口 is the valley mouth of X谷, X江段 a stretch of X江.
_LOCATIVE_TAIL = re.compile(r"(?<=[谷江河湖])(?:[谷江河湖](?=口$))?口$|(?<=[江河])段$|(?:沿线|上游|下游|沿岸|两岸|流域)$")
_ROAD = re.compile(r"(国道|省道|县道)\s?(\d{2,4})")
#: Openings that make a generic place, not a name (国家湿地公园, 世界最大).
SITE_GENERIC_START = ("国家", "世界", "全国", "城市")


def find_sites(view: TextView, taken: SpanIndex) -> list[Found]:
    """Every road and site in ``view`` whose first character no place in ``taken`` holds."""
    found: list[Found] = []
    for match in _ROAD.finditer(view.text):
        name = match.group(1) + match.group(2)
        found.append(Found(match.start(), match.end(), "Place", place_key([name]), name, "road", level="site"))
    for i, (start, end, tag) in enumerate(view.tokens):
        if tag != "LOC" or taken.overlaps(start, start + 1):
            continue
        before = view.tokens[i - 1] if i > 0 else (0, -1, "")  # a place token right before joins it
        first = before[0] if before[1:] == (start, "LOC") and not taken.overlaps(before[0], before[0] + 1) else start
        name = _LOCATIVE_TAIL.sub("", view.text[first:end])
        cut = any(n.start < first or (n.end < first + len(name) and not _named_before_site(view, n.end, start, end))
                  for n in view.model_names.overlapping(first, first + 1))
        if len(name) >= 4 and name.endswith(_SITE_SUFFIX) and not name.startswith(SITE_GENERIC_START) and not cut:
            found.append(Found(first, first + len(name), "Place", place_key([name]), name, "site", level="site"))
    return found


def _named_before_site(view: TextView, name_end: int, start: int, end: int) -> bool:
    """Is a model name that ends inside a site the place in front of a site named in its own
    right (波堆 | 桃花谷谷口), not the head of a phrase LAC ran on (桂林 | 多山)? It ends where
    LAC's last place token starts, and that token is a name of three or more characters."""
    return name_end == start and len(_LOCATIVE_TAIL.sub("", view.text[start:end])) >= 3
