"""The one record model every stage reads and writes, and the helpers that normalise its fields.

A record file is a UTF-8 CSV with a fixed column order (:data:`COLUMNS`), ``\\n`` line endings and
rows sorted by ``record_id``, so that git diffs of a living review show content changes only.
List-valued fields (authors, publication types, keywords) are joined with ``"; "``.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import operator
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TextIO

from livingreview.errors import InputFileError
from livingreview.fileio import atomic_write_text, not_utf8
from livingreview.register_ids import find_register_ids

LIST_SEPARATOR = "; "
LIST_FIELDS = ("authors", "publication_types", "keywords", "register_ids")


@dataclass
class Record:
    """One bibliographic record as retrieved from one source (database, API or export file)."""

    record_id: str = ""
    source: str = ""
    source_id: str = ""
    pmid: str = ""
    pmcid: str = ""
    doi: str = ""
    title: str = ""
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    year: str = ""
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    issn: str = ""
    publication_types: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    language: str = ""
    url: str = ""
    # where the full text can be read free of charge (an open-access copy), when a source says
    oa_url: str = ""
    # trial register ids the record gives besides its own id (a registration's ids in other
    # registers, an article's registration numbers), as :mod:`livingreview.register_ids` writes them
    register_ids: list[str] = field(default_factory=list)

    def normalised(self) -> Record:
        """Return a copy with every field cleaned: markup stripped, DOI/PMID/year normalised."""
        return Record(
            record_id=self.record_id,
            source=self.source,
            source_id=clean_text(self.source_id),
            pmid=normalise_pmid(self.pmid),
            pmcid=normalise_pmcid(self.pmcid),
            doi=normalise_doi(self.doi),
            title=strip_markup(self.title),
            abstract=strip_markup(self.abstract),
            authors=[
                _no_placeholder_name(a) for a in _clean_list(self.authors) if not _blank(a, True)
            ],
            year=normalise_year(self.year),
            journal=strip_markup(self.journal),
            volume=clean_text(self.volume),
            issue=clean_text(self.issue),
            pages=clean_text(self.pages),
            issn=clean_text(self.issn),
            publication_types=_clean_list(self.publication_types),
            keywords=[k for k in _clean_list(self.keywords) if not _blank(k)],
            language=clean_text(self.language),
            url=clean_text(self.url),
            oa_url=clean_text(self.oa_url),
            register_ids=find_register_ids(*self.register_ids, id_field=True),
        )

    def cells(self) -> list[str]:
        """The CSV cells in :data:`COLUMNS` order (lists joined with ``"; "``)."""
        return [
            LIST_SEPARATOR.join(value) if isinstance(value, list) else str(value)
            for value in map(self.__getattribute__, COLUMNS)
        ]

    def to_row(self) -> dict[str, str]:
        """Flatten to a CSV row (lists joined with ``"; "``)."""
        return dict(zip(COLUMNS, self.cells(), strict=True))

    @classmethod
    def from_row(cls, row: Mapping[str, str]) -> Record:
        """Rebuild a record from a CSV row written by :meth:`to_row`."""
        values: dict[str, object] = {}
        for name in COLUMNS:
            raw = row.get(name) or ""
            values[name] = split_list(raw) if name in LIST_FIELDS else raw
        return cls(**values)  # type: ignore[arg-type]


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Record))
#: Columns added after record files were first kept in a review's history: a file written
#: before them reads them as empty.
LATER_COLUMNS = ("oa_url", "register_ids")

_TAG = re.compile(r"</?([A-Za-z][\w:.-]*)(?:\s[^<>]*)?/?>")
_INLINE_TAGS = frozenset(
    [
        "i",
        "b",
        "u",
        "em",
        "strong",
        "sup",
        "sub",
        "inf",  # Scopus' subscript: "YBa<inf>2</inf>Cu<inf>3</inf>O<inf>7</inf>"
        "sc",
        "scp",  # Wiley's small capitals: "<scp>A</scp>lzheimer's", "<scp>d</scp>-xylose"
        "span",
        "italic",
        "bold",
        "underline",
        "small",
        "tt",
        "a",
        "font",
        "inline-formula",
        "mml:math",
        "jats:italic",
        "jats:bold",
        "jats:sup",
        "jats:sub",
        "jats:sc",
        "jats:scp",
        "jats:underline",
    ]
)


def clean_text(value: object) -> str:
    """Collapse whitespace (including newlines and non-breaking spaces) and trim."""
    if value is None:
        return ""
    # str.split() splits on exactly the characters regex ``\s`` matches (U+00A0 among them)
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def strip_markup(value: object) -> str:
    """Remove HTML/JATS/MathML tags and decode entities, keeping words apart at block tags."""
    text = "" if value is None else str(value)
    if "<" in text:

        def replace(match: re.Match[str]) -> str:
            return "" if match.group(1).lower() in _INLINE_TAGS else " "

        text = _TAG.sub(replace, text)
    if "&" in text:
        text = html.unescape(text)
    return clean_text(text)


_PARTICLES = frozenset(
    {
        "da",
        "das",
        "de",
        "del",
        "della",
        "der",
        "des",
        "di",
        "do",
        "dos",
        "du",
        "el",
        "la",
        "le",
        "ten",
        "ter",
        "van",
        "von",
        "zu",
        "bin",
        "ibn",
        "al",
    }
)
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


#: Latin capital letters, accented ones too ("Ł", "Á", "Ø").
CAPITALS = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper())
#: Initials written after a family name: "R.", "D.G.", "J.-P.", or 1-3 capitals without dots
#: ("Adler DG", MEDLINE's and Vancouver's way; "Nowak Ł").
_INITIALS = re.compile(rf"(?:[{CAPITALS}]\.-?){{1,4}}|[{CAPITALS}]{{1,3}}")


def _initials_after(tokens: list[str]) -> int:
    """How many of the last ``tokens`` are initials following a family name (0: none, or the
    name is initials only)."""
    count = 0
    while count < len(tokens) and _INITIALS.fullmatch(tokens[len(tokens) - 1 - count]):
        count += 1
    return count if count < len(tokens) and not _INITIALS.fullmatch(tokens[0]) else 0


def _initials_before(tokens: list[str]) -> int:
    """How many of the first ``tokens`` are initials before a family name (0: none, or the name
    is initials only)."""
    count = 0
    while count < len(tokens) and _INITIALS.fullmatch(tokens[count]):
        count += 1
    return count if count < len(tokens) else 0


def _middle_name(tokens: list[str]) -> bool:
    """``"R. Brian Haynes"``: one initial with its full stop, a given name written out, then the
    family name; a person's own style of name (OpenAlex), not a family name of two words."""
    return (
        len(tokens) == 3
        and _INITIALS.fullmatch(tokens[0]) is not None
        and tokens[0].endswith(".")
        and tokens[1].isalpha()
        and tokens[1][0].isupper()
        and not _INITIALS.fullmatch(tokens[1])
    )


