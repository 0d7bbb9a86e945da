"""Reviewer sheets shared by every human stage: written as .xlsx (or .csv), read back when returned.

A sheet is a workbook with three worksheets:

* the main sheet: a header row and one row per item; the id column(s) locked by sheet protection
  (no password) while the editable columns (decision, reason, notes ...) stay open, dropdowns on
  the choice columns, frozen header, set widths, wrapped text, protocol keywords highlighted in
  bold colour inside the text (rich text runs, which Excel and LibreOffice keep on re-save);
* ``Instructions``: plain lines for the person filling it in;
* ``_meta`` (hidden): key/value rows ending with ``checksum``, then one row per item id. The
  checksum covers the sorted ids, so an edited id list is detected.

Every text cell is written as a string, so a value starting with ``= + - @`` is never a formula.
Equal inputs give byte-identical files (fixed zip timestamps and document dates).

The CSV variant carries the metadata on its first line, a comment that survives spreadsheet
programs because it has no comma or semicolon::

    # livingreview sheet | kind=screening | review_id=... | round=1 | records=12 | checksum=...

followed by the header row and the items (text starting with ``= + - @`` gets a leading ``'``).

Reading (:func:`read_sheet`) accepts what spreadsheet programs make of a returned file: ``_meta``
visible or hidden, dropdowns dropped, numbers typed as numbers, ``;`` as CSV delimiter, a UTF-8
BOM, reordered rows and added columns; the caller matches rows by id, never by position.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import logging
import posixpath
import re
import zipfile
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from livingreview.config import is_safe_relative
from livingreview.errors import ConfigError, InputFileError
from livingreview.fileio import atomic_write_bytes, atomic_write_text, source_digest

log = logging.getLogger(__name__)
META_SHEET = "_meta"
INSTRUCTIONS_SHEET = "Instructions"
FORMULA_START = ("=", "+", "-", "@")
CSV_META_PREFIX = "# livingreview sheet"
FIXED_STAMP = "2000-01-01T00:00:00Z"
MAX_CELL = 32_767  # characters Excel keeps in one cell
# Files a spreadsheet program saves (a returned sheet in any format it may have been saved in).
SPREADSHEET_SUFFIXES = (".xlsx", ".csv", ".xls", ".ods", ".xlsm", ".tsv")
LINE_HEIGHT = 15  # points per line of 11-point text
MAX_ROW_HEIGHT = 300  # points (about 20 lines); the whole text stays in the cell
HEADER_FILL = "DDEBF7"
EDITABLE_FILL = "FFF2CC"
INCLUDE_COLOUR = "00713A"
EXCLUDE_COLOUR = "C00000"
NOTE_JOIN = " | "  # between the different notes a person wrote on one item in several files
NoteKey = TypeVar("NoteKey", str, tuple[str, str])  # what notes are kept by: study, (who, study)


@dataclass(frozen=True)
class Column:
    """One column of a reviewer sheet."""

    name: str
    width: float = 16
    wrap: bool = False
    editable: bool = False  # unlocked for the reviewer (decision, reason, notes ...)
    locked: bool = False  # protected against edits (the id column)
    choices: tuple[str, ...] = ()  # a dropdown of these values (blank allowed)
    choices_hint: str = ""  # the dropdown's error message
    link_prefix: str = ""  # the value is shown as a link to prefix + value (e.g. a DOI)
    highlight: bool = False  # protocol keywords are highlighted inside the text


@dataclass(frozen=True)
class SheetLayout:
    """Everything about a sheet's look that is not data."""

    title: str  # the main sheet's name
    columns: tuple[Column, ...]
    freeze: str = "A2"
    include_keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The column names in order."""
        return tuple(c.name for c in self.columns)


@dataclass
class ReturnedSheet:
    """What a returned file holds: its table, its metadata, the ids it was written with."""

    path: Path
    table: list[list[str]]  # first row = header
    meta: dict[str, str] | None  # None when the file carries no metadata
    ids: list[tuple[str, ...]] | None  # None when the file does not list them (CSV)
    saved_at: str = ""  # ISO 8601 UTC time the file was last saved, "" when unknown
    header: dict[str, int] = field(default_factory=dict)
    header_row: int = 1  # the header's row number in the file (2 below a CSV metadata line)

    def __post_init__(self) -> None:
        if self.table and not self.header:
            for index, name in enumerate(self.table[0]):
                self.header.setdefault(name.casefold().strip(), index)

    def cell(self, row: Sequence[str], name: str) -> str:
        """The value in column ``name`` (case-insensitive) of a data row, "" when absent."""
        index = self.header.get(name.casefold())
        return row[index] if index is not None and index < len(row) else ""

    @property
    def header_position(self) -> str:
        """Where the header is, for messages (``row 1``)."""
        return f"row {self.header_row}"

    def numbered(self) -> Iterable[tuple[int, list[str]]]:
        """Each data row with its 1-based row number as a spreadsheet program shows the file."""
        return enumerate(self.table[1:], start=self.header_row + 1)

    def rows(self) -> Iterable[tuple[int, list[str]]]:
        """Each non-empty data row with its 1-based row number in the file, once
        :func:`check_columns` found none of its text where the readers would not see it."""
        for number, row in self.numbered():
            if any(row):
                check_columns(self.path, self.table[0], number, row, self.header_row)
                yield number, row


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _short(text: str, limit: int = 60) -> str:
    """``text`` quoted, cut to ``limit`` characters for a message."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def check_columns(
    path: Path, header: Sequence[str], number: int, row: Sequence[str], header_row: int = 1
) -> None:
    """Refuse a data row holding text the readers would skip: text under a column without a
    name (or beyond the header), or a column whose name repeats an earlier one (readers take
    the first) holding something the first copy does not."""
    first: dict[str, int] = {}
    for index, value in enumerate(row):
        name = header[index].casefold().strip() if index < len(header) else ""
        if name:
            earlier = first.setdefault(name, index)
            if earlier == index or not value or value == row[earlier]:
                continue
            problem = (
                f"column {name!r} appears twice in the header (columns {column_letter(earlier)} and"
                f" {column_letter(index)}) and the copies differ here ({_short(row[earlier])} and"
                f" {_short(value)}); expected each column once: keep one copy, rename the other"
            )
            raise InputFileError(path, problem, position=f"row {number}", field=name)
        if value:
            problem = (
                f"text {_short(value)} in column {column_letter(index)}, which has no name in the"
                f" header (row {header_row}), so it would be ignored; expected text only under the"
                " named columns: put it in notes, or name the column"
            )
            if path.suffix.lower() == ".csv":
                problem += " (a comma inside a CSV cell needs quotes)"
            raise InputFileError(path, problem, position=f"row {number}")


