"""A returned sheet's table, and the check that none of its text lies where readers miss it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from livingreview.errors import InputFileError


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
    # (row number, 0-based column) of each .xlsx cell holding a date or time, not text: a
    # spreadsheet program makes one of text such as 1/2 as it is typed (a CSV cannot tell);
    # how a cell was held, not what it holds, so no part of comparing two sheets
    dates: frozenset[tuple[int, int]] = field(default=frozenset(), compare=False)
    # warnings on text found where it is never read (logged on each read, from the cache too)
    unread: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.table and not self.header:
            for index, name in enumerate(self.table[0]):
                self.header.setdefault(name.casefold().strip(), index)

    def cell(self, row: Sequence[str], name: str) -> str:
        """The value in column ``name`` (case-insensitive) of a data row, "" when absent."""
        index = self.header.get(name.casefold())
        return row[index] if index is not None and index < len(row) else ""

    def typed_as_date(self, number: int, name: str) -> bool:
        """Whether the cell of column ``name`` on row ``number`` is a date or time cell."""
        index = self.header.get(name.casefold())
        return index is not None and (number, index) in self.dates

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


def quoted(text: str, limit: int = 60) -> str:
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
                f" {column_letter(index)}) and the copies differ here ({quoted(row[earlier])} and"
                f" {quoted(value)}); expected each column once: keep one copy, rename the other"
            )
            raise InputFileError(path, problem, position=f"row {number}", field=name)
        if value:
            problem = (
                f"text {quoted(value)} in column {column_letter(index)}, which has no name in the"
                f" header (row {header_row}), so it would be ignored; expected text only under the"
                " named columns: put it in notes, or name the column"
            )
            if path.suffix.lower() == ".csv":
                problem += " (a comma inside a CSV cell needs quotes)"
            raise InputFileError(path, problem, position=f"row {number}")
