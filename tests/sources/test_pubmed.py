"""The PubMed client against real E-utilities payloads served byte for byte from 127.0.0.1.

Every response body below is a real NCBI file from ``shared/data/sources/pubmed/`` except where
a test says otherwise: ESearch History bodies whose Count must fit the served EFetch files are the
real ``esearch2.xml`` with only its Count changed, and in-band ``<ERROR>`` bodies not saved as
files are quoted from real responses reported in public issues (cited at each one).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from livingreview.archive import RawArchive
from livingreview.errors import ConfigError, IncompleteSearchError, SearchError
from livingreview.http import HttpClient, ServiceSettings
from livingreview.records import Record, assign_ids, records_to_csv
from livingreview.sources.base import SearchSpec
from livingreview.sources.pubmed import (
    CLIENT,
    build_term,
    fetch_pmids,
    parse_bound,
    transient_message,
)
from livingreview.sources.pubmed_xml import parse_efetch
from tests.replay_server import Answer, ReplayServer
from tests.sources.test_pubmed_slicing import esearch_body

API_KEY = "SECRET-KEY-0123456789"
EMAIL = "reviewer@example.org"
REAL_WEBENV = "MCID_6927d6e7fee3e90f880ec190"  # recorded in esearch2.xml
XML = "text/xml; charset=UTF-8"

# refinebio#1390 (2019): the full body of a transient backend outage, HTTP 200.
BACKEND_FAILED = b"""<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">
<eSearchResult>
\t<ERROR>Search Backend failed: Unable to open connection to #PMQuerySrv?dbaf=taxonomy</ERROR>
</eSearchResult>
"""
# biopython#5025 / metapub#73 (2025-07-04 outage) text, in the same envelope as EFetch errors.
EFETCH_BACKEND_FAILED = (
    b'<?xml version="1.0" encoding="UTF-8" ?>\n<eFetchResult>\n'
    b"\t<ERROR>Search Backend failed: Database is not supported: pubmed</ERROR>\n</eFetchResult>\n"
)
# cyanheads/pubmed-mcp-server#95: the permanent refusal past position 9998, HTTP 200.
RETSTART_REFUSED = b"""<eSearchResult>
\t<ERROR>Search Backend failed: Exception:
'retstart' cannot be larger than 9998. For PubMed, ESearch can only retrieve the first 9,999 records
matching the query. To obtain more than 9,999 PubMed records, consider using EDirect ...</ERROR>
</eSearchResult>
"""
# NCBI's documented 429 body, as quoted in biocommons/bioutils#16.
RATE_LIMITED = (
    b'{"error":"API rate limit exceeded","api-key":"157.131.198.215","count":"5","limit":"3"}'
)


# -- helpers ---------------------------------------------------------------------------------


def _read(sources_dir: Path, name: str) -> bytes:
    return (sources_dir / "pubmed" / name).read_bytes()


def _xml(sources_dir: Path, name: str, **kw: object) -> Answer:
    return Answer.file(sources_dir / "pubmed" / name, **kw)


def _history(sources_dir: Path, count: int, **kw: object) -> Answer:
    """esearch2.xml (real History response) with Count set to ``count``."""
    body = esearch_body(_read(sources_dir, "esearch/esearch2.xml"), count)
    return Answer(body=body, content_type=XML, **kw)  # type: ignore[arg-type]


def _at(retstart: int) -> Callable[[dict[str, str]], bool]:
    return lambda params: params.get("retstart") == str(retstart)


def _http(
    server_url: str,
    *,
    sleeps: list[float] | None = None,
    archive: RawArchive | None = None,
    replay: RawArchive | None = None,
    max_tries: int = 4,
) -> HttpClient:
    settings = ServiceSettings(
        name="pubmed",
        base_url=server_url,
        min_interval=0,
        max_tries=max_tries,
        secret_params={CLIENT.api_key_param: API_KEY, CLIENT.email_param: EMAIL},
    )
    record = sleeps.append if sleeps is not None else (lambda seconds: None)
    return HttpClient(settings, archive=archive, replay=replay, sleep=record)


def _spec(**kw: object) -> SearchSpec:
    base: dict[str, object] = {"name": "medline", "client": "pubmed", "query": "cancer"}
    return SearchSpec(**{**base, **kw})  # type: ignore[arg-type]


def _records(sources_dir: Path, name: str) -> dict[str, Record]:
    return {r.pmid: r for r in assign_ids("pubmed", parse_efetch(_read(sources_dir, name)))}


# -- the parser on every real EFetch file ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "pmids", "dois"),
    [
        ("efetch/pubmed1.xml", ["12091962", "9997"], ["", "10.1016/0005-2795(76)90109-4"]),
        (
            "efetch/pubmed2.xml",
            ["11748933", "11700088"],
            ["10.1006/cryo.2001.2328", "10.1006/jmre.2001.2429"],
        ),
        ("efetch/pubmed4.xml", ["27797938"], ["10.1136/gutjnl-2016-312510"]),
        ("efetch/pubmed5.xml", ["28775130"], ["10.1136/oemed-2017-104431"]),
        ("efetch/pubmed6.xml", ["30108519"], ["10.3389/fphys.2018.01034"]),
        ("efetch/pubmed7.xml", ["29963580"], ["10.1117/1.jmi.5.2.026002"]),
    ],
)
def test_every_real_efetch_file_yields_its_articles(
    sources_dir: Path, name: str, pmids: list[str], dois: list[str]
) -> None:
    """Exact PMIDs and DOIs; cited references' PMIDs/ArticleIds never leak into records."""
    records = assign_ids("pubmed", parse_efetch(_read(sources_dir, name)))
    assert [r.pmid for r in records] == pmids
    assert [r.source_id for r in records] == pmids
    assert [r.doi for r in records] == dois
    assert [r.record_id for r in records] == [f"pubmed:{p}" for p in pmids]
    assert [r.url for r in records] == [f"https://pubmed.ncbi.nlm.nih.gov/{p}/" for p in pmids]
    for record in records:
        assert "<" not in record.title and "&quot;" not in record.title
        assert record.title and record.year and record.journal and record.authors


