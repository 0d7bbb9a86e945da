"""Decoding helpers and small field helpers shared by the export-file parsers.

Export files come from many tools: UTF-8 with or without a byte-order mark, Windows code pages,
UTF-16 from some Windows exporters, CRLF or LF line endings. :func:`decode` turns the raw bytes
into one ``\\n``-separated string and reports the encoding that was used, so an import result
can say how the file was read.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from livingreview.errors import InputFileError
from livingreview.records import Record, unlabelled_pages

#: Share of control characters above which a decoded file is treated as binary junk.
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive that is no Excel .xlsx workbook (unzip it first?)"),
    (
        b"\xd0\xcf\x11\xe0",
        "an Excel .xls workbook or another old Office file (import it with the format 'auto' "
        "or 'xlsx')",
    ),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file (decompress it first)"),
)


#: A web address inside a field (exports put one or several in URL and note fields).
URL = re.compile(r"https?://\S+")
#: A PubMed record's address (old and new site): its digits are the PMID.
_PUBMED_URL = re.compile(
    r"^https?://(?:www\.)?(?:ncbi\.nlm\.nih\.gov/pubmed|pubmed\.ncbi\.nlm\.nih\.gov)/(\d{1,9})/?$",
    re.IGNORECASE,
)


@dataclass
class Parsed:
    """One record as a parser produced it, with the 1-based line where it starts in the file."""

    line: int
    record: Record


def decode(path: Path | str, data: bytes, *, imported_in: str = "") -> tuple[str, str]:
    """Decode export bytes; returns ``(text, encoding)`` with ``\\n`` line endings and no BOM.

    Tries UTF-32/UTF-16 (by BOM, or UTF-16 by its NUL pattern), then UTF-8 (``utf-8-sig`` is
    reported when a BOM was present), then Windows-1252, then Latin-1. Empty and binary files,
    and bytes that are not UTF-8 in a UTF-8 file (a BOM, or more UTF-8 characters than such
    bytes: mixed encodings) raise :class:`InputFileError`; a few control characters are spaces.
    A file an earlier round ``imported_in`` (its very bytes) is read as that round read it, text
    of another code page a warning.
    """
    if not data.strip():
        raise InputFileError(path, "the file is empty")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputFileError(path, f"{kind}, not a text export", position="line 1")
    text: str | None = None
    encoding = _wide_encoding(data)
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            text, encoding = None, ""
    if text is None:
        nul = data.find(b"\x00")
        if nul >= 0:
            line = data.count(b"\n", 0, nul) + 1
            raise InputFileError(
                path, "binary data (NUL byte), not a text export", position=f"line {line}"
            )
        _refuse_mixed_utf8(path, data)
        for candidate in ("utf-8", "cp1252", "latin-1"):
            try:
                text = data.decode(candidate)
            except UnicodeDecodeError:
                continue
            encoding = candidate
            break
    assert text is not None  # latin-1 decodes any byte string
    if encoding == "utf-8" and text.startswith("\ufeff"):
        encoding = "utf-8-sig"
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if encoding in ("cp1252", "latin-1"):
        _refuse_other_code_page(path, text, imported_in)
    controls = _CONTROL.findall(text)
    if len(controls) > max(3, _MAX_CONTROL_SHARE * len(text)):
        first = _CONTROL.search(text)
        line = text.count("\n", 0, first.start() if first else 0) + 1
        raise InputFileError(
            path,
            f"binary data ({len(controls)} control characters), not a text export",
            position=f"line {line}",
        )
    if not text.strip():
        raise InputFileError(path, "the file is empty")
    return _without_controls(path, text, controls), encoding


#: A word of four letters or more, none of them ASCII: Cyrillic, Greek or Chinese text saved in
#: its Windows code page reads so as Windows-1252 ('Òåðàïåâòè÷åñêèé'); a language written in
#: Latin letters hardly has one ('Þórðarson' has ASCII letters in it).
_FOREIGN_WORD = re.compile(r"(?<![^\W\d_])[^\W\da-zA-Z_]{4,}(?![^\W\d_])")
#: Bytes Windows-1252 leaves undefined, read as Latin-1's C1 controls: the lead bytes of
#: Shift_JIS, GBK or Big5 characters, never in a Windows-1252 file.
_C1 = re.compile(r"[\x80-\x9f]")
_WORD = re.compile(r"[^\W\d_]+")


def _refuse_other_code_page(path: Path | str, text: str, imported_in: str = "") -> None:
    """Fail when a file read as Windows-1252 or Latin-1 is text of another code page: words of
    four letters none of which is ASCII (at least a third of the words holding a letter outside
    ASCII), or C1 controls, three or more and a quarter of the characters outside ASCII (the
    lead bytes of a double-byte code page's characters). A file round ``imported_in`` imported
    so (before 2026-12-05) is only warned of: its records are that round's."""
    foreign = _FOREIGN_WORD.findall(text)
    accented = sum(1 for w in _WORD.findall(text) if not w.isascii()) if foreign else 0
    c1s = len(_C1.findall(text))  # a stray one or two are spaces (_without_controls)
    many = c1s >= 3 and 4 * c1s >= len(text) - len(text.encode("ascii", "ignore"))
    c1 = _C1.search(text) if many else None
    if c1 is None and (not foreign or 3 * len(foreign) < accented):
        return
    first = c1.start() if c1 else text.index(foreign[0])
    shown = f"a character {text[first]!r}" if c1 else f"words such as {foreign[0]!r}"
    said = (
        f"the file is not UTF-8, and read as Windows-1252 it has {shown}: text saved in another "
        "code page (Cyrillic windows-1251, Greek windows-1253, Chinese GBK, Japanese Shift_JIS, "
        "Korean EUC-KR...)"
    )
    if imported_in:
        logging.getLogger("livingreview.import").warning(
            "%s, line %d: %s; read as round %s read it, whose search it is (its records are in "
            "the library from that round); a copy re-saved as UTF-8 would be a new export",
            path,
            line_at(text, first),
            said,
            imported_in,
        )
        return
    raise InputFileError(
        path,
        f"{said}; re-save the file as UTF-8 (in Excel: 'CSV UTF-8')",
        position=f"line {line_at(text, first)}",
    )


def _refuse_mixed_utf8(path: Path | str, data: bytes) -> None:
    """Fail when bytes that are not UTF-8 stand in a UTF-8 file: one with a UTF-8 byte-order
    mark, or one that is mostly UTF-8 (:func:`_mostly_utf8`). Read as Windows-1252,
    every UTF-8 character in it would turn to mojibake (``Løken`` as ``LÃ¸ken``)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if data.startswith(codecs.BOM_UTF8):
            opening = "starts with a UTF-8 byte-order mark but"
        else:
            if not _mostly_utf8(data):
                return
            opening = "the file is UTF-8 but"
        raise InputFileError(
            path,
            f"{opening} byte {exc.start} is not UTF-8 (mixed encodings, or a character cut "
            "off?); re-save the file as UTF-8",
            position=f"line {line}",
        ) from None


#: Characters whose UTF-8 bytes Windows-1252 text hardly ever holds: U+0080-U+00FF (read as
#: 'Ã' or 'Â' and a symbol: 'Ã¸') and those of three or four bytes ('â€™'). Two bytes with
#: another lead read as an accented capital and a symbol ('É»'), as Windows-1252 text may.
_SURELY_UTF8 = re.compile("[\x80-\xff\u0800-\ufffc\ufffe-\U0010ffff]")


def _mostly_utf8(data: bytes) -> bool:
    """Whether the UTF-8 characters above ASCII in ``data`` outnumber its bytes that are not
    UTF-8, those :data:`_SURELY_UTF8` counted twice: one 'ø' beside one stray byte is a UTF-8
    file's, one 'É»' beside one '«' a Windows-1252 file's."""
    loose = data.decode("utf-8", errors="replace")
    bad = loose.count("\ufffd")
    valid = len(loose) - len(loose.encode("ascii", "ignore")) - bad
    return valid + len(_SURELY_UTF8.findall(loose)) > bad


def _without_controls(path: Path | str, text: str, controls: list[str]) -> str:
    """The text with the few control characters left in it (too few for binary data) as
    spaces: stray bytes of an exporter, never text, they would end up inside fields."""
    if not controls:
        return text
    first = _CONTROL.search(text)
    logging.getLogger("livingreview.import").warning(
        "%s, line %d: %d control character(s) (such as %r) read as spaces",
        path,
        line_at(text, first.start() if first else 0),
        len(controls),
        controls[0],
    )
    return _CONTROL.sub(" ", text)


def _wide_encoding(data: bytes) -> str:
    """``utf-32``/``utf-16`` by byte-order mark, ``utf-16-le``/``-be`` by NUL pattern, else ''.

    Without a BOM, UTF-16 text in Latin script has a NUL in every other byte; a file is taken as
    UTF-16 only when nearly all of one half of its first 4,000 bytes are NUL and none of the other.
    """
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:4000]
    if len(head) < 8 or len(head) % 2:
        return ""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if odd >= 0.9 * half and even == 0:
        return "utf-16-le"
    if even >= 0.9 * half and odd == 0:
        return "utf-16-be"
    return ""


def line_at(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, offset) + 1


def match_lines(pattern: re.Pattern[str], text: str) -> list[int]:
    """1-based line numbers of every match, counted incrementally (linear in the text)."""
    lines: list[int] = []
    line, position = 1, 0
    for match in pattern.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.append(line)
    return lines


def record_position(number: int, line: int) -> str:
    """The position string used in error messages: ``record 7 (line 123)``."""
    return f"record {number} (line {line})"


def row_position(row: int, line: int) -> str:
    """A CSV row's position in error messages (the header is row 1): ``row 7 (line 123)``."""
    return f"row {row} (line {line})"


def warn_cut_short(path: Path | str, number: int, line: int) -> None:
    """Warn that a tagged export ends inside a record though its writer closed every record
    before it with ``ER``: the record is read, but a download or copy cut there would have lost
    the records after it (``imports.<name>.records_reported`` then tells)."""
    logging.getLogger("livingreview.import").warning(
        "%s, %s: the file ends inside this record (no ER line after it, though every record "
        "before it has one); it is read, but if the export was cut short the records after it "
        "are missing: compare the count with the database's and export again if it differs",
        path,
        record_position(number, line),
    )


class TaggedRecord(Protocol):
    """A record being read from a tagged export: its start line and ``[tag, value]`` pairs."""

    line: int
    fields: list[list[str]]


R = TypeVar("R", bound=TaggedRecord)


def joined_fields(fields: list[list[str]]) -> list[list[str]]:
    """``[tag, value, continuation lines...]`` fields as ``[tag, value]``, the lines joined by
    newlines. Tokenizers append each line continuing a field and join once here: adding each to
    the value as it came copied the value so far (quadratic in a long abstract's lines)."""
    return [[tag, "\n".join(parts)] for tag, *parts in fields]


def start_alone(path: Path | str, start: str, position: str, detail: str = "") -> InputFileError:
    """The error of a tagged record that is its start line (``start``: ``a 'TY'``) alone, with
    nothing after it, however each format tells (``detail``: what follows the message)."""
    message = f"{start} line with no tag lines after it (a cut export?)"
    return InputFileError(path, f"{message}; {detail}" if detail else message, position=position)


#: What tells which work a record is: its title, authors, abstract, journal, or an id (its
#: database's, a PMID, PMCID or DOI, a link; or a trial register id, :func:`names_a_work`).
WORK_FIELDS = (
    "title",
    "authors",
    "abstract",
    "journal",
    "source_id",
    "pmid",
    "pmcid",
    "doi",
    "url",
)
NAMELESS = (
    "a record naming no work: no title, author, abstract, journal or id (a database's id, PMID, "
    "PMCID, DOI, link, trial register id), only empty fields or what an exporter writes on any "
    "record (type, language, dates); expected at least a title or an id (an edited or cut "
    "export?)"
)


def names_a_work(record: Record, own_id: bool = True) -> bool:
    """Whether a (normalised) record holds something that tells which work it is
    (:data:`WORK_FIELDS` or a trial register id), not only an exporter's stamps; ``own_id``
    False when its ``source_id`` is only the file's label for it (CSL-JSON's ``id``)."""
    fields = WORK_FIELDS if own_id else [f for f in WORK_FIELDS if f != "source_id"]
    return bool(record.register_ids) or any(getattr(record, name) for name in fields)


def close_record(path: Path | str, record: R | None, records: list[R], marker: str) -> None:
    """Add a finished record; its start line (``marker``) with no tag line after it is an error."""
    if record is None:
        return
    if not record.fields:
        raise start_alone(path, f"a {marker}", record_position(len(records) + 1, record.line))
    records.append(record)


def pubmed_url_id(urls: Iterable[str]) -> str:
    """The PMID of the first PubMed record address among ``urls`` (Nested Knowledge's RIS
    ``UR``), else empty."""
    return next((m.group(1) for m in map(_PUBMED_URL.match, urls) if m), "")


def first(*values: object) -> str:
    """The first value that is not empty after stripping, as a string."""
    for value in values:
        if value is None:
            continue
        text = str(value).strip()
        if text:
            return text
    return ""


#: Ovid's "No Pagination Specified", which its RIS splits into ``SP  - No`` and ``EP  - Specified``.
_NOT_A_PAGE = re.compile(r"[(]?(?:no|pagination|specified|\s)+[)]?", re.IGNORECASE)


def join_pages(start: str, end: str = "", article_number: str = "") -> str:
    """``start-end`` (or the single page); the article number stands in when there are no pages."""
    start, end = (
        "" if _NOT_A_PAGE.fullmatch(p) else p
        for p in (unlabelled_pages(start), unlabelled_pages(end))  # any dash a hyphen
    )
    if start and "-" not in start and end and end != start:
        return f"{start}-{end}"
    if start:
        return re.sub(r"\s*-+\s*", "-", start)
    if end:
        return end
    return article_number.strip()


#: ERIC (via Ovid) marks an electronic ISSN with a leading E: ``E2196-7822``. Four digits and
#: four inside a longer hyphenated number are an ISBN's groups (``978-1-4020-9632-7``).
_ISSN = re.compile(r"(?:\b|(?<=\bE))(?<!\d-)(\d{4})-?(\d{3}[\dXx])\b(?!-[\dXx])")


def normalise_issns(values: Iterable[str]) -> str:
    """All ISSNs found in the values as ``NNNN-NNNN``, unique, joined with ``"; "``.

    Handles ``20964129 (ISSN)``, ``1573-3602 1050-5350`` and
    ``1999-7777(Electronic),0222-6666(Print)``; a value without an ISSN pattern is kept as is.
    """
    found: list[str] = []
    leftovers: list[str] = []
    for value in values:
        matches = [f"{a}-{b.upper()}" for a, b in _ISSN.findall(value or "")]
        if matches:
            found.extend(m for m in matches if m not in found)
        elif value and value.strip():
            leftovers.append(value.strip())
    return "; ".join(found) if found else "; ".join(leftovers)


def split_values(value: str, separators: str = ";") -> list[str]:
    """Split a delimited cell on any of ``separators``, dropping empty parts."""
    if not value:
        return []
    pattern = "|".join(re.escape(s) for s in separators)
    return [part.strip() for part in re.split(pattern, value) if part.strip()]


#: How a copyright notice opens: ``©``, ``Copyright ©``/``(c)``/a year/``by``, ``Crown copyright``,
#: ``(c) 2019``, Wiley's ``This article is protected by copyright``, or PsycInfo's
#: ``(PsycInfo Database Record (c) 2020 APA, ...)`` (older records: ``( PsycINFO ...``).
_NOTICE = re.compile(
    r"(?:(?:crown\s+)?copyright\s*(?:©|\(c\)|(?=(?:19|20)\d\d\b|by\b|the\s+author))|©"
    r"|\(c\)\s*(?=(?:19|20)\d\d\b)|\(\s*psyc\w*\s+database\s+record\b"
    r"|this\s+article\s+is\s+protected\s+by\s+copyright\b)",
    re.IGNORECASE,
)
#: APA's record line closing an abstract however it is spaced, with or without a full stop
#: before it: ``(PsycInfo Database Record (c) 2020 APA, all rights reserved)``, RefWorks' older
#: ``( PsycINFO Database Record ( c) 2002 APA, all rights reserved)``, PsycTests' likewise.
#: (No ``\s*`` before its bracket, and one after it: tried at every space of a long run of them,
#: they took quadratic time.)
_APA_RECORD = re.compile(
    r"\(\s*psyc\w*\s+database\s+record\s*\(\s*c\s*\)[^()]*\)\s*(?:\.\s*)?$", re.IGNORECASE
)
#: Where a sentence may start: after a full stop, ! ? or a closing bracket or quote, and a space.
_SENTENCE_START = re.compile(r"(?<=[.!?)\]\"'])\s+")
#: A sentence: up to a full stop (or ! ?) before a capital, a digit or a bracket, or to the end.
_SENTENCE = re.compile(r".*?(?:[.!?](?:\s+(?=[A-Z\d(\[])|\s*$)|$)", re.DOTALL)
#: Words that make a sentence after a notice's first one part of the notice: a publisher
#: ("published by Elsevier", not "published by June 2018"), rights, a licence or permissions.
_NOTICE_WORDS = re.compile(
    r"rights\s+reserved|published\s+by\s+(?!(?:the\s+)?(?:end|mid|early|late|\d)"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)"
    r"|on\s+behalf\s+of|creative\s+commons|\blicen[cs]es?\b|licensed\s+under|distributed\s+under"
    r"|open[\s-]+access\s+(?:article|under|distributed)|\bpermissions?\b\s*(?::|please|request)"
    r"|for\s+permissions|copyright|©",
    re.IGNORECASE,
)
#: A colon that is no web address's: a heading ("Background:"), so the abstract itself.
_HEADING_COLON = re.compile(r":(?!//)")
#: A list's second item: a ``(c)`` after it is the list's third ("(b) 2020 ... (c) 2021 ...").
_SECOND_ITEM = re.compile(r"\(b\)", re.IGNORECASE)


