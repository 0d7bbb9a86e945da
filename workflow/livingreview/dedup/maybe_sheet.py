"""The review sheet of "maybe" pairs (.xlsx and .csv) and reading the returned copies back.

A person gets ``maybe_pairs.xlsx`` (or its CSV twin), writes ``duplicate`` or ``distinct`` in the
``decision`` column, and saves it (any name) into ``<human_input>/<deduplication.decisions_dir>/``.
Every ``.xlsx`` and ``.csv`` there is read on each run: rows may be reordered, columns added,
decisions written in any capitalisation; a blank decision means "not decided yet" (so a row
copied and left blank never undoes the decision on its pair). Rows are matched by ``record_a`` /
``record_b``, never by position.

Both files carry the sheet's metadata (review, kind, version, the number of pairs and a checksum
over them): the .xlsx in its hidden ``_meta`` sheet, which also lists the pairs, the CSV on its
first line (:func:`livingreview.sheets.csv_meta_line`). A returned sheet of another review or
kind, or without a row of every pair it was written with, is refused. A sheet returned without
metadata (a CSV written before it had its first line, or a copy of the rows alone) is still read,
checked less: rows deleted from it, or a pair it was not written with, cannot be seen.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from livingreview import returned_checks, sheets
from livingreview.dedup.model import PairVerdict
from livingreview.errors import InputFileError
from livingreview.fileio import atomic_write_bytes, csv_table_text
from livingreview.records import LIST_SEPARATOR, Record

KIND = "dedup-maybe"
SHEET = "Maybe pairs"
DECISIONS = ("duplicate", "distinct")

# (field label, record attribute); each appears twice in the sheet: "<label>_a", "<label>_b".
SIDE_FIELDS = (
    ("title", "title"),
    ("authors", "authors"),
    ("year", "year"),
    ("journal", "journal"),
    ("volume", "volume"),
    ("issue", "issue"),
    ("pages", "pages"),
    ("doi", "doi"),
    ("pmid", "pmid"),
    ("source", "source"),
)
LEAD_COLUMNS = (
    "pair",
    "decision",
    "decided_by",  # the reviewer id of who decided the pair (a sheet written before: none)
    "notes",
    "engine_reason",
    "score",
    "record_a",
    "record_b",
)
COLUMNS = LEAD_COLUMNS + tuple(f"{label}_{side}" for label, _ in SIDE_FIELDS for side in "ab")
WIDTHS = {"pair": 6, "decision": 12, "decided_by": 12, "notes": 28, "engine_reason": 26, "score": 7}
WIDE = {"title", "authors", "journal"}
#: The columns a maybe-pair sheet is written with (casefolded): any other is the reviewer's own.
_WRITTEN = frozenset(name.casefold() for name in COLUMNS)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    """One decision a person made on a pair, with where they wrote it."""

    a: str
    b: str
    decision: str
    file: str
    row: int
    notes: str = ""
    saved_at: str = ""  # when the file was saved (.xlsx metadata), "" when unknown (a .csv)
    decided_by: str = ""  # the reviewer id typed in decided_by ("" in a sheet without it)


def pair_key(a: str, b: str) -> tuple[str, str]:
    """The canonical key of a pair: ``(a, b)`` with ``a < b``."""
    return (a, b) if a < b else (b, a)


def checksum(keys: Iterable[tuple[str, str]]) -> str:
    """A short checksum over the pair keys of a sheet (order-independent)."""
    return sheets.checksum(keys)


def _value(record: Record, attribute: str) -> str:
    value = getattr(record, attribute)
    return LIST_SEPARATOR.join(value) if isinstance(value, list) else str(value)


def sheet_rows(
    pairs: Sequence[PairVerdict],
    records: Mapping[str, Record],
    notes: Mapping[tuple[str, str], str] | None = None,
) -> list[dict[str, str]]:
    """One row per pair (in the order given), both records side by side, earlier notes kept."""
    notes = notes or {}
    rows = []
    for number, pair in enumerate(pairs, start=1):
        row = {
            "pair": str(number),
            "decision": "",
            "notes": notes.get(pair_key(pair.a, pair.b), ""),
            "engine_reason": pair.reason,
            "score": f"{pair.score:.3f}",
            "record_a": pair.a,
            "record_b": pair.b,
        }
        for label, attribute in SIDE_FIELDS:
            row[f"{label}_a"] = _value(records[pair.a], attribute)
            row[f"{label}_b"] = _value(records[pair.b], attribute)
        rows.append(row)
    return rows


def _keys(rows: Sequence[Mapping[str, str]]) -> list[tuple[str, str]]:
    return [pair_key(row["record_a"], row["record_b"]) for row in rows]


def _meta(review_id: str, version: str, count: int) -> list[tuple[str, str]]:
    """The sheet's metadata (before the checksum)."""
    return [("review_id", review_id), ("kind", KIND), ("version", version), ("pairs", str(count))]


