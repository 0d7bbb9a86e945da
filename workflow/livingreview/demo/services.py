"""Demo stand-ins for PubMed, Europe PMC and OpenAlex: their response formats, generated from facts.

Each service is a function ``answer(method, path, params) -> (status, content_type, body)`` that
the demo builder mounts in-process on the real base URL, so the real search clients run unchanged
and record a raw-response archive. The documents follow each service's published structure.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping

from livingreview.demo.facts import Paper

Answer = tuple[int, str, bytes]
Service = Callable[[str, str, Mapping[str, str]], Answer]

XML = "text/xml; charset=UTF-8"
JSON = "application/json;charset=UTF-8"


def _page(params: Mapping[str, str], start_key: str, size_key: str, default: int) -> slice:
    start = int(params.get(start_key, "0") or 0)
    size = int(params.get(size_key, str(default)) or default)
    return slice(start, start + size)


# -- PubMed (E-utilities) -------------------------------------------------------------------
def _text(parent: ET.Element, tag: str, value: str, **attrib: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrib)
    node.text = value
    return node


def pubmed_article(paper: Paper) -> ET.Element:
    """A ``PubmedArticle`` element for one paper (no abstract: the demo copies none)."""
    article_el = ET.Element("PubmedArticle")
    citation = ET.SubElement(article_el, "MedlineCitation", Status="MEDLINE", Owner="NLM")
    _text(citation, "PMID", paper.pmid, Version="1")
    article = ET.SubElement(citation, "Article", PubModel="Print-Electronic")
    journal = ET.SubElement(article, "Journal")
    issue = ET.SubElement(journal, "JournalIssue", CitedMedium="Internet")
    if paper.volume:
        _text(issue, "Volume", paper.volume)
    if paper.issue:
        _text(issue, "Issue", paper.issue)
    pub_date = ET.SubElement(issue, "PubDate")
    _text(pub_date, "Year", paper.year)
    _text(journal, "Title", paper.journal)
    _text(article, "ArticleTitle", paper.title)
    if paper.pages:
        pagination = ET.SubElement(article, "Pagination")
        _text(pagination, "MedlinePgn", paper.pages)
    if paper.doi:
        _text(article, "ELocationID", paper.doi, EIdType="doi", ValidYN="Y")
    if paper.authors:
        authors = ET.SubElement(article, "AuthorList", CompleteYN="N")
        for surname, initials in paper.authors:
            author = ET.SubElement(authors, "Author", ValidYN="Y")
            _text(author, "LastName", surname)
            _text(author, "ForeName", initials)
            _text(author, "Initials", initials)
    _text(article, "Language", "eng")
    types = ET.SubElement(article, "PublicationTypeList")
    _text(types, "PublicationType", "Journal Article", UI="D016428")
    if paper.publication_type == "review":
        _text(types, "PublicationType", "Review", UI="D016454")
    if paper.publication_type == "RCT":
        _text(types, "PublicationType", "Randomized Controlled Trial", UI="D016449")
    data = ET.SubElement(article_el, "PubmedData")
    ids = ET.SubElement(data, "ArticleIdList")
    _text(ids, "ArticleId", paper.pmid, IdType="pubmed")
    if paper.doi:
        _text(ids, "ArticleId", paper.doi, IdType="doi")
    return article_el


def _xml(root: ET.Element, doctype: str) -> bytes:
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" ?>\n{doctype}\n{body}\n'.encode()


def pubmed_service(papers: list[Paper]) -> Service:
    """esearch (with history) and efetch over the demo's PubMed papers, newest first."""
    ordered = sorted(papers, key=lambda p: (-p.year_int, -int(p.pmid)))
    by_pmid = {p.pmid: p for p in ordered}

    def answer(method: str, path: str, params: Mapping[str, str]) -> Answer:
        if path.endswith("esearch.fcgi"):
            root = ET.Element("eSearchResult")
            _text(root, "Count", str(len(ordered)))
            window = ordered[_page(params, "retstart", "retmax", 20)]
            _text(root, "RetMax", str(len(window)))
            _text(root, "RetStart", params.get("retstart", "0"))
            if params.get("usehistory") == "y":
                _text(root, "QueryKey", "1")
                _text(root, "WebEnv", "MCID_demo_snapshot")
            id_list = ET.SubElement(root, "IdList")
            for paper in window:
                _text(id_list, "Id", paper.pmid)
            ET.SubElement(root, "TranslationSet")
            _text(root, "QueryTranslation", params.get("term", ""))
            doctype = (
                '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
                '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">'
            )
            return 200, XML, _xml(root, doctype)
        if path.endswith("efetch.fcgi"):
            if params.get("id"):
                chosen = [by_pmid[i] for i in params["id"].split(",") if i in by_pmid]
            else:
                chosen = ordered[_page(params, "retstart", "retmax", 20)]
            root = ET.Element("PubmedArticleSet")
            for paper in chosen:
                root.append(pubmed_article(paper))
            doctype = (
                '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January '
                '2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">'
            )
            return 200, XML, _xml(root, doctype)
        return 404, "text/plain", b"Not found"

    return answer