def family_first(name: str, *, given_first: bool = False) -> str:
    """``"Jevin D. West"`` -> ``"West, Jevin D."``; ``"Ludwig van Beethoven"`` keeps ``van``;
    ``"Liu R."`` and ``"Adler DG"`` (Embase's, Scopus' and MEDLINE's family name before the
    initials) -> ``"Liu, R."``, ``"Adler, DG"``; a suffix goes last (``"John Smith III"`` ->
    ``"Smith, John, III"``, ``"Kim YS Jr"`` -> ``"Kim, YS, Jr"``).

    Single words and names that already hold a comma are returned unchanged. A name of a
    group written in several words cannot be told apart and is turned around like a person's.
    ``given_first``: the source writes every name given name first (OpenAlex, Lens), so a short
    family name in capitals is no initials (``"Hao LI"`` -> ``"LI, Hao"``), and every word after
    the initials is the family name (Google Scholar's ``"A Gómez Penedo"`` -> ``"Gómez Penedo,
    A"``) but for a given name written out after one initial (``"R. Brian Haynes"`` -> ``"Haynes,
    R. Brian"``).
    """
    name = " ".join(name.split())
    tokens = name.split(" ")
    if "," in name or len(tokens) < 2:
        return name
    suffix = tokens.pop() if len(tokens) > 2 and tokens[-1].casefold() in _SUFFIXES else ""
    if not given_first and (initials := _initials_after(tokens)):  # "Liu R.": family first
        result = f"{' '.join(tokens[:-initials])}, {' '.join(tokens[-initials:])}"
    elif (
        given_first and (initials := _initials_before(tokens)) and not _middle_name(tokens)
    ):  # "A Gómez Penedo"
        result = f"{' '.join(tokens[initials:])}, {' '.join(tokens[:initials])}"
    else:
        start = len(tokens) - 1
        while start > 1 and tokens[start - 1].casefold() in _PARTICLES:
            start -= 1
        result = f"{' '.join(tokens[start:])}, {' '.join(tokens[:start])}"
    return f"{result}, {suffix}" if suffix else result


