"""A throwaway OpenLink Virtuoso for tests: own database folder, free loopback ports.

:func:`running_virtuoso` writes a minimal ``virtuoso.ini`` into a fresh temporary
folder (database, log and ports all its own, so a system-wide Virtuoso service is left
alone), starts ``virtuoso-t +foreground``, waits until its HTTP port answers SPARQL, and
on exit stops the server and deletes the folder. A fresh database has the user
``dba`` with the password ``dba``. Debian and Ubuntu: ``apt-get install virtuoso-opensource``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from rdflib import Literal, URIRef

BINARY = "virtuoso-t"
USER = PASSWORD = "dba"
NOT_INSTALLED = (f"{BINARY} not found: virtuoso-opensource is not installed; "
                 "apt-get install virtuoso-opensource to run the push test")

_INI = """\
[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile    = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx

[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
DirsAllowed        = ., {folder}
CheckpointInterval = 0
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000

[HTTPServer]
ServerPort    = 127.0.0.1:{http_port}
ServerRoot    = {folder}
ServerThreads = 4
Charset       = UTF-8

[SPARQL]
ResultSetMaxRows      = 1000000
MaxQueryExecutionTime = 120
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running server: its base URL and the two endpoints the tests use."""

    base_url: str
    folder: Path
    sql_port: int = 0

    @property
    def gsp_url(self) -> str:
        """The Graph Store Protocol endpoint that takes writes (HTTP digest auth)."""
        return f"{self.base_url}/sparql-graph-crud-auth"

    @property
    def sparql_url(self) -> str:
        return f"{self.base_url}/sparql"


def find_virtuoso() -> str | None:
    return shutil.which(BINARY)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _log_tail(folder: Path, lines: int = 40) -> str:
    text = "".join((folder / name).read_text(encoding="utf-8", errors="replace")
                   for name in ("stdout.log", "virtuoso.log") if (folder / name).is_file())
    return "\n".join(text.splitlines()[-lines:])


@contextmanager
def running_virtuoso(*, startup_timeout: float = 60.0) -> Iterator[Virtuoso]:
    """Start a Virtuoso with a throwaway database; stop it and delete it on exit."""
    binary = find_virtuoso()
    if binary is None:
        raise FileNotFoundError(NOT_INSTALLED)
    folder = Path(tempfile.mkdtemp(prefix="kg-virtuoso-"))
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(_INI.format(folder=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    server = Virtuoso(f"http://127.0.0.1:{http_port}", folder, sql_port)
    with (folder / "stdout.log").open("wb") as log:
        process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + startup_timeout
        while not _answers(server.base_url):
            if process.poll() is not None or time.monotonic() > deadline:
                state = f"exited with {process.returncode}" if process.poll() is not None \
                    else f"did not answer within {startup_timeout:g} s"
                raise RuntimeError(f"Virtuoso {state}; its log:\n{_log_tail(folder)}")
            time.sleep(0.25)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def virtuoso_select(base_url: str, query: str) -> list[dict[str, str]]:
    """Run a SELECT query at ``{base_url}/sparql``; each row maps variable → value (unbound left out).

    Without ``FROM``, Virtuoso's default graph is the union of all its graphs, its own
    system graphs included, and a triple held by several graphs matches once per graph.
    Values are lexical forms as Virtuoso writes them: numbers canonical (``50000000000``
    for ``"50000000000.0"^^xsd:decimal``), so compare numbers by value.
    """
    response = httpx.get(f"{base_url}/sparql", params={"query": query},
                         headers={"Accept": "application/sparql-results+json"}, timeout=120)
    if response.status_code != 200:
        raise AssertionError(f"Virtuoso answered HTTP {response.status_code} to\n{query}\n{response.text[:2000]}")
    bindings = response.json()["results"]["bindings"]
    return [{name: value["value"] for name, value in row.items()} for row in bindings]


def with_values(query: str, bindings: dict[str, URIRef | Literal]) -> str:
    """The query with its parameters bound by a VALUES block at the start of its WHERE clause.

    Virtuoso has no way to bind a variable from outside the query text, so the tests and
    the benchmark write the RDF terms (serialised by rdflib, which escapes them) into the
    query; kg itself binds parameters by substitution and never does this.
    """
    names = sorted(bindings)
    terms = " ".join(bindings[name].n3() for name in names)
    block = f"VALUES ({' '.join('?' + name for name in names)}) {{ ({terms}) }}"
    head, brace, body = query.partition("WHERE {")
    assert brace, "with_values binds inside the first 'WHERE {'; the query has none"
    return f"{head}{brace}\n  {block}{body}"


def virtuoso_sql(server: Virtuoso, statements: str) -> str:
    """Run SQL statements through Virtuoso's ``isql`` client (``isql-vt`` on Debian); returns its output."""
    client = shutil.which("isql-vt") or shutil.which("isql")
    if client is None:
        raise FileNotFoundError("isql-vt not found; it comes with virtuoso-opensource")
    result = subprocess.run([client, f"127.0.0.1:{server.sql_port}", USER, PASSWORD, f"exec={statements}"],
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or "*** Error" in result.stdout:
        raise AssertionError(f"isql failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout
