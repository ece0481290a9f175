"""Web archives (``.warc``, ``.warc.gz``): every HTML page the archive holds is an article.

The archive is streamed with warcio, one record at a time, so its size does not matter.
Each successful (2xx) ``response`` or ``resource`` record of an HTML page becomes a
:class:`~kg.text.formats.Record` named by a digest of its target URI, carrying the page's
bytes and the record's target URI, date and id; :func:`read` extracts it as any saved page.
An archive cut short (a download that stopped) is reported once, after the pages before
the cut.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from kg.text.formats import Page, Record, SourceOptions, Unreadable, webpage

__all__ = ["read", "records"]

_HTML = ("text/html", "application/xhtml+xml")
_CHUNK = 1 << 16
_TRUNCATED = "re-download or re-export the archive; the pages before the cut were read"


class _Gunzip(io.RawIOBase):
    """A streaming view of a (multi-member) gzip file that notices when it is cut short,
    which warcio's own reader passes over in silence."""

    def __init__(self, raw: io.BufferedReader) -> None:
        self.raw, self.truncated = raw, False
        self._z, self._input, self._buffer = zlib.decompressobj(31), b"", b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            if not self._input:
                self._input = self.raw.read(_CHUNK)
                if not self._input:
                    self.truncated = not self._z.eof
                    return 0
            if self._z.eof:  # the next gzip member
                self._z = zlib.decompressobj(31)
            self._buffer = self._z.decompress(self._input, _CHUNK)
            self._input = self._z.unconsumed_tail or self._z.unused_data
        size = min(len(target), len(self._buffer))
        target[:size], self._buffer = self._buffer[:size], self._buffer[size:]
        return size


def _pages(count: int) -> str:
    return f"{count} page" + ("s" if count != 1 else "")


def _content_type(record) -> str:
    headers = record.http_headers if record.rec_type == "response" else record.rec_headers
    return (headers.get_header("Content-Type") if headers else None) or ""


def _is_page(record) -> bool:
    if record.rec_type not in ("response", "resource") or not _content_type(record).lower().startswith(_HTML):
        return False
    status = record.http_headers.get_statuscode() if record.rec_type == "response" and record.http_headers else "200"
    return str(status).startswith("2")


def records(path: Path, options: SourceOptions) -> Iterator[Record | Unreadable]:
    """Every HTML page in the archive, in archive order; one record's bytes in memory at a time."""
    with path.open("rb") as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        stream = _Gunzip(raw) if gzipped else raw
        pages = 0
        archive = iter(ArchiveIterator(io.BufferedReader(stream, _CHUNK) if gzipped else stream))
        while True:
            try:  # warcio raises assorted errors on a malformed archive: every one means "cannot go on"
                record = next(archive)
            except StopIteration:
                break
            except Exception as error:  # noqa: BLE001
                yield Unreadable(f"archive is corrupt or cut short after {_pages(pages)} ({type(error).__name__})",
                                 _TRUNCATED)
                return
            if not _is_page(record):
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            payload = record.content_stream().read()
            name = f"url-{hashlib.sha256(uri.encode('utf-8')).hexdigest()[:12]}"
            if record.raw_stream.limit:
                yield Unreadable("the archive is cut short inside this page", _TRUNCATED, name)
                return
            pages += 1
            fields = (("url", uri), ("content-type", _content_type(record)),
                      ("warc-date", record.rec_headers.get_header("WARC-Date") or ""),
                      ("warc-record-id", record.rec_headers.get_header("WARC-Record-ID") or ""))
            yield Record(name, payload, tuple((k, v) for k, v in fields if v))
        if gzipped and stream.truncated:
            yield Unreadable(f"archive is cut short after {_pages(pages)}", _TRUNCATED)


def read(data: bytes, fields: dict[str, str]) -> Page:
    """An archived page, read as a saved page whose URL is the record's target URI."""
    return webpage.read(data, fields)