def test_pubmed1_unstructured_and_missing_abstracts(sources_dir: Path) -> None:
    records = _records(sources_dir, "efetch/pubmed1.xml")
    first, second = records["12091962"], records["9997"]
    assert first.title == "The treatment of AIDS behind the walls of correctional facilities."
    assert first.abstract == ""
    assert first.authors == ["Olivero, J Michael"]
    assert (first.year, first.volume, first.issue, first.pages) == ("1990", "17", "1", "113-25")
    assert first.journal == "Social justice (San Francisco, Calif.)"
    assert first.issn == "1043-1578"
    assert first.publication_types == ["Journal Article", "Review"]
    assert first.keywords[:2] == ["AIDS Serodiagnosis", "Acquired Immunodeficiency Syndrome"]
    assert first.keywords[-2:] == ["Health Care and Public Health", "Legal Approach"]  # KIE list
    assert first.language == "eng"
    assert second.abstract.startswith("Electron paramagnetic resonance and magnetic susceptibility")
    assert second.authors == ["Strekas, T C"]
    assert (second.year, second.journal) == ("1976", "Biochimica et biophysica acta")


def test_pubmed2_author_order_and_journals(sources_dir: Path) -> None:
    records = _records(sources_dir, "efetch/pubmed2.xml")
    assert records["11748933"].authors == [
        "Taddei, A R", "Barbato, F", "Abelli, L", "Canese, S", "Moretti, F", "Rana, K J",
        "Fausto, A M", "Mazzini, M",
    ]  # fmt: skip
    assert records["11700088"].authors == [
        "Casieri, C", "Testa, C", "Carpinelli, G", "Canese, R", "Podo, F", "De Luca, F",
    ]  # fmt: skip
    assert (
        records["11700088"].title
        == "Proton MRI of (13)C distribution by J and chemical shift editing."
    )
    assert records["11748933"].journal == "Cryobiology"
    assert records["11700088"].journal == "Journal of magnetic resonance (San Diego, Calif. : 1997)"
    assert records["11748933"].publication_types == [
        "Journal Article", "Research Support, Non-U.S. Gov't",
    ]  # fmt: skip
    assert records["11748933"].abstract.endswith(
        "to better understand the process of sperm damage."
    )
    assert "(P < 0.001)" in records["11748933"].abstract