def csv_text(rows: Sequence[Mapping[str, str]], *, review_id: str, version: str) -> str:
    """The CSV variant, its metadata on the first line (the version %-encoded where a CSV
    comment line cannot hold it); text starting with ``= + - @`` gets a leading ``'``."""
    keys = _keys(rows)
    meta = dict(_meta(review_id, quote(version, safe=" ./:_-+~()[]@"), len(keys)))
    return sheets.csv_text(COLUMNS, rows, meta | {"checksum": checksum(keys)})


def _instructions(review_id: str, version: str, count: int, demo: bool) -> list[str]:
    lines = [
        f"Possible duplicates to check: review {review_id}, version {version}, {count} pair(s).",
        "",
        "Each row of the sheet 'Maybe pairs' shows two records side by side (_a and _b columns).",
        "The software could not decide whether they describe the same study.",
        "",
        "1. In the column 'decision' choose 'duplicate' (same study: the two records are merged)",
        "   or 'distinct' (different studies: both are kept). Leave it blank to decide later.",
        "2. In 'decided_by' write your reviewer id (as in the protocol's reviewers); optionally",
        "   explain your decision in 'notes'.",
        "3. Save the file under a NEW name (e.g. maybe_pairs_<your initials>_<date>.xlsx) in the",
        "   decisions folder of the human-input folder (see config: deduplication.decisions_dir).",
        "   Never overwrite an earlier returned file: every file there is read on every run.",
        "",
        "You may sort or filter rows and add columns; do not edit record_a / record_b.",
        "Decisions are kept forever; a pair decided in two files must be decided the same way.",
        "Conference abstracts, errata and replies are distinct from the article unless your",
        "protocol says otherwise (config: deduplication.policy).",
    ]
    if demo:
        lines = ["DEMO DATA: illustrative records, not a real search.", "", *lines]
    return lines


def _layout() -> sheets.SheetLayout:
    columns = []
    for name in COLUMNS:
        label = name.rsplit("_", 1)[0] if name.endswith(("_a", "_b")) else name
        width = 60 if label in WIDE else WIDTHS.get(name, 16)
        if name == "decision":
            column = sheets.Column(
                name,
                width=width,
                wrap=True,
                editable=True,
                choices=DECISIONS,
                choices_hint="Choose duplicate or distinct (or leave blank).",
            )
        else:
            editable = name in ("notes", "decided_by")
            column = sheets.Column(name, width=width, wrap=True, editable=editable)
        columns.append(column)
    return sheets.SheetLayout(title=SHEET, columns=tuple(columns), freeze="D2")


def workbook_bytes(
    rows: Sequence[Mapping[str, str]],
    *,
    review_id: str,
    version: str,
    demo: bool = False,
) -> bytes:
    """The .xlsx sheet: dropdown decisions, frozen header, wrapped text, hidden metadata."""
    keys = _keys(rows)
    lines = _instructions(review_id, version, len(rows), demo)
    meta = _meta(review_id, version, len(keys))
    return sheets.workbook_bytes(_layout(), rows, meta=meta, ids=keys, instructions=lines)


def write_sheets(
    xlsx_path: Path,
    csv_path: Path,
    pairs: Sequence[PairVerdict],
    records: Mapping[str, Record],
    *,
    review_id: str,
    version: str,
    demo: bool = False,
    notes: Mapping[tuple[str, str], str] | None = None,
) -> int:
    """Write the .xlsx and .csv review sheets of ``pairs``; returns the number of rows."""
    rows = sheet_rows(pairs, records, notes)
    data = workbook_bytes(rows, review_id=review_id, version=version, demo=demo)
    atomic_write_bytes(xlsx_path, data)
    sheets.write_csv_sheet(csv_path, csv_text(rows, review_id=review_id, version=version))
    return len(rows)


