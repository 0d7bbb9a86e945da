"""Reading returned screening sheets into :class:`ScreeningDecision` rows, or rejecting them.

A returned file is accepted only whole: any problem raises :class:`InputFileError` naming the
file, row, field and what was expected, and nothing from that file (or any other) is stored.
Accepted: reordered rows, extra columns, edited titles, ``Include``/`` EXCLUDE `` spellings,
reasons written as id or label, blank decisions (pending), and .xlsx re-saved by Excel or
LibreOffice. Rejected: a sheet of another review, stage or kind, of a round the library has not
reached, of a reviewer without the screening role, an edited ``_meta``, duplicated, missing,
edited or unknown study ids, unknown decisions or reasons, a reason without a decision, and a
deleted ``decision``, ``reason`` or ``notes`` column.
Notes typed on a row left undecided are not a decision: they go into the reviewer's next sheet
(:attr:`ImportResult.notes`), so they come back with the decision. Two files of one reviewer
and round with different decisions on a study: the one saved last counts, the other is named in
the step's log (:attr:`ImportResult.overridden`); when their save times do not tell which was
saved last (a CSV, no save time, the same save time) the files are rejected
(:func:`livingreview.sheets.overridden_answers`).
"""

from __future__ import annotations

import hashlib
import logging
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from livingreview import returned_checks as checks
from livingreview import sheets
from livingreview.dedup.rounds import StudyAliases
from livingreview.errors import InputFileError, RowErrors
from livingreview.kept_stores import drop_hint
from livingreview.screening.decisions import (
    DECISIONS,
    REASON_JOIN,
    STORE_COLUMNS,
    ScreeningDecision,
)
from livingreview.screening.export import ID_COLUMN, KIND, SHEET, layout
from livingreview.sheets.time_shown import as_read_before

WHAT = "screening sheet"
log = logging.getLogger("livingreview.screening")
#: The columns a reviewer types in; each must be in a returned sheet (filter rows, never delete
#: a column: what was typed in it would be lost without a word).
EDITABLE = ("decision", "reason", "notes")
#: Every column a screening sheet is written with (in any mode): any other is the reviewer's own.
WRITTEN = frozenset(c.name.casefold() for c in layout((), blind=False, rounds=True).columns)


@dataclass(frozen=True)
class Expected:
    """What a returned sheet must match."""

    review_id: str
    stage: str
    current_round: int
    reviewers: Sequence[str]  # ids of reviewers with the screening role
    reasons: Mapping[str, str]  # exclusion reason id -> label
    known_ids: frozenset[str]  # study ids in the library (and ids retired by merges or splits)
    aliases: StudyAliases | None = None  # old ids of the library's studies -> current ones
    former: Sequence[str] = ()  # listed reviewers without the role: their earlier rounds' sheets


@dataclass(frozen=True)
class ReturnedInfo:
    """Which sheet a returned file was, and what it held."""

    file: str
    reviewer: str
    round: int
    batch: int
    studies: int
    decided: int
    undecided_notes: tuple[tuple[str, str], ...] = ()  # (study id, notes) of undecided rows


@dataclass
class ImportResult:
    """Every decision in the returned files, the files read, byte-identical copies skipped, and
    (reviewer, study) -> the notes typed on rows the reviewer left undecided (each different
    note once, joined by :data:`livingreview.sheets.NOTE_JOIN`)."""

    decisions: list[ScreeningDecision] = field(default_factory=list)
    sheets: list[ReturnedInfo] = field(default_factory=list)
    copies: list[str] = field(default_factory=list)
    notes: dict[tuple[str, str], str] = field(default_factory=dict)
    overridden: list[str] = field(default_factory=list)  # decisions a later-saved file overrides


def _relative(path: Path, base: Path | None) -> str:
    if base is not None and path.is_relative_to(base):
        return path.relative_to(base).as_posix()
    return path.as_posix()


def _check_meta(returned: sheets.ReturnedSheet, expected: Expected) -> tuple[str, int, int]:
    """Check which sheet this is; returns (reviewer, round, batch)."""
    checks.require_meta(returned, "sheet")
    for key, want in (("kind", KIND), ("review_id", expected.review_id)):
        checks.expect_meta(returned, key, want)
    checks.expect_meta(returned, "stage", expected.stage, "put it in that stage's folder")
    number = checks.expect_round(returned, expected.current_round)
    earlier = expected.former if number < expected.current_round else ()
    reviewer = checks.expect_reviewer(
        returned, expected.reviewers, "reviewers with the screening role", earlier, expected.former
    )
    return reviewer, number, checks.meta_number(returned, "batch")


