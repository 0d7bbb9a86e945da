"""Tabular exports: CSV flavours told apart by their header, and Publish or Perish JSON.

CSV flavours: Scopus, Lens.org, PubMed web ("Save > CSV"), OpenAlex web UI (flattened dotted
columns, ``|``-joined lists), Publish or Perish (Google Scholar), Web of Science tab-delimited
(tags as column names), ClinicalTrials.gov downloads (register records), and a generic table
with a title column (IEEE Xplore, Dimensions, Embase, Springer Link, Zotero, Web of Science saved
from Excel ...). The header row is the first of the first lines with a title column (Dimensions
and Embase write lines above it); the delimiter (comma, tab or semicolon) is taken from it. Cells
holding ``NA`` (written by R and some exporters) count as empty.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from livingreview.errors import InputFileError
from livingreview.imports import wos
from livingreview.imports.text import (
    Parsed,
    is_missing,
    join_pages,
    line_at,
    normalise_issns,
    record_position,
    split_values,
)
from livingreview.records import Record, family_first

log = logging.getLogger(__name__)

Getter = Callable[..., str]


class CellError(ValueError):
    """A cell a flavour cannot read; the reader adds the file and the row."""

    def __init__(self, column: str, problem: str) -> None:
        super().__init__(problem)
        self.column, self.problem = column, problem


#: Column that must be present, per flavour (the first one found counts).
TITLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "scopus": ("Title",),
    "lens": ("Title",),
    "pubmed": ("Title",),
    "openalex": ("display_name", "title"),
    "pop": ("Title",),
    "wos_tab": ("TI",),
    "ctgov": ("Study Title", "Title"),
    "generic": (
        "Title",
        "Article Title",
        "Document Title",
        "Primary Title",
        "Item Title",
        "display_name",
    ),
}


# --------------------------------------------------------------------------- CSV


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line (outside quotes) most often."""
    header = text.lstrip("\n").split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


#: Lines searched for the header row: Dimensions writes an "About the data" line above it,
#: Embase its search query and a blank line or two.
_PREAMBLE_LINES = 10


def without_preamble(text: str) -> tuple[str, str]:
    """The text with any lines above the header row blanked (line numbers kept), and its delimiter.

    The header row is the first of the first lines that has a known title column among its cells
    (split on its own most frequent delimiter), when every line above it is narrower (a note, a
    query); without one, the first line is the header.
    """
    lines = text.split("\n", _PREAMBLE_LINES)[:_PREAMBLE_LINES]
    for index, line in enumerate(lines):
        delimiter = sniff_delimiter(line)
        rows = [next(csv.reader([x], delimiter=delimiter), []) for x in lines[: index + 1]]
        if _has_title_column(rows[-1]):
            if not _above_is_preamble(rows):
                break
            return "\n" * index + text[sum(len(x) + 1 for x in lines[:index]) :], delimiter
    return text, sniff_delimiter(text)


_TITLES = frozenset(name.lower() for names in TITLE_COLUMNS.values() for name in names)


def _has_title_column(cells: Iterable[str]) -> bool:
    return bool(_TITLES & {cell.strip().lower() for cell in cells})


def _width(cells: list[str]) -> int:
    """Number of cells up to the last one holding text."""
    return next((i + 1 for i in range(len(cells) - 1, -1, -1) if cells[i].strip()), 0)


def _above_is_preamble(rows: list[list[str]]) -> bool:
    """Whether the rows above the last (the header found) are narrower than it: lines written
    above a table, not rows of a table whose own header has no title column."""
    width = _width(rows[-1]) if rows else 0
    return all(_width(row) < width for row in rows[:-1])


def sheet_header_index(rows: list[list[str]]) -> int:
    """Index of a worksheet's header row: the first of the first rows with a title column, when
    the rows above it are narrower (see :func:`without_preamble`); else the first row."""
    head = rows[:_PREAMBLE_LINES]
    index = next((i for i, row in enumerate(head) if _has_title_column(row)), 0)
    return index if _above_is_preamble(head[: index + 1]) else 0


