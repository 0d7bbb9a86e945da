r"""RIS exports (Web of Science, Scopus, EBSCOhost, APA PsycNET, Ovid, Lens, Dimensions, Zotero...).

Why a small tokenizer of our own rather than ``rispy.load``: rispy has three verified traps that
lose records or values without a word: a UTF-8 byte-order mark makes it drop the first record
unless the file is opened as ``utf-8-sig``; a last record without ``ER`` is silently dropped; and
with ``enforce_list_tags=True`` only the first of a repeated non-list tag (a second ``SN``, a
second ``AB``) is kept. Its tag pattern also requires exactly ``XX  - ``, so APA PsycNET's
four-character ``PMID  - `` lands in an anonymous bucket. The format itself is simple: a tag line
``^([A-Z][A-Z0-9]{1,3})\s{1,2}-(?: (.*))?$``, a record from ``TY`` to ``ER``, and:

* anything else inside a record continues the previous value (Lens' multi-line ``AB``, a second
  ``UR`` on its own line, WoS' ``Total Times Cited:`` lines);
* a known tag glued onto the end of a value is split off (WoS writes ``...(SSCI)AN  - WOS:...``);
* anything outside a record (Ovid's ``1.`` numbering and links, PsycNET's
  ``Provider:/Database:/Content:`` preamble) is ignored, but a tag there means a record without
  ``TY`` and fails the import; only Ovid's ``NL`` (the NLM journal abbreviation), written on the
  line right after a record's ``ER``, still belongs to that record.

A tokenizer of 40 lines covers all of it, keeps every repeated value, and can say where a
malformed record is. rispy's ``TAG_KEY_MAPPING`` and ``TYPE_OF_REFERENCE_MAPPING`` are still used
as the tag dictionary, so tag meanings follow one shared table.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rispy import TAG_KEY_MAPPING, TYPE_OF_REFERENCE_MAPPING

from livingreview.errors import InputFileError
from livingreview.imports.medline import note_pmid
from livingreview.imports.text import (
    URL,
    Parsed,
    first,
    join_pages,
    joined_fields,
    match_lines,
    normalise_issns,
    pubmed_url_id,
    record_position,
    split_values,
    start_alone,
    warn_cut_short,
)
from livingreview.records import Record, is_group, normalise_doi

TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3})\s{1,2}-(?:\s(.*))?$")
_SCAN = re.compile(r"^TY\s{1,2}-", re.MULTILINE)
#: An end tag without its dash (``ER`` alone on its line), as some writers leave it.
_BARE_END = re.compile(r"^(ER)()\s*$")

#: Tags some exporters use that rispy's table does not know.
_EXTRA_KEYS = {"VO": "volume", "PMID": "pmid"}
#: A known two-letter tag glued to the preceding text (strict ``XX  - `` layout only).
_GLUED = re.compile(r"(?<=\S)([A-Z][A-Z0-9])  - ")
_TAG_PREFIX = re.compile(r"[A-Z0-9]*")  # "PM" before "ID  - " is PsycNET's PMID tag, not glue
_KNOWN_TAGS = frozenset(TAG_KEY_MAPPING) | {"C3", "FU", "FX", "J9", "JI", "PA", "PI", "PU", "WE"}
_SCOPUS_EID = re.compile(r"[?&]eid=([\w.-]+)")
_LABELLED_ID = re.compile(r"^(PMID|PMCID)[:\s]\s*(PMC\d+|\d+)$", re.IGNORECASE)
_EBSCO_AN = re.compile(r"(?:[?&]AN=|Accession Number:\s*)([\w-]+(?:\.[\w-]+)*)")
#: An ``M3`` naming the medium, not the kind of work (TRID writes ``Web`` for every record).
_MEDIUM = re.compile(r"(?:web|print|online|internet|electronic(?: resource)?)", re.IGNORECASE)
#: PsycINFO's classification in Ovid's ``M3``: "Health & Mental Health Treatment ... [3300]".
_CLASSIFICATION = re.compile(r"\[\d{4}\]\s*$")
#: A PMID inside a note (EBSCOhost: ``PMID: 33343428``, ``PMID: NLM23803397``).
_NOTE_PMID = re.compile(r"\bPMID:\s*(?:NLM)?(\d{1,9})\b")
#: A PMCID alone or as a PMC article address.
_PMCID_VALUE = re.compile(
    r"(?:https?://(?:www\.)?(?:ncbi\.nlm\.nih\.gov/pmc|pmc\.ncbi\.nlm\.nih\.gov)/articles/)?"
    r"(PMC\d+)/?"
)
#: Embase's own record id (``U2``).
_EMBASE_ID = re.compile(r"L\d{6,}")
#: CINAHL's journal name ends in its ISSN: "Depression & Anxiety (1091-4269)".
_JOURNAL_ISSN = re.compile(r"\s*\((\d{4}-\d{3}[\dXx])\)\s*$")


@dataclass
class _RawRecord:
    line: int
    fields: list[list[str]] = field(default_factory=list)


def scan(text: str) -> list[int]:
    """Lines where a record starts (``TY`` tag lines), by a plain pattern search."""
    return match_lines(_SCAN, text)


def tokenize(path: Path | str, text: str) -> list[_RawRecord]:
    """Split RIS text into records of ``[tag, value]`` pairs, joining continuation lines."""
    records: list[_RawRecord] = []
    current: _RawRecord | None = None
    closed = 0  # records ended by ER
    ended_at = 0  # line of the last ER
    lines = ((n, part) for n, line in enumerate(text.split("\n"), 1) for part in _unglue(line))
    for number, line in lines:
        match = TAG.match(line) or _BARE_END.match(line)
        if match:
            tag, value = match.group(1), (match.group(2) or "").strip()
            if tag == "TY":
                if current is not None:  # previous record lacks ER: TY still starts a new one
                    records.append(current)
                current = _RawRecord(line=number, fields=[["TY", value]])
            elif current is None and tag == "NL" and records and number == ended_at + 1:
                records[-1].fields.append([tag, value])  # Ovid writes NL just after the ER
            elif current is None:
                raise InputFileError(
                    path,
                    f"tag {tag!r} outside a record: the record has no TY line",
                    position=record_position(len(records) + 1, number),
                    field="TY",
                )
            elif tag == "ER":
                records.append(current)
                current = None
                closed += 1
                ended_at = number
            else:
                current.fields.append([tag, value])
        elif current is not None and line.strip():
            current.fields[-1].append(line.strip())
    if current is not None:  # last record without ER
        if closed and closed == len(records):  # every other one has its ER: the file was cut
            warn_cut_short(path, len(records) + 1, current.line)
        records.append(current)
    _refuse_empty_records(path, records)
    for record in records:
        record.fields = joined_fields(record.fields)
    return records


def _refuse_empty_records(path: Path | str, records: list[_RawRecord]) -> None:
    """Fail on a record that is its ``TY`` line alone (no other tag before the next ``TY`` or its
    ``ER``), as the other tagged readers fail on a record start with nothing after it, naming
    the first such record and the lines of all of them."""
    empty = [(n, raw) for n, raw in enumerate(records, 1) if len(raw.fields) == 1]
    if not empty:
        return
    number, raw = empty[0]
    lines = ", ".join(str(r.line) for _, r in empty[:10]) + (", ..." if len(empty) > 10 else "")
    raise start_alone(
        path,
        "a 'TY'",
        record_position(number, raw.line),
        f"{len(empty)} of the file's {len(records)} record(s) are a TY line alone, at line(s) "
        f"{lines}",
    )


def _unglue(line: str) -> list[str]:
    """Split tags glued onto the end of a value (WoS: ``...(SSCI)AN  - WOS:000...``)."""
    if line.find("  - ", 3) < 0:
        return [line]
    cuts = [
        m.start()
        for m in _GLUED.finditer(line)
        if m.group(1) in _KNOWN_TAGS and not _TAG_PREFIX.fullmatch(line[: m.start()])
    ]
    if not cuts:
        return [line]
    bounds = [0, *cuts, len(line)]
    return [line[a:b] for a, b in itertools.pairwise(bounds)]


def parse(path: Path | str, text: str) -> list[Parsed]:
    """Parse RIS text into records."""
    return [Parsed(raw.line, _build(raw)) for raw in tokenize(path, text)]


def _build(raw: _RawRecord) -> Record:
    """A record from one RIS record's tags."""
    values = _values(raw)
    everything = [v for vs in values.values() for v in vs]
    urls = [u for v in values.get("urls", []) + values.get("LK", []) for u in URL.findall(v)]
    attachments = values.get("file_attachments1", []) + values.get("file_attachments2", [])
    # Zotero and Citavi give a record's PubMed address only among its links (L2)
    links = [u for v in attachments for u in URL.findall(v)]
    embase_id, embase_pmid = _embase_ids(values)
    journal = _one(
        values,
        "alternate_title3",
        "journal_name",
        "secondary_title",
        "alternate_title1",
        "alternate_title2",
    )
    return Record(
        source_id=_source_id(values, urls, embase_id),
        pmid=_pmid(values, everything, urls + links, embase_pmid),
        pmcid=_tagged_id(values, "pmcid", everything, "PMCID") or _bare_pmcid(everything + urls),
        doi=_doi(values, urls + attachments),
        # the translated title (TT) only when there is no other, as MEDLINE's TT and PubMed's
        # VernacularTitle: the record model has one title
        title=_one(values, "title", "primary_title", "BT", "CT", "short_title", "translated_title"),
        abstract=_abstract(values),
        authors=[_spaced_initials(v) for tag, v in raw.fields if tag in ("AU", "A1")],
        year=_one(values, "year", "publication_year", "date"),
        journal=_JOURNAL_ISSN.sub("", journal),
        volume=_one(values, "volume"),
        issue=_one(values, "number"),
        pages=join_pages(
            _one(values, "start_page"),
            _one(values, "end_page"),
            _article_number(_one(values, "custom7")),
        ),
        issn=normalise_issns(values.get("issn", []) + _JOURNAL_ISSN.findall(journal)),
        publication_types=[_publication_type(values)],
        keywords=_keywords(values),
        language=_one(values, "language"),
        url=urls[0] if urls else "",
    )


