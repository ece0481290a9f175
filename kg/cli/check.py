"""``kg validate`` and ``kg viz``: check a graph against the shapes, and look at it.

Both read the store of a build (``out/store``, read-only) unless given a Turtle file, which
is loaded into an in-memory store; :func:`open_source` is that choice, for ``kg stats`` too.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli import DEFAULT_OUT, cli
from kg.cli import fail as _fail
from kg.errors import KGError

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = ["open_source"]

_OUT_HELP = "Folder kg built; its store is read unless GRAPH (a Turtle file) is given."


def open_source(graph: Path | None, out_dir: Path) -> ox.Store:
    """The Turtle file ``graph`` in an in-memory store, or else the store ``out_dir`` holds (also when ``graph`` is a folder)."""
    from kg.rdf.load import load_store
    from kg.store.database import open_store, store_path

    if graph is None or names_a_folder(graph):
        return open_store(store_path(graph or out_dir))
    return load_store(graph)


def names_a_folder(path: Path) -> bool:
    """Whether a GRAPH argument means a folder kg built (an existing folder, or a name without a suffix)."""
    return path.is_dir() or not path.suffix


@cli.command(name="validate")
@click.argument("graph", type=click.Path(path_type=Path), required=False)
@click.option("-o", "--out", "out_dir", default=DEFAULT_OUT, type=click.Path(path_type=Path), show_default=True,
              help=_OUT_HELP)
@click.option("--shapes", type=click.Path(path_type=Path), default=None,
              help="SHACL shapes file (Turtle); default: the shapes shipped with kg (kg/rdf/shapes.ttl).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate_graph(graph: Path | None, out_dir: Path, shapes: Path | None, fmt: str) -> None:
    """Check the store (or a Turtle file) against the SHACL shapes, article by article; exit 1 on violations.

    Examples:

    \b
        kg validate
        kg validate out/graph.ttl
    """
    from kg.rdf.validate import DEFAULT_SHAPES, format_report, validate

    try:
        report = validate(open_source(graph, out_dir), shapes or DEFAULT_SHAPES)
    except KGError as error:
        _fail(error)
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if fmt == "json" else format_report(report))
    if not report.conforms:
        sys.exit(1)


@cli.command()
@click.argument("graph", type=click.Path(path_type=Path), required=False)
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="HTML file to write, or the folder kg built [default: graph.html in the folder or beside GRAPH, "
                   "view.html for a filtered view].")
@click.option("--focus", default=None, help="Show this entity (name or alias) and its neighbourhood.")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(min=0), help="Hops around --focus.")
@click.option("--classes", default=None, help="Only these classes, comma-separated (Place,Programme or 地点,项目与政策).")
@click.option("--document", default=None, help="Only the entities of one article (source file name or title).")
@click.option("--max-nodes", default=None, type=click.IntRange(min=1),
              help="Keep the most connected nodes beyond this many [default: 2000].")
@click.option("--max-edges", default=None, type=click.IntRange(min=1),
              help="Keep fewer nodes where those shown have more relations than this [default: 5000].")
def viz(graph: Path | None, out_file: Path | None, focus: str | None, depth: int, classes: str | None,
        document: str | None, max_nodes: int | None, max_edges: int | None) -> None:
    """Write an interactive HTML view that works offline: whole graph, a neighbourhood, classes or one article.

    It draws the store of the folder kg built (GRAPH, or -o when it is a folder; default out/),
    or the Turtle file GRAPH.

    Examples:

    \b
        kg viz --focus 林芝市 --depth 2 -o out/linzhi.html
        kg viz out/graph.ttl --classes Place
    """
    from kg.errors import ViewError
    from kg.rdf.ontology import load_vocabulary
    from kg.viz.viewer import write_html

    filters = {"focus": focus, "depth": depth, "document": document,
               "classes": [c.strip() for c in classes.split(",") if c.strip()] if classes else None}
    if max_nodes:
        filters["max_nodes"] = max_nodes
    if max_edges:
        filters["max_edges"] = max_edges
    into = out_file if out_file is not None and out_file.is_dir() else None
    source = graph or into or DEFAULT_OUT
    folder = into or (source if source.is_dir() or not source.suffix else source.parent)
    out = (None if into else out_file) or folder / ("view.html" if focus or classes or document else "graph.html")
    try:
        view = write_html(open_source(source, source), out, load_vocabulary(), **filters)
    except ViewError as error:
        _fail(ViewError(f"{source}: {error}"))
    except KGError as error:
        _fail(error)
    trimmed = f" (the most connected of {view.total})" if view.total > view.network.number_of_nodes() else ""
    click.echo(f"{view.network.number_of_nodes()} entities{trimmed}, {view.network.number_of_edges()} relations → {out}")