# -- Europe PMC -----------------------------------------------------------------------------
def europepmc_result(paper: Paper) -> dict[str, object]:
    """A ``resultType=core`` result for one paper."""
    authors = [
        {"fullName": f"{s} {i}", "firstName": i, "lastName": s, "initials": i}
        for s, i in paper.authors
    ]
    author_string = ", ".join(f"{s} {i}" for s, i in paper.authors)
    result: dict[str, object] = {
        "id": paper.pmid,
        "source": "MED",
        "pmid": paper.pmid,
        "title": paper.title if paper.title.endswith((".", "?", "!")) else paper.title + ".",
        "authorString": author_string + ("." if author_string else ""),
        "authorList": {"author": authors},
        "journalInfo": {
            "issue": paper.issue,
            "volume": paper.volume,
            "yearOfPublication": paper.year_int or None,
            "journal": {"title": paper.journal},
        },
        "pubYear": paper.year,
        "pageInfo": paper.pages,
        "language": "eng",
        "pubModel": "Electronic",
        "pubTypeList": {"pubType": ["Journal Article"]},
        "isOpenAccess": "N",
        "hasTextMinedTerms": "N",
    }
    if paper.doi:
        result["doi"] = paper.doi
    return result


def europepmc_service(papers: list[Paper]) -> Service:
    """The search endpoint with cursorMark paging (the last page carries no next cursor)."""
    ordered = sorted(papers, key=lambda p: (-p.year_int, p.pmid))

    def answer(method: str, path: str, params: Mapping[str, str]) -> Answer:
        if not path.endswith(("search", "searchPOST")):
            return 404, "text/plain", b"Not found"
        cursor = params.get("cursorMark", "*")
        start = 0 if cursor == "*" else int(cursor.removeprefix("AoIDEMO"))
        size = int(params.get("pageSize", "25"))
        window = ordered[start : start + size]
        body: dict[str, object] = {"version": "6.9", "hitCount": len(ordered)}
        if start + size < len(ordered):
            body["nextCursorMark"] = f"AoIDEMO{start + size}"
        body["request"] = {
            "queryString": params.get("query", ""),
            "resultType": params.get("resultType", "lite"),
            "cursorMark": cursor,
            "pageSize": size,
            "sort": "",
            "synonym": False,
        }
        body["resultList"] = {"result": [europepmc_result(p) for p in window]}
        return 200, JSON, json.dumps(body, ensure_ascii=False, indent=2).encode()

    return answer


# -- OpenAlex -------------------------------------------------------------------------------
OPENALEX_TYPES = {
    "review": "review",
    "preprint": "preprint",
    "book chapter": "book-chapter",
    "thesis": "dissertation",
    "editorial": "editorial",
}


def openalex_work(paper: Paper) -> dict[str, object]:
    """A work object for one paper (demo W-ids; no abstract)."""
    work_id = f"https://openalex.org/W9{paper.digits('openalex', 9)}"
    ids: dict[str, str] = {"openalex": work_id, "doi": f"https://doi.org/{paper.doi}"}
    if paper.pmid:
        ids["pmid"] = f"https://pubmed.ncbi.nlm.nih.gov/{paper.pmid}"
    return {
        "id": work_id,
        "doi": f"https://doi.org/{paper.doi}",
        "title": paper.title,
        "display_name": paper.title,
        "publication_year": paper.year_int or None,
        "ids": ids,
        "language": "en",
        "type": OPENALEX_TYPES.get(paper.publication_type, "article"),
        "primary_location": {
            "source": {"display_name": paper.journal, "type": "journal"} if paper.journal else None,
        },
        "authorships": [
            {
                "author_position": "first" if n == 0 else "middle",
                "author": {"display_name": f"{' '.join(i)} {s}".strip()},
                "raw_author_name": f"{' '.join(i)} {s}".strip(),
            }
            for n, (s, i) in enumerate(paper.authors)
        ],
        "biblio": {
            "volume": paper.volume or None,
            "issue": paper.issue or None,
            "first_page": paper.first_page or None,
            "last_page": paper.last_page or None,
        },
        "abstract_inverted_index": None,
    }


def openalex_service(papers: list[Paper]) -> Service:
    """The works endpoint with cursor paging (``next_cursor`` null and no results at the end)."""
    ordered = sorted(papers, key=lambda p: p.doi)

    def answer(method: str, path: str, params: Mapping[str, str]) -> Answer:
        if not path.rstrip("/").endswith("works"):
            return 404, JSON, b'{"error": "Not found"}'
        cursor = params.get("cursor", "*")
        start = 0 if cursor == "*" else int(cursor.removeprefix("IkRFTU8i"))
        size = int(params.get("per_page", "25"))
        window = ordered[start : start + size]
        more = start + len(window) < len(ordered) or bool(window)
        meta = {
            "count": len(ordered),
            "db_response_time_ms": 12,
            "page": None,
            "per_page": size,
            "next_cursor": f"IkRFTU8i{start + len(window)}" if more else None,
            "groups_count": None,
        }
        body = {"meta": meta, "results": [openalex_work(p) for p in window], "group_by": []}
        return 200, JSON, json.dumps(body, ensure_ascii=False).encode()

    return answer