def _values(raw: _RawRecord) -> dict[str, list[str]]:
    """The values of each of the record's fields, by rispy's name of its tag (the tag itself
    when rispy has no name for it), in file order."""
    values: dict[str, list[str]] = defaultdict(list)
    for tag, value in raw.fields:
        key = _EXTRA_KEYS.get(tag) or TAG_KEY_MAPPING.get(tag, tag)
        values[key].append(value)
    return values


def _one(values: dict[str, list[str]], *keys: str) -> str:
    """The first non-blank value (stripped) of the fields ``keys``, taken in that order."""
    return first(*(v for key in keys for v in values.get(key, [])))


def _pmid(
    values: dict[str, list[str]], everything: list[str], addresses: list[str], embase_pmid: str
) -> str:
    """The PMID, first found of: its tag or a labelled value (:func:`_tagged_id`), a PubMed
    address among ``addresses``, Embase.com's ``embase_pmid``, Scopus' ``C2``, the notes, and
    the Cochrane Library's ``C3``."""
    return (
        _tagged_id(values, "pmid", everything, "PMID")
        or pubmed_url_id(addresses)
        or embase_pmid
        or _scopus_pmid(values)
        or note_pmid(values.get("notes", []), _NOTE_PMID)
        or _cochrane_pmid(values.get("custom3", []))
    )


