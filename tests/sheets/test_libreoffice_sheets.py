"""Returned sheets as LibreOffice (and Excel) store them, read back as the reviewer typed them:
line breaks, a carriage return Excel escapes as ``_x000D_``, text that looks like such an
escape, a leading ``=``, numbers, letters outside ASCII. Every kind of returned sheet is read
through :func:`livingreview.sheets.read_sheet`, so the checks are made there.

``data/libreoffice_resaved.xlsx`` is a sheet of invented items filled in and saved by
LibreOffice: :mod:`tests.sheets.libreoffice_fixtures` says how, and makes it again."""

from __future__ import annotations

import io
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from livingreview.errors import InputFileError
from livingreview.reviewforms import Entry
from livingreview.reviewforms import check_nothing_lost as check_form_store
from livingreview.screening.decisions import ScreeningDecision
from livingreview.screening.importing import check_nothing_lost as check_screening_store
from livingreview.sheets import Column, SheetLayout, read_sheet, workbook_bytes
from tests.sheets.libreoffice_fixtures import DATA, TITLE, TYPED, filled_sheet, libreoffice

RESAVED = DATA / "libreoffice_resaved.xlsx"


def typed_rows() -> list[list[str]]:
    """:data:`TYPED` as the reader gives it back: text, numbers as typed, blank as ''."""
    return [
        [item, decision, "" if count is None else str(count), notes]
        for item, (decision, count, notes) in TYPED.items()
    ]


def with_shared_string(source: Path, target: Path, old: bytes, new: bytes) -> Path:
    """``source`` with ``old`` replaced by ``new`` in its shared strings."""
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for info in archive.infolist():
            body = archive.read(info)
            if info.filename == "xl/sharedStrings.xml":
                assert old in body
                body = body.replace(old, new)
            out.writestr(info, body)
    return target


def test_a_sheet_libreoffice_saved_reads_as_typed() -> None:
    """LibreOffice stores the typed text ``file_x005F_name`` as ``file_x005F_x005F_name``;
    openpyxl deletes every ``x005F_`` and gave ``file_name``."""
    sheet = read_sheet(RESAVED, TITLE)
    assert sheet.table[1:] == typed_rows()
    assert sheet.meta is not None and sheet.ids == [("I1",), ("I2",), ("I3",)]


def test_a_carriage_return_excel_escaped_reads_as_typed(tmp_path: Path) -> None:
    """Excel stores a carriage return in a cell as ``_x000D_``: it was read as those seven
    characters. The ``_x005F_x000D_`` LibreOffice stored for that text typed stays text."""
    excel = with_shared_string(
        RESAVED, tmp_path / "excel.xlsx", b"first line&#10;", b"first line_x000D_&#10;"
    )
    notes = [row[3] for row in read_sheet(excel, TITLE).table[1:]]
    assert notes[0] == "first line\r\nsecond line"
    assert notes[1] == "typed as text: _x000D_ and file_x005F_name"


def test_text_a_sheet_is_written_with_comes_back_as_it_was(tmp_path: Path) -> None:
    """Notes carried into the next sheet: a carriage return came back as a line feed, a
    vertical tab (Word's line break, pasted into Excel) stopped the sheet being written, and
    text looking like an escape would be read as the character it names."""
    layout = SheetLayout("S", (Column("item", locked=True), Column("notes", editable=True)))
    notes = ["a\r\nb", "line\x0bbreak", "typed _x000D_ and _x005F_", "tab\there"]
    rows = [{"item": f"I{n}", "notes": text} for n, text in enumerate(notes)]
    ids = [(row["item"],) for row in rows]
    path = tmp_path / "s.xlsx"
    path.write_bytes(workbook_bytes(layout, rows, meta=[], ids=ids, instructions=[]))
    assert [row[1] for row in read_sheet(path, "S").table[1:]] == notes


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_the_installed_libreoffice_saves_what_is_read_as_typed(tmp_path: Path) -> None:
    """The same as the committed file, with the LibreOffice installed here."""
    filled = filled_sheet(tmp_path / "filled.xlsx")
    saved = libreoffice(filled, "xlsx", tmp_path / "lo", tmp_path)
    assert read_sheet(saved, TITLE).table[1:] == typed_rows()


def test_the_committed_file_is_libreoffices() -> None:
    """The fixture is LibreOffice's writing (its shared strings), not openpyxl's."""
    with zipfile.ZipFile(io.BytesIO(RESAVED.read_bytes())) as archive:
        assert b"LibreOffice" in archive.read("docProps/app.xml")
        assert b"file_x005F_x005F_name" in archive.read("xl/sharedStrings.xml")


def test_a_note_stored_with_excels_escape_before_passes_the_nothing_lost_checks() -> None:
    """A note stored by a version that kept Excel's ``_x000D_`` reads now with the carriage
    return: not a decision or entry lost (the checks stopped the screening and form steps)."""
    before, now = "first line_x000D_\nsecond line", "first line\r\nsecond line"
    decision = ScreeningDecision(
        "S1", "r1", "title_abstract", 1, "include", "", before, "a.xlsx", 2, ""
    )
    check_screening_store([decision], [replace(decision, notes=now)], Path("store.csv"))
    with pytest.raises(InputFileError, match="is no longer in this file"):
        check_screening_store([decision], [replace(decision, notes="edited")], Path("store.csv"))
    entry = Entry("S1", "r1", 1, "notes", before, "a.xlsx", 2, "")
    check_form_store([entry], [replace(entry, value=now)], Path("entries.csv"))
    with pytest.raises(InputFileError, match="now reads 'edited'"):
        check_form_store([entry], [replace(entry, value="edited")], Path("entries.csv"))
