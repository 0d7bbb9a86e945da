"""TRUE or FALSE typed into a cell: a spreadsheet program stores a truth value, which reads as
what was typed and shows (``TRUE``), as the CSV holds it, not as Python writes it (``True``);
a store an earlier version wrote with ``True`` still passes the nothing-lost checks."""

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


def test_a_truth_value_typed_in_a_cell_reads_as_typed(tmp_path: Path) -> None:
    """openpyxl gives the cell as a bool: 'TRUE' typed was read and stored as 'True'."""
    path = blank_sheet(tmp_path / "truth.xlsx")
    wb = openpyxl.load_workbook(path)
    for row, value in zip(wb[TITLE].iter_rows(min_row=2), (True, False, "True"), strict=True):
        row[3].value = value  # a bool cell (t="b"), as Excel stores TRUE typed; then text
    wb.save(path)
    assert [row[3] for row in read_sheet(path, TITLE).table[1:]] == ["TRUE", "FALSE", "True"]


def test_a_truth_value_stored_as_python_wrote_it_passes_the_nothing_lost_checks() -> None:
    """An earlier version stored 'True': the checks stopped the steps once it read 'TRUE'."""
    before, now = "True", "TRUE"
    decision = ScreeningDecision(
        "S1", "r1", "title_abstract", 1, "include", "", before, "a.xlsx", 2, ""
    )
    check_screening_store([decision], [replace(decision, notes=now)], Path("store.csv"))
    with pytest.raises(InputFileError, match="is no longer in this file"):
        check_screening_store([decision], [replace(decision, notes="FALSE")], Path("store.csv"))
    entry = Entry("S1", "r1", 1, "notes", before, "a.xlsx", 2, "")
    check_form_store([entry], [replace(entry, value=now)], Path("entries.csv"))
    check_form_store([entry], [entry], Path("entries.csv"))
    with pytest.raises(InputFileError, match="now reads 'FALSE'"):
        check_form_store([entry], [replace(entry, value="FALSE")], Path("entries.csv"))
