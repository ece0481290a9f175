"""The entity graphs, assembled in the driver one graph at a time from the merged entity index.

Entity graph *n* holds the description of every entity whose IRI :func:`~kg.rdf.graph.shard_of`
puts there, and every fact an article states about a subject that falls there (read,
in order, from the partitions' ``shared`` files, whose lines lead with their graph's number).
Each graph's N-Triples go into the graph cache under a digest of their bytes, so an
unchanged entity graph is neither written nor reloaded.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path

from kg.cache import GraphCache
from kg.merge import EntityIndex
from kg.rdf.graph import SHARDS, entity_lines, shard_of
from kg.rdf.iris import Minter
from kg.rdf.ntriples import merge_ntriples
from kg.rdf.ontology import Vocabulary

__all__ = ["entity_graphs", "ontology_graph"]


def _shared(files: Sequence[Path], stack: ExitStack) -> Iterator[tuple[int, bytes]]:
    handles = [stack.enter_context(path.open("rb")) for path in files]
    previous = None
    for line in heapq.merge(*handles):
        if line != previous:
            previous = line
            yield int(line[:2]), line[3:]


def entity_graphs(index: EntityIndex, shared: Sequence[Path], vocab: Vocabulary, mint: Minter,
                  cache: GraphCache) -> dict[str, str]:
    """Write every non-empty entity graph into ``cache``; returns graph IRI → cache key."""
    by_shard: dict[int, list[str]] = {}
    for key in index.keys():
        by_shard.setdefault(shard_of(str(mint.entity(key))), []).append(key)
    graphs: dict[str, str] = {}
    with ExitStack() as stack:
        facts = _shared(shared, stack)
        pending = next(facts, None)
        for shard in range(SHARDS):
            lines: set[bytes] = set()
            for key in by_shard.get(shard, ()):
                entity = index.entity(key)
                lines.update(line.encode("utf-8") for line in entity_lines(entity, vocab, mint, entity.parent in index))
            while pending is not None and pending[0] == shard:
                lines.add(pending[1])
                pending = next(facts, None)
            if not lines:
                continue
            data = b"".join(sorted(lines))
            digest = hashlib.sha256(data).hexdigest()
            if not cache.has(digest):
                cache.put(digest, data, counts={"triples": len(lines)})
            graphs[str(mint.shard(shard))] = digest
    return graphs


def ontology_graph(vocab: Vocabulary, cache: GraphCache) -> str:
    """The ontology's own graph in ``cache``; returns its key."""
    data = merge_ntriples([vocab.graph.serialize(format="nt", encoding="utf-8")])
    digest = hashlib.sha256(data).hexdigest()
    if not cache.has(digest):
        cache.put(digest, data, counts={"triples": data.count(b"\n")})
    return digest
