"""The embedded store: a persistent Oxigraph database in ``out/store``.

The store holds named graphs only: one per article (named by the article's document IRI),
the entity graphs (descriptions of entities and what articles say of them), and one for
the ontology (named by the ``owl:Ontology`` IRI). Every triple is in exactly one graph, so
queries read the *union* of the graphs as their default graph (:data:`UNION`) and count
each triple once; ``GRAPH ?g { … }`` asks which article said what.

Writes never touch the live store. :func:`stage` either bulk-loads every graph into a new
store (the first build, or when most graphs changed), or checkpoints the live one into a
sibling folder (hard links: its cost follows the number of files, not the data) and
replaces only the graphs that changed there; :func:`swap` then swaps the folders with two
renames (:func:`sync` does both; a build stages in a helper process and swaps in its driver).
A failed sync (a full disk) leaves the store exactly as it was; what a killed one left
behind is cleared by the next (:func:`plan`), and a reader that opened the old store
(``kg serve``) keeps a consistent snapshot until :func:`store_generation` tells it to
open the store again.

The digest of each graph is kept in ``.kg/store.json`` beside the store: a build rewrites only the graphs that changed.
"""

from __future__ import annotations

import errno
import gzip
import io
import os
import shutil
import tempfile
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import StoreError, first_line, shorten
from kg.rdf.ntriples import merge_ntriples
from kg.state import STATE_DIR, read_record, stage_record

__all__ = ["UNION", "Changes", "STORE_DIR", "Staged", "discard", "graph_digests", "graph_ntriples", "load_parts",
           "open_store", "plan", "stage", "store_generation", "store_path", "swap", "sync", "union_graph"]

STORE_DIR = "store"
_MANIFEST = Path(STATE_DIR) / "store.json"
_GENERATION = Path(STATE_DIR) / "generation"
_STAGING = ".kg-store-"
#: Query options for kg's stores: the default graph is the union of the named graphs.
UNION = {"use_default_graph_as_union": True}
#: Above this share of changed graphs, a new store is bulk-loaded instead of patching the old one.
_REBUILD_SHARE = 0.5


@dataclass(frozen=True)
class Changes:
    """What :func:`sync` did, by graph IRI."""

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0

    def __bool__(self) -> bool:
        return bool(self.added or self.replaced or self.removed)


def store_path(out_dir: Path | str) -> Path:
    return Path(out_dir) / STORE_DIR


def store_generation(path: Path | str) -> str | None:
    """A token that changes whenever a build changes the store at ``path`` (``None`` when there is none).

    A reader that opened the store keeps a snapshot; when this token differs from the one it
    saw when it opened the store, it opens the store again to see the new build.
    """
    try:
        info = os.stat(Path(path) / "CURRENT")
        folder = os.stat(path)
    except OSError:
        return None
    try:
        written = (Path(path).parent / _GENERATION).read_text(encoding="utf-8").strip()
    except OSError:
        written = ""
    return f"{folder.st_ino}-{folder.st_mtime_ns}-{info.st_ino}-{info.st_mtime_ns}-{written}"


def open_store(path: Path | str, *, read_only: bool = True) -> ox.Store:
    """Open the store at ``path``; a one-line :class:`StoreError` when that is not possible."""
    path = Path(path)
    if not (path / "CURRENT").is_file():
        raise StoreError(f"{path}: no kg store here; run `kg build` first or pass --out to the folder kg built")
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as error:
        reason = first_line(error)
        if "lock" in reason.lower():
            raise StoreError(f"{path}: the store is held by another process ({reason}); "
                             "stop that process and try again") from None
        if not read_only and "no space left" in reason.lower():  # RocksDB writes files as it opens: the build
            raise OSError(errno.ENOSPC, reason) from None  # words a full disk as for any other file it writes
        if not read_only and "io error" in reason.lower():
            raise StoreError(f"{path}: the store cannot be written ({shorten(reason, 100)}); make room on its "
                             "disk, or check that it is writable, and build again") from None
        raise StoreError(f"{path}: the store cannot be opened ({reason}); rebuild it with `kg build`") from None


