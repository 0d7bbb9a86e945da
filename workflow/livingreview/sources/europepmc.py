"""Europe PMC REST search (``search``, or ``searchPOST`` for long queries), cursor paging.

Limits are folded into the query text, so ``query_sent`` is exactly what Europe PMC ran::

    (<query>) AND (FIRST_PDATE:[2010-01-01 TO 2024-10-31]) AND (LANG:"eng" OR LANG:"fre")

Paging starts at ``cursorMark=*``; the end is an absent ``nextCursorMark``, one equal to the
cursor sent, or an empty result list. No key is needed; the service throttles at 10 requests/s
and 500/min, hence at least 0.12 s between requests.
"""

from __future__ import annotations

from typing import Any

from livingreview.errors import SearchError
from livingreview.http import HttpClient
from livingreview.languages import medline_code
from livingreview.records import Record, normalise_year
from livingreview.sources.base import Progress, SearchOutcome, SearchSpec
from livingreview.sources.common import (
    Page,
    as_list,
    dig,
    labelled_abstract,
    not_json,
    parse_json,
    search_pages,
    text,
    unescaped_markup,
    unique,
)
from livingreview.sources.pubmed_xml import not_a_pii, real_title

SERVICE = "Europe PMC"
DEFAULT_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 1000
POST_THRESHOLD = 1500  # characters of query above which searchPOST is used
ARTICLE_URL = "https://europepmc.org/article/{source}/{id}"
OPEN_FROM, OPEN_TO = "1000-01-01", "9999-12-31"  # bounds for an open-ended date range


def build_query(spec: SearchSpec) -> str:
    """The query with the date, language and publication-type limits ANDed on (if any)."""
    parts = [f"({spec.query})"] if spec.query.strip() else []
    if spec.date_from or spec.date_to:
        field = spec.date_field or "FIRST_PDATE"
        start, end = spec.date_from or OPEN_FROM, spec.date_to or OPEN_TO
        if field.upper() == "PUB_YEAR":
            start, end = start[:4], end[:4]
        parts.append(f"({field}:[{start} TO {end}])")
    if spec.languages:
        codes = " OR ".join(f'LANG:"{medline_code(lang)}"' for lang in spec.languages)
        parts.append(f"({codes})")
    if spec.publication_types:
        types = " OR ".join(f'PUB_TYPE:"{kind}"' for kind in spec.publication_types)
        parts.append(f"({types})")
    if not parts:
        raise SearchError(f"{spec.name}: the Europe PMC query is empty")
    return spec.query.strip() if len(parts) == 1 and spec.query.strip() else " AND ".join(parts)


def _author(author: dict[str, Any]) -> str:
    if text(author.get("collectiveName")):
        return text(author["collectiveName"])
    last, given = text(author.get("lastName")), text(author.get("firstName"))
    given = given or text(author.get("initials"))
    if last and given:
        return f"{last}, {given}"
    return last or text(author.get("fullName"))


def _authors(item: dict[str, Any]) -> list[str]:
    listed = [_author(a) for a in as_list(dig(item, "authorList", "author")) if isinstance(a, dict)]
    if any(listed):
        return [name for name in listed if name]
    names = text(item.get("authorString")).rstrip(".")
    return [name.strip() for name in names.split(",") if name.strip()]


def _issn(item: dict[str, Any]) -> str:
    journal = dig(item, "journalInfo", "journal") or {}
    issn = text(journal.get("issn")) or text(journal.get("essn"))
    if not issn:  # lite: "0140-6736; 1474-547x; "
        issn = next((p.strip() for p in text(item.get("journalIssn")).split(";") if p.strip()), "")
    return issn.upper()


# Europe PMC's availability codes of a full-text link: open access, then free to read ("S" is
# subscription required); of each, a PDF before a web page before a publisher's DOI link.
_FREE = ("OA", "F")
_STYLES = ("pdf", "html")


def free_full_text(item: dict[str, Any]) -> str:
    """The link to a free full text in a ``core`` result's ``fullTextUrlList``, or ``""``."""
    links = [
        link
        for link in as_list(dig(item, "fullTextUrlList", "fullTextUrl"))
        if isinstance(link, dict)
        and text(link.get("availabilityCode")) in _FREE
        and text(link.get("url"))
    ]
    if not links:
        return ""

    def rank(link: dict[str, Any]) -> tuple[int, int]:
        style = text(link.get("documentStyle"))
        code = _FREE.index(text(link.get("availabilityCode")))
        return code, _STYLES.index(style) if style in _STYLES else len(_STYLES)

    return text(min(links, key=rank).get("url"))


