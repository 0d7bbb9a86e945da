"""Reviewer forms after screening (full text, data extraction, risk of bias): write, read back, log.

Each form is a :mod:`livingreview.sheets` sheet with one locked id column and editable columns.
Its hidden ``_meta`` names ``kind``, ``review_id``, ``round``, ``reviewer`` and the item count,
so a returned file is checked like a screening sheet: another review, form or reviewer, an edited
``_meta``, duplicated, missing, unknown or edited ids are rejected with an
:class:`~livingreview.errors.InputFileError` naming the file, row and field. Reordered rows, added
columns, re-saved .xlsx and .csv are accepted; a row whose editable cells are all blank is pending.
A free-text cell (:attr:`ExpectedForm.texts`: notes, text fields) is read as typed, line breaks
kept (:func:`typed_text`); any other cell holds a code and is read as one line (:func:`one_line`).
Values that differ only in whitespace are the same answer (:func:`same_text`): two reviewers
agree, a stored entry is still read, a later file overrides nothing.

What a reviewer typed is logged as :class:`Entry` rows (one per non-blank editable cell) in an
append-only store rebuilt from every returned file on each run; a store written before must
still be contained in the new one (:func:`check_nothing_lost`), so a removed or overwritten file
stops the run instead of silently dropping decisions. Two files of one reviewer and round with
different rows for an item: the one saved last counts and each value it overrides is logged, or,
when their save times do not tell, the files are rejected (:func:`check_repeated_rows`).
Rows of one file on two studies the library joined after it was written count only when they
agree; else they are no answer (both stored as typed): the reviewer's row on the study is
awaited and it is on their next form again (:func:`latest_rows`), and the answer given there,
in a second file of the same round, counts whatever the files' save times (the rows set aside
take no part in :func:`check_repeated_rows`). Rejections happen before anything is written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import operator
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from livingreview import returned_checks as checks
from livingreview import sheets
from livingreview.dedup.rounds import StudyAliases, merged_rows
from livingreview.errors import ConfigError, InputFileError, RowErrors
from livingreview.fileio import csv_table_text
from livingreview.kept_stores import drop_hint, stored_before, write_store
from livingreview.sheets.time_shown import as_read_before

log = logging.getLogger(__name__)
CONSENSUS = "consensus"  # the reviewer id of a consensus form (both reviewers together)


@dataclass(frozen=True)
class FormSpec:
    """Which form this is: what ``_meta`` says and the file name."""

    kind: str  # e.g. "full-text", "extraction", "rob-rob2"
    review_id: str
    round: int
    reviewer: str
    # a consensus form settled by a third reviewer: their id ("" under the consensus rule,
    # whose forms name no resolver, as before the rule could be set)
    resolver: str = ""

    def meta(self, count: int) -> list[tuple[str, str]]:
        """The ``_meta`` key/value rows (before the checksum)."""
        return [
            ("kind", self.kind),
            ("review_id", self.review_id),
            ("round", str(self.round)),
            ("reviewer", self.reviewer),
            ("records", str(count)),
            *((("resolver", self.resolver),) if self.resolver else ()),
        ]

    def stem(self) -> str:
        """File name without extension, e.g. ``extraction_round1_r1``."""
        return f"{self.kind.replace('-', '_')}_round{self.round}_{self.reviewer}"


def write_form(
    folder: Path,
    spec: FormSpec,
    layout: sheets.SheetLayout,
    rows: Sequence[Mapping[str, str]],
    instructions: Sequence[str],
    *,
    id_column: str,
    formats: Sequence[str] = ("xlsx",),
) -> list[Path]:
    """Write ``<stem>.xlsx`` and/or ``<stem>.csv`` in ``folder``; the paths written."""
    ids = [(row[id_column],) for row in rows]
    return sheets.write_sheet_files(
        folder,
        spec.stem(),
        layout,
        rows,
        meta=spec.meta(len(ids)),
        ids=ids,
        instructions=instructions,
        formats=formats,
    )


def drop_form(folder: Path, spec: FormSpec) -> None:
    """Remove the form ``spec`` names from ``folder`` (a stage's output folder, which a pipeline
    run empties itself; what was returned is in the human input folder)."""
    for suffix in (".xlsx", ".csv"):
        (folder / f"{spec.stem()}{suffix}").unlink(missing_ok=True)


def consensus_jobs(
    settle: list[dict[str, str]], dual: bool, folder: Path, spec: FormSpec
) -> list[tuple[str, list[dict[str, str]]]]:
    """The consensus form to write: in dual mode always (even when empty), in single mode only
    while some study waits for consensus (two reviewers' forms of a protocol once dual); an
    earlier one that is no longer needed is removed from ``folder``."""
    if settle or dual:
        return [(CONSENSUS, settle)]
    drop_form(folder, spec)
    return []


@dataclass(frozen=True)
class ExpectedForm:
    """What a returned form must match."""

    what: str  # "full-text sheet", shown in messages
    kind: str
    title: str  # the main sheet's name
    id_column: str
    editable: tuple[str, ...]  # the columns a reviewer fills in
    review_id: str
    current_round: int
    reviewers: tuple[str, ...]
    known_ids: frozenset[str]
    aliases: StudyAliases | None = None  # old ids of the library's studies -> current ones
    texts: tuple[str, ...] = ()  # the editable columns of free text, read with line breaks
    # editable columns a form of an earlier round may lack: extraction fields the protocol
    # added after it was written (its rows have no value for them)
    added: tuple[str, ...] = ()
    written: tuple[str, ...] = ()  # every column the form is written with (with ``added``)
    # who a consensus form's ``_meta`` may name as its resolver (empty: not checked)
    resolvers: frozenset[str] = frozenset()
    # listed reviewers without the role (who left the team): their forms of earlier rounds
    former: tuple[str, ...] = ()


def one_line(value: str) -> str:
    """``value`` on one line: runs of whitespace (line breaks too) as one space, none at the
    ends."""
    return " ".join(value.split())


def typed_text(value: str) -> str:
    """A free-text cell as typed: line breaks kept (``\\r\\n`` and a lone ``\\r`` as ``\\n``),
    the spaces ending each line and the blank lines around the text dropped; spaces inside a
    line are kept."""
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def same_text(a: str, b: str) -> bool:
    """Whether two values differ only in whitespace (a value stored on one line before line
    breaks were kept is the same value)."""
    return a == b or one_line(a) == one_line(b)


@dataclass(frozen=True)
class FilledRow:
    """One row a reviewer filled in: its id, row number and editable cells (blank ones too),
    and whose form it is (a reviewer id or :data:`CONSENSUS`)."""

    item_id: str
    row: int
    values: dict[str, str]
    reviewer: str = ""


@dataclass(frozen=True)
class ReturnedForm:
    """A checked returned form."""

    path: Path
    reviewer: str
    round: int
    saved_at: str
    items: int  # rows in the file
    filled: list[FilledRow]
    renamed: tuple[tuple[int, str], ...] = ()  # (row, id as written) of rows naming an old id
    resolver: str = ""  # who settled a consensus form's rows (:func:`resolver_of`)


def _meta_check(
    returned: sheets.ReturnedSheet, expected: ExpectedForm
) -> tuple[str, int, tuple[str, ...]]:
    """The form's reviewer, round and the columns it lacks that it may lack."""
    path = returned.path
    checks.require_meta(returned, expected.what)
    for key, want in (("kind", expected.kind), ("review_id", expected.review_id)):
        checks.expect_meta(returned, key, want, f"a {expected.what}")
    number = checks.expect_round(returned, expected.current_round)
    earlier = expected.former if number < expected.current_round else ()
    reviewer = checks.expect_reviewer(
        returned, expected.reviewers, earlier=earlier, former=expected.former
    )
    checks.check_listed_ids(returned, "the editable (yellow) columns")
    missing = [c for c in (expected.id_column, *expected.editable) if c not in returned.header]
    lacking = tuple(c for c in missing if c in expected.added and number < expected.current_round)
    if lacking:
        _warn_renamed_field(returned, expected, lacking)
        log.warning(
            "%s: a form of round %d without the column(s) %s, added to the protocol since: "
            "its rows have no value for them",
            path,
            number,
            ", ".join(repr(c) for c in lacking),
        )
    else:
        _warn_own_columns(returned, expected)
    missing = [c for c in missing if c not in lacking]
    if missing:
        added = [c for c in missing if c in expected.added]
        hint = (
            f"; a field added to the protocol after this round-{number} form was written: "
            "add its column to this file, blank or filled in (what it holds stays as typed)"
            if added
            else ""
        )
        raise InputFileError(
            path,
            f"missing column(s) {', '.join(repr(c) for c in missing)} (expected the header of "
            f"the {expected.what}{hint})",
            position=returned.header_position,
        )
    return reviewer, number, lacking


def _unread_columns(
    returned: sheets.ReturnedSheet, expected: ExpectedForm
) -> list[tuple[str, list[int]]]:
    """(name, rows holding a value) of each column the form is not written with that holds
    values: nothing in it is read. None known when ``expected.written`` is not given."""
    return checks.unread_columns(returned, _known_columns(expected)) if expected.written else []


def _known_columns(expected: ExpectedForm) -> frozenset[str]:
    """The columns the form is written with and those added to the protocol since, casefolded."""
    return frozenset(c.casefold() for c in (*expected.written, *expected.added))


def _warn_own_columns(returned: sheets.ReturnedSheet, expected: ExpectedForm) -> None:
    """Log each column of the reviewer's own that holds values: a form may gain columns, but
    what they hold is not read, so a note typed there would be lost without a word
    (:func:`returned_checks.warn_own_columns`; none known when ``expected.written`` is not
    given)."""
    if expected.written:
        known = _known_columns(expected)
        checks.warn_own_columns(returned, str(returned.path), known, expected.what, log)


def _warn_renamed_field(
    returned: sheets.ReturnedSheet, expected: ExpectedForm, lacking: Sequence[str]
) -> None:
    """Log each column holding values that the form is no longer written with, in a form
    lacking a field's column: a field renamed in the protocol, whose values are not read (or a
    column of the reviewer's own, which is never read)."""
    for name, filled in _unread_columns(returned, expected):
        log.warning(
            "%s: column %r holds values (row %d first) and is no column of the %s, which "
            "lacks %s: if a field was renamed in the protocol, these values are not read "
            "(keep the field's old id in the protocol, or rename the column in this file)",
            returned.path,
            name,
            filled[0],
            expected.what,
            ", ".join(repr(c) for c in lacking),
        )


def read_form(path: Path, expected: ExpectedForm) -> ReturnedForm:
    """Read and check one returned form (see the module docstring); nothing is stored here."""
    returned = sheets.read_sheet(path, expected.title)
    reviewer, number, lacking = _meta_check(returned, expected)
    resolver = resolver_of(returned, reviewer, expected)
    columns = [c for c in expected.editable if c not in lacking]
    listed = {key[0] for key in returned.ids} if returned.ids is not None else None
    seen: dict[str, int] = {}
    filled: list[FilledRow] = []
    idc = expected.id_column
    renamed: list[tuple[int, str]] = []
    aliases = expected.aliases or StudyAliases({}, expected.known_ids)
    bad = RowErrors(path)
    for row_number, row in returned.rows():
        item = returned.cell(row, idc)
        values = {c: _read_cell(returned.cell(row, c), c, expected) for c in columns}
        now = None  # a bad row: kept in ``bad``, raised with the others after the loop
        with bad.row():
            now = _row_item(path, row_number, item, values, expected, seen, listed, aliases)
        if now is None:
            continue
        if now != item:
            renamed.append((row_number, item))
        if any(values.values()):
            filled.append(FilledRow(now, row_number, values, reviewer))
            checks.warn_dates(returned, row_number, values, expected.texts, log)
    bad.raise_any()  # every bad row of the file at once
    checks.check_every_row(returned, seen, idc)
    if renamed:
        log.warning("%s", aliases.log_line(path.as_posix(), renamed, "row"))
    return ReturnedForm(
        path, reviewer, number, returned.saved_at, len(seen), filled, tuple(renamed), resolver
    )


def _row_item(
    path: Path,
    row_number: int,
    item: str,
    values: Mapping[str, str],
    expected: ExpectedForm,
    seen: dict[str, int],
    listed: set[str] | None,
    aliases: StudyAliases,
) -> str | None:
    """A row's item id checked: its current id (also for a row with an id and nothing else, a
    row left blank), None for a row with neither id nor values; ``seen`` gets its row."""
    idc = expected.id_column
    where = {"position": f"row {row_number}", "field": idc}
    if not item:
        if any(values.values()):
            raise InputFileError(
                path, f"missing {idc}: expected the {idc} this row was written with", **where
            )
        return None
    if item in seen:
        raise InputFileError(
            path,
            f"{item} appears twice (rows {seen[item]} and {row_number}); expected each once",
            **where,
        )
    seen[item] = row_number
    now = aliases.named(item, expected.known_ids)
    if now is None or (listed is not None and item not in listed):
        raise InputFileError(
            path,
            f"unknown {idc} {item!r}: not one this sheet was written with (was it edited?)",
            **where,
        )
    return now


def resolver_of(returned: sheets.ReturnedSheet, reviewer: str, expected: ExpectedForm) -> str:
    """Who settled the rows of a consensus form: the third reviewer its metadata names, else
    the reviewers together (:data:`CONSENSUS`: a form of the consensus rule, or one written
    before a stage's ``decision_rule`` could name anyone); another form's is its reviewer."""
    if reviewer != CONSENSUS:
        return reviewer
    resolver = (returned.meta or {}).get("resolver", "").strip() or CONSENSUS
    if expected.resolvers and resolver not in expected.resolvers:
        raise InputFileError(
            returned.path,
            f"the consensus {expected.what}'s metadata names the resolver {resolver!r}; "
            f"expected one of {', '.join(sorted(expected.resolvers))} (reviewers with the role "
            "conflict_resolution, or consensus)",
            field="resolver",
        )
    return resolver


def _read_cell(value: str, column: str, expected: ExpectedForm) -> str:
    """A cell as read: free text as typed, a code on one line."""
    return typed_text(value) if column in expected.texts else one_line(value)


def _shown(values: Mapping[str, str]) -> str:
    """A row's filled cells for a log line."""
    return ", ".join(f"{column}={one_line(value)}" for column, value in values.items() if value)


def _log_merged_rows(
    form: ReturnedForm,
    values: Mapping[int, Mapping[str, str]],
    what: str,
    counted: Mapping[tuple[str, str], tuple[sheets.Where, object]],
) -> None:
    """Log the rows of one form that name, as written, two studies the library now holds as
    one and differ (``values``: row -> cleaned values): neither counts (:func:`latest_rows`),
    so the study is on the reviewer's next form again, unless another file answers it
    (``counted``: (reviewer, item) -> (round, save time, file) of the file whose row counts)."""
    if not form.renamed:
        return
    written = dict(form.renamed)
    typed = [
        (f.row, written.get(f.row, f.item_id), f.item_id, _shown(values[f.row]))
        for f in form.filled
        if _shown(values[f.row])  # a row left blank after cleaning is no row
    ]

    def awaited(study: str) -> str:
        if (form.reviewer, study) in counted:
            (number, _, file), _ = counted[form.reviewer, study]
            who = "the consensus" if form.reviewer == CONSENSUS else f"{form.reviewer}'s"
            return f"{who} row on {study} is the one in {file} (round {number})"
        if form.reviewer == CONSENSUS:
            return (
                f"the consensus row on {study} is awaited: while the reviewers' rows differ, "
                f"the study is listed again on the next consensus {what}"
            )
        return (
            f"{form.reviewer}'s row on {study} is awaited, and the study is listed again on "
            f"{form.reviewer}'s next {what}"
        )

    for line in merged_rows(form.path.as_posix(), typed, "row", awaited):
        log.warning("%s", line)


def read_forms(
    files: Iterable[Path], expected: ExpectedForm
) -> tuple[list[ReturnedForm], list[Path]]:
    """Every returned form, byte-identical copies read once; (forms, copies skipped)."""
    by_digest: dict[str, list[Path]] = {}
    for path in sorted(files):
        by_digest.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), []).append(path)
    forms = [read_form(paths[0], expected) for paths in by_digest.values()]
    copies = sorted(p for paths in by_digest.values() for p in paths[1:])
    return sorted(forms, key=lambda f: f.path), copies