class _SheetRows:
    """Worksheet rows as a :mod:`csv` reader gives them: iterable, with ``line_num``."""

    def __init__(self, rows: list[list[str]]) -> None:
        self.rows, self.line_num = rows, 0

    def __iter__(self) -> Iterator[list[str]]:
        for row in self.rows:
            self.line_num += 1
            yield row


def parse_sheet(path: Path | str, rows: list[list[str]], sheet: str) -> list[Parsed]:
    """Parse worksheet rows like a CSV; rows above the header are skipped, positions are
    the sheet's row numbers after ``sheet`` (``"sheet 'Data', "``)."""
    header = sheet_header_index(rows)
    rows = [[] for _ in rows[:header]] + rows[header:]
    return _read_rows(path, _SheetRows(rows), [], ",", lambda _, line: f"{sheet}row {line}")


def scan_csv(text: str) -> list[int]:
    """Start lines of the data rows, by a scan that only tracks quoting (see :func:`_scan`)."""
    text, delimiter = without_preamble(text)
    if _unquoted(text, delimiter):
        return [n for n, line in enumerate(text.split("\n"), 1) if line.strip()][1:]
    return _scan(text, delimiter)[0][1:]  # the first row is the header


#: A tab-delimited cell a spreadsheet program quoted when saving: all of it in quotes and its
#: own quotes doubled (``"""Quoted words"": rest"``); Web of Science never writes one.
_RESAVED_CELL = re.compile(r'(?:^|\t)"(?:[^"\t\n]|"")*""(?:[^"\t\n]|"")*"(?=\t|$)', re.MULTILINE)


def _unquoted(text: str, delimiter: str) -> bool:
    """Web of Science tab-delimited text: tag columns, one record a line, quotes never special.

    Its titles may start with a quotation mark (``"Quoted words": rest``) that CSV quoting would
    strip, or never close. Taken as such only while no line has more cells than the header
    (and the empty cell after the trailing tab).
    """
    lines = [line for line in text.split("\n") if line.strip()]
    if delimiter != "\t" or not lines or not {"PT", "UT"} <= set(lines[0].split("\t")):
        return False
    if _RESAVED_CELL.search(text):  # saved again by a spreadsheet program: quoting is real
        return False
    cells = lines[0].count("\t") + 1
    return all(line.count("\t") <= cells for line in lines)


def _scan(text: str, delimiter: str) -> tuple[list[int], bool]:
    """Start lines of all rows, and whether the text ends inside a quoted cell.

    Independent of :mod:`csv`: a quote opens a quoted field only at the start of a field, ``""``
    inside quotes is an escaped quote, and a row counts when it has any non-space character.
    Only quotes, delimiters and newlines are visited, so the scan stays fast on large files.
    """
    special = re.compile('["\n' + re.escape(delimiter) + "]")
    starts: list[int] = []
    in_quotes, field_start, content = False, True, False
    line, row_line, position, skip = 1, 1, 0, -1
    for match in special.finditer(text):
        index, char = match.start(), match.group()
        if index < skip:  # the second quote of an escaped ""
            continue
        chunk = text[position:index]
        position = match.end()
        if chunk:
            content = content or not chunk.isspace()
            field_start = False
        if in_quotes:
            if char == '"':
                if text.startswith('"', index + 1):
                    skip, position, content = index + 2, index + 2, True
                else:
                    in_quotes = False
            elif char == "\n":
                line += 1
        elif char == '"':
            if field_start:
                in_quotes = True
            else:
                content = True
            field_start = False
        elif char == delimiter:
            field_start = True
        else:  # a newline outside quotes ends the row
            if content:
                starts.append(row_line)
            line += 1
            row_line, content, field_start = line, False, True
    tail = text[position:]
    if content or (tail and not tail.isspace()):
        starts.append(row_line)
    return starts, in_quotes