# -- reading returned sheets -------------------------------------------------------------------


def _check_meta(path: Path, meta: dict[str, str], keys: set | None, review_id: str) -> None:
    """The sheet's kind and review; the pairs an .xlsx lists (``keys``) against the checksum."""
    if meta.get("kind") != KIND:
        raise InputFileError(
            path,
            f"not a maybe-pair sheet (kind {meta.get('kind')!r}, expected {KIND!r})",
            field="kind",
        )
    if meta.get("review_id") != review_id:
        raise InputFileError(
            path,
            f"sheet belongs to review {meta.get('review_id')!r}, expected {review_id!r}",
            field="review_id",
        )
    if keys is not None and meta.get("checksum") != checksum(keys):
        raise InputFileError(
            path,
            "the hidden sheet '_meta' was edited (checksum mismatch); return the sheet as "
            "it was written, with only decision and notes filled in",
        )


def read_decision_file(
    path: Path,
    *,
    review_id: str,
    known_records: Mapping[str, object] | set[str],
    reviewers: Collection[str] | None = None,
) -> list[Decision]:
    """The decisions in one returned sheet (blank decisions are skipped); ``decided_by`` must be
    one of ``reviewers`` (any capitalisation) or blank (None: not checked)."""
    returned = sheets.read_sheet(path, SHEET)
    meta = returned.meta
    keys = None if returned.ids is None else {pair_key(*key) for key in returned.ids}
    if meta is not None:
        _check_meta(path, meta, keys, review_id)
    width = _named_width(returned)
    decisions = []
    seen: set[tuple[str, str]] = set()
    for number, row in returned.numbered():
        _check_row_text(returned, number, row, width)
        a, b = returned.cell(row, "record_a"), returned.cell(row, "record_b")
        if a or b:
            seen.add(pair_key(a, b))
        decision = returned.cell(row, "decision").casefold()
        notes = returned.cell(row, "notes")
        if not any(row) or not (decision or notes):
            continue
        _check_decision_row(returned, number, row, keys, known_records)
        who = _decided_by(returned, number, row, reviewers)
        key = pair_key(a, b)
        decisions.append(
            Decision(key[0], key[1], decision, str(path), number, notes, returned.saved_at, who)
        )
    if keys is None and meta is not None:
        _check_csv_pairs(path, meta, seen)
    _check_every_pair(path, keys, seen)
    returned_checks.warn_own_columns(
        returned, str(path), _WRITTEN, "maybe-pair sheet", log, item="pair"
    )
    return decisions


def _decided_by(
    returned: sheets.ReturnedSheet,
    number: int,
    row: list[str],
    reviewers: Collection[str] | None,
) -> str:
    """The reviewer id in the row's ``decided_by`` cell (as the protocol spells it), "" when
    blank; one that is no reviewer of the protocol is refused."""
    typed = returned.cell(row, "decided_by").strip()
    if not typed or reviewers is None:
        return typed
    found = {r.casefold(): r for r in reviewers}.get(typed.casefold())
    if found is None:
        raise InputFileError(
            returned.path,
            f"decided_by {typed!r} is not a reviewer of this review; expected one of "
            f"{', '.join(sorted(reviewers)) or '(no reviewers configured)'} or blank; "
            f"{returned_checks.LEFT_HINT}",
            position=f"row {number}",
            field="decided_by",
        )
    return found


def _named_width(returned: sheets.ReturnedSheet) -> int:
    """How many columns the header of a maybe-pair sheet spans up to its last named one; an
    empty sheet, or one without record_a, record_b or decision, is refused."""
    if not returned.table:
        raise InputFileError(
            returned.path,
            "empty sheet: expected a header row with record_a, record_b, decision",
            position=returned.header_position,
        )
    for name in ("record_a", "record_b", "decision"):
        if name not in returned.header:
            raise InputFileError(
                returned.path,
                f"missing column {name!r} (expected the header of a maybe-pair sheet)",
                position=returned.header_position,
            )
    header = [h.casefold().strip() for h in returned.table[0]]
    return max((i + 1 for i, name in enumerate(header) if name), default=0)


