"""Lay out two more labelled deduplication sets for ``bench/dedup.py --data DIR``.

Usage: ``.venv/bin/python bench/other_dedup_sets.py DIR``

bib-dedupe 0.7.2's wheel on PyPI (MIT) carries, besides the eight sets of ``../shared``, the
labelled sets ``digital_work`` (7,159 records of an information-systems search, the only one with
conference papers) and ``srsr`` (53,001 records). This downloads the wheel with pip (a package
registry, reachable here) and writes ``DIR/<set>/records.csv.gz`` and
``DIR/<set>/merged_record_ids.csv`` as ``bench/dedup.py`` reads them. Nothing enters the
repository.
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "bib-dedupe==0.7.2"
SETS = ("digital_work", "srsr")


def main(argv: list[str]) -> int:
    """Download the wheel and write each set under the folder given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, metavar="DIR", help="folder to write the sets to")
    out = parser.parse_args(argv).dir
    with tempfile.TemporaryDirectory() as tmp:
        download = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", tmp]
        subprocess.run([*download, WHEEL], check=True)
        (wheel,) = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            for name in SETS:
                folder = out / name
                folder.mkdir(parents=True, exist_ok=True)
                data = f"bib_dedupe/data/{name}/"
                records = archive.read(data + "records_pre_merged.csv")
                # mtime 0: the same bytes on every run
                (folder / "records.csv.gz").write_bytes(gzip.compress(records, mtime=0))
                gold = archive.read(data + "merged_record_ids.csv")
                (folder / "merged_record_ids.csv").write_bytes(gold)
                groups = gold.count(b"\n") - 1
                print(f"{folder}: {len(records):,} bytes of records, {groups:,} gold groups")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
