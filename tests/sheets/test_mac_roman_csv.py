"""A CSV saved by Excel as "CSV (Macintosh)": Mac Roman text, lines ending with CR alone."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from livingreview.cli import main
from livingreview.errors import InputFileError
from livingreview.sheets import read_sheet
from livingreview.sheets.csv_encoding import decode_csv
from tests.conftest import require_shared

#: study names with the accented letters of real authors' names (Scopus' 'Künyeli F.B.')
NAMES = ["Künyeli 2019", "Pérez 2020", "Müller 2021", "Ibáñez 2022", "Çelik 2023"]


def robvis_table(line_end: str, encoding: str, target: Path) -> Path:
    """robvis' ROB2 example with accented study names, saved with ``line_end`` in
    ``encoding``."""
    source = require_shared("data/rob/robvis_data_rob2.csv")
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    for number, row in enumerate(rows[1:]):
        row[0] = f"{NAMES[number % len(NAMES)]}{'' if number < len(NAMES) else 'b'}"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerows(rows)
    target.write_bytes(buffer.getvalue().encode(encoding))
    return target


def test_robvis_table_saved_as_csv_macintosh_keeps_its_accents(tmp_path: Path) -> None:
    # before: read as cp1252, 'Pérez' came out 'PŽrez' and 'Müller' 'MŸller'
    table = robvis_table("\r", "mac_roman", tmp_path / "rob2.csv")
    out = tmp_path / "plots"
    assert main(["rob", "plot", str(table), "--tool", "rob2", "--out", str(out)]) == 0
    written = (out / "rob_table.csv").read_text(encoding="utf-8")
    for name in NAMES:
        assert name in written
    assert name in (out / "traffic_light.svg").read_text(encoding="utf-8")


def test_windows_and_other_cr_files_read_as_before(tmp_path: Path) -> None:
    # cp1252 with Windows' CRLF line ends: é is 0xE9, and 0x80-0x9F hold punctuation (’ 0x92)
    table = robvis_table("\r\n", "cp1252", tmp_path / "windows.csv")
    assert all(name in decode_csv(table) for name in NAMES)
    quoted = tmp_path / "quotes.csv"
    quoted.write_bytes("Study,Note\r\nPérez 2020,it’s fine\r\n".encode("cp1252"))
    assert decode_csv(quoted) == "Study,Note\r\nPérez 2020,it’s fine\r\n"
    # CR alone but no byte of 0x80-0x9F: nothing says Mac Roman, read as cp1252
    plain = tmp_path / "plain.csv"
    plain.write_bytes("Study,Note\rCafé 2020,n° 3\r".encode("cp1252"))
    assert decode_csv(plain) == "Study,Note\rCafé 2020,n° 3\r"
    # UTF-8 with CR alone stays UTF-8
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes("Study\rPérez 2020\r".encode())
    assert decode_csv(utf8) == "Study\rPérez 2020\r"


def test_a_mixed_encoding_cr_file_is_refused_naming_its_line(tmp_path: Path) -> None:
    # before: lines were counted at LF only, so every byte of a CR-only file was on 'line 1'
    table = robvis_table("\r", "utf-8", tmp_path / "rob2.csv")
    lines = table.read_bytes().split(b"\r")
    lines[3] = "Ødegård 2024".encode("mac_roman") + lines[3][lines[3].index(b",") :]
    table.write_bytes(b"\r".join(lines))
    with pytest.raises(InputFileError) as caught:
        decode_csv(table)
    assert "line 4" in str(caught.value)
    assert "mixed encodings" in str(caught.value)


def test_csv_macintosh_without_accented_small_letters_keeps_its_quotes_and_letters(
    tmp_path: Path,
) -> None:
    """Mac Roman has é ü ñ at 0x80-0x9F, but ’ “ ” … – ß ø above: a returned sheet whose
    notes hold only those was read as cp1252 ('patientÕs', 'Stra§e', 'L¿ken', exit 0)."""
    notes = ["patient’s “good” note…", "Straße – Løken", "Ørsted and øre"]
    rows = [f"S{i},include,{note}" for i, note in enumerate(notes)]
    text = "\r".join(["# livingreview sheet | kind=x", "study_id,decision,notes", *rows]) + "\r"
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(text.encode("mac_roman"))
    assert not any(0x80 <= byte <= 0x9F for byte in sheet.read_bytes())
    assert [row[2] for row in read_sheet(sheet, "Screening").table[1:]] == notes
    # the same text saved as cp1252 with CR line ends reads as typed too
    sheet.write_bytes(
        text.replace("’", "'")
        .replace("“", '"')
        .replace("”", '"')
        .replace("…", "...")
        .replace("–", "-")
        .encode("cp1252")
    )
    assert read_sheet(sheet, "Screening").table[3][2] == "Ørsted and øre"


def test_csv_macintosh_with_a_line_break_typed_in_a_cell_keeps_its_accents(
    tmp_path: Path,
) -> None:
    """Excel for Mac ends a CSV's lines with CR but a line break typed in a cell with LF: a
    returned sheet with a note on two lines was read as cp1252 ('Pérez' as 'PŽrez', exit 0)."""
    notes = ["Pérez: first line\nsecond line", "Müller\r\nand Ibáñez", "ok"]
    rows = [f'S{i},include,"{note}"' for i, note in enumerate(notes)]
    text = "\r".join(["# livingreview sheet | kind=x", "study_id,decision,notes", *rows]) + "\r"
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(text.encode("mac_roman"))
    assert [row[2] for row in read_sheet(sheet, "Screening").table[1:]] == notes