#: Words that make a name without a comma a group's (a person's would be "Initials Family").
_GROUP_WORDS = frozenset(
    """group groups consortium collaboration collaborative collaborators committee investigators
    investigator network organization organisation society association council institute trial
    trialists team foundation agency panel force university department centre center study
    program programme initiative alliance board commission ministry federation college academy
    office service services working writing authors""".split()  # noqa: SIM905
)
#: Small words of a group's name ("Ministry of Health"), counted only as written in lower case:
#: capitalised they are given names ("In Seok Kim", "Jae On Kim").
_GROUP_PARTICLES = frozenset({"the", "of", "for", "and", "on", "in"})


def is_group(name: str) -> bool:
    """A name without a comma that names a group ("COVID-19 Study Group"), not a person."""
    words = [w.strip(".,;:()") for w in name.split()]
    return (
        "," not in name
        and len(words) > 1
        and any(w.casefold() in _GROUP_WORDS or w in _GROUP_PARTICLES for w in words)
    )


def author_name(name: str, *, given_first: bool = False) -> str:
    """An author as every source gives one: a person family first (:func:`family_first`), a
    group's name (:func:`is_group`) as written."""
    return name if is_group(name) else family_first(name, given_first=given_first)


def _clean_list(values: Iterable[str]) -> list[str]:
    cleaned = []
    for value in values:
        item = strip_markup(value).replace(";", ",")
        if item:
            cleaned.append(item)
    return cleaned


#: What an exporter writes for a value it lacks (Mendeley's "van den Hoven, null", MDPI's "n/a");
#: "NA" or "Nan" alone may be a person's name, "n/a" may not, and "Nan" is a given name too
#: ("Li, Nan").
_PLACEHOLDER = re.compile(r"(?:null|none|n/a|undefined)", re.IGNORECASE)
_PLACEHOLDER_KEYWORD = re.compile(r"(?:null|none|nan|n/?a|undefined)", re.IGNORECASE)
_PLACEHOLDER_GIVEN = re.compile(r",\s*(?:null|none|undefined)\s*$", re.IGNORECASE)


def _blank(value: str, person: bool = False) -> bool:
    """A list item that only says a value is missing."""
    return bool((_PLACEHOLDER if person else _PLACEHOLDER_KEYWORD).fullmatch(value.strip()))


def _no_placeholder_name(author: str) -> str:
    """``"van den Hoven, null"`` -> ``"van den Hoven"``: a given name the exporter lacked."""
    return _PLACEHOLDER_GIVEN.sub("", author)


def split_list(raw: str) -> list[str]:
    """Split a ``"; "``-joined CSV cell back into a list."""
    return [item for part in raw.split(";") if (item := part.strip())] if raw else []