def note_parts(text: str) -> list[str]:
    """The notes in a notes cell (several are joined by :data:`NOTE_JOIN`), blank ones left out."""
    return [part.strip() for part in text.split(NOTE_JOIN) if part.strip()]


def add_notes(kept: list[str], text: str) -> None:
    """Append to ``kept`` each note of the cell ``text`` not in it yet: a sheet carrying the
    notes written before does not repeat them."""
    for note in note_parts(text):
        if note not in kept:
            kept.append(note)


def joined_notes(cells: Iterable[tuple[NoteKey, str]]) -> dict[NoteKey, str]:
    """Key -> every different note of its notes cells (:func:`add_notes`), joined by
    :data:`NOTE_JOIN`, in key order: the notes to carry into the next sheet."""
    kept: dict[NoteKey, list[str]] = {}
    for key, text in cells:
        add_notes(kept.setdefault(key, []), text)
    return {key: NOTE_JOIN.join(parts) for key, parts in sorted(kept.items()) if parts}


def checksum(ids: Iterable[Sequence[str]]) -> str:
    """A short order-independent checksum over item ids (each id one or more strings)."""
    text = "\n".join("|".join(key) for key in sorted(tuple(i) for i in ids))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def csv_safe(value: str) -> str:
    """A CSV cell that spreadsheet programs never evaluate: ``= + - @`` get a leading ``'``."""
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_meta_line(meta: Mapping[str, str]) -> str:
    """The first line of a CSV sheet: its metadata as ``key=value`` pairs."""
    for key, value in meta.items():
        if re.search(r"[|,;=\n\"]", key + value):
            raise ValueError(f"metadata {key}={value!r} cannot go into a CSV comment line")
    return " | ".join([CSV_META_PREFIX, *(f"{k}={v}" for k, v in meta.items())])


