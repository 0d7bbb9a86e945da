"""Writing a reviewer sheet: the .xlsx workbook, byte-identical for equal inputs, and its files."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from copy import copy
from pathlib import Path
from typing import TYPE_CHECKING

from livingreview.fileio import atomic_write_bytes
from livingreview.sheets.csv_sheet import csv_text
from livingreview.sheets.highlight import Highlighter
from livingreview.sheets.layout import (
    FIXED_STAMP,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    Column,
    SheetLayout,
    checksum,
    web_address,
)
from livingreview.sheets.ooxml_text import escaped
from livingreview.sheets.written import written_meta

if TYPE_CHECKING:  # openpyxl loads when a workbook is written
    from openpyxl.cell.cell import Cell
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.worksheet.worksheet import Worksheet

MAX_CELL = 32_767  # characters Excel keeps in one cell


LINE_HEIGHT = 15  # points per line of 11-point text
MAX_ROW_HEIGHT = 300  # points (about 20 lines); the whole text stays in the cell
HEADER_FILL = "DDEBF7"
EDITABLE_FILL = "FFF2CC"


def set_text(cell: object, value: str) -> None:
    """Write a string cell that Excel and LibreOffice never evaluate as a formula, its text
    escaped where an .xlsx cannot hold it as it is (:func:`escaped`)."""
    cell.value = escaped(value)  # type: ignore[attr-defined]
    cell.data_type = "s"  # type: ignore[attr-defined]


def _fit(value: str) -> str:
    return value if len(value) <= MAX_CELL else value[: MAX_CELL - 1] + "…"


def write_sheet_files(
    folder: Path,
    stem: str,
    layout: SheetLayout,
    rows: Sequence[Mapping[str, str]],
    *,
    meta: Sequence[tuple[str, str]],
    ids: Sequence[Sequence[str]],
    instructions: Sequence[str],
    formats: Sequence[str] = ("xlsx",),
) -> list[Path]:
    """Write ``<stem>.xlsx`` and/or ``<stem>.csv`` (``formats``) in ``folder``; the paths."""
    written = []
    if "xlsx" in formats:
        path = folder / f"{stem}.xlsx"
        data = workbook_bytes(layout, rows, meta=meta, ids=ids, instructions=instructions)
        atomic_write_bytes(path, data)
        written.append(path)
    if "csv" in formats:
        path = folder / f"{stem}.csv"
        header = dict(meta) | {"checksum": checksum(ids)}
        write_csv_sheet(path, csv_text(layout.names, rows, header))
        written.append(path)
    return written


def write_csv_sheet(path: Path, text: str) -> None:
    """Write the CSV sheet ``text`` as ``path``, UTF-8 with the byte-order mark: Excel opens a
    CSV without one in the system's code page, so "Zoë" would read "ZoÃ«" (and be saved so)."""
    atomic_write_bytes(path, codecs.BOM_UTF8 + text.encode("utf-8"))


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapped column ``width`` characters wide (estimate)."""
    per_line = max(1, int(width) - 1)
    return sum(max(1, -(-len(part) // per_line)) for part in str(text).split("\n"))


def workbook_bytes(
    layout: SheetLayout,
    rows: Sequence[Mapping[str, str]],
    *,
    meta: Sequence[tuple[str, str]],
    ids: Sequence[Sequence[str]],
    instructions: Sequence[str],
) -> bytes:
    """The .xlsx sheet (see the module docstring); ``meta`` must not include ``checksum``."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = layout.title
    last = max(len(rows) + 1, 2)
    styles = [_add_column(ws, col, column, last) for col, column in enumerate(layout.columns, 1)]
    _write_rows(ws, layout, rows, styles)
    _protect(ws, layout, last)
    _write_instructions(wb.create_sheet(INSTRUCTIONS_SHEET), instructions)
    _write_meta(wb.create_sheet(META_SHEET), written_meta(meta, instructions), ids)
    buffer = io.BytesIO()
    wb.save(buffer)
    return deterministic_zip(buffer.getvalue())


