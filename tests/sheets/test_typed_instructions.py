"""Text a reviewer types into the Instructions tab of a returned .xlsx (beside the lines the
pipeline wrote in column A): that tab is never read, so the sheet is refused naming the cell,
not read with the text dropped."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from livingreview.errors import InputFileError
from livingreview.sheets import read_sheet
from tests.sheets.libreoffice_fixtures import TITLE, blank_sheet


def test_text_typed_beside_the_instructions_is_refused_naming_the_cell(tmp_path: Path) -> None:
    """Before: read with exit 0, the note in the Instructions tab dropped without a word."""
    path = blank_sheet(tmp_path / "sheet.xlsx")
    assert read_sheet(path, TITLE).table[1:]  # the instructions as written: read
    wb = openpyxl.load_workbook(path)
    wb["Instructions"]["C4"] = "S2: unsure, ask the team"
    wb.save(path)
    with pytest.raises(InputFileError) as caught:
        read_sheet(path, TITLE)
    message = str(caught.value)
    assert "sheet 'Instructions'" in message and "'C4'" in message
    assert "'S2: unsure, ask the team'" in message and "notes" in message
