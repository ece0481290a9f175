"""CSV exports (``.csv``): one article per row, with a header row naming the columns.

The encoding (UTF-8 with or without BOM, GB18030 or Big5, as Excel writes them) is told
from the start of the file; rows are then read one at a time. A file without the text
column is reported once, with the columns it has.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from kg.text.formats import Record, SourceOptions, Unreadable
from kg.text.formats.records import column, make_record, read
from kg.text.read import decode_text

__all__ = ["read", "records"]

_HEAD = 1 << 16
_FIELD_LIMIT = 1 << 26  # an article can be longer than csv's default 128 KiB field


def _encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(_HEAD)
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 3:  # a character cut at the end of the sample
            return "utf-8-sig"
    return decode_text(head)[1]


def records(path: Path, options: SourceOptions) -> Iterator[Record | Unreadable]:
    """Every row's article, in file order."""
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    encoding = _encoding(path)
    number = 0
    try:
        with path.open(encoding=encoding, newline="") as handle:
            rows = csv.DictReader(handle)
            names = rows.fieldnames or []
            if column(names, options.text_field) is None:
                has = ", ".join(names[:12]) or "no header row"
                yield Unreadable(f"no text column (looked for {', '.join(options.text_field)}; it has: {has})",
                                 "name the column that holds the text with --text-field")
                return
            for number, row in enumerate(rows, 1):
                yield make_record({k: v for k, v in row.items() if k is not None}, options, f"row {number}",
                                  (("encoding", encoding.removesuffix("-sig")),))
    except (csv.Error, UnicodeDecodeError) as error:
        yield Unreadable(f"cannot be read after row {number} ({type(error).__name__})",
                         f"check that it is CSV in {encoding}", f"row {number + 1}")
