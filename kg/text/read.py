"""Read input bytes and decode text: UTF-8 first, then GB18030 or Big5 as detected.

UTF-8 (with or without BOM) is tried first, then GB18030 and Big5 as detected by
charset-normalizer; text in any other encoding is :class:`~kg.text.formats.Unreadable`.
A file that is missing or cannot be read raises :class:`~kg.errors.InputError`.
"""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes

from kg.errors import InputError
from kg.text.formats import Unreadable

__all__ = ["decode_text", "read_bytes"]

_FALLBACK_ENCODINGS = ("gb18030", "big5")
_HAN_MIN_SHARE = 0.2


def read_bytes(path: Path, format: str | None = None) -> bytes:
    """The file's bytes; a missing or unreadable file raises :class:`~kg.errors.InputError`."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file (moved or deleted while kg was reading the inputs?)",
                         "put it back, or build again without it", format=format) from None
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror})", "check its permissions", format=format) from None


def _han_share(text: str) -> float:
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return 0.0
    return sum("\u4e00" <= c <= "\u9fff" for c in visible) / len(visible)


def decode_text(data: bytes) -> tuple[str, str]:
    """``(text, encoding)``: UTF-8, else GB18030 or Big5 when the result reads as Chinese.

    >>> decode_text("西藏自治区林芝市巴宜区开展双报到活动。".encode("gb18030"))
    ('西藏自治区林芝市巴宜区开展双报到活动。', 'gb18030')
    """
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=list(_FALLBACK_ENCODINGS)).best()
    if best is not None and _han_share(str(best)) >= _HAN_MIN_SHARE:
        return str(best), best.encoding
    raise Unreadable("not UTF-8, GB18030 or Big5 text", "convert it to UTF-8 (e.g. iconv -t UTF-8) and build again")
