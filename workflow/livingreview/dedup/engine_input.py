"""The standalone deduplicator's input: a CSV of records read into an engine frame, and checked.

The file is text in any encoding the export importer reads (UTF-8 with or without a BOM,
UTF-16, Windows-1252; :func:`livingreview.imports.text.decode`), plain or compressed (``.gz``,
``.bz2``, ``.xz``), separated by commas, semicolons or tabs (whichever the header line has most
of). The header names ``ID`` and ``title`` and any other engine column, in any capitalisation
(ASySD's ``record_id``, and ``issue`` and ``authors``, stand in for ``ID``, ``number`` and
``author``); other columns are ignored and absent engine columns are empty. A record file
this package writes (``livingreview import --out``, a search's ``records.csv``: ``record_id``,
``authors``...) is read as its records, so the two commands chain. Every row has as many cells
as the header; rows that are blank throughout are skipped. Anything else is one
:class:`InputFileError` naming the file, the row (the header is row 1) and, where it applies,
the field.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import lzma
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd

from livingreview.dedup.frame import engine_row
from livingreview.dedup.model import ENGINE_COLUMNS
from livingreview.errors import InputFileError
from livingreview.imports.tabular import sniff_delimiter
from livingreview.imports.text import decode
from livingreview.records import COLUMNS, LATER_COLUMNS, Record

REQUIRED = ("ID", "title")
_RECORD_FILE_COLUMNS = set(COLUMNS) - set(LATER_COLUMNS)
OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
Parsed = tuple[list[str], list[list[str]], list[int]]  # header, rows, their row numbers


def read_engine_csv(path: Path | str) -> pd.DataFrame:
    """An engine frame (every engine column, as strings) from a CSV file of records."""
    path = Path(path)
    parsed = _utf8_rows(path)
    if parsed is None:  # not UTF-8, or a blank first line: the whole file is decoded
        text = _text(path, _read_bytes(path))
        # newline="": rows end at \r, \n or \r\n, and a quoted line break stays in its field
        lines = io.StringIO(text, newline="")
        parsed = _rows(path, lines, sniff_delimiter(_header_line(text)))
    header, rows, numbers = parsed
    if _is_record_file(header):
        frame = _record_file_frame(header, rows)
        check_frame(frame, path, numbers)
        return frame
    columns = _columns(path, header)
    frame = pd.DataFrame(
        {
            name: [row[columns[name]] for row in rows] if name in columns else [""] * len(rows)
            for name in ENGINE_COLUMNS
        },
        dtype=str,
    )
    check_frame(frame, path, numbers)
    return frame


def _is_record_file(header: list[str]) -> bool:
    """Whether ``header`` is a record file's (every record-model column, no ``ID`` column; a
    file an earlier version wrote lacks :data:`~livingreview.records.LATER_COLUMNS`)."""
    names = {cell.strip() for cell in header}
    return names >= _RECORD_FILE_COLUMNS and not any(n.casefold() == "id" for n in names)


def _record_file_frame(header: list[str], rows: list[list[str]]) -> pd.DataFrame:
    """The engine frame of a record file's rows, in file order (``ID`` = ``record_id``)."""
    names = [cell.strip() for cell in header]
    records = [Record.from_row(dict(zip(names, row, strict=True))) for row in rows]
    return pd.DataFrame([engine_row(r) for r in records], columns=list(ENGINE_COLUMNS), dtype=str)