def _check_row_text(
    returned: sheets.ReturnedSheet, number: int, row: list[str], width: int
) -> None:
    """Refuse a row holding text beyond the last named column (``width``) or where the readers
    would not see it (:func:`livingreview.sheets.check_columns`)."""
    if any(row[width:]):
        raise InputFileError(
            returned.path,
            f"text beyond the last named column ({row[width:]!r}); name that column, or"
            " put the text in notes (a comma in a CSV cell needs quotes)",
            position=f"row {number}",
        )
    sheets.check_columns(returned.path, returned.table[0], number, row, returned.header_row)


def _check_decision_row(
    returned: sheets.ReturnedSheet,
    number: int,
    row: list[str],
    keys: set[tuple[str, str]] | None,
    known_records: Mapping[str, object] | set[str],
) -> None:
    """Refuse a row with a decision or notes whose decision is unknown, whose record ids are
    blank or not in the library, or whose pair the sheet (listing ``keys``) was not written
    with."""
    path = returned.path
    decision = returned.cell(row, "decision")
    if decision and decision.casefold() not in DECISIONS:
        raise InputFileError(
            path,
            f"unknown decision {decision!r}; expected 'duplicate', 'distinct' or blank",
            position=f"row {number}",
            field="decision",
        )
    a, b = returned.cell(row, "record_a"), returned.cell(row, "record_b")
    _check_record_ids(path, number, a, b, known_records)
    if a == b or (keys is not None and pair_key(a, b) not in keys):
        raise InputFileError(
            path,
            f"pair {a} / {b} is not a pair this sheet was written with (was an id edited?)",
            position=f"row {number}",
            field="record_b",
        )


def _check_record_ids(
    path: Path, number: int, a: str, b: str, known_records: Mapping[str, object] | set[str]
) -> None:
    """Refuse a decided row whose record_a or record_b is blank or not in the library."""
    for name, rid in (("record_a", a), ("record_b", b)):
        if not rid:
            raise InputFileError(
                path,
                "no record id: a row with a decision or notes needs record_a and record_b"
                " (write a general remark in the notes of a pair)",
                position=f"row {number}",
                field=name,
            )
        if rid not in known_records:
            raise InputFileError(
                path,
                f"unknown record {rid!r}: {_why_unknown(rid, known_records)}",
                position=f"row {number}",
                field=name,
            )


def _why_unknown(rid: str, known_records: Mapping[str, object] | set[str]) -> str:
    """Why a record id is not in the library: its search or import has no records there (the
    protocol disabled or removed it), else an edited id."""
    source = rid.partition(":")[0]
    if ":" in rid and not any(known.startswith(f"{source}:") for known in known_records):
        return (
            f"the library holds no record of {source!r} (a search or import disabled or removed "
            "from the protocol?): enable it again, or clear this row's decision"
        )
    return "not in the library (was the id edited?)"


def _check_every_pair(
    path: Path, keys: set[tuple[str, str]] | None, seen: set[tuple[str, str]]
) -> None:
    """Every pair an .xlsx sheet lists in ``_meta`` still has its row: a deleted row would take
    its decision with it without a word (a CSV sheet: :func:`_check_csv_pairs`)."""
    missing = sorted((keys or set()) - seen)
    if missing:
        raise InputFileError(
            path,
            f"{len(missing)} pair(s) of the sheet missing (first: {' / '.join(missing[0])}); "
            "expected every row the sheet was written with (filter rows instead of deleting "
            "them)",
            field="record_a",
        )


def _check_csv_pairs(path: Path, meta: Mapping[str, str], seen: set[tuple[str, str]]) -> None:
    """The pairs of a CSV sheet's rows match the checksum on its metadata line: a deleted row
    would take its decision with it without a word (a CSV lists only the pairs' count)."""
    if meta.get("checksum") == checksum(seen):
        return
    written = meta.get("pairs", "")
    count = int(written) if written.isdigit() else None
    if count is not None and len(seen) < count:
        problem = f"{count - len(seen)} pair(s) of the {count} the sheet was written with missing"
    else:
        problem = f"the record_a / record_b pairs differ from the {written or '?'} the sheet was"
        problem += " written with (an id edited, or a row added?)"
    raise InputFileError(
        path,
        f"{problem} (found {len(seen)}); expected every row the sheet was written with, its "
        "record_a and record_b unchanged (filter rows instead of deleting them)",
        field="record_a",
    )


