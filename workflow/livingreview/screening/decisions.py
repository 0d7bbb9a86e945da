"""The screening decision model and its append-only store (``outputs/screening/decisions.csv``).

Every decision a reviewer typed in a returned sheet becomes one :class:`ScreeningDecision` with
its provenance: the file, the row, and when the file was saved (``recorded_at``, taken from the
file, never the wall clock; empty when the file does not say). The store is a log: a newer file
from the same reviewer for the same study adds a newer decision and the older one stays;
:func:`current_decisions` gives the latest per (stage, round, reviewer, study), and
:func:`latest_by_study` each reviewer's latest on a study whichever round's sheet held it.

The store is UTF-8 CSV with the columns :data:`STORE_COLUMNS`, ``\\n`` line endings, rows in
:func:`log_order`.
"""

from __future__ import annotations

import csv
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path

from livingreview.errors import InputFileError
from livingreview.fileio import csv_table_text
from livingreview.kept_stores import write_store
from livingreview.sheets.notes import NOTE_JOIN

DECISIONS = ("include", "exclude", "maybe")
STAGE_TITLE_ABSTRACT = "title_abstract"
#: Between the reasons of one vote: two rows of one file exclude a study for different reasons
#: (:func:`current_decisions`), as a final decision joins the reasons of two reviewers.
REASON_JOIN = "; "


@dataclass(frozen=True)
class ScreeningDecision:
    """One decision one reviewer made on one study, with where and when it was written."""

    study_id: str
    reviewer: str
    stage: str  # "title_abstract" (full_text next)
    round: int  # the library round the sheet was written for
    decision: str  # one of DECISIONS
    reason: str  # exclusion reason id from the protocol, or ""
    notes: str
    file: str  # the returned sheet, relative to the human-input folder
    row: int  # its row number in that sheet (1 = header)
    recorded_at: str  # ISO 8601 UTC time the file was saved, "" when unknown

    def key(self) -> tuple[str, int, str, str]:
        """Who decided what: (stage, round, reviewer, study_id)."""
        return (self.stage, self.round, self.reviewer, self.study_id)


STORE_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(ScreeningDecision))
# The fields as one tuple (dataclasses.astuple deep-copies each value: 0.5 s for 8,000 rows).
_store_row = operator.attrgetter(*STORE_COLUMNS)


def log_order(decision: ScreeningDecision) -> tuple[str, int, str, str, int, str, str]:
    """Sort key of the store: by stage and round, then oldest first (file time, file, row)."""
    return (
        decision.stage,
        decision.round,
        decision.recorded_at,
        decision.file,
        decision.row,
        decision.reviewer,
        decision.study_id,
    )


def store_text(decisions: Iterable[ScreeningDecision]) -> str:
    """The store as CSV text (sorted by :func:`log_order`; :func:`csv_table_text` quotes a
    row with a carriage return in a field)."""
    return csv_table_text(STORE_COLUMNS, map(_store_row, sorted(decisions, key=log_order)))


def write_decisions(path: Path, decisions: Iterable[ScreeningDecision]) -> None:
    """Atomically write the store and its kept copy (the previous files stay intact if anything
    fails; :mod:`livingreview.kept_stores`)."""
    write_store(path, store_text(decisions))


def read_decisions(path: Path) -> list[ScreeningDecision]:
    """The decisions in a store written by :func:`write_decisions`, in file order.

    A missing file is an empty store.
    """
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in STORE_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputFileError(
                path,
                f"missing column(s) {', '.join(missing)}; expected a screening decision store",
                position="row 1",
            )
        out = []
        for number, row in enumerate(reader, start=2):
            for name in ("round", "row"):
                if not row[name].isdigit():
                    raise InputFileError(
                        path, "expected a whole number", position=f"row {number}", field=name
                    )
            if row["decision"] not in DECISIONS:
                raise InputFileError(
                    path,
                    f"unknown decision {row['decision']!r}; expected one of {', '.join(DECISIONS)}",
                    position=f"row {number}",
                    field="decision",
                )
            out.append(
                ScreeningDecision(
                    **{
                        name: int(row[name]) if name in ("round", "row") else row[name]
                        for name in STORE_COLUMNS
                    }
                )
            )
    return out


