"""EndNote/Refer tagged text (``.enw``): EndNote's export, Google Scholar's "Import into EndNote",
many publishers' "Download citation", RefWorks.

Layout: a tag line is ``%`` plus one character, a space and the value (``%A`` once per author); a
``%0 Journal Article`` line opens a record, and a file without any ``%0`` line has one record per
blank-line-separated block. A line without a tag continues the previous field (a wrapped title, an
abstract's next paragraph). Tags read: ``%0`` type, ``%A`` author, ``%T`` title (``%Q`` translated
title when there is none), ``%J`` journal (``%B`` secondary title when there is none), ``%D`` year
(``%8`` date when there is none), ``%V`` volume, ``%N`` issue, ``%P`` pages (``%]`` article number),
``%R`` DOI (or a doi.org ``%U``), ``%X`` abstract, ``%K`` keywords (one per line or
``;``-separated), ``%@`` ISSN/ISBN, ``%M`` accession number (a PMID when ``%~``/``%W`` names
PubMed), ``%2`` PMCID, ``%G`` language, ``%U`` URL.

In a file whose first tag line is ``%0``, a block after a blank line that starts with another tag
is a record whose ``%0`` line is missing: it fails the import rather than being merged into the
record before. A file whose first tag line is another tag (the AIS eLibrary writes ``%T`` first,
then ``%0`` in some records only) has one record per block, its ``%0`` line (if any) inside it; a
second ``%0`` or ``%T`` line in one block fails the import (two records without a blank line
between them).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from livingreview.errors import InputFileError
from livingreview.imports.text import (
    URL,
    Parsed,
    close_record,
    first,
    join_pages,
    joined_fields,
    normalise_issns,
    pubmed_url_id,
    record_position,
    split_values,
)
from livingreview.records import Record, normalise_doi

#: A tag line: ``%`` and one character, then a space and the value (or nothing).
TAG = re.compile(r"^%(\S)(?:[ \t]+(.*))?$")
_TYPE_LINE = re.compile(r"^%0(?:[ \t]|$)", re.MULTILINE)
_ANY_TAG = re.compile(r"^%\S(?:[ \t]|$)")
_PUBMED_DATABASE = re.compile(r"pubmed|medline|\bnlm\b", re.IGNORECASE)


@dataclass
class _RawRecord:
    line: int
    kind: str = ""  # the %0 value
    fields: list[list[str]] = field(default_factory=list)


def opens_with_type(text: str) -> bool:
    """Whether records open with their ``%0`` line (the file's first tag line is one)."""
    first_tag = next((line for line in text.split("\n") if _ANY_TAG.match(line)), "")
    return bool(_TYPE_LINE.match(first_tag))


def scan(text: str) -> list[int]:
    """Lines where a record starts: every ``%0`` line when records open with one, else every
    block's first tag line."""
    lines = text.split("\n")
    if opens_with_type(text):
        return [n for n, line in enumerate(lines, 1) if _TYPE_LINE.match(line)]
    starts: list[int] = []
    blank = True
    for number, line in enumerate(lines, 1):
        if blank and _ANY_TAG.match(line):
            starts.append(number)
        blank = not line.strip()
    return starts


def tokenize(path: Path | str, text: str) -> list[_RawRecord]:
    """Split Refer text into records of ``[tag, value]`` pairs, joining continuation lines."""
    typed = opens_with_type(text)
    records: list[_RawRecord] = []
    current: _RawRecord | None = None
    after_blank = True
    for number, line in enumerate(text.split("\n"), 1):
        match = TAG.match(line)
        if match:
            tag, value = match.group(1), (match.group(2) or "").strip()
            if tag == "0" if typed else after_blank:
                close_record(path, current, records, "'%0'")
                current = _RawRecord(number, value) if tag == "0" else _RawRecord(number)
                if tag != "0":
                    current.fields.append([tag, value])
            elif current is None or after_blank:
                close_record(path, current, records, "'%0'")
                raise InputFileError(
                    path,
                    f"a record starting with a '%{tag}' line but no '%0' line (the type line "
                    "that starts every other record of this file): missing, or a blank line "
                    "inside the record before it?",
                    position=record_position(len(records) + 1, number),
                    field="%0",
                )
            elif tag == "0":
                _once_a_block(path, current, "0", len(records) + 1, number)
                current.kind = value
            else:
                if not typed and tag == "T":
                    _once_a_block(path, current, "T", len(records) + 1, number)
                current.fields.append([tag, value])
        elif line.strip():
            if current is None:
                raise InputFileError(
                    path,
                    "text outside a record: expected a '%0 Type' line or another '%X value' "
                    "tag line first",
                    position=f"line {number}",
                )
            if current.fields:
                current.fields[-1].append(line.strip())
            else:
                current.kind += " " + line.strip()
        after_blank = not line.strip()
    close_record(path, current, records, "'%0'")
    for raw in records:
        raw.fields = joined_fields(raw.fields)
    return records


def _once_a_block(path: Path | str, record: _RawRecord, tag: str, index: int, number: int) -> None:
    """Fail on a record's second ``%0`` or ``%T`` line (records are blank-line blocks here)."""
    seen = record.kind if tag == "0" else any(f[0] == tag for f in record.fields)
    if seen:
        raise InputFileError(
            path,
            f"a second '%{tag}' line in one record: records of this file are separated by "
            "blank lines; is one missing before this line?",
            position=record_position(index, number),
            field=f"%{tag}",
        )


def parse(path: Path | str, text: str) -> list[Parsed]:
    """Parse Refer text into records."""
    return [Parsed(raw.line, _build(raw)) for raw in tokenize(path, text)]


def _build(raw: _RawRecord) -> Record:
    values: dict[str, list[str]] = defaultdict(list)
    for tag, value in raw.fields:
        values[tag].append(value)

    def one(*tags: str) -> str:
        return first(*(v for tag in tags for v in values.get(tag, [])))

    urls = [u for v in values.get("U", []) for u in URL.findall(v)]
    accession = one("M")
    database = one("~", "W")
    pubmed = accession.isdigit() and _PUBMED_DATABASE.search(database)
    pmid = accession if pubmed else pubmed_url_id(urls)  # else a PubMed address names it
    return Record(
        source_id=accession,
        pmid=pmid,
        pmcid=next((v for v in values.get("2", []) if re.fullmatch(r"PMC\d+", v)), ""),
        doi=_doi(values.get("R", []) + [u for u in urls if "doi.org/" in u]),
        # the translated title (%Q) only when there is no other, as RIS's TT: one title
        title=one("T", "Q"),
        abstract=one("X"),
        authors=[v for tag, v in raw.fields if tag == "A" and v],
        year=one("D", "8"),
        journal=one("J", "B"),
        volume=one("V"),
        issue=one("N"),
        pages=join_pages(one("P"), "", one("]")),
        issn=normalise_issns(values.get("@", [])),
        publication_types=[raw.kind] if raw.kind else [],
        keywords=[k for v in values.get("K", []) for k in split_values(v, ";\n")],
        language=one("G"),
        url=urls[0] if urls else "",
    )


def _doi(candidates: list[str]) -> str:
    """The first candidate that holds a DOI, normalised."""
    return next((doi for doi in map(normalise_doi, candidates) if doi), "")
