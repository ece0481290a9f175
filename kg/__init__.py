"""kg: build a knowledge graph from Chinese news and policy articles.

The library's entry points (imported on first use, so ``import kg`` stays light):

* :func:`kg.build` — articles in, the store, exports and viewer out (:mod:`kg.build`);
* :func:`kg.entities` — the entity mentions of any text, with offsets and classes
  (:mod:`kg.extract.find`).
"""

from __future__ import annotations

__all__ = ["build", "entities"]


def __getattr__(name: str):
    if name == "entities":
        from kg.extract.find import entities

        return entities
    if name == "build":
        from kg.build import build

        return build
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