#: Characters that print as nothing: a soft hyphen or zero-width space (web pages put them in long
#: words and DOIs to break lines), the marks setting the direction of right-to-left text, a word
#: joiner, a byte-order mark inside the text.
INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|DOI\s+)", re.IGNORECASE)
#: A DOI ends at a space or at a character no DOI holds, a control character or the replacement
#: character (what ``%00`` or ``&#0;`` decode to).
_DOI_BODY = re.compile(r"10\.\d{4,9}/[^\s\x00-\x1f\x7f-\x9f\ufffd]+")
#: A web address's query (``?af=R``, ``?utm_source=...``): no part of the DOI it holds.
_URL_QUERY = re.compile(r"\?[A-Za-z_][\w.-]*=.*$")


def normalise_doi(value: object) -> str:
    """Lower-case bare DOI (``10.xxxx/...``) from URLs, ``doi:`` prefixes and ``[doi]`` suffixes.

    HTML entities and percent-encoding (``%28SICI%29``, as in a web address) are decoded, all of
    them (``&amp;lt;``, escaped twice, is ``<``), and a web address's query (a publisher's
    ``/doi/full/10.1111/x?af=R``) and characters that print as nothing (:data:`INVISIBLE`) are no
    part of the DOI. Normalising a DOI again changes nothing.
    """
    text = clean_text(value)
    if not text:
        return ""
    if "&" in text:  # entities first: a web address's query may start after '&amp;'
        text = _decoded(text, percent=False)
    if re.match(r"https?://", text, flags=re.IGNORECASE):
        text = _URL_QUERY.sub("", text)
    if "%" in text or "&" in text:
        text = _decoded(text, percent=True)
    if not text.isascii():
        text = INVISIBLE.sub("", text)
    text = re.sub(r"\s*\[doi\]$", "", text, flags=re.IGNORECASE)
    text = _DOI_PREFIX.sub("", text)
    match = _DOI_BODY.search(text)
    if not match:
        return ""
    doi = _without_trailing_punctuation(match.group(0))
    return doi.lower() if _DOI_BODY.fullmatch(doi) else ""  # not '10.1000/' alone


#: The bracket each closing bracket a DOI may end with closes.
_OPENING = {")": "(", "]": "[", "}": "{", ">": "<"}


def _without_trailing_punctuation(doi: str) -> str:
    """``doi`` without the punctuation of the text around it: a trailing ``.``, ``,`` or ``;``,
    and a closing bracket the DOI does not open (``(doi 10.1000/x)``). A bracket it opens is its
    own: ASCE's ``10.1061/(ASCE)0733-9445(2008)134:4(574)`` ends with ``)``."""
    unmatched = {c: doi.count(c) - doi.count(o) for c, o in _OPENING.items()}
    end = len(doi)
    while end and doi[end - 1] in ".,;)]}>":
        closer = doi[end - 1]
        if closer in unmatched:
            if unmatched[closer] <= 0:
                break
            unmatched[closer] -= 1
        end -= 1
    return doi[:end]


#: An ampersand escaped once or more (``&amp;``, ``&amp;amp;``): an export that escaped its text
#: twice writes a SICI DOI's ``<`` as ``&amp;lt;``.
_ESCAPED_AMPERSANDS = re.compile(r"&(?:amp;)+", re.IGNORECASE)
#: Decoding passes before a DOI that still decodes further is given up (only text made to nest
#: escapes that deep, as a fuzzer does, gets there).
_DECODING_PASSES = 8


def _decoded(text: str, *, percent: bool) -> str:
    """``text`` with its HTML entities (and its percent-encoding, with ``percent``) decoded
    until nothing is left to decode, so a DOI escaped twice reads as the DOI and normalising it
    again changes nothing; lower-cased as DOIs compare; empty when it does not settle within a
    few passes."""
    text = _ESCAPED_AMPERSANDS.sub("&", text)
    for _ in range(_DECODING_PASSES):
        decoded = html.unescape(text) if "&" in text else text
        decoded = (_unquoted(decoded) if percent and "%" in decoded else decoded).lower()
        if decoded == text:
            return text
        text = decoded
    return ""


