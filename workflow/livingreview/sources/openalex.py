"""OpenAlex works search: ``GET works?search=...&filter=...&per_page=100&cursor=*``.

Limits become OpenAlex filters ANDed with ``sources.<name>.filter``: the date range becomes
``from_publication_date``/``to_publication_date`` (``date_field: created`` gives
``from_created_date``...), languages ``language:en|fr``, types ``type:article|review``.
An API key is required since 2026-02-13; it travels as the ``api_key`` parameter, which the
HTTP layer sends but never archives. Paging ends when ``meta.next_cursor`` is null or a page
has no results.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from livingreview.config import date_field_name
from livingreview.errors import SearchError
from livingreview.http import HttpClient, Response
from livingreview.languages import iso639_1
from livingreview.records import Record, author_name, normalise_doi, normalise_pmid
from livingreview.sources.base import Progress, SearchOutcome, SearchSpec
from livingreview.sources.common import (
    ERROR_STATUSES,
    Page,
    as_list,
    counted_section,
    dig,
    first,
    not_json,
    page_range,
    parse_json,
    query_or_filter,
    search_pages,
    text,
    unescaped_markup,
    unique,
)

SERVICE = "OpenAlex"
MAX_PER_PAGE = 100
MAX_MESSAGE = 600  # OpenAlex's invalid-filter message lists ~200 field names


def rebuild_abstract(index: object) -> str:
    """The abstract text from ``abstract_inverted_index`` (``{word: [positions]}``)."""
    if not isinstance(index, dict):
        return ""
    placed = sorted(
        (int(position), str(word))
        for word, positions in index.items()
        for position in as_list(positions)
        if isinstance(position, int)
    )
    return " ".join(word for _, word in placed)


def _pmcid(value: object) -> str:
    """``PMC5815332`` from OpenAlex's ``https://www.ncbi.nlm.nih.gov/pmc/articles/5815332``."""
    match = re.search(r"(?:PMC)?(\d+)/?$", text(value), flags=re.IGNORECASE)
    return f"PMC{match.group(1)}" if match else ""


def map_work(work: dict[str, Any]) -> Record:
    """One OpenAlex work object as a Record."""
    ids = work.get("ids") or {}
    location = work.get("primary_location") or {}
    # ``host_venue`` held the venue before OpenAlex's 2023 ``primary_location.source``
    source = location.get("source") or work.get("host_venue") or {}
    biblio = work.get("biblio") or {}
    ident = text(work.get("id")) or text(ids.get("openalex"))
    terms: list[Any] = []
    for key in ("keywords", "concepts", "topics"):
        terms = [dig(t, "display_name") for t in as_list(work.get(key))]
        if any(terms):
            break
    authors = [
        author_name(
            text(dig(a, "author", "display_name")) or text(dig(a, "raw_author_name")),
            given_first=True,
        )
        for a in as_list(work.get("authorships"))
    ]
    return Record(
        source_id=ident.rsplit("/", 1)[-1],
        pmid=normalise_pmid(ids.get("pmid")),
        pmcid=_pmcid(ids.get("pmcid")),
        doi=normalise_doi(work.get("doi") or ids.get("doi")),
        title=unescaped_markup(text(work.get("title")) or text(work.get("display_name"))),
        abstract=unescaped_markup(rebuild_abstract(work.get("abstract_inverted_index"))),
        authors=[a for a in authors if a],
        year=text(work.get("publication_year")),
        journal=text(source.get("display_name")) or text(location.get("raw_source_name")),
        volume=text(biblio.get("volume")),
        issue=text(biblio.get("issue")),
        pages=page_range(biblio.get("first_page"), biblio.get("last_page")),
        issn=text(source.get("issn_l")) or first(source.get("issn")),
        publication_types=unique([text(work.get("type"))]),
        keywords=unique(terms),
        language=text(work.get("language")),
        url=ident,
        oa_url=text(dig(work, "open_access", "oa_url"))
        or text(dig(work, "best_oa_location", "pdf_url"))
        or text(dig(work, "best_oa_location", "landing_page_url")),
    )


def build_filter(spec: SearchSpec) -> str:
    """``sources.<name>.filter`` plus the date, language and type limits, comma-joined (AND)."""
    parts = [p.strip() for p in text(spec.options.get("filter")).split(",") if p.strip()]
    field = date_field_name("openalex", spec.date_field or "publication")
    if spec.date_from:
        parts.append(f"from_{field}_date:{spec.date_from}")
    if spec.date_to:
        parts.append(f"to_{field}_date:{spec.date_to}")
    if spec.languages:
        parts.append("language:" + "|".join(iso639_1(lang) for lang in spec.languages))
    if spec.publication_types:
        parts.append("type:" + "|".join(spec.publication_types))
    return ",".join(parts)