def test_pubmed4_structured_abstract_and_inline_markup(sources_dir: Path) -> None:
    record = _records(sources_dir, "efetch/pubmed4.xml")["27797938"]
    assert record.title == (
        "Leucocyte telomere length, genetic variants at the TERT gene region and risk of "
        "pancreatic cancer."
    )
    assert record.abstract.startswith(
        "OBJECTIVE: Telomere shortening occurs as an early event in pancreatic tumorigenesis"
    )
    labels = [record.abstract.index(f"{label}: ") for label in ("DESIGN", "RESULTS", "CONCLUSIONS")]
    assert labels == sorted(labels)
    assert "telomerase reverse transcriptase (TERT) gene" in record.abstract
    assert "r2<0.25)" in record.abstract  # r<sup>2</sup>&lt;0.25: markup gone, text kept
    assert "<sup>" not in record.abstract and "<i>" not in record.abstract
    assert record.pmcid == "PMC5442267"
    assert len(record.authors) == 22
    assert record.authors[:2] == ["Bao, Ying", "Prescott, Jennifer"]
    assert record.authors[-1] == "Wolpin, Brian M"
    assert (record.year, record.journal, record.volume, record.issue) == ("2017", "Gut", "66", "6")
    assert (record.pages, record.issn) == ("1116-1122", "1468-3288")


def test_pubmed5_labels_and_keywords_without_mesh(sources_dir: Path) -> None:
    record = _records(sources_dir, "efetch/pubmed5.xml")["28775130"]
    assert record.title == (
        "Occupational pesticide exposure and subclinical hypothyroidism among male pesticide "
        "applicators."
    )
    assert record.abstract.startswith("OBJECTIVES: Animal studies suggest")
    for label in ("METHODS: ", "RESULTS: ", "CONCLUSIONS: Our results suggest"):
        assert label in record.abstract
    assert record.authors[0] == "Lerro, Catherine C" and record.authors[-1] == "Ward, Mary H"
    assert len(record.authors) == 12
    assert (record.year, record.journal) == ("2018", "Occupational and environmental medicine")
    assert record.keywords[:3] == ["agriculture", "hypothyroidism", "pesticides"]
    assert record.pmcid == "PMC5771820"


def test_pubmed6_malformed_italic_nesting_and_mathml(sources_dir: Path) -> None:
    """PMID 30108519's title nests a quote inside <i>; Entrez.read would keep the tags."""
    record = _records(sources_dir, "efetch/pubmed6.xml")["30108519"]
    assert record.title == (
        'A "Blood Relationship" Between the Overlooked Minimum Lactate Equivalent and Maximal '
        "Lactate Steady State in Trained Runners. Back to the Old Days?"
    )
    assert "maximal oxygen uptake ( V.O2max ) 67.6 ± 4.1 ml·kg-1·min-1]" in record.abstract
    assert "(P < 0.001; ES: 3.54)" in record.abstract
    assert "mml" not in record.abstract and "<" not in record.abstract.replace("P < 0", "")
    assert record.authors == ["Garcia-Tabar, Ibai", "Gorostiaga, Esteban M"]
    assert (record.year, record.volume, record.issue, record.pages) == ("2018", "9", "", "1034")
    assert record.pmcid == "PMC6079548"
    assert record.keywords[0] == "Owles' point"


def test_pubmed7_collective_author_and_reference_list(sources_dir: Path) -> None:
    records = _records(sources_dir, "efetch/pubmed7.xml")
    assert list(records) == ["29963580"]  # the 49 cited PMIDs are not records
    record = records["29963580"]
    assert record.authors[0] == "Guo, Fumin"
    assert record.authors[-1] == "Canadian Respiratory Research Network"
    assert len(record.authors) == 9
    assert record.title == (
        "Development of a pulmonary imaging biomarker pipeline for phenotyping of chronic lung "
        "disease."
    )
    assert (record.year, record.pages, record.pmcid) == ("2018", "026002", "PMC6022861")
    assert record.journal == "Journal of medical imaging (Bellingham, Wash.)"
    raw = parse_efetch(_read(sources_dir, "efetch/pubmed7.xml"))[0]
    assert raw.doi == "10.1117/1.JMI.5.2.026002"  # ArticleIdList, before normalisation


def test_pmc_article_set_holds_no_pubmed_records(sources_dir: Path) -> None:
    assert parse_efetch(_read(sources_dir, "efetch/efetch_pmc.xml")) == []