#: A run of percent-encoded bytes other than ``%25`` (a percent sign, never decoded).
_PERCENT_RUN = re.compile(r"(?:%(?!25)[0-9A-Fa-f]{2})+")


def _unquoted(text: str) -> str:
    """``text`` with its percent-encoding decoded, each run of encoded bytes on its own: a run
    whose bytes are no UTF-8 (``%C3`` alone) is kept as written. ``%25`` (a percent sign) stays,
    so decoding twice changes nothing (``a%2541`` would read ``a%41``, then ``aA``), and so
    does a DOI cut from a decoded text."""

    def run(match: re.Match[str]) -> str:
        try:
            return urllib.parse.unquote(match.group(), errors="strict")
        except UnicodeDecodeError:
            return match.group()

    return _PERCENT_RUN.sub(run, text)


#: "pp 278-298", "pp. 5-9", "p. 12" (TRID's RIS): the label is no part of the page ("P12", a
#: poster's number, is).
# Before a page number, also one with a letter prefix ("pp. S27", "pp. e43268", "pp. iii80"), or
# a roman page ("pp. v-vii").
_PAGE_LABEL = re.compile(r"^(?:pp\.?\s*|p\.\s*|p\s+)(?=[a-z]{0,4}\d|[ivxlc]+\b)", re.IGNORECASE)


#: Dashes other than the ASCII hyphen-minus: the Cochrane Library writes page ranges with the
#: Unicode hyphen (``1279\u20101297``), others with an en or em dash or a minus sign.
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")


def unlabelled_pages(value: str) -> str:
    """Pages without a leading "pp"/"p." label, stripped, any dash a hyphen-minus."""
    return _PAGE_LABEL.sub("", _DASHES.sub("-", value.strip()))


def normalise_pmid(value: object) -> str:
    """Digits of a PubMed id, from ``123``, ``PMID:123``, ``https://pubmed.ncbi.nlm.nih.gov/123``."""
    match = re.search(r"(\d{1,9})/?\s*$", clean_text(value))
    return match.group(1) if match else ""


def normalise_pmcid(value: object) -> str:
    """``PMC`` followed by digits, from bare ids or PMC URLs."""
    match = re.search(r"PMC\d+", clean_text(value), flags=re.IGNORECASE)
    return match.group(0).upper() if match else ""


def normalise_year(value: object) -> str:
    """The first plausible four-digit year in a date-like value (full-width digits as ASCII
    ones: ``２０１８`` is 2018), else empty."""
    text = clean_text(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    match = re.search(r"(1[5-9]\d\d|20\d\d)", text)
    return match.group(1) if match else ""


#: What a source id's part of a record id is without: each run of spaces and punctuation other
#: than ``. : / - _`` becomes one ``_``; letters and digits of every script are kept, so that two
#: ids differing only in them (``Müller2019``, ``Möller2019``; ``张-001``, ``王-001``) stay two.
#: Underscores are kept as they are, so an ASCII id is what it always was (``Smith__2019``).
_ID_UNSAFE = re.compile(r"[^\w.:/-]+")


#: What versions before 2026-12-05 replaced in a source id: every character but ASCII letters,
#: digits and ``. : / - _``, one ``_`` a run (``Müller2019`` was ``M_ller2019``).
_EARLIER_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._:/-]+")


def earlier_record_id(source: str, source_id: str) -> str:
    """The id versions before 2026-12-05 gave a record with this source id (without the
    ``~2`` of a repeated one); the same as :func:`make_record_id` for an ASCII source id."""
    return f"{source}:{_EARLIER_ID_UNSAFE.sub('_', source_id)}"


