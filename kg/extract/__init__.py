"""The extract stage: the NLP pipeline, the recognisers and the relation rules.

:func:`extract` maps one cleaned article to an :class:`~kg.model.Extraction`;
:func:`extract_file` reads, cleans and extracts one file. (Imported lazily, so that
the rule modules can be used without loading spaCy and LAC.)
"""

from __future__ import annotations

__all__ = ["extract", "extract_file"]


def __getattr__(name: str):
    if name in __all__:
        from kg.extract import extraction

        return getattr(extraction, name)
    raise AttributeError(f"module 'kg.extract' has no attribute {name!r}")
