"""A time of day a screener types alone into a notes cell (``12:30``): a spreadsheet program
stores it as a time in a time format, and the note reads as the cell shows it, not as
``12:30:00``. A store an earlier version wrote with ``12:30:00`` still passes the nothing-lost
checks."""

from __future__ import annotations

import logging
import shutil
from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest

from livingreview.errors import InputFileError
from livingreview.reviewforms import Entry
from livingreview.reviewforms import check_nothing_lost as check_form_store
from livingreview.screening import export as screening_sheet
from livingreview.screening.decisions import ScreeningDecision
from livingreview.screening.importing import Expected, read_returned_sheet
from livingreview.screening.importing import check_nothing_lost as check_screening_store
from livingreview.sheets.time_shown import time_shown
from tests.sheets.libreoffice_fixtures import REVIEW, SCREENING_REASONS, STUDIES, libreoffice

# (day fraction stored, number format): as Excel stores 12:30, 1:30 pm, 9:05:45 typed, and
# LibreOffice 12:30; what each cell shows
TYPED = (
    (0.5208333333333334, "h:mm", "12:30"),
    (0.5625, "h:mm AM/PM", "1:30 PM"),
    (0.3789930555555556, "h:mm:ss", "9:05:45"),
    (0.3784722222222222, "HH:MM", "09:05"),
)


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_a_time_typed_alone_in_a_screening_note_reads_as_the_cell_shows_it(
    tmp_path: Path,
) -> None:
    """The sheet as the stage writes it, times typed into notes, saved again by LibreOffice:
    the notes were stored as '12:30:00', '13:30:00', '09:05:45', '09:05:00'."""
    spec = screening_sheet.SheetSpec(REVIEW, "title_abstract", 1, 1, "r1")
    layout = screening_sheet.layout(SCREENING_REASONS)
    rows = screening_sheet.sheet_rows(STUDIES)
    path = screening_sheet.write_sheet(tmp_path, spec, rows, layout, [], formats=("xlsx",))[0]
    wb = openpyxl.load_workbook(path)
    ws = wb[screening_sheet.SHEET]
    header = [cell.value for cell in ws[1]]
    for number, (value, shown, _) in enumerate(TYPED, start=2):
        ws.cell(number, header.index("decision") + 1, "maybe")
        ws.cell(number, header.index("notes") + 1, value).number_format = shown
    wb.save(path)
    expected = Expected(
        REVIEW,
        "title_abstract",
        1,
        ["r1"],
        {reason: reason for reason in SCREENING_REASONS},
        frozenset(study["study_id"] for study in STUDIES),
    )
    want = [seen for _, _, seen in TYPED]
    for sheet in (path, libreoffice(path, "xlsx", tmp_path / "lo", tmp_path)):
        _, decided = read_returned_sheet(sheet, expected)
        assert [decision.notes for decision in decided] == want


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (time(12, 30), "hh:mm:ss\\ AM/PM", "12:30:00 PM"),  # LibreOffice's CSV import
        (time(0, 5), "h:mm AM/PM", "12:05 AM"),
        (time(13, 30), "[$-409]h:mm A/P", "1:30 P"),
        (time(12, 30), 'h"h"mm', "12h30"),
        (timedelta(hours=14, minutes=30, seconds=15.5), "[hh]:mm:ss.00", "14:30:15.50"),
        (timedelta(hours=26), "[h]:mm", "26:00"),
        (time(12, 30), "General", None),  # not a time format: read as before
        (time(12, 30), "mm/dd/yy", None),
    ],
)
def test_a_time_shows_as_its_format_says(
    value: time | timedelta, number_format: str, shown: str | None
) -> None:
    assert time_shown(value, number_format) == shown


def test_a_time_stored_before_it_read_as_shown_passes_the_nothing_lost_checks() -> None:
    """An earlier version stored the time typed as ``12:30:00``: the checks stopped the
    screening and form steps once it read ``12:30`` (or ``12:30 PM``)."""
    before = "12:30:00"
    decision = ScreeningDecision(
        "S1", "r1", "title_abstract", 1, "include", "", before, "a.xlsx", 2, ""
    )
    entry = Entry("S1", "r1", 1, "notes", before, "a.xlsx", 2, "")
    for now in ("12:30", "12:30 PM", "12:30:00 PM"):
        check_screening_store([decision], [replace(decision, notes=now)], Path("store.csv"))
        check_form_store([entry], [replace(entry, value=now)], Path("entries.csv"))
    with pytest.raises(InputFileError, match="is no longer in this file"):
        check_screening_store([decision], [replace(decision, notes="12:30 AM")], Path("s.csv"))
    with pytest.raises(InputFileError, match="now reads '12:31'"):
        check_form_store([entry], [replace(entry, value="12:31")], Path("entries.csv"))


def test_a_date_made_of_a_screening_note_is_named_in_the_log_as_in_forms(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """'1/2' typed alone in notes becomes the 2nd of January (what was typed is gone): the
    screening step stored '2026-01-02' without a word, where the forms' steps log it."""
    spec = screening_sheet.SheetSpec(REVIEW, "title_abstract", 1, 1, "r1")
    layout = screening_sheet.layout(SCREENING_REASONS)
    rows = screening_sheet.sheet_rows(STUDIES)
    path = screening_sheet.write_sheet(tmp_path, spec, rows, layout, [], formats=("xlsx",))[0]
    wb = openpyxl.load_workbook(path)
    ws = wb[screening_sheet.SHEET]
    header = [cell.value for cell in ws[1]]
    ws.cell(3, header.index("decision") + 1, "exclude")
    ws.cell(3, header.index("reason") + 1, SCREENING_REASONS[0])
    ws.cell(3, header.index("notes") + 1, datetime(2026, 1, 2)).number_format = "m/d"
    wb.save(path)
    expected = Expected(
        REVIEW,
        "title_abstract",
        1,
        ["r1"],
        {reason: reason for reason in SCREENING_REASONS},
        frozenset(study["study_id"] for study in STUDIES),
    )
    with caplog.at_level(logging.WARNING, logger="livingreview"):
        _, [decided] = read_returned_sheet(path, expected)
    assert decided.notes == "2026-01-02"
    [line] = [r.getMessage() for r in caplog.records if "holds a date or time" in r.getMessage()]
    assert str(path) in line and "row 3, field 'notes'" in line and "'2026-01-02'" in line