def test_book_article_is_a_record() -> None:
    """Synthetic body in the PubMed DTD's BookDocument layout (no real book file is saved)."""
    body = b"""<?xml version="1.0" ?><PubmedArticleSet><PubmedBookArticle><BookDocument>
      <PMID Version="1">20301295</PMID>
      <ArticleIdList><ArticleId IdType="bookaccession">NBK1116</ArticleId></ArticleIdList>
      <Book><Publisher><PublisherName>University of Washington, Seattle</PublisherName></Publisher>
        <BookTitle book="gene">GeneReviews<sup>\xc2\xae</sup></BookTitle>
        <PubDate><Year>1993</Year></PubDate></Book>
      <ArticleTitle>Example Syndrome</ArticleTitle><Language>eng</Language>
      <AuthorList Type="authors"><Author><LastName>Doe</LastName><ForeName>Jane</ForeName></Author>
      </AuthorList>
      <PublicationType UI="D016454">Review</PublicationType>
      <Abstract><AbstractText Label="CLINICAL CHARACTERISTICS"><i>Onset</i> varies.</AbstractText>
      </Abstract></BookDocument>
      <PubmedBookData><ArticleIdList><ArticleId IdType="pubmed">20301295</ArticleId>
      </ArticleIdList></PubmedBookData></PubmedBookArticle></PubmedArticleSet>"""
    (record,) = assign_ids("pubmed", parse_efetch(body))
    assert (record.pmid, record.title, record.journal) == (
        "20301295", "Example Syndrome", "GeneReviews®",
    )  # fmt: skip
    assert record.abstract == "CLINICAL CHARACTERISTICS: Onset varies."
    assert (record.authors, record.year, record.publication_types) == (
        ["Doe, Jane"], "1993", ["Review"],
    )  # fmt: skip


def test_an_article_keeps_the_trial_registrations_its_databank_list_names() -> None:
    """Synthetic body in the PubMed DTD's layout (``DataBankList`` in ``Article``): the trial's
    ClinicalTrials.gov id and its EudraCT number (bare, as PubMed gives it) are kept as the
    article's register ids, in the registers' spelling; a GenBank accession is not one."""
    body = b"""<?xml version="1.0" ?><PubmedArticleSet><PubmedArticle>
      <MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">39000301</PMID>
      <Article PubModel="Print"><Journal><ISSN IssnType="Print">0002-0729</ISSN>
        <JournalIssue CitedMedium="Print"><Volume>51</Volume><Issue>3</Issue>
        <PubDate><Year>2022</Year><Month>Mar</Month></PubDate></JournalIssue>
        <Title>Age and ageing</Title></Journal>
      <ArticleTitle>Structured group walking for depression in older adults.</ArticleTitle>
      <Pagination><MedlinePgn>101-110</MedlinePgn></Pagination>
      <AuthorList><Author><LastName>Rossi</LastName><ForeName>Giulia</ForeName></Author>
      </AuthorList><Language>eng</Language>
      <DataBankList CompleteYN="Y">
        <DataBank><DataBankName>ClinicalTrials.gov</DataBankName>
          <AccessionNumberList><AccessionNumber>NCT09000301</AccessionNumber>
          </AccessionNumberList></DataBank>
        <DataBank><DataBankName>EudraCT</DataBankName>
          <AccessionNumberList><AccessionNumber>2019-001234-56</AccessionNumber>
          </AccessionNumberList></DataBank>
        <DataBank><DataBankName>GENBANK</DataBankName>
          <AccessionNumberList><AccessionNumber>AB123456</AccessionNumber>
          </AccessionNumberList></DataBank>
      </DataBankList>
      <PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType>
      </PublicationTypeList></Article></MedlineCitation>
      <PubmedData><ArticleIdList><ArticleId IdType="pubmed">39000301</ArticleId></ArticleIdList>
      </PubmedData></PubmedArticle></PubmedArticleSet>"""
    (record,) = assign_ids("pubmed", parse_efetch(body))
    assert record.register_ids == ["NCT09000301", "EUCTR2019-001234-56"]
    assert record.to_row()["register_ids"] == "NCT09000301; EUCTR2019-001234-56"


# -- query building --------------------------------------------------------------------------


def test_limits_are_folded_into_the_term() -> None:
    spec = _spec(
        query='("digital therapeutic alliance"[tiab]\n   OR chatbot*[tiab])',
        languages=["english", "fr"],
        publication_types=["Randomized Controlled Trial", "Review"],
    )
    assert build_term(spec) == (
        '(("digital therapeutic alliance"[tiab] OR chatbot*[tiab])) AND '
        "(english[lang] OR french[lang]) AND "
        '("Randomized Controlled Trial"[pt] OR "Review"[pt])'
    )
    assert build_term(_spec(query="  cancer ")) == "cancer"


def test_date_bounds() -> None:
    assert parse_bound("2024-11-25", end=True).isoformat() == "2024-11-25"
    assert parse_bound("2024-02", end=True).isoformat() == "2024-02-29"
    assert parse_bound("2010", end=False).isoformat() == "2010-01-01"
    with pytest.raises(ConfigError, match="not a date"):
        parse_bound("25/11/2024", end=True)


