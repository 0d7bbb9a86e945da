"""Rounds of a living review and study ids that never change once given.

A **round** is one version of the review (``review.version``): one run of the searches. After each
round the library keeps a snapshot in ``<history_dir>/<version>/``: ``round.json``, ``groups.csv``
(every record id, its study id and the round it was first seen), ``records.csv`` (the records first
seen, or changed, in that round) and ``changelog.csv``. The next round reads the snapshots of the
earlier rounds, so records found before stay in the library even when a later search no longer
returns them, and a record keeps its study.

A study id is ``"S"`` + 10 hex digits of the SHA-1 of the study's **anchor**: its earliest-seen
record (earliest round, then smallest record id). New records come in later rounds, so adding them
never moves an anchor, and rebuilding from the same snapshots gives the same ids. When a later
record bridges two older studies, the study with the older anchor keeps its id and the other id is
retired, recorded in the changelog; a study that loses its anchor record in a split gets a new id.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from livingreview.errors import ConfigError, InputFileError
from livingreview.fileio import (
    atomic_write_bytes,
    atomic_write_text,
    read_csv_table,
    read_json,
    write_json,
)
from livingreview.records import Record, read_records_digest, records_to_csv

GROUP_COLUMNS = ("record_id", "study_id", "round")
CHANGE_COLUMNS = ("round", "version", "event", "study_id", "other_study_id", "records")


@dataclass
class History:
    """What earlier rounds left: their records, study ids and first-seen rounds."""

    round: int  # the round number this run is
    records: dict[str, Record] = field(default_factory=dict)
    study_of: dict[str, str] = field(default_factory=dict)
    first_round: dict[str, int] = field(default_factory=dict)
    changelog: list[dict[str, str]] = field(default_factory=list)
    # (version, SHA-256 of its records.csv) of every snapshot read, oldest first
    snapshots: list[tuple[str, str]] = field(default_factory=list)


def history_dir(config: Mapping[str, Any]) -> Path:
    """Where round snapshots are kept (``deduplication.history_dir``)."""
    return Path(config["deduplication"]["history_dir"])


def snapshot_dir(config: Mapping[str, Any]) -> Path:
    """This version's snapshot folder."""
    return version_dir(history_dir(config), str(config["review"]["version"]))


def version_dir(history_dir: Path, version: str) -> Path:
    """The snapshot folder of one version (unsafe characters replaced); a ConfigError for a
    version that cannot name a folder of its own (see :func:`version_problem`)."""
    problem = version_problem(version)
    if problem:
        raise ConfigError(f"version {version!r} {problem}")
    return history_dir / _folder_name(version)


