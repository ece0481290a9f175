"""Names an article defines for a mention: ``X(以下简称“Y”)`` makes Y an alias of X, whatever X's class."""

from __future__ import annotations

import re

from kg.extract.spans import Found, TextView

__all__ = ["find_aliases"]

_ALIAS = re.compile(r"[(（](?:下文|以下)?简称[“\"]?([^”\")）]{1,12})[”\"]?[)）]")


def find_aliases(view: TextView, founds: list[Found]) -> dict[str, str]:
    """``X(以下简称“Y”)`` → ``{Y: key of X}`` for a mention X that ends at the bracket."""
    aliases: dict[str, str] = {}
    for match in _ALIAS.finditer(view.text):
        before = [f for f in founds if f.end == match.start()]
        if before:
            aliases[match.group(1)] = max(before, key=lambda f: f.end - f.start).key
    return aliases
