"""Reading a returned .xlsx sheet: its main tab, metadata and id list, checking its other tabs."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from livingreview.errors import InputFileError
from livingreview.sheets import written
from livingreview.sheets.csv_sheet import csv_meta, sheet_under_meta_line
from livingreview.sheets.layout import FIXED_STAMP, INSTRUCTIONS_SHEET, META_SHEET, data_sheets
from livingreview.sheets.ooxml_text import unescaped
from livingreview.sheets.returned import ReturnedSheet, quoted
from livingreview.sheets.time_shown import time_shown
from livingreview.sheets.xlsx_xml import (
    refuse_merged_cells,
    save_time,
    stored_strings,
    uncomputed_formulas,
    worksheet_parts,
)

log = logging.getLogger(__name__)


def open_workbook(data: bytes) -> Any:
    """The workbook ``data``, read only, values as last computed, its strings as stored (each
    read through :func:`decoded`: openpyxl's own reading deletes every ``x005F_``), and its
    ``properties.modified`` when the file records it was saved (:func:`save_time`), else None."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS

    class StoredStrings(ExcelReader):  # type: ignore[misc]
        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                self.shared_strings = stored_strings(self.archive, part.PartName[1:])

        def read_properties(self) -> None:
            # openpyxl gives the time of reading for none, drops an offset and refuses the
            # whole workbook for a date alone or spaces around the time
            self.wb.properties.modified = save_time(self.archive)

    reader = StoredStrings(io.BytesIO(data), read_only=True, data_only=True)
    reader.read()
    return reader.wb


def clean(value: object) -> str:
    """A cell value as stripped text (``2024.0`` -> ``"2024"``, None -> ``""``, a date typed
    without a time -> ``"2024-03-05"``, a truth value -> ``"TRUE"``, as a CSV holds it)."""
    if value is None:
        return ""
    if isinstance(value, bool):  # what was typed, and shows: str() gives "True"
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime) and value.time() == time():
        value = value.date()
    return str(value).strip()


_STORED_DATE = re.compile(r"(\d{4}-\d\d-\d\d) 00:00:00")
_STORED_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def as_read_now(value: str) -> str:
    """A value an earlier version read from a returned .xlsx (and stored), as it is read now:
    its ``_x000D_`` escapes decoded (:func:`unescaped`), a date typed without a time as the date
    alone (``2024-03-05 00:00:00`` -> ``2024-03-05``), a number as a percentage (``0.45`` ->
    ``45%``: a cell in a percentage format, read as its number before :func:`_as_shown`), a
    truth value in capitals (``True`` -> ``TRUE``, as :func:`clean` reads it now)."""
    value = unescaped(value)
    if _STORED_NUMBER.fullmatch(value):
        return _percent(Decimal(value))
    if value in ("True", "False"):
        return value.upper()
    return date.group(1) if (date := _STORED_DATE.fullmatch(value)) else value


