"""The library's CSV reading and writing without a dict per row give what ``csv.DictReader``
(with ``Record.from_row``) and ``csv.DictWriter`` give, on real records and on odd files."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pytest

from livingreview.dedup.rounds import table_csv
from livingreview.errors import InputFileError
from livingreview.records import (
    COLUMNS,
    LATER_COLUMNS,
    Record,
    read_record_fields,
    read_records,
    read_records_digest,
    records_to_csv,
)
from tests.dedup.library_helpers import build_demo_identified, demo_config


def _dict_reader(path: Path) -> list[Record]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [Record.from_row(row) for row in csv.DictReader(handle)]


def _dict_writer(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def demo_records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_identified(demo_config(tmp_path_factory.mktemp("demo")))


def test_real_records_read_as_dict_reader_reads_them(demo_records: Path) -> None:
    records, digest = read_records_digest(demo_records)
    assert len(records) == 340
    assert records == read_records(demo_records) == _dict_reader(demo_records)
    assert digest == hashlib.sha256(demo_records.read_bytes()).hexdigest()


def test_odd_record_files_read_as_dict_reader_reads_them(tmp_path: Path) -> None:
    # Columns out of order, "title" twice (the last wins), an extra column, a quoted newline, a
    # blank line, a short row and a row with an extra cell.
    header = ["title", *[c for c in COLUMNS if c != "title"], "title", "extra"]
    lines = [
        ",".join(header),
        '"first\ntitle",r1,s,1,,,,,"A; B ;;",2020,,,,,,x,,,,,,second title,extra cell',
        "",
        "short,r2,s",
        '"q""uote",r3,s,3,,,,,,,,,,,,,,,,,,,,one too many',
    ]
    path = tmp_path / "odd.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = read_records(path)
    assert records == _dict_reader(path)
    assert [r.title for r in records] == ["second title", "", ""]
    assert records[0].authors == ["A", "B"] and records[1].record_id == "r2"


def test_a_record_file_kept_before_a_later_column_reads_it_empty(demo_records: Path) -> None:
    # a review's history keeps record files written before ``oa_url`` existed
    records = read_records(demo_records)[:3]
    old = [c for c in COLUMNS if c not in LATER_COLUMNS]
    rows = [old] + [r.cells()[: len(old)] for r in records]
    rows[2].append("a cell past the header")  # still skipped, not read as oa_url
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path = demo_records.with_name("kept_before.csv")
    path.write_text(buffer.getvalue(), encoding="utf-8")
    read = read_records(path)
    assert [r.oa_url for r in read] == ["", "", ""]
    assert [r.title for r in read] == [r.title for r in records]
    assert read_records_digest(path)[0] == read
    assert [r.oa_url for r in read_record_fields(path, ("record_id", "oa_url"))] == ["", "", ""]


def test_a_file_without_the_record_columns_is_refused(tmp_path: Path) -> None:
    for text in ("", "id,title\n1,x\n"):
        path = tmp_path / "other.csv"
        path.write_text(text, encoding="utf-8")
        for read in read_records, read_records_digest:
            with pytest.raises(InputFileError, match="not a record file: missing column"):
                read(path)


def test_tables_are_written_as_dict_writer_writes_them(demo_records: Path) -> None:
    records = read_records(demo_records)
    assert records_to_csv(records) == _dict_writer(
        [r.to_row() for r in sorted(records, key=lambda r: r.record_id)], COLUMNS
    )
    rows = [r.to_row() for r in records]
    rows[0]["not a column"] = "left out"
    del rows[1]["title"]  # a missing value is empty
    rows[2]["title"] = 'a "quoted", multi-line\ntitle'
    assert table_csv(rows, COLUMNS) == _dict_writer(rows, COLUMNS)
    assert table_csv([], ("a", "b")) == _dict_writer([], ("a", "b")) == "a,b\n"


def _string_io_records(path: Path) -> list[Record]:
    """The records as read_records_digest read them before (the decoded text in io.StringIO)."""
    from livingreview.records import parse_records

    return list(parse_records(io.StringIO(path.read_bytes().decode("utf-8"), newline=""), path))


def test_an_earlier_rounds_records_read_as_the_decoded_text_reads_them(
    demo_records: Path, tmp_path: Path
) -> None:
    # read_records_digest reads its bytes through io.TextIOWrapper: the same lines (LF, CRLF, CR
    # alone, a CR or U+2028 inside a quoted cell, NEL and U+2028 in unquoted ones) and records
    records = read_records(demo_records)[:40]
    records[0].title = "a CR\rinside, quoted"
    records[1].title = "quoted, with\u2028a line separator"
    records[2].abstract = "unquoted\u2028separator\x85and NEL\x0bVT\x0cFF\x1cFS"
    text = records_to_csv(records)
    for name, ends in (("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")):
        path = tmp_path / f"{name}.csv"
        path.write_bytes(text.replace("\n", ends).encode("utf-8") + "é".encode() * 5000)
        read, digest = read_records_digest(path)
        assert read == _string_io_records(path) == read_records(path)
        assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert read_records_digest(tmp_path / "lf.csv")[0][:3] == records[:3]


def test_a_byte_that_is_not_utf8_is_the_error_wherever_it_is(
    demo_records: Path, tmp_path: Path
) -> None:
    data = demo_records.read_bytes()
    assert len(data) > 100_000  # past the first block TextIOWrapper decodes
    cases = {
        "late.csv": data[:-50] + b"\xe9" + data[-50:],
        "early.csv": data[:30] + b"\xe9" + data[30:],
        # a header without the record columns and a bad byte further on: not UTF-8 comes first
        "both.csv": b"id,title\n" + data[data.index(b"\n") + 1 :] + b"\xff\n",
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(InputFileError, match=r"line \d+: byte \d+ is not UTF-8") as raised:
            read_records_digest(path)
        assert str(path) in str(raised.value)
