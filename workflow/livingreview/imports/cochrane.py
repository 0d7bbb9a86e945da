"""Cochrane Library "plain text" exports: CENTRAL trials and Cochrane reviews.

Each record opens with a ``Record #3 of 120`` line, then one ``TAG: value`` line a field:
``ID`` (``CN-01234567`` for CENTRAL, ``CD012345`` for a review), ``AU`` (one author a line),
``TI``, ``SO`` (the journal), ``YR``, ``VL``, ``NO`` (issue), ``PG``, ``PM`` (``PUBMED 123``),
``XR`` (cross-references: ``PUBMED 123``, ``EMBASE 456``), ``PT`` and ``KY`` (``;``-separated),
``DOI``, ``AB`` (a review's without its ``Abstract - `` label), ``US`` (the record's page),
``CC``, ``PB``. A line that is no known tag
continues the field before it (a wrapped abstract whose paragraph starts ``AIM:`` stays text).

The numbering is checked: ``#N`` counts up from 1 within an export and its last record is ``M``
of ``of M``, so a cut download or a record deleted by hand fails the import. Several exports
joined in one file restart at ``#1`` and are each checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from livingreview.errors import InputFileError
from livingreview.imports.text import (
    Parsed,
    close_record,
    first,
    join_pages,
    joined_fields,
    match_lines,
    record_position,
    split_values,
    without_abstract_label,
)
from livingreview.records import Record, normalise_doi

START = re.compile(r"^[ \t]*Record[ \t]*#[ \t]*(\d+)[ \t]+of[ \t]+(\d+)[ \t]*$")
_SCAN = re.compile(r"^[ \t]*Record[ \t]*#", re.MULTILINE)
_TAG = re.compile(r"^([A-Z]{2,3}):(?:[ \t]+(.*)|[ \t]*)$")
#: Tags of the Cochrane Library's plain-text export (CENTRAL and the review databases).
TAGS = frozenset(
    {"ID", "AU", "TI", "SO", "YR", "VL", "NO", "PG", "XR", "PT", "KY", "DOI", "AB", "US", "PM"}
    | {"CC", "PB", "EM", "CR", "IS", "ISS", "ED", "LA", "AN", "CN", "SR"}
)
_PUBMED = re.compile(r"\bPUBMED\b\s*:?\s*(\d{1,9})\b", re.IGNORECASE)


@dataclass
class _RawRecord:
    line: int
    number: int
    total: int
    fields: list[list[str]] = field(default_factory=list)


def scan(text: str) -> list[int]:
    """Lines where a record starts: every ``Record #`` line, by a plain pattern search."""
    return match_lines(_SCAN, text)


def parse(path: Path | str, text: str) -> list[Parsed]:
    """Parse Cochrane Library plain text into records."""
    raws = _tokenize(path, text)
    _check_numbering(path, raws)
    return [Parsed(raw.line, _build(raw)) for raw in raws]


def _tokenize(path: Path | str, text: str) -> list[_RawRecord]:
    records: list[_RawRecord] = []
    current: _RawRecord | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        start = START.match(line)
        if start:
            _close(path, current, records)
            current = _RawRecord(number, int(start.group(1)), int(start.group(2)))
            continue
        if not line.strip():
            continue
        tag = _TAG.match(line.rstrip())
        known = tag is not None and tag.group(1) in TAGS
        if current is None:
            raise InputFileError(
                path,
                f"text before the first 'Record #N of M' line: {line.strip()[:40]!r}",
                position=f"line {number}",
                field=tag.group(1) if known and tag else None,
            )
        if tag and known:
            current.fields.append([tag.group(1), (tag.group(2) or "").strip()])
        elif current.fields:
            current.fields[-1].append(line.strip())
        else:
            raise InputFileError(
                path,
                f"expected a 'TAG: value' line (ID:, AU:, TI: ...), found {line.strip()[:40]!r}",
                position=record_position(len(records) + 1, number),
            )
    _close(path, current, records)
    for raw in records:
        raw.fields = joined_fields(raw.fields)
    return records


def _close(path: Path | str, record: _RawRecord | None, records: list[_RawRecord]) -> None:
    close_record(path, record, records, "'Record #N of M'")


def _check_numbering(path: Path | str, records: list[_RawRecord]) -> None:
    """``#N`` counts 1, 2, 3 ... and ends at ``of M``; a restart at 1 begins another export."""
    for index, raw in enumerate(records):
        before = records[index - 1] if index else None
        expected = 1 if before is None or raw.number == 1 else before.number + 1
        if raw.number != expected or (before and raw.number > 1 and raw.total != before.total):
            raise InputFileError(
                path,
                f"'Record #{raw.number} of {raw.total}' follows "
                + (f"'Record #{before.number} of {before.total}'" if before else "nothing")
                + f"; expected 'Record #{expected}': a record is missing or the file was edited",
                position=record_position(index + 1, raw.line),
            )
        last = index + 1 == len(records) or records[index + 1].number == 1
        if last and raw.number != raw.total:
            raise InputFileError(
                path,
                f"the export ends at 'Record #{raw.number} of {raw.total}': "
                f"{raw.total - raw.number} record(s) missing (a cut download?); export it again",
                position=record_position(index + 1, raw.line),
            )


def _build(raw: _RawRecord) -> Record:
    values: dict[str, list[str]] = {}
    for tag, value in raw.fields:
        values.setdefault(tag, []).append(value if tag == "AB" else " ".join(value.split()))

    def one(tag: str) -> str:
        return first(*values.get(tag, []))

    def listed(tag: str) -> list[str]:
        return [item for value in values.get(tag, []) for item in split_values(value, ";")]

    references = values.get("PM", []) + values.get("XR", [])
    pmids = [m.group(1) for v in references for m in _PUBMED.finditer(v)]
    return Record(
        source_id=one("ID"),
        pmid=first(*pmids),
        doi=first(*(normalise_doi(v) for v in values.get("DOI", []))),
        title=one("TI"),
        abstract=without_abstract_label("\n".join(values.get("AB", []))),
        authors=listed("AU"),
        year=one("YR"),
        journal=one("SO"),
        volume=one("VL"),
        issue=one("NO"),
        pages=join_pages(one("PG")),
        issn=first(one("IS"), one("ISS")),
        publication_types=listed("PT"),
        keywords=listed("KY"),
        language=one("LA"),
        url=one("US"),
    )
