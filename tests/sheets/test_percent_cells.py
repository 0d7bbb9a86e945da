"""A percentage a reviewer types into a cell (``45%``): a spreadsheet program stores the number
0.45 in a percentage format, which reads as the text the cell shows, every digit kept, as the
CSV holds it; a store an earlier version wrote with the number still passes the nothing-lost
checks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from livingreview.errors import InputFileError
from livingreview.reviewforms import Entry
from livingreview.reviewforms import check_nothing_lost as check_form_store
from livingreview.screening.decisions import ScreeningDecision
from livingreview.screening.importing import check_nothing_lost as check_screening_store
from livingreview.sheets import read_sheet
from tests.sheets.libreoffice_fixtures import TITLE, blank_sheet

# (value stored, number format): as Excel and LibreOffice store 45%, 12.5%, 7% and 100% typed
TYPED = ((0.45, "0%"), (0.125, "0.00%"), (0.07, '0%;[Red]"-"0%'), (1, "0%"), (0.45, "General"))


def test_a_percentage_typed_in_a_cell_reads_as_it_shows(tmp_path: Path) -> None:
    """openpyxl gives the cell's number: '45%' typed was read as '0.45', and stored so."""
    path = blank_sheet(tmp_path / "percent.xlsx")
    wb = openpyxl.load_workbook(path)
    for number, (value, shown) in enumerate((*TYPED, (0.5, '0.0" mg %"')), start=2):
        cell = wb[TITLE].cell(number, 4, value)  # rows past the sheet's: read_sheet reads all
        cell.number_format = shown
    wb.save(path)
    notes = [row[3] for row in read_sheet(path, TITLE).table[1:7]]
    assert notes == ["45%", "12.5%", "7%", "100%", "0.45", "0.5"]


def test_a_number_stored_before_it_read_as_a_percentage_passes_the_nothing_lost_checks() -> None:
    """An earlier version stored the number of a percentage cell: the checks stopped the
    screening and form steps once it read ``45%``."""
    before, now = "0.45", "45%"
    decision = ScreeningDecision(
        "S1", "r1", "title_abstract", 1, "include", "", before, "a.xlsx", 2, ""
    )
    check_screening_store([decision], [replace(decision, notes=now)], Path("store.csv"))
    with pytest.raises(InputFileError, match="is no longer in this file"):
        check_screening_store([decision], [replace(decision, notes="46%")], Path("store.csv"))
    entry = Entry("S1", "r1", 1, "notes", before, "a.xlsx", 2, "")
    check_form_store([entry], [replace(entry, value=now)], Path("entries.csv"))
    check_form_store([entry], [entry], Path("entries.csv"))
    with pytest.raises(InputFileError, match="now reads '46%'"):
        check_form_store([entry], [replace(entry, value="46%")], Path("entries.csv"))
