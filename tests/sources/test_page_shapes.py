"""A 200 page of valid JSON in another shape than the service documents is one clear error.

Each case serves a real page from ../shared with one value given another JSON type. Before, the
clients' ``int(...)``/``.get(...)`` raised a bare TypeError, ValueError or AttributeError: a
traceback from the CLI instead of one line naming the service and the page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from livingreview.errors import SearchError
from livingreview.sources import get_client
from livingreview.sources.base import SearchSpec
from tests.replay_server import Answer, ReplayServer
from tests.sources import Progress, service_http

CASES = [
    # client, route, real page, path to the value, the value, what the client tripped on
    ("europepmc", "/search", "europepmc/epmc_search_core_cancer.json", ["hitCount"], None, "Type"),
    (
        "openalex",
        "/works",
        "openalex/openalex_keypaper_results_page_1.json",
        ["results", 0, "primary_location"],
        "journal",
        "Attribute",
    ),
    (
        "crossref",
        "/works",
        "crossref/crossref_member98_cursor_page1.json",
        ["message", "total-results"],
        "",
        "Value",
    ),
]


def _changed(path: Path, keys: list[Any], value: object) -> bytes:
    """The real page re-serialised with the value at ``keys`` replaced."""
    data = json.loads(path.read_bytes())
    holder = data
    for key in keys[:-1]:
        holder = holder[key]
    holder[keys[-1]] = value
    return json.dumps(data).encode("utf-8")


@pytest.mark.parametrize(
    ("client", "route", "page", "keys", "value", "error"), CASES, ids=[c[0] for c in CASES]
)
def test_a_page_of_another_shape_is_one_search_error(
    client: str,
    route: str,
    page: str,
    keys: list[Any],
    value: object,
    error: str,
    replay_server: ReplayServer,
    sources_dir: Path,
) -> None:
    replay_server.add("GET", route, Answer(_changed(sources_dir / page, keys, value)))
    http = service_http(client, replay_server.url + "/")
    spec = SearchSpec(name=client, client=client, query="cancer")
    with pytest.raises(SearchError) as raised:
        get_client(client).search(http, spec, Progress())
    message = str(raised.value)
    assert "page 1 of the results is not in the form the service documents" in message
    assert f"({error}Error: " in message and message.endswith("the search is incomplete")
    assert len(replay_server.requests()) == 1  # a shape is not a passing fault: no retry