def test_transient_and_permanent_backend_errors() -> None:
    assert transient_message(["Search Backend failed: Database is not supported: pubmed"])
    assert transient_message(["Search Backend failed: Unable to open connection to #PMQuerySrv"])
    assert (
        transient_message(["Search Backend failed: Exception:\n'retstart' cannot be larger"])
        is None
    )
    assert transient_message(["Position 15000 is out of acceptable range [9999,9998]"]) is None
    assert transient_message(["Invalid db name specified: nothing"]) is None


# -- a full search ---------------------------------------------------------------------------


def test_full_search_request_sequence_and_archive(
    sources_dir: Path, replay_server: ReplayServer, tmp_path: Path
) -> None:
    replay_server.add("GET", "esearch.fcgi", _history(sources_dir, 4))
    replay_server.add(
        "GET",
        "efetch.fcgi",
        _xml(sources_dir, "efetch/pubmed1.xml", match=_at(0)),
        _xml(sources_dir, "efetch/pubmed2.xml", match=_at(2)),
    )
    archive = RawArchive(tmp_path / "raw")
    archive.reset()
    done: list[tuple[int, int]] = []
    spec = _spec(
        query="cancer", date_from="2000-01-01", date_to="2024-12-31",
        languages=["english", "french"], publication_types=["Journal Article"], batch_size=2,
    )  # fmt: skip
    outcome = CLIENT.search(
        _http(replay_server.url, archive=archive), spec, lambda d, t: done.append((d, t))
    )

    term = '(cancer) AND (english[lang] OR french[lang]) AND ("Journal Article"[pt])'
    assert [r.pmid for r in outcome.records] == ["12091962", "9997", "11748933", "11700088"]
    assert outcome.records[0].record_id == "medline:12091962"
    assert {r.source for r in outcome.records} == {"medline"}
    assert outcome.reported_total == 4 and outcome.retrieved == 4
    assert outcome.query_sent == f"{term}; datetype=pdat; mindate=2000/01/01; maxdate=2024/12/31"
    assert outcome.endpoint == "esearch.fcgi + efetch.fcgi"
    assert outcome.details["query_translation"].startswith('("cancer s"[All Fields] OR')
    assert outcome.details["sliced"] is False and outcome.details["slices"] == []
    assert done == [(2, 4), (4, 4)]

    log = replay_server.requests()
    assert [(r.method, r.path) for r in log] == [
        ("GET", "/esearch.fcgi"), ("GET", "/efetch.fcgi"), ("GET", "/efetch.fcgi"),
    ]  # fmt: skip
    assert log[0].params == {
        "db": "pubmed", "term": term, "usehistory": "y", "retmax": "0", "datetype": "pdat",
        "mindate": "2000/01/01", "maxdate": "2024/12/31", "tool": "livingreview",
        "email": EMAIL, "api_key": API_KEY,
    }  # fmt: skip
    for request, retstart in zip(log[1:], ("0", "2"), strict=True):
        assert request.params == {
            "db": "pubmed", "WebEnv": REAL_WEBENV, "query_key": "1", "retstart": retstart,
            "retmax": "2", "retmode": "xml", "tool": "livingreview",
            "email": EMAIL, "api_key": API_KEY,
        }  # fmt: skip

    entries = archive.entries()
    assert [e["path"] for e in entries] == ["esearch.fcgi", "efetch.fcgi", "efetch.fcgi"]
    assert all("api_key" not in e["params"] and "email" not in e["params"] for e in entries)
    assert entries[1]["params"]["WebEnv"] == REAL_WEBENV
    assert (archive.directory / entries[1]["file"]).read_bytes() == _read(
        sources_dir, "efetch/pubmed1.xml"
    )
    for path in archive.directory.iterdir():
        content = path.read_bytes()
        assert API_KEY.encode() not in content and EMAIL.encode() not in content, path.name


def test_no_hits_is_zero_results_with_the_warnings(
    sources_dir: Path, replay_server: ReplayServer
) -> None:
    replay_server.add("GET", "esearch.fcgi", _xml(sources_dir, "esearch/esearch8.xml"))
    outcome = CLIENT.search(_http(replay_server.url), _spec(query="abcXYZ"), lambda d, t: None)
    assert outcome.records == [] and outcome.reported_total == 0
    assert outcome.details["warnings"] == [
        "PhraseNotFound: abcXYZ", "OutputMessage: No items found.",
    ]  # fmt: skip
    assert outcome.details["query_translation"] == "(abcXYZ[All Fields])"
    assert replay_server.requests("efetch.fcgi") == []