def _add_column(ws: Worksheet, col: int, column: Column, last: int) -> StyleArray:
    """Write ``column``'s header and width, and its dropdown over rows 2 to ``last``; the style
    of its cells (one style object per column, shared by its cells: fast for thousands of rows)."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(col)
    head = ws.cell(row=1, column=col)
    set_text(head, column.name)
    head.font = Font(bold=True)
    head.fill = PatternFill("solid", fgColor=HEADER_FILL)
    ws.column_dimensions[letter].width = column.width
    template = ws.cell(row=last + 1, column=col)
    template.alignment = Alignment(wrap_text=column.wrap, vertical="top")
    template.protection = Protection(locked=column.locked)
    if column.editable:
        template.fill = PatternFill("solid", fgColor=EDITABLE_FILL)
    if column.link_prefix or column.is_link:
        template.font = Font(color="0563C1", underline="single")
    style = copy(template._style)
    ws._cells.pop((last + 1, col))
    if column.choices:
        _add_choices(ws, column, f"{letter}2:{letter}{last}")
    return style


def _add_choices(ws: Worksheet, column: Column, cells: str) -> None:
    """A dropdown of ``column.choices`` (blank allowed) over the range ``cells``."""
    from openpyxl.worksheet.datavalidation import DataValidation

    choice = DataValidation(
        type="list",
        formula1='"' + ",".join(column.choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=column.name,
        error=column.choices_hint or f"Choose one of: {', '.join(column.choices)}.",
    )
    ws.add_data_validation(choice)
    choice.add(cells)


def _write_rows(
    ws: Worksheet,
    layout: SheetLayout,
    rows: Sequence[Mapping[str, str]],
    styles: Sequence[StyleArray],
) -> None:
    """Write ``rows`` from row 2 on, each cell with its column's style, a row of wrapped text
    given the height of its longest cell."""
    highlight = Highlighter(layout.include_keywords, layout.exclude_keywords)
    for r, row in enumerate(rows, start=2):
        for col, column in enumerate(layout.columns, start=1):
            value = _fit(row.get(column.name, ""))
            cell = ws.cell(row=r, column=col)
            _set_value(cell, column, value, highlight)
            cell._style = copy(styles[col - 1])
        lines = max(
            (wrapped_lines(row.get(c.name, ""), c.width) for c in layout.columns if c.wrap),
            default=1,
        )
        if lines > 1:  # explicit height: LibreOffice keeps the default and overlaps wrapped text
            ws.row_dimensions[r].height = min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines)


def _set_value(cell: Cell, column: Column, value: str, highlight: Highlighter) -> None:
    """Write ``value`` in ``cell`` (its protocol keywords highlighted where ``column`` asks),
    as a link where ``column`` holds links."""
    if column.highlight and value:
        rich = highlight(value)
        cell.value = rich
        if isinstance(rich, str):
            cell.data_type = "s"
    else:
        set_text(cell, value)
    if column.link_prefix and value:  # a web address instead (a register's page) links to it
        cell.hyperlink = value if web_address(value) else column.link_prefix + value
    elif column.is_link and web_address(value):
        cell.hyperlink = value


def _protect(ws: Worksheet, layout: SheetLayout, last: int) -> None:
    """Freeze the panes, filter rows 1 to ``last``, and protect the sheet when a column is
    locked (filtering, sorting and resizing still allowed)."""
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = layout.freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(len(layout.columns))}{last}"
    if any(c.locked for c in layout.columns):
        ws.protection.sheet = True
        for allowed in ("autoFilter", "sort", "formatColumns", "formatRows", "insertColumns"):
            setattr(ws.protection, allowed, False)


def _write_instructions(info: Worksheet, instructions: Sequence[str]) -> None:
    """One instruction per row of column A, 100 characters wide."""
    info.column_dimensions["A"].width = 100
    for r, line in enumerate(instructions, start=1):
        set_text(info.cell(row=r, column=1), line)


def _write_meta(
    sheet: Worksheet, meta: Sequence[tuple[str, str]], ids: Sequence[Sequence[str]]
) -> None:
    """The hidden meta sheet: ``meta`` and the checksum of ``ids`` (key, value), then the
    sorted ``ids``, one per row."""
    header = [*meta, ("checksum", checksum(ids))]
    for r, (key, value) in enumerate(header, start=1):
        set_text(sheet.cell(row=r, column=1), key)
        set_text(sheet.cell(row=r, column=2), value)
    for r, key in enumerate(sorted(tuple(i) for i in ids), start=len(header) + 1):
        for c, part in enumerate(key, start=1):
            set_text(sheet.cell(row=r, column=c), part)
    sheet.sheet_state = "hidden"


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
#: The application a workbook names as its writer: openpyxl names itself with its version
#: ("Microsoft Excel Compatible / Openpyxl 3.1.5"; 3.1.3 wrote "Microsoft Excel"), so every
#: openpyxl release would change every sheet's bytes. Fixed, the same for any openpyxl.
_APPLICATION = re.compile(rb"(<Application>)[^<]*(</Application>)")
APPLICATION = b"livingreview (openpyxl)"


def deterministic_zip(data: bytes, saved_at: str = "") -> bytes:
    """The same workbook with fixed timestamps and writer, so equal inputs give byte-identical
    files whatever openpyxl wrote them; ``saved_at`` (ISO 8601), when given, is the save time it
    records instead (the fixed stamp reads as "no save time")."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/app.xml":
                body = _APPLICATION.sub(rb"\g<1>" + APPLICATION + rb"\g<2>", body, 1)
            if info.filename == "docProps/core.xml":
                body = _STAMP.sub(rb"\g<1>" + FIXED_STAMP.encode() + rb"\g<2>", body)
                if saved_at:
                    body = _MODIFIED.sub(rb"\g<1>" + saved_at.encode() + rb"\g<2>", body, 1)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, body)
    return out.getvalue()
