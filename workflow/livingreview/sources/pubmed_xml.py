"""Parsers for NCBI E-utilities XML: ESearch results, EFetch ``PubmedArticleSet``, ``<ERROR>``.

Bodies that declare no entity are parsed by the standard library's C parser (expat never downloads
a DTD); any other body goes through :mod:`defusedxml`, which refuses entity declarations (no
expansion, no external entities). Inline markup in
titles and abstracts (``<i>``, ``<sup>``, MathML) is flattened to its text, so a title such as
PMID 30108519's ``A "<i>Blood Relationship"</i> Between ...`` reads as plain words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree as StdElementTree
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from livingreview.errors import SearchError
from livingreview.records import Record
from livingreview.register_ids import databank_ids

ARTICLE_TAGS = ("PubmedArticle", "PubmedBookArticle")
PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
_MATHML = "{http://www.w3.org/1998/Math/MathML}"
_SPACES = re.compile(r"\s+")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
# An Elsevier/Cell publisher item identifier (S + ISSN + year + item), which PubMed gives as the
# ``pii`` ELocationID of articles in press: an identifier, not a page or article number.
_PUBLISHER_PII = re.compile(r"^[SB]\d{4}-?\d{3}[\dX]", re.IGNORECASE)
# What PubMed puts in ArticleTitle when it has no English title; the real one is then the
# VernacularTitle, if any.
_NO_TITLE = "[not available]"


class MalformedXMLError(SearchError):
    """A response body that is not well-formed XML (often a truncated transfer)."""


class UnsafeXMLError(SearchError):
    """A body declaring entities (expansion bombs, external files): refused, never retried."""


def _declares_no_entity(body: bytes) -> bool:
    """Whether ``body`` surely declares no XML entity: ASCII-compatible (no NUL among its first
    bytes, as UTF-16 or UTF-32 would have) and without ``<!ENTITY``."""
    return b"\x00" not in body[:4] and b"<!ENTITY" not in body


def parse_xml(body: bytes) -> Element:
    """Parse a response body safely: :class:`MalformedXMLError` or :class:`UnsafeXMLError`.

    :mod:`defusedxml`'s parser is pure Python (several times slower on a 10,000-record EFetch);
    it is only needed where an entity could be declared."""
    parse = StdElementTree.fromstring if _declares_no_entity(body) else ElementTree.fromstring
    try:
        return parse(body)
    except DefusedXmlException as exc:  # a ValueError too: caught first
        raise UnsafeXMLError(
            f"E-utilities response declares XML entities ({type(exc).__name__}: {exc}); entities "
            "are never expanded or fetched, and NCBI responses have none: is the base URL a real "
            "E-utilities server?"
        ) from None
    except (ParseError, ValueError) as exc:  # ValueError: an encoding expat cannot read
        raise MalformedXMLError(f"response is not well-formed XML ({exc})") from None


def error_messages(root: Element) -> list[str]:
    """Texts of top-level ``<ERROR>`` elements (the root itself, or its direct children)."""
    nodes = [root] if root.tag == "ERROR" else root.findall("ERROR")
    return [text for text in (inner_text(node) for node in nodes) if text]


# -- ESearch ---------------------------------------------------------------------------------


@dataclass
class ESearchResult:
    """The parts of an ``eSearchResult`` the search client uses."""

    count: int
    query_key: str = ""
    webenv: str = ""
    query_translation: str = ""
    ids: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # ErrorList and WarningList entries
    errors: list[str] = field(default_factory=list)  # top-level <ERROR> texts


def parse_esearch(root: Element) -> ESearchResult:
    """Read Count, QueryKey, WebEnv, QueryTranslation, ids, warnings and errors."""
    errors = error_messages(root)
    count_text = (root.findtext("Count") or "").strip()
    if not count_text.isdigit():
        if errors:
            return ESearchResult(count=0, errors=errors)
        raise SearchError(f"ESearch response <{root.tag}> has no numeric <Count>")
    warnings = [
        f"{child.tag}: {inner_text(child)}"
        for holder in ("ErrorList", "WarningList")
        for child in root.findall(holder + "/*")
    ]
    return ESearchResult(
        count=int(count_text),
        query_key=(root.findtext("QueryKey") or "").strip(),
        webenv=(root.findtext("WebEnv") or "").strip(),
        query_translation=inner_text(root.find("QueryTranslation")),
        ids=[(node.text or "").strip() for node in root.findall("IdList/Id")],
        warnings=warnings,
        errors=errors,
    )


# -- EFetch ----------------------------------------------------------------------------------


def article_elements(root: Element) -> list[Element]:
    """The ``PubmedArticle`` and ``PubmedBookArticle`` children of a ``PubmedArticleSet``."""
    return [child for child in root if child.tag in ARTICLE_TAGS]


def article_pmid(element: Element) -> str:
    """The PMID of a ``PubmedArticle`` or ``PubmedBookArticle``; empty for an element with
    nothing in it (``<PubmedArticle/>``), which is no record."""
    holder = "BookDocument" if element.tag == "PubmedBookArticle" else "MedlineCitation"
    return inner_text(element.find(f"{holder}/PMID"))


def parse_efetch(body: bytes) -> list[Record]:
    """All records of an EFetch ``retmode=xml`` body, in document order (not yet normalised)."""
    return parse_articles(article_elements(parse_xml(body)))


def parse_articles(elements: Iterable[Element]) -> list[Record]:
    """Map article elements to records."""
    return [parse_article(element) for element in elements]


def parse_article(element: Element) -> Record:
    """One ``PubmedArticle`` or ``PubmedBookArticle`` as a :class:`Record`."""
    if element.tag == "PubmedBookArticle":
        return _book_article(element)
    return _journal_article(element)


def _journal_article(element: Element) -> Record:
    citation = _child(element, "MedlineCitation")
    article = _child(citation, "Article")
    journal = _child(article, "Journal")
    issue = _child(journal, "JournalIssue")
    pmid = _text_of(citation, "PMID")
    ids = _article_ids(element.find("PubmedData/ArticleIdList"))
    elocations = _elocations(article)
    return Record(
        source_id=pmid,
        pmid=pmid,
        pmcid=ids.get("pmc", ""),
        doi=ids.get("doi") or elocations.get("doi", ""),
        title=_title(article),
        abstract=_abstract(article) or _other_abstract(citation),
        authors=_authors(article.find("AuthorList")),
        year=_journal_year(issue.find("PubDate"), article),
        journal=_text_of(journal, "Title"),
        volume=_text_of(issue, "Volume"),
        issue=_text_of(issue, "Issue"),
        pages=_pages(article.find("Pagination"), elocations),
        issn=_text_of(journal, "ISSN") or _text_of(citation, "MedlineJournalInfo/ISSNLinking"),
        publication_types=_texts(article.findall("PublicationTypeList/PublicationType")),
        keywords=_keywords(citation),
        language=", ".join(_texts(article.findall("Language"))),
        url=PUBMED_URL.format(pmid=pmid) if pmid else "",
        register_ids=_databank_ids(article),
    )


def _databank_ids(article: Element) -> list[str]:
    """The trial register ids of the article's ``DataBankList`` (``ClinicalTrials.gov``:
    ``NCT01234567``, ``EudraCT``: ``2010-012345-12``)."""
    found = (
        rid
        for bank in article.findall("DataBankList/DataBank")
        for rid in databank_ids(
            _text_of(bank, "DataBankName"),
            _texts(bank.findall("AccessionNumberList/AccessionNumber")),
        )
    )
    return list(dict.fromkeys(found))


def _book_article(element: Element) -> Record:
    document = _child(element, "BookDocument")
    book = _child(document, "Book")
    pmid = _text_of(document, "PMID")
    ids = _article_ids(document.find("ArticleIdList"))
    ids = {**_article_ids(element.find("PubmedBookData/ArticleIdList")), **ids}
    chapter = _title(document)
    book_title = inner_text(book.find("BookTitle"))
    year = _year_of(book.find("PubDate")) or _year_of(document.find("ContributionDate"))
    # The Book's own DOI is a chapter's only if the record is the whole book.
    book_doi = "" if chapter else _elocations(book).get("doi", "")
    return Record(
        source_id=pmid,
        pmid=pmid,
        pmcid=ids.get("pmc", ""),
        doi=ids.get("doi", "") or book_doi,
        title=chapter or book_title,
        abstract=_abstract(document),
        authors=_book_authors(document, book),
        year=year,
        journal=book_title if chapter else "",
        volume=_text_of(book, "Volume"),
        pages=_text_of(document, "Pagination/MedlinePgn"),
        publication_types=_texts(document.findall("PublicationType")),
        keywords=_keywords(document),
        language=", ".join(_texts(document.findall("Language"))),
        url=PUBMED_URL.format(pmid=pmid) if pmid else "",
    )


def _book_authors(document: Element, book: Element) -> list[str]:
    """A chapter's own authors (``BookDocument/AuthorList``), else the whole book's
    (``Book/AuthorList Type="authors"``: a guideline's group), else the document's first list
    of any type. The book's editors are never taken as authors."""
    lists = document.findall("AuthorList")
    for author_list in [*lists, *book.findall("AuthorList")]:
        names = _authors(author_list) if author_list.get("Type", "authors") == "authors" else []
        if names:
            return names
    return _authors(lists[0]) if lists else []


# -- field helpers ---------------------------------------------------------------------------


def inner_text(element: Element | None) -> str:
    """All text inside an element with inline markup dropped and whitespace collapsed.

    MathML formulae are read as their symbols run together (``V̇O2max`` reads ``V.O2max``)
    instead of one symbol per line.
    """
    if element is None:
        return ""
    return _SPACES.sub(" ", "".join(_pieces(element))).strip()


def _pieces(element: Element) -> Iterator[str]:
    if isinstance(element.tag, str) and element.tag.startswith(_MATHML):
        yield "".join(part.strip() for part in element.itertext())
        return
    if element.text:
        yield element.text
    for child in element:
        yield from _pieces(child)
        if child.tail:
            yield child.tail


_EMPTY = Element("empty")


def _child(parent: Element, path: str) -> Element:
    """A sub-element, or an empty stand-in so optional parts never need ``None`` checks."""
    found = parent.find(path)
    return found if found is not None else _EMPTY


def _text_of(parent: Element, path: str) -> str:
    return inner_text(parent.find(path))


def _texts(elements: Iterable[Element]) -> list[str]:
    return [text for text in (inner_text(e) for e in elements) if text]


def real_title(title: str) -> str:
    """The title, or '' for PubMed's ``[Not Available].`` placeholder (shared by thousands of
    records, it must not read as their common title)."""
    return "" if title.rstrip(".").strip().casefold() == _NO_TITLE else title


def _title(holder: Element) -> str:
    """ArticleTitle, else VernacularTitle (the placeholder counts as no title)."""
    return real_title(_text_of(holder, "ArticleTitle")) or _text_of(holder, "VernacularTitle")


def _article_ids(id_list: Element | None) -> dict[str, str]:
    ids: dict[str, str] = {}
    if id_list is None:
        return ids
    for node in id_list.findall("ArticleId"):
        kind = (node.get("IdType") or "").lower()
        value = inner_text(node)
        if kind and value and kind not in ids:
            ids[kind] = value
    return ids


def _elocations(article: Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in article.findall("ELocationID"):
        kind = (node.get("EIdType") or "").lower()
        value = inner_text(node)
        if kind and value and node.get("ValidYN", "Y") != "N" and kind not in found:
            found[kind] = value
    return found


def _abstract(holder: Element) -> str:
    """The ``Abstract`` of an ``Article`` or ``BookDocument``; labelled sections ``Label: text``."""
    return _sections(holder.findall("Abstract/AbstractText"))


def _other_abstract(citation: Element) -> str:
    """An article without ``Abstract``: the English ``OtherAbstract`` of its ``MedlineCitation``
    (PIP, KIE, NASA or a publisher's abstract; ``Language`` is ``eng`` when absent), else the
    first one. Each is one language's whole abstract: they are never run together."""
    others = citation.findall("OtherAbstract")
    english = [o for o in others if (o.get("Language") or "eng").strip().lower() == "eng"]
    chosen = (english or others)[:1]
    return _sections(chosen[0].findall("AbstractText")) if chosen else ""


def _sections(parts: Iterable[Element]) -> str:
    texts = []
    for part in parts:
        text = inner_text(part)
        label = (part.get("Label") or "").strip()
        if label and text:
            text = f"{label}: {text}"
        if text:
            texts.append(text)
    return " ".join(texts)


def _authors(author_list: Element | None) -> list[str]:
    if author_list is None:
        return []
    names = []
    for author in author_list.findall("Author"):
        if author.get("ValidYN", "Y") == "N":
            continue
        collective = _text_of(author, "CollectiveName")
        last = _text_of(author, "LastName")
        first = _text_of(author, "ForeName") or _text_of(author, "Initials")
        if last:
            names.append(f"{last}, {first}" if first else last)
        elif collective:
            names.append(collective)
    return names


def _year_of(date: Element | None) -> str:
    if date is None:
        return ""
    year = _text_of(date, "Year")
    if year:
        return year
    match = _YEAR.search(_text_of(date, "MedlineDate"))
    return match.group(1) if match else ""


def _journal_year(pub_date: Element | None, article: Element) -> str:
    year = _year_of(pub_date)
    if year:
        return year
    for date in article.findall("ArticleDate"):
        year = _year_of(date)
        if year:
            return year
    return ""


def _pages(pagination: Element | None, elocations: dict[str, str]) -> str:
    if pagination is not None:
        pages = _text_of(pagination, "MedlinePgn")
        if pages:
            return pages
        start, end = _text_of(pagination, "StartPage"), _text_of(pagination, "EndPage")
        if start:
            return f"{start}-{end}" if end and end != start else start
    return not_a_pii(elocations.get("pii", ""))


def not_a_pii(pages: str) -> str:
    """The pages, or '' for an Elsevier/Cell publisher item identifier (``S0123-4567(24)00123-X``,
    an article in press): an identifier, not a page or article number."""
    return "" if _PUBLISHER_PII.match(pages) else pages


def _keywords(holder: Element) -> list[str]:
    words = _texts(holder.findall("MeshHeadingList/MeshHeading/DescriptorName"))
    words += _texts(holder.findall("KeywordList/Keyword"))
    return list(dict.fromkeys(words))