def test_max_records_caps_the_fetch(sources_dir: Path, replay_server: ReplayServer) -> None:
    replay_server.add("GET", "esearch.fcgi", _history(sources_dir, 4))
    replay_server.add("GET", "efetch.fcgi", _xml(sources_dir, "efetch/pubmed1.xml", match=_at(0)))
    spec = _spec(batch_size=2, max_records=2)
    outcome = CLIENT.search(_http(replay_server.url), spec, lambda d, t: None)
    assert [r.pmid for r in outcome.records] == ["12091962", "9997"]
    assert outcome.reported_total == 4 and outcome.details["capped_at"] == 2
    assert len(replay_server.requests("efetch.fcgi")) == 1


def test_long_query_goes_by_post(sources_dir: Path, replay_server: ReplayServer) -> None:
    replay_server.add("POST", "esearch.fcgi", _xml(sources_dir, "esearch/esearch8.xml"))
    query = " OR ".join(f'"term number {i}"[tiab]' for i in range(60))
    CLIENT.search(_http(replay_server.url), _spec(query=query), lambda d, t: None)
    (request,) = replay_server.requests("esearch.fcgi")
    assert request.method == "POST"
    assert request.params["term"] == query and request.params["api_key"] == API_KEY


def test_known_pmids_are_posted_above_200_ids(
    sources_dir: Path, replay_server: ReplayServer
) -> None:
    replay_server.add("GET", "efetch.fcgi", _xml(sources_dir, "efetch/pubmed1.xml"))
    replay_server.add("POST", "efetch.fcgi", _xml(sources_dir, "efetch/pubmed2.xml"))
    http = _http(replay_server.url)
    records, missing = fetch_pmids(http, ["12091962", "9997"])
    assert [r.pmid for r in records] == ["12091962", "9997"] and missing == []
    wanted = ["11748933", "11700088", *(str(40_000_000 + i) for i in range(248))]
    records, missing = fetch_pmids(http, wanted)
    assert [r.pmid for r in records] == ["11748933", "11700088"]
    assert missing == wanted[2:]
    get, post = replay_server.requests("efetch.fcgi")
    assert (get.method, get.params["id"]) == ("GET", "12091962,9997")
    assert post.method == "POST" and post.params["id"].split(",") == wanted


# -- errors, retries and truncation ----------------------------------------------------------


def test_backend_failed_in_band_is_retried(sources_dir: Path, replay_server: ReplayServer) -> None:
    replay_server.add(
        "GET", "esearch.fcgi",
        Answer(body=BACKEND_FAILED, content_type=XML, times=2), _history(sources_dir, 2),
    )  # fmt: skip
    replay_server.add(
        "GET", "efetch.fcgi",
        Answer(body=EFETCH_BACKEND_FAILED, content_type=XML, times=1),
        _xml(sources_dir, "efetch/pubmed1.xml"),
    )  # fmt: skip
    sleeps: list[float] = []
    outcome = CLIENT.search(_http(replay_server.url, sleeps=sleeps), _spec(), lambda d, t: None)
    assert [r.pmid for r in outcome.records] == ["12091962", "9997"]
    assert len(replay_server.requests("esearch.fcgi")) == 3
    assert len(replay_server.requests("efetch.fcgi")) == 2
    assert len(sleeps) == 3  # one backoff per retry, none otherwise (min_interval=0)


def test_retstart_refusal_is_not_retried(sources_dir: Path, replay_server: ReplayServer) -> None:
    replay_server.add("GET", "esearch.fcgi", _history(sources_dir, 2))
    replay_server.add("GET", "efetch.fcgi", Answer(body=RETSTART_REFUSED, content_type=XML))
    with pytest.raises(SearchError, match=r"'retstart' cannot be larger than 9998.*date-sliced"):
        CLIENT.search(_http(replay_server.url), _spec(), lambda d, t: None)
    assert len(replay_server.requests("efetch.fcgi")) == 1


