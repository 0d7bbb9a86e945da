"""The checks every returned sheet goes through, whatever it holds (screening decisions,
conflict resolutions, full-text, extraction or risk-of-bias forms).

A sheet's hidden ``_meta`` says which review, kind, stage, round and reviewer it was written for
and lists its ids under a checksum; each check raises one
:class:`~livingreview.errors.InputFileError` naming the file, the field and what was expected.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

from livingreview import sheets
from livingreview.errors import InputFileError


def reasons_hint(stage: str) -> str:
    """What an unknown exclusion reason of a returned sheet is checked against, for its error:
    a reason the protocol renamed or removed after the sheet was returned is unknown too."""
    return (
        f" (the ids and labels of exclusion_reasons.{stage} in the protocol: a reason renamed "
        "or removed there after this sheet was returned must stay listed)"
    )


def require_columns(returned: sheets.ReturnedSheet, names: Sequence[str], what: str) -> None:
    """Each of the columns ``names`` must be in the sheet's header; the error names those that
    are not (``what``: the sheet expected, e.g. "a screening sheet")."""
    missing = [name for name in names if not returned.table or name not in returned.header]
    if missing:
        raise InputFileError(
            returned.path,
            f"missing column(s) {', '.join(repr(name) for name in missing)} (expected the "
            f"header of {what}: put the column back, blank where nothing was typed)",
            position=returned.header_position,
        )


def require_meta(returned: sheets.ReturnedSheet, what: str) -> dict[str, str]:
    """The sheet's metadata; a file without any was not written by the pipeline."""
    if returned.meta is None:
        raise InputFileError(
            returned.path,
            "no sheet metadata (the hidden sheet '_meta' of the .xlsx, or the first line "
            f"'{sheets.CSV_META_PREFIX} ...' of the .csv); return the {what} as it was written",
        )
    return returned.meta


def expect_meta(returned: sheets.ReturnedSheet, key: str, want: str, hint: str = "") -> str:
    """``_meta[key]`` must be ``want`` (``hint`` says where such a sheet belongs)."""
    value = (returned.meta or {}).get(key, "")
    if value != want:
        raise InputFileError(
            returned.path,
            f"sheet is for {key} {value!r}, expected {want!r}" + (f" ({hint})" if hint else ""),
            field=key,
        )
    return value


#: How a reviewer who left the team keeps what they returned (named in the error).
LEFT_HINT = (
    "a reviewer who left the team stays listed in 'reviewers' without the role (roles: []) so "
    "that the sheets they returned for earlier rounds are still read"
)


def meta_number(returned: sheets.ReturnedSheet, key: str) -> int:
    """``_meta[key]`` as a whole number."""
    value = (returned.meta or {}).get(key, "")
    if not value.isdigit():
        raise InputFileError(
            returned.path,
            f"metadata {key!r} is {value!r}, expected a whole number; return the sheet as written",
            field=key,
        )
    return int(value)


def expect_round(returned: sheets.ReturnedSheet, current_round: int) -> int:
    """The sheet's round: one the library has reached."""
    number = meta_number(returned, "round")
    if not 1 <= number <= current_round:
        raise InputFileError(
            returned.path,
            f"sheet is for round {number}, expected a round from 1 to {current_round} "
            "(the library's current round)",
            field="round",
        )
    return number


def expect_reviewer(
    returned: sheets.ReturnedSheet,
    reviewers: Sequence[str],
    hint: str = "",
    earlier: Sequence[str] = (),
    former: Sequence[str] = (),
) -> str:
    """The sheet's reviewer: one of ``reviewers``, or of ``earlier`` (reviewers who no longer
    hold the role, whose sheets of earlier rounds are still read; the caller passes them only
    for such a sheet). ``former``: every listed reviewer without the role, whatever the round
    (one of them is told why their sheet is not read, not to stay listed)."""
    reviewer = (returned.meta or {}).get("reviewer", "")
    if reviewer not in reviewers and reviewer not in earlier:
        raise InputFileError(
            returned.path,
            f"sheet is for reviewer {reviewer!r}, expected one of "
            f"{', '.join(reviewers) or '(none)'}"
            + (f" ({hint})" if hint else "")
            + f"; {_why_not_read(reviewer, former)}",
            field="reviewer",
        )
    return reviewer


