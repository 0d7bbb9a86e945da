"""Text a reviewer types into the Instructions tab of a returned .xlsx (beside the lines the
pipeline wrote in column A): that tab is never read, so the sheet is refused naming the cell,
not read with the text dropped."""

from __future__ import annotations

import logging
from pathlib import Path

import openpyxl
import pytest

from livingreview.errors import InputFileError
from livingreview.sheets import SheetCache, read_sheet
from livingreview.sheets.written import INSTRUCTIONS, KEYS
from tests.sheets.libreoffice_fixtures import TITLE, blank_sheet

MARK_KEYS = (INSTRUCTIONS, KEYS)


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


def test_text_beside_the_instructions_of_a_sheet_written_before_the_marks_is_named_not_refused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An earlier version may have read and stored such a sheet, and a stored file may not
    change: refusing it left the team no way on but deleting the stage's store."""
    path = blank_sheet(tmp_path / "sheet.xlsx")
    wb = openpyxl.load_workbook(path)
    meta = wb["_meta"]
    marks = [r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value in MARK_KEYS]
    assert len(marks) == 2  # written now: its instruction lines are marked
    meta.delete_rows(marks[0], 2)  # as an earlier version wrote it
    wb["Instructions"]["C4"] = "S2: unsure, ask the team"
    wb.save(path)
    with caplog.at_level(logging.WARNING):
        sheet = read_sheet(path, TITLE)
    assert sheet.meta and sheet.table[1:]
    [said] = [r.getMessage() for r in caplog.records if "Instructions" in r.getMessage()]
    assert said.startswith(str(path)) and "'C4'" not in said and "cell C4" in said
    assert "'S2: unsure, ask the team'" in said and "notes" in said


def test_text_beside_the_instructions_of_an_older_sheet_is_named_in_every_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Review of 68a1574: the warning came from reading the file, and the next run read the
    sheet from the sheet cache, so only the first run after the upgrade named the text (a
    date typed alone is named in every run)."""
    path = blank_sheet(tmp_path / "sheet.xlsx")
    wb = openpyxl.load_workbook(path)
    meta = wb["_meta"]
    marks = [r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value in MARK_KEYS]
    meta.delete_rows(marks[0], 2)  # as an earlier version wrote it
    wb["Instructions"]["C4"] = "S2: unsure, ask the team"
    wb.save(path)
    said = []
    for _run in range(3):
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            sheet = SheetCache(tmp_path / "cache").read(path, TITLE)
        said.append([r.getMessage() for r in caplog.records if "Instructions" in r.getMessage()])
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1  # read from the cache since
    assert sheet == read_sheet(path, TITLE)
    assert [len(run) for run in said] == [1, 1, 1] and said[0] == said[1] == said[2], said
