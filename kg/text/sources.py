"""Find the articles in the inputs: one :class:`Source` per file, or per record of a container.

:func:`find_sources` walks files and folders in sorted order and streams what it finds:
a single-file article (``.txt``, ``.md``, ``.html``, ``.pdf``, ``.docx``) is a
:class:`Source` naming the file; each record of a container (``.csv``, ``.jsonl``,
``.warc``) is a :class:`Source` that carries the record's own bytes, read once while the
container is streamed, so no container is ever held whole in memory. What cannot be used
is yielded as an :class:`~kg.errors.InputError` that names the file, the record and the
format. A :class:`Source` is small and picklable: a worker can read it anywhere.
"""

from __future__ import annotations

import errno
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.text.formats import FORMATS, SourceOptions, Unreadable, format_of, reader, suffix_format
from kg.text.read import read_bytes

__all__ = ["Source", "SourceCounts", "SourceOptions", "content_digest", "doc_id_for", "file_source", "find_sources",
           "formats_summary"]

_NOT_ID = re.compile(r"[^\w.-]+")
_HEAD = 4096


def _stem(path: Path) -> str:
    name = path.name
    return name[: -len(".warc.gz")] if name.lower().endswith(".warc.gz") else Path(name).stem


def doc_id_for(path: Path | str, record: str | None = None) -> str:
    """An article's id: the file's name without extension, then the record's id within it;
    letters (any script), digits and ``_.-`` only.

    >>> doc_id_for(Path("news/林芝 新闻.txt")), doc_id_for(Path("crawl.warc.gz"), "url-3f2a")
    ('林芝-新闻', 'crawl_url-3f2a')
    """
    stem = _NOT_ID.sub("-", _stem(Path(path))).strip("-.") or "document"
    return f"{stem}_{_NOT_ID.sub('-', record).strip('-.') or 'record'}" if record is not None else stem


def content_digest(data: bytes, fields: tuple[tuple[str, str], ...] = ()) -> str:
    """SHA-256 of what an article is made from: its bytes, then its fields (none for a file,
    so a file's digest is the digest of its bytes)."""
    h = hashlib.sha256(data)
    for name, value in fields:
        h.update(f"\0{name}\0{value}".encode())
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class Source:
    """One article's input: a file, or one record of a container file.

    ``payload`` is the record's own bytes (``None``: read the file); ``fields`` are what the
    container says of the record (CSV/JSON Lines columns, WARC headers) as ``(name, value)``.
    """

    path: Path
    format: str
    record: str | None = None
    payload: bytes | None = field(default=None, repr=False)
    fields: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        """``FILE`` or ``FILE#record``, as messages name it."""
        return f"{self.path}#{self.record}" if self.record is not None else str(self.path)

    @property
    def doc_id(self) -> str:
        """The article's id (see :func:`doc_id_for`)."""
        return doc_id_for(self.path, self.record)

    def data(self) -> bytes:
        """The bytes the article is made from: the payload, or the file's (which may raise
        :class:`~kg.errors.InputError`)."""
        return self.payload if self.payload is not None else read_bytes(self.path, self.format)

    @property
    def digest(self) -> str:
        """The cache key: :func:`content_digest` of :meth:`data` and ``fields`` (reads a file)."""
        return content_digest(self.data(), self.fields)


@dataclass
class SourceCounts:
    """How many articles of each format were read, skipped as unusable, or found to repeat
    an article read before (read, but built once)."""

    read: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    duplicates: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict[str, dict[str, int]]:
        """``{"html": {"read": 3, "skipped": 1, "duplicates": 0}, …}``, in :data:`~kg.text.formats.FORMATS` order."""
        return {name: {"read": self.read[name], "skipped": self.skipped[name], "duplicates": self.duplicates[name]}
                for name in FORMATS if self.read[name] or self.skipped[name] or self.duplicates[name]}

    def summary(self) -> str:
        """One line: ``txt 5, html 3 (1 skipped)`` (see :func:`formats_summary`)."""
        return formats_summary(self.as_dict())