def make_record_id(source: str, record: Record) -> str:
    """A stable id: ``source:source_id`` when the source has ids, else a content hash."""
    if record.source_id:
        key = _ID_UNSAFE.sub("_", record.source_id)
        return f"{source}:{key}"
    basis = "|".join(
        [
            record.doi,
            record.pmid,
            record.title.casefold(),
            record.year,
            record.authors[0].casefold() if record.authors else "",
            record.journal.casefold(),
            record.pages,
        ]
    )
    return f"{source}:h{hashlib.sha1(basis.encode('utf-8')).hexdigest()[:12]}"


def assign_ids(source: str, records: Iterable[Record]) -> list[Record]:
    """Normalise records, set ``source`` and a unique stable ``record_id`` on each.

    A true repeated record inside one file (same id twice) gets ``~2``, ``~3``... suffixes in file
    order, so nothing is dropped here; deduplication decides later.
    """
    seen: dict[str, int] = {}
    result = []
    for record in records:
        clean = record.normalised()
        clean.source = source
        base = make_record_id(source, clean)
        seen[base] = seen.get(base, 0) + 1
        clean.record_id = base if seen[base] == 1 else f"{base}~{seen[base]}"
        result.append(clean)
    return result


def records_to_csv(records: Iterable[Record]) -> str:
    """Serialise records in canonical form: fixed columns, rows sorted by record id."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(record.cells() for record in sorted(records, key=lambda r: r.record_id))
    return buffer.getvalue()


def write_records(path: Path | str, records: Iterable[Record]) -> int:
    """Atomically write a record file; returns the number of rows written."""
    records = list(records)
    atomic_write_text(Path(path), records_to_csv(records))
    return len(records)


def _open_record_file(path: Path) -> TextIO:
    try:
        return path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise InputFileError(path, f"cannot open record file ({exc.strerror})") from None


def _record_header(reader: Iterator[list[str]], origin: Path) -> tuple[dict[str, int], int]:
    """Column positions of a record file's header (a repeated name: its last position) and the
    header's width; a column of :data:`LATER_COLUMNS` the file lacks is placed past its end."""
    header = next(reader, None) or []
    missing = [c for c in COLUMNS if c not in header and c not in LATER_COLUMNS]
    if missing:
        raise InputFileError(
            origin, f"not a record file: missing column(s) {', '.join(missing)}", position="row 1"
        )
    last = {name: k for k, name in enumerate(header)}
    for name in LATER_COLUMNS:
        last.setdefault(name, max(len(header), max(last.values()) + 1))
    return last, len(header)


def _fit(row: list[str], header: int, width: int) -> list[str]:
    """A row of exactly ``width`` cells: cells past the header's ``header`` dropped, blanks
    added (a short row, or a column the file lacks)."""
    return row[:header] + [""] * (width - min(len(row), header))


def iter_records(path: Path | str) -> Iterator[Record]:
    """Read a record file written by :func:`write_records`, checking its header."""
    path = Path(path)
    with _open_record_file(path) as handle:
        yield from parse_records(handle, path)


def parse_records(lines: Iterable[str], origin: Path) -> Iterator[Record]:
    """The records of a record file's lines (as ``open(newline="")`` gives them).

    Reads as ``csv.DictReader`` and :meth:`Record.from_row` would, without a dict per row: a
    repeated column name takes its last cell, a short row's missing cells are empty, extra
    cells and blank lines are skipped.
    """
    reader = csv.reader(lines)
    last, header = _record_header(reader, origin)
    cells = operator.itemgetter(*(last[name] for name in COLUMNS))
    width = max(last.values()) + 1
    lacks = width > header  # a column of LATER_COLUMNS the file lacks: cells past the header cut
    lists = [k for k, name in enumerate(COLUMNS) if name in LIST_FIELDS]
    for row in reader:
        if not row:
            continue
        if len(row) < width or (lacks and len(row) > header):
            row = _fit(row, header, width)
        values = list(cells(row))
        for k in lists:
            values[k] = split_list(values[k])
        yield Record(*values)


def read_records(path: Path | str) -> list[Record]:
    """All records of a record file."""
    return list(iter_records(path))


