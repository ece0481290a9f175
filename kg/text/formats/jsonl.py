"""JSON Lines exports (``.jsonl``): one article per line, read one line at a time.

A line that is not a JSON object, or has no text, is reported on its own
(``FILE#line 7``); the other lines are still read. A file whose first record has no
text field at all is reported once, with the fields it has.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from kg.text.formats import Record, SourceOptions, Unreadable
from kg.text.formats.records import column, make_record, read

__all__ = ["read", "records"]


def records(path: Path, options: SourceOptions) -> Iterator[Record | Unreadable]:
    """Every line's article, in file order; never more than one line in memory."""
    first = True
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
            if first and column(row, options.text_field) is None:  # the export names its text otherwise
                yield Unreadable(f"no text field (looked for {', '.join(options.text_field)}; the first record has: "
                                 f"{', '.join(list(row)[:12])})", "name the field that holds the text with --text-field")
                return
            first = False
            yield make_record(row, options, where)
