"""Reviewers' notes cells: the notes in one, every different note carried into the next sheet."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

NOTE_JOIN = " | "  # between the different notes a person wrote on one item in several files
NoteKey = TypeVar("NoteKey", str, tuple[str, str])  # what notes are kept by: study, (who, study)


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
