"""The ``kg`` command line: each command parses options and calls one library function."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from kg.errors import KGError, QueryError

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
              help="Folder for the store, graph.ttl and the other exports, graph.html and report.json.")
@click.option("--base", default=None, help="Base IRI for entities and documents.")
@click.option("--ontology", type=click.Path(path_type=Path), default=None, help="Ontology file (Turtle).")
def build(inputs: tuple[Path, ...], out_dir: Path, base: str | None, ontology: Path | None) -> None:
    """Build the graph from .txt files or folders (default: seeds/).

    Example:

    \b
        kg build seeds/ -o out/
    """
    from kg.build import build as run_build
    from kg.rdf.iris import DEFAULT_BASE
    from kg.rdf.ontology import DEFAULT_ONTOLOGY

    paths = list(inputs) or [Path("seeds")]

    def progress(path: Path) -> None:  # only on a terminal: logs and pipes get the summary alone
        if sys.stderr.isatty():
            click.echo(f"\rextracting {path.name}\x1b[K", err=True, nl=False)

    try:
        result = run_build(paths, out_dir, base=base or DEFAULT_BASE, ontology=ontology or DEFAULT_ONTOLOGY,
                           progress=progress)
    except (KGError, ValueError) as error:
        _fail(error if isinstance(error, KGError) else KGError(str(error)))
    finally:
        if sys.stderr.isatty():
            click.echo("\r\x1b[K", err=True, nl=False)
    for line in result.errors:
        click.echo(f"kg: skipped {line}", err=True)
    report = result.report
    store = report["store"]
    click.echo(f"{len(report['documents'])} documents ({len(report['extracted'])} extracted, "
               f"{len(report['documents']) - len(report['extracted'])} reused), "
               f"{report['triples']} triples → {out_dir}/ (store: {store['added']} graphs added, "
               f"{store['replaced']} replaced, {store['removed']} removed)")
    click.echo("entities: " + ", ".join(f"{k} {v}" for k, v in report["entities"].items()))
    click.echo("relations: " + ", ".join(f"{k} {v}" for k, v in report["relations"].items())
               + f", observations {report['observations']}")


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
@click.argument("graph", type=click.Path(path_type=Path), default=DEFAULT_OUT / "graph.ttl")
@click.option("--top", default=10, show_default=True, help="How many most-connected entities to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(graph: Path, top: int, as_json: bool) -> None:
    """networkx figures: counts, degree, components, most connected entities."""
    from kg.rdf.load import load_graph
    from kg.rdf.ontology import load_vocabulary
    from kg.viz.analytics import summary, to_networkx

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
@click.argument("graph", type=click.Path(path_type=Path), default=DEFAULT_OUT / "graph.ttl")
@click.argument("gold", type=click.Path(path_type=Path), default=Path("tests/gold"))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def evaluate(graph: Path, gold: Path, as_json: bool) -> None:
    """Precision, recall and F1 per entity class and relation type against gold annotations."""
    from kg.evaluate.gold import evaluate as run_eval
    from kg.evaluate.gold import format_scores
    from kg.rdf.load import load_graph

    try:
        scores = run_eval(load_graph(graph), gold)
    except KGError as error:
        _fail(error)
    click.echo(json.dumps(scores, ensure_ascii=False, indent=2) if as_json else format_scores(scores))


class _OneLineUsage(click.Command):
    """A command whose bad options get one ``kg: error:`` line and exit 1, like every other error it reports."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            _fail(KGError(f"{error.format_message().rstrip('.')}; see kg {self.name} --help"))
            raise


@cli.command(cls=_OneLineUsage)
@click.option("-o", "--out", "out_dir", default=DEFAULT_OUT, type=click.Path(path_type=Path), show_default=True,
              help="Folder kg built; its store is served.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds a query may run before it is stopped (503).")
@click.option("--workers", default=None, type=int, help="Worker processes that answer queries [default: one per core].")
@click.option("--queue", default=512, show_default=True,
              help="Queries that may wait for a worker; past that, 503 with Retry-After.")
@click.option("--max-rows", default=100_000, show_default=True,
              help="Rows (triples for CONSTRUCT) an answer may have; a larger one is refused.")
@click.option("--quiet", is_flag=True, help="No access log (one line per query on stderr).")
def serve(out_dir: Path, host: str, port: int, timeout: float, workers: int | None, queue: int, max_rows: int,
          quiet: bool) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint, with a query page at / and GET /health.

    Example:

    \b
        kg serve --port 7878
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 3' localhost:7878/sparql
    """
    from kg.store.database import store_path
    from kg.store.serve.server import Settings, cores
    from kg.store.serve.server import serve as run_server

    settings = Settings(host=host, port=port, timeout=timeout, workers=cores() if workers is None else workers,
                        queue=queue, max_rows=max_rows, access_log=not quiet)
    try:
        run_server(str(store_path(out_dir)), settings, lambda url: click.echo(
            f"serving {store_path(out_dir)} at {url}/sparql (query page {url}/, health {url}/health; "
            f"{settings.workers} workers); Ctrl-C stops"))
    except KGError as error:
        _fail(error)


@cli.command(name="validate")
@click.argument("graph", type=click.Path(path_type=Path), default=DEFAULT_OUT / "graph.ttl")
@click.option("--shapes", type=click.Path(path_type=Path), default=None,
              help="SHACL shapes file (Turtle); default: the shapes shipped with kg (kg/rdf/shapes.ttl).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate_graph(graph: Path, shapes: Path | None, fmt: str) -> None:
    """Check a graph against the SHACL shapes; exit 1 when it has violations.

    Example:

    \b
        kg validate out/graph.ttl
    """
    from kg.rdf.validate import DEFAULT_SHAPES, format_report, load_data, validate

    try:
        report = validate(load_data(graph), shapes or DEFAULT_SHAPES)
    except KGError as error:
        _fail(error)
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if fmt == "json" else format_report(report))
    if not report.conforms:
        sys.exit(1)


@cli.command()
@click.argument("url")
@click.option("-o", "--out", "out_dir", default=DEFAULT_OUT, type=click.Path(path_type=Path), show_default=True,
              help="Folder kg built; its store's named graphs are pushed (one per article, and the ontology).")
@click.option("--user", default=None, help="User name, if the store asks for one.")
@click.option("--password", default=None, envvar="KG_PUSH_PASSWORD", help="Password (or set KG_PUSH_PASSWORD).")
@click.option("--graph-param", default="graph", show_default=True, help="Query parameter that names the graph.")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds to wait for the store to answer.")
def push(url: str, out_dir: Path, user: str | None, password: str | None, graph_param: str, timeout: float) -> None:
    """Upload the graph to a triple store, one named graph per article (SPARQL Graph Store Protocol).

    Example:

    \b
        kg push http://localhost:8890/sparql-graph-crud-auth --user dba --password dba
    """
    from kg.store.push import push_store

    try:
        result = push_store(out_dir, url, user=user, password=password, timeout=timeout, graph_param=graph_param)
    except KGError as error:
        _fail(error)
    deleted = f"; deleted {result.deleted} graphs of removed articles" if result.deleted else ""
    click.echo(f"pushed {result.graphs} graphs, {result.triples} triples to {url} in {result.seconds:.1f} s{deleted}")


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
    from kg.rdf.load import load_graph
    from kg.rdf.ontology import load_vocabulary
    from kg.viz.viewer import write_html

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