def _folder_name(version: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", version)


#: The branch of the scheduled re-run's pull request for a version: this, then the version.
ROUND_BRANCH = "living-review/round-"


def round_branch(version: str) -> str:
    """The git branch proposing ``version``'s round: its snapshot folder's name (no space,
    ':', '~', '^', ...) without what git refuses there ('..', a trailing '.' or '.lock')."""
    name = re.sub(r"\.{2,}", ".", _folder_name(version)).rstrip(".")
    if name.endswith(".lock"):
        name = name[: -len(".lock")] + "-lock"
    return ROUND_BRANCH + name


def version_problem(version: str) -> str:
    """Why ``version`` cannot name its snapshot folder ('' when it can): empty, '.' or '..'
    would be the history folder itself or the one above it, and white space around it a
    folder ('2025.1_') of a version no one meant. Path separators are replaced."""
    if _folder_name(version) in {"", ".", ".."}:
        return (
            "cannot name its snapshot folder ('', '.' and '..' are the history folder itself "
            "or the one above it): choose a version with a letter or digit"
        )
    if version != version.strip():
        return (
            "has white space at its start or end (its snapshot folder would be "
            f"{_folder_name(version)!r}): remove it"
        )
    return ""


def snapshot_rounds(history_dir: Path) -> list[tuple[int, str, Path]]:
    """(round, version, snapshot folder) of every library snapshot, oldest first."""
    found = []
    if history_dir.is_dir():
        for path in sorted(history_dir.glob("*/round.json")):
            meta = read_json(path, "round file missing")
            try:
                found.append((int(meta["round"]), str(meta["version"]), path.parent))
            except (KeyError, TypeError, ValueError):
                raise InputFileError(path, 'expected {"round": N, "version": V}') from None
    return sorted(found)


def check_later_rounds(config: Mapping[str, Any]) -> None:
    """Refuse a snapshot left in the history folder by a round after the one being run: a round
    ``rounds.yaml`` no longer lists (cut from it, or its version renamed), or one later than
    this version's own snapshot. Running on would make this round again over it, or build on a
    round the review no longer has; the folder is named and nothing is touched. Snapshots older
    than the first round of ``rounds.yaml`` (rounds run before the file existed) are earlier
    rounds as ever."""
    from livingreview.round_state import read_state, state_path  # it imports this module

    folder, version = history_dir(config), str(config["review"]["version"])
    found = snapshot_rounds(folder)
    state = state_path(config)
    listed = {str(r["version"]) for r in read_state(state)} if state.exists() else {version}
    own = min((n for n, v, _ in found if v == version), default=None)
    start = min((n for n, v, _ in found if v in listed), default=None)
    for number, other, path in found:
        what = f"the snapshot of round {number} (version {other!r})"
        if state.exists() and other not in listed and start is not None and number >= start:
            raise InputFileError(
                path,
                f"{what}, a round {state} does not list: restore that round in {state} (or its "
                f"version, if it was renamed), or move the folder out of {folder} to run "
                f"without it; nothing was run",
            )
        if own is not None and number > own:
            current = f"the last round of {state}" if state.exists() else "review.version"
            raise InputFileError(
                path,
                f"{what}, a round after this version {version!r} (round {own}): make "
                f"{other!r} {current} again, or move the folder out of {folder} to run "
                f"without it; nothing was run",
            )


def earlier_rounds(history_dir: Path, version: str) -> list[tuple[int, str, Path]]:
    """(round, version, snapshot folder) of the rounds before ``version``, oldest first."""
    found = snapshot_rounds(history_dir)
    own = [n for n, v, _ in found if v == version]
    current = own[0] if own else max((n for n, _, _ in found), default=0) + 1
    return [(n, v, path) for n, v, path in found if n < current and v != version]


def earlier_snapshots(history_dir: Path, version: str) -> list[Path]:
    """The snapshot folders of the rounds before ``version``, oldest first."""
    return [path for _, _, path in earlier_rounds(history_dir, version)]


def read_table(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    """The rows of a snapshot CSV, checking that it has ``columns``."""
    return read_csv_table(path, columns, "missing from the library history snapshot")


def load_history(history_dir: Path, version: str) -> History:
    """The snapshots of every round before ``version`` (a re-run of a version reuses its round)."""
    rounds = snapshot_rounds(history_dir)
    own = [n for n, v, _ in rounds if v == version]
    current = own[0] if own else max((n for n, _, _ in rounds), default=0) + 1
    earlier = [(v, path) for n, v, path in rounds if n < current and v != version]
    history = History(round=current)
    for found, path in earlier:
        records, digest = read_records_digest(path / "records.csv")
        history.snapshots.append((found, digest))
        history.records.update(_snapshot_records(path / "records.csv", records))
    if earlier:
        last = earlier[-1][1]
        for number, row in enumerate(read_table(last / "groups.csv", GROUP_COLUMNS), start=2):
            try:
                history.first_round[row["record_id"]] = int(row["round"])
            except ValueError:
                raise InputFileError(
                    last / "groups.csv",
                    "expected a round number",
                    position=f"row {number}",
                    field="round",
                ) from None
            if row["record_id"] not in history.records:
                raise InputFileError(
                    last / "groups.csv",
                    f"record {row['record_id']!r} (round {row['round']}) is in no earlier "
                    "round's records.csv: restore that round's records.csv from version control",
                    position=f"row {number}",
                    field="record_id",
                )
            history.study_of[row["record_id"]] = row["study_id"]
        history.changelog = read_table(last / "changelog.csv", CHANGE_COLUMNS)
    return history


def _snapshot_records(path: Path, records: Sequence[Record]) -> dict[str, Record]:
    """Record id -> record of a snapshot's records.csv; an empty or repeated id is an error."""
    found: dict[str, Record] = {}
    for number, record in enumerate(records, start=2):
        if not record.record_id or record.record_id in found:
            problem = f"record id {record.record_id!r} repeats" if record.record_id else "empty"
            raise InputFileError(path, problem, position=f"row {number}", field="record_id")
        found[record.record_id] = record
    return found


def derived_id(anchor: str, length: int = 10) -> str:
    """The study id derived from an anchor record id."""
    return "S" + hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:length]


_DERIVED = re.compile(r"S[0-9a-f]{10,}")


@dataclass
class StudyAliases:
    """The study an id no longer in the library names: the id a study had while one of its
    records was its anchor.

    Within one round nothing keeps the ids of an earlier build: when a record that sorts first
    joins a study (a late database export, a pair decided duplicate), the study's id becomes
    that record's, and a sheet returned before names the old one. An id that is not ``known``
    but is :func:`derived_id` of a record of the library (at the id's length) names that
    record's current study. A ``known`` id (a current study, or one the changelog retired)
    is never translated.
    """

    study_of: Mapping[str, str]  # record id -> its current study id
    known: frozenset[str]  # current study ids and ids retired by merges or splits
    _by_length: dict[int, dict[str, tuple[str, str]]] = field(default_factory=dict, repr=False)

    def find(self, sid: str) -> tuple[str, str] | None:
        """(record id, current study id) of an id that is not known; None when none."""
        if sid in self.known or not _DERIVED.fullmatch(sid):
            return None
        length = len(sid) - 1
        if length not in self._by_length:
            self._by_length[length] = self._aliases(length)
        return self._by_length[length].get(sid)

    def _aliases(self, length: int) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        for rid in sorted(self.study_of):
            alias = derived_id(rid, length)
            if alias != self.study_of[rid] and alias not in self.known:
                found.setdefault(alias, (rid, self.study_of[rid]))
        return found

    def named(self, sid: str, known: Container[str]) -> str | None:
        """The current study a returned row's id names: itself when in ``known`` (the ids the
        reader accepts), the study an old id names now, else None (an edited id)."""
        if sid in known:
            return sid
        found = self.find(sid)
        return found[1] if found else None

    def current(self, sid: str) -> str:
        """The id ``sid`` names now: its current study when it is an old id, else itself."""
        found = self.find(sid)
        return found[1] if found else sid

    def log_line(self, file: str, renamed: Sequence[tuple[int, str]], what: str) -> str:
        """One warning for a returned file whose rows (row number, id as written) name old ids:
        the current study each row's ``what`` is stored under, and why."""
        parts = []
        for row, sid in renamed:
            rid, now = self.find(sid) or ("", sid)
            parts.append(
                f"row {row}: study {sid} is now study {now} (its records are now part of study "
                f"{now}, whose first record is no longer {rid}, the record {sid} was made from)"
            )
        return (
            f"{file}: {'; '.join(parts)}: the library was rebuilt after the sheet was written, "
            "with a record that sorts first in the study (a late export, or a pair decided "
            f"duplicate); the {what} is stored under the current id"
        )


def merged_rows(
    file: str,
    rows: Sequence[tuple[int, str, str, str]],
    what: str,
    awaited: Callable[[str], str],
) -> list[str]:
    """Log lines for rows of one returned file that name, as written, studies the library now
    holds as one (``rows``: row, id as written, current id, what was typed there, in row
    order) and differ: the file cannot tell which counts, so neither does (both stay stored as
    typed); ``awaited(current id)`` says what happens instead."""
    first: dict[str, tuple[int, str, str, str]] = {}
    lines = []
    for row in rows:
        other = first.setdefault(row[2], row)
        if other[3] != row[3]:
            lines.append(
                f"{file}: rows {other[0]} and {row[0]} give studies {other[1]} ({other[3]}) and "
                f"{row[1]} ({row[3]}) different {what}s, and the library now holds them as one "
                f"study, {row[2]} (joined after the sheet was written); one file cannot tell "
                f"which counts, so neither does (both stay stored as typed): " + awaited(row[2])
            )
    return lines


@dataclass
class Assignment:
    """Study ids for the engine's groups, and what changed since the last round."""

    study_of: dict[str, str]  # record id -> study id
    anchor_of: dict[str, str]  # study id -> anchor record id
    changes: list[dict[str, str]]


def assign_study_ids(
    groups: Mapping[str, str],
    first_round: Mapping[str, int],
    previous: Mapping[str, str],
    *,
    round_number: int,
    version: str,
) -> Assignment:
    """Give every engine group (record id -> group) a stable study id.

    ``first_round`` holds the round each record was first seen; ``previous`` the study ids of the
    last round. A group holding an earlier study's anchor record keeps that study's id.
    """

    def order(rid: str) -> tuple[int, str]:
        return (first_round.get(rid, round_number), rid)

    old_anchor = {sid: rids[0] for sid, rids in _members(previous, order).items()}
    holder = {rid: sid for sid, rid in old_anchor.items()}
    found = Assignment({}, {}, [])
    pending: list[list[str]] = []
    for rids in sorted(_members(groups, order).values(), key=lambda r: order(r[0])):
        claims = sorted(
            (holder[r] for r in rids if r in holder), key=lambda s: order(old_anchor[s])
        )
        if not claims:
            pending.append(rids)
            continue
        sid = claims[0]
        _join(found, sid, old_anchor[sid], rids)
        for retired in claims[1:]:
            found.changes.append(_change(round_number, version, "merged", sid, retired, rids))
    taken = set(old_anchor)
    for rids in pending:
        sid = _free_id(rids[0], taken)
        taken.add(sid)
        _join(found, sid, rids[0], rids)
        for parent in sorted({previous[r] for r in rids if r in previous}):
            found.changes.append(_change(round_number, version, "split", sid, parent, rids))
    return found


def _members(
    study_of: Mapping[str, str], order: Callable[[str], tuple[int, str]]
) -> dict[str, list[str]]:
    """The record ids of each group (record id -> group), in ``order``; the groups in the
    order of their first record."""
    members: dict[str, list[str]] = {}
    for rid in sorted(study_of, key=order):
        members.setdefault(study_of[rid], []).append(rid)
    return members


def _join(found: Assignment, sid: str, anchor: str, rids: Iterable[str]) -> None:
    """Make the records ``rids`` study ``sid``, anchored at record ``anchor``."""
    found.anchor_of[sid] = anchor
    for rid in rids:
        found.study_of[rid] = sid


def _free_id(anchor: str, taken: Container[str]) -> str:
    """The study id derived from ``anchor`` (:func:`derived_id`), two hex digits longer at a
    time while it is ``taken``."""
    length = 10
    sid = derived_id(anchor, length)
    while sid in taken:
        length += 2
        sid = derived_id(anchor, length)
    return sid


def _change(
    round_number: int, version: str, event: str, sid: str, other: str, rids: Iterable[str]
) -> dict[str, str]:
    return {
        "round": str(round_number),
        "version": version,
        "event": event,
        "study_id": sid,
        "other_study_id": other,
        "records": ";".join(rids),
    }


def table_csv(rows: Iterable[Mapping[str, object]], columns: Sequence[str]) -> str:
    """A small CSV with fixed columns and ``\\n`` line endings (as ``csv.DictWriter`` writes it:
    a missing value is empty, other keys are left out)."""
    return table_text(([row.get(c, "") for c in columns] for row in rows), columns)


def table_text(rows: Iterable[Sequence[object]], columns: Sequence[str]) -> str:
    """:func:`table_csv` of rows given as values in column order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def groups_text(study_of: Mapping[str, str], first_round: Mapping[str, int]) -> str:
    """``groups.csv``: ``record_id, study_id, round`` rows sorted by record id."""
    rows = ((rid, study_of[rid], str(first_round[rid])) for rid in sorted(study_of))
    return table_text(rows, GROUP_COLUMNS)


def write_snapshot(
    folder: Path,
    *,
    round_number: int,
    version: str,
    new_records: Iterable[Record],
    groups_text: str,
    changelog_text: str,
) -> str:
    """Write one round's snapshot (``round.json`` last, so a half-written one is never read);
    returns the SHA-256 of its ``records.csv``."""
    records = records_to_csv(new_records).encode("utf-8")
    atomic_write_bytes(folder / "records.csv", records)
    atomic_write_text(folder / "groups.csv", groups_text)
    atomic_write_text(folder / "changelog.csv", changelog_text)
    write_json(folder / "round.json", {"round": round_number, "version": version})
    return hashlib.sha256(records).hexdigest()
