"""One record from a row of any other table, by the column names exporters use for each field."""

from __future__ import annotations

import re
from urllib.parse import unquote

from livingreview.imports.tabular.columns import TITLE_COLUMNS, Getter
from livingreview.imports.text import join_pages, normalise_issns, split_values
from livingreview.records import Record, is_group


def generic_record(get: Getter) -> Record:
    """Any other table, by the column names the exporters use (IEEE Xplore, Dimensions, Embase,
    Springer Link, Zotero, Web of Science saved from Excel, ProQuest's XLS, Cochrane, CAB,
    ASReview ...)."""
    record = _columns_record(get)
    cited = _EMBASE_SOURCE.match(record.journal)
    if cited:  # Embase's citation in one "Source" cell: its parts fill what columns left empty
        record.journal = cited["journal"].strip()
        record.year = record.year or cited["year"]
        record.volume = record.volume or (cited["volume"] or "")
        record.issue = record.issue or (cited["issue"] or "")
        record.pages = record.pages or (cited["pages"] or "").strip()
    return record


#: Embase's "Source": ``Journal (2014) 3:3 (152-160). Date of Publication: 2014`` (volume,
#: issue and pages each may be missing: ``Journal (2019) 54 (83-86). ...``).
_EMBASE_SOURCE = re.compile(
    r"^(?P<journal>.+?) \((?P<year>\d{4})\)(?: (?P<volume>[^\s:()]+)(?::(?P<issue>[^\s()]+))?)?"
    r"(?: \((?P<pages>[^()]*)\))?\.? *(?:Date of Publication:.*)?$"
)
#: The DOI inside an OpenURL link (Embase's "Open URL Link": ``...&id=doi:10.4103%2F2303...&``).
_OPENURL_DOI = re.compile(r"[?&](?:id=doi:|rft_id=info:doi/)([^&]+)")


def _openurl_doi(link: str) -> str:
    """The DOI an OpenURL link carries, decoded, else empty."""
    match = _OPENURL_DOI.search(link)
    return unquote(match.group(1)) if match else ""


#: Zotero's CSV keeps a PubMed record's ids only in "Extra", one "Label: value" line each.
_EXTRA_ID = re.compile(r"(?:^|\s)(PMID|PMCID):\s*(PMC\d+|\d+)\b")


def _extra_id(label: str, extra: str) -> str:
    """The PMID or PMCID Zotero's "Extra" cell names, else empty."""
    return next((m[2] for m in _EXTRA_ID.finditer(extra) if m[1] == label), "")


#: The PMID's column: SYNERGY's labelled sets (Cohen 2006 ...) name it ``pubmedID``.
_PMID_COLUMNS = ("PMID", "PubMed ID", "Medline PMID", "pubmedID")


def _columns_record(get: Getter) -> Record:
    """A record from the columns alone."""
    return Record(
        source_id=get(*_ID_COLUMNS),
        pmid=_pmid(get(*_PMID_COLUMNS)) or _extra_id("PMID", get("Extra")),
        pmcid=get("PMCID") or _extra_id("PMCID", get("Extra")),
        doi=get("DOI", "Item DOI", "digitalObjectIdentifier") or _openurl_doi(get("Open URL Link")),
        title=get(*TITLE_COLUMNS["generic"]),
        abstract=get("Abstract", "Abstract Note", "Abstract Text"),
        authors=_names(get(*_AUTHOR_COLUMNS)) or _refman_names(get("Authors, Primary")),
        year=get(*_YEAR_COLUMNS),
        journal=get(*_JOURNAL_COLUMNS),
        volume=get("Volume", "Journal Volume"),
        issue=get("Issue", "Number", "Journal Issue"),
        pages=_pages(get),
        issn=normalise_issns([get("ISSN", "ISSNs", "ISSN/ISBN"), get("eISSN")]),
        publication_types=split_values(get(*_TYPE_COLUMNS), ";"),
        keywords=[k for name in _KEYWORD_COLUMNS for k in split_values(get(name), ";")],
        language=get("Language", "Article Language", "Languages of Text"),
        url=_first_word(get("URL", "Link", "PDF Link", "Dimensions URL", "Embase Link", "PLink")),
    )


def _pages(get: Getter) -> str:
    """The pages of one column, else joined from the first and last page (or the first page and
    the page count) and the article number."""
    return join_pages(get("Pages", "Pagination")) or join_pages(
        get("Start Page", "Page start", "First Page", "StartPage"),
        get("End Page", "Page end", "Last Page", "EndPage", "Other Pages")
        or _last_page(get("First Page"), get("Page Count")),
        get("Article Number", "Art. No."),
    )