def current_decisions(
    decisions: Sequence[ScreeningDecision],
) -> dict[tuple[str, int, str, str], ScreeningDecision]:
    """The latest decision per (stage, round, reviewer, study): later in the log wins. Several
    rows of the latest file on the study (studies the library joined after the sheet was
    written) are one vote, whatever their order (:func:`_one_vote`)."""
    latest: dict[tuple[str, int, str, str], ScreeningDecision] = {}
    same_file: dict[tuple[str, int, str, str], list[ScreeningDecision]] = {}
    for item in sorted(decisions, key=log_order):
        before = latest.get(item.key())
        if before is None or (before.file, before.recorded_at) != (item.file, item.recorded_at):
            same_file[item.key()] = []
        same_file[item.key()].append(item)
        latest[item.key()] = item
    for key, rows in same_file.items():
        if len(rows) > 1:
            latest[key] = _one_vote(rows)
    return latest


def _one_vote(rows: Sequence[ScreeningDecision]) -> ScreeningDecision:
    """The vote of several rows of one file on one study, independent of their order: a maybe
    when they decide differently (the file cannot tell which counts); else their decision with
    every reason they give (:data:`REASON_JOIN`, sorted). Every different note, sorted.

    Why every reason, not one: the file cannot tell which reason the reviewer meant for the
    study, each was given for excluding one of its records, and a title/abstract exclusion
    reason is a record of why, not a count (PRISMA 2020 counts records excluded at screening
    without reasons); two reviewers excluding for different reasons keep both reasons too
    (:func:`livingreview.screening.conflicts.decide`). Where another reviewer's vote gives one
    of them, that one counts (:func:`latest_by_study`)."""
    last = rows[-1]
    notes = NOTE_JOIN.join(sorted({row.notes for row in rows if row.notes}))
    if len({row.decision for row in rows}) > 1:
        return replace(last, decision="maybe", reason="", notes=notes)
    reasons = REASON_JOIN.join(sorted({row.reason for row in rows if row.reason}))
    return replace(last, reason=reasons, notes=notes)


def latest_by_study(
    decisions: Sequence[ScreeningDecision],
) -> dict[tuple[str, str], dict[str, ScreeningDecision]]:
    """(stage, study) -> reviewer -> their latest decision on it (:func:`newest`). A study of
    an earlier round that a reviewer decides on a later round's sheet is decided there, beside
    the other reviewers' decisions of its own round. A vote with several reasons
    (:func:`_one_vote`) keeps those another reviewer's same decision gives, if any
    (:func:`_shared_reasons`)."""
    rounds: dict[tuple[str, str], dict[str, list[ScreeningDecision]]] = {}
    for item in sorted(current_decisions(decisions).values(), key=log_order):
        rounds.setdefault((item.stage, item.study_id), {}).setdefault(item.reviewer, []).append(
            item
        )
    return {
        key: _shared_reasons({reviewer: newest(items) for reviewer, items in by_reviewer.items()})
        for key, by_reviewer in rounds.items()
    }


def _shared_reasons(votes: Mapping[str, ScreeningDecision]) -> dict[str, ScreeningDecision]:
    """reviewer -> vote, a vote giving several reasons narrowed to those another reviewer's
    vote of the same decision gives: the reasons both reviewers agree apply to the study (the
    others stay stored as typed); with none shared, all stand."""
    out = {}
    for reviewer, vote in votes.items():
        mine = vote.reason.split(REASON_JOIN)
        others = {
            reason
            for who, other in votes.items()
            if who != reviewer and other.decision == vote.decision
            for reason in other.reason.split(REASON_JOIN)
        }
        shared = [reason for reason in mine if reason in others]
        out[reviewer] = (
            replace(vote, reason=REASON_JOIN.join(shared)) if len(mine) > 1 and shared else vote
        )
    return out


def newest(items: Sequence[ScreeningDecision]) -> ScreeningDecision:
    """Of one reviewer's decisions on a study in different rounds, the one they made last: the
    file saved last when every file says when it was saved (a round's sheet saved again after
    the study was decided on a later one), else the latest round's."""
    if all(item.recorded_at for item in items):
        return max(items, key=lambda d: (d.recorded_at, d.round, d.file, d.row))
    return max(items, key=log_order)
