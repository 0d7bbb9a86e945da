"""Damaged copies of the demo's returned sheets, as a broken download, disk or script leaves
them: the reader either reads what the reviewer typed, unchanged, or stops with one
:class:`InputFileError` naming the file (never an XML, zip or ValueError traceback, never
garbled text).

Each test damages a copy, in ``tmp_path``, of a returned sheet under ``demo/human``.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from livingreview import sheets
from livingreview.errors import InputFileError
from tests.conftest import REPO_ROOT

HUMAN = REPO_ROOT / "demo/human"
#: (returned sheet under demo/human, its main sheet's title)
SCREENING = (
    "screening/title_abstract/title_abstract_round1_r1_demo_illustrative.xlsx",
    "Screening",
)
ROB2 = ("risk_of_bias/rob_rob2_round1_r1_demo_illustrative.xlsx", "Risk of bias")
MAIN_PART = "xl/worksheets/sheet1.xml"


def _rewrite_part(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook ``data`` with zip member ``part`` replaced by ``change`` of it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        assert part in src.namelist()
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info, change(body) if info.filename == part else body)
    return out.getvalue()


def _nul_in_text(xml: bytes) -> bytes:
    """A NUL byte inside the first inline text (XML 1.0 forbids it in any form)."""
    start = xml.index(b"<t") + xml[xml.index(b"<t") :].index(b">") + 1
    return xml[:start] + b"\x00" + xml[start:]


def _garbled_reference(xml: bytes) -> bytes:
    """A cell reference such as ``E45`` turned into ``E4C5`` (openpyxl: ValueError)."""
    return re.sub(rb'r="([A-Z]+)(\d)(\d+)"', rb'r="\1\2C\3"', xml, count=1)


DAMAGE = {
    "worksheet-xml-cut-in-half": lambda xml: xml[: len(xml) // 2],
    "nul-byte-in-a-cell": _nul_in_text,
    "garbled-cell-reference": _garbled_reference,
}


@pytest.mark.parametrize("sheet", [SCREENING, ROB2], ids=["screening", "rob2"])
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_workbook_with_a_damaged_worksheet_is_one_input_error(
    sheet: tuple[str, str], damage: str, tmp_path: Path
) -> None:
    name, title = sheet
    original = (HUMAN / name).read_bytes()
    path = tmp_path / Path(name).name
    path.write_bytes(_rewrite_part(original, MAIN_PART, DAMAGE[damage]))
    assert path.read_bytes() != original
    with pytest.raises(InputFileError) as raised:
        sheets.read_sheet(path, title)
    message = str(raised.value)
    assert message.startswith(f"{path}: cannot read as an .xlsx workbook: a part of it is damaged")
    assert "\n" not in message


def _as_csv(tmp_path: Path, sheet: tuple[str, str], rows: int = 10) -> tuple[Path, str]:
    """The demo's returned sheet as the pipeline writes its CSV variant (more than ``rows``
    rows): its path and text."""
    name, title = sheet
    returned = sheets.read_sheet(HUMAN / name, title)
    assert returned.meta is not None and len(returned.table) > rows
    header, *rows = returned.table
    text = sheets.csv_text(header, [dict(zip(header, r, strict=True)) for r in rows], returned.meta)
    path = tmp_path / "returned.csv"
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.replace("\n", "\r").encode("utf-8"), id="cr-line-ends"),
        pytest.param(lambda text: text.encode("utf-16-le"), id="utf-16-le-without-bom"),
        pytest.param(lambda text: text.encode("utf-16-be"), id="utf-16-be-without-bom"),
    ],
)
def test_a_csv_sheet_saved_another_way_reads_as_written(
    encode: Callable[[str], bytes], tmp_path: Path
) -> None:
    """Excel for Mac ends CSV rows with CR alone; some Windows tools write UTF-16 without a
    byte-order mark. Both hold the same table and metadata as the sheet written."""
    path, text = _as_csv(tmp_path, SCREENING)
    written = sheets.read_sheet(path, SCREENING[1])
    saved = tmp_path / "saved.csv"
    saved.write_bytes(encode(text))
    read = sheets.read_sheet(saved, SCREENING[1])
    assert (read.meta, read.table) == (written.meta, written.table)
    assert any("ILLUSTRATIVE" in cell for row in read.table for cell in row)


def test_a_csv_sheet_in_two_encodings_is_refused_naming_the_line(tmp_path: Path) -> None:
    """Rows appended in Windows' cp1252 to a UTF-8 sheet: read as cp1252, every UTF-8
    character the reviewers typed would turn into two or three wrong ones."""
    path, text = _as_csv(tmp_path, SCREENING)
    lines = text.replace("ILLUSTRATIVE", "naïve – ILLUSTRATIVE").split("\n")
    mixed = "\n".join(lines[:4]).encode("utf-8") + b"\n" + "\n".join(lines[4:]).encode("cp1252")
    path.write_bytes(mixed)
    with pytest.raises(UnicodeDecodeError) as bad:
        mixed.decode("utf-8")
    line = mixed.count(b"\n", 0, bad.value.start) + 1
    assert line >= 5
    with pytest.raises(InputFileError) as raised:
        sheets.read_sheet(path, SCREENING[1])
    message = str(raised.value)
    assert message.startswith(f"{path}, line {line}: byte {bad.value.start} ")
    assert "mixed encodings" in message
    # the same sheet saved wholly in cp1252 (Excel's "CSV" on Windows) is read as typed
    path.write_bytes("\n".join(lines).encode("cp1252"))
    assert "naïve – ILLUSTRATIVE demo entry" in sheets.read_sheet(path, SCREENING[1]).table[1][6]


def test_a_utf8_bom_sheet_with_a_byte_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path, text = _as_csv(tmp_path, SCREENING)
    data = codecs.BOM_UTF8 + text.replace("ILLUSTRATIVE", "caf\udce9", 1).encode(
        "utf-8", errors="surrogateescape"
    )
    path.write_bytes(data)
    with pytest.raises(InputFileError, match=r"line 3: byte \d+ \(0xe9\) is not UTF-8"):
        sheets.read_sheet(path, SCREENING[1])


def test_a_nul_byte_or_a_workbook_under_a_csv_name_is_named_as_such(tmp_path: Path) -> None:
    """Python's csv module reads NUL bytes into the cells, and a workbook renamed .csv was
    refused with a message about new-line characters: both now say what the file is."""
    path, text = _as_csv(tmp_path, SCREENING)
    cut = text.index("\n", text.index("\n") + 1) + 5  # on line 3
    path.write_bytes(text[:cut].encode() + b"\x00" + text[cut:].encode())
    with pytest.raises(
        InputFileError, match=r", line 3: cannot be read as a CSV sheet \(binary data: a NUL byte\)"
    ):
        sheets.read_sheet(path, SCREENING[1])
    path.write_bytes((HUMAN / SCREENING[0]).read_bytes())
    with pytest.raises(
        InputFileError,
        match=r"returned\.csv: cannot be read as a CSV sheet \(a ZIP archive: an \.xlsx",
    ):
        sheets.read_sheet(path, SCREENING[1])


MAYBE = ("dedup/maybe_pairs_demo_illustrative.xlsx", "Maybe pairs")


def test_a_maybe_pair_sheet_with_its_rows_deleted_is_refused(tmp_path: Path) -> None:
    """The demo's returned maybe-pair sheet with its decided rows deleted (its ``_meta`` still
    lists every pair): the decisions went with them, without a word."""
    from livingreview.dedup import maybe_sheet

    source = HUMAN / MAYBE[0]
    meta = sheets.read_sheet(source, MAYBE[1]).meta
    assert meta is not None
    review, pairs = meta["review_id"], int(meta["pairs"])
    wb = openpyxl.load_workbook(source)
    ws = wb[MAYBE[1]]
    header = [c.value for c in ws[1]]
    known = {
        ws.cell(r, header.index(c) + 1).value
        for r in range(2, ws.max_row + 1)
        for c in ("record_a", "record_b")
    }
    kept = maybe_sheet.read_decision_file(source, review_id=review, known_records=known)
    assert [d.decision for d in kept].count("duplicate") >= 2
    ws.delete_rows(2, ws.max_row - 1)
    path = tmp_path / "maybe_pairs_returned.xlsx"
    wb.save(path)
    with pytest.raises(InputFileError) as raised:
        maybe_sheet.read_decision_file(path, review_id=review, known_records=known)
    message = str(raised.value)
    assert message.startswith(f"{path}, field 'record_a': {pairs} pair(s) of the sheet")
    assert "filter rows instead of deleting them" in message


def _maybe_csv(tmp_path: Path) -> tuple[Path, str, str, set[str], list[tuple[str, str, str]]]:
    """The demo's returned maybe-pair sheet as a CSV sheet: its path, text, review, the
    records it names and the decisions read from it."""
    from livingreview.dedup import maybe_sheet

    path, text = _as_csv(tmp_path, MAYBE, rows=3)
    returned = sheets.read_sheet(path, MAYBE[1])
    assert returned.meta is not None and returned.meta["kind"] == maybe_sheet.KIND
    review = returned.meta["review_id"]
    known = {returned.cell(row, c) for _, row in returned.rows() for c in ("record_a", "record_b")}
    read = maybe_sheet.read_decision_file(path, review_id=review, known_records=known)
    decided = [(d.a, d.b, d.decision) for d in read if d.decision]
    assert [d for _, _, d in decided] == ["duplicate", "duplicate"]
    return path, text, review, known, decided


def _cut(lines: int, chars: int = 0) -> Callable[[str], str]:
    """Keep the first ``lines`` lines of a text and ``chars`` characters of the next."""

    def cut(text: str) -> str:
        kept = text.splitlines(keepends=True)
        return "".join(kept[:lines]) + (kept[lines][:chars] if chars else "")

    return cut


#: How a returned maybe-pair CSV (metadata line, header, four rows: the first and last decided)
#: is cut short, and how many pairs are then missing.
CUTS = {
    "cut-inside-an-undecided-row": (_cut(4, 20), 2),
    "last-row-lost": (_cut(5), 1),
    "emptied-to-its-header": (_cut(2), 4),
}


@pytest.mark.parametrize("cut", sorted(CUTS))
def test_a_maybe_pair_csv_cut_short_is_refused(cut: str, tmp_path: Path) -> None:
    """A returned maybe-pair CSV cut short (a broken copy, or its rows deleted) was read as far
    as it went, and the decisions of the rows cut off were dropped without a word."""
    from livingreview.dedup import maybe_sheet

    path, text, review, known, _ = _maybe_csv(tmp_path)
    change, missing = CUTS[cut]
    path.write_text(change(text), encoding="utf-8")
    with pytest.raises(InputFileError) as raised:
        maybe_sheet.read_decision_file(path, review_id=review, known_records=known)
    message = str(raised.value)
    expected = f"{missing} pair(s) of the 4 the sheet was written with missing"
    expected += f" (found {4 - missing})"
    assert message.startswith(f"{path}, field 'record_a': {expected}; ")
    assert "filter rows instead of deleting them" in message and "\n" not in message


def test_a_maybe_pair_listed_twice_blank_and_decided_keeps_the_decision(tmp_path: Path) -> None:
    """A decided row of the demo's maybe-pair CSV copied with its decision blanked, above or
    below it: the sheet still lists every pair once, and the decision stands."""
    from livingreview.dedup import maybe_sheet

    path, text, review, known, decided = _maybe_csv(tmp_path)
    lines = text.splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if ",Duplicate," in line)
    blank = lines[row].replace(",Duplicate,", ",,", 1)
    for at in (row, row + 1):
        path.write_text("".join([*lines[:at], blank, *lines[at:]]), encoding="utf-8")
        read = maybe_sheet.read_decisions([path], review_id=review, known_records=known)
        assert [(d.a, d.b, d.decision) for d in read] == decided
