"""What the Instructions of a written sheet or form say may be returned.

A CSV saved from an .xlsx sheet has no metadata line (nor the hidden ``_meta``), so it is refused
("no sheet metadata ... return the conflicts sheet as it was written"); yet the conflicts sheets
said "Save ... as .xlsx (or .csv)" and the full-text, extraction and risk-of-bias forms ".xlsx or
.csv". Every one now says what the title/abstract sheet says: a .csv only if the .csv was sent.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from livingreview import returned_checks, sheets
from livingreview.errors import InputFileError

SENT = "a .csv only if you were sent the .csv"


def instructions(path: Path) -> str:
    """The Instructions sheet of a written .xlsx, its lines joined by spaces."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = book["Instructions"].iter_rows(values_only=True)
    return " ".join(" ".join(str(row[0]).split()) for row in rows if row and row[0])


def test_every_sheet_and_form_says_a_csv_only_if_the_csv_was_sent(demo_outputs: Path) -> None:
    written = [p for p in sorted(demo_outputs.rglob("*.xlsx")) if p.name != "maybe_pairs.xlsx"]
    folders = {p.relative_to(demo_outputs).parts[0] for p in written}
    assert folders == {"screening", "fulltext", "extraction", "rob"}
    assert any(p.name == "conflicts.xlsx" for p in written)
    for path in written:
        text = instructions(path)
        assert SENT in text and "keep its first line" in text, path
        assert ".xlsx or .csv" not in text and "(or .csv)" not in text, path


def test_a_csv_saved_from_the_xlsx_is_refused_as_the_instructions_say(
    demo_outputs: Path, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(demo_outputs / "fulltext/conflicts.xlsx")
    saved = tmp_path / "conflicts_resolved.csv"  # File > Save As > CSV: the first sheet only
    with saved.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for row in book.worksheets[0].iter_rows(values_only=True):
            writer.writerow(["" if v is None else v for v in row])
    returned = sheets.read_sheet(saved, book.worksheets[0].title)
    with pytest.raises(InputFileError, match="no sheet metadata"):
        returned_checks.require_meta(returned, "conflicts sheet")
