"""The ``kg`` command line: each command parses options and calls one library function.

The commands live beside this module, by what they do: :mod:`kg.cli.build`,
:mod:`kg.cli.query` (query, stats, eval), :mod:`kg.cli.serve` (serve, push) and
:mod:`kg.cli.check` (validate, viz). Every error a user can cause, a bad option
included, is one ``kg: error: …`` line and exit status 1; a traceback means a bug in kg.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.errors import KGError

__all__ = ["DEFAULT_OUT", "cli", "fail"]

DEFAULT_OUT = Path("out")


def fail(error: KGError) -> None:
    """Print ``error`` as one line and exit 1."""
    click.echo(f"kg: error: {error}", err=True)
    sys.exit(1)


class _OneLineUsage(click.Command):
    """A command whose bad options get one ``kg: error:`` line and exit 1, like every other error it reports."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            fail(KGError(f"{error.format_message().rstrip('.')}; see kg {self.name} --help"))
            raise


class _Group(click.Group):
    command_class = _OneLineUsage


@click.group(cls=_Group)
@click.version_option(package_name="kg")
def cli() -> None:
    """Build and query a knowledge graph of Chinese news and policy articles."""


from kg.cli import build, check, query, serve  # noqa: E402,F401  (they register their commands)
