"""Excel workbooks (``.xlsx``): an export saved from Excel, or a CSV a user opened and re-saved.

The first worksheet is read with openpyxl (read-only, cached formula values) into rows of text
and handed to the CSV reader, so the same flavours are recognised (Scopus, Embase, Dimensions,
ClinicalTrials.gov ...) and the same checks apply. Positions in errors are the sheet's own row
numbers. Only ZIP files holding ``xl/workbook.xml`` are taken for workbooks: any other ZIP is
still refused by :func:`livingreview.imports.text.decode`.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from livingreview.errors import InputFileError
from livingreview.imports.tabular import sheet_header_index
from livingreview.sheets import META_SHEET, decoded, open_workbook

_ZIP = b"PK\x03\x04"


def is_workbook(data: bytes) -> bool:
    """True for a ZIP archive that holds an Excel workbook part."""
    if not data.startswith(_ZIP):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def read_sheet(path: Path | str, data: bytes) -> tuple[str, list[list[str]]]:
    """The first worksheet's title and its rows as text (row ``i`` is sheet row ``i + 1``)."""
    try:
        workbook = open_workbook(data)  # openpyxl, only when a workbook is imported
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise InputFileError(
            path, f"cannot be read as an .xlsx workbook ({type(exc).__name__}: {exc})"
        ) from None
    try:
        if not workbook.worksheets:
            raise InputFileError(path, "the workbook has no worksheet")
        refuse_reviewer_sheet(path, workbook.sheetnames)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers leave a wrong <dimension>: read every row
        return str(sheet.title), _rows(path, sheet)
    finally:
        workbook.close()


def refuse_reviewer_sheet(path: Path | str, names: list[str]) -> None:
    """Refuse a workbook livingreview wrote for reviewers (it has a ``_meta`` sheet)."""
    if META_SHEET in names:
        raise InputFileError(
            path,
            f"a sheet livingreview wrote for reviewers (it has a {META_SHEET!r} sheet), not a "
            "database export: returned sheets are read by their stage, not imported",
        )


def _rows(path: Path | str, sheet: Any) -> list[list[str]]:
    """The worksheet's rows as text; its XML is read (and found damaged) only here."""
    try:
        return [[cell_text(decoded(v)) for v in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # a damaged part: XML not well-formed, compressed data cut
        raise InputFileError(
            path,
            f"sheet {sheet.title!r} cannot be read: a part of the workbook is damaged "
            f"({type(exc).__name__}: {exc}); expected an .xlsx as a spreadsheet program saves "
            "it: export or save it again",
        ) from None


def cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold (``2019``, not ``2019.0``; dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def scan(rows: list[list[str]]) -> list[int]:
    """Sheet rows holding data: every row below the header row with any non-blank cell."""
    header = sheet_header_index(rows)
    return [n for n, row in enumerate(rows, 1) if n > header + 1 and any(c.strip() for c in row)]