def csv_flavour(header: Iterable[str]) -> str:
    """Which exporter wrote a CSV, from its column names."""
    names = {h.strip().lower() for h in header}
    if "nct number" in names:
        return "ctgov"
    if "eid" in names or {"source title", "authors", "link"} <= names:
        return "scopus"
    if "lens id" in names:
        return "lens"
    if {"pmid", "citation", "journal/book"} <= names:
        return "pubmed"
    if "gsrank" in names or "citesurl" in names or {"cites", "articleurl"} <= names:
        return "pop"
    if {"pt", "ut"} <= names and ("ti" in names or "au" in names):
        return "wos_tab"
    dotted = ("authorships.", "primary_location.", "ids.", "open_access.", "biblio.")
    if any(n.startswith(dotted) for n in names) or {"id", "display_name"} <= names:
        return "openalex"
    return "generic"


def parse_csv(path: Path | str, text: str) -> list[Parsed]:
    """Parse a CSV (or tab-delimited) export into records."""
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    body, delimiter = without_preamble(text)
    if body != text:
        log.info("%s: lines above the CSV header row were skipped", path)
    text = body
    unquoted = _unquoted(text, delimiter)
    quoting = csv.QUOTE_NONE if unquoted else csv.QUOTE_MINIMAL
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting)
    try:
        parsed = _read_rows(path, reader, text.split("\n"), delimiter)
    except csv.Error as exc:
        raise InputFileError(
            path, f"malformed CSV ({exc})", position=f"line {reader.line_num}"
        ) from None
    if parsed and not unquoted:
        _check_last_row_closed(path, text, delimiter, len(parsed) + 1, parsed[-1].line)
    return parsed


def _check_last_row_closed(
    path: Path | str, text: str, delimiter: str, row: int, line: int
) -> None:
    """Fail when the file ends inside a quoted cell of its last row (``row``, from ``line``).

    :mod:`csv` reads such a row without a word, its last cell cut short and the cells after it
    missing: the export was cut off in a download, or a quote was never closed.
    """
    offset = len(text)
    for _ in range(text.count("\n") - line + 2):  # back to the newline before the row
        offset = text.rfind("\n", 0, offset)
        if offset < 0:
            break
    if _scan(text[offset + 1 :], delimiter)[1]:
        raise InputFileError(
            path,
            "the file ends inside a quoted cell: the export is cut short (an interrupted "
            "download?) or a quote is never closed; export the file again",
            position=f"row {row} (line {line})",
        )


def _csv_position(row: int, line: int) -> str:
    return f"row {row} (line {line})"


def _read_rows(
    path: Path | str,
    reader: Any,
    lines: list[str],
    delimiter: str,
    where: Callable[[int, int], str] = _csv_position,
) -> list[Parsed]:
    header: list[str] | None = None
    header_line = 1
    parsed: list[Parsed] = []
    previous_end = 0
    builder: Callable[[Getter], Record] | None = None
    for row in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [h.strip() for h in row]
            header_line = start
            flavour = csv_flavour(header)
            lowered = {h.lower() for h in header}
            if not any(t.lower() in lowered for t in TITLE_COLUMNS[flavour]):
                raise InputFileError(
                    path,
                    f"no title column in the CSV header (read as a {flavour} export; "
                    f"columns: {', '.join(header[:12])}{'...' if len(header) > 12 else ''})",
                    position=where(1, header_line),
                    field=TITLE_COLUMNS[flavour][0],
                )
            builder = _BUILDERS[flavour]
            continue
        row_number = len(parsed) + 2
        if [c.strip() for c in row] == header:
            raise InputFileError(
                path,
                "this row repeats the header: were several exports joined into one file? "
                "List each export file under imports.<name>.files instead",
                position=where(row_number, start),
            )
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            requoted = _requoted("\n".join(lines[start - 1 : previous_end]), delimiter, header)
            if requoted is None:
                raise InputFileError(
                    path,
                    f"{len(row)} cells but the header has {len(header)} (broken quoting?)",
                    position=where(row_number, start),
                )
            row = requoted
            log.warning(
                "%s: row %d (line %d): quotes inside a cell were not doubled; "
                "the row was split at its quoted delimiters",
                path,
                row_number,
                start,
            )
        cells: dict[str, str] = {}
        for name, cell in zip(header, row, strict=False):  # a repeated column: first filled one
            if is_missing(cells.get(name.lower())):
                cells[name.lower()] = cell
        assert builder is not None
        try:
            parsed.append(Parsed(start, builder(_getter(cells))))
        except CellError as exc:
            raise InputFileError(
                path, exc.problem, position=where(row_number, start), field=exc.column
            ) from None
    if header is None:
        raise InputFileError(path, "no header row", position="line 1")
    return parsed