def _keywords(values: dict[str, list[str]]) -> list[str]:
    """The keywords, split on ``;`` and line breaks, each without a leading ``*``."""
    return [
        kw.lstrip("*").strip() for v in values.get("keywords", []) for kw in split_values(v, ";\n")
    ]


def _abstract(values: dict[str, list[str]]) -> str:
    """The abstracts (not a database's copyright line), else the notes' abstracts."""
    abstracts = [
        v for v in values.get("abstract", []) if not v.lower().startswith("copyright of ")
    ] or values.get("notes_abstract", [])
    return "\n".join(abstracts)


def _publication_type(values: dict[str, list[str]]) -> str:
    """The type of work (not one holding a DOI, a medium or a classification code), else the
    name of the reference type (``TY``)."""
    type_code = _one(values, "type_of_reference")
    type_of_work = _one(values, "type_of_work")
    if (
        normalise_doi(type_of_work)
        or _MEDIUM.fullmatch(type_of_work)
        or _CLASSIFICATION.search(type_of_work)
    ):
        type_of_work = ""
    return type_of_work or TYPE_OF_REFERENCE_MAPPING.get(type_code, type_code)


def _spaced_initials(name: str) -> str:
    """``"Brownstein C D"`` -> ``"Brownstein, C. D."``: EPPI-Reviewer writes a person family
    name first and each initial as a word of its own, without a comma. A name whose last one to
    three words (but not all) are single capitals is read so ("Dos Santos H B"); any other name,
    a group's ("World Health Organization") or one given name first ("Hao Li"), as written."""
    words = name.split()
    count = 0
    while count < len(words) and _single_capital(words[-1 - count]):
        count += 1
    if "," in name or not 0 < count <= 3 or count == len(words) or is_group(name):
        return name
    initials = " ".join(f"{word.rstrip('.')}." for word in words[-count:])
    return f"{' '.join(words[:-count])}, {initials}"


