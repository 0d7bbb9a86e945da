"""CSV text before its rows are read: delimiter, lines above the header, quoting, row starts."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from livingreview.imports.tabular.columns import TITLE_COLUMNS


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line (outside quotes) most often. The header is the
    first line with anything on it, whatever its line end: CRLF, LF or CR alone (Excel's "CSV
    (Macintosh)"), never the whole of a file whose line ends are not LF."""
    header = re.split(r"\r\n?|\n", text.lstrip("\r\n"), maxsplit=1)[0]
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def csv_source(text: str) -> tuple[io.StringIO, str]:
    """Decoded CSV text as a buffer for :mod:`csv`, and its :func:`sniff_delimiter`. The buffer
    keeps line ends as they are (``newline=''``) for the csv module to split rows at: CR, LF or
    CRLF alike (a table saved with carriage returns only, Excel's "CSV (Macintosh)", is read)
    and a line break inside a quoted cell stays in the cell."""
    return io.StringIO(text, newline=""), sniff_delimiter(text)


#: Lines searched for the header row: Dimensions writes an "About the data" line above it,
#: Embase its search query and a blank line or two.
_PREAMBLE_LINES = 10


def without_preamble(text: str) -> tuple[str, str]:
    """The text with any lines above the header row blanked (line numbers kept), and its delimiter.

    The header row is the first of the first lines that has a known title column among its cells
    (split on its own most frequent delimiter), when every line above it is narrower (a note, a
    query); without one, the first line is the header.
    """
    lines = text.split("\n", _PREAMBLE_LINES)[:_PREAMBLE_LINES]
    for index, line in enumerate(lines):
        delimiter = sniff_delimiter(line)
        rows = [next(csv.reader([x], delimiter=delimiter), []) for x in lines[: index + 1]]
        if _has_title_column(rows[-1]):
            if not _above_is_preamble(rows):
                break
            return "\n" * index + text[sum(len(x) + 1 for x in lines[:index]) :], delimiter
    return text, sniff_delimiter(text)


_TITLES = frozenset(name.lower() for names in TITLE_COLUMNS.values() for name in names)


def _has_title_column(cells: Iterable[str]) -> bool:
    return bool(_TITLES & {cell.strip().lower() for cell in cells})


def _width(cells: list[str]) -> int:
    """Number of cells up to the last one holding text."""
    return next((i + 1 for i in range(len(cells) - 1, -1, -1) if cells[i].strip()), 0)


def _above_is_preamble(rows: list[list[str]]) -> bool:
    """Whether the rows above the last (the header found) are narrower than it: lines written
    above a table, not rows of a table whose own header has no title column."""
    width = _width(rows[-1]) if rows else 0
    return all(_width(row) < width for row in rows[:-1])


def sheet_header_index(rows: list[list[str]]) -> int:
    """Index of a worksheet's header row: the first of the first rows with a title column, when
    the rows above it are narrower (see :func:`without_preamble`); else the first row."""
    head = rows[:_PREAMBLE_LINES]
    index = next((i for i, row in enumerate(head) if _has_title_column(row)), 0)
    return index if _above_is_preamble(head[: index + 1]) else 0


#: A line abstrackr writes between its labelled citations and the rest, which are no records.
_SECTION_LINES = frozenset({"citations that are not yet labeled by anyone"})


def section_line(cells: Iterable[str]) -> bool:
    """Whether a row below the header is an exporter's line between groups of rows, no record."""
    filled = [cell.strip() for cell in cells if cell.strip()]
    return len(filled) == 1 and filled[0].lower() in _SECTION_LINES


def scan_csv(text: str) -> list[int]:
    """Start lines of the data rows, by a scan that only tracks quoting (see :func:`_scan`)."""
    text, delimiter = without_preamble(text)
    lines = text.split("\n")
    if _unquoted(text, delimiter):
        return [n for n, line in enumerate(lines, 1) if line.strip()][1:]
    starts = _scan(text, delimiter)[0][1:]  # the first row is the header
    return [n for n in starts if not section_line([lines[n - 1]])]


#: A tab-delimited cell a spreadsheet program quoted when saving: all of it in quotes and its
#: own quotes doubled (``"""Quoted words"": rest"``); Web of Science never writes one.
_RESAVED_CELL = re.compile(r'(?:^|\t)"(?:[^"\t\n]|"")*""(?:[^"\t\n]|"")*"(?=\t|$)', re.MULTILINE)


def _unquoted(text: str, delimiter: str) -> bool:
    """Web of Science tab-delimited text: tag columns, one record a line, quotes never special.

    Its titles may start with a quotation mark (``"Quoted words": rest``) that CSV quoting would
    strip, or never close. Taken as such only while no line has more cells than the header
    (and the empty cell after the trailing tab).
    """
    lines = [line for line in text.split("\n") if line.strip()]
    if delimiter != "\t" or not lines or not {"PT", "UT"} <= set(lines[0].split("\t")):
        return False
    if _RESAVED_CELL.search(text):  # saved again by a spreadsheet program: quoting is real
        return False
    cells = lines[0].count("\t") + 1
    return all(line.count("\t") <= cells for line in lines)


def _scan(text: str, delimiter: str) -> tuple[list[int], bool]:
    """Start lines of all rows, and whether the text ends inside a quoted cell.

    Independent of :mod:`csv`: a quote opens a quoted field only at the start of a field, ``""``
    inside quotes is an escaped quote, and a row counts when it has any non-space character.
    Only quotes, delimiters and newlines are visited, so the scan stays fast on large files.
    """
    special = re.compile('["\n' + re.escape(delimiter) + "]")
    starts: list[int] = []
    in_quotes, field_start, content = False, True, False
    line, row_line, position, skip = 1, 1, 0, -1
    for match in special.finditer(text):
        index, char = match.start(), match.group()
        if index < skip:  # the second quote of an escaped ""
            continue
        chunk = text[position:index]
        position = match.end()
        if chunk:
            content = content or not chunk.isspace()
            field_start = False
        if in_quotes:
            if char == '"':
                if text.startswith('"', index + 1):
                    skip, position, content = index + 2, index + 2, True
                else:
                    in_quotes = False
            elif char == "\n":
                line += 1
        elif char == '"':
            if field_start:
                in_quotes = True
            else:
                content = True
            field_start = False
        elif char == delimiter:
            field_start = True
        else:  # a newline outside quotes ends the row
            if content:
                starts.append(row_line)
            line += 1
            row_line, content, field_start = line, False, True
    tail = text[position:]
    if content or (tail and not tail.isspace()):
        starts.append(row_line)
    return starts, in_quotes