def _requoted(raw: str, delimiter: str, header: list[str]) -> list[str] | None:
    """The cells of a row written with every cell quoted but inner quotes not doubled, or None.

    Old IEEE Xplore CSVs write ``"Center "Name", City"``: read as CSV, the inner quote ends the
    cell and the row gets too many cells. Split at the quoted delimiters (``","``) instead, when
    that gives exactly one cell per column.
    """
    raw = raw.strip()
    if len(raw) < 2 or raw[0] != '"' or raw[-1] != '"':
        return None
    cells = raw[1:-1].split(f'"{delimiter}"')
    if len(cells) != len(header):
        return None
    return [cell.replace('""', '"') for cell in cells]


def _getter(cells: dict[str, str]) -> Getter:
    def get(*names: str) -> str:
        for name in names:
            value = cells.get(name.lower())
            if not is_missing(value):
                return str(value).strip()
        return ""

    return get


# --------------------------------------------------------------------------- flavours


def _scopus(get: Getter) -> Record:
    full = [re.sub(r"\s*\(\d+\)$", "", n) for n in split_values(get("Author full names"), ";")]
    short = get("Authors")
    authors = full or split_values(short, ";" if ";" in short else ",")
    authors = [a for a in authors if "no author name available" not in a.lower()]
    abstract = get("Abstract")
    if abstract.lower().startswith("[no abstract available"):
        abstract = ""
    eid = get("EID") or _match(r"[?&]eid=([\w.-]+)", get("Link"))
    return Record(
        source_id=eid,
        pmid=get("PubMed ID"),
        doi=get("DOI"),
        title=get("Title"),
        abstract=abstract,
        authors=authors,
        year=get("Year"),
        journal=get("Source title"),
        volume=get("Volume"),
        issue=get("Issue"),
        pages=join_pages(get("Page start"), get("Page end"), get("Art. No.")),
        issn=normalise_issns([get("ISSN")]),
        publication_types=split_values(get("Document Type"), ";"),
        keywords=split_values(get("Author Keywords"), ";")
        + split_values(get("Index Keywords"), ";"),
        language=get("Language of Original Document"),
        url=get("Link"),
    )


def _lens(get: Getter) -> Record:
    urls = get("Source URLs").split()
    return Record(
        source_id=get("Lens ID"),
        pmid=get("PMID"),
        pmcid=get("PMCID"),
        doi=get("DOI"),
        title=get("Title"),
        abstract=get("Abstract"),
        authors=split_values(get("Author/s"), ";"),
        year=get("Publication Year", "Date Published"),
        journal=get("Source Title"),
        volume=get("Volume"),
        issue=get("Issue Number"),
        pages=join_pages(get("Start Page"), get("End Page")),
        issn=normalise_issns([get("ISSNs")]),
        publication_types=split_values(get("Publication Type"), ";"),
        keywords=split_values(get("Keywords"), ";") + split_values(get("MeSH Terms"), ";"),
        url=urls[0] if urls else get("External URL"),
    )


_CITATION = re.compile(
    r";\s*(?P<volume>[^:;()]+?)?\s*(?:\((?P<issue>[^)]*)\))?:(?P<pages>[^.;\s]+)"
)


