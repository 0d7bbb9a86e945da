"""Web of Science tagged exports: "Plain text" ``.txt`` and ``.ciw``.

Layout: a ``FN Clarivate Analytics Web of Science`` / ``VR 1.0`` header, records from ``PT`` to
``ER``, the file closed by ``EF``. A tag is two characters and a space; a line starting with
spaces continues the previous tag. Author tags (``AU``, ``AF``) hold one name per line; other
tags are one value wrapped over lines. rispy's ``WokParser`` raises ``KeyError`` on every tag
missing from its table (``WE``, ``C3``, ``Z8``...), which current exports all have, so the
format is read here directly; it is simpler than RIS.
"""

from __future__ import annotations

import re
from pathlib import Path

from livingreview.errors import InputFileError
from livingreview.imports.text import (
    Parsed,
    first,
    join_pages,
    match_lines,
    normalise_issns,
    record_position,
    split_values,
    start_alone,
    warn_cut_short,
)
from livingreview.records import Record

_SCAN = re.compile(r"^PT ", re.MULTILINE)
_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
_HEADER_TAGS = frozenset({"FN", "VR", "EF"})
#: Tags that hold one item per line (the rest are one value wrapped over several lines).
LINE_LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "CA", "GP", "BE", "CR", "C1", "C3"})
_PUBLICATION_TYPES = {"J": "Journal", "B": "Book", "S": "Book in series", "P": "Patent"}
#: The accession number of a MEDLINE record searched on the Web of Science: its PMID.
_MEDLINE_UT = re.compile(r"MEDLINE:(\d+)")
#: BIOSIS gives an author's e-mail after the name: ``Tingley, Morgan W. (mt@uconn.edu)``.
_AUTHOR_EMAIL = re.compile(r"\s*\([^()\s]+@[^()\s]+\)\s*$")


def scan(text: str) -> list[int]:
    """Lines where a record starts (``PT`` tag lines), by a plain pattern search."""
    return match_lines(_SCAN, text)


def parse(path: Path | str, text: str) -> list[Parsed]:
    """Parse WoS tagged text into records."""
    parsed: list[Parsed] = []
    fields: dict[str, list[str]] | None = None
    start = 0
    last_tag = ""
    closed = 0  # records ended by ER
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip()  # "ER\t": whitespace an editor left after a tag line is nothing
        match = _TAG.match(line)
        if match:
            tag, value = match.group(1), (match.group(2) or "").strip()
            if tag == "PT" or (fields is not None and tag in ("ER", "EF")):
                if fields is not None:  # ER closes; a PT without the previous ER also does
                    parsed.append(_parsed(path, len(parsed) + 1, start, fields))
                    fields = None
                    closed += tag == "ER"
                if tag == "PT":
                    fields, start, last_tag = {"PT": [value]}, number, "PT"
            elif fields is None:
                if tag not in _HEADER_TAGS and tag != "ER":
                    raise InputFileError(
                        path,
                        f"tag {tag!r} outside a record: the record has no PT line",
                        position=record_position(len(parsed) + 1, number),
                        field="PT",
                    )
            else:
                fields.setdefault(tag, []).append(value)
                last_tag = tag
        elif fields is not None and line.strip():
            if line[:1].isspace():
                fields[last_tag].append(line.strip())
            else:
                raise InputFileError(
                    path,
                    f"not a WoS tag or continuation line: {line[:40]!r}",
                    position=record_position(len(parsed) + 1, number),
                )
    if fields is not None:  # last record without ER
        if closed and closed == len(parsed):  # every other one has its ER: the file was cut
            warn_cut_short(path, len(parsed) + 1, start)
        parsed.append(_parsed(path, len(parsed) + 1, start, fields))
    return parsed


def _parsed(path: Path | str, number: int, start: int, fields: dict[str, list[str]]) -> Parsed:
    """Record ``number``, opened by its ``PT`` line at ``start``; a ``PT`` line alone (no other
    tag before the next ``PT`` or its ``ER``) fails, as a record start alone does in the other
    tagged formats, not read as an empty record."""
    if fields.keys() == {"PT"}:
        raise start_alone(path, "a 'PT'", record_position(number, start))
    return Parsed(start, build_record(fields))


def build_record(fields: dict[str, list[str]]) -> Record:
    """A record from WoS tags (tagged lines, or the tab-delimited export's cells)."""

    def text(tag: str) -> str:
        return " ".join(v for v in fields.get(tag, []) if v).strip()

    def names(tag: str) -> list[str]:
        values = fields.get(tag, [])
        # ';'-joined in a tab-delimited cell, and on one AU line of old MEDLINE records
        found = [n for v in values for n in split_values(v, ";")]
        return [_AUTHOR_EMAIL.sub("", n) for n in found if n]

    article_number = re.sub(r"^UNSP\s+", "", text("AR"))
    types = split_values(text("DT"), ";") or [_PUBLICATION_TYPES.get(text("PT"), text("PT"))]
    return Record(
        source_id=first(text("UT"), text("AN")),
        pmid=first(text("PM"), *_MEDLINE_UT.findall(text("UT"))),
        doi=first(text("DI"), text("D2")),
        title=text("TI"),
        abstract=text("AB"),
        authors=names("AF") or names("AU"),
        year=first(text("PY"), text("PD"), text("EA")),
        journal=text("SO"),
        volume=text("VL"),
        issue=text("IS"),
        # PS: the page span of the other Web of Science databases (MEDLINE, BIOSIS, Zoological
        # Record), which have no BP/EP
        pages=join_pages(text("BP"), text("EP"), article_number) or join_pages(text("PS")),
        issn=normalise_issns([text("SN"), text("EI")]) or text("BN"),  # a book: its ISBN
        publication_types=[t for t in types if t],
        keywords=split_values(text("DE"), ";") + split_values(text("ID"), ";"),
        language=text("LA"),
    )
