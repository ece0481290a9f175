"""Upload named graphs to a triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

Each graph is sent as one ``PUT {url}?graph={iri}`` with an N-Triples body, which
replaces whatever the store held under that name: pushing the same graphs twice leaves
the same data. Graphs a previous push sent from the same ``out/`` to the same URL that
are gone now (their article was removed) are deleted with ``DELETE {url}?graph={iri}``;
kg remembers what it pushed where in ``out/.kg/pushed.json`` and never deletes a graph
it did not put there. Virtuoso, Jena Fuseki, GraphDB and Oxigraph server all speak it; only the
endpoint differs (see the README). When a user is given, the server's challenge is
answered with digest or basic authentication, whichever it asks for.

:func:`push` does not care where graphs come from; ``kg push`` takes them from the
store (:func:`kg.store.read_graphs`: one per article, plus the ontology's own).
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from kg.errors import PushError, first_line, shorten
from kg.state import STATE_DIR, read_record, write_record
from kg.store.database import read_graphs, store_path

__all__ = ["PushResult", "push", "push_store"]

_RECORD = Path(STATE_DIR) / "pushed.json"

_NTRIPLES = "application/n-triples"
_ACCEPTED = {200, 201, 204}
_MAX_DETAIL = 300


@dataclass(frozen=True)
class PushResult:
    """What :func:`push` sent."""

    graphs: int
    triples: int
    bytes: int
    seconds: float
    deleted: int = 0


def _pushed_before(out_dir: Path, url: str) -> set[str]:
    """The graph IRIs the last push from ``out_dir`` sent to ``url``."""
    return set(read_record(out_dir / _RECORD).get(url, []))


def _remember_pushed(out_dir: Path, url: str, iris: Iterable[str]) -> None:
    record = read_record(out_dir / _RECORD)
    record[url] = sorted(iris)
    write_record(out_dir / _RECORD, record)


def push_store(out_dir: Path | str, url: str, **options: Any) -> PushResult:
    """Push the store's named graphs (:func:`kg.store.read_graphs`) with :func:`push`, and
    delete there the graphs an earlier push from ``out_dir`` sent that the store no longer has."""
    out_dir = Path(out_dir)
    graphs = read_graphs(store_path(out_dir))
    stale = _pushed_before(out_dir, url) - {iri for iri, _ in graphs}
    result = push(graphs, url, delete=stale, **options)
    _remember_pushed(out_dir, url, [iri for iri, _ in graphs])
    return result


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
    graphs: Iterable[tuple[str, bytes]],
    url: str,
    *,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60.0,
    graph_param: str = "graph",
    delete: Iterable[str] = (),
) -> PushResult:
    """Replace each named graph at the Graph Store endpoint ``url`` with the triples given.

    Args:
        graphs: (named-graph IRI, N-Triples bytes in UTF-8) pairs, sent one at a time.
        url: the store's Graph Store Protocol endpoint (``…/sparql-graph-crud-auth``
            for Virtuoso, ``…/DATASET/data`` for Fuseki, ``…/store`` for Oxigraph).
        user, password: credentials, used when the server asks for them.
        timeout: seconds to wait to connect and for each answer.
        graph_param: the query parameter that names the graph (``graph`` in the standard).
        delete: IRIs of graphs to delete first (a server that does not have one is fine).

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
    count = triples = size = 0
    with httpx.Client(auth=auth, timeout=timeout, headers={"Content-Type": _NTRIPLES}) as client:
        deleted = 0
        for iri in sorted(delete):
            response = _send(client, "DELETE", endpoint, graph_param, iri, b"", url, timeout, auth)
            deleted += response.status_code != 404
        for iri, data in graphs:
            _send(client, "PUT", endpoint, graph_param, iri, data, url, timeout, auth)
            count += 1
            triples += sum(1 for line in data.splitlines() if line.strip())
            size += len(data)
    return PushResult(count, triples, size, time.perf_counter() - started, deleted)


def _send(client: httpx.Client, method: str, endpoint: httpx.URL, graph_param: str, iri: str, data: bytes,
          url: str, timeout: float, auth: httpx.Auth | None) -> httpx.Response:
    try:
        response = client.request(method, endpoint.copy_merge_params({graph_param: iri}), content=data)
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
