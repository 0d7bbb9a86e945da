"""Legacy Excel workbooks (``.xls``: BIFF records in an OLE2 compound file).

Web of Science's "Excel" export (``savedrecs.xls``, one sheet ``savedrecs``), ProQuest's XLS
export and older Excel files come this way. The first worksheet is read with xlrd into rows of
text, each cell as :func:`livingreview.imports.xlsx.cell_text` gives it for an ``.xlsx`` (so
``2019.0`` is ``2019`` and a date is ISO), and handed to the same reader as a workbook's rows.
Only the OLE2 signature routes a file here: an ``.xls`` that is HTML or tab-separated text is
read by its content like any other text export.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from livingreview.errors import InputFileError
from livingreview.imports.xlsx import cell_text, refuse_reviewer_sheet

#: The first bytes of an OLE2 compound file (old Office documents, encrypted .xlsx files).
OLE2 = b"\xd0\xcf\x11\xe0"
#: The stream name (UTF-16LE in the directory) of an encrypted Office Open XML file.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def is_ole2(data: bytes) -> bool:
    """True for an OLE2 compound file: an .xls workbook, or another old Office document."""
    return data.startswith(OLE2)


def read_sheet(path: Path | str, data: bytes) -> tuple[str, list[list[str]]]:
    """The first worksheet's name and its rows as text (row ``i`` is sheet row ``i + 1``)."""
    import xlrd  # only when an .xls workbook is imported

    try:
        book = xlrd.open_workbook(file_contents=data, logfile=io.StringIO(), on_demand=True)
    except Exception as exc:  # xlrd raises many kinds on a damaged or foreign file
        raise InputFileError(path, _unreadable(data, exc)) from None
    try:
        names = book.sheet_names()
        if not names:
            raise InputFileError(path, "the .xls workbook has no worksheet")
        refuse_reviewer_sheet(path, names)
        sheet = _first_sheet(path, book)
        return str(sheet.name), _rows(book, sheet)
    finally:
        book.release_resources()


def _first_sheet(path: Path | str, book: Any) -> Any:
    """The first worksheet, whose records xlrd reads (and finds damaged) only here."""
    try:
        return book.sheet_by_index(0)
    except Exception as exc:  # a damaged sheet: records cut short, wrong lengths
        raise InputFileError(
            path,
            f"the first sheet of the .xls workbook cannot be read: it is damaged "
            f"({type(exc).__name__}: {exc}); export or save the file again",
        ) from None


def _unreadable(data: bytes, exc: Exception) -> str:
    """Why xlrd could not open the file, in the words a user can act on."""
    reason = str(exc)
    if "encrypted" in reason.lower():
        return (
            "the .xls workbook is encrypted (password-protected): open it, remove the password "
            "and save it again, or export the records again without one"
        )
    if "find workbook" in reason.lower() and _ENCRYPTED_PACKAGE in data:
        return (
            "an encrypted (password-protected) .xlsx workbook: open it, remove the password and "
            "save it again, or export the records again without one"
        )
    if "find workbook" in reason.lower():
        return (
            "an old Office file holding no Excel workbook (a Word .doc, say), not an export: "
            "expected an .xls workbook"
        )
    return (
        f"cannot be read as an .xls workbook: the file is damaged or cut short "
        f"({type(exc).__name__}: {reason}); export or download it again"
    )


def _rows(book: Any, sheet: Any) -> list[list[str]]:
    """The sheet's cells as :func:`~livingreview.imports.xlsx.cell_text` gives the same cells
    of an .xlsx: date serials become dates as openpyxl makes them, error codes their text."""
    import xlrd
    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

    epoch = MAC_EPOCH if book.datemode else WINDOWS_EPOCH

    def text(cell: Any) -> str:
        kind, value = cell.ctype, cell.value
        if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return ""
        if kind == xlrd.XL_CELL_BOOLEAN:
            value = bool(value)
        elif kind == xlrd.XL_CELL_ERROR:
            value = xlrd.error_text_from_code.get(value, "#N/A")
        elif kind == xlrd.XL_CELL_DATE:
            value = from_excel(value, epoch)
        return cell_text(value)

    return [[text(cell) for cell in sheet.row(n)] for n in range(sheet.nrows)]
