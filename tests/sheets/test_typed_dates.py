"""A date a reviewer types into a free-text cell: a spreadsheet program stores it as a date,
which reads as the ISO date typed (``2024-03-05``), as the CSV holds it; a date with a time
keeps the time. A store an earlier version wrote with ``2024-03-05 00:00:00`` still passes the
nothing-lost checks."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from livingreview.errors import InputFileError
from livingreview.reviewforms import Entry
from livingreview.reviewforms import check_nothing_lost as check_form_store
from livingreview.screening.decisions import ScreeningDecision
from livingreview.screening.importing import check_nothing_lost as check_screening_store
from livingreview.sheets import csv_meta_line, read_sheet
from tests.sheets.libreoffice_fixtures import TITLE, blank_sheet

TYPED = (datetime(2024, 3, 5), datetime(2024, 3, 5, 14, 30), "5 March 2024")


def test_a_date_typed_in_a_cell_reads_as_the_date_the_csv_holds(tmp_path: Path) -> None:
    """openpyxl gives a date cell as a datetime, which read as ``2024-03-05 00:00:00``."""
    path = blank_sheet(tmp_path / "dates.xlsx")
    wb = openpyxl.load_workbook(path)
    for row, value in zip(wb[TITLE].iter_rows(min_row=2), TYPED, strict=True):
        row[3].value = value  # stored as Excel stores a typed date: a number, date-formatted
    wb.save(path)
    notes = [row[3] for row in read_sheet(path, TITLE).table[1:]]
    assert notes == ["2024-03-05", "2024-03-05 14:30:00", "5 March 2024"]
    csv = tmp_path / "dates.csv"
    csv.write_text(f"{csv_meta_line({'kind': 'x'})}\nitem,notes\nI1,2024-03-05\n")
    assert read_sheet(csv, TITLE).table[1] == ["I1", notes[0]]


def test_a_date_stored_with_its_midnight_before_passes_the_nothing_lost_checks() -> None:
    """An earlier version stored the date typed as ``2024-03-05 00:00:00``: the checks stopped
    the screening and form steps once it read ``2024-03-05``."""
    before, now = "2024-03-05 00:00:00", "2024-03-05"
    decision = ScreeningDecision(
        "S1", "r1", "title_abstract", 1, "include", "", before, "a.xlsx", 2, ""
    )
    check_screening_store([decision], [replace(decision, notes=now)], Path("store.csv"))
    with pytest.raises(InputFileError, match="is no longer in this file"):
        check_screening_store(
            [decision], [replace(decision, notes="2024-03-06")], Path("store.csv")
        )
    entry = Entry("S1", "r1", 1, "notes", before, "a.xlsx", 2, "")
    check_form_store([entry], [replace(entry, value=now)], Path("entries.csv"))
    check_form_store([entry], [entry], Path("entries.csv"))  # read from a CSV as typed
    with pytest.raises(InputFileError, match="now reads '2024-03-06'"):
        check_form_store([entry], [replace(entry, value="2024-03-06")], Path("entries.csv"))
    timed = replace(entry, value="2024-03-05 14:30:00")
    with pytest.raises(InputFileError, match="now reads '2024-03-05'"):
        check_form_store([timed], [replace(entry, value=now)], Path("entries.csv"))