def _reason_id(value: str, reasons: Mapping[str, str]) -> str | None:
    folded = value.casefold()
    for rid, label in reasons.items():
        if folded in (rid.casefold(), label.casefold().strip()):
            return rid
    return None


def _row_decision(
    returned: sheets.ReturnedSheet,
    number: int,
    row: list[str],
    expected: Expected,
) -> tuple[str, str, str, str] | None:
    """(study id, decision, reason id, notes) of one row (decision "" when undecided); None for
    a row holding nothing."""
    path = returned.path
    sid = returned.cell(row, ID_COLUMN)
    decision = " ".join(returned.cell(row, "decision").split()).casefold()
    reason_text = returned.cell(row, "reason")
    notes = returned.cell(row, "notes")
    if not sid:
        if decision or reason_text or notes:
            raise InputFileError(
                path,
                "missing study id: expected the study_id this row was written with",
                position=f"row {number}",
                field=ID_COLUMN,
            )
        return None
    if decision and decision not in DECISIONS:
        raise InputFileError(
            path,
            f"unknown decision {returned.cell(row, 'decision')!r}; expected "
            f"{', '.join(DECISIONS)} or blank",
            position=f"row {number}",
            field="decision",
        )
    reason = ""
    if reason_text:
        found = _reason_id(" ".join(reason_text.split()), expected.reasons)
        if found is None:
            raise InputFileError(
                path,
                f"unknown reason {reason_text!r}; expected one of "
                f"{', '.join(expected.reasons) or '(no reasons configured)'} or blank"
                + checks.reasons_hint("title_abstract"),
                position=f"row {number}",
                field="reason",
            )
        reason = found
        if not decision:
            raise InputFileError(
                path,
                f"reason {reason_text!r} without a decision; expected 'exclude' in decision "
                "(or clear the reason)",
                position=f"row {number}",
                field="decision",
            )
    if not (decision or notes):
        return None
    return sid, decision, reason, notes


def _row_study(
    path: Path,
    number: int,
    sid: str,
    seen: dict[str, int],
    listed: set[str] | None,
    known: frozenset[str],
    aliases: StudyAliases,
) -> str:
    """The current study a row's id names, after checking the id as written: once per sheet,
    one the library knows (or an old id of a study, :class:`StudyAliases`), one the sheet was
    written with (``listed``, from its ``_meta``); ``seen`` gets its row."""
    if sid in seen:
        raise InputFileError(
            path,
            f"study {sid} appears twice (rows {seen[sid]} and {number}); expected each study once",
            position=f"row {number}",
            field=ID_COLUMN,
        )
    seen[sid] = number
    now = aliases.named(sid, known)
    if now is None:
        raise InputFileError(
            path,
            f"unknown study {sid!r}: not in the library (was the id edited?)",
            position=f"row {number}",
            field=ID_COLUMN,
        )
    if listed is not None and sid not in listed:
        raise InputFileError(
            path,
            f"study {sid} is not one this sheet was written with (was the id edited?)",
            position=f"row {number}",
            field=ID_COLUMN,
        )
    return now


def _row_read(
    returned: sheets.ReturnedSheet,
    number: int,
    row: list[str],
    expected: Expected,
    seen: dict[str, int],
    listed: set[str] | None,
    aliases: StudyAliases,
    renamed: list[tuple[int, str]],
) -> tuple[str, str, str, str] | None:
    """One row checked (:func:`_row_study`, :func:`_row_decision`): (current study id,
    decision, reason id, notes), or None for a row holding nothing; ``seen`` gets its row,
    ``renamed`` (row, id as typed) a row naming an old id of a study."""
    sid = now = returned.cell(row, ID_COLUMN)
    if sid:
        now = _row_study(returned.path, number, sid, seen, listed, expected.known_ids, aliases)
        if now != sid:
            renamed.append((number, sid))
    found = _row_decision(returned, number, row, expected)
    return None if found is None else (now, *found[1:])  # under the study's current id