def _iso(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    text = moment.replace(microsecond=0).isoformat() + "Z"
    return "" if text == FIXED_STAMP else text


def _split_meta(cells: list[list[str]]) -> tuple[dict[str, str], list[tuple[str, ...]]]:
    """Key/value rows up to and including ``checksum``, then the id rows."""
    meta: dict[str, str] = {}
    for index, row in enumerate(cells):
        if row and row[0]:
            meta[row[0]] = row[1] if len(row) > 1 else ""
        if row and row[0] == "checksum":
            width = max((len(r) for r in cells[index + 1 :]), default=1)
            ids = [tuple((r + [""] * width)[:width]) for r in cells[index + 1 :] if r and r[0]]
            return meta, [tuple(p for p in key if p) or key for key in ids]
    return meta, []


def _id_rows(
    table: Sequence[Sequence[str]], ids: Sequence[tuple[str, ...]]
) -> list[tuple[tuple[str, ...], int, Sequence[str]]]:
    """(id, 1-based row number, row) of each row of ``table`` holding every part of a listed id."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for key in ids:
        by_first.setdefault(key[0], []).append(key)
    found = []
    for number, row in enumerate(table, start=1):
        values = set(row)
        for first in sorted(values & by_first.keys()):
            found += [(key, number, row) for key in by_first[first] if values.issuperset(key)]
    return found


def _main_sheet(
    path: Path, title: str, tables: Mapping[str, list[list[str]]], ids: Sequence[tuple[str, ...]]
) -> str:
    """The worksheet to read: ``title``; once renamed, the one data sheet holding the listed
    ids (else the first data sheet); two data sheets holding them are refused."""
    if title in tables:
        return title
    data = data_sheets(tables)
    holding = [n for n in data if _id_rows(tables[n], ids)]
    if len(holding) > 1:
        problem = (
            f"no sheet is named {title!r} and sheets {holding[0]!r} and {holding[1]!r} both hold"
            f" its rows; expected them in one sheet named {title!r}: name the sheet you filled"
            f" in {title!r} and delete the other"
        )
        raise InputFileError(path, problem)
    return (holding or data or list(tables))[0]


def _refuse_copies(
    path: Path, name: str, tables: Mapping[str, list[list[str]]], ids: Sequence[tuple[str, ...]]
) -> None:
    """Refuse a data sheet besides ``name`` (a copy of it, say) holding, on the row of a listed
    id, text that ``name`` does not hold on that id's row: only ``name`` is read, so the text
    would be lost. A copy kept as it was, or with fewer rows or columns, is fine."""
    others = [n for n in data_sheets(tables) if n != name]
    if not others:  # the common case: nothing to compare
        return
    main: dict[tuple[str, ...], set[str]] = {}
    for key, _, row in _id_rows(tables[name], ids):
        main.setdefault(key, set()).update(row)
    for other in others:
        table = tables[other]
        header = table[0] if table else []
        for key, number, row in _id_rows(table, ids):
            extra = [i for i, value in enumerate(row) if value and value not in main.get(key, ())]
            if extra:
                problem = (
                    f"sheet {other!r} holds {quoted(row[extra[0]])} on the row of"
                    f" {' / '.join(key)}, which sheet {name!r} does not hold there; only sheet"
                    f" {name!r} is read, so it would be lost; expected everything typed in sheet"
                    f" {name!r}: copy it there, then delete sheet {other!r}"
                )
                column = header[extra[0]] if extra[0] < len(header) else ""
                position = f"sheet {other!r}, row {number}"
                raise InputFileError(path, problem, position=position, field=column or None)


def read_xlsx_sheet(path: Path, title: str, data: bytes | None = None) -> ReturnedSheet:
    """The sheet in ``data`` (else the file's bytes, read once); ``path`` names it."""
    try:
        if data is None:
            data = path.read_bytes()
        wb = open_workbook(data)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        raise InputFileError(path, f"cannot read as an .xlsx workbook ({exc})") from None
    try:
        return _workbook_sheet(path, title, data, wb)
    except InputFileError:
        raise
    except Exception as exc:  # a damaged part (XML, compressed data) is only read here
        problem = (
            f"cannot read as an .xlsx workbook: a part of it is damaged ({type(exc).__name__}:"
            f" {exc}); expected the file as a spreadsheet program saved it: save it again from"
            " the program, or return an undamaged copy"
        )
        raise InputFileError(path, problem) from None
    finally:
        wb.close()


def decoded(value: object) -> object:
    """A cell's value from :func:`open_workbook`, its text as typed (:func:`unescaped`)."""
    return unescaped(value) if isinstance(value, str) else value


def text_table(sheet: Any, dates: set[tuple[int, int]] | None = None) -> list[list[str]]:
    """A worksheet's cells as text (:func:`clean`), each string's escapes decoded, a number
    shown as a percentage as it shows (:func:`_as_shown`); ``dates``, when given, gets the (row
    number, 0-based column) of each date or time cell."""
    table = []
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        row = []
        for i, cell in enumerate(cells):
            value = cell.value
            if type(value) is str:  # most cells: text, shown as stored (no format to look at)
                row.append(unescaped(value).strip())
            elif value is None:
                row.append("")
            else:
                shown = _as_shown(cell)
                if dates is not None and isinstance(shown, _DATE_TYPES):
                    dates.add((number, i))
                row.append(clean(decoded(shown)))
        table.append(row)
    return table


# A format's text shown as it is (quoted, after a backslash) and its colour or condition ([Red])
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _as_shown(cell: Any) -> object:
    """A cell's value; a number in a percentage format as the text it shows with every digit
    (``0.45`` -> ``"45%"``): typing ``45%`` stores 0.45, which read as a number is not what was
    typed (a CSV holds the ``45%``); a time of day as it shows (:func:`time_shown`)."""
    value = cell.value
    if isinstance(value, time | timedelta):
        return time_shown(value, cell.number_format or "") or value
    if not isinstance(value, int | float) or isinstance(value, bool):
        return value
    if "%" not in _FORMAT_LITERALS.sub("", cell.number_format or ""):
        return value
    return _percent(Decimal(repr(value)))


def _percent(number: Decimal) -> str:
    """``number`` as a percentage with every digit (``0.125`` -> ``12.5%``)."""
    text = format(number * 100, "f")
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


_DATE_TYPES = (date, time, timedelta)  # a datetime is a date


def _workbook_sheet(path: Path, title: str, data: bytes, wb: Any) -> ReturnedSheet:
    """The sheet ``title`` of the open workbook ``wb`` (``data`` its bytes), after the checks
    on merged cells, formulas and copies of it."""
    dates: dict[str, set[tuple[int, int]]] = {n: set() for n in wb.sheetnames}
    tables = {n: text_table(wb[n], dates[n]) for n in wb.sheetnames}
    meta = ids = None
    if META_SHEET in tables:
        meta, ids = _split_meta(tables[META_SHEET])
    name = _main_sheet(path, title, tables, ids or [])
    sheets_xml, own_xml = worksheet_parts(data, name)
    refuse_merged_cells(path, name, own_xml)
    uncomputed_formulas(tables, data, sheets_xml)
    _refuse_copies(path, name, tables, ids or [])
    marked = meta is not None and written.INSTRUCTIONS in meta
    unread = written.refuse_beside_instructions(path, tables.get(INSTRUCTIONS_SHEET, []), marked)
    for message in unread:
        log.warning("%s", message)
    if meta is not None:
        written.refuse_changed_instructions(path, tables.get(INSTRUCTIONS_SHEET, []), meta)
        written.refuse_typed_meta(path, tables[META_SHEET], meta)
        meta = written.without_marks(meta)
    saved_at = _iso(wb.properties.modified)
    if meta is None:
        return replace(
            _csv_saved_as_xlsx(path, tables[name], saved_at),
            dates=frozenset(dates[name]),
            unread=unread,
        )
    _refuse_two_metadata(path, name, tables[name])
    return ReturnedSheet(
        path, tables[name], meta, ids, saved_at, dates=frozenset(dates[name]), unread=unread
    )


def _refuse_two_metadata(path: Path, name: str, table: list[list[str]]) -> None:
    """A workbook with its ``_meta`` sheet whose data sheet also opens with a CSV sheet's
    metadata line (a CSV sheet pasted into it): which of the two it answers cannot be told."""
    if table and table[0] and csv_meta(table[0][0]) is not None:
        raise InputFileError(
            path,
            f"cell A1 of sheet {name!r} holds a CSV sheet's metadata line ('# livingreview "
            f"sheet ...') while the workbook has its own metadata sheet {META_SHEET!r}: which "
            "sheet it answers cannot be told; return the sheet as it was written",
            position="row 1",
            field="A1",
        )


def _csv_saved_as_xlsx(path: Path, table: list[list[str]], saved_at: str) -> ReturnedSheet:
    """A sheet without ``_meta``: a CSV sheet opened and saved as .xlsx holds the CSV's
    metadata line in its cell A1 and the ``'`` before ``= + - @`` in its cells, read as the CSV
    would be (:func:`csv_meta`, :func:`csv_unquoted`); else the sheet has no metadata."""
    meta = csv_meta(table[0][0]) if table and table[0] else None
    if meta is None:
        return ReturnedSheet(path, table, None, None, saved_at)
    return sheet_under_meta_line(path, table[0][0], meta, table[1:], saved_at)
