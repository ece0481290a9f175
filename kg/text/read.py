"""Read input files: find the ``.txt`` articles under the given paths and decode them.

UTF-8 (with or without BOM) is tried first, then GB18030 and Big5 as detected by
charset-normalizer. A file that is missing, empty, binary or in an unknown encoding
raises :class:`~kg.errors.InputError` with a one-line message naming it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from kg.errors import InputError

__all__ = ["RawText", "find_inputs", "read_raw"]

_FALLBACK_ENCODINGS = ("gb18030", "big5")
_HAN_MIN_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class RawText:
    path: Path
    text: str
    encoding: str
    sha256: str


def find_inputs(paths: Iterable[Path | str]) -> Iterator[Path | InputError]:
    """Yield every ``.txt`` file under ``paths`` in sorted order, or an error per bad path."""
    for path in map(Path, paths):
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.txt") if p.is_file())
            if not files:
                yield InputError(path, "folder holds no .txt files", "point kg at a folder of UTF-8 .txt articles")
            yield from files
        elif path.is_file():
            yield path
        else:
            yield InputError(path, "no such file or folder", "check the path")


def _han_share(text: str) -> float:
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return 0.0
    return sum("\u4e00" <= c <= "\u9fff" for c in visible) / len(visible)


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=list(_FALLBACK_ENCODINGS)).best()
    if best is not None and _han_share(str(best)) >= _HAN_MIN_SHARE:
        return str(best), best.encoding
    raise InputError(
        path, "not UTF-8, GB18030 or Big5 text", "convert it to UTF-8 (e.g. iconv -t UTF-8) and build again"
    )


def read_raw(path: Path) -> RawText:
    """Read and decode one article."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file", "check the path") from None
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror})", "check its permissions") from None
    if not data.strip():
        raise InputError(path, "file is empty", "remove it or add the article's text")
    if b"\x00" in data:
        raise InputError(path, "looks binary (contains NUL bytes)", "give kg plain-text .txt articles")
    text, encoding = _decode(data, path)
    return RawText(path=path, text=text, encoding=encoding, sha256=hashlib.sha256(data).hexdigest())
