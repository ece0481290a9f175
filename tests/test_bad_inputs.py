"""Bad input, end to end: one table of what a user can really get wrong, and what kg says and leaves.

Each row is run as a user runs it: the ``kg`` command through click's CliRunner, or as a
process where the case needs one (a build killed with ``kill -9``, a build that another build
holds off, a reader without root's power to read any file). Each row checks three things:

* what kg says: one ``kg: error: …`` or ``kg: skipped …`` line that names the input and what
  to do, and never a traceback;
* the exit status;
* what is left: the files of the previous good build in ``out/`` byte for byte and its store
  quad for quad after a failed build, no staging folder or partial file, and everything the
  user gave (articles, ontology, folders) untouched.

README.md's "Bad input" table has one row per case, in the same order (checked at the end).
Every article is made here from sentences we wrote ourselves; the good article is a seed.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from kg.build import build
from kg.build.progress import Progress
from kg.cli import cli
from kg.rdf.exports import EXPORTS
from kg.rdf.iris import Minter
from kg.rdf.ontology import DEFAULT_ONTOLOGY
from kg.state import read_record
from kg.store.database import open_store, store_path
from tests.conftest import ROOT, SEEDS, quads
from tests.test_push import _Recorder, read_graphs, serving
from tests.virtuoso import free_port

GOOD = SEEDS / "004_72962b98874534b5.txt"  # the good article: a seed, copied as good.txt

# Our own sentences, in the style of local-governance news.
NEW = ("林芝市巴宜区林芝镇召开党建引领乡村振兴工作会议。镇党委书记在会上强调，要把“双报到”与网格化管理结合起来，"
       "推动机关党员到社区报到、为群众办实事。2023年，全镇新发展党员32名，调处矛盾纠纷48件。\n")
SIMPLIFIED = ("山南市乃东区昌珠镇召开基层治理工作推进会。会议要求，各村党支部要深化“党建+综治中心+网格化管理”，"
              "组织党员干部下沉一线，及时化解矛盾纠纷。今年以来，全镇共排查化解矛盾纠纷126件。\n")
TRADITIONAL = ("拉薩市城關區八廓街道黨工委組織開展“雙報到”活動，轄區機關黨員到社區報到，參與環境整治和政策宣講。"
               "今年以來，街道新發展黨員15名。\n")
BOM = ("日喀则市桑珠孜区年木乡组织开展民族团结进步宣传月活动，乡党委班子成员深入各村宣讲惠民政策，"
       "群众参与达1200人次。\n")
LONG_LINE = "那曲市色尼区那曲镇推进网格化管理，党员干部分片包干，做到小事不出网格、大事不出镇。"
TEN_MB = LONG_LINE.encode() * (10_000_000 // len(LONG_LINE.encode()))  # one line, no newline
INJECTION = 'place=浙江省"@zh } ?x ?p ?o . { ?x ?p "'  # a place the good article names, and then some
OLD_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8  # an old .doc's signature, and binary
DAMAGED = NEW.encode()[:60] + b"\0\0\0\0" + NEW.encode()[60:]  # a copy cut short and padded with NULs mid-way
LATIN_1 = "Compte rendu de la réunion du comité, café et crème.\n".encode("latin-1")
MIXED = {"gb.txt": SIMPLIFIED.encode("gb18030"), "big5.txt": TRADITIONAL.encode("big5"),
         "bom.txt": b"\xef\xbb\xbf" + BOM.encode()}
ENCODINGS = {"gb": "gb18030", "big5": "big5", "bom": "utf-8"}
SETPRIV = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search", "--"]
PROCESS_TIMEOUT = 600


class Said(NamedTuple):
    """What one ``kg`` command did: its exit status, standard output and error, and how long it took."""

    status: int
    stdout: str
    stderr: str
    seconds: float


def invoke(args: list[str]) -> Said:
    """``kg ARGS`` through CliRunner; an exception that escapes is written out as the traceback a user would see."""
    started = time.monotonic()
    result = CliRunner().invoke(cli, args)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return Said(result.exit_code, result.stdout, stderr, time.monotonic() - started)


def process(args: list[str], prefix: tuple[str, ...] = ()) -> Said:
    """``kg ARGS`` as a process of its own (after ``prefix``, e.g. setpriv)."""
    started = time.monotonic()
    done = subprocess.run([*prefix, sys.executable, "-m", "kg", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=PROCESS_TIMEOUT)
    return Said(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


@dataclass
class World:
    """One case's folders: the user's articles, other things the user gives, and ``out/`` with a good build in it."""

    tmp: Path
    monkeypatch: pytest.MonkeyPatch
    corpus: Path = field(init=False)
    given: Path = field(init=False)
    out: Path = field(init=False)
    url: str = ""
    port: int = 0
    run: Callable[[list[str]], Said] = invoke
    gone: set[str] = field(default_factory=set)  # inputs the case itself removes
    state: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.corpus, self.given, self.out = self.tmp / "corpus", self.tmp / "given", self.tmp / "out"

    def args(self, command: str) -> list[str]:
        places = {"{corpus}": self.corpus, "{given}": self.given, "{out}": self.out, "{tmp}": self.tmp,
                  "{url}": self.url, "{port}": self.port}
        words = shlex.split(command)
        for name, value in places.items():
            words = [word.replace(name, str(value)) for word in words]
        return words

    def expect(self, says: str) -> re.Pattern:
        """``says`` as a pattern: the placeholders are this world's paths, ``…`` stands for anything."""
        pattern = ".*".join(re.escape(piece) for piece in says.split("…"))
        for name in ("corpus", "given", "out", "tmp", "url", "port"):
            pattern = pattern.replace(re.escape("{" + name + "}"), re.escape(str(getattr(self, name))))
        return re.compile(pattern)


