"""What the pipeline wrote into a sheet's tabs that are never read (``Instructions``, the key rows
of ``_meta``), recorded in ``_meta`` so that text a person typed there is told from it.

A sheet written before these keys existed has neither, and its tabs are checked as before (only
text beside the instructions): its instructions text may have differed from what is written
now, so nothing else there is provably typed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from livingreview.errors import InputFileError
from livingreview.sheets.layout import INSTRUCTIONS_SHEET, META_SHEET
from livingreview.sheets.returned import column_letter, quoted

#: ``_meta`` keys: the marks of the instruction lines, and the keys the pipeline wrote.
INSTRUCTIONS = "instructions"
KEYS = "keys"


def mark(value: str) -> str:
    """A short mark of a text the pipeline wrote (8 hex digits of its SHA-256)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:8]


def written_meta(
    meta: Sequence[tuple[str, str]], instructions: Sequence[str]
) -> list[tuple[str, str]]:
    """``meta`` (without its checksum) with the marks of the ``instructions`` lines (as a cell
    reads back: stripped) and the list of the keys written (these two included)."""
    lines = " ".join(mark(line.strip()) for line in instructions)
    keys = " ".join([*(key for key, _ in meta), INSTRUCTIONS, KEYS, "checksum"])
    return [*meta, (INSTRUCTIONS, lines), (KEYS, keys)]


def _refuse(path: Path, sheet: str, cell: str, text: str, why: str) -> None:
    problem = (
        f"cell {cell} of sheet {sheet!r} holds {quoted(text)}, {why}; that sheet is never read,"
        " so it would be lost; expected what you type in the sheet you fill in: put it in a"
        " row's notes, then clear that cell (or return the sheet as it was written)"
    )
    raise InputFileError(path, problem, position=f"sheet {sheet!r}", field=cell)


def refuse_beside_instructions(
    path: Path, table: Sequence[Sequence[str]], marked: bool
) -> tuple[str, ...]:
    """Refuse text beside the instruction lines (column B on), typed by a reviewer in a tab
    never read. A sheet written before its ``_meta`` marked the lines (``marked`` false) may
    have been read and stored by that version, and a stored file may not change: its text is
    named in the warnings returned instead (logged on every read)."""
    warnings: list[str] = []
    for number, row in enumerate(table, start=1):
        typed = [i for i, value in enumerate(row) if i and value]
        if not typed:
            continue
        cell, text = f"{column_letter(typed[0])}{number}", row[typed[0]]
        if marked:
            _refuse(path, INSTRUCTIONS_SHEET, cell, text, "beside the lines written there")
        warnings.append(
            f"{path}: cell {cell} of sheet {INSTRUCTIONS_SHEET!r} holds {quoted(text)}, which is"
            " never read (a sheet written by an earlier version: read as that version read it);"
            " copy it into a row's notes in a copy saved under a new name"
        )
    return tuple(warnings)


def refuse_changed_instructions(
    path: Path, table: Sequence[Sequence[str]], meta: Mapping[str, str]
) -> None:
    """Refuse text in column A of the instructions tab that is none of the lines written there,
    when ``meta`` has the marks of the lines (:data:`INSTRUCTIONS`); lines cleared, moved or
    rows inserted lose nothing. Text beside the lines: :func:`refuse_beside_instructions`."""
    if INSTRUCTIONS not in meta:
        return
    marks = set(meta[INSTRUCTIONS].split())
    for number, row in enumerate(table, start=1):
        text = row[0] if row else ""
        if text and mark(text) not in marks:
            _refuse(path, INSTRUCTIONS_SHEET, f"A{number}", text, "none of the lines written there")


def refuse_typed_meta(path: Path, table: Sequence[Sequence[str]], meta: Mapping[str, str]) -> None:
    """Refuse text typed into ``_meta``'s key rows (up to ``checksum``), when ``meta`` lists the
    keys written (:data:`KEYS`): a row of another key, or text beside a key's value."""
    if KEYS not in meta:
        return
    keys = set(meta[KEYS].split())
    for number, row in enumerate(table, start=1):
        key = row[0] if row else ""
        if key not in keys and any(row):
            first = next(i for i, value in enumerate(row) if value)
            cell = f"{column_letter(first)}{number}"
            _refuse(path, META_SHEET, cell, row[first], "on a row the pipeline did not write")
        typed = [i for i, value in enumerate(row) if i > 1 and value]
        if typed:
            cell = f"{column_letter(typed[0])}{number}"
            _refuse(path, META_SHEET, cell, row[typed[0]], "beside a value the pipeline wrote")
        if key == "checksum":
            return


def without_marks(meta: dict[str, str]) -> dict[str, str]:
    """``meta`` without the keys of this module (no part of the sheet's identity)."""
    return {key: value for key, value in meta.items() if key not in (INSTRUCTIONS, KEYS)}
