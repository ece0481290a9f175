"""``kg query``, ``kg stats`` and ``kg eval``: questions to a built graph."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from kg.cli import DEFAULT_OUT, cli
from kg.cli import fail as _fail
from kg.errors import KGError, QueryError


@cli.command()
@click.argument("query", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A named query's parameter, bound as an RDF term (repeatable).")
@click.option("-o", "--out", "out_dir", default=DEFAULT_OUT, type=click.Path(path_type=Path), show_default=True,
              help="Folder kg built; the query runs against its store.")
@click.option("--graph", "graph_file", type=click.Path(path_type=Path), default=None,
              help="Query this Turtle file in memory (rdflib) instead of the store.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv"]), default="table",
              show_default=True)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
def query(query: str | None, params: tuple[str, ...], out_dir: Path, graph_file: Path | None, fmt: str,
          list_queries: bool) -> None:
    """Run a named query, a .rq file or SPARQL text against the store.

    Examples:

    \b
        kg query --list
        kg query programme-places --param programme=双报到
        kg query 'SELECT ?name WHERE { ?p a kg:Programme ; rdfs:label ?name }'
    """
    from kg.rdf.load import load_graph
    from kg.store.database import open_store, store_path
    from kg.store.named_queries import list_named, load_named, parse_params
    from kg.store.query import format_rows, run_query

    try:
        if list_queries or not query:
            for named in list_named():
                args = " ".join(f"--param {p.name}=…" for p in named.params)
                click.echo(f"{named.name} {args}".rstrip() + f"\n    {named.title}")
            return
        given = parse_params(params)
        if re.fullmatch(r"[\w-]+", query) and not Path(query).is_file():
            named = load_named(query)
            text, bindings = named.text, named.values(given)
        elif given:
            raise QueryError("--param works with named queries (they declare their parameters); "
                             "see kg query --list")
        else:
            text, bindings = query, {}
        source = load_graph(graph_file) if graph_file else open_store(store_path(out_dir))
        answer = run_query(source, text, bindings)
    except KGError as error:
        _fail(error)
    click.echo(answer.turtle.rstrip("\n") if answer.turtle is not None else format_rows(answer.columns, answer.rows, fmt))


@cli.command()
@click.argument("graph", type=click.Path(path_type=Path), required=False)
@click.option("-o", "--out", "out_dir", default=DEFAULT_OUT, type=click.Path(path_type=Path), show_default=True,
              help="Folder kg built; its store is read unless GRAPH (a Turtle file) is given.")
@click.option("--top", default=10, show_default=True, help="How many most-connected entities to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(graph: Path | None, out_dir: Path, top: int, as_json: bool) -> None:
    """Figures of the entity graph: counts, degree, components, most connected entities (from the store)."""
    from kg.cli.check import open_source
    from kg.rdf.ontology import load_vocabulary
    from kg.viz.analytics import figures as graph_figures

    try:
        figures = graph_figures(open_source(graph, out_dir), load_vocabulary(), top=top)
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
@click.argument("graph", type=click.Path(path_type=Path), default=DEFAULT_OUT)
@click.argument("gold", type=click.Path(path_type=Path), default=Path("tests/gold"))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def evaluate(graph: Path, gold: Path, as_json: bool) -> None:
    """Precision, recall and F1 per entity class and relation type against gold annotations.

    GRAPH is a folder kg built (its store is read) or a Turtle file.
    """
    from kg.cli.check import names_a_folder
    from kg.evaluate.gold import evaluate as run_eval
    from kg.evaluate.gold import format_scores
    from kg.rdf.load import load_graph
    from kg.rdf.ontology import load_vocabulary
    from kg.store.database import store_path, union_graph

    try:
        if names_a_folder(graph):
            data = union_graph(store_path(graph), str(load_vocabulary().iri))
        else:
            data = load_graph(graph)
        scores = run_eval(data, gold)
    except KGError as error:
        _fail(error)
    click.echo(json.dumps(scores, ensure_ascii=False, indent=2) if as_json else format_scores(scores))