def decision_files(folder: Path) -> list[Path]:
    """The returned sheets in ``folder`` (.xlsx, .csv), sorted.

    Any other file there (a sheet saved as .ods or .xls, say) is an error rather than being
    ignored, so that no decision is silently lost; so is a folder in it holding sheets (they
    would not be read).
    """
    return sheets.returned_files(folder, "maybe-pair sheet")


def read_returned(
    files: Iterable[Path],
    *,
    review_id: str,
    known_records: Mapping[str, object] | set[str],
    reviewers: Collection[str] | None = None,
) -> tuple[list[Decision], dict[tuple[str, str], Decision]]:
    """Every decision in every returned file, and the notes written on still-undecided pairs
    (each as a blank decision at the first row holding one of its notes).

    One pair decided two ways is an error. Every different note on a pair is kept, joined by
    `` | ``: a decided pair's go with its decision (whichever row or file they were written in),
    an undecided pair's into the next sheet or, once the pair is no longer asked, into
    ``decisions.csv`` (:func:`unasked_notes`), so nothing a person wrote is dropped. A note
    already joined that way counts as its parts, so a returned sheet carrying the earlier notes
    does not repeat them.
    """
    chosen: dict[tuple[str, str], Decision] = {}
    notes: dict[tuple[str, str], list[str]] = {}
    noted: dict[tuple[str, str], Decision] = {}  # the first row with a note on each pair
    for path in files:
        read = read_decision_file(
            path, review_id=review_id, known_records=known_records, reviewers=reviewers
        )
        for item in read:
            key = (item.a, item.b)
            sheets.add_notes(notes.setdefault(key, []), item.notes)
            if item.notes:
                noted.setdefault(key, item)
            if not item.decision:
                continue
            earlier = chosen.get(key)
            if earlier is None:
                chosen[key] = item
            elif earlier.decision != item.decision:
                raise InputFileError(
                    path,
                    f"pair {item.a} / {item.b} is decided {item.decision!r} here but "
                    f"{earlier.decision!r} in {earlier.file}, row {earlier.row}; make them agree",
                    position=f"row {item.row}",
                    field="decision",
                )
    pending = {
        k: replace(noted[k], decision="", notes=sheets.NOTE_JOIN.join(v))
        for k, v in sorted(notes.items())
        if k not in chosen and v
    }
    decided = [
        replace(chosen[k], notes=sheets.NOTE_JOIN.join(notes.get(k, []))) for k in sorted(chosen)
    ]
    return decided, pending


def unasked_notes(
    notes: Mapping[tuple[str, str], Decision], asked: Iterable[tuple[str, str]]
) -> list[Decision]:
    """The notes on undecided pairs that the next sheet does not ask (their records are one
    study now, or no longer a possible duplicate): kept in ``decisions.csv``, blank decision."""
    keep = set(asked)
    return [note for key, note in sorted(notes.items()) if key not in keep]


def read_decisions(
    files: Iterable[Path], *, review_id: str, known_records: Mapping[str, object] | set[str]
) -> list[Decision]:
    """Every decision in every returned file; one pair decided two ways is an error."""
    return read_returned(files, review_id=review_id, known_records=known_records)[0]


DECISION_COLUMNS = (
    "record_a",
    "record_b",
    "decision",
    "file",
    "row",
    "notes",
    "saved_at",
    "decided_by",  # who decided the pair ("" from a sheet without the column)
)


def decisions_csv(decisions: Sequence[Decision], base: Path | None = None) -> str:
    """The consolidated decisions with their provenance (file relative to ``base``; a note
    holding a carriage return stays in its row, :func:`csv_table_text`)."""
    rows = []
    for d in decisions:
        file = Path(d.file)
        if base is not None and file.is_relative_to(base):
            file = file.relative_to(base)
        row = [d.a, d.b, d.decision, file.as_posix(), d.row, d.notes, d.saved_at, d.decided_by]
        rows.append(row)
    return csv_table_text(DECISION_COLUMNS, rows)