def _merged_disagreements(
    file: str, decided: Sequence[ScreeningDecision], written: dict[int, str]
) -> list[str]:
    """Lines for the log: two rows of one file deciding differently two studies the library now
    holds as one (``written``: row -> the id as written). Both decisions are stored as typed;
    the file cannot tell which counts, so the reviewer's vote on the study is a maybe, or, for
    two reasons of one decision, holds both (unless another reviewer gives one of them)
    (:func:`livingreview.screening.decisions.current_decisions`)."""
    first: dict[str, ScreeningDecision] = {}
    lines = []
    for item in decided:
        other = first.setdefault(item.study_id, item)
        if other.decision == item.decision and other.reason != item.reason:
            reasons = [d.reason or "no reason" for d in (other, item)]
            lines.append(
                f"{file}: rows {other.row} and {item.row} exclude studies {written[other.row]} "
                f"({reasons[0]}) and {written[item.row]} ({reasons[1]}), which the library now "
                f"holds as one study, {item.study_id}; both stay stored as typed, and "
                + _counted_reasons(item.reviewer, (other.reason, item.reason))
            )
        elif other.decision != item.decision:
            shown = [
                f"{written[d.row]} ({d.decision}{f', {d.reason}' if d.reason else ''})"
                for d in (other, item)
            ]
            lines.append(
                f"{file}: rows {other.row} and {item.row} decide studies {shown[0]} and "
                f"{shown[1]}, which the library now holds as one study, {item.study_id} (a pair "
                "decided duplicate, or a late record, joined them after the sheet was written); "
                f"one file cannot tell which decision counts, so {item.reviewer}'s vote on "
                f"{item.study_id} counts as maybe"
            )
    return lines


def _counted_reasons(reviewer: str, reasons: tuple[str, str]) -> str:
    """What counts of two reasons one file gives for excluding one study, for the log."""
    given = sorted(set(reasons) - {""})
    if len(given) == 1:
        return f"{reviewer}'s exclusion counts with the reason given, {given[0]}"
    return (
        f"one file cannot tell which reason counts, so {reviewer}'s exclusion counts with both "
        f"({REASON_JOIN.join(given)}), or with the one another reviewer's exclusion of the "
        "study gives"
    )


def read_returned_sheet(
    path: Path,
    expected: Expected,
    *,
    base: Path | None = None,
    cache: sheets.SheetCache | None = None,
) -> tuple[ReturnedInfo, list[ScreeningDecision]]:
    """The decisions in one returned sheet, after every check (see the module docstring);
    ``cache`` keeps what unchanged files hold between runs."""
    returned = cache.read(path, SHEET) if cache else sheets.read_sheet(path, SHEET)
    reviewer, round_number, batch = _check_meta(returned, expected)
    checks.check_listed_ids(returned, "decision, reason and notes")
    checks.require_columns(returned, (ID_COLUMN, *EDITABLE), "a screening sheet")
    listed = {key[0] for key in returned.ids} if returned.ids is not None else None
    seen: dict[str, int] = {}
    decided: list[ScreeningDecision] = []
    noted: list[tuple[str, str]] = []
    file = _relative(path, base)
    renamed: list[tuple[int, str]] = []
    aliases = expected.aliases or StudyAliases({}, expected.known_ids)
    bad = RowErrors(path)
    for number, row in returned.rows():
        found = None  # a bad row: kept in ``bad``, raised with the others after the loop
        with bad.row():
            found = _row_read(returned, number, row, expected, seen, listed, aliases, renamed)
        if found is None:
            continue
        checks.warn_dates(returned, number, {"notes": found[3]}, ("notes",), log)
        if not found[1]:
            noted.append((found[0], found[3]))
        else:
            sid, decision, reason, notes = found
            decided.append(
                ScreeningDecision(
                    study_id=sid,
                    reviewer=reviewer,
                    stage=expected.stage,
                    round=round_number,
                    decision=decision,
                    reason=reason,
                    notes=notes,
                    file=file,
                    row=number,
                    recorded_at=returned.saved_at,
                )
            )
    bad.raise_any()  # every bad row of the file at once
    checks.check_every_row(returned, seen, ID_COLUMN, ("study", "studies"))
    checks.warn_own_columns(returned, file, WRITTEN, "screening sheet", log)
    if renamed:
        log.warning("%s", aliases.log_line(file, renamed, "decision"))
        written = {number: sid for sid, number in seen.items()}
        for line in _merged_disagreements(file, decided, written):
            log.warning("%s", line)
    info = ReturnedInfo(file, reviewer, round_number, batch, len(seen), len(decided), tuple(noted))
    return info, decided