def graph_ntriples(store: ox.Store, iri: str) -> bytes:
    """One named graph of the store as sorted N-Triples."""
    return merge_ntriples([store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri))])


def union_graph(path: Path | str, leave_out: str, graph: Graph | None = None) -> Graph:
    """Every graph of the store at ``path`` but ``leave_out`` (the ontology's) as one rdflib
    graph (``graph``, if given), for code that wants the whole graph in memory: small graphs only."""
    store = open_store(path)
    graph = Graph() if graph is None else graph
    for name in store.named_graphs():
        if name.value != leave_out:
            graph.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name), format="nt")
    return graph


def graph_digests(out_dir: Path | str) -> dict[str, str]:
    """The digest of every named graph the last build put in the store at ``out_dir``, by IRI."""
    return read_record(Path(out_dir) / _MANIFEST)


class _Concatenated(io.RawIOBase):
    """Several (gzipped) N-Quads files read as one stream: one bulk load for all of them."""

    def __init__(self, parts: Sequence[Path]) -> None:
        self._parts = list(parts)
        self._current = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while True:
            if self._current is None:
                if not self._parts:
                    return 0
                part = self._parts.pop(0)
                self._current = gzip.open(part, "rb") if part.suffix == ".gz" else open(part, "rb")
            data = self._current.read(len(buffer))
            if data:
                buffer[: len(data)] = data
                return len(data)
            self._current.close()
            self._current = None


_BULK_CHUNK = 8 << 20


def load_parts(store: ox.Store, parts: Sequence[Path]) -> None:
    """Bulk-load the parts in chunks of about 8 MB of N-Quads, each ending at a line end.

    Oxigraph's bulk loader holds up to a million quads per thread in memory: one stream of
    a 750k-quad graph peaked at 660 MB, 8 MB chunks at 98 MB and were faster (4.4 s, not 6.8 s).
    """
    with io.BufferedReader(_Concatenated(parts), buffer_size=1 << 20) as data:
        while chunk := data.read(_BULK_CHUNK):
            store.bulk_load(chunk + data.readline(), format=ox.RdfFormat.N_QUADS)


def _patch(store: ox.Store, graphs: Mapping[str, tuple[str, Path]], changes: Changes) -> None:
    for iri in changes.removed + changes.replaced:
        store.remove_graph(ox.NamedNode(iri))
    for iri in changes.added + changes.replaced:
        store.load(path=str(graphs[iri][1]), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri))


def _recover(path: Path) -> None:
    """Undo what a sync that was killed left: its staging folders, and a store moved aside but not replaced."""
    for left in path.parent.glob(f"{_STAGING}*"):
        shutil.rmtree(left, ignore_errors=True)
    retired = path.with_name(f".{path.name}-old")
    if not (path / "CURRENT").is_file() and (retired / "CURRENT").is_file():
        shutil.rmtree(path, ignore_errors=True)
        os.replace(retired, path)


def plan(path: Path | str, graphs: Mapping[str, tuple[str, Path]]) -> Changes:
    """What :func:`sync` would do to the store at ``path`` to make it hold ``graphs``."""
    path = Path(path)
    _recover(path)
    if not (path / "CURRENT").is_file():
        return Changes(tuple(sorted(graphs)))
    known = read_record(path.parent / _MANIFEST)
    present = {g.value for g in open_store(path).named_graphs()}
    added = tuple(sorted(iri for iri in graphs if iri not in present))
    replaced = tuple(sorted(iri for iri in graphs if iri in present and known.get(iri) != graphs[iri][0]))
    removed = tuple(sorted(present - set(graphs)))
    return Changes(added, replaced, removed, len(graphs) - len(added) - len(replaced))


