"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the store that holds under load.

One server process speaks HTTP/1.1 (uvicorn, keep-alive, streamed answers) and hands each
query to one of ``--workers`` warm worker processes, each of which opened the store
read-only once. A query waits for a free worker in a bounded queue; when the queue is full
the answer is 503 with ``Retry-After`` at once. A query still running after half a second
steps aside (a lower CPU priority, a fresh worker in its place); one that runs past
``--timeout`` gets 503, and its worker is killed. A worker opens the store again when a build
has changed it (:func:`kg.store.database.store_generation`), so the next query sees the new build.

Modules, from the wire inwards:

* :mod:`~kg.store.serve.server` — options, the listening socket, start and stop
* :mod:`~kg.store.serve.app` — the ASGI application: routes, streaming, access log, ``/health``
* :mod:`~kg.store.serve.protocol` — the SPARQL Protocol's request side and content negotiation (pure)
* :mod:`~kg.store.serve.pool` — the worker processes, the queue and the time limit
* :mod:`~kg.store.serve.worker` — the worker process: runs queries, writes answers as frames
* :mod:`~kg.store.serve.results` — SELECT answers in JSON, XML, CSV, TSV, row by row
* :mod:`~kg.store.serve.page` — the query page at ``/``
"""
