"""kg: build a knowledge graph from Chinese news and policy articles.

The library's entry points (imported on first use, so ``import kg`` stays light):

* :func:`kg.build` — articles in, the store, exports and viewer out (:mod:`kg.build`);
* :func:`kg.entities` — the entity mentions of any text, with offsets and classes
  (:mod:`kg.extract.find`); :func:`kg.entities_many` for many texts at once.
"""

from __future__ import annotations

__all__ = ["build", "entities", "entities_many"]


def __getattr__(name: str):
    if name in ("entities", "entities_many"):
        from kg.extract import find

        return getattr(find, name)
    if name == "build":
        from kg.build import build

        return build
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