def _year(item: dict[str, Any], info: dict[str, Any], book: dict[str, Any]) -> str:
    """pubYear, else the journal issue's or book's year, else firstPublicationDate's. A record
    not yet dated (a fresh PMC article) has ``yearOfPublication: 0``: no year, the next is read."""
    found = (
        item.get("pubYear"),
        info.get("yearOfPublication"),
        book.get("yearOfPublication"),
        text(item.get("firstPublicationDate"))[:4],
    )
    return next((year for year in map(normalise_year, found) if year), "")


def map_result(item: dict[str, Any]) -> Record:
    """One ``resultList.result`` entry (``core`` or ``lite``) as a Record."""
    source, ident = text(item.get("source")), text(item.get("id"))
    info = item.get("journalInfo") or {}
    pub_types = as_list(dig(item, "pubTypeList", "pubType"))
    if not pub_types:  # lite: "brief-report; journal article"
        pub_types = text(item.get("pubType")).split(";")
    mesh = [dig(h, "descriptorName") for h in as_list(dig(item, "meshHeadingList", "meshHeading"))]
    book = item.get("bookOrReportDetails") or {}  # books, chapters and preprints
    return Record(
        source_id=f"{source}:{ident}" if source and ident else ident,
        pmid=text(item.get("pmid")),
        pmcid=text(item.get("pmcid")),
        doi=text(item.get("doi")),
        title=real_title(unescaped_markup(text(item.get("title")))),
        abstract=labelled_abstract(unescaped_markup(text(item.get("abstractText"))), "h4"),
        authors=_authors(item),
        year=_year(item, info, book),
        journal=text(dig(info, "journal", "title"))
        or text(item.get("journalTitle"))
        or text(book.get("comprisingTitle"))  # a chapter's book
        or (text(book.get("publisher")) if source == "PPR" else ""),  # a preprint's server
        volume=text(info.get("volume")) or text(item.get("journalVolume")),
        issue=text(info.get("issue")) or text(item.get("issue")),
        pages=not_a_pii(text(item.get("pageInfo"))),  # PubMed's rule for ahead-of-print items
        issn=_issn(item),
        publication_types=unique(text(t) for t in pub_types),
        keywords=unique([*as_list(dig(item, "keywordList", "keyword")), *mesh]),
        language=text(item.get("language")),
        url=ARTICLE_URL.format(source=source, id=ident) if source and ident else "",
        oa_url=free_full_text(item),
    )


def parse_page(body: dict[str, Any], cursor: str) -> Page:
    """Records, hit count and next cursor (None at the end) of one decoded response."""
    if not isinstance(body, dict) or "hitCount" not in body:
        problem = text(body.get("errMsg")) if isinstance(body, dict) else ""
        suffix = f": {problem}" if problem else ""
        raise SearchError(f"{SERVICE}: response has no hitCount{suffix}")
    results = as_list(dig(body, "resultList", "result"))
    following = text(body.get("nextCursorMark"))
    return Page(
        records=[map_result(item) for item in results if isinstance(item, dict)],
        total=int(body["hitCount"]),
        next_cursor=following if following and following != cursor else None,
    )


class EuropePMCClient:
    """Searches Europe PMC through its REST API (``resultType=core``)."""

    kind = "europepmc"
    default_base_url = "https://www.ebi.ac.uk/europepmc/webservices/rest/"
    default_min_interval = 0.12
    api_key_param = ""
    email_param = ""

    def search(self, http: HttpClient, spec: SearchSpec, progress: Progress) -> SearchOutcome:
        """Run the query over all pages and return every record retrieved."""
        query = build_query(spec)
        endpoint = "searchPOST" if len(query) > POST_THRESHOLD else "search"
        page_size = min(spec.batch_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)

        def fetch(cursor: str, size: int) -> Page:
            params = {
                "query": query,
                "format": "json",
                "resultType": "core",
                "pageSize": size,
                "cursorMark": cursor,
            }
            send = http.post if endpoint == "searchPOST" else http.get
            response = send(endpoint, params, transient=not_json)
            return parse_page(parse_json(response, SERVICE), cursor)

        return search_pages(
            SERVICE,
            fetch,
            spec,
            progress,
            page_size=page_size,
            query_sent=query,
            endpoint=endpoint,
            details={"result_type": "core", "page_size": page_size},
        )


CLIENT = EuropePMCClient()
