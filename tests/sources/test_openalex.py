"""OpenAlex client against a local server replaying the real payloads in ../shared byte for byte."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from livingreview.archive import RawArchive
from livingreview.errors import IncompleteSearchError, SearchError
from livingreview.http import HttpClient
from livingreview.records import assign_ids
from livingreview.sources import openalex
from livingreview.sources.base import SearchSpec
from livingreview.sources.common import IncompleteResultsError
from tests.replay_server import Answer, ReplayServer
from tests.sources import Progress, Sleeps, service_http

IDS_PAGE = "openalex/openalex_works_filter_ids_cursor_star.json"
EXHAUSTED = "openalex/openalex_works_cursor_exhausted.json"
KEY_PAGE_1 = "openalex/openalex_keypaper_results_page_1.json"
KEY_PAGE_2 = "openalex/openalex_keypaper_results_page_2.json"
COUNT_PAGE = "openalex/openalex_works_filter_title_abstract_search_count.json"
BAD_FILTER = "openalex/openalex_error_400_invalid_filter.json"
BAD_KEY = "openalex/openalex_rate_limit_401_invalid_key.json"
IDS_CURSOR = "IlsnLUluZmluaXR5JywgMCwgJ2h0dHBzOi8vb3BlbmFsZXgub3JnL1czMDQ1OTIxODkxJ10i"
KEY_CURSOR = "IlsxMDAuMCwgOTU3LCAnaHR0cHM6Ly9vcGVuYWxleC5vcmcvVzI3NDE4MDk4MDcnXSI="
API_KEY = "test-key-not-a-secret-4f2a"


def make_http(base_url: str, *, key: str = API_KEY, **kw: object) -> HttpClient:
    return service_http("openalex", base_url, {"api_key": key} if key else {}, **kw)


def spec(**kw: object) -> SearchSpec:
    kw.setdefault("query", "bibliometrix")
    return SearchSpec(name="openalex", client="openalex", **kw)  # type: ignore[arg-type]


def cursor_is(value: str) -> Callable[[dict[str, str]], bool]:
    """Matches requests sending this cursor."""
    return lambda params: params.get("cursor") == value


def keypaper_pages(server: ReplayServer, sources_dir: Path) -> None:
    server.add(
        "GET",
        "/works",
        Answer.file(sources_dir / KEY_PAGE_1, match=cursor_is("*")),
        Answer.file(sources_dir / KEY_PAGE_2, match=cursor_is(KEY_CURSOR)),
    )


def test_works_map_every_field(sources_dir: Path) -> None:
    body = json.loads((sources_dir / KEY_PAGE_1).read_bytes())
    aria, oa = assign_ids("openalex", [openalex.map_work(w) for w in body["results"]])
    assert aria.record_id == "openalex:W2755950973"
    assert (aria.doi, aria.year, aria.journal, aria.issn) == (
        "10.1016/j.joi.2017.08.007",
        "2017",
        "Journal of Informetrics",
        "1751-1577",
    )
    assert aria.title == "bibliometrix : An R-tool for comprehensive science mapping analysis"
    assert aria.authors == ["Aria, Massimo", "Cuccurullo, Corrado"]
    assert (aria.volume, aria.issue, aria.pages) == ("11", "4", "959-975")
    assert aria.abstract == ""  # abstract_inverted_index is null: nothing invented
    assert aria.keywords == ["Software tool"]
    assert (aria.publication_types, aria.language) == (["article"], "en")
    assert aria.url == "https://openalex.org/W2755950973"
    assert aria.oa_url == ""  # closed access: no free full text

    assert (oa.source_id, oa.pmid, oa.pmcid) == ("W2741809807", "29456894", "PMC5815332")
    assert oa.authors[3] == "Alperín, Juan Pablo" and oa.authors[7] == "West, Jevin D."
    assert len(oa.authors) == 9
    assert oa.pages == "e4375"  # first_page == last_page
    assert oa.oa_url == "https://peerj.com/articles/4375.pdf"  # open_access.oa_url
    assert oa.keywords == [
        "Scholarly Communication",
        "Web of science",
        "Open Science",
        "Citation analysis",
    ]


def test_abstract_is_rebuilt_from_the_inverted_index(sources_dir: Path) -> None:
    work = json.loads((sources_dir / KEY_PAGE_1).read_bytes())["results"][1]
    index = work["abstract_inverted_index"]
    words = openalex.map_work(work).abstract.split(" ")
    assert len(words) == sum(len(positions) for positions in index.values())
    assert words[:6] == ["Despite", "growing", "interest", "in", "Open", "Access"]
    for word in ("oaDOI", "Bronze:", "Unpaywall,", "practice."):
        assert all(words[position] == word for position in index[word])
    assert words[-1] == "practice."


def test_missing_source_falls_back_to_the_raw_source_name(sources_dir: Path) -> None:
    works = json.loads((sources_dir / IDS_PAGE).read_bytes())["results"]
    trends, news = [openalex.map_work(w) for w in works]
    proceedings = "Proceedings of the ACM/IEEE Joint Conference on Digital Libraries in 2020"
    assert trends.journal == proceedings
    assert trends.issn == "" and trends.pages == "503-504"
    assert trends.authors == ["Nishioka, Chifumi", "Färber, Michael"]
    assert news.journal == "arXiv (Cornell University)" and news.publication_types == ["preprint"]
    assert news.abstract.startswith("The impact made by a scientific paper on the work of other")


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        ("Jevin D. West", "West, Jevin D."),
        ("Ludwig van Beethoven", "van Beethoven, Ludwig"),
        ("Martin Luther King Jr.", "King, Martin Luther, Jr."),
        ("Aristotle", "Aristotle"),
        ("Aria, Massimo", "Aria, Massimo"),
        ("  Juan   Pablo Alperín ", "Alperín, Juan Pablo"),
    ],
)
def test_display_names_are_turned_family_first(display: str, expected: str) -> None:
    assert openalex.author_name(display) == expected


def test_cursor_paging_until_exhausted_sends_the_key_but_never_archives_it(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    replay_server.add(
        "GET",
        "/works",
        Answer.file(sources_dir / IDS_PAGE, match=cursor_is("*")),
        Answer.file(sources_dir / EXHAUSTED, match=cursor_is(IDS_CURSOR)),
    )
    archive = RawArchive(tmp_path / "raw")
    archive.reset()
    progress = Progress()
    search = spec(query="", options={"filter": "openalex:W3045921891|W3046863325"})
    outcome = openalex.CLIENT.search(
        make_http(replay_server.url + "/", archive=archive), search, progress
    )
    assert [r.source_id for r in outcome.records] == ["W3046863325", "W3045921891"]
    assert [r.oa_url for r in outcome.records] == [
        "https://dl.acm.org/doi/pdf/10.1145/3383583.3398584",
        "https://arxiv.org/pdf/2007.14454",  # a preprint server's copy
    ]
    assert (outcome.reported_total, outcome.details["pages"]) == (2, 2)
    assert outcome.query_sent == "filter=openalex:W3045921891|W3046863325"
    assert progress == [(2, 2), (2, 2)]
    sent = [r.params for r in replay_server.requests("/works")]
    assert [p["cursor"] for p in sent] == ["*", IDS_CURSOR]
    assert all(p["api_key"] == API_KEY and p["per_page"] == "100" for p in sent)
    assert all("search" not in p for p in sent)
    assert all("api_key" not in entry["params"] for entry in archive.entries())
    assert API_KEY not in (tmp_path / "raw" / "index.jsonl").read_text(encoding="utf-8")


def test_keypaper_page_1_then_page_2(replay_server: ReplayServer, sources_dir: Path) -> None:
    keypaper_pages(replay_server, sources_dir)
    outcome = openalex.CLIENT.search(make_http(replay_server.url + "/"), spec(), Progress())
    assert [r.source_id for r in outcome.records] == ["W2755950973", "W2741809807"]
    assert outcome.query_sent == "search=bibliometrix"
    assert [r.params["cursor"] for r in replay_server.requests()] == ["*", KEY_CURSOR]
    assert all(r.params["search"] == "bibliometrix" for r in replay_server.requests())


def test_limits_become_filters(replay_server: ReplayServer, sources_dir: Path) -> None:
    keypaper_pages(replay_server, sources_dir)
    search = spec(
        date_from="2010-01-01",
        date_to="2024-10-31",
        languages=["eng", "fr"],
        publication_types=["article", "review"],
        batch_size=500,
        options={"filter": "has_abstract:true"},
    )
    outcome = openalex.CLIENT.search(make_http(replay_server.url + "/"), search, Progress())
    expected = (
        "has_abstract:true,from_publication_date:2010-01-01,"
        "to_publication_date:2024-10-31,language:en|fr,type:article|review"
    )
    first = replay_server.requests()[0].params
    assert first["filter"] == expected and first["per_page"] == "100"  # capped at 100
    assert outcome.query_sent == f"search=bibliometrix&filter={expected}"
    assert outcome.details["filter"] == expected
    created = openalex.build_filter(spec(date_from="2025-01-01", date_field="created"))
    assert created == "from_created_date:2025-01-01"


def test_pages_ending_before_the_count_raise_incomplete(
    replay_server: ReplayServer, sources_dir: Path
) -> None:
    # A real page: meta.count 145616, one result, no next_cursor (page paging, not cursor).
    replay_server.add("GET", "/works", Answer.file(sources_dir / COUNT_PAGE))
    with pytest.raises(IncompleteSearchError, match="reported 145616 records") as err:
        openalex.CLIENT.search(make_http(replay_server.url + "/"), spec(), Progress())
    assert isinstance(err.value, IncompleteResultsError)
    (record,) = err.value.outcome.records
    assert (record.source_id, record.doi, record.pmid) == (
        "W2162348455",
        "10.1038/35002501",
        "10706275",
    )


def test_max_records_stops_early(replay_server: ReplayServer, sources_dir: Path) -> None:
    keypaper_pages(replay_server, sources_dir)
    outcome = openalex.CLIENT.search(
        make_http(replay_server.url + "/"), spec(max_records=1), Progress()
    )
    assert outcome.retrieved == 1 and outcome.reported_total == 2
    assert [r.params["per_page"] for r in replay_server.requests()] == ["1"]


def test_400_carries_openalex_message(replay_server: ReplayServer, sources_dir: Path) -> None:
    replay_server.add("GET", "/works", Answer.file(sources_dir / BAD_FILTER, status=400))
    with pytest.raises(
        SearchError,
        match=r"HTTP 400\): Invalid query parameters error.: "
        r"DOESNTEXIST is not a valid field",
    ) as err:
        openalex.CLIENT.search(
            make_http(replay_server.url + "/"),
            spec(options={"filter": "DOESNTEXIST:1"}),
            Progress(),
        )
    assert len(str(err.value)) < 800  # the list of ~200 valid fields is cut short
    assert len(replay_server.requests()) == 1  # not retried


@pytest.mark.parametrize(
    ("key", "problem"), [(API_KEY, "the API key was rejected"), ("", "no API key was sent")]
)
def test_401_says_the_key_is_missing_or_invalid(
    replay_server: ReplayServer, sources_dir: Path, key: str, problem: str
) -> None:
    replay_server.add("GET", "/works", Answer.file(sources_dir / BAD_KEY, status=401))
    with pytest.raises(SearchError, match=problem) as err:
        openalex.CLIENT.search(make_http(replay_server.url + "/", key=key), spec(), Progress())
    assert "Invalid or missing API key: API key not found" in str(err.value)
    assert "api_key_env" in str(err.value)


def test_503_then_success_is_retried(replay_server: ReplayServer, sources_dir: Path) -> None:
    replay_server.add(
        "GET", "/works", Answer(b"upstream busy", status=503, times=1, headers={"Retry-After": "2"})
    )
    keypaper_pages(replay_server, sources_dir)
    sleeps = Sleeps()
    outcome = openalex.CLIENT.search(
        make_http(replay_server.url + "/", sleep=sleeps), spec(), Progress()
    )
    assert outcome.retrieved == 2
    assert sleeps == [2.0]
    assert len(replay_server.requests()) == 3


def test_replay_reproduces_the_live_records(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    keypaper_pages(replay_server, sources_dir)
    archive = RawArchive(tmp_path / "raw")
    archive.reset()
    live = openalex.CLIENT.search(
        make_http(replay_server.url + "/", archive=archive), spec(), Progress()
    )
    offline = make_http("http://127.0.0.1:9/", key="", replay=RawArchive(tmp_path / "raw"))
    replayed = openalex.CLIENT.search(offline, spec(), Progress())
    assert offline.requests_sent == 0
    assert assign_ids("o", replayed.records) == assign_ids("o", live.records)
    assert replayed.reported_total == live.reported_total == 2


# -- known DOIs (the re-fetch of earlier studies) ----------------------------------------------


def test_known_dois_are_asked_in_filter_batches(
    sources_dir: Path, replay_server: ReplayServer
) -> None:
    page = "openalex/openalex_works_filter_ids_cursor_star.json"
    real = ["10.1145/3383583.3398584", "10.48550/arxiv.2007.14454"]
    asks_real = lambda params: real[0] in params["filter"]  # noqa: E731
    replay_server.add("GET", "works", Answer.file(sources_dir / page, match=asks_real))
    empty = "openalex/openalex_works_cursor_exhausted.json"  # a real answer with no results
    replay_server.add("GET", "works", Answer.file(sources_dir / empty))
    others = [f"10.9999/unknown.{i}" for i in range(3)]
    http = service_http("openalex", replay_server.url)
    found, missing = openalex.fetch_dois(http, [*real, *others, real[0].upper()], batch_size=2)
    assert sorted(r.doi for r in found) == real and found[0].source_id.startswith("W")
    assert missing == others  # each DOI asked once
    filters = [r.params["filter"] for r in replay_server.requests("works")]
    assert filters == [
        f"doi:{real[0]}|{real[1]}",
        f"doi:{others[0]}|{others[1]}",
        f"doi:{others[2]}",
    ]
    assert [r.params["per_page"] for r in replay_server.requests("works")] == ["100"] * 3


def test_a_doi_shared_by_two_works_is_not_cut_off_by_the_page(
    sources_dir: Path, replay_server: ReplayServer
) -> None:
    """OpenAlex keeps duplicate works with one DOI: two DOIs can match three works, one page
    more than the DOIs asked. Page 1 is the real two-work answer with ``meta.count`` 3, page 2 a
    third work (the real singleton, its DOI set to the second DOI asked)."""
    first = json.loads(
        (sources_dir / "openalex/openalex_works_filter_ids_cursor_star.json").read_bytes()
    )
    first["meta"]["count"] = 3
    twin = json.loads((sources_dir / "openalex/openalex_work_W2741809807.json").read_bytes())
    twin["doi"] = first["results"][1]["doi"]
    second = {"meta": {**first["meta"], "page": 2}, "results": [twin]}
    replay_server.add(
        "GET",
        "works",
        Answer(json.dumps(first).encode(), match=lambda p: "page" not in p),
        Answer(json.dumps(second).encode(), match=lambda p: p.get("page") == "2"),
    )
    http = service_http("openalex", replay_server.url)
    dois = ["10.1145/3383583.3398584", "10.48550/arxiv.2007.14454"]
    found, missing = openalex.fetch_dois(http, dois, batch_size=2)
    assert sorted(r.source_id for r in found) == ["W2741809807", "W3045921891", "W3046863325"]
    assert missing == []
    assert [r.params.get("page") for r in replay_server.requests("works")] == [None, "2"]
