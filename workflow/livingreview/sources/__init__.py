"""Search clients, one module per service, all on :mod:`livingreview.http`.

Each client module exposes ``CLIENT``: a :class:`~livingreview.sources.base.SearchClient`.
"""

from __future__ import annotations

from livingreview.sources.base import SearchClient, SearchOutcome, SearchSpec

__all__ = ["SearchClient", "SearchOutcome", "SearchSpec", "get_client"]


def get_client(kind: str) -> SearchClient:
    """The search client for a configured ``client:`` name."""
    from livingreview.sources import crossref, europepmc, openalex, pubmed

    clients = {c.CLIENT.kind: c.CLIENT for c in (pubmed, europepmc, openalex, crossref)}
    return clients[kind]