def _pubmed(get: Getter) -> Record:
    citation = re.search(_CITATION, get("Citation"))
    parts = citation.groupdict() if citation else {}
    return Record(
        source_id=get("PMID"),
        pmid=get("PMID"),
        pmcid=get("PMCID"),
        doi=get("DOI"),
        title=get("Title"),
        authors=[a.strip().rstrip(".") for a in split_values(get("Authors"), ",")],
        year=get("Publication Year", "Create Date"),
        journal=get("Journal/Book"),
        volume=(parts.get("volume") or "").strip(),
        issue=parts.get("issue") or "",
        pages=parts.get("pages") or "",
    )


def rebuild_abstract(value: str) -> str:
    """Plain text from an OpenAlex ``abstract_inverted_index``; plain text is returned as is."""
    if not value.lstrip().startswith("{"):
        return value
    try:
        index = json.loads(value)
    except ValueError:
        return value
    if not isinstance(index, dict):
        return value
    words: dict[int, str] = {}
    for word, positions in index.items():
        for position in positions if isinstance(positions, list) else []:
            if isinstance(position, int):
                words[position] = word
    return " ".join(words[i] for i in sorted(words))


def _openalex(get: Getter) -> Record:
    work_id = get("id")
    return Record(
        source_id=re.sub(r"^https?://openalex\.org/", "", work_id),
        pmid=get("ids.pmid"),
        pmcid=get("ids.pmcid"),
        doi=get("doi", "ids.doi"),
        title=get("display_name", "title"),
        abstract=rebuild_abstract(get("abstract", "abstract_inverted_index")),
        # display names are given name first; family first as every other source has them
        authors=[
            family_first(a) for a in split_values(get("authorships.author.display_name"), "|")
        ],
        year=get("publication_year", "publication_date"),
        journal=get("primary_location.source.display_name", "host_venue.display_name"),
        volume=get("biblio.volume"),
        issue=get("biblio.issue"),
        pages=join_pages(get("biblio.first_page"), get("biblio.last_page")),
        issn=normalise_issns(
            split_values(get("primary_location.source.issn_l"), "|")
            + split_values(get("primary_location.source.issn"), "|")
        ),
        publication_types=split_values(get("type"), "|"),
        keywords=split_values(get("keywords.display_name"), "|"),
        language=get("language"),
        url=get("primary_location.landing_page_url") or work_id,
    )


def _pop(get: Getter, author_list: list[str] | None = None) -> Record:
    """Publish or Perish, from CSV columns or JSON keys (the getter accepts both spellings).

    Authors are kept as given (``AG Meyer``); the ``...`` placeholder for more authors is dropped.
    """

    def number(*names: str) -> str:
        value = get(*names)
        return "" if value in {"0", "0.0"} else value

    if author_list is None:
        author_list = split_values(get("authors"), ",")
    article_url = get("article_url", "ArticleURL")
    cites_url = get("cites_url", "CitesURL")
    cites_id = _match(r"[?&]cites=(\d+)", cites_url)
    return Record(
        source_id=get("uid") or (f"GS:{cites_id}" if cites_id else ""),
        doi=get("doi") or (article_url if "doi.org/" in article_url else ""),
        title=get("title"),
        abstract=get("abstract"),
        authors=[a for a in author_list if a.strip(" .…")],
        year=number("year"),
        journal=get("source"),
        volume=number("volume"),
        issue=number("issue"),
        pages=join_pages(number("startpage", "start_page"), number("endpage", "end_page")),
        issn=normalise_issns([get("issn")]),
        publication_types=split_values(get("type"), ";"),
        url=article_url,
    )


_WOS_TAB_COLUMNS = ("PT", "AU", "AF", "TI", "SO", "VL", "IS", "BP", "EP", "AR", "DI", "D2", "PM")
_WOS_TAB_COLUMNS += ("UT", "AN", "PY", "PD", "EA", "SN", "EI", "DE", "ID", "DT", "LA", "AB")


