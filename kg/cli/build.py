"""``kg build``: articles in, the graph, store, exports and viewer out."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli import DEFAULT_OUT, cli
from kg.cli import fail as _fail
from kg.cores import usable_cores
from kg.errors import KGError


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", default=DEFAULT_OUT, type=click.Path(path_type=Path), show_default=True,
              help="Folder for the store, graph.ttl and the other exports, graph.html and report.json.")
@click.option("--base", default=None, help="Base IRI for entities and documents.")
@click.option("--ontology", type=click.Path(path_type=Path), default=None, help="Ontology file (Turtle).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for extraction [default: one per core; 1: all in this process].")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on a Dask cluster (tcp://host:8786), or 'local' for a local one of --jobs workers.")
@click.option("--exports", type=click.Choice(["auto", "all", "minimal", "none"]), default="auto", show_default=True,
              help="Whole-graph files: all; minimal (graph.nt and graph.nq); none (the store and parts/ hold "
                   "everything); auto (all up to 2,000 articles, none above).")
@click.option("--text-field", default=None, help="CSV/JSONL field holding the text [text|content|body].")
@click.option("--title-field", default=None, help="CSV/JSONL field holding the title [title].")
@click.option("--date-field", default=None, help="CSV/JSONL field holding the date [date|published|pubdate].")
@click.option("--url-field", default=None, help="CSV/JSONL field holding the URL [url|link].")
@click.option("--id-field", default=None, help="CSV/JSONL field holding the record's id [id].")
@click.option("--max-chars", type=click.IntRange(min=1), default=500_000, show_default=True,
              help="Longest article, in characters as read; a longer one is skipped.")
def build(inputs: tuple[Path, ...], out_dir: Path, base: str | None, ontology: Path | None, jobs: int | None,
          scheduler: str | None, exports: str, max_chars: int, **fields: str | None) -> None:
    """Build the graph from articles: files or folders of .txt, .md, .html, .pdf, .docx,
    .csv, .jsonl, .warc(.gz) (default: seeds/).

    Examples:

    \b
        kg build seeds/ -o out/
        kg build exports/news.jsonl --text-field 正文 --id-field 编号
        kg build corpus/ -o out/ -j 8
        kg build corpus/ -o out/ --scheduler tcp://scheduler:8786
    """
    import dataclasses

    from kg.build import build as run_build
    from kg.build.progress import Progress
    from kg.rdf.iris import DEFAULT_BASE
    from kg.rdf.ontology import DEFAULT_ONTOLOGY
    from kg.text.sources import SourceOptions, formats_summary

    paths = list(inputs) or [Path("seeds")]
    options = dataclasses.replace(SourceOptions(), max_chars=max_chars, **{k: (v,) for k, v in fields.items() if v})
    try:
        result = run_build(paths, out_dir, base=base or DEFAULT_BASE, ontology=ontology or DEFAULT_ONTOLOGY,
                           jobs=jobs or usable_cores(), scheduler=scheduler, exports=exports,
                           options=options, progress=Progress())
    except (KGError, ValueError) as error:
        skipped = getattr(error, "skipped", [])
        for line in skipped if len(skipped) > 1 else ():  # one is said in the error line itself
            click.echo(f"kg: skipped {line}", err=True)
        _fail(error if isinstance(error, KGError) else KGError(str(error)))
    for line in result.errors:
        click.echo(f"kg: skipped {line}", err=True)
    report = result.report
    store = report["store"]
    documents = len(report["documents"])
    click.echo(f"{documents} documents ({len(report['extracted'])} extracted, {documents - len(report['extracted'])} "
               f"reused), {report['triples']} triples → {out_dir}/ (store: {store['added']} graphs added, "
               f"{store['replaced']} replaced, {store['removed']} removed)")
    click.echo("read: " + formats_summary(report.get("formats", {})))
    click.echo("entities: " + ", ".join(f"{k} {v}" for k, v in report["entities"].items()))
    click.echo("relations: " + ", ".join(f"{k} {v}" for k, v in report["relations"].items())
               + f", observations {report['observations']}")