def _single_capital(word: str) -> bool:
    """An initial written alone: one capital letter, with or without its full stop."""
    letter = word.removesuffix(".")
    return len(letter) == 1 and letter.isalpha() and letter.isupper()


def _article_number(value: str) -> str:
    """``C7`` is the article number (Scopus, WoS) unless it is a labelled id like ``PMID 123``."""
    return "" if _LABELLED_ID.match(value) else value


def _doi(values: dict[str, list[str]], addresses: list[str]) -> str:
    """The DOI from its tag, M3 or L3, else from a doi.org address (UR, LK, or the L1/L2 links:
    Ovid's RIS of ERIC gives it only as a file attachment in L1)."""
    candidates = values.get("doi", []) + values.get("type_of_work", []) + values.get("L3", [])
    candidates += [u for u in addresses if "doi.org/" in u]
    for candidate in candidates:
        doi = normalise_doi(candidate)
        if doi:
            return doi
    return ""


#: The Cochrane Library's ids of a record in other databases (``C3  - PUBMED 1,EMBASE 2``).
_COCHRANE_PUBMED = re.compile(r"(?:^|,)\s*PUBMED (\d{1,9})\s*(?=,|$)")


def _cochrane_pmid(values: list[str]) -> str:
    """The PubMed id among the Cochrane Library's ``C3`` ids, else empty."""
    return first(*(m.group(1) for v in values for m in _COCHRANE_PUBMED.finditer(v)))


def _bare_pmcid(values: list[str]) -> str:
    """A PMCID standing alone in a value (EndNote's ``C2  - PMC9097458``) or a PMC article
    address, else empty."""
    for value in values:
        match = _PMCID_VALUE.fullmatch(value.strip())
        if match:
            return match.group(1)
    return ""


def _tagged_id(values: dict[str, list[str]], key: str, everything: list[str], label: str) -> str:
    """An id from its own tag, a ``35957633 [PMID]`` value (Dimensions) or ``PMID 35957633``."""
    own = first(*values.get(key, []))
    if own:
        return own
    suffix = f"[{label}]"
    for value in everything:
        if value.upper().endswith(suffix):
            return value[: -len(suffix)].strip()
        labelled = _LABELLED_ID.match(value)
        if labelled and labelled.group(1).upper() == label:
            return labelled.group(2)
    # DB names the database; EndNote's RIS of PubMed records names only the provider: DP NLM
    database = first(*values.get("name_of_database", []), *values.get("database_provider", []))
    if key == "pmid" and re.search(r"pubmed|medline|\bnlm\b", database, re.IGNORECASE):
        return first(*values.get("accession_number", []))
    return ""


#: Embase.com's address of a record (``UR  - https://www.embase.com/search/results?...``).
_EMBASE_URL = re.compile(r"^https?://(?:www\.)?embase\.com/", re.IGNORECASE)


def _embase_ids(values: dict[str, list[str]]) -> tuple[str, str]:
    """Embase.com's RIS: its own id (``U2  - L373791783``) and the MEDLINE PMID (``C5``).
    A record Embase.com took from MEDLINE alone names only ``DB  - Medline``; its embase.com
    address still makes it Embase.com's."""
    databases = values.get("name_of_database", [])
    if not any(v.strip().casefold() == "embase" for v in databases) and not any(
        _EMBASE_URL.match(v.strip()) for v in values.get("urls", [])
    ):
        return "", ""
    own = first(*(v for v in values.get("U2", []) if _EMBASE_ID.fullmatch(v)))
    pmid = first(*(v for v in values.get("custom5", []) if v.isdigit()))
    return own, pmid


def _scopus_pmid(values: dict[str, list[str]]) -> str:
    """Scopus' RIS writes the record's PubMed ID in ``C2`` (``C2  - 31421429``)."""
    if not any(v.strip().casefold() == "scopus" for v in values.get("name_of_database", [])):
        return ""
    return first(*(v.strip() for v in values.get("custom2", []) if v.strip().isdigit()))


def _source_id(values: dict[str, list[str]], urls: list[str], embase_id: str) -> str:
    """The database's own id: AN, a Scopus EID, an EBSCO accession number, an Embase id, else
    the ID tag."""
    accession = first(*values.get("accession_number", []), embase_id)
    if accession:
        return accession
    for url in urls:
        match = _SCOPUS_EID.search(url)
        if match:
            return match.group(1)
    for value in values.get("notes", []) + urls:
        match = _EBSCO_AN.search(value)
        if match:
            return match.group(1)
    return first(*values.get("id", []))