# -- the append-only store -------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One non-blank cell a reviewer typed, with where and when."""

    item_id: str
    reviewer: str
    round: int
    column: str
    value: str
    file: str  # relative to the human-input folder
    row: int
    recorded_at: str  # when the file was saved ("" when unknown)


ENTRY_COLUMNS = tuple(f.name for f in fields(Entry))
_entry_row = operator.attrgetter(*ENTRY_COLUMNS)  # astuple would deep-copy every value


def relative(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` when inside it, else as given."""
    return path.relative_to(base).as_posix() if path.is_relative_to(base) else path.as_posix()


def entries_of(
    form: ReturnedForm, base: Path, values: Mapping[int, Mapping[str, str]]
) -> list[Entry]:
    """Entries of a form; ``values`` = row number -> cleaned values (canonical spellings)."""
    file = relative(form.path, base)
    out = []
    for filled in form.filled:
        for column, value in values[filled.row].items():
            if value:
                out.append(
                    Entry(
                        filled.item_id,
                        form.reviewer,
                        form.round,
                        column,
                        value,
                        file,
                        filled.row,
                        form.saved_at,
                    )
                )
    return out


def _order(entry: Entry) -> tuple:
    return (entry.round, entry.recorded_at, entry.file, entry.row, entry.item_id, entry.column)


def write_entries(path: Path, entries: Iterable[Entry]) -> None:
    """Atomically write the store and its kept copy (:mod:`livingreview.kept_stores`), sorted
    oldest first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ENTRY_COLUMNS)
    for entry in sorted(entries, key=_order):
        writer.writerow(_entry_row(entry))
    write_store(path, buffer.getvalue())


def read_entries(path: Path) -> list[Entry]:
    """The entries of a store written by :func:`write_entries`; missing file: none."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if list(reader.fieldnames or []) != list(ENTRY_COLUMNS):
            raise InputFileError(
                path, f"expected the columns {', '.join(ENTRY_COLUMNS)}", position="row 1"
            )
        out = []
        for number, row in enumerate(reader, start=2):
            for name in ("round", "row"):
                if not row[name].isdigit():
                    raise InputFileError(
                        path, "expected a whole number", position=f"row {number}", field=name
                    )
            out.append(Entry(**{**row, "round": int(row["round"]), "row": int(row["row"])}))
    return out


def check_nothing_lost(
    previous: Sequence[Entry],
    current: Sequence[Entry],
    store: Path,
    aliases: StudyAliases | None = None,
    columns: Collection[str] = (),
    base: Path | None = None,
) -> None:
    """Every entry stored before must still be read from some returned file (see module doc);
    one stored under an id its study no longer has is read under the current id (``aliases``);
    a value read now that differs from the stored one only in whitespace is the same
    (:func:`same_text`: an earlier version stored free text on one line), and so is one an
    earlier version read otherwise from an .xlsx (:func:`sheets.as_read_now`: ``_x000D_``
    escapes undecoded, a date as ``2024-03-05 00:00:00``, a time as ``12:30:00`` where it
    shows ``12:30``: :func:`as_read_before`). ``columns``, when
    given, are the columns read now: a value stored under another one is named as a field the
    protocol renamed or removed. ``base``: the human-input folder the stored file names are
    relative to, so an error names the file as every other error does."""
    now = {replace(e, file="", row=0, value=one_line(e.value)) for e in current}
    now |= {replace(e, file="", row=0, value=one_line(as_read_before(e.value))) for e in current}
    cells = {(e.file, e.item_id, e.reviewer, e.column): e for e in current}
    for entry in previous:
        item = aliases.current(entry.item_id) if aliases is not None else entry.item_id
        stored = (one_line(entry.value), one_line(sheets.as_read_now(entry.value)))
        if all(replace(entry, item_id=item, file="", row=0, value=v) not in now for v in stored):
            read = cells.get((entry.file, item, entry.reviewer, entry.column))
            found = (
                f"is no longer read: {entry.column!r} is no field of the protocol now (renamed "
                "or removed since?: keep its old id in the protocol, or rename the column in "
                "this file)"
                if columns and entry.column not in columns
                else "is no longer in this file (was it removed or saved over?)"
                if read is None
                else _resaved(entry, read)
                if one_line(read.value) in stored
                else f"now reads {read.value!r} in this file (was the file edited, or stored by "
                "an earlier version of livingreview that read it otherwise?)"
            )
            raise InputFileError(
                entry.file if base is None else base / entry.file,
                f"{entry.column} {entry.value!r} for {entry.item_id} by {entry.reviewer}, stored "
                f"in {store}, {found}; expected returned files to stay unchanged: put it back "
                f"and save changes under a new name (to drop it deliberately, {drop_hint(store)})",
                position=f"row {entry.row}",
                field=entry.column,
            )


def _resaved(entry: Entry, read: Entry) -> str:
    """How a returned file still holding a stored value changed: its round or save time."""
    changed = []
    if read.round != entry.round:
        changed.append(f"says round {read.round} (stored: round {entry.round})")
    if read.recorded_at != entry.recorded_at:
        changed.append(
            f"records being saved at {read.recorded_at or 'no time'} (stored: "
            f"{entry.recorded_at or 'no time'})"
        )
    return (
        f"is still {read.value!r} in this file, but the file now {' and '.join(changed)}: it "
        "was saved again or replaced, and when a file was saved decides which of two files "
        "counts"
    )


@dataclass(frozen=True)
class _Cell:
    """One editable cell of a reviewer's row of an item in one returned file ("" when blank),
    as a :class:`livingreview.sheets.Answer`."""

    study_id: str
    reviewer: str
    round: int
    column: str
    decision: str  # the value typed
    file: str
    row: int
    recorded_at: str
    reason: str = ""


def _row_cells(entries: Iterable[Entry]) -> list[_Cell]:
    """Every cell, blank ones too, of the rows of items a reviewer filled in several files of
    one round, each value on one line (rows that differ only in whitespace agree). Rows of one
    file that differ on an item (:func:`_set_aside`) are no answer and are left out."""
    files: dict[tuple[str, str, int], dict[tuple[str, str], dict[int, dict[str, str]]]] = {}
    for e in entries:
        where = files.setdefault((e.reviewer, e.item_id, e.round), {})
        where.setdefault((e.file, e.recorded_at), {}).setdefault(e.row, {})[e.column] = e.value
    cells = []
    for (reviewer, item, number), by_file in files.items():
        found = {
            (file, row, saved): values
            for (file, saved), rows in by_file.items()
            if not _set_aside(rows)
            for row, values in rows.items()
        }
        if len(found) < 2:
            continue
        columns = sorted({column for values in found.values() for column in values})
        for (file, row, saved), values in found.items():
            cells += [
                _Cell(item, reviewer, number, c, one_line(values.get(c, "")), file, row, saved)
                for c in columns
            ]
    return cells


def check_repeated_rows(entries: Iterable[Entry]) -> list[str]:
    """Check the rows one reviewer returned for an item in several files of one round: where
    they differ, the file saved last counts (:func:`latest_rows`), so its save time must say
    so (else :class:`InputFileError` naming both files, rows and values; see
    :func:`livingreview.sheets.overridden_answers`). Rows of one file that differ on an item
    (studies joined after it was written) count for nothing and take no part. One line per
    value a later file overrides, for the step's log."""
    by_column: dict[str, list[_Cell]] = {}
    for cell in _row_cells(entries):
        by_column.setdefault(cell.column, []).append(cell)
    lines = []
    for column, cells in sorted(by_column.items()):
        lines += sheets.overridden_answers(
            cells,
            lambda c: (c.reviewer, c.study_id, c.round),
            lambda c: f"{c.reviewer}'s {c.column} (round {c.round})",
            column,
        )
    return lines


def latest_rows(entries: Iterable[Entry]) -> dict[tuple[str, str], dict[str, str]]:
    """(reviewer, item id) -> the cells of the reviewer's latest row for the item.

    A row of a later round replaces the whole earlier row; rows of one round that differ are
    ordered by file save time (:func:`check_repeated_rows`), then file. Several rows of one
    file (studies the library joined after it was written) count when they agree in all but
    whitespace (the one whose cells sort first); when they differ, the file cannot tell which
    counts, so none does (:func:`_set_aside`): in their round the reviewer's row on the item
    is another file's, else it is awaited.
    """
    return {
        key: min(rows.values(), key=lambda cells: sorted(cells.items()))
        for key, (_, rows) in _counted_files(entries).items()
    }


def counted_files(entries: Iterable[Entry]) -> dict[tuple[str, str], str]:
    """(reviewer, item id) -> the file (as stored) whose row on the item counts
    (:func:`latest_rows`); an item whose row is awaited is not named."""
    return {key: where[2] for key, (where, _) in _counted_files(entries).items()}


@dataclass(frozen=True)
class Place:
    """Where the row that counts was typed: its file (as stored), row, round and save time."""

    file: str
    row: int
    round: int
    recorded_at: str


def counted_places(entries: Iterable[Entry]) -> dict[tuple[str, str], Place]:
    """(reviewer, item id) -> where the row :func:`latest_rows` takes was typed (of rows of
    one file that agree, the one it takes, else the first); an item whose row is awaited is
    not named."""
    places = {}
    for key, ((number, saved, file), rows) in _counted_files(entries).items():
        row = min(rows, key=lambda n: (sorted(rows[n].items()), n))
        places[key] = Place(file, row, number, saved)
    return places


def _counted_files(
    entries: Iterable[Entry],
) -> dict[tuple[str, str], tuple[sheets.Where, dict[int, dict[str, str]]]]:
    """(reviewer, item id) -> the file whose rows on the item count (:func:`latest_rows`:
    round, save time, file) and those rows (row -> cells); an item whose row is awaited is not
    named."""
    files: dict[tuple[str, str], dict[sheets.Where, dict[int, dict[str, str]]]] = {}
    for entry in sorted(entries, key=_order):
        where = (entry.round, entry.recorded_at, entry.file)
        rows = files.setdefault((entry.reviewer, entry.item_id), {}).setdefault(where, {})
        rows.setdefault(entry.row, {})[entry.column] = entry.value
    counted = {}
    for key, by_file in files.items():
        if (where := sheets.counting_file(by_file, _set_aside)) is not None:
            counted[key] = (where, by_file[where])
    return counted


def _set_aside(rows: Mapping[int, Mapping[str, str]]) -> bool:
    """Whether the rows one file gives on one item (row -> cells; several when the library
    joined studies after it was written) differ in more than whitespace: none of them counts."""
    return len({_alike(cells) for cells in rows.values()}) > 1


def _alike(cells: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """A row's filled cells, each on one line: rows alike here agree."""
    return tuple(sorted((c, one_line(v)) for c, v in cells.items() if one_line(v)))


# -- settling two reviewers ------------------------------------------------------------------


@dataclass(frozen=True)
class Settled:
    """The values that count for one item, how they were reached, and any disagreements."""

    values: dict[str, str] | None  # None while reviewers disagree
    how: str  # consensus, agreement, single_reviewer, disagreement, awaiting_second
    reviewers: tuple[str, ...]
    differences: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # field -> votes


def settle(by_reviewer: Mapping[str, Mapping[str, str]], dual: bool) -> Settled:
    """Combine reviewers' rows for one item: a consensus row wins; else agreeing rows (values
    that differ only in whitespace agree: the first reviewer's counts); a single row counts in
    single mode and waits for the second reviewer in dual mode."""
    people = tuple(sorted(r for r in by_reviewer if r != CONSENSUS))
    if CONSENSUS in by_reviewer:
        return Settled(_with_agreed(by_reviewer, people), CONSENSUS, people)
    if len(people) == 1:
        only = dict(by_reviewer[people[0]])
        return (
            Settled(None, "awaiting_second", people)
            if dual
            else Settled(only, "single_reviewer", people)
        )
    columns = sorted({c for row in by_reviewer.values() for c in row})
    differences = []
    for column in columns:
        votes = tuple((r, by_reviewer[r].get(column, "")) for r in people)
        if len({one_line(v) for _, v in votes}) > 1:
            differences.append((column, votes))
    if differences:
        return Settled(None, "disagreement", people, tuple(differences))
    return Settled(dict(by_reviewer[people[0]]), "agreement", people)


def _with_agreed(
    by_reviewer: Mapping[str, Mapping[str, str]], people: tuple[str, ...]
) -> dict[str, str]:
    """The consensus row, a cell left blank there taking the value every reviewer typed alike
    (a consensus form settles what differed; what two reviewers agreed on is not lost)."""
    row = dict(by_reviewer[CONSENSUS])
    for column in sorted(
        {c for r in people for c in by_reviewer[r]} - {c for c, v in row.items() if v}
    ):
        if value := agreed_value(by_reviewer, column):
            row[column] = value
    return row


def agreed_value(by_reviewer: Mapping[str, Mapping[str, str]], column: str) -> str:
    """The value two or more reviewers (the consensus aside) all typed alike in ``column``
    (the first reviewer's), else ""."""
    values = [by_reviewer[r].get(column, "") for r in sorted(by_reviewer) if r != CONSENSUS]
    if len(values) < 2 or not values[0]:
        return ""
    return values[0] if all(same_text(v, values[0]) for v in values) else ""


def differences_text(settled: Settled) -> str:
    """``field: r1=x | r2=y; ...`` for sheets and tables."""
    return "; ".join(
        f"{column}: " + " | ".join(f"{r}={v or '(blank)'}" for r, v in votes)
        for column, votes in settled.differences
    )


def table_text(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    """CSV text with ``\\n`` line endings (a note holding a carriage return stays in its row:
    :func:`~livingreview.fileio.csv_table_text`)."""
    return csv_table_text(columns, ([row.get(c, "") for c in columns] for row in rows))


# -- protocol helpers shared by the stages ---------------------------------------------------


def human_folder(config: Mapping[str, Any], section: str, key: str = "folder") -> Path:
    """``<paths.human_input>/<section.key>`` (:func:`livingreview.sheets.returned_folder`)."""
    return sheets.returned_folder(config, section, key)


def role_reviewers(config: Mapping[str, Any], role: str, mode: str, section: str) -> list[str]:
    """Ids of the reviewers with ``role`` who get forms: all of them in dual mode (two needed),
    the first in single mode."""
    found = [r["id"] for r in config.get("reviewers", []) if role in r.get("roles", [])]
    need = 2 if mode == "dual" else 1
    if len(found) < need:
        raise ConfigError(
            f"config key 'reviewers': {section}.mode {mode!r} needs {need} reviewer(s) with the "
            f"role {role!r}, found {len(found)}"
        )
    return found if mode == "dual" else found[:1]


def with_role(config: Mapping[str, Any], role: str) -> tuple[str, ...]:
    """Ids of every reviewer with ``role``, whatever the stage's mode: whose returned forms are
    read (a protocol amended from dual to single mode keeps the second reviewer's earlier
    forms; only the first gets new ones)."""
    return tuple(r["id"] for r in config.get("reviewers", []) if role in r.get("roles", []))


def without_role(config: Mapping[str, Any], role: str) -> tuple[str, ...]:
    """Ids of the listed reviewers without ``role`` (one who left the team stays listed with
    ``roles: []``): the forms they returned for earlier rounds are still read."""
    return tuple(r["id"] for r in config.get("reviewers", []) if role not in r.get("roles", []))


def formats_of(setting: str) -> list[str]:
    """``xlsx``, ``csv`` or ``both`` as a list of formats."""
    return ["xlsx", "csv"] if setting == "both" else [setting]


def _cleaned(
    form: ReturnedForm, clean: Callable[[FilledRow, Path], dict[str, str]]
) -> dict[int, dict[str, str]]:
    """Row -> canonical values of each filled row of ``form``; every bad row named at once."""
    bad = RowErrors(form.path)
    out = {}
    for filled in form.filled:
        with bad.row():
            out[filled.row] = clean(filled, form.path)
    bad.raise_any()
    return out


def import_forms(
    files: Iterable[Path],
    expected: ExpectedForm,
    *,
    base: Path,
    store: Path | None,
    clean: Callable[[FilledRow, Path], dict[str, str]],
) -> tuple[list[Entry], list[ReturnedForm]]:
    """Check every returned form and each filled row (``clean`` gives canonical values or
    raises) and the rows several files give one item (:func:`check_repeated_rows`: a value
    overridden is logged); the entries read, after checking that nothing in ``store`` (if
    given) was lost.

    Nothing is written here, so a rejected file leaves the store as it was.
    """
    forms, _ = read_forms(files, expected)
    entries: list[Entry] = []
    cleaned = [_cleaned(form, clean) for form in forms]
    for form, values in zip(forms, cleaned, strict=True):
        entries += entries_of(form, base, values)
    counted = _counted_files(entries)
    for form, values in zip(forms, cleaned, strict=True):
        _log_merged_rows(form, values, expected.what, counted)
    for line in check_repeated_rows(entries):
        log.warning("%s", line)
    if store is not None:
        previous = read_entries(stored_before(store))
        columns = (*expected.editable, *expected.added)
        check_nothing_lost(previous, entries, store, expected.aliases, columns, base)
    return entries, forms


def settled_earlier(
    items: Iterable[Mapping[str, str]],
    rows: Mapping[tuple[str, str], Mapping[str, str]],
    dual: bool,
    round_number: int,
) -> frozenset[str]:
    """Ids of ``items`` (with ``study_id`` and ``round``) of earlier rounds already done by as
    many reviewers as the mode asks (two in dual mode, else one) or settled on a consensus
    form: a reviewer who joined the team since, and has not done them, is not given them."""
    done: dict[str, set[str]] = {}
    for reviewer, item in rows:
        done.setdefault(item, set()).add(reviewer)
    need = 2 if dual else 1
    return frozenset(
        s["study_id"]
        for s in items
        if int(s.get("round") or round_number) < round_number
        and (CONSENSUS in (who := done.get(s["study_id"], set())) or len(who) >= need)
    )


def by_item(
    rows: Mapping[tuple[str, str], Mapping[str, str]],
) -> dict[str, dict[str, Mapping[str, str]]]:
    """Item id -> reviewer -> that reviewer's latest row."""
    out: dict[str, dict[str, Mapping[str, str]]] = {}
    for (reviewer, item), cells in sorted(rows.items()):
        out.setdefault(item, {})[reviewer] = cells
    return out
