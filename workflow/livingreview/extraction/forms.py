"""The data-extraction form: one row per included study, one typed column per protocol field.

Choice and boolean fields get dropdowns; multichoice fields take several choices separated by
``;``. The Instructions sheet lists every field with its type, whether it is required, its
choices and help, and the Digital Therapeutic Nexus levels as configured. A consensus form
(reviewer ``consensus``) lists the studies the reviewers coded differently, with a read-only
``disagreements`` column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from livingreview import sheets
from livingreview.consensus import settler
from livingreview.errors import InputFileError
from livingreview.extraction.fields import (
    Field,
    ambiguous_reading,
    multichoice_parts,
    nexus_levels,
    parse,
)
from livingreview.reviewforms import CONSENSUS, Entry, FilledRow, FormSpec

KIND = "extraction"
SHEET = "Extraction"
ID_COLUMN = "study_id"
WHAT = "extraction form"
BIB = ("authors", "year", "journal", "doi")


def editable(fields: Sequence[Field]) -> tuple[str, ...]:
    """The columns a reviewer fills in."""
    return (*(f.id for f in fields), "notes")


def texts(fields: Sequence[Field]) -> tuple[str, ...]:
    """The columns of free text (read with their line breaks): text fields and notes."""
    return (*(f.id for f in fields if f.type == "text"), "notes")


def layout(fields: Sequence[Field], consensus: bool = False) -> sheets.SheetLayout:
    """Columns of the form."""
    columns = [
        sheets.Column("#", width=5),
        sheets.Column(ID_COLUMN, width=13, locked=True),
        sheets.Column("label", width=18),
        sheets.Column("title", width=40, wrap=True),
    ]
    if consensus:
        columns.append(sheets.Column("disagreements", width=40, wrap=True))
    for item in fields:
        choices = item.choices if item.type == "choice" else ()
        choices = ("yes", "no") if item.type == "boolean" else choices
        columns.append(
            sheets.Column(
                item.id,
                width=30 if item.type == "text" else max(12, min(28, len(item.id) + 4)),
                wrap=item.type in ("text", "multichoice"),
                editable=True,
                choices=choices,
                choices_hint=f"{item.label}: {item.expected()} (or leave blank).",
            )
        )
    columns.append(sheets.Column("notes", width=28, wrap=True, editable=True))
    columns += [sheets.Column(name, width=20, wrap=True) for name in BIB]
    return sheets.SheetLayout(title=SHEET, columns=tuple(columns), freeze="C2")


def form_rows(
    studies: Sequence[Mapping[str, str]], disagreements: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    """One row per study (rows of ``fulltext/included_studies.csv``)."""
    return [
        {
            "#": str(number),
            ID_COLUMN: study["study_id"],
            "label": study.get("label", ""),
            "title": study.get("title", ""),
            "disagreements": (disagreements or {}).get(study["study_id"], ""),
            **{name: study.get(name, "") for name in BIB},
        }
        for number, study in enumerate(studies, start=1)
    ]


def instructions(
    spec: FormSpec, count: int, fields: Sequence[Field], config: Mapping[str, Any], folder: str
) -> list[str]:
    """The Instructions sheet: how to fill in, every field, the Nexus levels."""
    together = "the reviewers together (consensus)"
    who = settler(spec.resolver, config, together) if spec.reviewer == CONSENSUS else spec.reviewer
    lines = [
        f"Data extraction: review {spec.review_id}, round {spec.round}, {who}, {count} "
        f"stud{'y' if count == 1 else 'ies'}.",
        "",
        "Fill in one row per study; leave a row blank until you code it. Required fields must",
        "be filled in every row you start. Several choices: separate them with ';'.",
        f"Save the file under a NEW name in '{folder}' (human-input folder), as .xlsx",
        "(a .csv only if you were sent the .csv form: keep its first line).",
        "The study_id column is locked; do not edit it or the hidden sheet '_meta'.",
        "",
        "Fields (column: label, type, choices):",
    ]
    if spec.reviewer == CONSENSUS:
        lines[4:4] = [
            "Settle what the 'disagreements' column lists; a field you leave blank, required",
            "or not, keeps the value every reviewer typed alike (type only what differed).",
        ]
    for item in fields:
        required = ", required" if item.required else ""
        lines.append(f"  {item.id}: {item.label} ({item.expected()}{required})")
        if item.help:
            lines.append(f"      {item.help}")
    levels = nexus_levels(config)
    if levels:
        lines += ["", f"Digital Therapeutic Nexus levels ({config['nexus'].get('source', '')}):"]
        for level in levels:
            lines.append(f"  {level['level']}: {level['label']}")
            if level.get("criteria"):
                lines.append(f"      criteria: {level['criteria']}")
            if level.get("risks"):
                lines.append(f"      risks: {'; '.join(level['risks'])}")
    if config["review"].get("demo"):
        lines = ["DEMO DATA: illustrative records.", "", *lines]
    return lines


@dataclass(frozen=True)
class Ambiguous:
    """A number typed with one comma before three digits (``1,500``), or a percentage in a
    number field (``45%``), in a row, read as it was before such a value was refused (``1.5``,
    ``0.45``): the error stands only while the row counts (a form read before may not change,
    so the correction comes in a file saved under a new name)."""

    reviewer: str
    item_id: str
    path: Path
    error: InputFileError


def read_choices(entries: Sequence[Entry], fields: Sequence[Field]) -> dict[str, frozenset[str]]:
    """Per choice or multichoice field, the choices (case folded) returned forms were read with
    before (``entries``: the store's), so a choice the protocol removed since is named as such."""
    kinds = {item.id: item.type for item in fields if item.type in ("choice", "multichoice")}
    found: dict[str, set[str]] = {}
    for entry in entries:
        if entry.column in kinds:
            parts = found.setdefault(entry.column, set())
            values = _choice_parts(kinds[entry.column], entry.value)
            parts.update(part.casefold() for part in values)
    return {column: frozenset(parts) for column, parts in found.items()}


def _choice_parts(kind: str, text: str) -> list[str]:
    """The choices a value holds: a multichoice's parts between ``;``, a choice's whole text (a
    choice may hold a ``;``), stripped."""
    return multichoice_parts(text) if kind == "multichoice" else [text.strip()]


def removed_choice(item: Field, text: str, read_before: Mapping[str, frozenset[str]]) -> str:
    """The part of ``text`` the protocol no longer lists as a choice of ``item`` though forms
    were read with it before ('' when none)."""
    if item.type not in ("choice", "multichoice"):
        return ""
    parts = _choice_parts(item.type, text)
    listed = {choice.casefold() for choice in item.choices}
    before = read_before.get(item.id, frozenset())
    return next((p for p in parts if p.casefold() not in listed and p.casefold() in before), "")


def _problem(
    item: Field, text: str, problem: str, read_before: Mapping[str, frozenset[str]]
) -> str:
    """The error text of a value ``parse`` refused: a choice removed from the protocol after
    forms were read with it is said to be one, with what to do."""
    removed = removed_choice(item, text, read_before)
    if not removed:
        return f"{problem} ({item.label}); expected {item.expected()} or blank"
    return (
        f"{removed!r} ({item.label}) is no longer a choice: the protocol's extraction field "
        f"{item.id!r} now lists {', '.join(item.choices)}, but returned forms were read with "
        f"{removed!r} before (the choice was removed from the protocol since); restore "
        f"{removed!r} to its choices in extraction.fields, or change the value in this file to "
        f"{item.expected()} or blank"
    )


def clean_row(
    filled: FilledRow,
    fields: Sequence[Field],
    path: object,
    ambiguous: list[Ambiguous] | None = None,
    read_before: Mapping[str, frozenset[str]] | None = None,
) -> dict[str, str]:
    """Canonical values of a returned row, or an error naming the row, field and expected
    (``ambiguous``: where an ambiguous number's error is put aside, see :class:`Ambiguous`;
    ``read_before``: see :func:`read_choices`)."""
    out = {"notes": filled.values.get("notes", "")}
    for item in fields:
        text = filled.values.get(item.id, "")
        value, problem = parse(item, text)
        if problem:
            error = InputFileError(
                path,
                _problem(item, text, problem, read_before or {}),
                position=f"row {filled.row}",
                field=item.id,
            )
            reading = ambiguous_reading(item, text)
            if ambiguous is None or reading is None:
                raise error
            ambiguous.append(Ambiguous(filled.reviewer, filled.item_id, Path(str(path)), error))
            value = reading
        out[item.id] = value
    for item in fields:
        # a form written before the protocol added the field has no column for it to fill; a
        # consensus row's blank keeps what the reviewers typed alike (checked once all are read)
        consensus = filled.reviewer == CONSENSUS
        if item.required and not out[item.id] and item.id in filled.values and not consensus:
            raise InputFileError(
                path,
                f"required field {item.label!r} is blank for study {filled.item_id}; expected "
                f"{item.expected()} (or leave the whole row blank until you code it)",
                position=f"row {filled.row}",
                field=item.id,
            )
    return out
