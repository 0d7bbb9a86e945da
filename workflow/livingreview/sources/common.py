"""Helpers shared by the JSON search clients (Europe PMC, OpenAlex, Crossref).

The three services page with an opaque cursor, so one loop (:func:`page_through`) handles the
record cap, progress reports and the end-of-results signal; each client only says how to fetch
one page and where its next cursor is. A search whose pages run out before the total the service
reported raises :class:`IncompleteResultsError`, which carries the partial outcome.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from livingreview.errors import IncompleteSearchError, SearchError
from livingreview.http import Response
from livingreview.records import Record
from livingreview.sources.base import Progress, SearchOutcome, SearchSpec

log = logging.getLogger("livingreview.search")

# Statuses whose JSON bodies the clients read themselves to report the service's own message.
ERROR_STATUSES = frozenset({200, 400, 401, 403, 404})


class IncompleteResultsError(IncompleteSearchError):
    """The pages ran out before the reported total; ``outcome`` holds what was retrieved."""

    def __init__(self, message: str, outcome: SearchOutcome) -> None:
        super().__init__(message)
        self.outcome = outcome


# -- JSON bodies -----------------------------------------------------------------------------


def parse_json(response: Response, service: str) -> Any:
    """The decoded JSON body, or a :class:`SearchError` quoting the start of the body."""
    try:
        return json.loads(response.body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        snippet = response.text.strip().replace("\n", " ")[:200]
        raise SearchError(
            f"{service}: HTTP {response.status} response is not valid JSON ({exc}): {snippet!r}"
        ) from None


def counted_section(body: Any, key: str, total: str, service: str) -> dict[str, Any]:
    """``body[key]``, the object holding the result count ``total``, or a :class:`SearchError`."""
    section = body.get(key) if isinstance(body, dict) else None
    if not isinstance(section, dict) or total not in section:
        raise SearchError(f"{service}: response has no {key}.{total}")
    return section


def not_json(response: Response) -> str | None:
    """``transient`` callback: a 200 body that is not JSON (e.g. truncated) is retried."""
    try:
        json.loads(response.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "HTTP 200 body is not valid JSON"
    return None


# -- field helpers ---------------------------------------------------------------------------


def text(value: object) -> str:
    """A scalar as text; ``None`` and containers become ''."""
    if value is None or isinstance(value, dict | list | bool):
        return ""
    return str(value).strip()


def first(value: object) -> str:
    """The first non-empty string of a list (Crossref's ``title: [...]``), or the value itself."""
    if isinstance(value, list):
        return next((text(item) for item in value if text(item)), "")
    return text(value)


def dig(data: object, *keys: str) -> Any:
    """``data[k1][k2]...`` through nested dicts; ``None`` as soon as a level is missing."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def as_list(value: object) -> list[Any]:
    """A list as given, a single value wrapped, ``None`` as []."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def unique(values: Iterable[str]) -> list[str]:
    """Non-empty values, first occurrence kept, order preserved."""
    seen: set[str] = set()
    result = []
    for value in values:
        value = text(value)
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            result.append(value)
    return result


# An entity escaped twice (``&amp;eacute;``), and a tag escaped as text (``&lt;i&gt;``): both
# are in real Europe PMC titles and Crossref preprint abstracts. Only a markup tag's name with
# name="value" attributes is a tag: "FEV1/FVC &lt;LLN and FEV1 &gt;80%" is text.
_TWICE_ESCAPED = re.compile(r"&amp;(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.IGNORECASE)
_MARKUP_NAME = (
    r"(?:(?:jats|mml):[a-z][\w.-]*|i|b|u|em|strong|sup|sub|sc|scp|span|italic|bold|underline"
    r"|small|tt|a|font|p|br|div|h[1-6]|li|ul|ol|title|sec|inline-formula|math)"
)
_ESCAPED_TAG = re.compile(
    rf"&lt;(/?{_MARKUP_NAME}(?:\s+[\w:.-]+\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'))*\s*/?)&gt;",
    re.IGNORECASE,
)


def unescaped_markup(value: str) -> str:
    """``value`` with twice-escaped entities escaped once and escaped tags made tags again, so
    that :meth:`Record.normalised` strips ``&lt;i&gt;`` as it strips ``<i>``. A lone
    ``&lt;`` (``p &lt; 0.05``) is left as it is."""
    if "&" not in value:
        return value
    return _ESCAPED_TAG.sub(r"<\1>", _TWICE_ESCAPED.sub(r"&\1;", value))


def labelled_abstract(abstract: str, heading: str) -> str:
    """A structured abstract's section headings (Europe PMC ``<h4>``, Crossref JATS
    ``<jats:title>``) written ``Label: text`` as PubMed's labels are; a lone leading heading
    ``Abstract`` is dropped. Other markup is left for :meth:`Record.normalised` to strip."""
    pattern = re.compile(rf"<{heading}(?:\s[^<>]*)?>(.*?)</{heading}\s*>", re.DOTALL)
    found = pattern.findall(abstract)
    if not found:
        return abstract
    if found[0].strip().casefold() == "abstract":
        abstract = pattern.sub("", abstract, count=1)

    def label(match: re.Match[str]) -> str:
        words = match.group(1).strip().rstrip(":").strip()
        return f" {words}: " if words else " "

    return pattern.sub(label, abstract).strip()


def page_range(first_page: object, last_page: object) -> str:
    """``959-975`` from first and last page; one page when they are equal or one is missing."""
    start, end = text(first_page), text(last_page)
    if start and end and start != end:
        return f"{start}-{end}"
    return start or end


# -- paging ----------------------------------------------------------------------------------


@dataclass
class Page:
    """One page as a client read it: ``next_cursor`` None means the service signalled the end."""

    records: list[Record]
    total: int
    next_cursor: str | None


@dataclass
class Paged:
    """All pages of one search."""

    records: list[Record]
    total: int
    pages: int
    capped: bool  # stopped by max_records, not by the end of the results


class TotalChangedError(IncompleteSearchError):
    """A page carrying records reported another total than page 1; ``paged`` is what was read."""

    def __init__(self, message: str, paged: Paged) -> None:
        super().__init__(message)
        self.paged = paged


def page_through(
    service: str,
    fetch: Callable[[str, int], Page],
    *,
    page_size: int,
    max_records: int,
    progress: Progress,
    first_cursor: str = "*",
) -> Paged:
    """Fetch pages until the service signals the end, a page is empty, or the cap is reached.

    ``fetch(cursor, size)`` requests one page; the size shrinks on the last page of a capped
    search so no more records are fetched than kept. The reported total is the first page's; a
    later page with records that reports another total raises :class:`TotalChangedError` (an
    empty end page's total is not compared: some services report 0 there).
    """
    records: list[Record] = []
    cursor = first_cursor
    total = -1
    pages = 0
    while True:
        size = page_size if max_records <= 0 else min(page_size, max_records - len(records))
        page = fetch(cursor, size)
        pages += 1
        if total < 0:
            total = page.total
        elif page.total != total and page.records:
            raise TotalChangedError(
                f"{service}: the service reported {total} records on page 1 but {page.total} on "
                f"page {pages}; the results changed while paging, so records may be missing or "
                "repeated: run the search again",
                Paged(records, total, pages, capped=False),
            )
        keep = page.records if max_records <= 0 else page.records[: max_records - len(records)]
        records.extend(keep)
        progress(len(records), total)
        if max_records > 0 and len(records) >= max_records:
            return Paged(records, total, pages, capped=len(records) < total)
        if not page.records or page.next_cursor is None:
            return Paged(records, total, pages, capped=False)
        if len(records) > total + page_size:
            log.warning(
                "%s: paging went a page beyond the reported total %d; stopping", service, total
            )
            return Paged(records, total, pages, capped=False)
        cursor = page.next_cursor


def query_or_filter(service: str, spec: SearchSpec, filters: str) -> str:
    """The stripped query; a search with neither a query nor a filter is a :class:`SearchError`."""
    query = spec.query.strip()
    if not query and not filters:
        raise SearchError(f"{spec.name}: the {service} search has neither a query nor a filter")
    return query


def search_pages(
    service: str,
    fetch: Callable[[str, int], Page],
    spec: SearchSpec,
    progress: Progress,
    *,
    page_size: int,
    query_sent: str,
    endpoint: str,
    details: dict[str, Any],
) -> SearchOutcome:
    """Page through a search (:func:`page_through`) and return its checked outcome.

    ``details`` gains the number of pages read; pages that end before the reported total, or
    whose total changes on the way, raise :class:`IncompleteResultsError` with what was read.
    """
    changed: TotalChangedError | None = None
    try:
        paged = page_through(
            service,
            _shape_checked(service, fetch),
            page_size=page_size,
            max_records=spec.max_records,
            progress=progress,
        )
    except TotalChangedError as exc:
        changed, paged = exc, exc.paged
    outcome = SearchOutcome(
        records=paged.records,
        reported_total=paged.total,
        query_sent=query_sent,
        endpoint=endpoint,
        details={**details, "pages": paged.pages},
    )
    if changed is not None:
        raise IncompleteResultsError(str(changed), outcome) from None
    return drop_repeats(service, check_complete(service, outcome, paged))


def drop_repeats(service: str, outcome: SearchOutcome) -> SearchOutcome:
    """The outcome without records a cursor handed out again (a service id already kept), their
    number in ``details["repeats_dropped"]``: a repeat is not one more record the database
    identified (PubMed drops a PMID met twice in the same way)."""
    kept = first_of_each(outcome.records)
    repeats = len(outcome.records) - len(kept)
    if repeats:
        log.warning("%s: %d record(s) handed out again by the pages were dropped", service, repeats)
    outcome.records = kept
    outcome.details["repeats_dropped"] = repeats
    return outcome


def _shape_checked(service: str, fetch: Callable[[str, int], Page]) -> Callable[[str, int], Page]:
    """``fetch`` whose failure on a JSON body of another shape (a total that is ``null``, an
    object that is a string) is one :class:`SearchError` naming the page, not a traceback."""
    pages = 0

    def checked(cursor: str, size: int) -> Page:
        nonlocal pages
        pages += 1
        try:
            return fetch(cursor, size)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            raise SearchError(
                f"{service}: page {pages} of the results is not in the form the service "
                f"documents ({type(exc).__name__}: {exc}); the search is incomplete"
            ) from None

    return checked


def check_complete(service: str, outcome: SearchOutcome, paged: Paged) -> SearchOutcome:
    """Return the outcome, or raise :class:`IncompleteResultsError` if pages ran out early.

    Only records with distinct service ids count towards the reported total: a record handed out
    again (a cursor repeating a page) is not one of the records still missing. A search stopped
    by ``max_records`` is returned as is: the cap was asked for, and the caller compares
    ``retrieved`` with ``reported_total`` itself.
    """
    distinct = len(first_of_each(outcome.records))
    if paged.capped or distinct >= outcome.reported_total:
        return outcome
    repeated = outcome.retrieved - distinct
    repeats = f", {repeated} of them repeats of records already retrieved" if repeated else ""
    raise IncompleteResultsError(
        f"{service}: the service reported {outcome.reported_total} records but its pages ended "
        f"after {outcome.retrieved} ({paged.pages} page(s)){repeats}; the search is incomplete",
        outcome,
    )


def first_of_each(records: Iterable[Record]) -> list[Record]:
    """The first record of each service id, in order; a record without an id is kept on its own.

    Cursor paging can hand out a record again in place of another (the result set shifting under
    the cursor): the repeats must not make up the reported total.
    """
    kept: list[Record] = []
    seen: set[str] = set()
    for record in records:
        if record.source_id and record.source_id in seen:
            continue
        seen.add(record.source_id)
        kept.append(record)
    return kept