def read_returned(
    files: Iterable[Path],
    expected: Expected,
    *,
    base: Path | None = None,
    stored_files: Iterable[str] = (),
    cache: sheets.SheetCache | None = None,
) -> ImportResult:
    """Every decision in every returned file; byte-identical copies of a file are read once.

    Of identical copies, the one the store already names is read (so adding a copy changes
    nothing), else the first in name order.
    """
    result = ImportResult()
    known = set(stored_files)
    by_digest: dict[str, list[Path]] = {}
    for path in files:
        by_digest.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), []).append(path)
    chosen = []
    for copies in by_digest.values():
        kept = next((p for p in copies if _relative(p, base) in known), copies[0])
        chosen.append(kept)
        result.copies += [_relative(p, base) for p in copies if p != kept]
    result.copies.sort()
    for path in sorted(chosen):
        info, decisions = read_returned_sheet(path, expected, base=base, cache=cache)
        result.sheets.append(info)
        result.decisions.extend(decisions)
    result.notes = _undecided_notes(result)
    result.overridden = sheets.overridden_answers(
        result.decisions,
        ScreeningDecision.key,
        lambda d: f"{d.reviewer}'s decision (round {d.round})",
        "decision",
    )
    return result


def _undecided_notes(result: ImportResult) -> dict[tuple[str, str], str]:
    """(reviewer, study) -> every different note typed on the study's undecided rows, for
    studies the reviewer has not decided in any file (see :class:`ImportResult`)."""
    decided = {(d.reviewer, d.study_id) for d in result.decisions}
    return sheets.joined_notes(
        ((info.reviewer, sid), text)
        for info in result.sheets
        for sid, text in info.undecided_notes
        if (info.reviewer, sid) not in decided
    )


# What a stored decision keeps when read again besides its study: all but where it was typed
# (file and row). Tuples, as dataclasses.replace per decision costs more than the check.
_KEPT = operator.attrgetter(
    *(name for name in STORE_COLUMNS if name not in ("study_id", "file", "row"))
)


def _as_read_now(value: object) -> object:
    """A stored value as a returned .xlsx is read now (:func:`sheets.as_read_now`: an earlier
    version kept the ``_x000D_`` Excel stores a carriage return as, and a typed date as
    ``2024-03-05 00:00:00``)."""
    return sheets.as_read_now(value) if isinstance(value, str) else value


def _as_read_before(value: object) -> object:
    """A value read now as an earlier version read it from an .xlsx (a time of day as it
    shows, ``12:30``, as ``12:30:00``: :func:`as_read_before`)."""
    return as_read_before(value) if isinstance(value, str) else value


def check_nothing_lost(
    previous: Sequence[ScreeningDecision],
    current: Sequence[ScreeningDecision],
    store: Path,
    aliases: StudyAliases | None = None,
    base: Path | None = None,
) -> None:
    """Every decision stored before must still be read (in any file): returned files are never
    edited or removed. A renamed file, rows in another order, or a study stored under an id it
    no longer has (``aliases``: read under its current id now), or a note an earlier version
    read otherwise from an .xlsx (:func:`_as_read_now`, :func:`_as_read_before`) lose nothing.
    ``base``: the human-input folder the stored file names are relative to (an error names the
    file as others do)."""
    now = {(item.study_id, *_KEPT(item)) for item in current}
    now |= {(item.study_id, *map(_as_read_before, _KEPT(item))) for item in current}
    for item in previous:
        sid = aliases.current(item.study_id) if aliases is not None else item.study_id
        kept = _KEPT(item)
        if (sid, *kept) not in now and (sid, *map(_as_read_now, kept)) not in now:
            raise InputFileError(
                item.file if base is None else base / item.file,
                f"the decision {item.decision!r} on study {item.study_id} by {item.reviewer}, "
                f"stored in {store}, is no longer in this file (was it removed or saved over?); "
                "expected returned files to stay unchanged: put it back and save changes under a "
                f"new name (to drop it deliberately, {drop_hint(store)})",
                position=f"row {item.row}",
            )