# --- what is where: the user's inputs, out/ and the store --------------------------------------------

def inputs(world: World) -> dict[str, object]:
    """Everything the user gave, without following links: a file's mode and bytes, a link's target."""
    seen: dict[str, object] = {}
    for folder in (world.corpus, world.given):
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(world.tmp).as_posix()
            if path.name in world.gone:
                continue
            info = path.lstat()
            if path.is_symlink():
                seen[name] = ("link", os.readlink(path))
            elif path.is_file():
                readable = os.access(path, os.R_OK)
                seen[name] = (info.st_mode, path.read_bytes() if readable else None)
            else:
                seen[name] = (info.st_mode,)
    return seen


_CACHES = ("store/", ".kg/extractions/", ".kg/graphs/", ".kg/partitions/", ".kg/lock", ".kg/pushed.json")


def out_files(out: Path) -> dict[str, bytes]:
    """Every file in ``out/`` by path, but the store's own (compared by quads), the content-keyed caches
    (a failed build may add entries), the record of pushes (checked by the push cases) and staging
    folders (:func:`leftovers` checks there are none)."""
    if not out.is_dir():
        return {}
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.relative_to(out).as_posix().startswith(_CACHES)
            and not p.relative_to(out).parts[0].startswith((".kg-", ".store-old"))}


def leftovers(out: Path) -> list[str]:
    """Staging folders, a store moved aside and partial files: what a build must never leave behind."""
    if not out.is_dir():
        return []
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                  if p.name.startswith((".kg-", ".store-old")) or p.name.endswith(".partial"))


def documents(out: Path) -> list[str]:
    store = open_store(store_path(out))
    return sorted(g.value.rsplit("/doc/", 1)[1] for g in store.named_graphs() if "/doc/" in g.value)


# --- what is left: one of these per row --------------------------------------------------------------

def untouched(world: World, said: Said) -> None:
    """The previous good build, byte for byte and quad for quad (the other build that holds out/
    is paused; once it finishes, :func:`another_build` checks it left nothing behind)."""
    assert out_files(world.out) == world.state["files"], "a file in out/ changed"
    assert quads(world.out) == world.state["quads"], "the store changed"


