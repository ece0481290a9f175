"""The same out/ bytes whatever runs the build: one process, worker processes, or a Dask cluster
started the way it runs on real machines (``dask scheduler`` and ``dask worker`` processes)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.build import build
from kg.build.outputs import AUTO_LIMIT, Outputs
from kg.errors import KGError
from kg.rdf.exports import EXPORTS, PLAIN
from tests.conftest import SEEDS, quads

#: Every file a build writes that must not depend on who ran it.
COMPARED = ("graph.nt", "graph.nq", "graph.ttl", "graph.trig", "graph.jsonld", "context.jsonld", "graph.html",
            "ontology.ttl", "report.json")


def _outputs(out: Path) -> dict[str, bytes]:
    files = {name: (out / name).read_bytes() for name in COMPARED}
    files.update({f"parts/{p.name}": p.read_bytes() for p in sorted((out / "parts").glob("*"))})
    return files


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    out = tmp_path_factory.mktemp("serial") / "out"
    build([SEEDS], out, jobs=1)
    return out


def test_worker_processes_give_the_same_bytes_as_one_process(serial, tmp_path, monkeypatch):
    monkeypatch.setattr("kg.build.SERIAL_BELOW", 0)  # five articles: worth workers here, to test them
    monkeypatch.setattr("kg.build.HELPER_FROM", 1)  # and the helper processes (exports, store, viewer)
    out = tmp_path / "out"
    result = build([SEEDS], out, jobs=2)
    assert len(result.memory) >= 2, "the work ran in worker processes"
    assert set(result.helpers) == {"store", "viewer", "exports"}, "the exports, the store and the viewer in helpers"
    assert _outputs(out) == _outputs(serial)
    assert quads(out) == quads(serial)


def test_articles_tagged_together_give_the_same_bytes_as_tagged_apart(serial, tmp_path, monkeypatch):
    """Which articles a map task tags together changes with the number of workers (the serial build
    tags the seeds one by one); the output may not."""
    monkeypatch.setattr("kg.build.map_groups", lambda articles, fresh, workers: [articles])
    out = tmp_path / "out"
    assert len(build([SEEDS], out, jobs=1).report["extracted"]) == 5
    assert _outputs(out) == _outputs(serial)


@pytest.mark.parametrize("large", [True, False])
def test_a_large_build_lets_the_models_go_before_its_last_step(large, tmp_path, monkeypatch):
    """From RELEASE_FROM articles, the process that ran the map in itself holds no model while the
    store and the viewer are made; below it, the models stay for the next build."""
    from kg.extract import lac, name_model, nlp

    monkeypatch.setattr("kg.build.RELEASE_FROM", 1 if large else 10_000)
    held = {}
    monkeypatch.setattr("kg.build.outputs.finish_outputs", _noting(held, lambda: [f.cache_info().currsize for f in
                                                                        (nlp.make_nlp, lac.lac, name_model.tagger)]))
    result = build([SEEDS], tmp_path / "out", jobs=1)
    assert result.report["extracted"], "the map ran, in this process"
    assert held["value"] == ([0, 0, 0] if large else [1, 1, 1])


def _noting(held: dict, what):
    """``kg.build.outputs.finish_outputs`` that first notes ``what()`` in ``held``."""
    from kg.build.outputs import finish_outputs

    def noted(*args, **kwargs):
        held["value"] = what()
        return finish_outputs(*args, **kwargs)

    return noted


def _dask(*args: str) -> list[str]:
    return [sys.executable, "-m", "distributed.cli.dask_" + args[0], *args[1:]]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two single-threaded workers, each its own process, on loopback."""
    folder = tmp_path_factory.mktemp("dask")
    address_file = folder / "scheduler.json"
    env = {**os.environ, "KG_THREADS": "1", "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    logs = [(folder / f"{name}.log").open("wb") for name in ("scheduler", "worker-1", "worker-2")]
    processes = [subprocess.Popen(_dask("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                        "--scheduler-file", str(address_file)),
                                  stdout=logs[0], stderr=subprocess.STDOUT, env=env, cwd=folder)]
    try:
        deadline = time.monotonic() + 60
        while not address_file.is_file():
            assert time.monotonic() < deadline and processes[0].poll() is None, "the scheduler did not start"
            time.sleep(0.2)
        for log in logs[1:]:
            processes.append(subprocess.Popen(
                _dask("worker", "--scheduler-file", str(address_file), "--nworkers", "1", "--nthreads", "1",
                      "--no-dashboard", "--host", "127.0.0.1"),
                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=folder))
        address = json.loads(address_file.read_text())["address"]
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_dask_cluster_gives_the_same_bytes_as_one_process(serial, cluster, tmp_path):
    out = tmp_path / "out"
    build([SEEDS], out, scheduler=cluster)
    assert _outputs(out) == _outputs(serial)
    assert quads(out) == quads(serial)


def test_a_local_dask_cluster_gives_the_same_bytes(serial, tmp_path, monkeypatch):
    monkeypatch.setattr("kg.build.SERIAL_BELOW", 0)  # five articles: worth a cluster here, to test it
    out = tmp_path / "out"
    result = build([SEEDS], out, jobs=2, scheduler="local")
    assert len(result.memory) >= 2, "the work ran on the cluster's workers"
    assert _outputs(out) == _outputs(serial)


def test_a_few_new_articles_start_no_local_cluster(serial, tmp_path, monkeypatch):
    """Adding an article to a build made with ``--scheduler local`` runs here, as ``-j N`` does."""
    import kg.build

    asked = []
    monkeypatch.setattr("kg.build.make_executor", lambda jobs, scheduler: asked.append((jobs, scheduler))
                        or kg.build.executors.make_executor(jobs, scheduler))
    out = tmp_path / "out"
    build([SEEDS], out, jobs=2, scheduler="local")
    assert asked == [(1, None)] and _outputs(out) == _outputs(serial)


def test_an_unreachable_scheduler_is_one_line(tmp_path):
    from click.testing import CliRunner

    from kg.cli import cli

    result = CliRunner().invoke(cli, ["build", str(SEEDS), "-o", str(tmp_path / "out"),
                                      "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1 and result.stderr.startswith("kg: error: cannot reach the Dask scheduler")
    assert result.stderr.count("\n") == 1 and not (tmp_path / "out" / "graph.nt").exists()


@pytest.mark.parametrize("exports, articles, which", [
    ("auto", 1, "every"),
    ("auto", AUTO_LIMIT, "every"),
    ("auto", AUTO_LIMIT + 1, "none"),
    ("all", AUTO_LIMIT * 10, "every"),
    ("minimal", 1, "plain"),
    ("none", 1, "none"),
])
def test_which_whole_graph_exports(exports, articles, which):
    assert Outputs.choose(exports, articles).which == {"every": EXPORTS, "plain": PLAIN, "none": ()}[which]


def test_exports_none_then_minimal_then_all_only_add_files(tmp_path):
    out = tmp_path / "out"
    none = build([SEEDS], out, exports="none")
    assert not [name for name in EXPORTS if (out / name).exists()]
    assert (out / "graph.html").is_file() and list((out / "parts").glob("part-*.nq.gz"))
    store = quads(out)
    minimal = build([SEEDS], out, exports="minimal")
    assert sorted(name for name in EXPORTS if (out / name).exists()) == sorted(PLAIN)
    with (out / "graph.nt").open("rb") as lines:
        assert none.report["triples"] == minimal.report["triples"] == sum(1 for _ in lines) > 0
    assert quads(out) == store and not minimal.report["extracted"]
    build([SEEDS], out, exports="all")
    assert all((out / name).is_file() for name in EXPORTS) and quads(out) == store
    assert len(build([SEEDS], out, exports="none").graph) == none.report["triples"]  # read from the store


def test_unknown_exports_choice_is_one_clear_error():
    with pytest.raises(KGError, match="--exports 'some'"):
        Outputs.choose("some", 1)


class _Result:
    """A result a worker sends back (weak references reach it, unlike a dict's)."""

    def __init__(self, n: int) -> None:
        self.n = n


def _square(n: int) -> _Result:
    return _Result(n * n)


def test_worker_results_are_let_go_once_taken():
    """The driver holds one partition's result at a time, not every result until the last."""
    import gc
    import weakref

    from kg.build.executors import Processes

    with Processes(2) as pool:
        seen, taken, most = [], [], 0
        for i, result in pool.map(_square, list(range(12))):
            seen.append((i, result.n))
            taken.append(weakref.ref(result))
            del result
            gc.collect()
            most = max(most, sum(ref() is not None for ref in taken))  # while the map is still going
        assert sorted(seen) == [(i, i * i) for i in range(12)] and most <= 1


class _Teardown:
    """Writes a mark when it is torn down: a worker's module globals are, at a normal exit."""

    def __init__(self, mark: str) -> None:
        self.mark = mark

    def __del__(self) -> None:
        Path(self.mark).write_text("torn down")


_held: list[_Teardown] = []


def _hold(folder: str) -> int:
    _held.append(_Teardown(f"{folder}/{os.getpid()}.teardown"))  # lives until the worker's interpreter exits
    Path(folder, f"{os.getpid()}.task").write_text("written")
    return os.getpid()


def test_worker_processes_exit_without_tearing_down_what_they_hold(tmp_path):
    """A worker's models are hundreds of MB of objects: at the end of the map the workers exit
    at once rather than tear them down, and what their tasks wrote is all there."""
    from kg.build.executors import Processes

    with Processes(2) as pool:
        pids = {pid for _, pid in pool.map(_hold, [str(tmp_path)] * 4)}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{pid}.task" for pid in pids)


def test_dask_results_are_let_go_once_taken():
    """On a cluster too, a partition's result is released once the build has taken it."""
    import time

    from distributed import LocalCluster

    from kg.build.executors import Dask

    def held_after(dask: Dask, most: int) -> int:  # tasks the scheduler keeps, once it has caught up (≤ 10 s)
        deadline = time.monotonic() + 10
        while (held := dask._client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))) > most:
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        return held

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0") as cluster, \
            Dask(cluster.scheduler_address, 1) as dask:
        items, seen = list(range(8)), []
        for taken, (i, result) in enumerate(dask.map(_square, items), start=1):
            seen.append((i, result.n))
            del result
            assert held_after(dask, len(items) - taken + 1) <= len(items) - taken + 1  # the rest, and this one
        assert sorted(seen) == [(i, i * i) for i in items]


@pytest.mark.parametrize("articles, fresh, workers",
                         [(500, 500, 2), (500, 3, 2), (50, 50, 2), (5, 5, 1), (2000, 700, 8)])
def test_map_tasks_take_partitions_whole_and_in_order(articles, fresh, workers):
    from kg.build.partitions import TAIL_BATCH, by_partition, map_groups
    from kg.build.tasks import EXTRACT_BATCH, Article
    from kg.text.sources import Source

    listed = [Article(f"doc-{i}", f"{i:08x}", Source(Path(f"{i}.txt"), "txt")) for i in range(articles)]
    new = {a.doc_id for a in listed[::max(1, articles // fresh)][:fresh]}
    groups = map_groups(listed, new, workers)
    assert [a for group in groups for a in group] == [a for part in by_partition(listed).values() for a in part]
    counts = [sum(a.doc_id in new for a in group) for group in groups]
    size = max(1, min(EXTRACT_BATCH, fresh // (4 * workers)))
    floor = min(size, TAIL_BATCH) if workers > 1 else size
    assert all(count >= floor for count in counts[:-1]) and all(count < size + 16 for count in counts)
    if workers > 1 and size > TAIL_BATCH:  # the last tasks shrink, and only the last two rounds of them
        assert counts[-1] < size
        short = next(i for i, count in enumerate(counts) if count < size)
        assert sum(counts[short:]) <= 2 * workers * size
    assert sum(count > 0 for count in counts) >= min(4 * workers, fresh)  # four tasks a worker, if there is work


_GIVE_BACK = """
from kg.memory import give_back
def rss():
    return next(int(line.split()[1]) // 1024 for line in open("/proc/self/status") if line.startswith("VmRSS"))
blocks = [bytes(8000) for _ in range(25_000)]  # 200 MB in pieces the C allocator keeps in its heap
kept = blocks[::100]  # and some still in use among them, as a closed store leaves the heap
del blocks
before = rss()
give_back()
print(before, rss())
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the resident set from /proc (Linux)")
def test_memory_a_helper_hands_back_what_it_freed():
    """Freed memory stays with the process until :func:`kg.memory.give_back`; then the process is back to its size."""
    run = subprocess.run([sys.executable, "-c", _GIVE_BACK], capture_output=True, text=True, check=True)
    before, after = map(int, run.stdout.split())
    assert before > 150, "the freed blocks were still held"
    assert after < before - 120
