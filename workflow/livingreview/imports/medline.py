"""PubMed ``.nbib`` ("PubMed format") and MEDLINE text (``efetch rettype=medline``) via Bio.Medline.

Bio.Medline accepts anything: a junk line becomes a two-letter key, a record glued to the next
(no blank line) merges silently. So the text is first checked line by line: a tag line is a
four-character padded tag followed by ``-``, a continuation line is indented, records are
separated by blank lines and start with ``PMID-`` (ERIC's ``.nbib``, which has no PMIDs, with
``OWN - ERIC``; its ERIC number, in ``OID``, is then the record's id). An indented line is
joined to its tag line (Bio.Medline joins the lines of most tags, but keeps each line of OAB,
CIN, OT and a few others as a value of its own), and only then parsed. A leading blank line and
a missing final newline are harmless. A tag that a record holds once (:data:`ONCE`) seen twice
before another ``PMID-`` line means two records ran together without a line starting the second
(``cat`` glues the next export's ``PMID-`` line onto the last line of one without a final
newline); it fails the import instead of merging the two records.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from Bio import Medline

from livingreview.errors import InputFileError
from livingreview.imports.text import (
    Parsed,
    first,
    match_lines,
    normalise_issns,
    record_position,
    start_alone,
)
from livingreview.records import Record
from livingreview.register_ids import secondary_source_ids

_SCAN = re.compile(r"^(?:PMID-|OWN - ERIC\b)", re.MULTILINE)
#: The ``AU  - et al.`` line ending an author list NLM cut short (records of 1984-1995, which
#: have no FAU lines): no author.
_ET_AL = re.compile(r"et al\.?$", re.IGNORECASE)
#: ERIC writes a four-letter tag with a space before its dash (``ISSN - EISSN-2375-5636``);
#: PubMed writes ``ISSN- ``, which is what Bio.Medline reads.
_ERIC_LONG_TAG = re.compile(r"^([A-Z]{4}) - ")
#: The label ERIC puts before an ISSN or ISBN.
_ID_LABEL = re.compile(r"^\s*(?:E?ISSN|ISBN)-")
#: The line starting an ERIC record (ERIC's export has no PMIDs).
_ERIC_START = re.compile(r"OWN - ERIC\b")
_TAG = re.compile(r"[A-Z][A-Z0-9]{1,3} *")
_DOI = re.compile(r"(\S+)\s*\[doi\]", re.IGNORECASE)
#: A DOI given as its address (ERIC's AID: ``http://dx.doi.org/10.1186/...``).
_DOI_ADDRESS = re.compile(r"^https?://(?:dx\.)?doi\.org/10\.", re.IGNORECASE)
#: Tags a MEDLINE record holds at most once.
ONCE = frozenset({"OWN", "STAT", "DP", "TI", "JT", "TA", "SO"})


def scan(text: str) -> list[int]:
    """Lines where a record starts (``PMID-`` or ``OWN - ERIC`` lines), by a pattern search."""
    return match_lines(_SCAN, text)


def _prepare(path: Path | str, text: str) -> tuple[list[str], list[int]]:
    """Check the tag layout; return normalised lines and the start line of each record."""
    lines: list[list[str]] = []  # each line's parts: a tag line and its continuation lines
    starts: list[int] = []
    in_record = False
    once: set[str] = set()  # the ONCE tags of the current record
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            lines.append([])
            in_record = False
            once.clear()
            continue
        if line[0].isspace():
            if not in_record:
                raise InputFileError(
                    path,
                    "indented continuation line with no tag line before it",
                    position=f"line {number}",
                )
            lines[-1].append(line.strip())  # one value, one line (joined once: linear time)
            continue
        line = _ERIC_LONG_TAG.sub(r"\1- ", line)
        if not (len(line) >= 5 and line[4] == "-" and _TAG.fullmatch(line[:4])):
            where = len(starts) + (0 if in_record else 1)
            raise InputFileError(
                path,
                f"not a MEDLINE tag line: {line[:40]!r}",
                position=record_position(max(where, 1), number),
            )
        if not in_record:
            starts.append(number)
            in_record = True
            if not _starts_record(line):
                raise InputFileError(
                    path,
                    f"a record must start with its PMID line (ERIC: 'OWN - ERIC'), "
                    f"not {line[:40]!r}",
                    position=record_position(len(starts), number),
                    field="PMID",
                )
        if _starts_record(line):  # a record start without its blank line: reconciled later
            once.clear()
        _check_once(path, line[:4].rstrip(), once, record_position(len(starts), number))
        lines.append([line.rstrip()])
    return [" ".join(parts) + "\n" for parts in lines], starts


def _starts_record(line: str) -> bool:
    """A ``PMID-`` line, or the ``OWN - ERIC`` line an ERIC record starts with."""
    return line.startswith("PMID-") or bool(_ERIC_START.match(line))


def _check_once(path: Path | str, tag: str, seen: set[str], position: str) -> None:
    """Fail on a second line of a tag the record holds once: two records ran together."""
    if tag not in ONCE:
        return
    if tag in seen:
        raise InputFileError(
            path,
            f"a second {tag!r} line in one record: two records run together (is a 'PMID-' "
            "line glued onto the end of a line above, e.g. exports joined without a newline "
            "between them?)",
            position=position,
            field=tag,
        )
    seen.add(tag)


def parse(path: Path | str, text: str) -> list[Parsed]:
    """Parse MEDLINE/nbib text into records."""
    lines, starts = _prepare(path, text)
    entries = list(Medline.parse(io.StringIO("".join(lines))))
    if len(entries) != len(starts):  # cannot happen after _prepare; never zip records away
        raise InputFileError(
            path, f"Bio.Medline read {len(entries)} records where {len(starts)} were expected"
        )
    parsed = []
    for number, (line, entry) in enumerate(zip(starts, entries, strict=True), start=1):
        _refuse_start_alone(path, entry, record_position(number, line))
        try:
            parsed.append(Parsed(line, _build(entry)))
        except (TypeError, AttributeError) as exc:  # a malformed value
            raise InputFileError(
                path, f"unexpected MEDLINE value ({exc})", position=record_position(number, line)
            ) from None
    return parsed


def _refuse_start_alone(path: Path | str, entry: dict[str, object], position: str) -> None:
    """Fail on a record that is its ``PMID-`` line (ERIC: ``OWN - ERIC``) alone, with or
    without a number, as the other tagged readers fail on a record start with nothing after it:
    PubMed writes a dozen tags in every record, so it is a cut or edited export."""
    if len(entry) != 1:
        return
    start = "a 'PMID-'" if "PMID" in entry else "an 'OWN - ERIC'"
    raise start_alone(path, start, position)


def _values(entry: dict[str, object], key: str) -> list[str]:
    value = entry.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]  # type: ignore[union-attr]


def _build(entry: dict[str, object]) -> Record:
    def one(*keys: str) -> str:
        return first(*(v for key in keys for v in _values(entry, key)))

    pmid = one("PMID")
    ids = _values(entry, "AID") + _values(entry, "LID")
    doi = next((m.group(1) for v in ids for m in [_DOI.search(v)] if m), "")
    doi = doi or next((v for v in ids if _DOI_ADDRESS.search(v)), "")  # ERIC's AID
    authors = _values(entry, "FAU") or [a for a in _values(entry, "AU") if not _ET_AL.match(a)]
    eric = one("OWN") == "ERIC"
    return Record(
        source_id=pmid or (one("OID") if eric else ""),
        pmid=pmid,
        pmcid=one("PMC"),
        doi=doi,
        title=one("TI", "BTI", "TT"),
        abstract=one("AB") or _other_abstract(entry),
        authors=authors + _values(entry, "CN"),
        year=one("DP", "DEP"),
        journal=_journal(entry, eric),
        volume=one("VI"),
        issue=one("IP"),
        pages=one("PG"),
        issn=normalise_issns(_unlabelled(entry, "IS") + _unlabelled(entry, "ISSN"))
        or "; ".join(_unlabelled(entry, "ISBN")),
        publication_types=_values(entry, "PT"),
        keywords=[k.lstrip("*") for k in _values(entry, "OT") + _values(entry, "MH")],
        language="; ".join(_values(entry, "LA")),
        url=first(*(v for v in _values(entry, "LID") if v.startswith("http"))) if eric else "",
        register_ids=secondary_source_ids(_values(entry, "SI")),
    )


def _other_abstract(entry: dict[str, object]) -> str:
    """The record's ``OAB`` (an abstract from another source: PIP, KIE, a publisher) when it has
    no ``AB``: the English one (``OABL - eng``), else the first."""
    abstracts, languages = _values(entry, "OAB"), _values(entry, "OABL")
    if len(languages) == len(abstracts) and "eng" in languages:
        return abstracts[languages.index("eng")]
    return first(*abstracts)


def _unlabelled(entry: dict[str, object], key: str) -> list[str]:
    """The tag's values without ERIC's label (``EISSN-1234-5679``, ``ISBN-978...``), none empty.

    ERIC writes the label alone when it has no number (``ISSN - EISSN-``).
    """
    values = (_ID_LABEL.sub("", value).strip() for value in _values(entry, key))
    return [value for value in values if value]


def _journal(entry: dict[str, object], eric: bool) -> str:
    """JT (else TA, else a chapter's book); ERIC's JT names a journal only on journal articles.

    On ERIC's other documents (reports, papers: ED numbers, not EJ) it holds who issued them
    ("ACT, Inc.", "Online Submission"). An EJ record may lack the 'Journal Articles' type.
    """
    journal_article = "Journal Articles" in _values(entry, "PT")
    if eric and first(*_values(entry, "OID")).startswith("ED") and not journal_article:
        return ""
    journal = first(*_values(entry, "JT"), *_values(entry, "TA"))
    return journal or (first(*_values(entry, "BTI")) if _values(entry, "TI") else "")


@dataclass(frozen=True)
class LinkKind:
    """One kind of link PubMed records between two works (a comment, an erratum, a reprint...)."""

    ref_type: str  # its PubMed XML ``CommentsCorrections`` RefType ('' when it has none)
    tag: str  # its MEDLINE tag in PubMed format ('' when it has none)
    words: str  # how a note names it before the linked work's citation, in lower case


#: Every link of PubMed's ``CommentsCorrections`` (the RefType values of PubMed's DTD, older
#: ones too) and of the PubMed format's comment/correction tags: the one list of them.
LINK_KINDS = (
    LinkKind("CommentOn", "CON", "comment on"),
    LinkKind("CommentIn", "CIN", "comment in"),
    LinkKind("ErratumIn", "EIN", "erratum in"),
    LinkKind("ErratumFor", "EFR", "erratum for"),
    LinkKind("CorrectedandRepublishedIn", "CRI", "corrected and republished in"),
    LinkKind("CorrectedandRepublishedFrom", "CRF", "corrected and republished from"),
    LinkKind("RetractedandRepublishedIn", "RRI", "retracted and republished in"),
    LinkKind("RetractedandRepublishedFrom", "RRF", "retracted and republished from"),
    LinkKind("RetractionIn", "RIN", "retraction in"),
    LinkKind("RetractionOf", "ROF", "retraction of"),
    LinkKind("PartialRetractionIn", "PRIN", "partial retraction in"),
    LinkKind("PartialRetractionOf", "PROF", "partial retraction of"),
    LinkKind("ExpressionOfConcernIn", "ECI", "expression of concern in"),
    LinkKind("ExpressionOfConcernFor", "ECF", "expression of concern for"),
    LinkKind("UpdateIn", "UIN", "update in"),
    LinkKind("UpdateOf", "UOF", "update of"),
    LinkKind("RepublishedIn", "RPI", "republished in"),
    LinkKind("RepublishedFrom", "RPF", "republished from"),
    LinkKind("ReprintIn", "", "reprint in"),
    LinkKind("ReprintOf", "", "reprint of"),
    LinkKind("SummaryForPatientsIn", "SPIN", "summary for patients in"),
    LinkKind("OriginalReportIn", "ORI", "original report in"),
    LinkKind("AssociatedDataset", "", "associated dataset"),
    LinkKind("AssociatedPublication", "", "associated publication"),
    LinkKind("Cites", "", "cites"),
    LinkKind("", "DDIN", "dataset described in"),
    LinkKind("", "DRIN", "dataset use reported in"),
)
#: Other words notes use before another work's citation: "Comments on", "Reprinted in",
#: "Retracted", "Updated by", "Cited by", "Reply to", "In reply", an expression of concern;
#: not a field's name such as "Correction Date:".
_OTHER_LINK_WORDS = (
    "comments (?:in|on)",
    "corrected and republished",
    "reprinted (?:in|from)",
    "retracted",
    "updated (?:in|by)",
    "cited by",
    "reply to",
    "in reply",
    "expression of concern",
)
#: Any of the link words, written as a note writes them (any case, any spacing).
LINK_WORDS = re.compile(
    r"\b(?:"
    + "|".join(
        words.replace(" ", r"\s+") for words in (*(k.words for k in LINK_KINDS), *_OTHER_LINK_WORDS)
    )
    + r")\b",
    re.IGNORECASE,
)
#: MEDLINE comment/correction tags and the RefType each stands for.
LINK_TAGS = {kind.tag: kind.ref_type for kind in LINK_KINDS if kind.tag and kind.ref_type}


#: How far before a PMID a note's link words may stand: MEDLINE's citation of the linked work
#: between them ("Comment in: JAMA. 2020 Aug 4;324(5):443-444. doi: 10.1001/... PMID: N").
_LINK_REACH = 200


def note_pmid(notes: Iterable[str], pmid: re.Pattern[str]) -> str:
    """The PMID a database's note gives for the record itself (``pmid``'s first group), else
    empty. A PMID the note gives for another work (:data:`LINK_WORDS` since the PMID before it:
    "Comment in: ... PMID: N", "Summary for patients in ...") is none, and so are two different
    ones: a PMID joins two records as one work, so a doubtful one is worse than none."""
    found = set()
    for note in notes:
        since = 0
        for m in pmid.finditer(note):
            if not LINK_WORDS.search(note, max(since, m.start() - _LINK_REACH), m.start()):
                found.add(m.group(1))
            since = m.end()
    return found.pop() if len(found) == 1 else ""


_LINKED_PMID = re.compile(r"PMID:\s*(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class CorrectionLink:
    """One comment/correction tag of a record: ``RIN - Lancet. 2010;375:445. PMID: 20137807``."""

    pmid: str  # the record carrying the tag
    tag: str  # RIN, EIN, ...
    ref_type: str  # its PubMed XML RefType (RetractionIn, ...)
    linked_pmid: str  # the PMID the tag names ('' when none is given)
    reference: str  # the citation text before the PMID


def correction_links(path: Path | str, text: str) -> list[CorrectionLink]:
    """The comment/correction tags (:data:`LINK_TAGS`) of every record of MEDLINE/nbib text."""
    lines, _starts = _prepare(path, text)
    found = []
    for entry in Medline.parse(io.StringIO("".join(lines))):
        pmid = first(*_values(entry, "PMID"))
        for tag, ref_type in LINK_TAGS.items():
            for value in _values(entry, tag):
                linked = _LINKED_PMID.search(value)
                reference = value[: linked.start()] if linked else value
                found.append(
                    CorrectionLink(
                        pmid,
                        tag,
                        ref_type,
                        linked.group(1) if linked else "",
                        " ".join(reference.split()).rstrip(" ."),
                    )
                )
    return found
