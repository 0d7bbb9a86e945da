"""A workbook holding its own ``_meta`` sheet whose data sheet also opens with a CSV sheet's
metadata line (a CSV sheet pasted into it) answers no sheet that can be told: one clear error, not
"missing columns" on its first row."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from livingreview.errors import InputFileError
from livingreview.sheets.layout import Column, SheetLayout
from livingreview.sheets.reading import read_sheet
from livingreview.sheets.writing import write_sheet_files

LAYOUT = SheetLayout("Screening", (Column("study_id"), Column("decision", editable=True)))


def _sheet(folder: Path) -> Path:
    (path,) = write_sheet_files(
        folder,
        "s",
        LAYOUT,
        [{"study_id": "S1", "decision": ""}],
        meta=[("kind", "screening"), ("reviewer", "r1")],
        ids=[["S1"]],
        instructions=[],
    )
    return path


def test_a_csv_metadata_line_in_a1_beside_the_meta_sheet_is_refused(tmp_path: Path) -> None:
    path = _sheet(tmp_path)
    assert read_sheet(path, "Screening").meta["reviewer"] == "r1"
    wb = openpyxl.load_workbook(path)
    wb["Screening"].insert_rows(1)
    wb["Screening"]["A1"] = "# livingreview sheet | kind=screening | reviewer=r2 | checksum=x"
    wb.save(path)
    with pytest.raises(InputFileError) as error:
        read_sheet(path, "Screening")
    message = str(error.value)
    assert "row 1" in message and "A1" in message and "'_meta'" in message
    assert "missing column" not in message
