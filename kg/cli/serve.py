"""``kg serve`` and ``kg push``: the graph to others, over HTTP."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli import DEFAULT_OUT, cli
from kg.cli import fail as _fail
from kg.cores import usable_cores
from kg.errors import KGError


@cli.command()
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
    from kg.store.serve.server import Settings
    from kg.store.serve.server import serve as run_server

    settings = Settings(host=host, port=port, timeout=timeout, workers=usable_cores() if workers is None else workers,
                        queue=queue, max_rows=max_rows, access_log=not quiet)
    try:
        run_server(str(store_path(out_dir)), settings, lambda url: click.echo(
            f"serving {store_path(out_dir)} at {url}/sparql (query page {url}/, health {url}/health; "
            f"{settings.workers} workers); Ctrl-C stops"))
    except KGError as error:
        _fail(error)


@cli.command()
@click.argument("url")
@click.option("-o", "--out", "out_dir", default=DEFAULT_OUT, type=click.Path(path_type=Path), show_default=True,
              help="Folder kg built; its store's named graphs are pushed (one per article, and the ontology).")
@click.option("--user", default=None, help="User name, if the store asks for one.")
@click.option("--password", default=None, envvar="KG_PUSH_PASSWORD", help="Password (or set KG_PUSH_PASSWORD).")
@click.option("--graph-param", default="graph", show_default=True, help="Query parameter that names the graph.")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds to wait for the store to answer.")
@click.option("--concurrency", default=4, show_default=True, type=click.IntRange(min=1),
              help="How many graphs are sent at once.")
@click.option("--all", "everything", is_flag=True, help="Send every graph, not only those changed since the last push.")
def push(url: str, out_dir: Path, user: str | None, password: str | None, graph_param: str, timeout: float,
         concurrency: int, everything: bool) -> None:
    """Upload the graphs that changed since the last push to a triple store (SPARQL Graph Store Protocol).

    Example:

    \b
        kg push http://localhost:8890/sparql-graph-crud-auth --user dba --password dba
    """
    from kg.store.push import push_store

    try:
        result = push_store(out_dir, url, user=user, password=password, timeout=timeout, graph_param=graph_param,
                            concurrency=concurrency, everything=everything)
    except KGError as error:
        _fail(error)
    deleted = f"; deleted {result.deleted} graphs the build no longer has" if result.deleted else ""
    click.echo(f"pushed {result.graphs} graphs, {result.triples} triples to {url} in {result.seconds:.1f} s{deleted}")
