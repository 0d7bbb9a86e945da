"""RefWorks tagged format: what CNKI, ProQuest, EBSCOhost and other databases save as "RefWorks".

Layout: a tag line is a tag (two characters, or PMID, PMCID, U10 ...), a space and the value;
an ``RT Journal Article`` line opens each record (no end line; a blank line between records is
usual). A tag may repeat
(``A1`` once per author, ``K1`` per keyword) or hold several values apart by ``;`` (CNKI's
``A1 Li Hua;Wang Fang``, ``K1 a;b;c``); an author is family name first (``Doe,Jane``), CNKI
leaving out the comma. RefWorks' own export opens with a legend of its tags up to a
``BEGIN EXPORTED REFERENCES`` line; ``PMID`` and ``PMCID`` are tags too. Tags are upper case;
CNKI writes the volume as ``vo``.
A line that is no known tag continues the previous field (an abstract's next paragraph).

Tags read: ``RT`` type, ``A1`` authors, ``T1`` title, ``JF`` journal (``JO`` abbreviation, else
``T2`` the book of a chapter), ``YR`` year (``FD`` date when there is none), ``VO`` volume,
``IS`` issue (not CNKI's ``prepublish``), ``SP``/``OP`` pages (CNKI puts the whole range in
``OP``), ``AB`` abstract, ``K1`` keywords, ``SN`` ISSN/ISBN, ``DO`` DOI (or a DOI link), ``AN``
accession number (a PMID when ``DB``/``DS`` names PubMed; else ``ID``, the reference's id),
``LA`` language, ``LK``/``UL`` link.
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
    split_values,
)
from livingreview.records import Record, is_group, normalise_doi

#: The tags of RefWorks' tagged format (its import specification), CNKI's lower-case ``vo``.
_TAGS = frozenset(
    """RT SR ID A1 A2 A3 A4 A5 A6 T1 T2 T3 JF JO YR FD VO vo IS SP OP K1 AB NO ED PB PP SN AV AD
    AN LA CL SF OT LK DO CN DB DS IP RD ST UL SL LL CR WT WV WP OL PMID PMCID""".split()  # noqa: SIM905
) | {f"U{n}" for n in range(1, 16)}
#: Tags no line of an abstract opens with: written in lower case (``rt``, ``t1``, ``a1``) they are
#: a mangled tag, not text continuing the previous field (CNKI's ``vo`` is read as written).
_UNMISTAKABLE = frozenset(
    "RT SR A1 A2 A3 A4 A5 A6 T1 T2 T3 JF JO YR FD K1 SN LK UL RD PMID PMCID".split()  # noqa: SIM905
) | {f"U{n}" for n in range(1, 16)}
#: A tag and its value (its trailing spaces stripped after the match: a lazy value before them
#: took quadratic time on a value holding a long run of spaces).
_TAG_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9]{1,4})(?:[ \t]+(.*))?$")
#: RefWorks' own export opens with a legend of its tags; the records follow this line.
_LEGEND = re.compile(r"Refworks Export Tagged Format\b", re.IGNORECASE)
_LEGEND_END = "BEGIN EXPORTED REFERENCES"
#: A record's opening line (also what :mod:`.detect` looks for first).
RECORD_START = re.compile(r"^RT[ \t]+\S", re.MULTILINE)
_PUBMED_DATABASE = re.compile(r"pubmed|medline", re.IGNORECASE)


@dataclass
class _RawRecord:
    line: int
    kind: list[str]  # the RT value and any line continuing it
    #: ``[tag, value, continuation lines...]``, joined when the record is built (linear time)
    fields: list[list[str]] = field(default_factory=list)


def looks_like(head: str) -> bool:
    """Whether text (from its first non-blank character) is RefWorks tagged: an ``RT`` line or
    RefWorks' legend first."""
    return bool(RECORD_START.match(head) or _LEGEND.match(head))


def _records_from(path: Path | str, lines: list[str]) -> int:
    """The index of the first line after RefWorks' legend (0 without one)."""
    if not _LEGEND.match("\n".join(lines[:5]).lstrip()):
        return 0
    end = next((i for i, line in enumerate(lines) if line.strip() == _LEGEND_END), None)
    if end is None:
        raise InputFileError(
            path,
            f"RefWorks' tag legend without its closing {_LEGEND_END!r} line (a cut export?)",
            position="line 1",
        )
    return end + 1


def scan(text: str) -> list[int]:
    """Lines where a record starts: every ``RT`` line."""
    return [n for n, line in enumerate(text.split("\n"), 1) if RECORD_START.match(line)]


