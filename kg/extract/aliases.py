"""Names an article defines for a mention: ``X(以下简称“Y”)`` makes Y an alias of X, whatever X's class."""

from __future__ import annotations

import re

from kg.extract.spans import Found, TextView

__all__ = ["find_aliases"]

_ALIAS = re.compile(r"[(（](?:下文|以下)?简称[“\"]?([^”\")）]{1,12})[”\"]?[)）]")


def find_aliases(view: TextView, founds: list[Found]) -> dict[str, str]:
    """``X(以下简称“Y”)`` → ``{Y: key of X}`` for a mention X that ends at the bracket."""
    aliases: dict[str, str] = {}
    longest: dict[int, Found] = {}  # end -> the longest mention ending there (the first, on ties)
    for found in founds:
        if found.end not in longest or found.end - found.start > longest[found.end].end - longest[found.end].start:
            longest[found.end] = found
    for match in _ALIAS.finditer(view.text):
        if match.start() in longest:
            aliases[match.group(1)] = longest[match.start()].key
    return aliases
