"""Format detection for export files, from their content (the file name is only a hint).

Content decides because names lie: rispy's Web of Science sample is called ``.ris``, PubMed's
``.nbib`` is often saved as ``.txt``. The checks go from the most to the least specific marker.
"""

from __future__ import annotations

import re
from pathlib import Path

from livingreview.errors import InputFileError
from livingreview.imports import csl, ictrp_xml, refworks

_WOS_HEADER = re.compile(r"^FN \S", re.MULTILINE)
_WOS_RECORD = re.compile(r"^PT [A-Z]\b", re.MULTILINE)
_WOS_END = re.compile(r"^(?:ER|UT [A-Z])", re.MULTILINE)
#: A PubMed record's PMID line, or the line ERIC's ``.nbib`` (no PMIDs) starts each record with.
_MEDLINE = re.compile(r"^(?:PMID- ?\d|OWN - ERIC\b)", re.MULTILINE)
_RIS = re.compile(r"^TY\s{1,2}-", re.MULTILINE)
#: Ovid tagged exports: a ``<1. >`` result line first, or a ``VN  - Ovid...`` tag line first.
_OVID = re.compile(r"[ \t]*<[ \t]*\d+[ \t]*\.?[ \t]*>[ \t]*\n|[ \t]?VN[ \t]{1,2}- *Ovid")
#: Cochrane Library plain text: a ``Record #1 of 20`` line first, then ``ID: CN-...`` fields.
_COCHRANE = re.compile(r"Record[ \t]*#[ \t]*\d+[ \t]+of[ \t]+\d+[ \t]*\n(?:[ \t]*\n)*[A-Z]{2,3}:")
#: EndNote XML: ``<xml><records><record>`` near the top (after an XML declaration).
_ENDNOTE = re.compile(r"<(?:xml|records)>\s*(?:<records>\s*)?<record[\s>]")
#: EndNote/Refer tagged text: a ``%0 Type``, ``%A Author`` or ``%T Title`` line first.
_REFER = re.compile(r"%[0AT][ \t]+\S")
_BIBTEX = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_EXTENSIONS = {
    ".ris": "ris",
    ".nbib": "nbib",
    ".bib": "bibtex",
    ".ciw": "wos",
    ".csv": "csv",
    ".json": "pop_json",
    ".xml": "endnote_xml",
    ".enw": "refer",
}


def detect_format(path: Path, text: str) -> str:
    """The format of decoded export text: one of :data:`livingreview.imports.FORMATS`."""
    head = text.lstrip()
    if not head:
        raise InputFileError(path, "the file is empty")
    if head[0] in "[{":  # CSL-JSON or Publish or Perish: their keys decide
        return "csl_json" if csl.looks_like(head) else "pop_json"
    if _OVID.match(head):  # Ovid's RIS may be numbered the same way: TY decides
        return "ris" if _RIS.search(text) else "ovid"
    if _COCHRANE.match(head) and not _RIS.search(text):  # rispy's RIS has such lines too
        return "cochrane"
    if head.startswith("<") and _ENDNOTE.search(head[:2000]):
        return "endnote_xml"
    if head.startswith("<") and ictrp_xml.looks_like(head[:2000]):
        return "ictrp_xml"
    if head.startswith("<"):  # never parsed: only EndNote's and the WHO ICTRP's XML are imported
        raise InputFileError(
            path,
            "XML/HTML is not a supported export format unless it is an EndNote XML export or "
            "a WHO ICTRP XML export (PubMed XML comes through the pubmed search client; export "
            "MEDLINE/.nbib, RIS, BibTeX, EndNote XML or CSV instead)",
            position="line 1",
        )
    if _REFER.match(head):
        return "refer"
    if refworks.looks_like(head):  # an ``RT Journal Article`` line or RefWorks' legend first
        return "refworks"
    if _WOS_HEADER.match(head) or (_WOS_RECORD.search(text) and _WOS_END.search(text)):
        return "wos"
    if _MEDLINE.search(text):
        return "nbib"
    if _RIS.search(text):
        return "ris"
    if _BIBTEX.search(text):
        return "bibtex"
    header = head.split("\n", 1)[0]
    if any(header.count(d) >= 1 for d in (",", "\t", ";")) and not header.startswith(("%", "@")):
        return "csv"
    hint = _EXTENSIONS.get(Path(path).suffix.lower())
    advice = f" (the extension suggests {hint!r}, but the content does not match)" if hint else ""
    raise InputFileError(
        path,
        "unrecognised export format: no RIS 'TY  -', MEDLINE 'PMID-', BibTeX '@type{', "
        "Web of Science 'PT', Cochrane 'Record #1 of', EndNote/Refer '%0', RefWorks 'RT', "
        f"JSON list or CSV header found{advice}; pass the format explicitly if it is one of these",
        position="line 1",
    )
