"""The embedded store: a persistent Oxigraph database in ``out/store``.

The store holds one named graph per article (named by the article's document IRI) and
one for the ontology (named by the ``owl:Ontology`` IRI). Its default graph holds the
merge of all of them: every triple once, so counts in a query are right (Oxigraph's
"union default graph" would repeat a triple once per article that states it). Use
``GRAPH ?g { … }`` to ask which article said what.

Writes never touch the live store. :func:`sync` checkpoints it into a sibling folder
(hard links, so it is cheap), applies the changes there, and swaps the folders with two
renames. A failed sync leaves the store exactly as it was, and a reader that opened the
old store (``kg serve``) keeps a consistent snapshot until it opens the store again.

A digest of each graph's canonical N-Triples is kept in ``.kg/store.json`` beside the store,
so a build rewrites only the graphs whose triples changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError, first_line
from kg.rdf.ntriples import merge_ntriples
from kg.state import STATE_DIR, read_record, write_record

__all__ = ["Changes", "STORE_DIR", "open_store", "read_graphs", "store_generation", "store_path", "sync"]

STORE_DIR = "store"
_MANIFEST = Path(STATE_DIR) / "store.json"


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
    return f"{folder.st_ino}-{folder.st_mtime_ns}-{info.st_ino}-{info.st_mtime_ns}"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
        raise StoreError(f"{path}: the store cannot be opened ({reason}); rebuild it with `kg build`") from None


def read_graphs(path: Path | str) -> list[tuple[str, bytes]]:
    """Every named graph in the store as (IRI, sorted N-Triples), sorted by IRI."""
    store = open_store(path)
    graphs = sorted(store.named_graphs(), key=lambda g: g.value)
    return [(g.value, merge_ntriples([store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g)])) for g in graphs]


def sync(path: Path | str, graphs: Mapping[str, bytes], merged: bytes) -> Changes:
    """Make the store at ``path`` hold exactly ``graphs`` (IRI → canonical N-Triples),
    and ``merged`` (their merge) as its default graph.

    Graphs whose digest matches the last sync are left alone; graphs not in ``graphs``
    are dropped. Atomic: on any error the store is left as it was.
    """
    path = Path(path)
    manifest_path = path.parent / _MANIFEST
    exists = (path / "CURRENT").is_file()
    known = read_record(manifest_path) if exists else {}
    digests = {iri: _digest(data) for iri, data in graphs.items()}
    if exists:
        current = open_store(path, read_only=False)
        present = {g.value for g in current.named_graphs()}
    else:
        current, present = None, set()
    added = tuple(sorted(iri for iri in graphs if iri not in present))
    replaced = tuple(sorted(iri for iri in graphs if iri in present and known.get(iri) != digests[iri]))
    removed = tuple(sorted(present - set(graphs)))
    changes = Changes(added, replaced, removed, len(graphs) - len(added) - len(replaced))
    if not changes and exists:
        return changes
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kg-store-", dir=path.parent))
    staging.rmdir()  # backup() wants to create the folder itself
    try:
        if current is not None:
            current.backup(str(staging))
            del current
        store = ox.Store(str(staging))
        for iri in removed + replaced:
            store.remove_graph(ox.NamedNode(iri))
        for iri in added + replaced:
            store.load(graphs[iri], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri))
        store.clear_graph(ox.DefaultGraph())
        store.bulk_load(merged, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
        store.flush()
        del store
        retired = path.with_name(f".{path.name}-old")
        shutil.rmtree(retired, ignore_errors=True)
        if exists:
            os.replace(path, retired)
        os.replace(staging, path)
        shutil.rmtree(retired, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    write_record(manifest_path, digests)
    return changes
