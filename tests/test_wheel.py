"""The wheel is the real test of packaging: build it, install it (not editable) into a fresh
virtual environment, and run kg from a folder outside the checkout.

The installed kg must carry everything it needs (ontology, shapes, named queries, lexicons,
the viewer's files) and must build the same ``out/`` bytes as the checkout does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

#: Files of ``out/`` that must be byte-identical whichever way kg was installed.
SAME_BYTES = ("graph.ttl", "graph.nt", "graph.nq", "graph.trig", "graph.jsonld", "context.jsonld",
              "graph.html", "ontology.ttl", "report.json")


def _run(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The ``bin`` folder of a fresh venv with kg installed from its wheel."""
    if shutil.which("git") is None:
        pytest.skip("git is needed to copy the checkout")
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"  # a clean copy: no build/ or egg-info left by an editable install
    _run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(source)], base)
    listed = [subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
              for command in (["git", "diff", "--name-only", "HEAD"], ["git", "ls-files", "-o", "--exclude-standard"])]
    for changed in sorted(set(listed[0]) | set(listed[1])):
        target = source / changed  # uncommitted work is part of what is tested
        if (ROOT / changed).is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / changed, target)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(base / "dist"), str(source)], base)
    wheel = next((base / "dist").glob("kg-*.whl"))
    _run([sys.executable, "-m", "venv", str(base / "venv")], base)
    bin_dir = base / "venv" / "bin"
    _run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)], base)
    return bin_dir


def test_wheel_builds_queries_validates_and_draws_from_outside_the_checkout(installed, seed_build, tmp_path):
    work = tmp_path / "elsewhere"
    shutil.copytree(SEEDS, work / "seeds")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{installed}{os.pathsep}{env.get('PATH', '')}"
    kg = str(installed / "kg")
    located = _run([kg, "build", "seeds", "-o", "out"], work, env)
    assert "documents" in located.stdout
    answer = _run([kg, "query", "located-in", "--param", "place=林芝市", "-o", "out"], work, env).stdout
    assert "巴宜区" in answer
    _run([kg, "validate", "out/graph.ttl"], work, env)
    drawn = _run([kg, "viz", "out/graph.ttl", "--focus", "林芝市", "--depth", "2"], work, env).stdout
    assert "entities" in drawn and (work / "out" / "view.html").is_file()
    # Installed from the wheel or run from the checkout: the same bytes.
    checkout = seed_build[1]
    for name in SAME_BYTES:
        assert (work / "out" / name).read_bytes() == (checkout / name).read_bytes(), name
    # And the installed package is really the one in use (no path into the checkout).
    where = _run([str(installed / "python"), "-c", "import kg; print(kg.__file__)"], work, env).stdout
    assert str(ROOT) not in where and "site-packages" in where