def _wos_tab(get: Getter) -> Record:
    return wos.build_record({tag: [get(tag)] for tag in _WOS_TAB_COLUMNS}, cells=True)


_NCT = re.compile(r"NCT\d{8}")
_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")


def _ctgov(get: Getter) -> Record:
    """A ClinicalTrials.gov download, current (``Study Title``) or classic (``Title``, ``URL``).

    A register record: no authors or journal article; the year is when the study was first
    posted (else its start); conditions and interventions (``|``-joined) are its keywords.
    """
    nct = get("NCT Number")
    if not _NCT.fullmatch(nct):
        raise CellError("NCT Number", f"expected an NCT number (NCT and 8 digits), found {nct!r}")
    years = [
        m.group() for v in (get("First Posted"), get("Start Date")) for m in [_YEAR.search(v)] if m
    ]
    return Record(
        source_id=nct,
        title=get("Study Title", "Title"),
        abstract=get("Brief Summary"),
        year=years[0] if years else "",
        journal="ClinicalTrials.gov",
        publication_types=["Trial registration", *split_values(get("Study Type"), "|")],
        keywords=split_values(get("Conditions"), "|") + split_values(get("Interventions"), "|"),
        url=get("Study URL", "URL"),
    )


def _generic(get: Getter) -> Record:
    """Any other table, by the column names the exporters use (IEEE Xplore, Dimensions, Embase,
    Springer Link, Zotero, Web of Science saved from Excel, Cochrane, CAB, ASReview ...)."""
    return Record(
        source_id=get("UT (Unique WOS ID)", "Publication ID"),
        pmid=get("PMID", "PubMed ID", "Medline PMID"),
        pmcid=get("PMCID"),
        doi=get("DOI", "Item DOI"),
        title=get(*TITLE_COLUMNS["generic"]),
        abstract=get("Abstract", "Abstract Note", "Abstract Text"),
        authors=_names(get(*_AUTHOR_COLUMNS)),
        year=get(
            "Year",
            "Publication Year",
            "PubYear",
            "Year of Publication",
            "Date",
            "Publication Date",
        ),
        journal=get(
            "Journal",
            "Source Title",
            "Publication Title",
            "Source",
            "Journal/Book",
            "Anthology title",
        ),
        volume=get("Volume", "Journal Volume"),
        issue=get("Issue", "Number", "Journal Issue"),
        pages=get("Pages", "Pagination")
        or join_pages(
            get("Start Page", "Page start", "First Page", "StartPage"),
            get("End Page", "Page end", "Last Page", "EndPage"),
            get("Article Number", "Art. No."),
        ),
        issn=normalise_issns([get("ISSN", "ISSNs"), get("eISSN")]),
        publication_types=split_values(
            get(
                "Type",
                "Item Type",
                "Document Type",
                "Publication Type",
                "Content Type",
                "Document Identifier",
            ),
            ";",
        ),
        keywords=[k for name in _KEYWORD_COLUMNS for k in split_values(get(name), ";")],
        language=get("Language", "Article Language", "Languages of Text"),
        url=get("URL", "Link", "PDF Link", "Dimensions URL", "Embase Link"),
    )


#: Author columns, fullest first (Web of Science's Excel export has both short and full names).
_AUTHOR_COLUMNS = (
    "Author Full Names",
    "Authors",
    "Author",
    "Author/s",
    "Author Names",
    "Author(s)",
)


_KEYWORD_COLUMNS = (
    "Keywords",
    "Author Keywords",
    "Keywords Plus",
    "IEEE Terms",
    "MeSH terms",
    "Manual Tags",
    "Automatic Tags",
)


#: Initials after a family name (Embase: ``Doe J.``, ``Roe R.A.``, ``Poe J.-P.``).
_INITIALS = re.compile(r"(?:[A-Z]\.?-?){1,4}")