def as_before(world: World, said: Said) -> None:
    """The previous good build, byte for byte and quad for quad, and nothing left behind."""
    untouched(world, said)
    assert leftovers(world.out) == []


def built(*ids: str, encodings: dict[str, str] | None = None, seconds: float | None = None):
    """The build went on without the bad input: exactly these articles are in the store and the report."""

    def check(world: World, said: Said) -> None:
        report = read_record(world.out / "report.json")
        assert report["documents"] == sorted(ids) == documents(world.out)
        assert len(report["skipped"]) == len([line for line in said.stderr.splitlines() if line.startswith("kg: skipped")])
        assert leftovers(world.out) == []
        store = open_store(store_path(world.out))
        for doc_id, encoding in (encodings or {}).items():
            query = f"SELECT ?e WHERE {{ <{Minter().document(doc_id)}> kg:encoding ?e }}"
            rows = list(store.query(query, prefixes={"kg": "https://example.org/kg/ontology#"},
                                    use_default_graph_as_union=True))
            assert [row["e"].value for row in rows] == [encoding], doc_id
        if seconds is not None:
            assert said.seconds < seconds, f"took {said.seconds:.0f} s"

    return check


def no_folder(world: World, said: Said) -> None:
    """Nothing was made where -o pointed, and the previous good build is as it was."""
    assert not (world.tmp / "ro" / "out").exists()
    as_before(world, said)


def same_as_a_clean_build(world: World, said: Said) -> None:
    """After a build killed half-way, the next one gives what a build into an empty folder gives."""
    clean = world.tmp / "clean"
    build([world.corpus], clean)
    files = [*EXPORTS, "graph.html", "ontology.ttl", *(f"parts/{p.name}" for p in sorted((clean / "parts").iterdir()))]
    assert sorted(p.name for p in (world.out / "parts").iterdir()) == sorted(p.name for p in (clean / "parts").iterdir())
    for name in files:
        assert (world.out / name).read_bytes() == (clean / name).read_bytes(), name
    assert quads(world.out) == quads(clean)
    assert documents(world.out) == ["good", "new"]
    assert leftovers(world.out) == []


def answers_nothing(world: World, said: Said) -> None:
    """The value was bound as one literal (no place has that name), and the store is as it was."""
    assert said.stdout.splitlines()[2:] == []
    honest = invoke(["query", "located-in", "--param", "place=浙江省", "-o", str(world.out)])
    assert honest.status == 0 and len(honest.stdout.splitlines()) > 2, "the query answers a plain value"
    as_before(world, said)


def nothing_pushed(world: World, said: Said) -> None:
    assert read_record(world.out / ".kg" / "pushed.json").get(world.url, {}) == {}
    as_before(world, said)


def pushed_half_then_the_rest(world: World, said: Said) -> None:
    """What the server took is recorded; the next push sends the rest, and no graph twice."""
    every = [iri for iri, _ in read_graphs(world.out)]
    recorder, requests = world.state["recorder"], world.state["requests"]
    taken = sorted(read_record(world.out / ".kg" / "pushed.json")[world.url])
    assert 0 < len(taken) < len(every) and taken == sorted(_iri(path) for path, _, _ in requests[:len(taken)])
    recorder.fail_after = None
    requests.clear()
    again = invoke(["push", world.url, "-o", str(world.out)])
    assert again.status == 0, again.stderr
    assert sorted(_iri(path) for path, _, _ in requests) == sorted(set(every) - set(taken))
    assert sorted(read_record(world.out / ".kg" / "pushed.json")[world.url]) == sorted(every)
    as_before(world, said)


def _iri(path: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(path).query)["graph"][0]


# --- situations: what the user did before running the command ----------------------------------------

@contextmanager
def nothing_more(world: World) -> Iterator[None]:
    yield


def articles(files: dict[str, bytes]) -> Callable[[World], object]:
    """These files in the user's folder of articles, beside good.txt."""

    @contextmanager
    def situation(world: World) -> Iterator[None]:
        for name, data in files.items():
            (world.corpus / name).write_bytes(data)
        yield

    return situation


