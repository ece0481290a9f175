"""Work for a build's helper processes (:func:`kg.build.outputs.finish_outputs`): the
exports, the store and the viewer.

Each task returns its result with its process's peak memory; a task that opened a store
hands back the memory the store held, so the process's next task starts from its own size.
This module imports only what the tasks need (no extraction library, no pyvis, not
:mod:`kg.build`), and its tasks take plain values: a helper process stays small.
"""

from __future__ import annotations

from pathlib import Path

from kg.memory import give_back, peak_memory
from kg.rdf.exports import write_exports
from kg.rdf.iris import Minter
from kg.rdf.ontology import load_vocabulary
from kg.store.database import Staged, open_store, stage, store_path
from kg.viz.details import page_details
from kg.viz.select import View, view_graph

__all__ = ["details_task", "export_task", "ready", "store_task", "view_task"]


def export_task(task: tuple[str, str, str, list[tuple[str, str]], tuple[str, ...]]) -> tuple[int, int]:
    """Write the exports named in ``which`` into ``staging``, under the base IRI ``base`` and
    the ontology at ``ontology``, from ``graphs`` (IRI, sorted N-Triples file)."""
    base, ontology, staging, graphs, which = task
    vocab = load_vocabulary(Path(ontology))
    write_exports([(iri, Path(path)) for iri, path in graphs], str(vocab.iri), vocab, Minter(base), Path(staging),
                  which=which)
    return peak_memory()


def store_task(task: tuple[str, dict[str, tuple[str, Path]], list[Path]]) -> tuple[Staged, tuple[int, int]]:
    """Stage the store of the build into ``out`` (:func:`~kg.store.database.stage`); what was staged."""
    out, files, parts = task
    staged = stage(store_path(out), files, parts)  # on a failure after this, the driver discards it
    give_back()
    return staged, peak_memory()


def view_task(task: tuple[str, str]) -> tuple[View, tuple[int, int]]:
    """The whole-graph view (:func:`~kg.viz.select.view_graph`) of the store at ``folder``, under ``ontology``."""
    folder, ontology = task
    view = view_graph(open_store(folder), load_vocabulary(Path(ontology)))
    give_back()
    return view, peak_memory()


def details_task(task: tuple[str, str, View, str]) -> tuple[dict | list, tuple[int, int]]:
    """One half (``"nodes"`` or ``"edges"``) of what the page says of ``view``: :func:`~kg.viz.details.page_details`."""
    folder, ontology, view, part = task
    found = page_details(open_store(folder), load_vocabulary(Path(ontology)), view, part)
    give_back()
    return found, peak_memory()


def ready() -> tuple[int, int]:
    """Nothing: given to a new helper process to start it (and import this module) ahead of its first task."""
    return peak_memory()
