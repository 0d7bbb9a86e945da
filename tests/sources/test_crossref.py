"""Crossref client against a local server replaying the real payloads in ../shared, byte for byte.

The end of a cursor scroll is a page with no items; no such page was recorded, so ``empty_page``
builds one at test time from a real page by emptying ``message.items`` (nothing else changes).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from livingreview.archive import RawArchive
from livingreview.errors import ConfigError, IncompleteSearchError, SearchError
from livingreview.http import HttpClient
from livingreview.records import assign_ids
from livingreview.sources import crossref
from livingreview.sources.base import SearchSpec
from livingreview.sources.common import IncompleteResultsError
from tests.replay_server import Answer, ReplayServer
from tests.sources import Progress, Sleeps, service_http

JATS_WORK = "crossref/crossref_work_10.2196_22081_jats_abstract.json"
CURSOR_STAR = "crossref/crossref_works_query_cursor_star.json"
PAGE_1 = "crossref/crossref_member98_cursor_page1.json"
PAGE_2 = "crossref/crossref_member98_cursor_page2.json"
BAD_CURSOR = "crossref/crossref_error_bad_cursor_404.json"
NOT_FOUND = "crossref/crossref_work_404_notfound.txt"
EMAIL = "reviewer@example.org"


def make_http(base_url: str, **kw: object) -> HttpClient:
    return service_http("crossref", base_url, {"mailto": EMAIL}, **kw)


def spec(**kw: object) -> SearchSpec:
    kw.setdefault("query", "widget")
    return SearchSpec(name="crossref", client="crossref", **kw)  # type: ignore[arg-type]


def next_cursor(path: Path) -> str:
    return json.loads(path.read_bytes())["message"]["next-cursor"]


def empty_page(path: Path) -> bytes:
    """A real page re-serialised with ``message.items`` emptied."""
    data = json.loads(path.read_bytes())
    data["message"]["items"] = []
    return json.dumps(data).encode("utf-8")


def with_total(path: Path, total: int) -> bytes:
    """A real page re-serialised with only ``message.total-results`` changed."""
    data = json.loads(path.read_bytes())
    data["message"]["total-results"] = total
    return json.dumps(data).encode("utf-8")


def member98_pages(server: ReplayServer, sources_dir: Path) -> str:
    """Page 1, page 2, then an empty page; returns the (constant) next-cursor."""
    cursor = next_cursor(sources_dir / PAGE_1)
    assert cursor == next_cursor(sources_dir / PAGE_2)  # Crossref keeps one cursor per scroll
    server.add(
        "GET",
        "/works",
        Answer.file(sources_dir / PAGE_1, match=lambda p: p.get("cursor") == "*"),
        Answer.file(sources_dir / PAGE_2, times=1),
        Answer(empty_page(sources_dir / PAGE_2)),
    )
    return cursor


def test_jats_abstract_work_maps_every_field(sources_dir: Path) -> None:
    message = json.loads((sources_dir / JATS_WORK).read_bytes())["message"]
    record = assign_ids("crossref", [crossref.map_item(message)])[0]
    assert record.record_id == "crossref:10.2196/22081"
    assert (record.doi, record.source_id) == ("10.2196/22081", "10.2196/22081")
    assert record.title == (
        "Investigating Patients’ Intention to Continue Using Teleconsultation "
        "to Anticipate Postcrisis Momentum: Survey Study"
    )
    assert record.abstract.startswith("Background: The COVID-19 crisis has drastically changed")
    assert "<jats:" not in record.abstract and "Objective: This study aims" in record.abstract
    assert record.abstract.endswith("for exceptional situations can be achieved.")
    assert record.authors == [
        "Grenier Ouimet, Antoine",
        "Wagner, Gerit",
        "Raymond, Louis",
        "Pare, Guy",
    ]
    assert (record.year, record.journal, record.volume, record.issue, record.pages) == (
        "2020",
        "Journal of Medical Internet Research",
        "22",
        "11",
        "e22081",
    )
    assert (record.issn, record.publication_types, record.keywords, record.language) == (
        "1438-8871",
        ["journal-article"],
        ["Health Informatics"],
        "en",
    )
    assert record.url == "http://dx.doi.org/10.2196/22081"
    assert record.pmid == ""  # Crossref holds no PMIDs


def test_search_items_map_dates_and_authors(sources_dir: Path) -> None:
    items = json.loads((sources_dir / CURSOR_STAR).read_bytes())["message"]["items"]
    records = [crossref.map_item(item) for item in items]
    assert len(records) == 20
    by_doi = {r.doi: r for r in records}
    chapter = by_doi["10.1007/978-1-4842-6700-4_5"]
    assert (chapter.title, chapter.year, chapter.authors) == (
        "Adding Additional Widget Sizes",
        "2020",
        ["Lynch, Stewart"],
    )
    assert chapter.journal == "Introducing WidgetKit for iOS"
    # issued is [[null]]: the year falls back to the deposit date Crossref holds (created)
    assert by_doi["10.1007/978-1-4302-0197-7_9"].year == "2007"
    assert by_doi["10.1007/978-1-4302-0197-7_9"].authors == []
    article = by_doi["10.1117/1.jei.28.6.063006"]
    assert (article.volume, article.issue, article.pages, article.issn) == (
        "28",
        "06",
        "1",
        "1017-9909",
    )
    assert article.authors == ["Qi, Lin", "Wang, Tiezhu"]
    posted = assign_ids("c", [by_doi["10.59350/7mtwq-q3661"]])[0]
    assert posted.abstract.startswith("In addition to this Swing-based screenshot of JChemPaint")


def test_cursor_paging_until_an_empty_page(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    cursor = member98_pages(replay_server, sources_dir)
    archive = RawArchive(tmp_path / "raw")
    archive.reset()
    progress = Progress()
    with pytest.raises(
        IncompleteSearchError, match="reported 138567 records but its pages ended after 10"
    ) as err:
        crossref.CLIENT.search(
            make_http(replay_server.url + "/", archive=archive), spec(batch_size=5), progress
        )
    assert isinstance(err.value, IncompleteResultsError)
    outcome = err.value.outcome
    assert [r.doi for r in outcome.records][:2] == ["10.4061/2010/505436", "10.1155/2016/1353212"]
    assert outcome.records[5].doi == "10.1111/dth.13147"
    assert progress == [(5, 138567), (10, 138567), (10, 138567)]
    sent = [r.params for r in replay_server.requests("/works")]
    assert [p["cursor"] for p in sent] == ["*", cursor, cursor]
    assert all(p["rows"] == "5" and p["query.bibliographic"] == "widget" for p in sent)
    assert all(p["mailto"] == EMAIL for p in sent)
    assert all("mailto" not in entry["params"] for entry in archive.entries())
    assert EMAIL not in (tmp_path / "raw" / "index.jsonl").read_text(encoding="utf-8")


def test_a_page_handed_out_again_does_not_make_up_the_total(
    replay_server: ReplayServer, sources_dir: Path
) -> None:
    # The scroll's one cursor answers with page 1 again instead of page 2: 10 records of the 10
    # reported arrive only counting the 5 repeats.
    replay_server.add(
        "GET",
        "/works",
        Answer(with_total(sources_dir / PAGE_1, 10), match=lambda p: p.get("cursor") == "*"),
        Answer(with_total(sources_dir / PAGE_1, 10), times=1),
        Answer(empty_page(sources_dir / PAGE_2)),
    )
    with pytest.raises(
        IncompleteResultsError, match=r"after 10 \(3 page\(s\)\), 5 of them repeats"
    ) as err:
        crossref.CLIENT.search(make_http(replay_server.url + "/"), spec(batch_size=5), Progress())
    assert err.value.outcome.retrieved == 10
    assert len(replay_server.requests("/works")) == 3


def test_a_short_page_ends_the_scroll(replay_server: ReplayServer, sources_dir: Path) -> None:
    # 20 items for rows=500: no second request. Total patched to 20 so the search is complete.
    replay_server.add("GET", "/works", Answer(with_total(sources_dir / CURSOR_STAR, 20)))
    outcome = crossref.CLIENT.search(make_http(replay_server.url + "/"), spec(), Progress())
    assert (outcome.retrieved, outcome.reported_total) == (20, 20)
    assert len(replay_server.requests()) == 1
    assert replay_server.requests()[0].params["rows"] == "500"


def test_a_short_page_below_the_total_is_incomplete(
    replay_server: ReplayServer, sources_dir: Path
) -> None:
    replay_server.add("GET", "/works", Answer.file(sources_dir / CURSOR_STAR))
    with pytest.raises(
        IncompleteSearchError, match="reported 454 records but its pages ended after 20"
    ):
        crossref.CLIENT.search(make_http(replay_server.url + "/"), spec(), Progress())


def test_limits_become_filters_and_query_field_is_chosen(
    replay_server: ReplayServer, sources_dir: Path
) -> None:
    replay_server.add("GET", "/works", Answer(with_total(sources_dir / CURSOR_STAR, 20)))
    search = spec(
        date_from="2010-01-01",
        date_to="2024-10-31",
        languages=["en"],
        publication_types=["journal-article", "review"],
        batch_size=5000,
        options={"filter": "has-abstract:true", "query_field": "query"},
    )
    outcome = crossref.CLIENT.search(make_http(replay_server.url + "/"), search, Progress())
    expected = (
        "has-abstract:true,from-pub-date:2010-01-01,until-pub-date:2024-10-31,"
        "type:journal-article,type:review"
    )
    sent = replay_server.requests()[0].params
    assert sent["filter"] == expected and sent["query"] == "widget" and sent["rows"] == "1000"
    assert "query.bibliographic" not in sent
    assert outcome.query_sent == f"query=widget&filter={expected}"
    assert outcome.details["limits_not_applied"] == {"languages": ["en"]}
    assert crossref.build_filter(spec(date_from="2025-01", date_field="created")) == (
        "from-created-date:2025-01"
    )
    with pytest.raises(ConfigError, match="query_field"):
        crossref.query_field(spec(options={"query_field": "title"}))


def test_404_invalid_cursor_carries_crossref_message(
    replay_server: ReplayServer, sources_dir: Path
) -> None:
    replay_server.add("GET", "/works", Answer.file(sources_dir / BAD_CURSOR, status=404))
    with pytest.raises(
        SearchError,
        match=r"HTTP 404\): cursor-invalid: Cursor specified but it "
        r"is invalid \(value 'thing'\)",
    ):
        crossref.CLIENT.search(make_http(replay_server.url + "/"), spec(), Progress())
    assert len(replay_server.requests()) == 1


def test_404_plain_text(replay_server: ReplayServer, sources_dir: Path) -> None:
    replay_server.add("GET", "/works", Answer.file(sources_dir / NOT_FOUND, status=404))
    with pytest.raises(SearchError, match=r"HTTP 404\): Resource not found\.$"):
        crossref.CLIENT.search(make_http(replay_server.url + "/"), spec(), Progress())


def test_503_then_success_is_retried(replay_server: ReplayServer, sources_dir: Path) -> None:
    replay_server.add(
        "GET",
        "/works",
        Answer(b"Service Unavailable", status=503, content_type="text/plain", times=2),
        Answer(with_total(sources_dir / CURSOR_STAR, 20)),
    )
    sleeps = Sleeps()
    outcome = crossref.CLIENT.search(
        make_http(replay_server.url + "/", sleep=sleeps), spec(), Progress()
    )
    assert outcome.retrieved == 20
    assert len(sleeps) == 2 and len(replay_server.requests()) == 3


def test_replay_reproduces_the_live_records(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    member98_pages(replay_server, sources_dir)
    archive = RawArchive(tmp_path / "raw")
    archive.reset()
    search = spec(batch_size=5, max_records=10)
    live = crossref.CLIENT.search(
        make_http(replay_server.url + "/", archive=archive), search, Progress()
    )
    assert live.retrieved == 10 and len(archive.entries()) == 2
    offline = make_http("http://127.0.0.1:9/", replay=RawArchive(tmp_path / "raw"))
    replayed = crossref.CLIENT.search(offline, search, Progress())
    assert offline.requests_sent == 0
    assert assign_ids("c", replayed.records) == assign_ids("c", live.records)


# -- known DOIs (the re-fetch of earlier studies) ----------------------------------------------


def test_known_dois_are_fetched_one_work_each_and_404s_are_not_found(
    sources_dir: Path, replay_server: ReplayServer
) -> None:
    work = "10.1371/journal.pone.0033693"
    replay_server.add(
        "GET", f"works/{work}", Answer.file(sources_dir / "crossref/crossref_work_single_doi.json")
    )
    odd = "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0"  # DOIs hold such text
    sent = "works/" + quote(odd, safe="/")  # sent percent-encoded
    not_found = Answer.file(sources_dir / NOT_FOUND, status=404, content_type="text/plain")
    replay_server.add("GET", sent, not_found)
    found, missing = crossref.fetch_dois(
        make_http(replay_server.url), [f"https://doi.org/{work.upper()}", odd, work]
    )
    assert [r.doi for r in found] == [work] and found[0].title.startswith("Methylphenidate")
    assert missing == [odd]
    assert [r.path for r in replay_server.log] == [f"/works/{work}", f"/{sent}"]