@contextmanager
def symlink_loop(world: World) -> Iterator[None]:
    (world.corpus / "loop.txt").symlink_to("loop.txt")
    yield


@contextmanager
def unreadable(world: World) -> Iterator[None]:
    """A file its owner may not read; root reads any file, so kg runs as root without that power (setpriv)."""
    (world.corpus / "locked.txt").write_bytes(NEW.encode())
    (world.corpus / "locked.txt").chmod(0)
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None or subprocess.run([*SETPRIV, "true"], capture_output=True).returncode:
            pytest.skip("root reads any file, and setpriv cannot drop that power here (CAP_DAC_OVERRIDE)")
        prefix = tuple(SETPRIV)
    world.run = lambda args: process(args, prefix)
    yield


@contextmanager
def vanishing(world: World) -> Iterator[None]:
    """A file removed after kg has listed the inputs and before it reads it to extract: removed by the
    build's own progress display, which kg tells when extraction starts."""
    (world.corpus / "gone.txt").write_bytes(NEW.encode())
    world.gone.add("gone.txt")

    class Removing(Progress):
        def start(self, total: int) -> None:
            (world.corpus / "gone.txt").unlink()
            super().start(total)

    world.monkeypatch.setattr("kg.build.progress.Progress", Removing)
    yield


@contextmanager
def given_file(world: World) -> Iterator[None]:
    (world.given / "some-file").write_text("这是用户自己的笔记，不是输出目录。\n", encoding="utf-8")
    yield


@contextmanager
def empty_folder(world: World) -> Iterator[None]:
    (world.given / "empty").mkdir()
    yield


def ontology(edit: Callable[[str], str]) -> Callable[[World], object]:
    """The user's own copy of the ontology, edited."""

    @contextmanager
    def situation(world: World) -> Iterator[None]:
        text = DEFAULT_ONTOLOGY.read_text(encoding="utf-8")
        edited = edit(text)
        assert edited != text
        (world.given / "kg.ttl").write_text(edited, encoding="utf-8")
        yield

    return situation


def _without_located_in(text: str) -> str:
    return re.sub(r"(?ms)^kg:locatedIn a .*?\.\n\n", "", text)


def _unterminated(text: str) -> str:
    return text.replace('"位于"@zh', '"位于@zh', 1)


@contextmanager
def mounted(folder: Path, *options: str) -> Iterator[Path]:
    """A small tmpfs at ``folder``; skipped (with the reason) where this process may not mount one."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(("size=24m", *options)), "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a small file system here ({done.stderr.strip() or 'mount failed'}); "
                    "run the tests as root to check a full or read-only disk")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@contextmanager
def read_only_place(world: World) -> Iterator[None]:
    with mounted(world.tmp / "ro", "ro"):
        yield


@contextmanager
def read_only_out(world: World) -> Iterator[None]:
    """The previous good build on a disk that has since become read-only."""
    with mounted(world.tmp / "disk") as disk:
        shutil.copytree(world.out, disk / "out")
        world.out = disk / "out"
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        yield


def _fill(disk: Path, leave: int) -> None:
    """Write a file until the disk is full, then give ``leave`` bytes back."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as handle:
        for chunk in (b"\0" * (1 << 20), b"\0" * 4096):
            try:
                while True:
                    handle.write(chunk)
            except OSError:
                pass
    os.truncate(filler, max(filler.stat().st_size - leave, 0))


def full_disk(leave: int) -> Callable[[World], object]:
    """The previous good build on a disk with ``leave`` bytes free, and a new article to build."""

    @contextmanager
    def situation(world: World) -> Iterator[None]:
        (world.corpus / "new.txt").write_bytes(NEW.encode())
        with mounted(world.tmp / "disk") as disk:
            shutil.copytree(world.out, disk / "out")
            world.out = disk / "out"
            _fill(disk, leave)
            yield

    return situation


