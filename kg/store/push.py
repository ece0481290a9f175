"""Upload named graphs to a triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

Each graph is sent as one ``PUT {url}?graph={iri}`` with an N-Triples body, streamed
from disk, several at a time; a PUT replaces whatever the store held under that name, so
pushing the same graphs twice leaves the same data. kg remembers, per URL, the digest of
every graph it pushed from an ``out/`` (``out/.kg/pushed.json``), so the next push sends
only the graphs that changed since, and deletes there (``DELETE {url}?graph={iri}``) the
graphs of articles that are gone; it never deletes a graph it did not put there. A push
that fails half-way has recorded what it sent; the next one sends the rest. Virtuoso,
Jena Fuseki, GraphDB and Oxigraph server all speak it; only the endpoint differs (see the
README). When a user is given, the server's challenge is answered with digest or basic
authentication, whichever it asks for.

:func:`push` does not care where graphs come from; ``kg push`` (:func:`push_store`) takes
them from the build: the store's graphs, as the N-Triples files the build loaded it from.
"""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from kg.errors import PushError, first_line, shorten
from kg.state import STATE_DIR, read_record, write_record
from kg.store.database import graph_digests, graph_ntriples, open_store, store_path

__all__ = ["PushResult", "push", "push_store"]

_RECORD = Path(STATE_DIR) / "pushed.json"

_NTRIPLES = "application/n-triples"
_ACCEPTED = {200, 201, 204}
_MAX_DETAIL = 300
_RETRIES = 5


@dataclass(frozen=True)
class PushResult:
    """What :func:`push` sent."""

    graphs: int
    triples: int
    bytes: int
    seconds: float
    deleted: int = 0


def _pushed_before(out_dir: Path, url: str) -> dict[str, str]:
    """IRI → digest of the graphs the pushes from ``out_dir`` sent to ``url``."""
    sent = read_record(out_dir / _RECORD).get(url, {})
    return dict(sent) if isinstance(sent, dict) else dict.fromkeys(sent, "")  # older records: a list of IRIs


def _remember_pushed(out_dir: Path, url: str, sent: dict[str, str]) -> None:
    record = read_record(out_dir / _RECORD)
    record[url] = dict(sorted(sent.items()))
    write_record(out_dir / _RECORD, record)


def push_store(out_dir: Path | str, url: str, *, everything: bool = False, **options: Any) -> PushResult:
    """Push the graphs of the store in ``out_dir`` that changed since the last push to ``url``
    (all of them with ``everything``) with :func:`push`, and delete there the graphs an
    earlier push sent that the store no longer has."""
    out_dir = Path(out_dir)
    store = open_store(store_path(out_dir))
    digests = graph_digests(out_dir) or {g.value: "" for g in store.named_graphs()}
    before = _pushed_before(out_dir, url)
    sent = {iri: digest for iri, digest in before.items() if iri in digests}
    changed = [iri for iri in sorted(digests) if everything or not digests[iri] or before.get(iri) != digests[iri]]
    cache = out_dir / STATE_DIR / "graphs"

    def body(iri: str) -> bytes | Path:
        path = cache / f"{digests[iri]}.nt"
        return path if digests[iri] and path.is_file() else graph_ntriples(store, iri)

    def done(iri: str) -> None:
        sent[iri] = digests[iri]

    try:
        return push(((iri, body(iri)) for iri in changed), url, delete=set(before) - set(digests), on_sent=done,
                    **options)
    finally:
        _remember_pushed(out_dir, url, sent)


class _Body:
    """A file streamed in chunks as a request body; it can be sent again (for an auth challenge)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines = 0

    def __iter__(self) -> Iterator[bytes]:
        self.lines = 0
        with self.path.open("rb") as handle:
            while chunk := handle.read(1 << 16):
                self.lines += chunk.count(b"\n")
                yield chunk


class _ChallengeAuth(httpx.Auth):
    """Answer the server's challenge with digest or basic authentication, as it asks.

    Nothing is sent with the first request; after the first challenge the chosen scheme
    is used from the start, so only the first graph is sent twice (three times for digest).
    """

    def __init__(self, user: str, password: str) -> None:
        self._schemes: dict[str, httpx.Auth] = {
            "digest": httpx.DigestAuth(user, password), "basic": httpx.BasicAuth(user, password),
        }
        self._chosen: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._chosen is None:
            response = yield request
            offered = {h.split(None, 1)[0].lower() for h in response.headers.get_list("www-authenticate") if h.strip()}
            scheme = next((s for s in self._schemes if s in offered), None)
            if response.status_code != 401 or scheme is None:
                return
            self._chosen = self._schemes[scheme]
        yield from self._chosen.auth_flow(request)


def _detail(response: httpx.Response) -> str:
    """The gist of an error body on one line: the first line of text, or an HTML page's text."""
    text = response.text
    if "html" in response.headers.get("content-type", "") or text.lstrip().startswith("<"):
        text = re.sub(r"(?is)<(head|style|script)\b.*?</\1\s*>", "", text)
        lines = [line.strip() for line in html.unescape(re.sub(r"<[^>]*>", "\n", text)).splitlines()]
        line = " · ".join(line for line in lines if line)
    else:
        line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return shorten(line, _MAX_DETAIL)


