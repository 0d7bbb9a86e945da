"""What every search client receives and returns."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from livingreview.http import HttpClient
from livingreview.records import Record

log = logging.getLogger("livingreview.search")


@dataclass
class SearchSpec:
    """One configured search: the exact query and its limits (from ``sources.<name>``)."""

    name: str
    client: str
    query: str
    date_from: str = ""  # ISO date, inclusive ("" = open)
    date_to: str = ""  # ISO date, inclusive ("" = open)
    date_field: str = ""  # client-specific: pdat/edat for PubMed, FIRST_PDATE for Europe PMC...
    languages: list[str] = field(default_factory=list)
    publication_types: list[str] = field(default_factory=list)
    batch_size: int = 0  # 0 = the client's default
    max_records: int = 0  # 0 = no cap; a cap below the total makes the search incomplete
    options: dict[str, Any] = field(default_factory=dict)  # client-specific extras


@dataclass
class SearchOutcome:
    """What a search returned: records plus the facts PRISMA-S asks for."""

    records: list[Record]
    reported_total: int  # the total the service said matches the query
    query_sent: str  # the query exactly as sent (with limits folded in, if any)
    endpoint: str  # e.g. "esearch.fcgi + efetch.fcgi"
    details: dict[str, Any] = field(default_factory=dict)  # e.g. date slices, query translation

    @property
    def retrieved(self) -> int:
        """Records retrieved (before any de-duplication)."""
        return len(self.records)


Progress = Callable[[int, int], None]


class SearchClient(Protocol):
    """A service-specific search: ``kind`` matches ``sources.<name>.client`` in config."""

    kind: str
    default_base_url: str
    default_min_interval: float  # seconds between requests, within the service's documented limit
    api_key_param: str  # query parameter that carries the API key ("" if none / header-based)
    email_param: str  # query parameter that carries the contact e-mail ("" if none)

    def search(self, http: HttpClient, spec: SearchSpec, progress: Progress) -> SearchOutcome:
        """Run the whole search (all pages) and return every record retrieved."""
        ...


def log_progress(name: str) -> Progress:
    """A progress callback that logs ``name: done/total records`` lines."""

    def report(done: int, total: int) -> None:
        log.info("%s: %d/%d records retrieved", name, done, total)

    return report