def _names(value: str) -> list[str]:
    """Authors split on ``;``, or on ``,`` when the parts are whole names: each ends in initials
    (``Doe J., Roe R.A.``) or, with three or more, each has several words.

    ``Doe, Jane`` and ``García Márquez, Gabriel José`` stay one name: the comma is inside it.
    """
    if ";" in value or "," not in value:
        return split_values(value, ";")
    parts = split_values(value, ",")
    words = [part.split() for part in parts]
    initials = all(len(w) > 1 and _INITIALS.fullmatch(w[-1]) for w in words)
    listed = len(parts) > 2 and all(len(w) > 1 for w in words)
    return parts if initials or listed else [value.strip()]


_BUILDERS: dict[str, Callable[[Getter], Record]] = {
    "scopus": _scopus,
    "lens": _lens,
    "pubmed": _pubmed,
    "openalex": _openalex,
    "pop": _pop,
    "wos_tab": _wos_tab,
    "ctgov": _ctgov,
    "generic": _generic,
}


def _match(pattern: str, value: str) -> str:
    found = re.search(pattern, value)
    return found.group(1) if found else ""


# --------------------------------------------------------------------------- PoP JSON


def scan_json(text: str) -> list[int]:
    """Lines where a top-level list item object starts (``{`` at depth 1, outside strings)."""
    special = re.compile(r'["\\\[\]{}\n]')
    starts: list[int] = []
    depth, in_string, line, skip = 0, False, 1, -1
    for match in special.finditer(text):
        index, char = match.start(), match.group()
        if char == "\n":
            line += 1
        elif index < skip:
            continue
        elif in_string:
            if char == "\\":
                skip = index + 2  # the escaped character
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            if char == "{" and depth == 1:
                starts.append(line)
            depth += 1
        elif char in "]}":
            depth -= 1
    return starts


def parse_json(path: Path | str, text: str) -> list[Parsed]:
    """Parse a Publish or Perish JSON export (a list of objects), item by item."""
    decoder = json.JSONDecoder()
    index = _skip_space(text, 0)
    if not text.startswith("[", index):
        raise InputFileError(
            path,
            "expected a JSON list of records (a Publish or Perish export)",
            position=f"line {line_at(text, index)}",
        )
    index = _skip_space(text, index + 1)
    parsed: list[Parsed] = []
    if text.startswith("]", index):
        return parsed
    line, counted = 1, 0
    while True:
        line += text.count("\n", counted, index)
        counted = index
        number = len(parsed) + 1
        try:
            item, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            raise InputFileError(
                path,
                f"invalid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
                "is the file truncated?",
                position=record_position(number, line),
            ) from None
        except RecursionError:
            raise InputFileError(
                path,
                "JSON nested too deeply: expected a list of records, each an object of fields",
                position=record_position(number, line),
            ) from None
        if not isinstance(item, dict):
            raise InputFileError(
                path, "a list item is not a JSON object", position=record_position(number, line)
            )
        authors = item.get("authors")
        author_list = [str(a) for a in authors if a] if isinstance(authors, list) else None
        parsed.append(Parsed(line, _pop(_json_getter(item), author_list)))
        index = _skip_space(text, index)
        if text.startswith(",", index):
            index = _skip_space(text, index + 1)
        elif text.startswith("]", index):
            break
        else:
            where = "the file ends" if index >= len(text) else "unexpected text"
            raise InputFileError(
                path,
                f"invalid JSON: {where} after a record (expected ',' or ']'); is it truncated?",
                position=f"line {line_at(text, index)}",
            )
    rest = _skip_space(text, index + 1)
    if rest < len(text):
        raise InputFileError(
            path, "unexpected text after the JSON list", position=f"line {line_at(text, rest)}"
        )
    return parsed


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index


def _json_getter(item: dict[str, Any]) -> Getter:
    lowered = {str(k).lower(): v for k, v in item.items()}

    def get(*names: str) -> str:
        for name in names:
            value = lowered.get(name.lower())
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value if v is not None)
            if value is not None and not is_missing(value):
                return str(value).strip()
        return ""

    return get