def _other_build(world: World, sign: str, what: str) -> subprocess.Popen:
    """A real ``kg build`` of good.txt and a new article into the same out/, returned once ``sign``
    (a pattern in out/) shows that ``what`` has happened."""
    (world.corpus / "new.txt").write_bytes(NEW.encode())
    log = world.tmp / "other-build.log"
    with log.open("w") as handle:
        other = subprocess.Popen([sys.executable, "-m", "kg", "build", str(world.corpus), "-o", str(world.out), "-j", "1"],
                                 cwd=ROOT, stdout=handle, stderr=handle)
    deadline = time.monotonic() + PROCESS_TIMEOUT
    while not any(world.out.glob(sign)):
        if other.poll() is not None or time.monotonic() > deadline:
            other.kill()
            raise AssertionError(f"the other build ended, or ran {PROCESS_TIMEOUT} s, before {what}: {log.read_text()}")
        time.sleep(0.005)
    return other


@contextmanager
def another_build(world: World) -> Iterator[None]:
    """A real ``kg build`` into the same out/, paused (SIGSTOP) while it holds the folder; it finishes afterwards."""
    other = _other_build(world, ".kg-build-*", "it took out/")
    try:
        other.send_signal(signal.SIGSTOP)
        yield
    finally:
        other.send_signal(signal.SIGCONT)
        status = other.wait(timeout=PROCESS_TIMEOUT)
    assert status == 0, (world.tmp / "other-build.log").read_text(encoding="utf-8")
    assert documents(world.out) == ["good", "new"] and leftovers(world.out) == []


@contextmanager
def killed_build(world: World) -> Iterator[None]:
    """A real ``kg build`` of one new article, killed with SIGKILL while it writes the exports: out/
    and the store are still the previous build's, and its staging folder is left behind."""
    other = _other_build(world, ".kg-build-*/graph.nt", "it wrote the exports")
    other.kill()
    other.wait(timeout=PROCESS_TIMEOUT)
    untouched(world, Said(-signal.SIGKILL, "", "", 0.0))
    assert leftovers(world.out), "the killed build left its staging folder (the next build clears it)"
    yield


@contextmanager
def store_server(world: World, answer) -> Iterator[None]:
    with serving(answer) as (url, requests):
        world.url = url
        world.state["requests"] = requests
        yield


@contextmanager
def unreachable(world: World) -> Iterator[None]:
    world.url = f"http://127.0.0.1:{free_port()}/store"
    yield


@contextmanager
def asking_for_a_password(world: World) -> Iterator[None]:
    with store_server(world, lambda handler: (401, {"WWW-Authenticate": 'Basic realm="kg"'}, b"")):
        yield


@contextmanager
def failing_half_way(world: World) -> Iterator[None]:
    world.state["recorder"] = recorder = _Recorder(fail_after=5)
    with store_server(world, recorder):
        yield


@contextmanager
def busy_port(world: World) -> Iterator[None]:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        world.port = taken.getsockname()[1]
        yield


class Case(NamedTuple):
    input: str
    situation: Callable[[World], object]
    command: str
    status: int
    left: Callable[[World, Said], None]
    says: str | None


BUILD = "build {corpus} -o {out} -j 1"
SKIPPED = "kg: skipped {corpus}/"
NOT_READ = "kg: error: no article could be read from the inputs ("
DISK_FULL = ("kg: error: {out}: cannot write the graph (no space left on the disk); free some space or give -o a folder "
             "on another disk, and build again; {out} is left as it was")

