"""Ovid tagged exports (MEDLINE, Embase, PsycINFO...): the "Citavi", "EndNote", "RefMan" formats.

These are not RIS although the tag lines look alike (``TI  - ``): there is no ``TY``/``ER``, each
record opens with a ``<12. >`` line (the result number) and a ``VN  - Ovid Technologies`` line,
and tags mean other things (``IS`` is the ISSN, ``SO`` the whole citation, ``UI`` the database's
id, a PubMed id for MEDLINE). Continuation lines are indented (``IN``, ``RF``) or, in the EndNote
variant, start at the margin (abstract paragraphs); blank lines also occur inside a record.

A record starts at a ``<N. >`` line, or at a ``VN`` line when the record before already has
one; the plain scan counts the ``<N. >`` lines (``VN`` lines in a file without them), so a
missing marker fails the import instead of merging two records.

Ovid's display with long field labels (``<8>``, then ``Title`` alone on a line and its value
indented below it) is read too: a record whose first line is no tag line is in that layout,
its labels are turned into the tags (:data:`LONG_LABELS`), and each indented line of a list
field (authors, subject headings) is one value.
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
    match_lines,
    normalise_issns,
    record_position,
    split_values,
    start_alone,
)
from livingreview.records import Record, normalise_doi

MARKER = re.compile(r"^[ \t]*<[ \t]*\d+[ \t]*\.?[ \t]*>[ \t]*$")
_TAG = re.compile(r"^[ \t]?([A-Z][A-Z0-9]{1,3})[ \t]{1,2}-(?:[ \t](.*))?$")
_SCAN_MARKER = re.compile(MARKER.pattern, re.MULTILINE)
_SCAN_VN = re.compile(r"^[ \t]?VN[ \t]{1,2}-", re.MULTILINE)
#: PsycINFO's label after a title: ``... depression. [References].``
#: Journals@Ovid's: ``... a systematic review.[Review]``.
_TITLE_LABEL = re.compile(
    r"\s*\[(?:References|Article|Report|Miscellaneous(?: Article)?|Review|Editorial|Letter)\]"
    r"\.?\s*$"
)
_AUTHOR_ROLE = re.compile(r"\s*\[[^\]]*\]\s*$")  # BIOSIS: ``Walsdorf, Neill B. [Inventor]``
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
#: Volume, issue and pages inside the ``SO`` citation: MEDLINE ``12(3):123-130``, PsycINFO
#: ``Vol.43(5), Sep 2015, pp. 623-634``, Embase ``45 (3) (pp 123-130)``.
_SOURCE_PARTS = (
    re.compile(r"\.\s+(?P<volume>\d+)\((?P<issue>[^)]*)\):(?P<pages>[\w-]+)"),
    re.compile(r"Vol\.\s*(?P<volume>[\w-]+)(?:\((?P<issue>[^)]*)\))?.*?pp\.\s*(?P<pages>[\w-]+)"),
    # PsycINFO's article number: "Vol.14(4), Jul 2012, ArtID e110."
    re.compile(r"Vol\.\s*(?P<volume>[\w-]+)(?:\((?P<issue>[^)]*)\))?.*?ArtID\s*(?P<pages>[\w-]+)"),
    re.compile(r"\.\s+(?P<volume>\d+)\s+\((?P<issue>[^)]*)\)\s+\((?:pp\s+)?(?P<pages>[^)]*)\)"),
)


#: Ovid's long field labels and the tags they stand for (the labelled display of MEDLINE,
#: Embase, PsycINFO and Journals@Ovid records). Labels not listed are kept under themselves.
LONG_LABELS = {
    "Unique Identifier": "UI",
    "Accession Number": "AN",
    "Author": "AU",
    "Authors": "AU",
    "Authors Full Name": "FA",
    "Title": "TI",
    "Book Title": "BT",
    "Source": "SO",
    "Abstract": "AB",
    "Author Keywords": "KW",
    "Keyword Heading": "KW",
    "MeSH Subject Headings": "MH",
    "Language": "LG",
    "Publication Type": "PT",
    "Document Type": "DT",
    "ISSN": "IS",
    "ISSN Print": "IS",
    "ISSN Electronic": "IS",
    "ISSN Linking": "IS",
    "DOI Number": "DO",
    "Digital Object Identifier": "DO",
    "Year of Publication": "YR",
    "Database": "DB",
    "Journal Name": "JN",
    "Volume": "VO",
    "Issue/Part": "IP",
    "Page": "PG",
    "Pagination": "PG",
    "MEDLINE PMID": "PM",
    "PubMed Central Identifier": "PM",
    "Link to the Ovid Full Text or citation": "XL",
    "URL": "UR",
}
_KNOWN_TAGS = frozenset(LONG_LABELS.values())
#: Long-label fields whose indented lines are one value each.
_LIST_TAGS = frozenset({"AU", "FA", "KW", "MH", "PT", "DT", "IS"})
#: Journals@Ovid's author line: ``Holstiege, Jakob 1;  Verbeek, Jan MD *`` (affiliation marks,
#: degrees after the name).
_AUTHOR_MARKS = re.compile(
    r"(?:,?\s+(?:MD|PhD|MSc|MPH|MBBS|MBChB|RN|BSc|MS|MA|PharmD|DrPH|FRCS|FRCP|FACS|[*+#]+|\d+))+$"
)


@dataclass
class _RawRecord:
    line: int
    fields: list[list[str]] = field(default_factory=list)
    long_labels: bool = False


def scan(text: str) -> list[int]:
    """Lines where a record starts: ``<N. >`` lines, or ``VN`` lines in a file without them."""
    return match_lines(_SCAN_MARKER, text) or match_lines(_SCAN_VN, text)


def tokenize(path: Path | str, text: str) -> list[_RawRecord]:
    """Split Ovid tagged text into records of ``[tag, value]`` pairs."""
    records: list[_RawRecord] = []
    current: _RawRecord | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if MARKER.match(line):
            _close(path, current, records)
            current = _RawRecord(number)
            continue
        if current is not None and _long_label_line(current, line):
            current.long_labels = True
            current.fields.append([LONG_LABELS.get(line.strip(), line.strip()), ""])
            continue
        match = None if current is not None and current.long_labels else _TAG.match(line)
        if match:
            tag, value = match.group(1), (match.group(2) or "").strip()
            if current is None or (tag == "VN" and any(f[0] == "VN" for f in current.fields)):
                if current is None and tag != "VN":
                    raise InputFileError(
                        path,
                        f"tag {tag!r} outside a record: no '<N. >' line or 'VN  - ' line "
                        "starts its record",
                        position=record_position(len(records) + 1, number),
                        field=tag,
                    )
                _close(path, current, records)
                current = _RawRecord(number)
            current.fields.append([tag, value])
        elif current is not None and current.fields and line.strip():
            current.fields[-1].append(line.strip())
    _close(path, current, records)
    for raw in records:
        raw.fields = joined_fields(raw.fields)
    for number, raw in enumerate(records, start=1):
        if raw.long_labels and not any(tag in _KNOWN_TAGS for tag, _ in raw.fields):
            raise InputFileError(
                path,
                f"no Ovid tag line ('TI  - ...') or field label ('Title') after the record line, "
                f"but {raw.fields[0][0][:40]!r}",
                position=record_position(number, raw.line),
            )
    return [_split_long_lists(raw) for raw in records]


def _long_label_line(record: _RawRecord, line: str) -> bool:
    """A long field label: at the margin, in a record whose first line was no tag line."""
    if not line.strip() or line[0].isspace():
        return False
    return record.long_labels or (not record.fields and not _TAG.match(line))


def _split_long_lists(raw: _RawRecord) -> _RawRecord:
    """In the long-label layout, one value per indented line of a list field."""
    if not raw.long_labels:
        return raw
    fields = []
    for tag, value in raw.fields:
        lines = [v for v in value.split("\n") if v.strip()] if tag in _LIST_TAGS else [value]
        if tag == "AU" and len(lines) == 1:  # Journals@Ovid: all on one line
            lines = [_AUTHOR_MARKS.sub("", a).strip() for a in lines[0].split(";")]
        fields.extend([tag, v.strip()] for v in lines if v.strip())
    return _RawRecord(raw.line, fields, long_labels=True)


def _close(path: Path | str, record: _RawRecord | None, records: list[_RawRecord]) -> None:
    """Add a finished record; one with no tag line, or none but the ``VN  - Ovid Technologies``
    line opening every record, fails as a record start with nothing after it."""
    if record is not None and record.fields and all(f[0] == "VN" for f in record.fields):
        raise start_alone(path, "a 'VN'", record_position(len(records) + 1, record.line))
    close_record(path, record, records, "'<N. >' record")


def parse(path: Path | str, text: str) -> list[Parsed]:
    """Parse Ovid tagged text into records."""
    return [Parsed(raw.line, _build(raw)) for raw in tokenize(path, text)]


def _build(raw: _RawRecord) -> Record:
    values: dict[str, list[str]] = defaultdict(list)
    for tag, value in raw.fields:
        values[tag].append(" ".join(value.split()) if tag != "AB" else value)

    def one(*tags: str) -> str:
        return first(*(v for tag in tags for v in values.get(tag, [])))

    source = one("SO")
    types = values.get("DT") or values.get("PT", [])
    volume, issue, pages = _source_parts(source)
    page_field = one("PG")
    urls = [u for tag in ("UR", "XL") for v in values.get(tag, []) for u in URL.findall(v)]
    dois = [normalise_doi(v) for v in values.get("DO", []) + values.get("DI", [])]
    years = [m.group(1) for v in (one("DP"), source) for m in [_YEAR.search(v)] if m]
    pmid, pmcid = _pubmed_ids(values)
    return Record(
        source_id=first(_accession(one("AN")), one("UI")),
        pmid=pmid,
        pmcid=pmcid,
        doi=first(*dois),
        title=_TITLE_LABEL.sub("", one("TI", "BT")),
        abstract="\n".join(values.get("AB", [])),
        authors=[_AUTHOR_ROLE.sub("", a) for a in values.get("FA") or values.get("AU", [])],
        year=first(one("YR"), *years),
        journal=first(one("JN", "JT", "JA"), _source_title(source, types)),
        volume=first(one("VO", "VI"), volume),
        issue=first(one("IP"), issue),
        pages=join_pages(page_field) if re.search(r"\d", page_field) else pages,
        issn=normalise_issns(values.get("IS", []) + values.get("IT", [])) or one("IB"),
        publication_types=types,
        keywords=[k.lstrip("*") for k in values.get("MH", [])]
        + [k for v in values.get("KW", []) for k in split_values(v, ";")],
        language="; ".join(v.removesuffix(".") for v in values.get("LG", [])),  # "English."
        url=urls[0] if urls else "",
    )


def _source_parts(source: str) -> tuple[str, str, str]:
    """Volume, issue and pages read from the ``SO`` citation, for records without VO/IP/PG."""
    for pattern in _SOURCE_PARTS:
        match = pattern.search(source)
        if match:
            pages = match.group("pages") or ""
            pages = "" if not re.search(r"\d", pages) else pages  # "(no pagination)"
            return match.group("volume") or "", match.group("issue") or "", pages
    return "", "", ""


def _source_title(source: str, types: list[str]) -> str:
    """The journal at the head of ``SO`` (``Journal. 12(3):...``); not for books (editors first)."""
    if any(re.search(r"book|chapter", t, re.IGNORECASE) for t in types):
        return ""
    return re.split(r"\.\s", source, maxsplit=1)[0].removesuffix(".")  # "Journal. " alone


def _accession(value: str) -> str:
    """The id in ``AN``: PsycINFO writes ``Peer Reviewed Journal: 2015-33942-012.``."""
    return value.rsplit(": ", 1)[-1].rstrip(". ")


def _pubmed_ids(values: dict[str, list[str]]) -> tuple[str, str]:
    """PMID and PMCID: ``PM`` (Embase, PsycINFO), or ``UI``/``AN`` of a MEDLINE record."""
    pm = [v for v in values.get("PM", []) if v]
    pmcid = next((v for v in pm if v.upper().startswith("PMC")), "")
    pmid = next((v for v in pm if v.isdigit()), "")
    database = first(*values.get("DB", []))
    if not pmid and re.search(r"medline|pubmed", database, re.IGNORECASE):
        pmid = next((v for v in values.get("UI", []) + values.get("AN", []) if v.isdigit()), "")
    return pmid, pmcid