def read_record_fields(path: Path | str, names: Sequence[str]) -> list[Record]:
    """The records of a record file with only the fields ``names`` read, every other field
    empty: for steps that need a few fields of every record of a large library. Checks the
    header as :func:`iter_records` does. Fields among :data:`KEPT_FIELDS` of a file read whole
    before in this process, unchanged since (the same SHA-256), are not parsed again."""
    path = Path(path)
    kept = _KEPT.get(path.resolve()) if set(names) <= set(KEPT_FIELDS) else None
    if kept is None:
        with _open_record_file(path) as handle:
            return _fields_of(handle, path, names)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot open record file ({exc.strerror})") from None
    if hashlib.sha256(data).hexdigest() != kept[0]:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise not_utf8(path) from None
        return _fields_of(io.StringIO(text, newline=""), path, names)
    where = [(name, KEPT_FIELDS.index(name), name in LIST_FIELDS) for name in names]
    return [
        Record(**{name: list(row[k]) if is_list else row[k] for name, k, is_list in where})
        for row in kept[1]
    ]


def _fields_of(lines: Iterable[str], path: Path, names: Sequence[str]) -> list[Record]:
    """:func:`read_record_fields` of a record file's lines."""
    reader = csv.reader(lines)
    last, header = _record_header(reader, path)
    where = [(name, last[name], name in LIST_FIELDS) for name in names]
    found = []
    for row in reader:
        if not row:
            continue
        values: dict[str, Any] = {}
        for name, k, is_list in where:
            cell = row[k] if k < min(len(row), header) else ""
            values[name] = split_list(cell) if is_list else cell
        found.append(Record(**values))
    return found


#: The fields of every record that steps after the library step read (re-fetching, flags, the
#: changelog of the report): kept in memory for each record file :func:`read_records_digest`
#: reads (the library step reads every earlier round's), with the file's SHA-256, so that a
#: later step of the same process (Snakemake runs them in one) need not parse it again.
KEPT_FIELDS = ("record_id", "source", "pmid", "doi", "publication_types")
_KEPT: dict[Path, tuple[str, list[tuple[Any, ...]]]] = {}
_KEPT_FILES = 16  # the oldest is dropped beyond this many files


def _keep(path: Path, digest: str, records: Sequence[Record]) -> None:
    key = path.resolve()
    _KEPT.pop(key, None)
    while len(_KEPT) >= _KEPT_FILES:
        del _KEPT[next(iter(_KEPT))]
    get = operator.attrgetter(*KEPT_FIELDS)
    lists = [KEPT_FIELDS.index(name) for name in KEPT_FIELDS if name in LIST_FIELDS]
    rows = []
    for record in records:
        row = list(get(record))
        for k in lists:
            row[k] = tuple(row[k])  # the caller's records stay its own to change
        rows.append(tuple(row))
    _KEPT[key] = (digest, rows)


def read_records_digest(path: Path | str) -> tuple[list[Record], str]:
    """All records of a record file and the SHA-256 of its bytes (their :data:`KEPT_FIELDS`
    kept for :func:`read_record_fields`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot open record file ({exc.strerror})") from None
    records, digest = _parsed(data, path), hashlib.sha256(data).hexdigest()
    _keep(path, digest, records)
    return records, digest


def _parsed(data: bytes, path: Path) -> list[Record]:
    """The records of a record file's bytes; bytes that are not UTF-8 are the error, as when the
    whole file is decoded first. Lines are read as ``open(newline="")`` reads them, through
    ``io.TextIOWrapper``: ``io.StringIO`` of the decoded text splits the same lines in about
    twice the time (0.1 CPU s more on a 20,000-record round)."""
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
    try:
        return list(parse_records(lines, path))
    except UnicodeDecodeError:
        raise not_utf8(path) from None
    except InputFileError:  # the header, read before a bad byte later on: that is the error
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise not_utf8(path) from None
        raise
