"""The library's ``records.csv``, reusing last round's row of every study the round left alone.

A study's row (:func:`livingreview.dedup.merge.merged_row`) depends only on its study id, its
anchor, its records in order, and the code that merges and writes them. After writing
``records.csv`` the library step keeps, in ``<outputs>/.cache/library/rows.json``:

* ``code``: a digest of that code (and of the Python version, whose ``csv`` writes the row);
* ``records``: the SHA-256 of the ``records.csv`` written, of which ``records.csv`` beside it is
  a copy (a hard link where the file system allows): Snakemake deletes a rule's outputs before
  it runs the rule again, so last round's ``outputs/library/records.csv`` is gone by then;
* ``snapshots``: the version and ``records.csv`` SHA-256 of every round snapshot the library was
  built from, its own round's included (together they hold every record of the library);
* ``studies``: each study's id, anchor, record ids and where its row is in ``records.csv``.

The next round reuses the text of a study's row only when the cache's snapshots are exactly the
earlier rounds it reads (so every earlier record is the record that row was merged from),
its copy of ``records.csv`` is the file it describes, the code digest matches, and the study has the
same id, anchor and records (in the same order), none of them new or changed in this round.
Anything else (no cache, a damaged one, a re-run of a round) merges every study again.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import sys
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from livingreview.dedup.merge import MERGE_EXTRA_COLUMNS, merged_row
from livingreview.fileio import atomic_write_text, keep_copy, source_digest
from livingreview.records import COLUMNS, Record

log = logging.getLogger("livingreview.dedup")

CACHE = Path(".cache") / "library" / "rows.json"
CACHED_RECORDS = "records.csv"  # beside CACHE
LIBRARY_COLUMNS = COLUMNS + MERGE_EXTRA_COLUMNS
# The modules whose code decides a study's row, by path relative to the livingreview package:
# the merge, the record model and every module of the package they import (a test checks it).
ROW_MODULES = (
    "records.py",
    "register_ids.py",
    "dedup/merge.py",
    "dedup/normalise.py",
    "dedup/journals.py",
    "dedup/model.py",
    "dedup/register_links.py",
    "dedup/library.py",
    "dedup/library_rows.py",
)
Snapshots = Sequence[tuple[str, str]]


class Row(NamedTuple):
    """Where one study's row is in ``records.csv`` (bytes), and what it was merged from."""

    study_id: str
    anchor: str
    members: list[str]
    start: int
    end: int


@dataclass
class Reusable:
    """Last round's ``records.csv`` and its rows by study id."""

    data: bytes
    rows: dict[str, Row]


def code_digest() -> str:
    """A digest of the code that merges and writes a study's row, and of the Python version."""
    package = Path(__file__).resolve().parent.parent
    return source_digest((package / name for name in ROW_MODULES), sys.version)[:16]


def records_csv(
    studies: Mapping[str, Sequence[Record]],
    anchor_of: Mapping[str, str],
    touched: Set[str],
    reusable: Reusable | None,
) -> tuple[bytes, list[Row]]:
    """``records.csv`` (UTF-8, rows sorted by study id) and each row's place in it.

    ``touched``: record ids new or changed in this round; a study holding one is merged again.
    """
    pieces = _Pieces()
    writer = csv.writer(pieces, lineterminator="\n")
    position = writer.writerow(LIBRARY_COLUMNS)
    old = reusable.rows if reusable is not None else {}
    data = memoryview(reusable.data if reusable is not None else b"")  # slices without copies
    rows, merged = [], 0
    for sid in sorted(studies):
        records, anchor = studies[sid], anchor_of[sid]
        members = [r.record_id for r in records]
        kept, prefix = old.get(sid), f"{anchor},".encode()
        if (
            kept is not None
            and kept.anchor == anchor
            and kept.members == members
            and touched.isdisjoint(members)
            and data[kept.start : kept.start + len(prefix)] == prefix  # the row is the anchor's
        ):
            size = pieces.keep(data[kept.start : kept.end])
        else:
            row = merged_row(sid, records, anchor)
            size = writer.writerow([row[c] for c in LIBRARY_COLUMNS])
            merged += 1
        rows.append(Row(sid, anchor, members, position, position + size))
        position += size
    log.info("library: %d studies merged, %d rows kept from last round", merged, len(rows) - merged)
    return b"".join(pieces.parts), rows


class _Pieces:
    """A sink for ``csv.writer`` that keeps what it is given as UTF-8, piece by piece."""

    def __init__(self) -> None:
        self.parts: list[bytes | memoryview] = []

    def write(self, text: str) -> int:
        return self.keep(text.encode("utf-8"))

    def keep(self, data: bytes | memoryview) -> int:
        self.parts.append(data)
        return len(data)


def save(
    cache: Path, written: Path, data: bytes, rows: Sequence[Row], snapshots: Snapshots
) -> None:
    """Keep ``records.csv`` (``written``, holding ``data``) and its rows for the next round (see
    the module docstring)."""
    keep_copy(written, cache.with_name(CACHED_RECORDS), data)
    payload = {
        "code": code_digest(),
        "records": hashlib.sha256(data).hexdigest(),
        "snapshots": [list(s) for s in snapshots],
        "studies": [[r.study_id, r.anchor, r.members, r.start, r.end] for r in rows],
    }
    atomic_write_text(
        cache, json.dumps(payload, ensure_ascii=False, separators=(",", ":")), durable=False
    )


def load(cache: Path, snapshots: Snapshots) -> Reusable | None:
    """The rows of the cache's copy of ``records.csv`` that the cache vouches for, or None when
    it does not apply: absent, damaged, written by other code or from other snapshots, or the
    copy changed since."""
    try:
        payload = json.loads(cache.read_text(encoding="utf-8"))
        if payload["code"] != code_digest() or payload["snapshots"] != [list(s) for s in snapshots]:
            return None
        data = cache.with_name(CACHED_RECORDS).read_bytes()
        if hashlib.sha256(data).hexdigest() != payload["records"]:
            return None
        rows = [Row(s, a, list(m), int(i), int(j)) for s, a, m, i, j in payload["studies"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Reusable(data, {r.study_id: r for r in rows}) if _tiles(rows, data) else None


def _tiles(rows: Sequence[Row], data: bytes) -> bool:
    """Whether the rows cover the file after its header line end to end, one line end each."""
    position = data.find(b"\n") + 1
    for row in rows:
        if row.start != position or row.end <= row.start or data[row.end - 1] != ord("\n"):
            return False
        position = row.end
    return position == len(data) and position > 0
