"""Date slicing past PubMed's 9,999-record ceiling, against a synthetic E-utilities service.

The service answers ESearch with a Count that depends on ``mindate``/``maxdate`` and EFetch with
``PubmedArticle`` XML for the requested ``retstart``/``retmax``. Both bodies are built from real
payloads: the History response ``esearch2.xml`` and PMID 9997's record in ``pubmed1.xml``, with
only counts, WebEnv, PMIDs, DOIs, titles and publication dates changed. ``bench/search.py``
drives the same service.
"""

from __future__ import annotations

import calendar
import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from livingreview.errors import IncompleteSearchError, SearchError
from livingreview.http import HttpClient, ServiceSettings
from livingreview.sources.base import SearchSpec
from livingreview.sources.pubmed import CLIENT, MAX_PER_QUERY
from tests.replay_server import Answer, ReplayServer

ESEARCH_FILE = "pubmed/esearch/esearch2.xml"
EFETCH_FILE = "pubmed/efetch/pubmed1.xml"
TEMPLATE_PMID = "9997"
XML = "text/xml; charset=UTF-8"


def esearch_body(
    template: bytes, count: int, webenv: str | None = None, query_key: str = "1"
) -> bytes:
    """A real ESearch History response (``esearch2.xml``) with its Count (and WebEnv) replaced.

    ``RetMax`` becomes 0 and the id list empty, as NCBI answers ``retmax=0``; ``webenv=None``
    keeps the recorded WebEnv.
    """
    text = template.decode("utf-8")
    text = re.sub(r"<Count>\d+</Count>", f"<Count>{count}</Count>", text, count=1)
    text = re.sub(r"<RetMax>\d+</RetMax>", "<RetMax>0</RetMax>", text, count=1)
    text = re.sub(r"<QueryKey>[^<]*</QueryKey>", f"<QueryKey>{query_key}</QueryKey>", text)
    if webenv is not None:
        text = re.sub(r"<WebEnv>[^<]*</WebEnv>", f"<WebEnv>{webenv}</WebEnv>", text)
    text = re.sub(r"<IdList>.*?</IdList>", "<IdList/>", text, count=1, flags=re.DOTALL)
    return text.encode("utf-8")


class ArticleTemplate:
    """One real ``PubmedArticle`` turned into a template for PMID, DOI, title and PubDate."""

    def __init__(self, efetch_body: bytes, pmid: str = TEMPLATE_PMID) -> None:
        text = efetch_body.decode("utf-8")
        first = text.index("<PubmedArticle>")
        self.head = text[:first]
        self.tail = "</PubmedArticleSet>\n"
        marker = f'<PMID Version="1">{pmid}</PMID>'
        start = text.rindex("<PubmedArticle>", 0, text.index(marker))
        end = text.index("</PubmedArticle>", start) + len("</PubmedArticle>")
        article = text[start:end].replace("{", "{{").replace("}", "}}")
        doi = re.search(r'<ArticleId IdType="doi">([^<]+)</ArticleId>', article)
        assert doi is not None, "the template record needs a DOI"
        replacements = [
            (marker, '<PMID Version="1">{pmid}</PMID>'),
            (
                f'<ArticleId IdType="pubmed">{pmid}</ArticleId>',
                '<ArticleId IdType="pubmed">{pmid}</ArticleId>',
            ),
            (doi.group(1), "10.5555/synthetic.{pmid}"),
            ("<ArticleTitle>", "<ArticleTitle>Synthetic record {pmid}: "),
        ]
        for old, new in replacements:
            assert old in article, old
            article = article.replace(old, new)
        article, found = re.subn(
            r"<PubDate>.*?</PubDate>",
            "<PubDate><Year>{year}</Year><Month>{month}</Month><Day>{day}</Day></PubDate>",
            article,
            count=1,
        )
        assert found == 1
        self.article = article

    def render(self, pmid: int, day: date) -> str:
        """The record for one PMID published on ``day``."""
        return self.article.format(
            pmid=pmid, year=day.year, month=calendar.month_abbr[day.month], day=f"{day.day:02d}"
        )

    def document(self, articles: list[str]) -> bytes:
        """A whole ``PubmedArticleSet`` body."""
        return (self.head + "".join(articles) + self.tail).encode("utf-8")


def _day(value: str) -> date:
    year, month, day = (int(part) for part in value.split("/"))
    return date(year, month, day)