def csv_text(
    columns: Sequence[str], rows: Iterable[Mapping[str, str]], meta: Mapping[str, str] | None
) -> str:
    """The CSV variant of a sheet (metadata line first when ``meta`` is given)."""
    buffer = io.StringIO()
    if meta is not None:
        buffer.write(csv_meta_line(meta) + "\n")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_safe(row.get(k, "")) for k in columns})
    return buffer.getvalue()


def set_text(cell: object, value: str) -> None:
    """Write a string cell that Excel and LibreOffice never evaluate as a formula."""
    cell.value = value  # type: ignore[attr-defined]
    cell.data_type = "s"  # type: ignore[attr-defined]


class Highlighter:
    """Protocol keywords in a text as rich text: include words bold green, exclude words bold red
    (a word in both lists counts as exclude). Whole words, any capitalisation, longest first."""

    def __init__(self, include: Iterable[str], exclude: Iterable[str]) -> None:
        from openpyxl.cell.text import InlineFont

        self.fonts = {
            True: InlineFont(b=True, color=EXCLUDE_COLOUR),
            False: InlineFont(b=True, color=INCLUDE_COLOUR),
        }
        self.exclude = {k.strip().casefold() for k in exclude if k.strip()}
        words = self.exclude | {k.strip().casefold() for k in include if k.strip()}
        ordered = sorted(words, key=lambda k: (-len(k), k))
        alternatives = "|".join(re.escape(w) for w in ordered)
        self.pattern = re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE) if words else None

    def __call__(self, text: str) -> object:
        """``text`` as ``CellRichText``, or the plain string when no keyword occurs."""
        from openpyxl.cell.rich_text import CellRichText, TextBlock

        matches = list(self.pattern.finditer(text)) if self.pattern else []
        if not matches:
            return text
        parts: list[object] = []
        at = 0
        for match in matches:
            if match.start() > at:
                parts.append(text[at : match.start()])
            font = self.fonts[match.group().casefold() in self.exclude]
            parts.append(TextBlock(font, match.group()))
            at = match.end()
        if at < len(text):
            parts.append(text[at:])
        return CellRichText(parts)


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
        atomic_write_text(path, csv_text(layout.names, rows, header))
        written.append(path)
    return written


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
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = layout.title
    last = max(len(rows) + 1, 2)
    highlight = Highlighter(layout.include_keywords, layout.exclude_keywords)
    styles = []
    for col, column in enumerate(layout.columns, start=1):
        letter = get_column_letter(col)
        head = ws.cell(row=1, column=col)
        set_text(head, column.name)
        head.font = Font(bold=True)
        head.fill = PatternFill("solid", fgColor=HEADER_FILL)
        ws.column_dimensions[letter].width = column.width
        # one style object per column, shared by its cells: fast for thousands of rows
        template = ws.cell(row=last + 1, column=col)
        template.alignment = Alignment(wrap_text=column.wrap, vertical="top")
        template.protection = Protection(locked=column.locked)
        if column.editable:
            template.fill = PatternFill("solid", fgColor=EDITABLE_FILL)
        if column.link_prefix:
            template.font = Font(color="0563C1", underline="single")
        styles.append(copy(template._style))
        ws._cells.pop((last + 1, col))
        if column.choices:
            choice = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.name,
                error=column.choices_hint or f"Choose one of: {', '.join(column.choices)}.",
            )
            ws.add_data_validation(choice)
            choice.add(f"{letter}2:{letter}{last}")
    for r, row in enumerate(rows, start=2):
        for col, column in enumerate(layout.columns, start=1):
            value = _fit(row.get(column.name, ""))
            cell = ws.cell(row=r, column=col)
            if column.highlight and value:
                rich = highlight(value)
                cell.value = rich
                if isinstance(rich, str):
                    cell.data_type = "s"
            else:
                set_text(cell, value)
            if column.link_prefix and value:
                cell.hyperlink = column.link_prefix + value
            cell._style = copy(styles[col - 1])
        lines = max(
            (wrapped_lines(row.get(c.name, ""), c.width) for c in layout.columns if c.wrap),
            default=1,
        )
        if lines > 1:  # explicit height: LibreOffice keeps the default and overlaps wrapped text
            ws.row_dimensions[r].height = min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines)
    ws.freeze_panes = layout.freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(len(layout.columns))}{last}"
    if any(c.locked for c in layout.columns):
        ws.protection.sheet = True
        for allowed in ("autoFilter", "sort", "formatColumns", "formatRows", "insertColumns"):
            setattr(ws.protection, allowed, False)

    info = wb.create_sheet(INSTRUCTIONS_SHEET)
    info.column_dimensions["A"].width = 100
    for r, line in enumerate(instructions, start=1):
        set_text(info.cell(row=r, column=1), line)

    sheet = wb.create_sheet(META_SHEET)
    header = [*meta, ("checksum", checksum(ids))]
    for r, (key, value) in enumerate(header, start=1):
        set_text(sheet.cell(row=r, column=1), key)
        set_text(sheet.cell(row=r, column=2), value)
    for r, key in enumerate(sorted(tuple(i) for i in ids), start=len(header) + 1):
        for c, part in enumerate(key, start=1):
            set_text(sheet.cell(row=r, column=c), part)
    sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    wb.save(buffer)
    return deterministic_zip(buffer.getvalue())


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def deterministic_zip(data: bytes) -> bytes:
    """The same workbook with fixed timestamps, so equal inputs give byte-identical files."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _STAMP.sub(rb"\g<1>" + FIXED_STAMP.encode() + rb"\g<2>", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, body)
    return out.getvalue()


# -- reading returned sheets -------------------------------------------------------------------


def clean(value: object) -> str:
    """A cell value as stripped text (``2024.0`` -> ``"2024"``, None -> ``""``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


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


_FORMULA_CELL = re.compile(rb"<(?:[\w.-]+:)?f[ >/]")
# What a spreadsheet program shows in a cell whose formula fails (typed ``-ve`` becomes ``=-ve``).
FORMULA_ERRORS = frozenset(
    (
        *("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!"),
        *("#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#BUSY!", "#CONNECT!", "#PYTHON!"),
        *("#GETTING_DATA", "Err:502", "Err:504", "Err:508", "Err:509"),
    )
)


def _uncomputed_formulas(
    tables: Mapping[str, list[list[str]]], data: bytes, sheets_xml: Iterable[bytes]
) -> None:
    """Put the formula's text in the cells of the data sheets' ``tables`` that hold a formula
    with no value: one the saving program never computed (a script, some web tools: openpyxl
    reads ``None``), or one that failed (text such as ``-ve`` or ``+ adults`` typed into Excel is
    taken as a formula and shows ``#NAME?``). What the reviewer typed is kept, as text, instead
    of being read as a blank cell or as the error's name (in a copied tab too, so that an
    unchanged copy still matches the main sheet)."""
    from openpyxl import load_workbook

    if not any(_FORMULA_CELL.search(xml) for xml in sheets_xml):
        return
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for name in _data_sheets(tables):
            _formula_texts(wb[name].iter_rows(values_only=True), tables[name])
    finally:
        wb.close()


def _formula_texts(formulas: Iterable[Sequence[object]], table: list[list[str]]) -> None:
    """Each blank or error cell of ``table`` that is a formula in ``formulas`` gets its text."""
    for r, row in enumerate(formulas):
        cells = table[r] if r < len(table) else []
        for c, value in enumerate(row[: len(cells)]):
            failed = not cells[c] or cells[c] in FORMULA_ERRORS
            if isinstance(value, str) and value.startswith("=") and failed:
                cells[c] = value.strip()


# Elements may carry a namespace prefix (``<x:mergeCell>``: the .NET Open XML SDK writes them so).
_MERGE_CELL = re.compile(rb'<(?:[\w.-]+:)?mergeCell\s[^>]*?\bref="([A-Z]+\d+):([A-Z]+\d+)"')
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _sheet_part(archive: zipfile.ZipFile, name: str) -> str | None:
    """The zip member holding the worksheet called ``name`` (None if it cannot be told)."""
    import xml.etree.ElementTree as ET

    try:
        book = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return None
    ids = [s.get(f"{_NS_REL}id") for s in book.iter(f"{_NS_MAIN}sheet") if s.get("name") == name]
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    target = targets.get(ids[0]) if ids else None
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")


def _worksheets(data: bytes, name: str) -> tuple[list[bytes], bytes]:
    """The XML of every worksheet of the workbook ``data`` and that of the one called ``name``
    (empty when the workbook does not tell which it is), each part read once."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {
            n: archive.read(n)
            for n in archive.namelist()
            if n.startswith("xl/worksheets/") and not n.startswith("xl/worksheets/_rels/")
        }
        own = parts.get(_sheet_part(archive, name) or "", b"")
    return list(parts.values()), own


def _refuse_merged_cells(path: Path, name: str, sheet_xml: bytes) -> None:
    """Merged cells keep their text in the first cell only: a decision merged over two rows
    would be read for the first row alone, so the sheet is refused until they are unmerged."""
    merged = _MERGE_CELL.search(sheet_xml)
    if merged:
        first, last = (m.decode() for m in merged.groups())
        problem = (
            f"cells {first}:{last} of sheet {name!r} are merged, and a merged cell holds its"
            " text in its first cell only (the others would be read as blank); expected every"
            " cell on its own: unmerge them and type the value in each cell"
        )
        raise InputFileError(path, problem, position=f"row {re.sub('[A-Z]', '', first)}")


def _data_sheets(names: Iterable[str]) -> list[str]:
    """The worksheets a reviewer fills in: all but the hidden metadata and the instructions."""
    return [n for n in names if n not in (META_SHEET, INSTRUCTIONS_SHEET)]


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
    data = _data_sheets(tables)
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
    others = [n for n in _data_sheets(tables) if n != name]
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
                    f"sheet {other!r} holds {_short(row[extra[0]])} on the row of"
                    f" {' / '.join(key)}, which sheet {name!r} does not hold there; only sheet"
                    f" {name!r} is read, so it would be lost; expected everything typed in sheet"
                    f" {name!r}: copy it there, then delete sheet {other!r}"
                )
                column = header[extra[0]] if extra[0] < len(header) else ""
                position = f"sheet {other!r}, row {number}"
                raise InputFileError(path, problem, position=position, field=column or None)


def _read_xlsx(path: Path, title: str, data: bytes | None = None) -> ReturnedSheet:
    """The sheet in ``data`` (else the file's bytes, read once); ``path`` names it."""
    from openpyxl import load_workbook

    try:
        if data is None:
            data = path.read_bytes()
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
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


def _workbook_sheet(path: Path, title: str, data: bytes, wb: Any) -> ReturnedSheet:
    """The sheet ``title`` of the open workbook ``wb`` (``data`` its bytes), after the checks
    on merged cells, formulas and copies of it."""
    tables = {
        n: [[clean(v) for v in row] for row in wb[n].iter_rows(values_only=True)]
        for n in wb.sheetnames
    }
    meta = ids = None
    if META_SHEET in tables:
        meta, ids = _split_meta(tables[META_SHEET])
    name = _main_sheet(path, title, tables, ids or [])
    sheets_xml, own_xml = _worksheets(data, name)
    _refuse_merged_cells(path, name, own_xml)
    _uncomputed_formulas(tables, data, sheets_xml)
    _refuse_copies(path, name, tables, ids or [])
    return ReturnedSheet(path, tables[name], meta, ids, _iso(wb.properties.modified))


#: A UTF-8 sequence of two to four bytes: text that is UTF-8, inside a file that is not all UTF-8.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _decode(path: Path) -> str:
    """A CSV file's text: UTF-16 when it starts with that byte-order mark (LibreOffice's
    "Unicode (UTF-16)" character set) or, without one, has a NUL byte beside each character of
    its first line; else UTF-8, else Windows' cp1252. A file that is UTF-8 in one place and not
    in another (text pasted or appended in another encoding), or neither, is refused: reading
    it as cp1252 would garble the UTF-8 text a reviewer typed."""
    data = path.read_bytes()
    wide = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else ""
    wide = wide or _utf16_without_bom(data)
    if wide:
        try:
            return data.decode(wide)
        except UnicodeDecodeError as exc:
            raise InputFileError(
                path, f"cannot be read as UTF-16 text ({exc.reason} at byte {exc.start})"
            ) from None
    if data.startswith(b"PK\x03\x04"):
        raise InputFileError(
            path,
            "cannot be read as a CSV sheet (a ZIP archive: an .xlsx workbook under a .csv "
            "name?); expected CSV text: give a workbook its .xlsx name",
        )
    if b"\x00" in data:
        raise InputFileError(
            path,
            "cannot be read as a CSV sheet (binary data: a NUL byte); expected CSV text",
            position=_line(data, data.index(b"\x00")),
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bom = data.startswith(codecs.BOM_UTF8)
        mixed = bom or _UTF8_SEQUENCE.search(data)
        bad = exc.start + (len(codecs.BOM_UTF8) if bom else 0)  # counted after the BOM
    if not mixed:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            bad = exc.start
    what = "UTF-8, as the rest of the file is (mixed encodings?)" if mixed else "UTF-8 or cp1252"
    raise InputFileError(
        path,
        f"byte {bad} (0x{data[bad]:02x}) is not {what}; expected the sheet in one encoding: "
        "save it again as CSV UTF-8",
        position=_line(data, bad),
    )


def _line(data: bytes, offset: int) -> str:
    """Where byte ``offset`` of a file is, for messages (``line 3``)."""
    return "line " + str(data.count(b"\n", 0, offset) + 1)


def _utf16_without_bom(data: bytes) -> str:
    """``utf-16-le`` or ``-be`` when the first 32 characters (a sheet's first line is ASCII)
    each have a NUL byte after or before them, else ''."""
    head = data[:64]
    even, odd = head[0::2], head[1::2]
    if len(head) < 4 or len(head) % 2:
        return ""
    if odd.count(0) == len(odd) and 0 not in even:
        return "utf-16-le"
    if even.count(0) == len(even) and 0 not in odd:
        return "utf-16-be"
    return ""


def _csv_meta(line: str) -> dict[str, str]:
    meta = {}
    for part in line.split("|")[1:]:
        key, _, value = part.partition("=")
        meta[key.strip()] = value.strip()
    return meta


def _unquoted(text: str) -> str:
    """A CSV cell as written: the ``'`` :func:`csv_safe` put before ``= + - @`` taken off again
    (spreadsheet programs keep it as a character when they open a CSV file)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def _read_csv(path: Path) -> ReturnedSheet:
    lines = _decode(path).splitlines(keepends=True)
    meta = None
    first = lines[0].strip().strip('"') if lines else ""
    if first.startswith(CSV_META_PREFIX):
        meta = _csv_meta(re.split("[,;\t]", first)[0].strip('"'))
        lines = lines[1:]
    head = lines[0] if lines else ""
    delimiter = max((",", ";", "\t"), key=head.count)  # a tie (one column): the comma
    try:
        table = [
            [_unquoted(c.strip()) for c in row]
            # newline="": rows end at CR, LF or CRLF (Excel for Mac's CSV ends them with CR)
            for row in csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter)
        ]
    except csv.Error as exc:  # e.g. a binary file saved with a .csv name
        problem = str(exc).split(" - ")[0]
        raise InputFileError(
            path, f"cannot be read as a CSV sheet ({problem}); expected a form saved as CSV"
        ) from None
    return ReturnedSheet(path, table, meta, None, "", header_row=1 if meta is None else 2)


def read_sheet(path: Path, title: str) -> ReturnedSheet:
    """Read a returned .xlsx (main sheet ``title``, else the first data sheet) or .csv."""
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, title)
    return _read_csv(path)


class Answer(Protocol):
    """A decision read from a returned sheet, with where it was typed and when that file was
    saved (a screening decision, a resolution, a form's cell, "" when blank); only read."""

    study_id: str
    decision: str
    reason: str
    file: str  # the returned file, as named in messages
    row: int
    recorded_at: str  # when the file was saved, "" when it does not say


AnswerT = TypeVar("AnswerT", bound=Answer)


def _answer(item: Answer) -> str:
    shown = repr(item.decision) if item.decision else "blank"
    return shown + (f" ({item.reason})" if item.reason else "")


def _unordered(first: Answer, second: Answer) -> str:
    """Why the save times of two answers' files do not tell which was saved last ("" when
    they do)."""
    for item in (first, second):
        if item.file.casefold().endswith(".csv"):
            return f"{item.file} is a CSV file, which does not record when it was saved"
    for item in (first, second):
        if not item.recorded_at:
            return f"{item.file} does not record when it was saved"
    if first.recorded_at == second.recorded_at:
        return f"both files record the same save time, {first.recorded_at}"
    return ""


def _disagreeing(first: Answer, second: Answer, what: str, field: str, why: str) -> InputFileError:
    problem = (
        f"{what} on study {second.study_id} is {_answer(second)} here and {_answer(first)} in"
        f" {first.file}, row {first.row}, and which of the two files was saved last cannot be"
        f" told ({why}); expected one {field} per study: remove one of the two files, or"
        " correct one so that both hold the same"
    )
    return InputFileError(second.file, problem, position=f"row {second.row}", field=field)


def overridden_answers(
    items: Iterable[AnswerT],
    key: Callable[[AnswerT], Hashable],
    what: Callable[[AnswerT], str],
    field: str,
) -> list[str]:
    """Check the answers several returned files give on one thing (items of one ``key``: one
    study, reviewer and round). When they differ the file saved last counts, so it must be
    known: raise :class:`InputFileError` naming both files when their save times do not tell
    (a CSV, a file without a save time, equal save times). Else one line per answer a file
    saved later overrides, for the step's log (a blank answer overridden is not named).
    Agreeing answers are fine in any order.
    ``what`` names an item's answer in messages (``r1's decision (round 1)``), ``field`` the
    column it was typed in."""
    groups: dict[Hashable, list[AnswerT]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    lines = []
    for group in groups.values():
        if len({_answer(item) for item in group}) < 2:
            continue
        ordered = sorted(group, key=lambda item: (item.recorded_at, item.file, item.row))
        for index, first in enumerate(ordered):
            for second in ordered[index + 1 :]:
                if first.file == second.file:  # two studies merged after the file was written:
                    continue  # its reader settles them
                if _answer(first) != _answer(second) and (why := _unordered(first, second)):
                    raise _disagreeing(first, second, what(second), field, why)
        last = ordered[-1]
        lines += [
            f"{item.file}, row {item.row}: {what(item)} on study {item.study_id}, "
            f"{_answer(item)}, is overridden by {_answer(last)} in {last.file}, row {last.row}, "
            f"saved later ({item.recorded_at} < {last.recorded_at})"
            for item in ordered
            if _answer(item) != _answer(last)
            and (item.decision or item.reason)
            and item.file != last.file
        ]
    return lines


class SheetCache:
    """What returned .xlsx files hold, kept by content in ``folder`` between runs.

    openpyxl needs seconds for a sheet of thousands of rows, and every run reads every round's
    returned sheets again; an unchanged file is read from its entry instead (keyed on the file's
    SHA-256, the sheet title, this module's code and openpyxl's version; an entry starts with the
    SHA-256 of the rest, so one edited or damaged since is not used). Every check still runs on
    what is read. The cache only saves time: a missing or damaged entry means reading the file.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[Path] = set()

    def read(self, path: Path, title: str) -> ReturnedSheet:
        """:func:`read_sheet`, from the cache when the file was read before."""
        if path.suffix.lower() != ".xlsx":
            return read_sheet(path, title)
        from importlib.metadata import version

        data = path.read_bytes()  # hashed and parsed: one version of a file being replaced
        content = hashlib.sha256(data).hexdigest()
        key = source_digest([Path(__file__)], content, title, version("openpyxl"))
        entry = self.folder / f"{key}.json"
        self.used.add(entry)
        try:
            check, _, body = entry.read_text(encoding="utf-8").partition("\n")
            if hashlib.sha256(body.encode("utf-8")).hexdigest() != check:
                raise ValueError("entry edited or damaged")  # read the file instead
            kept = json.loads(body)
            ids = kept["ids"]
            return ReturnedSheet(
                path,
                kept["table"],
                kept["meta"],
                None if ids is None else [tuple(i) for i in ids],
                kept["saved_at"],
            )
        except (OSError, ValueError, KeyError, TypeError):
            pass
        sheet = _read_xlsx(path, title, data)
        fields = ("table", "meta", "ids", "saved_at")
        body = json.dumps({name: getattr(sheet, name) for name in fields}, ensure_ascii=False)
        check = hashlib.sha256(body.encode("utf-8")).hexdigest()
        try:  # the digest of the rest first: an entry edited since is not used
            atomic_write_text(entry, f"{check}\n{body}", durable=False)
        except OSError as exc:  # the cache only saves time
            log.info("%s: sheet cache not written (%s)", entry, exc)
        return sheet

    def prune(self) -> None:
        """Delete the entries of files no longer returned (read since this cache was made)."""
        if self.folder.is_dir():
            for entry in self.folder.glob("*.json"):
                if entry not in self.used:
                    try:
                        entry.unlink(missing_ok=True)
                    except OSError as exc:  # the cache only saves time
                        log.info("%s: sheet cache entry not deleted (%s)", entry, exc)


def returned_folder(config: Mapping[str, Any], section: str, key: str) -> Path:
    """The folder of returned sheets named by config key ``section.key``, in ``paths.human_input``.

    The folder must stay inside the human-input folder (no ``..``, not absolute).
    """
    folder = config[section][key]
    if not is_safe_relative(folder):
        raise ConfigError(
            f"config key '{section}.{key}': {folder!r} must be a relative path inside "
            "paths.human_input (no '..', no absolute path)"
        )
    return Path(config["paths"]["human_input"]) / folder


def folder_files(folder: Path) -> list[Path]:
    """Every file a person put in ``folder``, sorted; hidden, lock and Markdown files skipped."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(("~$", ".")) and p.suffix.lower() != ".md"
    )


def returned_files(folder: Path, what: str) -> list[Path]:
    """The returned sheets in ``folder`` (.xlsx, .csv), sorted.

    Any other file there (a sheet saved as .ods or .xls, say) is an error rather than being
    ignored, so that no decision is silently lost; ``what`` names the sheet in the message.
    """
    files = folder_files(folder)
    for path in files:
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise InputFileError(
                path,
                f"not a returned {what} ({path.suffix or 'no extension'}); "
                "expected .xlsx or .csv: save it in one of these formats",
            )
    for inner in _folders_with_sheets(folder):
        raise InputFileError(
            inner,
            f"a folder among the returned {what}s: sheets in it are not read; move them into "
            f"{folder}",
        )
    return files


def input_files(folder: Path) -> list[Path]:
    """For Snakemake: every file whose arrival or change in ``folder`` must re-run the stage
    that reads it, sorted: the files :func:`returned_files` reads or refuses at the top level,
    and the spreadsheet files in the folders inside it that make :func:`returned_files` stop."""
    return sorted([*folder_files(folder), *nested_sheets(folder)])


def nested_sheets(folder: Path) -> list[Path]:
    """The files saved from a spreadsheet anywhere inside the folders in ``folder`` (hidden
    folders at its top level aside), sorted: returned sheets put there would be silently unread
    (the protocol keeps the folders of returned sheets apart:
    :func:`livingreview.config.check_returned_folders`)."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for inner in folder.iterdir()
        if inner.is_dir() and not inner.name.startswith(".")
        for path in inner.rglob("*")
        if path.suffix.lower() in SPREADSHEET_SUFFIXES and path.is_file()
    )


def _folders_with_sheets(folder: Path) -> list[Path]:
    """The folders at the top level of ``folder`` holding, at any depth, a spreadsheet file."""
    return sorted({folder / path.relative_to(folder).parts[0] for path in nested_sheets(folder)})