def _pmid(value: str) -> str:
    """The PMID, or empty for abstrackr's ``0`` (no PubMed id)."""
    return "" if value.strip("0") == "" else value


def _first_word(value: str) -> str:
    """A cell's first address: Citavi lists several apart by spaces, and Rayyan writes RIS lines
    after it (``https://...     U2  - L2029880245``)."""
    return value.split()[0] if value.strip() else ""


def _last_page(first_page: str, count: str) -> str:
    """The last page from EBSCOhost's first page and page count (``924``, ``11``: ``934``), else
    empty."""
    if first_page.isdigit() and count.isdigit() and int(count) > 1:
        return str(int(first_page) + int(count) - 1)
    return ""


#: The database's own id of a record, per exporter (the first filled one counts, as below).
_ID_COLUMNS = (
    "UT (Unique WOS ID)",
    "Publication ID",
    "CENTRAL ID",
    "Accession Number",
    "Reference Id",
    "StoreId",  # ProQuest's XLS export (with pubtitle, digitalObjectIdentifier ...)
)


#: Year columns.
_YEAR_COLUMNS = (
    "Year",
    "Publication Year",
    "PubYear",
    "Year of Publication",
    "Date",
    "Publication Date",
    "Published Year",
    "Pub Year",
)


#: Journal (source title) columns.
_JOURNAL_COLUMNS = (
    "Journal",
    "Source Title",
    "Publication Title",
    "Source",
    "Journal/Book",
    "Anthology title",
    "Journal Title",
    "Periodical Full",
    "Publication",
    "pubtitle",
)


#: Publication type columns (values apart by ``;``).
_TYPE_COLUMNS = (
    "Type",
    "Item Type",
    "Document Type",
    "Publication Type",
    "Content Type",
    "Document Identifier",
    "Doctype",
    "Reference Type",
    "documentType",
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


#: Keyword columns. IEEE Xplore's CSV has five: ``Author Keywords``, ``IEEE Terms``, ``INSPEC
#: Controlled Terms``, ``INSPEC Non-Controlled Terms`` and ``Mesh_Terms`` (``MeSH Terms`` in
#: older downloads).
_KEYWORD_COLUMNS = (
    "Keywords",
    "Author Keywords",
    "Keywords Plus",
    "IEEE Terms",
    "INSPEC Controlled Terms",
    "INSPEC Non-Controlled Terms",
    "MeSH terms",
    "Mesh_Terms",
    "Manual Tags",
    "Automatic Tags",
    "subjectTerms",
)


def _refman_names(value: str) -> list[str]:
    """Citavi's (Reference Manager's) ``Family,Given;Family,Given`` as ``Family, Given`` (a
    missing given name written ``null`` is dropped with every record's placeholders:
    :meth:`livingreview.records.Record.normalised`)."""
    return [re.sub(r",(?=\S)", ", ", name) for name in split_values(value, ";")]


#: Initials after a family name (Embase: ``Doe J.``, ``Roe R.A.``, ``Poe J.-P.``).
_INITIALS = re.compile(r"(?:[A-Z]\.?-?){1,4}")


#: BibTeX's ``and`` between names (Rayyan: ``Doe, J. and Roe, R.``; abstrackr puts each name on
#: a line of its own: ``Doe, J.\n and Roe, R.\n``).
_AND = re.compile(r"\s+and\s+")


def _family_given(part: str) -> bool:
    """Whether a part is one person's ``Family, Given``: one comma, no group's name before it."""
    return part.count(",") == 1 and not is_group(part.split(",")[0])


def _names(value: str) -> list[str]:
    """Authors split on ``;``, on BibTeX's ``and`` between ``Family, Given`` names, or on ``,``
    when the parts are whole names: each ends in initials (``Doe J., Roe R.A.``) or, with three or
    more, each has several words.

    ``Doe, Jane`` and ``García Márquez, Gabriel José`` stay one name: the comma is inside it, and
    so do ``Food and Drug Administration``, ``Doe, Jane and John`` (no comma in every part) and
    ``Ministry of Health, Labour and Welfare, Japan`` (a group's name before a comma).
    """
    if ";" in value or "," not in value:
        return split_values(value, ";")
    joined = _AND.split(value.strip())
    if len(joined) > 1 and all(_family_given(part) for part in joined):
        return [part.strip() for part in joined]
    parts = split_values(value, ",")
    words = [part.split() for part in parts]
    initials = all(len(w) > 1 and _INITIALS.fullmatch(w[-1]) for w in words)
    listed = len(parts) > 2 and all(len(w) > 1 for w in words)
    return parts if initials or listed else [value.strip()]