@dataclass(frozen=True)
class Staged:
    """A store :func:`stage` wrote beside the live one (closed, whole), or the live one if nothing changed."""

    folder: Path
    changes: Changes


def stage(path: Path | str, graphs: Mapping[str, tuple[str, Path]], parts: Sequence[Path]) -> Staged:
    """Write the store that holds exactly ``graphs`` beside the live one at ``path``; :func:`swap` puts it in place.

    ``graphs``: IRI → (digest, sorted N-Triples file). ``parts`` are N-Quads files (gzipped or not) that
    together hold every graph: a new store is bulk-loaded from them. A graph whose digest matches the last
    sync is left alone; one not in ``graphs`` is dropped. On any error (a full disk) what was written goes
    and the live store is untouched."""
    path = Path(path)
    changes = plan(path, graphs)
    exists = (path / "CURRENT").is_file()
    if not changes and exists:
        return Staged(path, changes)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING, dir=path.parent))
    staging.rmdir()  # the store wants to create the folder itself
    fresh = not exists or len(changes.added) + len(changes.replaced) + len(changes.removed) > _REBUILD_SHARE * max(
        len(graphs), 1)
    try:
        if exists:
            live = open_store(path, read_only=False)  # one line, and no harm, while another process writes to it
            if not fresh:
                live.backup(str(staging))  # hard links to the live store's files
            del live
        store = ox.Store(str(staging))
        try:
            load_parts(store, parts) if fresh else _patch(store, graphs, changes)
            store.flush()
        finally:
            del store  # closed before its folder is moved or removed
    except BaseException as error:
        discard(path, error)
        raise
    return Staged(staging, changes)


def discard(path: Path | str, error: BaseException | None = None) -> None:
    """Drop what :func:`stage` wrote (after a failure); the live store stays as it was."""
    if error is not None:  # frames that still hold the staging store let it go (and close)
        traceback.clear_frames(error.__traceback__)
    _recover(Path(path))  # the staging store goes; the live one, if it was moved aside, comes back


def swap(path: Path | str, graphs: Mapping[str, tuple[str, Path]], staged: Staged) -> Changes:
    """Put a store :func:`stage` wrote in place of the live one at ``path``: writes its records, then renames."""
    path = Path(path)
    if staged.folder == path:
        return staged.changes
    manifest, generation = path.parent / _MANIFEST, path.parent / _GENERATION
    records: list[tuple[Path, Path]] = []  # (written in full, where it goes once the store is in place)
    try:
        records.append((stage_record(manifest, {iri: digest for iri, (digest, _) in graphs.items()}), manifest))
        counter = generation.with_name(generation.name + ".partial")
        records.append((counter, generation))
        counter.write_text(str(int(read_generation(generation)) + 1) + "\n", encoding="utf-8")
        retired = path.with_name(f".{path.name}-old")
        shutil.rmtree(retired, ignore_errors=True)
        if (path / "CURRENT").is_file():
            os.replace(path, retired)
        os.replace(staged.folder, path)
    except BaseException as error:
        discard(path, error)
        for partial, _ in records:
            partial.unlink(missing_ok=True)
        raise
    for partial, target in records:  # renames only: nothing here needs room on the disk
        os.replace(partial, target)
    shutil.rmtree(path.with_name(f".{path.name}-old"), ignore_errors=True)
    return staged.changes


def sync(path: Path | str, graphs: Mapping[str, tuple[str, Path]], parts: Sequence[Path]) -> Changes:
    """Make the store at ``path`` hold exactly ``graphs``: :func:`stage`, then :func:`swap`. Atomic: on
    any error (a full disk) the store and its records are left as they were."""
    return swap(path, graphs, stage(path, graphs, parts))


def read_generation(path: Path) -> str:
    try:
        return str(int(path.read_text(encoding="utf-8").strip()))
    except (OSError, ValueError):
        return "0"
