"""The CSV variant of a sheet: written with its metadata line, and read back when returned."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from livingreview.errors import InputFileError
from livingreview.fileio import csv_table_text
from livingreview.sheets.csv_encoding import decode_csv
from livingreview.sheets.layout import FORMULA_START
from livingreview.sheets.returned import ReturnedSheet

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


def csv_text(
    columns: Sequence[str], rows: Iterable[Mapping[str, str]], meta: Mapping[str, str] | None
) -> str:
    """The CSV variant of a sheet (metadata line first when ``meta`` is given)."""
    first = "" if meta is None else csv_meta_line(meta) + "\n"
    # a note holding a carriage return comes back as typed (csv_table_text quotes its row)
    cells = ([csv_safe(row.get(k, "")) for k in columns] for row in rows)
    return first + csv_table_text(columns, cells)


_BOM_AS_TEXT = re.compile("^(?:\ufeff|\u00ef\u00bb\u00bf)+")


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


def csv_unquoted(text: str) -> str:
    """A CSV cell as written: the ``'`` :func:`csv_safe` put before ``= + - @`` taken off again
    (spreadsheet programs keep it as a character when they open a CSV file)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def read_csv_sheet(path: Path) -> ReturnedSheet:
    lines = decode_csv(path).splitlines(keepends=True)
    meta = csv_meta(lines[0]) if lines else None
    if meta is not None:
        lines = lines[1:]
    head = lines[0] if lines else ""
    delimiter = max((",", ";", "\t"), key=head.count)  # a tie (one column): the comma
    try:
        table = [
            [csv_unquoted(c.strip()) for c in row]
            # newline="": rows end at CR, LF or CRLF (Excel for Mac's CSV ends them with CR)
            for row in csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter)
        ]
    except csv.Error as exc:  # e.g. a binary file saved with a .csv name
        problem = str(exc).split(" - ")[0]
        raise InputFileError(
            path, f"cannot be read as a CSV sheet ({problem}); expected a form saved as CSV"
        ) from None
    return ReturnedSheet(path, table, meta, None, "", header_row=1 if meta is None else 2)