# fmt: off
CASES = [
    # the input                                 situation                                  kg …                                                  exit what is left                                             what kg says
    Case("an empty file",                       articles({"empty.txt": b""}),              BUILD,                                                0,   built("good"),                                           SKIPPED + "empty.txt: file is empty; remove it or add the article's text"),
    Case("a binary file named .txt",            articles({"minutes.txt": OLD_WORD}),       BUILD,                                                0,   built("good"),                                           SKIPPED + "minutes.txt: looks binary (contains NUL bytes); give kg plain-text .txt articles"),
    Case("text with NUL bytes in it",           articles({"damaged.txt": DAMAGED}),        BUILD,                                                0,   built("good"),                                           SKIPPED + "damaged.txt: looks binary (contains NUL bytes); give kg plain-text .txt articles"),
    Case("Latin-1 text",                        articles({"memo.txt": LATIN_1}),           BUILD,                                                0,   built("good"),                                           SKIPPED + "memo.txt: not UTF-8, GB18030 or Big5 text; convert it to UTF-8 (e.g. iconv -t UTF-8) and build again"),
    Case("GB18030 text",                        articles({"gb.txt": MIXED["gb.txt"]}),     BUILD,                                                0,   built("good", "gb", encodings={"gb": "gb18030"}),        None),
    Case("Big5 text",                           articles({"big5.txt": MIXED["big5.txt"]}), BUILD,                                                0,   built("good", "big5", encodings={"big5": "big5"}),       None),
    Case("mixed encodings in one folder",       articles(MIXED),                           BUILD,                                                0,   built("good", "gb", "big5", "bom", encodings=ENCODINGS), None),
    Case("a 10 MB article on one line",         articles({"long.txt": TEN_MB}),            BUILD,                                                0,   built("good", seconds=60),                               SKIPPED + f"long.txt: is {len(TEN_MB.decode())} characters long, more than --max-chars 500000; split it into articles or raise --max-chars"),
    Case("a symbolic link in a loop",           symlink_loop,                              BUILD,                                                0,   built("good"),                                           SKIPPED + "loop.txt: is a symbolic link that leads round in a loop; fix or remove the link"),
    Case("a file kg may not read",              unreadable,                                BUILD,                                                0,   built("good"),                                           SKIPPED + "locked.txt: cannot be read (Permission denied); check its permissions"),
    Case("a file deleted during the build",     vanishing,                                 BUILD,                                                0,   built("good"),                                           SKIPPED + "gone.txt: no such file (moved or deleted while kg was reading the inputs?); put it back, or build again without it"),
    Case("a missing path beside a good one",    nothing_more,                              "build {corpus} {tmp}/missing.txt -o {out} -j 1",     0,   built("good"),                                           "kg: skipped {tmp}/missing.txt: no such file or folder; check the path"),
    Case("only a missing path",                 nothing_more,                              "build {tmp}/missing -o {out} -j 1",                  1,   as_before,                                               NOT_READ + "{tmp}/missing: no such file or folder; check the path); {out} is left as it was"),
    Case("a folder with no articles",           empty_folder,                              "build {given}/empty -o {out} -j 1",                  1,   as_before,                                               NOT_READ + "{given}/empty: folder holds no articles; point kg at a folder of .txt, …); {out} is left as it was"),
    Case("-o names a file",                     given_file,                                "build {corpus} -o {given}/some-file -j 1",           1,   as_before,                                               "kg: error: {given}/some-file: is a file, not a folder; give -o a folder for the graph (it is created if missing)"),
    Case("-o inside a read-only place",         read_only_place,                           "build {corpus} -o {tmp}/ro/out -j 1",                1,   no_folder,                                               "kg: error: {tmp}/ro/out: cannot create the output folder (Read-only file system); choose another -o"),
    Case("out/ on a disk now read-only",        read_only_out,                             BUILD,                                                1,   as_before,                                               "kg: error: {out}: cannot write the graph (the folder is on a read-only file system); give -o a folder you can write to; {out} is left as it was"),
    Case("an ontology that is not Turtle",      ontology(_unterminated),                   BUILD + " --ontology {given}/kg.ttl",                 1,   as_before,                                               "kg: error: {given}/kg.ttl: not valid Turtle (line …: …); fix the file or restore it"),
    Case("an ontology without a term kg needs", ontology(_without_located_in),             BUILD + " --ontology {given}/kg.ttl",                 1,   as_before,                                               "kg: error: {given}/kg.ttl: the code uses locatedIn but the ontology does not define it; restore it or use the ontology shipped with kg"),
    Case("malformed SPARQL",                    nothing_more,                              "query 'SELECT ?x WHERE { ?x ' -o {out}",             1,   as_before,                                               'kg: error: SPARQL query does not parse or run: line 1, column 22: expected one of "!", …; fix the query'),
    Case("an unknown named query",              nothing_more,                              "query located-at --param place=浙江省 -o {out}",        1,   as_before,                                               "kg: error: no named query 'located-at' in …; known queries: co-programmes, evidence, figures, located-in, …"),
    Case("an unknown parameter",                nothing_more,                              "query located-in --param town=浙江省 -o {out}",         1,   as_before,                                               "kg: error: query 'located-in' has no parameter 'town'; its parameters are: place"),
    Case("SPARQL injected through --param",     nothing_more,                              f"query located-in --param '{INJECTION}' -o {{out}}", 0,   answers_nothing,                                         None),
    Case("out/ held by another build",          another_build,                             BUILD,                                                1,   untouched,                                               "kg: error: {out}: another kg build is writing to this folder; wait for it to finish"),
    Case("a build killed with kill -9",         killed_build,                              BUILD,                                                0,   same_as_a_clean_build,                                   None),
    Case("a full disk",                         full_disk(leave=0),                        BUILD,                                                1,   as_before,                                               DISK_FULL),
    Case("a disk that fills up mid-build",      full_disk(leave=256 * 1024),               BUILD,                                                1,   as_before,                                               DISK_FULL),
    Case("push: connection refused",            unreachable,                               "push {url} -o {out}",                                1,   nothing_pushed,                                          "kg: error: cannot reach {url} (…); is the server running?"),
    Case("push: 401",                           asking_for_a_password,                     "push {url} -o {out}",                                1,   nothing_pushed,                                          "kg: error: {url} refused the upload (HTTP 401); give --user and --password"),
    Case("push: 500 half-way",                  failing_half_way,                          "push {url} -o {out} --concurrency 1",                1,   pushed_half_then_the_rest,                               "kg: error: {url} answered HTTP 500 to PUT graph <…>: disk full"),
    Case("serve: a busy port",                  busy_port,                                 "serve -o {out} --port {port}",                       1,   as_before,                                               "kg: error: cannot listen on 127.0.0.1:{port} (Address already in use); choose another --port or --host"),
]
# fmt: on


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> Path:
    """A good build of good.txt, copied into each case's out/ (a build of one article takes a few seconds)."""
    folder = tmp_path_factory.mktemp("good")
    (folder / "corpus").mkdir()
    shutil.copy(GOOD, folder / "corpus" / "good.txt")
    build([folder / "corpus"], folder / "out")
    return folder / "out"