def raise_for_error(response: Response, http: HttpClient) -> None:
    """Turn an OpenAlex error body into a :class:`SearchError` carrying its message."""
    if response.status == 200:
        return
    try:
        body = parse_json(response, SERVICE)
    except SearchError:
        body = {"message": response.text.strip()}
    if not isinstance(body, dict):
        body = {"message": str(body)}
    said = ": ".join(text(body.get(k)) for k in ("error", "message") if text(body.get(k)))
    if len(said) > MAX_MESSAGE:
        said = said[:MAX_MESSAGE] + " ..."
    if response.status == 401:
        sent = bool(http.settings.secret_params.get(CLIENT.api_key_param))
        problem = "the API key was rejected" if sent else "no API key was sent"
        raise SearchError(
            f"{SERVICE}: {problem} (HTTP 401: {said}); OpenAlex requires a valid API key: set "
            "the environment variable named by sources.<name>.api_key_env (e.g. OPENALEX_API_KEY)"
        )
    raise SearchError(f"{SERVICE} rejected the request (HTTP {response.status}): {said}")


class OpenAlexClient:
    """Searches OpenAlex works with ``search=`` and/or ``filter=``, cursor paging."""

    kind = "openalex"
    default_base_url = "https://api.openalex.org/"
    default_min_interval = 0.1
    api_key_param = "api_key"
    email_param = ""

    def search(self, http: HttpClient, spec: SearchSpec, progress: Progress) -> SearchOutcome:
        """Run the search over all pages and return every work retrieved."""
        filters = build_filter(spec)
        query = query_or_filter(SERVICE, spec, filters)
        base = {k: v for k, v in (("search", query), ("filter", filters)) if v}
        per_page = min(spec.batch_size or MAX_PER_PAGE, MAX_PER_PAGE)

        def fetch(cursor: str, size: int) -> Page:
            params = {**base, "per_page": size, "cursor": cursor}
            response = http.get("works", params, transient=not_json, accept_status=ERROR_STATUSES)
            raise_for_error(response, http)
            body = parse_json(response, SERVICE)
            meta = counted_section(body, "meta", "count", SERVICE)
            return Page(
                records=[map_work(w) for w in as_list(body.get("results")) if isinstance(w, dict)],
                total=int(meta["count"]),
                next_cursor=text(meta.get("next_cursor")) or None,
            )

        return search_pages(
            SERVICE,
            fetch,
            spec,
            progress,
            page_size=per_page,
            query_sent="&".join(f"{k}={v}" for k, v in base.items()),
            endpoint="works",
            details={**base, "per_page": per_page},
        )


CLIENT = OpenAlexClient()


DOIS_PER_REQUEST = 50  # OpenAlex accepts up to 100 values ORed with ``|`` in one filter


def fetch_dois(
    http: HttpClient, dois: Sequence[str], *, batch_size: int = DOIS_PER_REQUEST
) -> tuple[list[Record], list[str]]:
    """Known DOIs as OpenAlex works (with ``is_retracted``): ``works?filter=doi:a|b``.

    Returns the works found and the DOIs OpenAlex has no work for. Ids are not assigned
    (normalised DOIs hold no ``,`` or ``|``, which the filter syntax would misread).
    """
    wanted = list(dict.fromkeys(d for d in (normalise_doi(v) for v in dois) if d))
    found: list[Record] = []
    step = min(max(batch_size, 1), MAX_PER_PAGE)
    for start in range(0, len(wanted), step):
        chunk = wanted[start : start + step]
        found += [map_work(work) for work in _works_with_dois(http, chunk)]
    returned = {record.doi for record in found}
    return found, [doi for doi in wanted if doi not in returned]


def _works_with_dois(http: HttpClient, dois: Sequence[str]) -> list[dict[str, Any]]:
    """Every work whose DOI is one of ``dois``, page after page while ``meta.count`` says more
    are left: a DOI can belong to several works (OpenAlex keeps duplicates)."""
    params: dict[str, Any] = {"filter": "doi:" + "|".join(dois), "per_page": MAX_PER_PAGE}
    works: list[dict[str, Any]] = []
    while True:
        response = http.get("works", params, transient=not_json, accept_status=ERROR_STATUSES)
        raise_for_error(response, http)
        body = parse_json(response, SERVICE)
        results = [w for w in as_list(dig(body, "results")) if isinstance(w, dict)]
        works += results
        total = dig(body, "meta", "count")
        if not results or not isinstance(total, int) or len(works) >= total:
            return works
        params["page"] = int(params.get("page", 1)) + 1
