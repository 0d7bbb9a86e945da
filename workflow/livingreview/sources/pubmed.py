"""PubMed through NCBI E-utilities: ESearch on the History server, then EFetch in batches.

One search is: an ESearch (``usehistory=y``, ``retmax=0``) for the query with its limits folded in,
then EFetch ``retmode=xml`` pages read from the WebEnv/query_key set. PubMed serves at most 9,999
records of one query, so a larger result is cut into date slices (the window halved by day until
every slice holds at most 9,999) and each slice is fetched from its own History set.

In-band errors matter here: NCBI answers some failures with HTTP 200 and an ``<ERROR>`` body.
"Search Backend failed" outages are retried by the HTTP layer; anything else is a
:class:`~livingreview.errors.SearchError` carrying NCBI's own message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode
from xml.etree.ElementTree import Element

from livingreview.errors import ConfigError, IncompleteSearchError, SearchError
from livingreview.http import HttpClient, Response
from livingreview.languages import language_name
from livingreview.records import Record, assign_ids
from livingreview.sources.base import Progress, SearchOutcome, SearchSpec
from livingreview.sources.common import IncompleteResultsError
from livingreview.sources.pubmed_xml import (
    ESearchResult,
    MalformedXMLError,
    article_elements,
    article_pmid,
    error_messages,
    parse_articles,
    parse_esearch,
    parse_xml,
)

log = logging.getLogger(__name__)

ESEARCH = "esearch.fcgi"
EFETCH = "efetch.fcgi"
MAX_PER_QUERY = 9_999  # PubMed's usable ceiling for one query (ESearch refuses retstart > 9998)
DEFAULT_BATCH = 500
POST_ABOVE_IDS = 200  # NCBI: send more than ~200 ids by POST
POST_ABOVE_CHARS = 1_000  # long queries go by POST too (the same threshold as Bio.Entrez)
EARLIEST = date(1500, 1, 1)  # an open window's ends when it has to be sliced
LATEST = date(3000, 12, 31)
DEFAULT_TOOL = "livingreview"

_PERMANENT = ("cannot be larger than", "out of acceptable range", "retstart", "retmax")
_TRANSIENT = ("search backend failed", "unable to open connection", "temporarily unavailable")


# -- query -----------------------------------------------------------------------------------


def build_term(spec: SearchSpec) -> str:
    """The ESearch ``term``: the query, ANDed with language and publication-type limits."""
    query = " ".join(spec.query.split())
    limits = []
    if spec.languages:
        names = [language_name(lang) or lang.strip().lower() for lang in spec.languages]
        limits.append("(" + " OR ".join(f"{name}[lang]" for name in names) + ")")
    if spec.publication_types:
        kinds = [" ".join(kind.split()) for kind in spec.publication_types]
        limits.append("(" + " OR ".join(f'"{kind}"[pt]' for kind in kinds) + ")")
    if not limits:
        return query
    return " AND ".join([f"({query})", *limits])


@dataclass(frozen=True)
class Window:
    """An inclusive range of days searched in one date field."""

    start: date
    end: date

    def halves(self) -> tuple[Window, Window]:
        """Split in two by day: ``[start, mid]`` and ``[mid + 1, end]``."""
        mid = self.start + timedelta(days=(self.end - self.start).days // 2)
        return Window(self.start, mid), Window(mid + timedelta(days=1), self.end)

    def params(self, field: str) -> dict[str, str]:
        """ESearch date parameters."""
        return {"datetype": field, "mindate": _ncbi(self.start), "maxdate": _ncbi(self.end)}

    def describe(self) -> dict[str, str]:
        """ISO bounds, as reported in the outcome."""
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def _ncbi(day: date) -> str:
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


def parse_bound(value: str, *, end: bool, name: str = "pubmed") -> date:
    """A configured date bound (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) as a day.

    An end bound given as a year or month means its last day.
    """
    match = re.fullmatch(r"(\d{4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?", value.strip())
    try:
        if not match:
            raise ValueError(value)
        year, month, day = match.group(1), match.group(2), match.group(3)
        if day:
            return date(int(year), int(month), int(day))
        if month:
            first = date(int(year), int(month), 1)
            return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1) if end else first
        return date(int(year), 12, 31) if end else date(int(year), 1, 1)
    except ValueError:
        raise ConfigError(
            f"sources.{name}: date {value!r} is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)"
        ) from None


def search_window(spec: SearchSpec) -> Window | None:
    """The configured date window, or None when the search is not date-limited."""
    if not spec.date_from and not spec.date_to:
        return None
    start = parse_bound(spec.date_from, end=False, name=spec.name) if spec.date_from else EARLIEST
    end = parse_bound(spec.date_to, end=True, name=spec.name) if spec.date_to else LATEST
    if end < start:
        raise ConfigError(f"sources.{spec.name}: date_to {spec.date_to} is before {spec.date_from}")
    return Window(start, end)


def describe_query(term: str, window: Window | None, field: str) -> str:
    """``query_sent``: the exact term, then the date parameters sent with it."""
    if window is None:
        return term
    sent = window.params(field)
    return (
        f"{term}; datetype={sent['datetype']}; mindate={sent['mindate']}; maxdate={sent['maxdate']}"
    )


# -- in-band errors --------------------------------------------------------------------------


def transient_message(messages: Sequence[str]) -> str | None:
    """The message of a temporary backend failure worth retrying, else None.

    "Search Backend failed" is usually an outage, but the same prefix also carries the
    permanent "'retstart' cannot be larger than 9998" and "out of acceptable range" refusals,
    which must never be retried.
    """
    lowered = [m.lower() for m in messages]
    if any(p in m for m in lowered for p in _PERMANENT):
        return None
    for message, low in zip(messages, lowered, strict=True):
        if any(t in low for t in _TRANSIENT):
            return f"NCBI in-band error: {message}"
    return None


def _raise_for_errors(endpoint: str, messages: Sequence[str]) -> None:
    if not messages:
        return
    text = "; ".join(messages)
    hint = ""
    if any(p in text.lower() for p in _PERMANENT):
        hint = " (PubMed serves at most 9,999 records per query; the search must be date-sliced)"
    raise SearchError(f"PubMed {endpoint} answered with an error: {text}{hint}")


class _Checked:
    """A ``transient=`` callback that parses each 200 body once and keeps the parsed tree.

    ``expected`` (EFetch) is the number of articles the batch must hold: a short batch is
    retried once as a truncated response, then accepted so the caller can report it.
    """

    def __init__(self, expected: int | None = None) -> None:
        self.expected = expected
        self.short_retries = 0
        self._response: Response | None = None
        self._root: Element | None = None

    def __call__(self, response: Response) -> str | None:
        try:
            root = parse_xml(response.body)
        except MalformedXMLError as exc:
            return str(exc)
        messages = error_messages(root)
        problem = transient_message(messages)
        if problem:
            return problem
        if self.expected is not None and not messages:
            got = len(_full_articles(root))
            if got != self.expected and self.short_retries == 0:
                self.short_retries += 1
                return f"short batch: {got} of {self.expected} records"
        self._response, self._root = response, root
        return None

    def root(self, response: Response) -> Element:
        """The parsed body (parsed here when the response came from a replay)."""
        if response is self._response and self._root is not None:
            return self._root
        return parse_xml(response.body)


def _full_articles(root: Element) -> list[Element]:
    """The articles of an EFetch body that are records: an empty ``<PubmedArticle/>`` (no
    PMID) is a record PubMed did not send, counted as missing (a short batch), not read as a
    record with nothing in it."""
    return [article for article in article_elements(root) if article_pmid(article)]


# -- the search ------------------------------------------------------------------------------


class _Search:
    """State of one PubMed search run."""

    def __init__(self, http: HttpClient, spec: SearchSpec, progress: Progress) -> None:
        self.http = http
        self.spec = spec
        self.progress = progress
        self.term = build_term(spec)
        self.field = (spec.date_field or "pdat").lower()
        self.tool = str(spec.options.get("tool") or DEFAULT_TOOL)
        self.batch = min(max(spec.batch_size or DEFAULT_BATCH, 1), MAX_PER_QUERY)
        self.cap = max(spec.max_records, 0)
        self.records: list[Record] = []
        self.seen: set[str] = set()
        self.duplicates = 0
        self.target = 0
        self.slices: list[dict[str, Any]] = []
        self.warnings: list[str] = []
        self.esearches = 0
        self.efetches = 0

    # -- requests ------------------------------------------------------------------------
    def esearch(self, window: Window | None) -> ESearchResult:
        """One ESearch on the History server; raises on an in-band error."""
        params = {"db": "pubmed", "term": self.term, "usehistory": "y", "retmax": "0"}
        if window is not None:
            params.update(window.params(self.field))
        params["tool"] = self.tool
        method = "POST" if len(urlencode(params)) > POST_ABOVE_CHARS else "GET"
        check = _Checked()
        response = self.http.request(method, ESEARCH, params, transient=check)
        self.esearches += 1
        result = parse_esearch(check.root(response))
        _raise_for_errors("ESearch", result.errors)
        for warning in result.warnings:
            if warning not in self.warnings:
                log.warning("%s: PubMed warns: %s", self.spec.name, warning)
                self.warnings.append(warning)
        if result.count and not (result.webenv and result.query_key):
            raise SearchError("PubMed ESearch reported hits but no WebEnv/QueryKey (usehistory=y)")
        return result

    def efetch(self, result: ESearchResult, retstart: int, retmax: int) -> list[Element]:
        """One EFetch page of a History set; exactly ``retmax`` articles or an error."""
        params = {
            "db": "pubmed",
            "WebEnv": result.webenv,
            "query_key": result.query_key,
            "retstart": str(retstart),
            "retmax": str(retmax),
            "retmode": "xml",
            "tool": self.tool,
        }
        check = _Checked(expected=retmax)
        response = self.http.get(EFETCH, params, transient=check)
        self.efetches += 1
        root = check.root(response)
        _raise_for_errors("EFetch", error_messages(root))
        articles = _full_articles(root)
        if len(articles) != retmax:
            empty = len(article_elements(root)) - len(articles)
            besides = f" (and {empty} empty <PubmedArticle> without a PMID)" if empty else ""
            raise IncompleteSearchError(
                f"PubMed EFetch returned {len(articles)} records where {retmax} were requested"
                f"{besides} (retstart={retstart} of a set of {result.count}), also when asked "
                "again; the search is incomplete"
            )
        return articles

    # -- flow ----------------------------------------------------------------------------
    def run(self) -> SearchOutcome:
        """Search, slice when needed, fetch everything, and check the count.

        An incomplete search raises :class:`IncompleteResultsError` carrying the records
        retrieved so far, so the caller can report the partial outcome.
        """
        window = search_window(self.spec)
        root = self.esearch(window)
        total = root.count
        self.target = min(total, self.cap) if self.cap else total
        try:
            if total <= MAX_PER_QUERY:
                self.fetch(root)
            else:
                log.info(
                    "%s: %d records exceed PubMed's %d per query; slicing by %s",
                    self.spec.name, total, MAX_PER_QUERY, self.field,
                )  # fmt: skip
                self.slice(window or Window(EARLIEST, LATEST), root, total)
        except IncompleteSearchError as exc:
            raise IncompleteResultsError(str(exc), self.outcome(root, window)) from None
        retrieved = len(self.records)
        if retrieved < self.target:
            raise IncompleteResultsError(
                f"PubMed: {retrieved} unique records retrieved but the query matches {total}"
                + (f" (capped at {self.cap})" if self.cap else "")
                + (f" across {len(self.slices)} date slices" if self.slices else ""),
                self.outcome(root, window),
            )
        return self.outcome(root, window)

    def outcome(self, root: ESearchResult, window: Window | None) -> SearchOutcome:
        """The records kept so far and the facts PRISMA-S reports about the search."""
        details: dict[str, Any] = {
            "query_translation": root.query_translation,
            "date_field": self.field if window else "",
            "date_window": window.describe() if window else {},
            "sliced": bool(self.slices),
            "slices": self.slices,
            "warnings": self.warnings,
            "esearch_requests": self.esearches,
            "efetch_requests": self.efetches,
            "duplicates_across_slices": self.duplicates,
            "batch_size": self.batch,
        }
        if self.cap and root.count > self.cap:
            details["capped_at"] = self.cap
        return SearchOutcome(
            records=assign_ids(self.spec.name, self.records),
            reported_total=root.count,
            query_sent=describe_query(self.term, window, self.field),
            endpoint=f"{ESEARCH} + {EFETCH}",
            details=details,
        )

    def full(self) -> bool:
        """True once the record cap (if any) is reached."""
        return bool(self.cap) and len(self.records) >= self.cap

    def slice(self, window: Window, result: ESearchResult | None, at_least: int) -> None:
        """Fetch ``window``, halving it while it holds more than PubMed serves per query.

        ``result`` is the window's ESearch when already made; otherwise ``at_least`` is a lower
        bound on its count (parent minus sibling), and when that bound alone exceeds the
        ceiling the window is split without asking for its own count.
        """
        if self.full():
            return
        if result is None and at_least <= MAX_PER_QUERY:
            result = self.esearch(window)
        count = result.count if result is not None else at_least
        if result is not None and count <= MAX_PER_QUERY:
            if count:
                self.slices.append({**window.describe(), "count": count})
                log.info(
                    "%s: slice %s..%s holds %d", self.spec.name, window.start, window.end, count
                )
                self.fetch(result)
            return
        if window.start == window.end:
            raise SearchError(
                f"PubMed: {count} records on the single day {window.start.isoformat()} "
                f"({self.field}); PubMed serves at most {MAX_PER_QUERY} per query and a day "
                "cannot be split further; narrow the query"
            )
        left, right = window.halves()
        left_result = self.esearch(left)
        self.slice(left, left_result, left_result.count)
        self.slice(right, None, count - left_result.count)

    def fetch(self, result: ESearchResult) -> None:
        """Fetch a whole History set in batches, keeping each PMID once."""
        for retstart in range(0, result.count, self.batch):
            want = min(self.batch, result.count - retstart)
            if self.cap:
                want = min(want, self.cap - len(self.records))
                if want <= 0:
                    return
            self.keep(parse_articles(self.efetch(result, retstart, want)))
            self.progress(len(self.records), self.target)

    def keep(self, records: Iterable[Record]) -> None:
        """Add records, dropping a PMID already kept (slices can overlap on multi-date records)."""
        for record in records:
            key = record.pmid or record.source_id
            if key and key in self.seen:
                self.duplicates += 1
                continue
            if self.cap and len(self.records) >= self.cap:
                return
            self.seen.add(key)
            self.records.append(record)


class PubMedClient:
    """The ``pubmed`` search client (see :class:`~livingreview.sources.base.SearchClient`)."""

    kind = "pubmed"
    default_base_url = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
    default_min_interval = 0.34  # 3 requests/s without an API key (10/s with one)
    api_key_param = "api_key"
    email_param = "email"

    def search(self, http: HttpClient, spec: SearchSpec, progress: Progress) -> SearchOutcome:
        """Run the whole search and return every record retrieved."""
        return _Search(http, spec, progress).run()


CLIENT = PubMedClient()


def fetch_pmids(
    http: HttpClient,
    pmids: Sequence[str],
    *,
    batch_size: int = DEFAULT_BATCH,
    tool: str = DEFAULT_TOOL,
    source: str = "pubmed",
) -> tuple[list[Record], list[str]]:
    """Fetch known PMIDs with EFetch ``id=``; POST when a batch holds more than ~200 ids.

    Returns the records (normalised, ids assigned) and the PMIDs PubMed returned nothing for.
    """
    wanted = list(dict.fromkeys(p.strip() for p in pmids if p.strip()))
    found: list[Record] = []
    for start in range(0, len(wanted), max(batch_size, 1)):
        chunk = wanted[start : start + max(batch_size, 1)]
        params = {"db": "pubmed", "id": ",".join(chunk), "retmode": "xml", "tool": tool}
        method = "POST" if len(chunk) > POST_ABOVE_IDS else "GET"
        check = _Checked()
        response = http.request(method, EFETCH, params, transient=check)
        root = check.root(response)
        _raise_for_errors("EFetch", error_messages(root))
        found.extend(parse_articles(_full_articles(root)))
    returned = {r.pmid for r in found}
    return assign_ids(source, found), [p for p in wanted if p not in returned]
