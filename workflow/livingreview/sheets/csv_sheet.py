"""The CSV variant of a sheet: written with its metadata line, and read back when returned."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from livingreview.errors import InputFileError
from livingreview.fileio import csv_table_text
from livingreview.sheets.csv_encoding import UTF8_SEQUENCE, decode_csv
from livingreview.sheets.layout import FORMULA_START
from livingreview.sheets.returned import ReturnedSheet, quoted
from livingreview.sheets.written import mark

CSV_META_PREFIX = "# livingreview sheet"


def csv_safe(value: str) -> str:
    """A CSV cell that spreadsheet programs never evaluate: ``= + - @`` get a leading ``'``."""
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_meta_line(meta: Mapping[str, str]) -> str:
    """The first line of a CSV sheet: its metadata as ``key=value`` pairs."""
    for key, value in meta.items():
        if re.search(r"[|,;=\n\"]", key + value):
            raise ValueError(f"metadata {key}={value!r} cannot go into a CSV comment line")
    return " | ".join([CSV_META_PREFIX, *(f"{k}={v}" for k, v in meta.items())])


#: The metadata key listing the values written with :func:`csv_safe`'s ``'`` (their marks).
APOSTROPHES = "apostrophes"


def csv_text(
    columns: Sequence[str], rows: Iterable[Mapping[str, str]], meta: Mapping[str, str] | None
) -> str:
    """The CSV variant of a sheet (metadata line first when ``meta`` is given, with the marks
    of the values given a ``'`` before its checksum: :func:`csv_unquoted` takes off only those,
    and keeps a ``'`` a reviewer typed)."""
    values = [[row.get(k, "") for k in columns] for row in rows]
    first = ""
    if meta is not None:
        marks = sorted({mark(v) for row in values for v in row if v.startswith(FORMULA_START)})
        head = {k: v for k, v in meta.items() if k != "checksum"} | {APOSTROPHES: " ".join(marks)}
        first = csv_meta_line(head | {k: v for k, v in meta.items() if k == "checksum"}) + "\n"
    # a note holding a carriage return comes back as typed (csv_table_text quotes its row)
    cells = ([csv_safe(value) for value in row] for row in values)
    return first + csv_table_text(columns, cells)


#: The UTF-8 byte-order mark read as Windows' cp1252 (see :func:`read_as_cp1252`).
_CP1252_BOM = "\u00ef\u00bb\u00bf"
_BOM_AS_TEXT = re.compile(f"^(?:\ufeff|{_CP1252_BOM})+")


def csv_meta(line: str) -> dict[str, str] | None:
    """The metadata of a CSV sheet's first line (:func:`csv_meta_line`), also once a
    spreadsheet program saved it with delimiters after it or as the cell A1 of an .xlsx; None
    when ``line`` is no such line."""
    # the byte-order mark the sheet is written with, kept as text by a program that read the
    # file as plain UTF-8 (maybe quoting the cell) or as cp1252 ("ï»¿"), is no part of the line
    first = _BOM_AS_TEXT.sub("", line.strip().strip('"')).strip('"')
    if not first.startswith(CSV_META_PREFIX):
        return None
    meta = {}
    for part in re.split("[,;\t]", first)[0].strip('"').split("|")[1:]:
        key, _, value = part.partition("=")
        meta[key.strip()] = value.strip()
    return meta


def read_as_cp1252(line: str) -> bool:
    """Whether a CSV sheet's first line (or cell A1) begins with its byte-order mark read as
    Windows' cp1252 (``ï»¿``): a program opened the UTF-8 sheet as cp1252, so every letter
    outside ASCII in it was garbled ("Zoë" became "ZoÃ«") before it was saved again."""
    return line.strip().lstrip('"').startswith(_CP1252_BOM)


def _cp1252_bytes(text: str) -> bytes:
    """The bytes a program reading cp1252 made ``text`` of (the private-use character
    LibreOffice gives an undefined byte such as 0x81, U+F181, as that byte); 0xFF, never in
    UTF-8, for a character it cannot have made (typed after)."""
    raw = bytearray()
    for char in text:
        code = ord(char)
        if 0xF180 <= code <= 0xF19F or 0x80 <= code <= 0x9F:  # bytes cp1252 leaves undefined
            raw.append(code & 0xFF)
            continue
        try:
            raw += char.encode("cp1252")
        except UnicodeEncodeError:
            raw.append(0xFF)
    return bytes(raw)


