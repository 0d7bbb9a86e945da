"""Crossref works search: ``GET works?query.bibliographic=...&filter=...&rows=500&cursor=*``.

Limits become Crossref filters ANDed with ``sources.<name>.filter``: the date range becomes
``from-pub-date``/``until-pub-date`` (``date_field: created`` gives ``from-created-date``...),
publication types ``type:journal-article`` (a filter repeated is ORed by Crossref). Crossref has
no language filter: configured languages are not applied and ``details`` says so.

The contact e-mail travels as ``mailto`` (the polite pool), sent but never archived. A Metadata
Plus token goes in the header ``Crossref-Plus-API-Token: Bearer <token>`` through
``ServiceSettings.secret_headers``, which the caller fills. The cursor Crossref returns stays the
same on every page of one scroll, so the end is a page with fewer items than ``rows`` (or none).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from livingreview.config import date_field_name, is_crossref_query_field
from livingreview.errors import ConfigError, SearchError
from livingreview.http import HttpClient, Response
from livingreview.records import Record, normalise_doi
from livingreview.sources.base import Progress, SearchOutcome, SearchSpec
from livingreview.sources.common import (
    ERROR_STATUSES,
    Page,
    as_list,
    counted_section,
    dig,
    first,
    labelled_abstract,
    not_json,
    parse_json,
    query_or_filter,
    search_pages,
    text,
    unescaped_markup,
    unique,
)

log = logging.getLogger("livingreview.search")

SERVICE = "Crossref"
DEFAULT_ROWS = 500
MAX_ROWS = 1000
DATE_KEYS = ("issued", "published", "published-print", "published-online", "created")


def _author(author: dict[str, Any]) -> str:
    family, given = text(author.get("family")), text(author.get("given"))
    if family and given:
        return f"{family}, {given}"
    return family or text(author.get("name")) or given


def _year(item: dict[str, Any]) -> str:
    """Year of ``issued``, else of the first other date Crossref holds (see DATE_KEYS)."""
    for key in DATE_KEYS:
        parts = as_list(dig(item, key, "date-parts"))
        year = parts[0][0] if parts and isinstance(parts[0], list) and parts[0] else None
        if isinstance(year, int | str) and text(year):
            return text(year)
    return ""


def _journal(item: dict[str, Any]) -> str:
    """``container-title``; a preprint (``posted-content``, no container) names its server in
    ``institution`` (bioRxiv, medRxiv), as Europe PMC does in ``bookOrReportDetails.publisher``.
    ``group-title`` is a subject area there ("Neuroscience"), never a server."""
    journal = first(item.get("container-title"))
    if journal or text(item.get("type")) != "posted-content":
        return journal
    if text(item.get("subtype")) not in ("", "preprint"):
        return ""  # a blog post's institution is its hosting platform, not a venue
    return first([dig(i, "name") for i in as_list(item.get("institution"))])


def map_item(item: dict[str, Any]) -> Record:
    """One Crossref work (``message.items[]`` or a single work's ``message``) as a Record."""
    doi = normalise_doi(item.get("DOI"))
    return Record(
        source_id=doi,
        doi=doi,
        title=unescaped_markup(first(item.get("title"))),
        abstract=labelled_abstract(unescaped_markup(text(item.get("abstract"))), "jats:title"),
        authors=[
            name
            for name in (_author(a) for a in as_list(item.get("author")) if isinstance(a, dict))
            if name
        ],
        year=_year(item),
        journal=_journal(item),
        volume=text(item.get("volume")),
        issue=text(item.get("issue")),
        pages=text(item.get("page")) or text(item.get("article-number")),
        issn=first(item.get("ISSN")),
        publication_types=unique([text(item.get("type"))]),
        keywords=unique(as_list(item.get("subject"))),
        language=text(item.get("language")),
        url=text(item.get("URL")),
    )


def build_filter(spec: SearchSpec) -> str:
    """``sources.<name>.filter`` plus the date and type limits, comma-joined."""
    parts = [p.strip() for p in text(spec.options.get("filter")).split(",") if p.strip()]
    field = date_field_name("crossref", spec.date_field or "pub")
    if spec.date_from:
        parts.append(f"from-{field}-date:{spec.date_from}")
    if spec.date_to:
        parts.append(f"until-{field}-date:{spec.date_to}")
    parts.extend(f"type:{kind}" for kind in spec.publication_types)
    return ",".join(parts)


def query_field(spec: SearchSpec) -> str:
    """The query parameter: ``query.bibliographic`` (default), ``query`` or another field query."""
    field = text(spec.options.get("query_field")) or "query.bibliographic"
    if not is_crossref_query_field(field):
        raise ConfigError(
            f"config key 'sources.{spec.name}.query_field': {field!r} is not a Crossref query "
            "parameter (use query.bibliographic or query)"
        )
    return field


def raise_for_error(response: Response) -> None:
    """Turn a Crossref error (JSON ``message`` list or plain text) into a SearchError."""
    if response.status == 200:
        return
    try:
        body = parse_json(response, SERVICE)
    except SearchError:
        body = response.text.strip()
    said = body
    if isinstance(body, dict):
        problems = []
        for entry in as_list(body.get("message")):
            if isinstance(entry, dict):
                value = f" (value {text(entry.get('value'))!r})" if text(entry.get("value")) else ""
                problems.append(f"{text(entry.get('type'))}: {text(entry.get('message'))}{value}")
            else:
                problems.append(text(entry))
        said = "; ".join(p for p in problems if p) or text(body.get("status"))
    raise SearchError(f"{SERVICE} rejected the request (HTTP {response.status}): {said}")


class CrossrefClient:
    """Searches Crossref works with a field query and filters, cursor paging."""

    kind = "crossref"
    default_base_url = "https://api.crossref.org/"
    default_min_interval = 0.2  # public pool: 5 requests/s, one at a time
    api_key_param = ""
    email_param = "mailto"

    def search(self, http: HttpClient, spec: SearchSpec, progress: Progress) -> SearchOutcome:
        """Run the search over all pages and return every work retrieved."""
        filters = build_filter(spec)
        query = query_or_filter(SERVICE, spec, filters)
        base = {k: v for k, v in ((query_field(spec), query), ("filter", filters)) if v}
        rows = min(spec.batch_size or DEFAULT_ROWS, MAX_ROWS)
        details: dict[str, Any] = {**base, "rows": rows}
        if spec.languages:
            details["limits_not_applied"] = {"languages": list(spec.languages)}
            log.warning(
                "%s: Crossref cannot limit by language; %s not applied",
                spec.name,
                ", ".join(spec.languages),
            )

        def fetch(cursor: str, size: int) -> Page:
            params = {**base, "rows": size, "cursor": cursor}
            response = http.get("works", params, transient=not_json, accept_status=ERROR_STATUSES)
            raise_for_error(response)
            body = parse_json(response, SERVICE)
            message = counted_section(body, "message", "total-results", SERVICE)
            items = [i for i in as_list(message.get("items")) if isinstance(i, dict)]
            following = text(message.get("next-cursor"))
            return Page(
                records=[map_item(item) for item in items],
                total=int(message["total-results"]),
                next_cursor=following if following and len(items) >= size else None,
            )

        return search_pages(
            SERVICE,
            fetch,
            spec,
            progress,
            page_size=rows,
            query_sent="&".join(f"{k}={v}" for k, v in base.items()),
            endpoint="works",
            details=details,
        )


CLIENT = CrossrefClient()


def fetch_dois(http: HttpClient, dois: Sequence[str]) -> tuple[list[Record], list[str]]:
    """Known DOIs as Crossref works, one ``works/{doi}`` each (the full work, with
    ``updated-by``/``update-to``), the DOI percent-encoded in the path.

    Returns the works found and the DOIs Crossref answered 404 for. Ids are not assigned.
    """
    wanted = list(dict.fromkeys(d for d in (normalise_doi(v) for v in dois) if d))
    found: list[Record] = []
    missing: list[str] = []
    for doi in wanted:
        response = http.get(
            "works/" + quote(doi, safe="/"),
            transient=not_json,
            accept_status=ERROR_STATUSES,
        )
        if response.status == 404:
            missing.append(doi)
            continue
        raise_for_error(response)
        message = dig(parse_json(response, SERVICE), "message")
        if not isinstance(message, dict) or not normalise_doi(message.get("DOI")):
            raise SearchError(f"{SERVICE}: works/{doi} answered without a work (message.DOI)")
        found.append(map_item(message))
    return found, missing
