"""A sheet a team writes as CSV (``sheet_format: csv``) that the reviewer opens in a spreadsheet
program and saves as .xlsx: its metadata line lands in cell A1 (no ``_meta`` sheet), a cell the
CSV wrote with a ``'`` before ``=`` keeps it, a typed date is a date cell and a typed number a
number. It was refused with "no sheet metadata"; it reads as the CSV it was made from.

``data/title_abstract_round1_r1.{csv,xlsx}`` and ``data/full_text_round1_r1.{csv,xlsx}``: the
CSV sheets of invented studies the stages write, filled in, and LibreOffice's .xlsx of each;
:mod:`tests.sheets.libreoffice_fixtures` says how, and makes them again."""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from livingreview.fulltext import sheet as fulltext_sheet
from livingreview.reviewforms import ExpectedForm, read_form
from livingreview.screening.importing import Expected, read_returned_sheet
from livingreview.sheets import CSV_META_PREFIX, SheetCache, read_sheet
from tests.sheets.libreoffice_fixtures import (
    CARRIED,
    CSV_UTF8,
    DATA,
    FULL_TEXT_TYPED,
    REVIEW,
    SCREENING_REASONS,
    SCREENING_TYPED,
    STUDIES,
    libreoffice_all,
)

SCREENING, FULL_TEXT = "title_abstract_round1_r1", "full_text_round1_r1"
IDS = frozenset(study["study_id"] for study in STUDIES)


def screening(path: Path) -> tuple[list[tuple[str, ...]], tuple[tuple[str, str], ...]]:
    """(study, decision, reason, notes) of each decision of a returned screening sheet, and
    the notes on its undecided rows."""
    reasons = {rid: rid.replace("_", " ") for rid in SCREENING_REASONS}
    expected = Expected(REVIEW, "title_abstract", 1, ("r1",), reasons, IDS)
    info, decisions = read_returned_sheet(path, expected)
    found = [(d.study_id, d.decision, d.reason, d.notes) for d in decisions]
    return found, info.undecided_notes


def full_text(path: Path) -> dict[str, dict[str, str]]:
    """Each filled row of a returned full-text form: its typed cells by column."""
    expected = ExpectedForm(
        fulltext_sheet.WHAT,
        fulltext_sheet.KIND,
        fulltext_sheet.SHEET,
        fulltext_sheet.ID_COLUMN,
        fulltext_sheet.EDITABLE,
        REVIEW,
        1,
        ("r1",),
        IDS,
        texts=fulltext_sheet.TEXTS,
    )
    return {
        row.item_id: {column: value for column, value in row.values.items() if value}
        for row in read_form(path, expected).filled
    }


def test_a_screening_sheet_csv_saved_as_xlsx_reads_every_decision_as_typed() -> None:
    """The date typed (2024-03-05) and the number (42) as typed, the carried note without the
    ``'`` LibreOffice kept before its ``=``."""
    typed = [(sid, *cells) for sid, cells in SCREENING_TYPED.items()]
    carried = tuple(CARRIED.items())
    assert screening(DATA / f"{SCREENING}.xlsx") == (typed, carried)
    assert screening(DATA / f"{SCREENING}.csv") == (typed, carried)


def test_a_full_text_form_csv_saved_as_xlsx_reads_every_cell_as_typed() -> None:
    assert full_text(DATA / f"{FULL_TEXT}.xlsx") == FULL_TEXT_TYPED
    assert full_text(DATA / f"{FULL_TEXT}.csv") == FULL_TEXT_TYPED


@pytest.mark.parametrize("name", [SCREENING, FULL_TEXT])
def test_the_xlsx_reads_as_the_csv_it_was_saved_from(name: str) -> None:
    """Metadata, header row (row 2, below the metadata line) and every cell; like the CSV, the
    .xlsx LibreOffice converted it to records no save time (its docProps/core.xml has none)."""
    xlsx, csv = read_sheet(DATA / f"{name}.xlsx", "x"), read_sheet(DATA / f"{name}.csv", "x")
    assert xlsx.meta is not None and xlsx.meta["kind"] in ("screening", "full-text")
    assert not xlsx.saved_at and not csv.saved_at
    assert replace(xlsx, path=csv.path) == csv
    assert xlsx.header_position == "row 2"


def test_the_committed_files_are_libreoffices_with_the_metadata_line_in_a1() -> None:
    for name in (SCREENING, FULL_TEXT):
        with zipfile.ZipFile(DATA / f"{name}.xlsx") as archive:
            assert b"LibreOffice" in archive.read("docProps/app.xml")
            assert "_meta" not in archive.read("xl/workbook.xml").decode()
            assert f">{CSV_META_PREFIX} | kind=".encode() in archive.read("xl/sharedStrings.xml")


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_the_installed_libreoffice_saves_the_csv_sheets_as_read(tmp_path: Path) -> None:
    """The same as the committed files, with the LibreOffice installed here."""
    csvs = [DATA / f"{name}.csv" for name in (SCREENING, FULL_TEXT)]
    saved = libreoffice_all(csvs, "xlsx", tmp_path / "lo", tmp_path, CSV_UTF8)
    assert screening(saved[0])[0] == [(sid, *cells) for sid, cells in SCREENING_TYPED.items()]
    assert full_text(saved[1]) == FULL_TEXT_TYPED


def test_the_sheet_cache_keeps_the_header_row(tmp_path: Path) -> None:
    """Read again from the cache, the header was row 1, so every row number in a message was
    one too small."""
    path = Path(shutil.copy(DATA / f"{SCREENING}.xlsx", tmp_path))
    read = [SheetCache(tmp_path / "cache").read(path, "x") for _ in range(2)]
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1
    assert read[1] == read[0] and read[1].header_row == 2