@dataclass
class SyntheticPubMed:
    """``total`` records spread evenly over ``days`` days from ``start``.

    ``twin_every``: every n-th record also carries a second date ``twin_offset`` days later (as an
    electronic and a print date do), so date slices can both contain it. ``overcount`` is added to
    the Count of the first ESearch (the whole query), to simulate a service inconsistent with
    itself.
    """

    esearch_template: bytes
    template: ArticleTemplate
    total: int
    start: date
    days: int
    first_pmid: int = 30_000_000
    twin_every: int = 0
    twin_offset: int = 0
    overcount: int = 0
    sets: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def from_shared(cls, sources_dir: Path, **kw: object) -> SyntheticPubMed:
        """Build the service from the real payloads under ``shared/data/sources``."""
        return cls(
            esearch_template=(sources_dir / ESEARCH_FILE).read_bytes(),
            template=ArticleTemplate((sources_dir / EFETCH_FILE).read_bytes()),
            **kw,  # type: ignore[arg-type]
        )

    def __post_init__(self) -> None:
        self.offsets = [i * self.days // self.total for i in range(self.total)]
        twins = range(0, self.total, self.twin_every) if self.twin_every else range(0)
        self.twins = sorted((self.offsets[i] + self.twin_offset, i) for i in twins)

    def pmids(self) -> set[str]:
        """Every PMID the service holds."""
        return {str(self.first_pmid + i) for i in range(self.total)}

    def matching(self, low: int, high: int) -> list[int]:
        """Indices of records with a date offset in ``[low, high]``."""
        first, last = bisect_left(self.offsets, low), bisect_right(self.offsets, high)
        twins = self.twins[
            bisect_left(self.twins, (low, -1)) : bisect_right(self.twins, (high, self.total))
        ]
        return list(range(first, last)) + [i for _, i in twins if not first <= i < last]

    def esearch(self, params: dict[str, str]) -> bytes:
        """Count for the date window sent, with a WebEnv naming the matching set."""
        if "mindate" in params:
            low = (_day(params["mindate"]) - self.start).days
            high = (_day(params["maxdate"]) - self.start).days
            matched = self.matching(low, high)
        else:
            matched = list(range(self.total))
        count = len(matched) + (self.overcount if not self.sets else 0)
        webenv = f"MCID_synthetic_{len(self.sets) + 1:05d}"
        self.sets[webenv] = matched
        return esearch_body(self.esearch_template, count, webenv)

    def efetch(self, params: dict[str, str]) -> bytes:
        """The requested page of a History set, as PubmedArticle XML."""
        matched = self.sets[params["WebEnv"]]
        first = int(params["retstart"])
        page = matched[first : first + int(params["retmax"])]
        return self.template.document(
            [
                self.template.render(
                    self.first_pmid + i, self.start + timedelta(days=self.offsets[i])
                )
                for i in page
            ]
        )

    def install(self, server: ReplayServer) -> None:
        """Route ESearch (GET and POST) and EFetch on a replay server to this service."""
        server.add("GET", "esearch.fcgi", Answer(body=self.esearch, content_type=XML))
        server.add("POST", "esearch.fcgi", Answer(body=self.esearch, content_type=XML))
        server.add("GET", "efetch.fcgi", Answer(body=self.efetch, content_type=XML))


def fetch_batches(slice_counts: list[int], batch_size: int) -> int:
    """EFetch requests needed to read slices of these sizes in batches."""
    return sum(math.ceil(count / batch_size) for count in slice_counts)


def ideal_requests(total: int, batch_size: int) -> int:
    """A lower bound: one ESearch for the query, one per ideal slice, full batches throughout."""
    if total <= MAX_PER_QUERY:
        return 1 + math.ceil(total / batch_size)
    return 1 + math.ceil(total / MAX_PER_QUERY) + math.ceil(total / batch_size)


def _http(server: ReplayServer) -> HttpClient:
    settings = ServiceSettings(
        name="pubmed",
        base_url=server.url,
        min_interval=0,
        max_tries=3,
        secret_params={"api_key": "SECRET-KEY", "email": "reviewer@example.org"},
    )
    return HttpClient(settings, sleep=lambda seconds: None)


def _spec(**kw: object) -> SearchSpec:
    base: dict[str, object] = {"name": "medline", "client": "pubmed", "query": "synthetic[tiab]"}
    return SearchSpec(**{**base, "batch_size": 500, **kw})  # type: ignore[arg-type]


@pytest.fixture
def service_factory(sources_dir: Path, replay_server: ReplayServer):  # type: ignore[no-untyped-def]
    """Install a :class:`SyntheticPubMed` with the given shape on the replay server."""

    def make(**kw: object) -> SyntheticPubMed:
        service = SyntheticPubMed.from_shared(sources_dir, **kw)
        service.install(replay_server)
        return service

    return make


def test_template_record_parses_like_a_real_one(sources_dir: Path) -> None:
    """The generated record keeps the real record's fields, with the new PMID, DOI and date."""
    from livingreview.records import assign_ids
    from livingreview.sources.pubmed_xml import parse_efetch

    template = ArticleTemplate((sources_dir / EFETCH_FILE).read_bytes())
    body = template.document([template.render(30000001, date(2021, 3, 4))])
    (record,) = assign_ids("pubmed", parse_efetch(body))
    assert record.pmid == "30000001"
    assert record.doi == "10.5555/synthetic.30000001"
    assert record.year == "2021"
    assert record.title.startswith("Synthetic record 30000001: Magnetic studies of Chromatium")
    assert record.authors == ["Strekas, T C"]
    assert record.journal == "Biochimica et biophysica acta"


def test_25000_records_arrive_in_slices_of_at_most_9999(
    service_factory, replay_server: ReplayServer
) -> None:
    service = service_factory(total=25_000, start=date(2020, 1, 1), days=1827)
    done: list[tuple[int, int]] = []
    spec = _spec(date_from="2020-01-01", date_to="2024-12-31")
    outcome = CLIENT.search(_http(replay_server), spec, lambda d, t: done.append((d, t)))

    pmids = [r.pmid for r in outcome.records]
    assert len(pmids) == 25_000
    assert set(pmids) == service.pmids()
    assert outcome.reported_total == 25_000
    slices = outcome.details["slices"]
    counts = [s["count"] for s in slices]
    assert outcome.details["sliced"] is True
    assert all(0 < c <= MAX_PER_QUERY for c in counts)
    assert sum(counts) == 25_000
    assert slices[0]["from"] == "2020-01-01" and slices[-1]["to"] == "2024-12-31"
    assert all(
        date.fromisoformat(a["to"]) + timedelta(days=1) == date.fromisoformat(b["from"])
        for a, b in pairwise(slices)
    )
    searches = replay_server.requests("esearch.fcgi")
    fetches = replay_server.requests("efetch.fcgi")
    assert len(fetches) == fetch_batches(counts, 500)
    assert len(searches) <= 2 * len(slices)  # the query, the slices, and at most one per split
    assert len(searches) + len(fetches) <= ideal_requests(25_000, 500) + 5
    assert all(
        int(f.params["retstart"]) + int(f.params["retmax"]) <= MAX_PER_QUERY for f in fetches
    )
    assert searches[0].params["mindate"] == "2020/01/01"
    assert searches[0].params["maxdate"] == "2024/12/31"
    assert searches[0].params["datetype"] == "pdat"
    assert len(done) == len(fetches) and done[-1] == (25_000, 25_000)
    assert outcome.query_sent == (
        "synthetic[tiab]; datetype=pdat; mindate=2020/01/01; maxdate=2024/12/31"
    )


def test_open_window_is_sliced_between_far_bounds(
    service_factory, replay_server: ReplayServer
) -> None:
    service = service_factory(total=10_400, start=date(2019, 6, 1), days=400)
    outcome = CLIENT.search(_http(replay_server), _spec(date_field="edat"), lambda d, t: None)
    assert {r.pmid for r in outcome.records} == service.pmids()
    searches = replay_server.requests("esearch.fcgi")
    assert "mindate" not in searches[0].params  # the query itself goes without dates
    assert {s.params["datetype"] for s in searches[1:]} == {"edat"}
    assert len(searches) < 50
    assert outcome.details["date_window"] == {}
    assert outcome.query_sent == "synthetic[tiab]"


def test_records_in_two_slices_are_kept_once(service_factory, replay_server: ReplayServer) -> None:
    service = service_factory(
        total=10_600, start=date(2022, 1, 1), days=365, twin_every=50, twin_offset=200
    )
    spec = _spec(date_from="2022-01-01", date_to="2022-12-31")
    outcome = CLIENT.search(_http(replay_server), spec, lambda d, t: None)
    pmids = [r.pmid for r in outcome.records]
    assert len(pmids) == len(set(pmids)) == 10_600
    assert set(pmids) == service.pmids()
    assert outcome.details["duplicates_across_slices"] > 0
    assert (
        sum(s["count"] for s in outcome.details["slices"])
        == 10_600 + outcome.details["duplicates_across_slices"]
    )


def test_more_than_9999_on_one_day_is_a_clear_error(
    service_factory, replay_server: ReplayServer
) -> None:
    service_factory(total=10_500, start=date(2023, 5, 17), days=1)
    spec = _spec(date_from="2023-05-01", date_to="2023-05-31")
    with pytest.raises(SearchError, match=r"10500 records on the single day 2023-05-17"):
        CLIENT.search(_http(replay_server), spec, lambda d, t: None)
    assert replay_server.requests("efetch.fcgi") == []


def test_slices_short_of_the_reported_total_are_incomplete(
    service_factory, replay_server: ReplayServer
) -> None:
    service_factory(total=10_200, start=date(2021, 1, 1), days=60, overcount=7)
    spec = _spec(date_from="2021-01-01", date_to="2021-03-01")
    with pytest.raises(IncompleteSearchError, match=r"10200 unique records .* matches 10207") as e:
        CLIENT.search(_http(replay_server), spec, lambda d, t: None)
    partial = e.value.outcome  # type: ignore[attr-defined]
    assert (partial.retrieved, partial.reported_total) == (10_200, 10_207)
    assert partial.details["sliced"] is True


def test_max_records_stops_early(service_factory, replay_server: ReplayServer) -> None:
    service_factory(total=12_000, start=date(2021, 1, 1), days=100)
    spec = _spec(date_from="2021-01-01", date_to="2021-04-10", max_records=1_200)
    outcome = CLIENT.search(_http(replay_server), spec, lambda d, t: None)
    assert len(outcome.records) == 1_200
    assert outcome.reported_total == 12_000
    assert outcome.details["capped_at"] == 1_200
    assert len(replay_server.requests("efetch.fcgi")) == 3
