"""Europe PMC client against a local server replaying the real payloads in ../shared.

Bodies are served byte for byte. Where a test needs a search that completes, it serves a copy of a
real page whose ``hitCount`` is lowered in memory (``with_hit_count``); nothing else is changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from livingreview.archive import RawArchive
from livingreview.errors import IncompleteSearchError, SearchError
from livingreview.http import HttpClient
from livingreview.records import assign_ids
from livingreview.sources import europepmc
from livingreview.sources.base import SearchSpec
from livingreview.sources.common import IncompleteResultsError
from tests.replay_server import Answer, ReplayServer
from tests.sources import Progress, Sleeps, service_http

CORE = "europepmc/epmc_search_core_cancer.json"
LITE = "europepmc/epmc_search_lite_cancer.json"
POST = "europepmc/epmc_searchPOST_cancer.json"
NO_RESULTS = "europepmc/epmc_search_no_results.json"
CURSOR_2 = "AoIIP4ZawSg1MzEyODI1MA=="  # nextCursorMark of both the core and the lite page
CURSOR_3 = "AoIIQM+luyg1MTc3NTM5Mw=="  # nextCursorMark of the POST page


def make_http(base_url: str, **kw: object) -> HttpClient:
    return service_http("europepmc", base_url, **kw)


def spec(**kw: object) -> SearchSpec:
    return SearchSpec(name="europepmc", client="europepmc", query="cancer", **kw)  # type: ignore[arg-type]


def with_hit_count(path: Path, count: int) -> bytes:
    """A real page re-serialised with only ``hitCount`` changed."""
    data = json.loads(path.read_bytes())
    data["hitCount"] = count
    return json.dumps(data).encode("utf-8")


def cursor_is(value: str) -> Callable[[dict[str, str]], bool]:
    """Matches requests sending this cursor."""
    return lambda params: params.get("cursorMark") == value


def two_pages(server: ReplayServer, first: Path | bytes, second: Path) -> None:
    """``first`` answers cursor ``*`` and the real page ``second`` answers ``CURSOR_2``.

    ``first`` is a real page served byte for byte, or the bytes of a patched copy of one.
    """
    match = cursor_is("*")
    opening = (
        Answer.file(first, match=match) if isinstance(first, Path) else Answer(first, match=match)
    )
    server.add("GET", "/search", opening, Answer.file(second, match=cursor_is(CURSOR_2)))


def test_core_records_map_every_field(sources_dir: Path) -> None:
    body = json.loads((sources_dir / CORE).read_bytes())
    results = body["resultList"]["result"]
    records = assign_ids("europepmc", [europepmc.map_result(r) for r in results])
    assert len(records) == 25
    first = records[0]
    assert first.record_id == "europepmc:MED:39709209"
    assert (first.source_id, first.pmid, first.doi) == (
        "MED:39709209",
        "39709209",
        "10.1016/s0140-6736(24)02600-x",
    )
    assert first.title.startswith("Abscopal response in a patient with fibrolamellar")
    assert first.authors == ["Schoenfeld, Jonathan D", "Haas-Kogan, Daphne A", "O'Neill, Allison F"]
    assert (first.year, first.journal, first.volume, first.issue, first.pages, first.issn) == (
        "2025",
        "Lancet (London, England)",
        "404",
        "10471",
        "2603-2604",
        "0140-6736",
    )
    assert first.publication_types == ["Journal Article"]
    assert first.language == "eng"
    assert first.url == "https://europepmc.org/article/MED/39709209"
    assert first.oa_url == ""  # its only full-text link needs a subscription

    erratum = records[1]  # no authorList and no authorString: no authors invented
    assert erratum.pmcid == "PMC12124214"
    # free at Europe PMC (PDF and web page) and at the publisher: the PDF first
    assert erratum.oa_url == "https://europepmc.org/articles/PMC12124214?pdf=render"
    assert erratum.authors == []
    assert erratum.abstract == ""
    assert erratum.publication_types == ["Published Erratum", "correction"]

    flexible = next(r for r in records if r.pmid == "40468710")
    assert flexible.abstract.startswith("Objective: This study investigated whether psychological")
    assert "<h4>" not in flexible.abstract and "Design: This was an online" in flexible.abstract
    assert flexible.keywords[:2] == ["Cancer", "Acceptance And Commitment Therapy"]
    assert "Neoplasms" in flexible.keywords  # MeSH descriptors follow the author keywords
    assert flexible.authors[0] == "Al-Abbadey, Miznah"
    assert flexible.issn == "1359-107X"

    no_doi = next(r for r in records if r.pmid == "39038316")
    assert no_doi.doi == ""


def test_lite_records_fall_back_to_author_string_and_journal_title(sources_dir: Path) -> None:
    body = json.loads((sources_dir / LITE).read_bytes())
    record = assign_ids("e", [europepmc.map_result(body["resultList"]["result"][0])])[0]
    assert record.authors == ["Schoenfeld JD", "Haas-Kogan DA", "O'Neill AF"]
    assert (record.journal, record.volume, record.issue) == ("Lancet", "404", "10471")
    assert record.issn == "0140-6736"
    assert record.publication_types == ["journal article"]
    post = json.loads((sources_dir / POST).read_bytes())["resultList"]["result"][0]
    assert europepmc.map_result(post).publication_types == ["brief-report", "journal article"]


def test_pages_until_next_cursor_is_absent_and_reports_the_shortfall(
    replay_server: ReplayServer, sources_dir: Path
) -> None:
    two_pages(replay_server, sources_dir / CORE, sources_dir / NO_RESULTS)
    progress = Progress()
    with pytest.raises(
        IncompleteSearchError, match="reported 5059039 records but its pages ended after 25"
    ) as err:
        europepmc.CLIENT.search(make_http(replay_server.url + "/"), spec(), progress)
    assert isinstance(err.value, IncompleteResultsError)
    assert err.value.outcome.retrieved == 25
    assert err.value.outcome.reported_total == 5059039
    sent = [r.params for r in replay_server.requests("/search")]
    assert [p["cursorMark"] for p in sent] == ["*", CURSOR_2]
    assert all(
        p["pageSize"] == "1000"
        and p["resultType"] == "core"
        and p["format"] == "json"
        and p["query"] == "cancer"
        for p in sent
    )
    assert progress == [(25, 5059039), (25, 5059039)]


def test_a_complete_search_ends_on_the_page_without_next_cursor(
    replay_server: ReplayServer, sources_dir: Path
) -> None:
    two_pages(replay_server, with_hit_count(sources_dir / CORE, 25), sources_dir / NO_RESULTS)
    outcome = europepmc.CLIENT.search(
        make_http(replay_server.url + "/"), spec(batch_size=25), Progress()
    )
    assert (outcome.retrieved, outcome.reported_total) == (25, 25)
    assert outcome.endpoint == "search"
    assert outcome.details["pages"] == 2
    assert [r.params["pageSize"] for r in replay_server.requests()] == ["25", "25"]


def core_then(server: ReplayServer, sources_dir: Path, second: str) -> None:
    """The core page, then the real page ``second`` (CURSOR_2), both reporting 50 records; the
    empty page answers CURSOR_3."""
    server.add(
        "GET",
        "/search",
        Answer(with_hit_count(sources_dir / CORE, 50), match=cursor_is("*")),
        Answer(with_hit_count(sources_dir / second, 50), match=cursor_is(CURSOR_2)),
        Answer.file(sources_dir / NO_RESULTS, match=cursor_is(CURSOR_3)),
    )


def test_two_pages_of_different_records_make_a_complete_search(
    replay_server: ReplayServer, sources_dir: Path
) -> None:
    core_then(replay_server, sources_dir, POST)  # 25 records, none of them on the core page
    outcome = europepmc.CLIENT.search(make_http(replay_server.url + "/"), spec(), Progress())
    assert (outcome.retrieved, outcome.reported_total) == (50, 50)
    assert len({r.source_id for r in outcome.records}) == 50
    assert [r.params["cursorMark"] for r in replay_server.requests()] == ["*", CURSOR_2, CURSOR_3]


def test_an_echoed_cursor_ends_paging_and_a_repeated_page_does_not_count(
    replay_server: ReplayServer, sources_dir: Path
) -> None:
    # The lite page answers CURSOR_2 with nextCursorMark CURSOR_2 again: the end. It holds the
    # core page's 25 records again, so 50 of the 50 reported arrived only counting repeats.
    core_then(replay_server, sources_dir, LITE)
    with pytest.raises(
        IncompleteResultsError,
        match=r"ended after 50 \(2 page\(s\)\), 25 of them repeats of records already retrieved",
    ) as err:
        europepmc.CLIENT.search(make_http(replay_server.url + "/"), spec(), Progress())
    assert (err.value.outcome.retrieved, err.value.outcome.reported_total) == (50, 50)
    assert [r.params["cursorMark"] for r in replay_server.requests()] == ["*", CURSOR_2]


def test_records_handed_out_again_past_a_complete_total_are_dropped(
    replay_server: ReplayServer, sources_dir: Path
) -> None:
    # The service reports 25 records, gives them, then hands the same 25 out again on the next
    # page: the search is complete, and the repeats are not 25 more records identified.
    replay_server.add(
        "GET",
        "/search",
        Answer(with_hit_count(sources_dir / CORE, 25), match=cursor_is("*")),
        Answer(with_hit_count(sources_dir / LITE, 25), match=cursor_is(CURSOR_2)),
    )
    outcome = europepmc.CLIENT.search(make_http(replay_server.url + "/"), spec(), Progress())
    assert (outcome.retrieved, outcome.reported_total) == (25, 25)
    assert len({r.source_id for r in outcome.records}) == 25
    assert outcome.details["repeats_dropped"] == 25


def test_zero_hits(replay_server: ReplayServer, sources_dir: Path) -> None:
    replay_server.add("GET", "/search", Answer.file(sources_dir / NO_RESULTS))
    progress = Progress()
    outcome = europepmc.CLIENT.search(make_http(replay_server.url + "/"), spec(), progress)
    assert (outcome.records, outcome.reported_total) == ([], 0)
    assert len(replay_server.requests()) == 1
    assert progress == [(0, 0)]


def test_limits_are_folded_into_the_query(replay_server: ReplayServer, sources_dir: Path) -> None:
    replay_server.add("GET", "/search", Answer.file(sources_dir / NO_RESULTS))
    search = spec(
        date_from="2010-01-01",
        date_to="2024-10-31",
        languages=["eng", "fr"],
        publication_types=["review"],
    )
    outcome = europepmc.CLIENT.search(make_http(replay_server.url + "/"), search, Progress())
    expected = (
        "(cancer) AND (FIRST_PDATE:[2010-01-01 TO 2024-10-31]) AND "
        '(LANG:"eng" OR LANG:"fre") AND (PUB_TYPE:"review")'
    )
    assert outcome.query_sent == expected
    assert replay_server.requests()[0].params["query"] == expected
    open_ended = europepmc.build_query(spec(date_to="2024-10-31", date_field="CREATION_DATE"))
    assert open_ended == "(cancer) AND (CREATION_DATE:[1000-01-01 TO 2024-10-31])"


def test_max_records_caps_and_shrinks_the_last_page(
    replay_server: ReplayServer, sources_dir: Path
) -> None:
    core_then(replay_server, sources_dir, POST)  # two pages of different records, 50 reported
    outcome = europepmc.CLIENT.search(
        make_http(replay_server.url + "/"), spec(batch_size=25, max_records=30), Progress()
    )
    assert outcome.retrieved == 30  # capped: returned, the caller marks it incomplete
    assert outcome.reported_total == 50
    assert [r.params["pageSize"] for r in replay_server.requests()] == ["25", "5"]


def test_long_queries_go_through_search_post(
    replay_server: ReplayServer, sources_dir: Path
) -> None:
    replay_server.add("POST", "/searchPOST", Answer.file(sources_dir / POST))
    long_query = " OR ".join(f'"term number {i}"' for i in range(120))
    assert len(long_query) > europepmc.POST_THRESHOLD
    search = SearchSpec(name="e", client="europepmc", query=long_query, max_records=25)
    outcome = europepmc.CLIENT.search(make_http(replay_server.url + "/"), search, Progress())
    assert outcome.endpoint == "searchPOST"
    assert outcome.retrieved == 25 and outcome.reported_total == 5933343
    (request,) = replay_server.requests()
    assert request.method == "POST" and request.params["query"] == long_query
    assert request.params["cursorMark"] == "*" and request.params["pageSize"] == "25"


def test_503_then_success_is_retried(replay_server: ReplayServer, sources_dir: Path) -> None:
    replay_server.add(
        "GET",
        "/search",
        Answer(b"<html>Service Unavailable</html>", status=503, content_type="text/html", times=1),
        Answer(b'{"version": "6.9", "hitCount": 0, "res', times=1),  # truncated JSON
        Answer.file(sources_dir / NO_RESULTS),
    )
    sleeps = Sleeps()
    outcome = europepmc.CLIENT.search(
        make_http(replay_server.url + "/", sleep=sleeps), spec(), Progress()
    )
    assert outcome.reported_total == 0
    assert len(replay_server.requests()) == 3
    assert len(sleeps) == 2


def test_a_body_without_hit_count_is_an_error(replay_server: ReplayServer) -> None:
    replay_server.add("GET", "/search", Answer(b'{"errMsg": "Query syntax error"}'))
    with pytest.raises(SearchError, match="no hitCount: Query syntax error"):
        europepmc.CLIENT.search(make_http(replay_server.url + "/"), spec(), Progress())


def test_replay_reproduces_the_live_records(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    two_pages(replay_server, with_hit_count(sources_dir / CORE, 25), sources_dir / NO_RESULTS)
    archive = RawArchive(tmp_path / "raw")
    archive.reset()
    live = europepmc.CLIENT.search(
        make_http(replay_server.url + "/", archive=archive), spec(), Progress()
    )
    assert len(archive.entries()) == 2
    offline = make_http("http://127.0.0.1:9/", replay=RawArchive(tmp_path / "raw"))
    replayed = europepmc.CLIENT.search(offline, spec(), Progress())
    assert offline.requests_sent == 0
    assert assign_ids("e", replayed.records) == assign_ids("e", live.records)
    assert (replayed.reported_total, replayed.query_sent) == (live.reported_total, live.query_sent)


def test_titles_with_escaped_tags_read_as_plain_words(sources_dir: Path) -> None:
    """The POST page's titles carry ``&lt;i&gt;C. elegans&lt;/i&gt;``: tags escaped as text."""
    body = json.loads((sources_dir / POST).read_bytes())
    records = assign_ids("e", europepmc.parse_page(body, "*").records)
    assert not [r.title for r in records if "<" in r.title or "&lt;" in r.title]
    neopterin = next(r for r in records if r.title.startswith("Neopterin"))
    assert neopterin.title == "Neopterin extends C. elegans lifespan in an ATFS-1-dependent manner."
