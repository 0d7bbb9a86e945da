"""`livingreview import --out` and `livingreview dedup` chain: dedup reads a record file."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

from livingreview.cli import main
from livingreview.dedup.engine_input import read_engine_csv
from livingreview.records import LATER_COLUMNS


def test_dedup_reads_the_record_file_import_writes(sources_dir: Path, tmp_path: Path) -> None:
    # A real Scopus export imported twice in one call (a download saved twice): its three
    # records each come twice, as record ids "<id>" and "<id>~2".
    export = sources_dir / "exports/ris/synthesisr_Scopus.ris"
    records = tmp_path / "records.csv"
    assert main(["import", str(export), str(export), "--out", str(records)]) == 0
    groups = tmp_path / "groups.csv"
    assert main(["dedup", str(records), "--out", str(groups)]) == 0
    rows = list(csv.DictReader(groups.open(encoding="utf-8")))
    assert len(rows) == 6 and len({r["group_id"] for r in rows}) == 3
    assert all(r["group_id"] == r["ID"].removesuffix("~2") for r in rows)
    # The record file's columns become the engine's (authors -> author, issue -> number), in
    # file order, compressed too.
    packed = tmp_path / "records.csv.gz"
    packed.write_bytes(gzip.compress(records.read_bytes()))
    frame = read_engine_csv(packed)
    first = next(csv.DictReader(records.open(encoding="utf-8")))
    assert list(frame["ID"])[:1] == [first["record_id"]]
    assert frame.iloc[0]["author"] == first["authors"] and frame.iloc[0]["number"] == first["issue"]


def test_a_record_file_written_before_a_later_column_is_read_as_its_records(
    sources_dir: Path, tmp_path: Path
) -> None:
    # A record file an earlier version wrote (no oa_url column: LATER_COLUMNS) is still a record
    # file: its publication types become the engine's entry type as in a current one.
    export = sources_dir / "exports/ris/synthesisr_Scopus.ris"
    current = tmp_path / "records.csv"
    assert main(["import", str(export), "--out", str(current)]) == 0
    rows = list(csv.reader(current.open(encoding="utf-8", newline="")))
    kept = [i for i, name in enumerate(rows[0]) if name not in LATER_COLUMNS]
    earlier = tmp_path / "earlier.csv"
    with earlier.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([[r[i] for i in kept] for r in rows])
    expected = read_engine_csv(current)
    assert set(expected["ENTRYTYPE"]) == {"article"}
    assert read_engine_csv(earlier).equals(expected)
