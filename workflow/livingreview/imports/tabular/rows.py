"""Reading a table's rows into records: CSV text or worksheet rows, header and row checks."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from livingreview.errors import InputFileError
from livingreview.imports.tabular.columns import (
    TITLE_COLUMNS,
    CellError,
    Getter,
    _getter,
    csv_flavour,
)
from livingreview.imports.tabular.csv_text import (
    _scan,
    _unquoted,
    section_line,
    sheet_header_index,
    without_preamble,
)
from livingreview.imports.tabular.flavours import BUILDERS
from livingreview.imports.text import Parsed, is_missing, row_position
from livingreview.records import Record

log = logging.getLogger(__name__)


class _SheetRows:
    """Worksheet rows as a :mod:`csv` reader gives them: iterable, with ``line_num``."""

    def __init__(self, rows: list[list[str]]) -> None:
        self.rows, self.line_num = rows, 0

    def __iter__(self) -> Iterator[list[str]]:
        for row in self.rows:
            self.line_num += 1
            yield row


def parse_sheet(path: Path | str, rows: list[list[str]], sheet: str) -> list[Parsed]:
    """Parse worksheet rows like a CSV; rows above the header are skipped, positions are
    the sheet's row numbers after ``sheet`` (``"sheet 'Data', "``)."""
    header = sheet_header_index(rows)
    rows = [[] for _ in rows[:header]] + rows[header:]
    return _read_rows(path, _SheetRows(rows), [], ",", lambda _, line: f"{sheet}row {line}")


def parse_csv(path: Path | str, text: str) -> list[Parsed]:
    """Parse a CSV (or tab-delimited) export into records."""
    body, delimiter = without_preamble(text)
    if body != text:
        log.info("%s: lines above the CSV header row were skipped", path)
    text = body
    unquoted = _unquoted(text, delimiter)
    quoting = csv.QUOTE_NONE if unquoted else csv.QUOTE_MINIMAL
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting)
    try:
        parsed = _read_rows(path, reader, text.split("\n"), delimiter)
    except csv.Error as exc:
        raise InputFileError(
            path, f"malformed CSV ({exc})", position=f"line {reader.line_num}"
        ) from None
    if parsed and not unquoted:
        _check_last_row_closed(path, text, delimiter, len(parsed) + 1, parsed[-1].line)
    return parsed


def _check_last_row_closed(
    path: Path | str, text: str, delimiter: str, row: int, line: int
) -> None:
    """Fail when the file ends inside a quoted cell of its last row (``row``, from ``line``).

    :mod:`csv` reads such a row without a word, its last cell cut short and the cells after it
    missing: the export was cut off in a download, or a quote was never closed.
    """
    offset = len(text)
    for _ in range(text.count("\n") - line + 2):  # back to the newline before the row
        offset = text.rfind("\n", 0, offset)
        if offset < 0:
            break
    if _scan(text[offset + 1 :], delimiter)[1]:
        raise InputFileError(
            path,
            "the file ends inside a quoted cell: the export is cut short (an interrupted "
            "download?) or a quote is never closed; export the file again",
            position=row_position(row, line),
        )


def _read_rows(
    path: Path | str,
    reader: Any,
    lines: list[str],
    delimiter: str,
    where: Callable[[int, int], str] = row_position,
) -> list[Parsed]:
    header: list[str] | None = None
    header_line = 1
    parsed: list[Parsed] = []
    previous_end = 0
    builder: Callable[[Getter], Record] | None = None
    for row in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in row) or (header and section_line(row)):
            continue
        if header is None:
            header = [h.strip() for h in row]
            header_line = start
            flavour = csv_flavour(header)
            lowered = {h.lower() for h in header}
            if not any(t.lower() in lowered for t in TITLE_COLUMNS[flavour]):
                raise InputFileError(
                    path,
                    f"no title column in the CSV header (read as a {flavour} export; "
                    f"columns: {', '.join(header[:12])}{'...' if len(header) > 12 else ''})",
                    position=where(1, header_line),
                    field=TITLE_COLUMNS[flavour][0],
                )
            builder = BUILDERS[flavour]
            continue
        row_number = len(parsed) + 2
        if [c.strip() for c in row] == header:
            raise InputFileError(
                path,
                "this row repeats the header: were several exports joined into one file? "
                "List each export file under imports.<name>.files instead",
                position=where(row_number, start),
            )
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            requoted = _requoted("\n".join(lines[start - 1 : previous_end]), delimiter, header)
            if requoted is None:
                raise InputFileError(
                    path,
                    f"{len(row)} cells but the header has {len(header)} (broken quoting?)",
                    position=where(row_number, start),
                )
            row = requoted
            log.warning(
                "%s: row %d (line %d): quotes inside a cell were not doubled; "
                "the row was split at its quoted delimiters",
                path,
                row_number,
                start,
            )
        cells: dict[str, str] = {}
        for name, cell in zip(header, row, strict=False):  # a repeated column: first filled one
            if is_missing(cells.get(name.lower())):
                cells[name.lower()] = cell
        assert builder is not None
        try:
            _refuse_without_values(cells, flavour)
            parsed.append(Parsed(start, builder(_getter(cells))))
        except CellError as exc:
            raise InputFileError(
                path, exc.problem, position=where(row_number, start), field=exc.column
            ) from None
    if header is None:
        raise InputFileError(path, "no header row", position="line 1")
    return parsed


def _refuse_without_values(cells: dict[str, str], flavour: str) -> None:
    """Fail on a row holding something but no value: placeholders only (``NA``, ``null``...,
    read as empty cells), or in Web of Science's tab-delimited export its ``PT`` cell alone (the
    tagged export's ``PT`` line alone). A row of blank cells never gets here: it is skipped."""
    filled = [name for name, cell in cells.items() if not is_missing(cell)]
    if not filled:
        placeholders = sorted({cell.strip() for cell in cells.values() if cell.strip()})
        raise CellError(
            "",
            f"a row holding only placeholders for empty cells ({', '.join(placeholders[:5])}): "
            "no record in it; delete the row (a blank row is skipped)",
        )
    if flavour == "wos_tab" and filled == ["pt"]:
        raise CellError("PT", "a row holding its PT cell and nothing else (a cut export?)")


def _requoted(raw: str, delimiter: str, header: list[str]) -> list[str] | None:
    """The cells of a row written with every cell quoted but inner quotes not doubled, or None.

    Old IEEE Xplore CSVs write ``"Center "Name", City"``: read as CSV, the inner quote ends the
    cell and the row gets too many cells. Split at the quoted delimiters (``","``) instead, when
    that gives exactly one cell per column.
    """
    raw = raw.strip()
    if len(raw) < 2 or raw[0] != '"' or raw[-1] != '"':
        return None
    cells = raw[1:-1].split(f'"{delimiter}"')
    if len(cells) != len(header):
        return None
    return [cell.replace('""', '"') for cell in cells]
