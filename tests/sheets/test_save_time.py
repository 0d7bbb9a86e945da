"""When a returned .xlsx was saved, as its core properties record it (docProps/core.xml)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from livingreview.sheets.xlsx_read import read_xlsx_sheet
from tests.form_helpers import set_saved_at
from tests.sheets.libreoffice_fixtures import TITLE, filled_sheet


def without(path: Path, part: str, pattern: bytes = b"", put: bytes = b"") -> Path:
    """``path`` with the zip member ``part`` left out, or (``pattern``) with that text taken
    out of it (or replaced by ``put``)."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, body in members:
            if info.filename == part and not pattern:
                continue
            target.writestr(info, re.sub(pattern, put, body) if info.filename == part else body)
    return path


@pytest.mark.parametrize(
    "removed",
    [
        ("docProps/core.xml", rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>"),
        ("docProps/core.xml", rb"(?<=>)[^<]+(?=</dcterms:modified>)"),  # left empty
        ("docProps/core.xml", b""),  # no core properties at all
    ],
)
def test_a_workbook_recording_no_save_time_has_none(
    tmp_path: Path, removed: tuple[str, bytes]
) -> None:
    """Before, openpyxl's default, the time the file was read, stood in for it: such a file
    counted as saved after every other one, and its stored save time changed on every read."""
    path = set_saved_at(filled_sheet(tmp_path / "sheet.xlsx"), "2030-01-02T03:04:05Z")
    assert read_xlsx_sheet(path, TITLE).saved_at == "2030-01-02T03:04:05Z"
    assert read_xlsx_sheet(without(path, *removed), TITLE).saved_at == ""


@pytest.mark.parametrize(
    ("recorded", "saved_at"),
    [
        ("2030-01-02T04:04:05+01:00", "2030-01-02T03:04:05Z"),  # a local time with its offset
        ("2030-01-01T22:04:05-05:00", "2030-01-02T03:04:05Z"),
        ("\n 2030-01-02T03:04:05Z ", "2030-01-02T03:04:05Z"),  # XML laid out on lines
        ("2030-01-02", "2030-01-02T00:00:00Z"),  # W3CDTF allows a date alone
    ],
)
def test_a_save_time_is_read_as_recorded(tmp_path: Path, recorded: str, saved_at: str) -> None:
    """Before, openpyxl dropped the offset (04:04:05+01:00 read as 04:04:05 UTC, so the file
    could count as saved after one saved later), and refused the whole workbook as unreadable
    for the spaces around a time or a date without one."""
    path = set_saved_at(filled_sheet(tmp_path / "sheet.xlsx"), "2030-01-02T03:04:05Z")
    pattern = rb"(?<=>)2030-01-02T03:04:05Z(?=</dcterms:modified>)"
    without(path, "docProps/core.xml", pattern, recorded.encode())
    assert read_xlsx_sheet(path, TITLE).saved_at == saved_at
