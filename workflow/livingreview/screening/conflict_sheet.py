"""The conflicts sheet for a third reviewer or a consensus meeting, and reading resolutions back.

One row per pending conflict: the study (title, abstract, authors, year, journal, DOI) and every
screener's vote with reason and notes (no longer blind), then ``resolution`` (include / exclude),
``reason`` and ``notes`` to fill in. The hidden ``_meta`` says which review, stage and round the
sheet is for and who resolves: the reviewer with the ``conflict_resolution`` role under
``third_reviewer``, ``consensus`` under ``consensus``.

Returned copies are read from ``<paths.human_input>/<screening.conflicts_folder>/`` with the
same tolerance as screening sheets (reordered rows, added columns, any capitalisation, re-saved
.xlsx, .csv) and the same rejections (another review or stage, an edited ``_meta``, duplicated,
missing or unknown study ids, unknown resolutions or reasons, a reason without a resolution),
each naming file, row and field. Notes typed on a conflict left unresolved are not a resolution:
they go into the next conflicts sheet (each different note once, however often a sheet is
returned), so they come back, and are stored, with the resolution. Two files resolving a study
of one round differently: the one saved last counts and the other is logged, or, when their save
times do not tell, the files are rejected (:func:`livingreview.sheets.overridden_answers`). Two
rows of one file resolving differently two studies the library joined after it was written:
neither counts and the conflict waits for a resolution again
(:func:`livingreview.screening.conflicts.latest_resolutions`); both are stored as typed, and take
no part in the save-time rule, so the resolution returned in another file of the round counts
whatever the files' save times or names (the log names it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from livingreview import returned_checks as checks
from livingreview import sheets
from livingreview.dedup.rounds import StudyAliases, merged_rows
from livingreview.errors import InputFileError, RowErrors
from livingreview.reviewforms import relative
from livingreview.screening.conflicts import (
    CONSENSUS,
    FINAL_DECISIONS,
    Resolution,
    Votes,
    answering,
    latest_resolutions,
)
from livingreview.screening.export import abstract_text, link_text

log = logging.getLogger(__name__)
KIND = "screening-conflicts"
SHEET = "Conflicts"
ID_COLUMN = "study_id"
WHAT = "conflicts sheet"


@dataclass(frozen=True)
class ConflictSheetSpec:
    """Which conflicts sheet this is."""

    review_id: str
    stage: str
    round: int
    resolver: str  # a reviewer id, or CONSENSUS

    def meta(self, count: int) -> list[tuple[str, str]]:
        """The ``_meta`` key/value rows (before the checksum)."""
        return [
            ("kind", KIND),
            ("review_id", self.review_id),
            ("stage", self.stage),
            ("round", str(self.round)),
            ("resolver", self.resolver),
            ("records", str(count)),
        ]


#: The columns a reviewer types in; each must be in a returned sheet (filter rows, never delete
#: a column: what was typed in it would be lost without a word).
EDITABLE = ("resolution", "reason", "notes")


def layout(reasons: Sequence[str]) -> sheets.SheetLayout:
    """Columns of the conflicts sheet."""
    return sheets.SheetLayout(
        title=SHEET,
        columns=(
            sheets.Column(ID_COLUMN, width=14, locked=True),
            sheets.Column("title", width=45, wrap=True),
            sheets.Column("abstract", width=80, wrap=True),
            sheets.Column("votes", width=30, wrap=True),
            sheets.Column("screener_notes", width=30, wrap=True),
            sheets.Column(
                "resolution",
                width=12,
                editable=True,
                choices=FINAL_DECISIONS,
                choices_hint="Choose include or exclude (or leave blank).",
            ),
            sheets.Column("reason", width=22, editable=True, choices=tuple(reasons)),
            sheets.Column("notes", width=28, wrap=True, editable=True),
            sheets.Column("authors", width=30, wrap=True),
            sheets.Column("year", width=7),
            sheets.Column("journal", width=24, wrap=True),
            sheets.Column("doi", width=24, link_prefix="https://doi.org/"),
            sheets.Column("round", width=7),
        ),
        freeze="B2",
    )


def _written_columns() -> frozenset[str]:
    """Every column a conflicts sheet is written with (casefolded): any other is the resolver's
    own, never read."""
    return frozenset(c.name.casefold() for c in layout(()).columns)


def sheet_rows(
    pending: Sequence[Votes],
    studies: Mapping[str, Mapping[str, str]],
    notes: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """One row per pending conflict, by study id; ``studies`` = library rows by study id,
    ``notes`` = the notes typed on conflicts left unresolved in returned sheets, by study id."""
    rows = []
    for votes in pending:
        study = studies.get(votes.study_id, {})
        screener_notes = "; ".join(f"{d.reviewer}: {d.notes}" for d in votes.decisions if d.notes)
        rows.append(
            {
                ID_COLUMN: votes.study_id,
                "title": study.get("title", ""),
                "abstract": abstract_text(study),
                "votes": votes.text(),
                "screener_notes": screener_notes,
                "resolution": "",
                "reason": "",
                "notes": (notes or {}).get(votes.study_id, ""),
                "authors": study.get("authors", ""),
                "year": study.get("year", ""),
                "journal": study.get("journal", ""),
                "doi": link_text(study),
                "round": str(votes.round),
            }
        )
    return rows


def instructions(
    spec: ConflictSheetSpec, count: int, reasons: Sequence[tuple[str, str]], folder: str
) -> list[str]:
    """The Instructions sheet."""
    who = "the screeners together (consensus)" if spec.resolver == CONSENSUS else spec.resolver
    lines = [
        f"Screening conflicts: review {spec.review_id}, stage {spec.stage}, round {spec.round}, "
        f"{count} conflict{'' if count == 1 else 's'}, resolved by {who}.",
        "",
        "Each row is a study the screeners decided differently; 'votes' shows their decisions",
        "(with exclusion reasons) and 'screener_notes' their notes.",
        "1. In 'resolution' choose include or exclude. Leave it blank to decide later.",
        "2. For an exclusion you may choose a reason id in 'reason' (list below).",
        f"3. Save the file under a NEW name in the folder '{folder}' of the human-input folder,",
        "   as .xlsx (a .csv only if you were sent the .csv sheet: keep its first line). Every",
        "   file there is read on every run; for a study resolved in several files the latest",
        "   wins.",
        "The study_id column is locked; do not edit it or the hidden sheet '_meta'.",
        "",
        "Exclusion reasons (write the id):",
    ]
    return lines + ([f"  {rid}: {label}" for rid, label in reasons] or ["  (none configured)"])


def write_conflict_sheets(
    path: Path,
    spec: ConflictSheetSpec,
    rows: Sequence[Mapping[str, str]],
    reasons: Sequence[tuple[str, str]],
    folder: str,
) -> list[Path]:
    """Write the sheet as ``path`` (.xlsx) and beside it as .csv (both always, empty when nothing
    is pending); the paths written."""
    ids = [(row[ID_COLUMN],) for row in rows]
    return sheets.write_sheet_files(
        path.parent,
        path.stem,
        layout([rid for rid, _ in reasons]),
        rows,
        meta=spec.meta(len(ids)),
        ids=ids,
        instructions=instructions(spec, len(rows), reasons, folder),
        formats=("xlsx", "csv"),
    )


@dataclass(frozen=True)
class ExpectedConflicts:
    """What a returned conflicts sheet must match."""

    review_id: str
    stage: str
    current_round: int
    reasons: Mapping[str, str]  # reason id -> label
    known_ids: frozenset[str]
    resolvers: frozenset[str]  # who may return one (see :func:`allowed_resolvers`)
    aliases: StudyAliases | None = None  # old ids of the library's studies -> current ones


def allowed_resolvers(config: Mapping[str, Any]) -> frozenset[str]:
    """Who may return a conflicts sheet: reviewers with the ``conflict_resolution`` role, or the
    screeners together (``consensus``)."""
    roles = config.get("reviewers", [])
    return frozenset(
        {CONSENSUS, *(str(r["id"]) for r in roles if "conflict_resolution" in r.get("roles", []))}
    )


def _check_sheet(returned: sheets.ReturnedSheet, expected: ExpectedConflicts) -> tuple[int, str]:
    """Which conflicts sheet this is: (round, resolver)."""
    checks.require_meta(returned, "conflicts sheet")
    checks.expect_meta(returned, "kind", KIND)
    checks.expect_meta(returned, "review_id", expected.review_id)
    checks.expect_meta(returned, "stage", expected.stage)
    number = checks.expect_round(returned, expected.current_round)
    resolver = (returned.meta or {}).get("resolver", "")
    if not resolver:
        raise InputFileError(returned.path, "no resolver in the sheet metadata", field="resolver")
    if resolver not in expected.resolvers:
        raise InputFileError(
            returned.path,
            f"sheet is for resolver {resolver!r}, expected one of "
            f"{', '.join(sorted(expected.resolvers))} (reviewers with the role "
            "conflict_resolution, or consensus)",
            field="resolver",
        )
    checks.check_listed_ids(returned, "resolution, reason and notes")
    checks.require_columns(returned, (ID_COLUMN, *EDITABLE), "a conflicts sheet")
    return number, resolver


def _reason(
    returned: sheets.ReturnedSheet, number: int, text: str, reasons: Mapping[str, str]
) -> str:
    folded = " ".join(text.split()).casefold()
    for rid, label in reasons.items():
        if folded in (rid.casefold(), label.casefold()):
            return rid
    raise InputFileError(
        returned.path,
        f"unknown reason {text!r}; expected one of {', '.join(reasons) or '(none)'} or blank",
        position=f"row {number}",
        field="reason",
    )


def read_resolution_sheet(
    path: Path, expected: ExpectedConflicts, file: str
) -> tuple[int, list[Resolution], list[tuple[str, str]]]:
    """(rows read, resolutions, (study id, notes) of the rows left unresolved) of one returned
    conflicts sheet, after every check."""
    read = _read_one(path, expected, file)
    _log_merged_rows(read, latest_resolutions(read.resolutions))
    return read.rows, read.resolutions, read.noted


@dataclass
class _Read:
    """One returned conflicts sheet as read (:func:`read_resolution_sheet`); ``merged``: (row,
    id as written, current id, resolution shown) of every resolution in row order when the
    sheet names a study the library renamed after it was written, else none."""

    file: str
    rows: int
    resolutions: list[Resolution]
    noted: list[tuple[str, str]]
    merged: list[tuple[int, str, str, str]]


def _read_one(path: Path, expected: ExpectedConflicts, file: str) -> _Read:
    """One returned conflicts sheet, after every check (:func:`read_resolution_sheet`)."""
    returned = sheets.read_sheet(path, SHEET)
    round_number, resolver = _check_sheet(returned, expected)
    listed = {key[0] for key in returned.ids} if returned.ids is not None else None
    seen: dict[str, int] = {}
    out = []
    noted = []
    renamed: list[tuple[int, str]] = []
    aliases = expected.aliases or StudyAliases({}, expected.known_ids)
    bad = RowErrors(path)
    for number, row in returned.rows():
        found = None  # a bad row: kept in ``bad``, raised with the others after the loop
        with bad.row():
            found = _row(returned, row, number, expected, seen, listed, aliases)
        if found is None:
            continue
        now, value, reason = found
        sid = returned.cell(row, ID_COLUMN)  # the id as written, checked by _row
        if now != sid:
            renamed.append((number, sid))
        notes = returned.cell(row, "notes")
        if not value and notes:
            noted.append((now, notes))
        if value:
            out.append(
                Resolution(
                    now,
                    round_number,
                    value,
                    resolver,
                    reason,
                    notes,
                    file,
                    number,
                    returned.saved_at,
                )
            )
    bad.raise_any()  # every bad row of the file at once
    checks.check_every_row(returned, seen, ID_COLUMN, ("conflict", "conflicts"))
    checks.warn_own_columns(returned, file, _written_columns(), "conflicts sheet", log)
    typed = _renamed_rows(file, aliases, renamed, seen, out)
    return _Read(file, len(seen), out, noted, typed)


def _row(
    returned: sheets.ReturnedSheet,
    row: Sequence[str],
    number: int,
    expected: ExpectedConflicts,
    seen: dict[str, int],
    listed: set[str] | None,
    aliases: StudyAliases,
) -> tuple[str, str, str]:
    """One row checked: (current study id, resolution, reason id); ``seen`` gets its row."""
    sid = _study_id(returned, row, number, seen)
    seen[sid] = number
    now = _current_study(returned, sid, number, aliases, expected.known_ids, listed)
    return (now, *_resolution(returned, row, number, expected.reasons))


def _renamed_rows(
    file: str,
    aliases: StudyAliases,
    renamed: Sequence[tuple[int, str]],
    seen: Mapping[str, int],
    resolutions: Sequence[Resolution],
) -> list[tuple[int, str, str, str]]:
    """When rows name studies the library renamed (``renamed``: row, id as written), log it
    and give (row, id as written, current id, resolution shown) of every resolution; else
    none (:attr:`_Read.merged`)."""
    if not renamed:
        return []
    log.warning("%s", aliases.log_line(file, renamed, "resolution"))
    written = {number: sid for sid, number in seen.items()}
    return [(r.row, written[r.row], r.study_id, _shown(r)) for r in resolutions]


def _study_id(
    returned: sheets.ReturnedSheet, row: Sequence[str], number: int, seen: Mapping[str, int]
) -> str:
    """The study id of row ``number``, checked: not blank, not on an earlier row (``seen``:
    study id -> its row)."""
    sid = returned.cell(row, ID_COLUMN)
    if not sid:
        raise InputFileError(
            returned.path, "missing study id", position=f"row {number}", field=ID_COLUMN
        )
    if sid in seen:
        raise InputFileError(
            returned.path,
            f"study {sid} appears twice (rows {seen[sid]} and {number}); expected it once",
            position=f"row {number}",
            field=ID_COLUMN,
        )
    return sid


def _current_study(
    returned: sheets.ReturnedSheet,
    sid: str,
    number: int,
    aliases: StudyAliases,
    known_ids: frozenset[str],
    listed: set[str] | None,
) -> str:
    """The current study that id ``sid`` of row ``number`` names (an id the library renamed
    after the sheet was written names its study now), checked: a conflict the sheet was
    written with (among its ``listed`` ids, when it lists them)."""
    now = aliases.named(sid, known_ids)
    if now is None or (listed is not None and sid not in listed):
        raise InputFileError(
            returned.path,
            f"unknown study {sid!r}: not a conflict this sheet was written with",
            position=f"row {number}",
            field=ID_COLUMN,
        )
    return now


def _resolution(
    returned: sheets.ReturnedSheet, row: Sequence[str], number: int, reasons: Mapping[str, str]
) -> tuple[str, str]:
    """The resolution (include, exclude, or '' when blank) and reason id typed on row
    ``number``, checked: a known resolution, a known reason, no reason without a resolution."""
    value = " ".join(returned.cell(row, "resolution").split()).casefold()
    if value and value not in FINAL_DECISIONS:
        raise InputFileError(
            returned.path,
            f"unknown resolution {returned.cell(row, 'resolution')!r}; expected include, "
            "exclude or blank",
            position=f"row {number}",
            field="resolution",
        )
    reason_text = returned.cell(row, "reason")
    reason = _reason(returned, number, reason_text, reasons) if reason_text else ""
    if reason and not value:
        raise InputFileError(
            returned.path,
            f"reason {reason_text!r} without a resolution; expected 'exclude' in resolution "
            "(or clear the reason)",
            position=f"row {number}",
            field="resolution",
        )
    return value, reason


def _log_merged_rows(read: _Read, counted: Mapping[str, Resolution]) -> None:
    """Log the rows of one file that resolve differently, as written, two studies the library
    now holds as one: neither counts; ``counted`` (study id -> the resolution that counts,
    :func:`~livingreview.screening.conflicts.latest_resolutions`) says what does instead."""

    def awaited(study: str) -> str:
        if study in counted:
            other = counted[study]
            return (
                f"the resolution of {study} that counts is the one in {other.file}, row "
                f"{other.row} (round {other.round}): {_shown(other)}"
            )
        return (
            f"no resolution of {study} counts until one is returned again (while its conflict "
            "is pending, it is listed again on the next conflicts sheet)"
        )

    for line in merged_rows(read.file, read.merged, "resolution", awaited):
        log.warning("%s", line)


def _shown(resolution: Resolution) -> str:
    """A resolution and its reason for a log line."""
    return resolution.decision + (f", {resolution.reason}" if resolution.reason else "")


@dataclass
class ReturnedResolutions:
    """What the returned conflicts sheets hold: every resolution, and study id -> every
    different note typed on the study's unresolved rows (joined by
    :data:`livingreview.sheets.NOTE_JOIN`), for the next conflicts sheet."""

    resolutions: list[Resolution] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    files: int = 0
    overridden: list[str] = field(default_factory=list)  # resolutions a later file overrides


def read_resolution_sheets(
    files: Iterable[Path], expected: ExpectedConflicts, base: Path
) -> ReturnedResolutions:
    """Read every returned conflicts sheet (``files``; named relative to ``base``)."""
    found = ReturnedResolutions()
    noted: list[tuple[str, str]] = []
    read = [_read_one(path, expected, relative(path, base)) for path in files]
    for one in read:
        found.resolutions += one.resolutions
        found.files += 1
        noted += one.noted
    counted = latest_resolutions(found.resolutions)
    for one in read:
        _log_merged_rows(one, counted)
    found.notes = sheets.joined_notes(noted)
    found.overridden = sheets.overridden_answers(
        answering(found.resolutions),  # rows set aside are no answer to compare
        lambda r: (r.study_id, r.round),
        lambda r: f"the resolution by {r.resolver} (round {r.round})",
        "resolution",
    )
    for line in found.overridden:
        log.warning("%s", line)
    return found


RESOLUTION_COLUMNS = (
    "study_id",
    "round",
    "decision",
    "resolver",
    "reason",
    "notes",
    "file",
    "row",
    "recorded_at",
)


def resolutions_rows(resolutions: Sequence[Resolution]) -> list[dict[str, str]]:
    """Rows of ``resolutions.csv`` (every resolution read, oldest first)."""
    ordered = sorted(resolutions, key=lambda r: (r.round, r.recorded_at, r.file, r.row))
    return [
        {
            "study_id": r.study_id,
            "round": str(r.round),
            "decision": r.decision,
            "resolver": r.resolver,
            "reason": r.reason,
            "notes": r.notes,
            "file": r.file,
            "row": str(r.row),
            "recorded_at": r.recorded_at,
        }
        for r in ordered
    ]
