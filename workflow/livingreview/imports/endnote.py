"""EndNote XML exports (``File > Export > XML``), also written by other reference managers.

Layout: ``<xml><records><record>...</record></records></xml>``. A record holds ``<ref-type
name="Journal Article">``, ``<contributors><authors><author>``, ``<titles><title>`` (its
``<translated-title>`` when there is none) and ``<secondary-title>``, ``<periodical><full-title>``,
``<pages>``, ``<volume>``, ``<number>``, ``<dates><year>``, ``<electronic-resource-num>`` (the DOI,
sometimes ``DOI 10...``), ``<abstract>``, ``<accession-num>`` (the database's id: a PMID,
``WOS:...``, an Embase id), ``<isbn>`` (an ISSN for a journal), ``<keywords>``, ``<urls>``. Text may
be split over ``<style face=...>`` runs (italic words in a title), which are joined.

Parsed with the standard library's expat through :mod:`.xml_tree`; the file is refused when it
declares a DTD or entities (``<!DOCTYPE``, ``<!ENTITY``), so nothing outside the file is ever
read or expanded.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from livingreview.errors import InputFileError
from livingreview.imports.text import (
    Parsed,
    first,
    match_lines,
    normalise_issns,
    pubmed_url_id,
    record_position,
)
from livingreview.imports.xml_tree import element_tree, refuse_declarations
from livingreview.records import Record, normalise_doi

_SCAN = re.compile(r"<record[\s>]")
_PUBMED_DATABASE = re.compile(r"pubmed|medline|\bnlm\b", re.IGNORECASE)
#: What EndNote writes first in every record, whatever the reference holds: no field of its own.
_PREAMBLE = frozenset({"database", "source-app", "rec-number", "foreign-keys", "ref-type"})


def scan(text: str) -> list[int]:
    """Lines where a record starts: every ``<record>`` opening tag, by a plain pattern search."""
    return match_lines(_SCAN, text)


def parse(path: Path | str, text: str) -> list[Parsed]:
    """Parse EndNote XML into records."""
    refuse_declarations(path, text, "an EndNote XML export", "the library")
    root, lines = element_tree(path, text, "record")
    records = root.findall("records/record") if root.tag == "xml" else []
    if root.tag == "records":
        records = root.findall("record")
    if root.tag not in ("xml", "records"):
        raise InputFileError(
            path,
            f"not an EndNote XML export: the root element is <{root.tag}>, "
            "expected <xml><records><record>",
            position="line 1",
        )
    for number, record in enumerate(records, 1):
        _refuse_without_fields(path, record, record_position(number, lines.get(id(record), 0)))
    return [Parsed(lines.get(id(r), 0), _build(r)) for r in records]


def _refuse_without_fields(path: Path | str, record: ET.Element, position: str) -> None:
    """Fail on a ``<record>`` holding nothing but what EndNote writes first in every record
    (:data:`_PREAMBLE`: its library, number and type), as the tagged readers fail on a record
    start with nothing after it, not read as an empty record."""
    if any(child.tag not in _PREAMBLE for child in record):
        return
    raise InputFileError(
        path,
        "a <record> with no field after its number and type (an empty reference in the "
        "library, or an edited export?)",
        position=position,
    )


def _text(element: ET.Element | None) -> str:
    """The element's text over all its ``<style>`` runs, whitespace collapsed."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _texts(record: ET.Element, path: str) -> list[str]:
    return [value for value in (_text(e) for e in record.findall(path)) if value]


def _paragraphs(element: ET.Element | None) -> str:
    """Multi-line text (EndNote ends lines with ``&#xD;``): lines kept, each stripped."""
    if element is None:
        return ""
    raw = "".join(element.itertext()).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line for line in (" ".join(x.split()) for x in raw.split("\n")) if line)


def _build(record: ET.Element) -> Record:
    def one(*paths: str) -> str:
        return first(*(_text(record.find(p)) for p in paths))

    accession = one("accession-num")
    database = one("remote-database-name", "remote-database-provider")
    pmcid = next((v for v in _texts(record, "custom2") if re.fullmatch(r"PMC\d+", v)), "")
    ref_type = record.find("ref-type")
    years = re.findall(r"(?<!\d)(?:1[5-9]|20)\d\d(?!\d)", one("dates/year", "dates/pub-dates/date"))
    keywords = [_paragraphs(k) for k in record.findall("keywords/keyword")]
    urls = _texts(record, "urls/related-urls/url") + _texts(record, "urls/web-urls/url")
    pubmed = accession.isdigit() and _PUBMED_DATABASE.search(database)
    # a PubMed address (Bookends, EndNote from PubMed) names the PMID when no database does
    pmid = accession if pubmed else pubmed_url_id(urls)
    return Record(
        source_id=accession,
        pmid=pmid,
        pmcid=pmcid,
        doi=normalise_doi(one("electronic-resource-num")),
        # the translated title only when there is no other, as RIS's TT: one title
        title=one("titles/title", "titles/translated-title"),
        abstract=_paragraphs(record.find("abstract")),
        authors=_texts(record, "contributors/authors/author"),
        year=years[0] if years else "",
        journal=one("periodical/full-title", "titles/secondary-title", "periodical/abbr-1"),
        volume=one("volume"),
        issue=one("number"),
        pages=one("pages"),
        issn=normalise_issns([one("isbn")]),
        publication_types=[ref_type.get("name", "")] if ref_type is not None else [],
        keywords=[k for value in keywords for k in value.split("\n")],
        language=one("language"),
        url=urls[0] if urls else "",
    )
