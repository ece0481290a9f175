"""How articles are split: into :data:`PARTS` partitions by a hash of their id (an article's
partition never moves, so an update rewrites only the partitions it touches), and partitions
into the map's tasks (:func:`map_groups`).
"""

from __future__ import annotations

import hashlib

from kg.build.tasks import EXTRACT_BATCH, Article

__all__ = ["PARTS", "TAIL_BATCH", "by_partition", "map_groups", "part_of"]

#: How many partitions articles are hashed into (fixed, so an article's partition never moves).
PARTS = 256
#: The smallest task the map's last tasks shrink to (LAC and the name model tag a batch of articles at once).
TAIL_BATCH = 4


def part_of(doc_id: str) -> int:
    """The partition of the article ``doc_id``."""
    return int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:8], 16) % PARTS


def by_partition(articles: list[Article]) -> dict[int, list[Article]]:
    """Articles by partition, in partition order (and in their given order within one)."""
    parts: dict[int, list[Article]] = {}
    for article in articles:
        parts.setdefault(part_of(article.doc_id), []).append(article)
    return dict(sorted(parts.items()))


def map_groups(articles: list[Article], fresh: set[str], workers: int) -> list[list[Article]]:
    """The map's tasks: partitions taken in order until a task has :data:`EXTRACT_BATCH` articles to
    extract (each task extracts them together), or fewer while that leaves under four tasks a worker.
    With several workers the last tasks shrink (to a share of what is left, at least :data:`TAIL_BATCH`),
    so the workers finish together rather than one waiting for another's last batch.
    Which articles go together changes no output: the map only fills the extraction cache."""
    size = max(1, min(EXTRACT_BATCH, len(fresh) // (4 * workers)))

    def target(left: int) -> int:
        return size if workers == 1 else min(size, max(TAIL_BATCH, -(-left // (2 * workers))))

    groups: list[list[Article]] = [[]]
    count, left = 0, len(fresh)
    wanted = target(left)
    for members in by_partition(articles).values():
        if count >= wanted:
            left -= count
            groups.append([])
            count, wanted = 0, target(left)
        groups[-1] += members
        count += sum(a.doc_id in fresh for a in members)
    return [group for group in groups if group]
