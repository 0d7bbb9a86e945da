"""A CSV sheet (UTF-8 with its byte-order mark) that LibreOffice opened as Windows-1252, as its
headless conversion does in a Western locale, and saved again as .xlsx or as CSV: the mark
became "ï»¿" before the metadata line and every letter outside ASCII was garbled ("Zoë" became
"ZoÃ«"). The metadata line was found and the sheet read, so a note a reviewer typed was stored
garbled; each cell is now read as the UTF-8 it was garbled from, and a cell also holding text
typed after (which no reading gives back as typed) is refused.

``data/title_abstract_round1_r1_cp1252.{xlsx,csv}``: made by
``python -m tests.sheets.libreoffice_fixtures cp1252`` (invented studies)."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.errors import InputFileError
from livingreview.screening.importing import Expected, read_returned_sheet
from livingreview.sheets import csv_sheet, read_sheet
from tests.sheets.libreoffice_fixtures import DATA, REVIEW, SCREENING_REASONS, STUDIES


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_sheet_opened_as_cp1252_reads_as_typed(suffix: str) -> None:
    path = DATA / f"title_abstract_round1_r1_cp1252.{suffix}"
    reasons = {rid: rid.replace("_", " ") for rid in SCREENING_REASONS}
    ids = frozenset(study["study_id"] for study in STUDIES)
    expected = Expected(REVIEW, "title_abstract", 1, ("r1",), reasons, ids)
    _, decisions = read_returned_sheet(path, expected)
    notes = {d.study_id: d.notes for d in decisions}
    assert notes["S00000000a2"] == "two lines:\nZoë & Ærø 日本"
    assert notes["S00000000a1"] == "2024-03-05"


def test_sheet_made_in_utf8_is_read_as_before() -> None:
    sheet = read_sheet(DATA / "title_abstract_round1_r1.xlsx", "screening")
    assert "two lines:\nZoë & Ærø 日本" in [row[6] for row in sheet.table]


def cells(*values: str) -> list[str]:
    """``values`` as the notes cells of a sheet read as cp1252."""
    rows = csv_sheet.ungarbled(Path("x.csv"), [["notes"], *([v] for v in values)], 2)
    return [row[0] for row in rows[1:]]


def test_text_not_garbled_from_utf8_is_kept() -> None:
    kept = ["Zoë typed in the garbled view", "plain", "Ã alone", "2024-03-05", "日本"]
    assert cells(*kept) == kept


def test_undefined_byte_kept_by_libreoffice_as_private_use_is_read() -> None:
    # "Á" is C3 81; LibreOffice gives cp1252's undefined 0x81 as U+F181
    assert cells("Ã\uf181lvarez", "â€“ dash") == ["Álvarez", "– dash"]


def test_garbled_text_beside_text_typed_after_is_refused() -> None:
    with pytest.raises(InputFileError, match=r"x.csv, row 3, field 'notes': holds 'ZoÃ« and é'"):
        cells("ZoÃ« and é")