def _refused(url: str, response: httpx.Response, with_credentials: bool) -> PushError:
    detail = _detail(response)
    status = f"HTTP {response.status_code}" + (f": {detail}" if detail else "")
    fix = "check --user and --password and that the user may write" if with_credentials \
        else "give --user and --password"
    return PushError(f"{url} refused the upload ({status}); {fix}")


def _endpoint(url: str) -> httpx.URL:
    try:
        endpoint = httpx.URL(url)
    except httpx.InvalidURL:
        endpoint = None
    if endpoint is None or endpoint.scheme not in ("http", "https") or not endpoint.host:
        raise PushError(f"{url}: not an http(s) URL; give the store's Graph Store endpoint, "
                        "e.g. http://localhost:8890/sparql-graph-crud-auth")
    return endpoint


def push(
    graphs: Iterable[tuple[str, bytes | Path]],
    url: str,
    *,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60.0,
    graph_param: str = "graph",
    delete: Iterable[str] = (),
    concurrency: int = 4,
    on_sent: Callable[[str], None] | None = None,
) -> PushResult:
    """Replace each named graph at the Graph Store endpoint ``url`` with the triples given.

    Args:
        graphs: (named-graph IRI, N-Triples in UTF-8 as bytes or a file to stream) pairs.
        url: the store's Graph Store Protocol endpoint (``…/sparql-graph-crud-auth``
            for Virtuoso, ``…/DATASET/data`` for Fuseki, ``…/store`` for Oxigraph).
        user, password: credentials, used when the server asks for them.
        timeout: seconds to wait to connect and for each answer.
        graph_param: the query parameter that names the graph (``graph`` in the standard).
        delete: IRIs of graphs to delete first (a server that does not have one is fine).
        concurrency: how many graphs are sent at once.
        on_sent: called with each graph's IRI once the server has taken it.

    Returns:
        How many graphs, triples and bytes were sent, and how long it took.

    Raises:
        PushError: the server cannot be reached, refuses the upload, or answers an error.
    """
    endpoint = _endpoint(url)
    if (user is None) != (password is None):
        raise PushError("give both --user and --password (or KG_PUSH_PASSWORD), or neither")
    auth = _ChallengeAuth(user, password) if user is not None and password is not None else None
    started = time.perf_counter()
    totals = {"graphs": 0, "triples": 0, "bytes": 0}
    lock = threading.Lock()
    with httpx.Client(auth=auth, timeout=timeout, headers={"Content-Type": _NTRIPLES}) as client:
        deleted = 0
        for iri in sorted(delete):
            response = _send(client, "DELETE", endpoint, graph_param, iri, b"", url, timeout, auth)
            deleted += response.status_code != 404

        failed = threading.Event()

        def put(item: tuple[str, bytes | Path]) -> None:
            iri, data = item
            if failed.is_set():  # after the first failure, send nothing more
                return
            body = _Body(data) if isinstance(data, Path) else data
            try:
                _send(client, "PUT", endpoint, graph_param, iri, body, url, timeout, auth)
            except BaseException:
                failed.set()
                raise
            with lock:
                totals["graphs"] += 1
                totals["triples"] += body.lines if isinstance(body, _Body) else data.count(b"\n")
                totals["bytes"] += data.stat().st_size if isinstance(data, Path) else len(data)
                if on_sent:
                    on_sent(iri)

        items = iter(graphs)
        first = next(items, None)
        if first is not None:  # alone, so that the server's challenge is answered once
            put(first)
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            for future in [pool.submit(put, item) for item in items]:
                future.result()
    return PushResult(totals["graphs"], totals["triples"], totals["bytes"], time.perf_counter() - started, deleted)


def _busy(response: httpx.Response) -> bool:
    """Does the store ask us to try again (busy, or a write that lost a deadlock to another)?"""
    return response.status_code in (429, 503) or (response.status_code == 500 and "deadlock" in response.text.lower())


def _send(client: httpx.Client, method: str, endpoint: httpx.URL, graph_param: str, iri: str, data: Any,
          url: str, timeout: float, auth: httpx.Auth | None) -> httpx.Response:
    try:
        # a file goes out with its length, not chunked: some stores (Virtuoso) refuse chunked uploads
        length = {"Content-Length": str(data.path.stat().st_size)} if isinstance(data, _Body) else None
        for attempt in range(_RETRIES + 1):
            response = client.request(method, endpoint.copy_merge_params({graph_param: iri}), content=data,
                                      headers=length)
            if not _busy(response) or attempt == _RETRIES:
                break
            time.sleep(0.2 * 2**attempt)  # concurrent writes to one store can deadlock; one of them retries
    except httpx.TimeoutException:
        raise PushError(f"cannot reach {url} (no answer within {timeout:g} s); is the server running? "
                        "(a slow server may need a longer --timeout)") from None
    except httpx.TransportError as error:
        raise PushError(f"cannot reach {url} ({first_line(error)}); is the server running?") from None
    if response.status_code in (401, 403):
        raise _refused(url, response, auth is not None)
    if response.status_code not in _ACCEPTED and not (method == "DELETE" and response.status_code == 404):
        detail = _detail(response) or response.reason_phrase
        raise PushError(f"{url} answered HTTP {response.status_code} to {method} graph <{iri}>: {detail}")
    return response
