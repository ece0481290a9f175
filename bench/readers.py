"""Speed of the HTML and PDF readers, and memory of streaming a WARC; prints a table of figures.

    python bench/readers.py                      # 200 pages, a 20-page PDF, WARCs of 100 and 1,000 pages
    python bench/readers.py --pages 50 --warc 100 1000 5000

Inputs are generated (tests/samples.py): saved government news pages (navigation, footer,
related links around the article), the article printed to PDF by Chromium (skipped
without it), and gzipped WARCs of distinct pages. "chars/s" counts characters of text
the reader gives back. The WARC figure is the peak of Python allocations (tracemalloc)
while :func:`kg.text.sources.find_sources` walks every record; streaming means it stays
flat as the archive grows.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.text.formats import pdf, webpage  # noqa: E402
from kg.text.sources import find_sources  # noqa: E402
from tests import samples  # noqa: E402

_TOWNS = "羌纳里龙丹娘扎绕嘎玛江村米瑞卧龙南伊更章"


def _page(i: int) -> str:
    town = _TOWNS[2 * (i % 10): 2 * (i % 10) + 2] + str(i)
    return samples.html_page(**samples.variant(town), url=f"{samples.URL}?p={i}")


def html_speed(count: int) -> tuple[int, float, float]:
    pages = [_page(i).encode("utf-8") for i in range(count)]
    webpage.read(pages[0], {})  # warm up (imports, lxml)
    start = time.perf_counter()
    chars = sum(len(webpage.read(page, {}).text) for page in pages)
    seconds = time.perf_counter() - start
    return chars, seconds, sum(map(len, pages))


def pdf_speed(folder: Path, sheets: int) -> tuple[int, float, int] | None:
    if reason := samples.chromium_missing():
        print(f"PDF: skipped ({reason})")
        return None
    paragraphs = tuple(p for i in range(sheets) for p in samples.variant(_TOWNS[2 * (i % 10):][:2])["paragraphs"])
    path = samples.print_pdf(folder / "long.pdf", samples.pdf_page(paragraphs=paragraphs))
    data = path.read_bytes()
    pdf.read(data, {})
    start = time.perf_counter()
    page = pdf.read(data, {})
    return len(page.text), time.perf_counter() - start, len(data)


def warc_peak(folder: Path, count: int) -> tuple[int, int, int]:
    path = samples.write_warc(folder / f"{count}.warc.gz", [(f"{samples.URL}?p={i}", _page(i)) for i in range(count)])
    tracemalloc.start()
    records = sum(1 for _ in find_sources([path]))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return records, peak, path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="HTML pages to extract")
    parser.add_argument("--sheets", type=int, default=20, help="articles printed into the PDF (about one page each)")
    parser.add_argument("--warc", type=int, nargs="+", default=[100, 1000], help="pages per WARC")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        chars, seconds, size = html_speed(args.pages)
        print(f"HTML: {args.pages} pages ({size / 1e6:.1f} MB) in {seconds:.2f} s: "
              f"{args.pages / seconds:.0f} pages/s, {chars / seconds:,.0f} chars/s of text")
        if (figures := pdf_speed(folder, args.sheets)) is not None:
            chars, seconds, size = figures
            print(f"PDF: {size / 1e3:.0f} kB, {chars:,} chars in {seconds:.2f} s: {chars / seconds:,.0f} chars/s")
        for count in args.warc:
            records, peak, size = warc_peak(folder, count)
            print(f"WARC: {count} pages ({size / 1e6:.1f} MB gzipped), {records} sources, "
                  f"peak {peak / 1e6:.2f} MB of Python memory in find_sources")


if __name__ == "__main__":
    main()