def check_frame(
    frame: pd.DataFrame, origin: object = "input", rows: Sequence[int] | None = None
) -> None:
    """Raise :class:`InputFileError` unless every row has a unique, non-empty ``ID``; ``rows``
    are the rows' numbers in the file (default: the header is row 1, then one row each)."""
    if "ID" not in frame.columns:
        raise InputFileError(origin, "no ID column", position="row 1")
    ids = frame["ID"].fillna("").astype(str).str.strip()

    def row(index: int) -> str:
        return f"row {rows[index] if rows is not None else index + 2}"

    empty = np.flatnonzero((ids == "").to_numpy())
    if empty.size:
        raise InputFileError(origin, "empty ID", position=row(int(empty[0])), field="ID")
    dupes = ids.duplicated(keep="first").to_numpy()
    if dupes.any():
        first = int(np.flatnonzero(dupes)[0])
        earlier = int(np.flatnonzero((ids == ids.iloc[first]).to_numpy())[0])
        raise InputFileError(
            origin,
            f"duplicate ID {ids.iloc[first]!r} (also in {row(earlier)})",
            position=row(first),
            field="ID",
        )


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Errors opening or reading ``path`` (plain or compressed) as one :class:`InputFileError`."""
    compressed = path.suffix.lower() in OPENERS
    try:
        yield
    except FileNotFoundError:
        raise InputFileError(path, "file not found") from None
    except IsADirectoryError:
        raise InputFileError(path, "is a folder; expected a CSV file of records") from None
    except (OSError, EOFError, lzma.LZMAError) as exc:
        kind = f"a complete {path.suffix} file" if compressed else "a readable CSV file"
        raise InputFileError(path, f"cannot read ({exc}); expected {kind}") from None


def _read_bytes(path: Path) -> bytes:
    with _reading(path), OPENERS.get(path.suffix.lower(), open)(path, "rb") as handle:
        return handle.read()


def _utf8_rows(path: Path) -> Parsed | None:
    """:func:`_rows` of a UTF-8 file, read as a stream (the file is never whole in memory);
    None when it is not UTF-8 text or starts with a blank line (then it is read whole)."""
    with (
        _reading(path),
        OPENERS.get(path.suffix.lower(), open)(path, "rb") as raw,
        io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as handle,
    ):
        try:
            first = handle.readline()
            if not first.strip():
                return None
            return _rows(path, _text_lines(chain([first], handle)), sniff_delimiter(first))
        except (UnicodeDecodeError, _NotPlainText):
            return None


class _NotPlainText(Exception):
    """A NUL in a line: UTF-16 without its mark, or binary data (the whole-file reader says)."""


def _text_lines(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        if "\0" in line:
            raise _NotPlainText
        yield line


def _text(path: Path, data: bytes) -> str:
    """UTF-8 as it is (quick); anything else as the export importer decodes it, or its error."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return decode(path, data)[0]
    return decode(path, data)[0] if "\0" in text or not text.strip() else text


def _header_line(text: str) -> str:
    """The first line of ``text`` holding more than blanks (the header), "" when none does."""
    return next((line for line in io.StringIO(text, newline="") if line.strip()), "")


def _rows(path: Path, lines: Iterable[str], delimiter: str) -> Parsed:
    """The header, the non-blank rows (as many cells as the header) and their row numbers."""
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    header: list[str] = []
    rows: list[list[str]] = []
    numbers: list[int] = []
    number, line = 0, 1
    try:
        for number, row in enumerate(reader, start=1):
            if not any(cell.strip() for cell in row):
                pass  # a blank line, before the header or among the rows
            elif not header:
                header = [cell.strip() for cell in row]
            else:
                if len(row) != len(header):
                    raise InputFileError(
                        path,
                        f"{len(row)} cells where the header has {len(header)}"
                        f" (line {line} of the file); a damaged or hand-edited export?",
                        position=f"row {number}",
                    )
                rows.append(row)
                numbers.append(number)
            line = reader.line_num + 1
    except csv.Error as exc:
        problem = (
            "a quoted field is never closed"
            if "end of data" in str(exc)
            else f"a stray quote ({exc}); a quote inside a field must be doubled"
        )
        raise InputFileError(
            path, f"{problem} (line {line} of the file)", position=f"row {number + 1}"
        ) from None
    if not header:
        raise InputFileError(path, "empty file; expected a header row with ID and title")
    return header, rows, numbers


#: Other tools' names of engine columns, read when the engine's own name is absent: ASySD's
#: record files (``record_id``, with ``label`` and ``source``), ``issue`` and ``authors``.
ALIASES = {"record_id": "ID", "issue": "number", "authors": "author"}


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    """Engine column -> its index in the header (names matched ignoring case and spaces; an
    alias of :data:`ALIASES` stands in for a column the header does not name)."""
    canonical = {name.casefold(): name for name in ENGINE_COLUMNS}
    named = {canonical.get(cell.strip().casefold()) for cell in header}
    canonical |= {alias: name for alias, name in ALIASES.items() if name not in named}
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = canonical.get(cell.strip().casefold())
        if name is None:
            continue
        if name in columns:
            raise InputFileError(
                path,
                f"two {name} columns (columns {columns[name] + 1} and {index + 1}); keep one",
                position="row 1",
                field=name,
            )
        columns[name] = index
    for name in REQUIRED:
        if name not in columns:
            shown = ", ".join(repr(cell) for cell in header[:12]) or "nothing"
            raise InputFileError(
                path,
                f"no {name} column; expected a header naming ID, title and any of "
                f"{', '.join(c for c in ENGINE_COLUMNS if c not in REQUIRED)} (found {shown})",
                position="row 1",
            )
    return columns