@pytest.mark.parametrize(
    ("endpoint", "name", "message"),
    [
        ("esearch.fcgi", "errors/epost2.xml", "ESearch answered with an error: Invalid db name "
         "specified: nothing"),
        ("efetch.fcgi", "errors/epost3.xml", "EFetch answered with an error: Empty ID list; "
         "Nothing to store; Some IDs have invalid value and were omitted. Maximum ID value "
         "18446744073709551615"),
    ],
)  # fmt: skip
def test_error_bodies_raise_with_ncbi_message(
    sources_dir: Path, replay_server: ReplayServer, endpoint: str, name: str, message: str
) -> None:
    replay_server.add("GET", "esearch.fcgi", _history(sources_dir, 2))
    replay_server.routes.pop(("GET", "/" + endpoint), None)
    replay_server.add("GET", endpoint, _xml(sources_dir, name))
    with pytest.raises(SearchError) as raised:
        CLIENT.search(_http(replay_server.url), _spec(), lambda d, t: None)
    assert str(raised.value) == f"PubMed {message}"
    assert len(replay_server.requests(endpoint)) == 1  # permanent: not retried


def test_429_storm_honours_retry_after(sources_dir: Path, replay_server: ReplayServer) -> None:
    limited = Answer(body=RATE_LIMITED, status=429, headers={"Retry-After": "2"}, times=4)
    replay_server.add("GET", "esearch.fcgi", limited, _history(sources_dir, 2))
    replay_server.add(
        "GET", "efetch.fcgi",
        Answer(body=RATE_LIMITED, status=429, headers={"Retry-After": "3"}, times=1),
        _xml(sources_dir, "efetch/pubmed1.xml"),
    )  # fmt: skip
    sleeps: list[float] = []
    http = _http(replay_server.url, sleeps=sleeps, max_tries=6)
    outcome = CLIENT.search(http, _spec(), lambda d, t: None)
    assert outcome.retrieved == 2
    assert [s for s in sleeps if s >= 1] == [2.0, 2.0, 2.0, 2.0, 3.0]
    assert all(s <= http.pacer.interval for s in sleeps if s < 1)  # pacing, widened after 429s
    assert http.pacer.interval > 0
    assert len(replay_server.requests("esearch.fcgi")) == 5


def test_dropped_connection_is_recovered(sources_dir: Path, replay_server: ReplayServer) -> None:
    replay_server.add("GET", "esearch.fcgi", _history(sources_dir, 2))
    replay_server.add(
        "GET", "efetch.fcgi",
        Answer(body=b"", drop_connection=True, times=1), _xml(sources_dir, "efetch/pubmed1.xml"),
    )  # fmt: skip
    outcome = CLIENT.search(_http(replay_server.url), _spec(), lambda d, t: None)
    assert [r.pmid for r in outcome.records] == ["12091962", "9997"]
    assert [r.params["retstart"] for r in replay_server.requests("efetch.fcgi")] == ["0", "0"]


