"""JSON Lines exports (``.jsonl``): one article per line, read one line at a time.

A line that is not a JSON object, or has no text, is reported on its own
(``FILE#line 7``); the other lines are still read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from kg.text.formats import Record, SourceOptions, Unreadable
from kg.text.formats.records import make_record, read

__all__ = ["read", "records"]


def records(path: Path, options: SourceOptions) -> Iterator[Record | Unreadable]:
    """Every line's article, in file order; never more than one line in memory."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"line {number}"
            try:
                row = json.loads(line)
            except ValueError as error:
                problem = getattr(error, "msg", "not UTF-8")
                yield Unreadable(f"not JSON ({problem})", "fix or remove the line", where)
                continue
            if not isinstance(row, dict):
                yield Unreadable(f"a JSON {type(row).__name__}, not an object", "give one JSON object per line", where)
                continue
            yield make_record(row, options, where)
