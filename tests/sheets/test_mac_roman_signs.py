"""A CSV saved by Excel as "CSV (Macintosh)" (Mac Roman, CR line ends) whose notes hold only
signs outside ASCII (≥ ≤ ° ®), no letter that tells the two 8-bit encodings apart."""

from __future__ import annotations

from pathlib import Path

from livingreview.sheets import read_sheet
from livingreview.sheets.csv_encoding import decode_csv

NOTES = ["age ≥ 18 years", "p ≤ 0.05", "stored at 5 °C", "Soliris® (eculizumab)"]


def _sheet(path: Path, notes: list[str], encoding: str) -> Path:
    rows = [f"S{i},include,{note}" for i, note in enumerate(notes)]
    text = "\r".join(["# livingreview sheet | kind=x", "study_id,decision,notes", *rows]) + "\r"
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_macintosh_with_signs_only_reads_as_typed(tmp_path: Path) -> None:
    """Before (b8daa2c): nothing said Mac Roman, so it was read as cp1252, exit 0: 'age ³ 18
    years', 'p ² 0.05', 'stored at 5 ¡C', 'Soliris¨'. A file whose lines end with CR alone is
    what Excel's "CSV (Macintosh)" writes: without a sign either way it is Mac Roman."""
    for note in NOTES:
        sheet = _sheet(tmp_path / "sheet.csv", [note], "mac_roman")
        assert read_sheet(sheet, "Screening").table[1][2] == note


def test_cp1252_with_cr_line_ends_still_reads_by_its_letters(tmp_path: Path) -> None:
    """The letters of a cp1252 file with CR line ends still tell it ('Ørsted and øre' read as
    Mac Roman would be 'ÿrsted and ¯re'; 'Café' 'CafÈ')."""
    notes = ["Ørsted and øre", "Café 2020, n° 3"]
    assert decode_csv(_sheet(tmp_path / "sheet.csv", notes, "cp1252")).endswith(
        "S0,include,Ørsted and øre\rS1,include,Café 2020, n° 3\r"
    )