def test_truncated_body_is_retried(sources_dir: Path, replay_server: ReplayServer) -> None:
    body = _read(sources_dir, "efetch/pubmed1.xml")
    replay_server.add("GET", "esearch.fcgi", _history(sources_dir, 2))
    replay_server.add(
        "GET", "efetch.fcgi",
        Answer(body=body[: len(body) // 2], content_type=XML, times=1),
        _xml(sources_dir, "efetch/pubmed1.xml"),
    )  # fmt: skip
    outcome = CLIENT.search(_http(replay_server.url), _spec(), lambda d, t: None)
    assert outcome.retrieved == 2
    assert len(replay_server.requests("efetch.fcgi")) == 2


def test_short_batch_is_retried_once(sources_dir: Path, replay_server: ReplayServer) -> None:
    replay_server.add("GET", "esearch.fcgi", _history(sources_dir, 2))
    replay_server.add(
        "GET", "efetch.fcgi",
        _xml(sources_dir, "efetch/pubmed4.xml", times=1), _xml(sources_dir, "efetch/pubmed1.xml"),
    )  # fmt: skip
    outcome = CLIENT.search(_http(replay_server.url), _spec(), lambda d, t: None)
    assert [r.pmid for r in outcome.records] == ["12091962", "9997"]
    assert len(replay_server.requests("efetch.fcgi")) == 2


def test_fewer_records_than_count_is_incomplete(
    sources_dir: Path, replay_server: ReplayServer
) -> None:
    replay_server.add("GET", "esearch.fcgi", _history(sources_dir, 5))
    replay_server.add("GET", "efetch.fcgi", _xml(sources_dir, "efetch/pubmed1.xml"))
    with pytest.raises(
        IncompleteSearchError, match=r"returned 2 records where 5 were requested"
    ) as e:
        CLIENT.search(_http(replay_server.url), _spec(), lambda d, t: None)
    assert len(replay_server.requests("efetch.fcgi")) == 2  # asked once more, then reported
    partial = e.value.outcome  # type: ignore[attr-defined]
    assert (partial.retrieved, partial.reported_total) == (0, 5)


def _with_an_empty_article(sources_dir: Path) -> bytes:
    """pubmed1.xml (PMIDs 12091962, 9997) with its second article sent as ``<PubmedArticle/>``:
    the element is there, nothing in it."""
    body = _read(sources_dir, "efetch/pubmed1.xml")
    second = body.index(b"<PubmedArticle>", body.index(b"<PubmedArticle>") + 1)
    end = body.index(b"</PubmedArticle>", second) + len(b"</PubmedArticle>")
    return body[:second] + b"<PubmedArticle/>" + body[end:]


def test_an_empty_article_is_a_missing_record_and_the_search_incomplete(
    sources_dir: Path, replay_server: ReplayServer
) -> None:
    """An empty ``<PubmedArticle/>`` was read as a record with nothing in it, and the search
    counted complete (2 of 2). It is a record PubMed did not send: the batch is short, asked
    once more, then the search is incomplete with the records it has (never counted complete)."""
    replay_server.add("GET", "esearch.fcgi", _history(sources_dir, 2))
    empty = Answer(body=_with_an_empty_article(sources_dir), content_type=XML)
    replay_server.add("GET", "efetch.fcgi", empty)
    with pytest.raises(
        IncompleteSearchError,
        match=r"returned 1 records where 2 were requested \(and 1 empty <PubmedArticle> "
        r"without a PMID\)",
    ) as e:
        CLIENT.search(_http(replay_server.url), _spec(), lambda d, t: None)
    assert len(replay_server.requests("efetch.fcgi")) == 2
    partial = e.value.outcome  # type: ignore[attr-defined]
    assert (partial.retrieved, partial.reported_total) == (0, 2)


def test_an_empty_article_sent_again_in_full_completes_the_search(
    sources_dir: Path, replay_server: ReplayServer
) -> None:
    replay_server.add("GET", "esearch.fcgi", _history(sources_dir, 2))
    empty = Answer(body=_with_an_empty_article(sources_dir), content_type=XML, times=1)
    replay_server.add("GET", "efetch.fcgi", empty, _xml(sources_dir, "efetch/pubmed1.xml"))
    outcome = CLIENT.search(_http(replay_server.url), _spec(), lambda d, t: None)
    assert [r.pmid for r in outcome.records] == ["12091962", "9997"]


def test_an_empty_article_among_known_pmids_is_a_pmid_not_returned(
    sources_dir: Path, replay_server: ReplayServer
) -> None:
    empty = Answer(body=_with_an_empty_article(sources_dir), content_type=XML)
    replay_server.add("GET", "efetch.fcgi", empty)
    records, missing = fetch_pmids(_http(replay_server.url), ["12091962", "9997"])
    assert [r.pmid for r in records] == ["12091962"] and missing == ["9997"]


# -- replay ----------------------------------------------------------------------------------


def test_replay_reproduces_the_records_byte_for_byte(
    sources_dir: Path, replay_server: ReplayServer, tmp_path: Path
) -> None:
    replay_server.add("GET", "esearch.fcgi", _history(sources_dir, 4))
    replay_server.add(
        "GET",
        "efetch.fcgi",
        *(
            _xml(sources_dir, f"efetch/pubmed{n}.xml", match=_at(i))
            for i, n in enumerate((4, 5, 6, 7))
        ),
    )
    spec = _spec(date_from="2015-01-01", date_to="2019-12-31", batch_size=1)
    archive = RawArchive(tmp_path / "raw")
    archive.reset()
    live = CLIENT.search(_http(replay_server.url, archive=archive), spec, lambda d, t: None)
    live_csv = records_to_csv(live.records).encode("utf-8")
    served = len(replay_server.requests())
    assert served == 5

    unreachable = "http://127.0.0.1:9"  # nothing listens there; replay must not need it
    replayed = CLIENT.search(
        _http(unreachable, replay=RawArchive(tmp_path / "raw")), spec, lambda d, t: None
    )
    assert records_to_csv(replayed.records).encode("utf-8") == live_csv
    assert replayed.query_sent == live.query_sent
    assert json.dumps(replayed.details, sort_keys=True) == json.dumps(live.details, sort_keys=True)
    assert len(replay_server.requests()) == served
    assert [r.pmid for r in replayed.records] == ["27797938", "28775130", "30108519", "29963580"]