def _ungarbled(path: Path, text: str, number: int, column: str) -> str:
    """``text`` as the UTF-8 it was garbled from (:func:`read_as_cp1252`); as it is when it
    holds nothing garbled. A cell holding garbled text beside text that cannot be garbled
    (typed after the file was opened) is refused: neither reading of it is the text typed."""
    raw = _cp1252_bytes(text)
    if not UTF8_SEQUENCE.search(raw):
        return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    problem = (
        f"holds {quoted(text)}, text garbled when the CSV sheet (UTF-8) was opened as"
        " Windows-1252 (Western; its first cell begins with 'ï»¿') beside text typed after,"
        " so it cannot be read back as typed; expected the sheet's text as written: type the"
        " cell again, or open the CSV sheet choosing the character set 'Unicode (UTF-8)'"
    )
    raise InputFileError(path, problem, position=f"row {number}", field=column or None)


def ungarbled(path: Path, rows: list[list[str]], first_row: int) -> list[list[str]]:
    """``rows`` (numbered from ``first_row``, its header first) of a sheet read as cp1252
    (:func:`read_as_cp1252`), each cell's text as the UTF-8 it was garbled from ("ZoÃ«" ->
    "Zoë"), so what a reviewer typed is read as typed."""
    header = rows[0] if rows else []
    return [
        [
            _ungarbled(
                path, value, number, header[i] if number > first_row and i < len(header) else ""
            )
            for i, value in enumerate(row)
        ]
        for number, row in enumerate(rows, start=first_row)
    ]


def csv_unquoted(text: str, written: frozenset[str] | None = None) -> str:
    """A CSV cell as written: the ``'`` :func:`csv_safe` put before ``= + - @`` taken off again
    (spreadsheet programs keep it as a character when they open a CSV file). ``written``: the
    marks of the values the sheet was written with a ``'`` (its metadata's ``apostrophes``),
    so a ``'`` before any other text was typed and stays; None (a sheet written before the
    metadata listed them): every such ``'`` is taken off."""
    if not (text.startswith("'") and text[1:].startswith(FORMULA_START)):
        return text
    return text[1:] if written is None or mark(text[1:]) in written else text


def _written_marks(meta: dict[str, str]) -> frozenset[str] | None:
    """The marks the metadata lists (taken out of it: no part of the sheet's identity)."""
    marks = meta.pop(APOSTROPHES, None)
    return None if marks is None else frozenset(marks.split())


def read_csv_sheet(path: Path) -> ReturnedSheet:
    lines = decode_csv(path).splitlines(keepends=True)
    first = lines[0] if lines else ""
    meta = csv_meta(first)
    if meta is not None:
        lines = lines[1:]
    head = lines[0] if lines else ""
    delimiter = max((",", ";", "\t"), key=head.count)  # a tie (one column): the comma
    try:
        table = [
            [c.strip() for c in row]
            # newline="": rows end at CR, LF or CRLF (Excel for Mac's CSV ends them with CR)
            for row in csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter)
        ]
    except csv.Error as exc:  # e.g. a binary file saved with a .csv name
        problem = str(exc).split(" - ")[0]
        raise InputFileError(
            path, f"cannot be read as a CSV sheet ({problem}); expected a form saved as CSV"
        ) from None
    if meta is None:
        table = [[csv_unquoted(value) for value in row] for row in table]
        return ReturnedSheet(path, table, None, None, "", header_row=1)
    return sheet_under_meta_line(path, first, meta, table, "")


def sheet_under_meta_line(
    path: Path, first: str, meta: dict[str, str], rows: list[list[str]], saved_at: str
) -> ReturnedSheet:
    """A CSV sheet's rows under its metadata line ``first`` (the header on row 2), of a CSV
    file or of the .xlsx a spreadsheet program saved it as: read back as typed
    (:func:`ungarbled`) when the line shows the file was opened as cp1252, each ``'`` the
    pipeline wrote taken off (:func:`csv_unquoted`)."""
    if read_as_cp1252(first):
        rows = ungarbled(path, rows, 2)
    written = _written_marks(meta)
    rows = [[csv_unquoted(value, written) for value in row] for row in rows]
    return ReturnedSheet(path, rows, meta, None, saved_at, header_row=2)