def _tag(line: str) -> tuple[str, str] | None:
    """A line's known tag and value, else None (a continuation line)."""
    match = _TAG_LINE.match(line)
    if not match or match.group(1) not in _TAGS:
        return None
    return match.group(1).upper(), (match.group(2) or "").rstrip(" \t")


def tokenize(path: Path | str, text: str) -> list[_RawRecord]:
    """Split RefWorks text into records of ``[tag, value, continuation lines...]``."""
    records: list[_RawRecord] = []
    current: _RawRecord | None = None
    lines = text.split("\n")
    start = _records_from(path, lines)
    for number, line in enumerate(lines[start:], start + 1):
        tagged = _tag(line)
        _refuse_lower_case(path, line, number)
        if tagged and tagged[0] == "RT":
            close_record(path, current, records, "'RT'")
            current = _RawRecord(number, [tagged[1].strip()])
        elif line.strip() and current is None:
            raise InputFileError(
                path,
                "text before the first record: expected an 'RT Type' line first",
                position=f"line {number}",
            )
        elif tagged and current is not None:
            current.fields.append(list(tagged))
        elif line.strip() and current is not None and current.fields:
            current.fields[-1].append(line.strip())
        elif line.strip() and current is not None:
            current.kind.append(line.strip())
    close_record(path, current, records, "'RT'")
    return records


def _refuse_lower_case(path: Path | str, line: str, number: int) -> None:
    """Fail on a tag written in lower case (``t1 A title``): read as text it would join the
    previous field, and an ``rt`` line would merge its record into the one before."""
    match = _TAG_LINE.match(line)
    tag = match.group(1) if match else ""
    if tag.islower() and tag not in _TAGS and tag.upper() in _UNMISTAKABLE:
        raise InputFileError(
            path,
            f"the tag {tag!r} is in lower case: RefWorks writes its tags in capitals "
            f"({tag.upper()!r}; only CNKI's 'vo' is lower case)",
            position=f"line {number}",
        )


def parse(path: Path | str, text: str) -> list[Parsed]:
    """Parse RefWorks tagged text into records."""
    return [Parsed(raw.line, _build(raw)) for raw in tokenize(path, text)]


def _build(raw: _RawRecord) -> Record:
    values: dict[str, list[str]] = defaultdict(list)
    for tag, value in joined_fields(raw.fields):
        values[tag].append(value.strip())

    def one(*tags: str) -> str:
        return first(*(v for tag in tags for v in values.get(tag, [])))

    def many(tag: str) -> list[str]:
        return [part for v in values.get(tag, []) for part in split_values(v, ";\n")]

    urls = [u for tag in ("LK", "UL") for v in values.get(tag, []) for u in URL.findall(v)]
    accession = one("AN")
    pubmed = accession.isdigit() and _PUBMED_DATABASE.search(one("DB", "DS"))
    start, other = one("SP"), one("OP")
    return Record(
        source_id=accession or one("ID"),
        pmid=one("PMID") or (accession if pubmed else pubmed_url_id(urls)),
        pmcid=one("PMCID"),
        doi=next((d for d in map(normalise_doi, values.get("DO", []) + _doi_links(urls)) if d), ""),
        title=one("T1"),
        abstract=one("AB"),
        authors=[_name(a, cnki="CNKI" in one("DS", "DB").upper()) for a in many("A1")],
        year=one("YR") or (m.group() if (m := re.search(r"\d{4}", one("FD"))) else ""),
        journal=one("JF", "JO", "T2"),
        volume=one("VO"),
        issue="" if one("IS").casefold() == "prepublish" else one("IS"),
        pages=join_pages(start or other, other if start else "").rstrip("-"),
        issn=normalise_issns(values.get("SN", [])),
        publication_types=[kind] if (kind := " ".join(filter(None, raw.kind))) else [],
        keywords=many("K1"),
        language=first(*many("LA")),
        url=urls[0] if urls else "",
    )


def _doi_links(urls: list[str]) -> list[str]:
    """The links that name a DOI (``https://doi.org/10...``, CNKI's ``link.cnki.net/doi/10...``)."""
    return [url for url in urls if "/doi" in url.lower() or "doi.org/" in url.lower()]


def _name(name: str, *, cnki: bool) -> str:
    """An ``A1`` name, family first as RefWorks writes it, with a space after its comma
    (``Stansfeld,Stephen``); CNKI leaves the comma out (``Sharma Ashutosh``): it is put back
    after the first word. A group's name is kept as written."""
    words = name.split()
    if cnki and "," not in name and len(words) > 1 and not is_group(name):
        return f"{words[0]}, {' '.join(words[1:])}"
    return re.sub(r",(?=\S)", ", ", name)
