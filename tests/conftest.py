"""The one conftest: a session-wide build of the seed corpus, shared by every test that needs it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from kg.build import build
from kg.rdf.ontology import load_vocabulary

# In CI the property tests draw the same examples every run, so that a red CI means the change
# broke something; run locally, they draw new ones each time (and look for new bugs).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def quads(out: Path) -> set[str] | None:
    """Every quad in the store of the folder ``out`` as text; ``None`` if it has no store."""
    from kg.store.database import open_store, store_path

    if not (store_path(out) / "CURRENT").is_file():
        return None
    return {str(q) for q in open_store(store_path(out))}


@pytest.fixture(scope="session")
def vocab():
    return load_vocabulary()


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = build([SEEDS], out)
    return result, out


@pytest.fixture(scope="session")
def seed_graph(seed_build):
    return seed_build[0].graph


@pytest.fixture(scope="session")
def virtuoso():
    """A throwaway Virtuoso on free loopback ports (tests/virtuoso.py); skipped when not installed."""
    from tests.virtuoso import NOT_INSTALLED, find_virtuoso, running_virtuoso

    if find_virtuoso() is None:
        pytest.skip(NOT_INSTALLED)
    with running_virtuoso() as server:
        yield server