#: The label the Cochrane Library puts before a review's abstract in its plain-text and BibTeX
#: exports (``AB: Abstract - Background ...``, ``abstract = {Abstract - Background ...}``).
_COCHRANE_ABSTRACT_LABEL = re.compile(r"^\s*Abstract - ")


def without_abstract_label(abstract: str) -> str:
    """The abstract without the Cochrane Library's ``Abstract - `` label opening it."""
    return _COCHRANE_ABSTRACT_LABEL.sub("", abstract, count=1)


def strip_notices(abstract: str) -> str:
    """The abstract without a copyright notice opening it (``© 2018 The Authors. ... published
    by ...``) or closing it (``Copyright © 2019 Elsevier Ltd. All rights reserved.``, PsycInfo's
    ``(PsycInfo Database Record (c) 2020 APA, all rights reserved)``); other text is kept."""
    text = abstract.strip()
    if record := _APA_RECORD.search(text):
        text = text[: record.start()].rstrip()
    text = text[_notice_at(text, 0) :].lstrip()
    for space in _SENTENCE_START.finditer(text):
        if _notice_at(text, space.end()) == len(text):
            return text[: space.start()]
    return text


def _notice_at(text: str, start: int) -> int:
    """Where a notice opening at ``start`` ends, or ``start`` when none opens there. A ``(c)
    2021`` after a ``(b)`` is a list's third item unless what follows names rights, a publisher
    or a licence."""
    opening = _NOTICE.match(text, start)
    if not opening:
        return start
    end = _notice_end(text, start)
    listed = opening.group().lower().startswith("(c)") and _SECOND_ITEM.search(text, 0, start)
    return start if listed and not _NOTICE_WORDS.search(text, start, end) else end


def _notice_end(text: str, start: int) -> int:
    """Where a notice starting at ``start`` ends: after its first sentence and each next one
    naming a publisher, licence or rights. A sentence over 600 characters or with a heading's
    colon is the abstract's own and ends the notice before it."""
    end = start
    while end < len(text):
        sentence = _SENTENCE.match(text, end)
        words = sentence.group() if sentence else ""
        own = len(words) > 600 or (
            _HEADING_COLON.search(words) and "permission" not in words.lower()
        )
        if not words or own or (end > start and not _NOTICE_WORDS.search(words)):
            break
        end = sentence.end() if sentence else end
    return end


def is_missing(value: object) -> bool:
    """True for empty cells and the ``NA`` placeholders some exporters (and R) write."""
    return value is None or str(value).strip() in {"", "NA", "N/A", "NaN", "null", "None"}