def formats_summary(formats: dict[str, dict[str, int]]) -> str:
    """One line from :meth:`SourceCounts.as_dict` (as ``report.json`` keeps it).

    >>> formats_summary(SourceCounts(Counter(txt=5, html=3), Counter(html=1), Counter(pdf=1)).as_dict())
    'txt 5, html 3 (1 skipped), pdf 0 (1 duplicate)'
    """
    def notes(c: dict[str, int]) -> str:
        repeats = c["duplicates"]
        said = [f"{c['skipped']} skipped"] * bool(c["skipped"]) + [f"{repeats} duplicate{'s' * (repeats != 1)}"] * bool(repeats)
        return f" ({', '.join(said)})" if said else ""

    return ", ".join(f"{name} {c['read']}{notes(c)}" for name, c in formats.items()) or "nothing"


def _error(path: Path, format: str, error: Unreadable) -> InputError:
    return InputError(path, error.problem, error.fix, record=error.record, format=format)


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(_HEAD)
    except OSError:
        return read_bytes(path, suffix_format(path))  # raises the one-line InputError


def file_source(path: Path | str) -> Source:
    """The :class:`Source` of a single-file article, its format told by :func:`~kg.text.formats.format_of`."""
    path = Path(path)
    return Source(path, format_of(path, _head(path)))


def _file_sources(path: Path, options: SourceOptions) -> Iterator[Source | InputError]:
    try:
        fmt = format_of(path, _head(path))
    except InputError as error:
        yield error
        return
    if not FORMATS[fmt].container:
        yield Source(path, fmt)
        return
    count = 0
    try:
        for item in reader(fmt).records(path, options):
            count += 1
            if isinstance(item, Unreadable):
                yield _error(path, fmt, item)
            else:
                yield Source(path, fmt, item.record, item.payload, item.fields)
    except Unreadable as error:
        yield _error(path, fmt, error)
    except OSError as error:
        yield InputError(path, f"cannot be read ({error.strerror})", "check its permissions", format=fmt)
    else:
        if not count:
            yield InputError(path, "holds no articles", "check that it is the export you meant", format=fmt)


def _visible(path: Path, folder: Path) -> bool:
    return not any(part.startswith(".") for part in path.relative_to(folder).parts)


def _not_a_file(path: Path) -> InputError:
    """Why ``path``, which is there but is not a file or folder, cannot be read."""
    try:
        path.stat()
    except OSError as error:
        if error.errno == errno.ELOOP:
            return InputError(path, "is a symbolic link that leads round in a loop", "fix or remove the link",
                              format=suffix_format(path))
        return InputError(path, "is a symbolic link to nothing (its target is gone)", "fix or remove the link",
                          format=suffix_format(path))
    return InputError(path, "is not a regular file (a named pipe or a device?)", "give kg files or folders of articles",
                      format=suffix_format(path))


def find_sources(paths: Iterable[Path | str], options: SourceOptions | None = None) -> Iterator[Source | InputError]:
    """Every article in ``paths``, streamed in a stable order (files sorted, records in file order).

    A folder is searched for every suffix kg reads; a file named on its own is read whatever
    its name. Errors come in line, where they happen, and carry the format when it is known.
    """
    options = options or SourceOptions()
    for path in map(Path, paths):
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if suffix_format(p) and _visible(p, path) and not p.is_dir())
            if not files:
                suffixes = ", ".join(s for f in FORMATS.values() for s in f.suffixes[:1])
                yield InputError(path, "folder holds no articles", f"point kg at a folder of {suffixes} files")
        elif path.is_file() or path.is_symlink() or path.exists():
            files = [path]
        else:
            yield InputError(path, "no such file or folder", "check the path")
            continue
        for file in files:
            if file.is_file():
                yield from _file_sources(file, options)
            else:
                yield _not_a_file(file)