def _why_not_read(reviewer: str, former: Sequence[str]) -> str:
    """What to do about a sheet of a reviewer who may not return it: :data:`LEFT_HINT`, unless
    they are listed without the role already."""
    if reviewer not in former:
        return LEFT_HINT
    return (
        f"{reviewer!r} is listed in 'reviewers' without this role, so only sheets of theirs for "
        "earlier rounds are read; give them the role for this sheet to be read"
    )


def check_listed_ids(returned: sheets.ReturnedSheet, editable: str) -> None:
    """The id list in ``_meta`` must still match its checksum and count (``editable`` names
    what a person may fill in)."""
    if returned.ids is None:
        return
    meta = returned.meta or {}
    if meta.get("checksum") != sheets.checksum(returned.ids) or meta.get("records") != str(
        len(returned.ids)
    ):
        raise InputFileError(
            returned.path,
            "the hidden sheet '_meta' was edited (checksum mismatch); return the sheet as it "
            f"was written, with only {editable} filled in",
        )


def check_every_row(
    returned: sheets.ReturnedSheet,
    seen: Iterable[str],
    id_column: str,
    rows: tuple[str, str] = ("row", "rows"),
) -> None:
    """Every row the sheet was written with is still there (``rows``: what one and several rows
    are called in the message).

    An .xlsx lists its ids in ``_meta``; a CSV has only their checksum and count.
    """
    found = set(seen)
    if returned.ids is not None:
        missing = sorted({key[0] for key in returned.ids} - found)
        if missing:
            raise InputFileError(
                returned.path,
                f"{len(missing)} {rows[len(missing) != 1]} of the sheet missing (first: "
                f"{missing[0]}); expected every row the sheet was written with (filter rows "
                "instead of deleting them)",
                field=id_column,
            )
        return
    meta = returned.meta or {}
    if meta.get("checksum") != sheets.checksum((i,) for i in found):
        raise InputFileError(
            returned.path,
            f"the {id_column} values differ from the {meta.get('records', '?')} the sheet was "
            f"written with (found {len(found)}): expected every row, with its {id_column} "
            "unchanged",
            field=id_column,
        )


def unread_columns(
    returned: sheets.ReturnedSheet, written: Iterable[str]
) -> list[tuple[str, list[int]]]:
    """(name, rows holding a value) of each column not in ``written`` (the sheet's columns,
    casefolded) that holds values: nothing in it is read."""
    known = frozenset(written)
    found = []
    for name, index in returned.header.items():
        if not name or name in known:
            continue
        filled = [n for n, row in returned.numbered() if index < len(row) and row[index].strip()]
        if filled:
            found.append((name, filled))
    return found


def warn_own_columns(
    returned: sheets.ReturnedSheet,
    file: str,
    written: Iterable[str],
    what: str,
    log: logging.Logger,
    item: str = "study",
) -> None:
    """Log each column of the reviewer's own (not in ``written``, the sheet's columns,
    casefolded) that holds values: it is never read, so a note typed there would be lost
    without a word (the later stages' forms too, :mod:`livingreview.reviewforms`); ``item``:
    what a row is about."""
    for name, filled in unread_columns(returned, written):
        log.warning(
            "%s: column %r is no column of the %s and is not read: what it holds in %d "
            "row(s) (row %d first) is not in the review's data; to keep a note with its "
            "%s, type it in 'notes'",
            file,
            name,
            what,
            len(filled),
            filled[0],
            item,
        )


def warn_dates(
    returned: sheets.ReturnedSheet,
    number: int,
    values: Mapping[str, str],
    texts: Sequence[str],
    log: logging.Logger,
) -> None:
    """Log each free-text cell of a row that the file holds as a date or time: a spreadsheet
    program makes one of text such as ``1/2`` or ``3-4`` as it is typed, and what was typed
    is gone; the date is stored as text (it may be what was meant)."""
    for column in texts:
        if values.get(column) and returned.typed_as_date(number, column):
            log.warning(
                "%s, row %d, field %r: the cell holds a date or time, stored as %r; a "
                "spreadsheet program turns text such as 1/2 or 3-4 into a date as it is typed: "
                "if other text was meant, type it again with an apostrophe first ('1/2) in a "
                "copy of the file saved under a new name",
                returned.path,
                number,
                column,
                values[column],
            )
