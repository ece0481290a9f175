"""The ``kg`` command line: each command parses options and calls one library function."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg.errors import KGError

DEFAULT_OUT = Path("out")


def _fail(error: KGError) -> None:
    click.echo(f"kg: error: {error}", err=True)
    sys.exit(1)


@click.group()
@click.version_option(package_name="kg")
def cli() -> None:
    """Build and query a knowledge graph of Chinese news and policy articles."""


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", default=DEFAULT_OUT, type=click.Path(path_type=Path), show_default=True,
              help="Folder for graph.ttl, ontology.ttl, report.json and graph.html.")
@click.option("--base", default=None, help="Base IRI for entities and documents.")
@click.option("--ontology", type=click.Path(path_type=Path), default=None, help="Ontology file (Turtle).")
def build(inputs: tuple[Path, ...], out_dir: Path, base: str | None, ontology: Path | None) -> None:
    """Build the graph from .txt files or folders (default: seeds/).

    Example:

    \b
        kg build seeds/ -o out/
    """
    from kg.build import build as run_build
    from kg.iris import DEFAULT_BASE
    from kg.ontology import DEFAULT_ONTOLOGY

    paths = list(inputs) or [Path("seeds")]
    with click.progressbar(length=0, label="reading", file=sys.stderr, show_pos=True) as bar:
        def progress(path: Path) -> None:
            bar.label = f"extracting {path.name}"
            bar.update(1)

        try:
            result = run_build(paths, out_dir, base=base or DEFAULT_BASE, ontology=ontology or DEFAULT_ONTOLOGY,
                               progress=progress)
        except (KGError, ValueError) as error:
            _fail(error if isinstance(error, KGError) else KGError(str(error)))
    for line in result.errors:
        click.echo(f"kg: skipped {line}", err=True)
    report = result.report
    click.echo(f"{len(report['documents'])} documents, {report['triples']} triples → {out_dir / 'graph.ttl'}")
    click.echo("entities: " + ", ".join(f"{k} {v}" for k, v in report["entities"].items()))
    click.echo("relations: " + ", ".join(f"{k} {v}" for k, v in report["relations"].items())
               + f", observations {report['observations']}")
    if not report["documents"]:
        sys.exit(1)


@cli.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def query(graph: Path, query: str, fmt: str) -> None:
    """Run a SPARQL query (text or .rq file) against a graph file.

    Example:

    \b
        kg query out/graph.ttl 'SELECT ?s WHERE { ?s a kg:Place } LIMIT 5'
    """
    from kg.query import format_rows, load_graph, run_query

    try:
        columns, rows = run_query(load_graph(graph), query)
    except KGError as error:
        _fail(error)
    click.echo(format_rows(columns, rows, fmt))


@cli.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.option("--top", default=10, show_default=True, help="How many most-connected entities to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(graph: Path, top: int, as_json: bool) -> None:
    """networkx figures: counts, degree, components, most connected entities."""
    from kg.analytics import summary, to_networkx
    from kg.ontology import load_vocabulary
    from kg.query import load_graph

    try:
        figures = summary(to_networkx(load_graph(graph), load_vocabulary()), top=top)
    except KGError as error:
        _fail(error)
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    click.echo(f"nodes {figures['nodes']}, edges {figures['edges']}, components {figures['components']} "
               f"(largest {figures['largest_component']}, isolated {figures['isolated']})")
    for title, key in (("most connected", "most_connected"), ("places", "most_connected_places"),
                       ("programmes", "most_connected_programmes")):
        click.echo(f"\n{title}:")
        for row in figures[key]:
            click.echo(f"  {row['degree']:>4}  {row['label']}  ({row['class']})")


@cli.command(name="eval")
@click.argument("graph", type=click.Path(path_type=Path))
@click.argument("gold", type=click.Path(path_type=Path), default=Path("tests/gold"))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def evaluate(graph: Path, gold: Path, as_json: bool) -> None:
    """Precision, recall and F1 per entity class and relation type against gold annotations."""
    from kg.evaluate import evaluate as run_eval
    from kg.evaluate import format_scores
    from kg.query import load_graph

    try:
        scores = run_eval(load_graph(graph), gold)
    except KGError as error:
        _fail(error)
    click.echo(json.dumps(scores, ensure_ascii=False, indent=2) if as_json else format_scores(scores))


@cli.command()
@click.argument("graph", type=click.Path(path_type=Path), default=DEFAULT_OUT / "graph.ttl")
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="HTML file to write [default: graph.html beside GRAPH, view.html for a filtered view].")
@click.option("--focus", default=None, help="Show this entity (name or alias) and its neighbourhood.")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(min=0), help="Hops around --focus.")
@click.option("--classes", default=None, help="Only these classes, comma-separated (Place,Programme or 地点,项目与政策).")
@click.option("--document", default=None, help="Only the entities of one article (source file name or title).")
@click.option("--max-nodes", default=None, type=click.IntRange(min=1),
              help="Keep the most connected nodes beyond this many [default: 2000].")
def viz(graph: Path, out_file: Path | None, focus: str | None, depth: int, classes: str | None,
        document: str | None, max_nodes: int | None) -> None:
    """Write an interactive HTML view that works offline: whole graph, a neighbourhood, classes or one article.

    Example:

    \b
        kg viz out/graph.ttl --focus 林芝市 --depth 2 -o out/linzhi.html
    """
    from kg.errors import ViewError
    from kg.ontology import load_vocabulary
    from kg.query import load_graph
    from kg.viz import write_html

    filters = {"focus": focus, "depth": depth, "document": document,
               "classes": [c.strip() for c in classes.split(",") if c.strip()] if classes else None}
    if max_nodes:
        filters["max_nodes"] = max_nodes
    out = out_file or graph.parent / ("view.html" if focus or classes or document else "graph.html")
    try:
        view = write_html(load_graph(graph), out, load_vocabulary(), **filters)
    except ViewError as error:
        _fail(ViewError(f"{graph}: {error}"))
    except KGError as error:
        _fail(error)
    trimmed = f" (the most connected of {view.total})" if view.total > view.network.number_of_nodes() else ""
    click.echo(f"{view.network.number_of_nodes()} entities{trimmed}, {view.network.number_of_edges()} relations → {out}")