@pytest.mark.parametrize("case", CASES, ids=[case.input for case in CASES])
def test_bad_input(case: Case, good_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world = World(tmp_path, monkeypatch)
    world.corpus.mkdir()
    world.given.mkdir()
    shutil.copy(GOOD, world.corpus / "good.txt")
    shutil.copytree(good_build, world.out)
    world.state.update(files=out_files(world.out), quads=quads(world.out))
    with case.situation(world):
        given = inputs(world)
        said = world.run(world.args(case.command))
        output = said.stdout + said.stderr
        assert "Traceback" not in output, output
        assert said.status == case.status, output
        assert all(line.startswith("kg") for line in said.stderr.splitlines()), said.stderr
        lines = [line for line in said.stderr.splitlines() if line.startswith(("kg: error:", "kg: skipped"))]
        if case.says is None:
            assert lines == [], said.stderr
        else:
            assert len(lines) == 1, said.stderr
            assert world.expect(case.says).fullmatch(lines[0]), lines[0]
        case.left(world, said)
        assert inputs(world) == given, "kg changed something the user gave"


def test_readme_has_one_row_per_case_in_the_same_order() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Bad input\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith(("| input", "| ---"))]
    assert [row.split(" | ", 1)[0].removeprefix("| ").replace("`", "").strip() for row in rows] == [case.input for case in CASES]
