"""The merged record of a study: the best value of each field, every source and record kept."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from livingreview.dedup.merge import is_truncated, merge_records, merged_row
from livingreview.imports import import_file
from livingreview.records import Record, assign_ids, read_records
from tests.dedup import benchmark_frame
from tests.dedup.library_helpers import build_demo_identified, demo_config


@pytest.fixture(scope="module")
def demo_records(tmp_path_factory: pytest.TempPathFactory) -> list[Record]:
    tmp = tmp_path_factory.mktemp("demo")
    return read_records(build_demo_identified(demo_config(tmp)))


def _group(records: list[Record], doi: str) -> list[Record]:
    return sorted((r for r in records if r.doi == doi), key=lambda r: r.record_id)


def test_google_scholar_truncated_title_and_initials_lose_to_the_full_record(
    demo_records: list[Record],
) -> None:
    group = _group(demo_records, "10.1016/s2215-0366(17)30427-3")  # AVATAR therapy, Lancet Psych.
    sources = [r.source for r in group]
    assert sources == ["google_scholar", "psycinfo"]
    assert is_truncated(group[0].title)
    merged = merge_records(group)
    assert merged.record_id == "google_scholar:GS:0085653325283824059"  # the first record given
    assert merged.title == (
        "AVATAR therapy for auditory verbal hallucinations in people with psychosis: "
        "a single-blind, randomised controlled trial"
    )
    assert merged.authors == ["Craig, T.", "Rus-Calafell, M.", "Ward, T."]
    row = merged_row("S1", group)
    assert row["sources"] == "google_scholar;psycinfo"
    assert row["source_records"] == ";".join(r.record_id for r in group)


def test_full_journal_over_abbreviation_and_mixed_case_over_capitals() -> None:
    records = [
        Record(record_id="wos:1", source="wos", journal="J MED INTERNET RES", title="X"),
        Record(record_id="gs:1", source="gs", journal="J Med Internet Res"),
        Record(record_id="pm:1", source="pm", journal="JOURNAL OF MEDICAL INTERNET RESEARCH"),
        Record(record_id="pm:2", source="pm", journal="Journal of Medical Internet Research"),
    ]
    assert merge_records(records).journal == "Journal of Medical Internet Research"
    assert merge_records(records[:2]).journal == "J Med Internet Res"


def test_a_registers_web_address_is_no_journal_name() -> None:
    """CENTRAL's copy of a trial registration gives the register's address as its source."""
    records = [
        Record(
            record_id="central:CN-01",
            source="central",
            journal="https://clinicaltrials.gov/show/NCT04000001",
            title="A trial",
        ),
        Record(record_id="ctgov:NCT04000001", source="ctgov", journal="ClinicalTrials.gov"),
    ]
    assert merge_records(records).journal == "ClinicalTrials.gov"
    assert merge_records(records[:1]).journal == "https://clinicaltrials.gov/show/NCT04000001"


# CENTRAL's copies of two registrations (the register's address as source, its own page as US),
# the ICTRP's CSV row of one and ClinicalTrials.gov's download of the other (invented trials).
CENTRAL_COPIES = """Record #1 of 2
ID: CN-02300003
TI: A chatbot to support mothers with postnatal depression
SO: https://trialsearch.who.int/Trial2.aspx?TrialID=ISRCTN12345678
YR: 2022
PT: Trial registry record
US: https://www.cochranelibrary.com/central/doi/10.1002/central/CN-02300003/full

Record #2 of 2
ID: CN-02300001
TI: Smartphone CBT App for Depression in Young Adults
SO: https://clinicaltrials.gov/show/NCT05100001
YR: 2021
US: https://www.cochranelibrary.com/central/doi/10.1002/central/CN-02300001/full
"""
ICTRP_ROW = (
    "TrialID,Public title,Scientific title,Date registration3,Source Register,web address\n"
    "ISRCTN12345678,A chatbot to support mothers with postnatal depression,"
    "A randomised feasibility trial of a conversational agent for postnatal depression,"
    "20220512,ISRCTN,https://www.isrctn.com/ISRCTN12345678\n"
)
CTGOV_ROW = (
    "NCT Number,Study Title,Study URL,Study Type,First Posted\n"
    "NCT05100001,Smartphone CBT App for Depression in Young Adults,"
    "https://clinicaltrials.gov/study/NCT05100001,INTERVENTIONAL,2021-10-26\n"
)


def test_a_trials_address_is_its_registers_page_not_centrals(tmp_path: Path) -> None:
    """CENTRAL's record id sorts first, so its copy is the study's first record; the study's
    address is still the register's page of the trial, which a reviewer opens to screen it."""
    files = {"central.txt": CENTRAL_COPIES, "ictrp.csv": ICTRP_ROW, "ctg.csv": CTGOV_ROW}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    copies = assign_ids("central", import_file(tmp_path / "central.txt", "central").records)
    (ictrp,) = assign_ids("ictrp", import_file(tmp_path / "ictrp.csv", "ictrp").records)
    (ctgov,) = assign_ids("ctgov", import_file(tmp_path / "ctg.csv", "ctgov").records)
    isrctn = merge_records([copies[0], ictrp])
    assert (isrctn.record_id, isrctn.url) == (
        "central:CN-02300003",
        "https://www.isrctn.com/ISRCTN12345678",
    )
    nct = merge_records([copies[1], ctgov])
    assert nct.url == "https://clinicaltrials.gov/study/NCT05100001"
    assert merge_records([ctgov, copies[1]]).url == nct.url
    # An article naming the trial is no register's record: the first address stays.
    article = Record(record_id="central:CN-1", url="https://www.cochranelibrary.com/x")
    named = Record(
        record_id="embase:2024123456",
        source_id="2024123456",
        journal="Journal of Medical Internet Research",
        abstract="Trial registration: ClinicalTrials.gov NCT05100001",
        publication_types=["Article"],
        url="http://ovidsp.ovid.com/ovidweb.cgi?T=JS&AN=2024123456",
    )
    assert merge_records([article, named]).url == "https://www.cochranelibrary.com/x"


def test_translated_title_in_brackets_loses_to_the_same_title_without_them() -> None:
    """PubMed brackets a title it translated (``[Title].``); Embase and Web of Science give the
    same words bare, which the study's record shows. A bracket that is part of a title stays."""
    pubmed = Record(
        record_id="pubmed:1",
        title="[Therapeutic Alliance in Internet-Based Therapy: A Survey of Psychotherapists].",
    )
    embase = Record(
        record_id="embase:2",
        title="Therapeutic Alliance in Internet-Based Therapy: A Survey of Psychotherapists.",
    )
    assert merge_records([pubmed, embase]).title == embase.title
    assert merge_records([embase, pubmed]).title == embase.title
    tracer = Record(record_id="wos:3", title="[11C]PiB binding in older adults")
    shorter = Record(record_id="wos:4", title="[11C]PiB binding in older adult")
    assert merge_records([shorter, tracer]).title == tracer.title


def test_identifiers_years_and_pages_by_agreement_with_ranges_over_excel_dates() -> None:
    records = [
        Record(record_id="a", doi="10.1/x", year="2019", pages="06-Oct", volume="12"),
        Record(record_id="b", doi="10.1/x", year="2020", pages="6-10", pmid="31", volume="12"),
        Record(record_id="c", doi="", year="2020", pages="6", pmcid="PMC9", volume="1"),
    ]
    merged = merge_records(records)
    assert (merged.doi, merged.pmid, merged.pmcid) == ("10.1/x", "31", "PMC9")
    assert (merged.year, merged.pages, merged.volume) == ("2020", "6-10", "12")


def test_authors_abstract_and_lists() -> None:
    records = [
        Record(
            record_id="a", authors=["Smith J", "Doe A"], abstract="Short.", keywords=["Alliance"]
        ),
        Record(
            record_id="b",
            authors=["Smith, John", "Doe, Anna"],
            abstract="A longer abstract.",
            keywords=["alliance", "chatbot"],
            publication_types=["Journal Article"],
        ),
        Record(record_id="c", authors=["Smith, J"], abstract=""),
    ]
    merged = merge_records(records)
    assert merged.authors == ["Smith, John", "Doe, Anna"]
    assert merged.abstract == "A longer abstract."
    assert merged.keywords == ["Alliance", "chatbot"]
    assert merged.publication_types == ["Journal Article"]


def test_ties_are_broken_by_record_order_and_truncated_titles_lose() -> None:
    records = [
        Record(record_id="a", title="Digital alliance in apps: a review of the evidence and …"),
        Record(record_id="b", title="Digital alliance in apps"),
        Record(record_id="c", title="Digital Alliance In Apps"),
    ]
    assert merge_records(records).title == "Digital alliance in apps"
    assert merge_records(records[::-1]).title == "Digital Alliance In Apps"
    assert merge_records(records[:1]).title.endswith("…")


def test_merge_is_deterministic_on_the_demo(demo_records: list[Record], tmp_path: Path) -> None:
    group = _group(demo_records, "10.2196/jmir.3554")
    assert {r.source for r in group} >= {"medline", "europepmc", "openalex"}
    assert merge_records(group) == merge_records(list(group))
    assert not is_truncated(merge_records(group[::-1]).title)


def test_versions_of_one_cochrane_review_cite_the_latest_version() -> None:
    # Two records of the 2010 version (CD004449.pub3) and one of the 2015 update (.pub4): the
    # citation is the update's, not the 2010 year and issue the majority would give.
    records = [
        Record(record_id="a", doi="10.1002/14651858.CD004449.pub3", year="2010", issue="8"),
        Record(record_id="b", doi="10.1002/14651858.cd004449.pub3", year="2010", issue="8"),
        Record(record_id="c", doi="10.1002/14651858.CD004449.pub4", year="2015", issue="12"),
    ]
    merged = merge_records(records)
    assert (merged.doi, merged.year, merged.issue) == (
        "10.1002/14651858.CD004449.pub4",
        "2015",
        "12",
    )
    # The first version's DOI has no .pubN: it is version 1.
    first = [Record(record_id="d", doi="10.1002/14651858.CD004449", year="2004"), records[0]]
    assert merge_records(first[::-1]).year == "2010"
    # Records of one version only: agreement decides, as for any group.
    assert merge_records([*records[:2], Record(record_id="e", year="2011")]).year == "2010"


def _cochrane_record(row: dict[str, str]) -> Record:
    return Record(
        record_id=row["ID"],
        title=row["title"],
        year=row["year"],
        journal=row["journal"],
        volume=row["volume"],
        issue=row["number"],
        pages=row["pages"],
    )


def test_versions_without_dois_cite_the_latest_version_whatever_the_order() -> None:
    # Respiratory's 2008 review CD006828 (no volume) and its 2012 update (volume 6), the review
    # number in the pages field and no DOI: the update's year, volume and number (the export's
    # record number, 1862 and 1863), in either order.
    frame = benchmark_frame("respiratory")
    rows = frame[frame["ID"].isin(["id_0000418", "id_0000420"])].to_dict("records")
    records = [_cochrane_record(row) for row in rows]
    assert sorted(r.year for r in records) == ["2008", "2012"]
    for group in (records, records[::-1]):
        merged = merge_records(group)
        assert (merged.year, merged.volume, merged.issue) == ("2012", "6", "1863")


def test_a_later_version_without_a_doi_does_not_take_an_earlier_versions_doi() -> None:
    # The 2010 version with its DOI (.pub2) and two records of the 2019 update exported without
    # one: citing 2019 under the 2010 version's DOI would be a blend of two versions.
    journal = "Cochrane Database of Systematic Reviews"
    older = Record(
        record_id="a", doi="10.1002/14651858.CD007231.pub2", year="2010", issue="9",
        journal=journal, pages="CD007231",
    )  # fmt: skip
    update = [
        Record(record_id=k, year="2019", issue="5", journal=journal, pages="CD007231")
        for k in ("b", "c")
    ]
    merged = merge_records([older, *update])
    assert (merged.doi, merged.year, merged.issue) == ("", "2019", "5")
    # The same records of the 2010 version with and without the DOI: one version, the DOI kept.
    same = [older, Record(record_id="d", year="2010", issue="9", journal=journal, pages="CD007231")]
    assert (merge_records(same[::-1]).doi, merge_records(same).year) == (older.doi, "2010")


def test_the_published_version_is_cited_not_the_online_first_record() -> None:
    # Alcoholism: Clinical and Experimental Research 42(1):21-31, 2018 (neuroimaging, one DOI),
    # with the online-first record as Embase exports it: 2017, no issue, no pages, a day as volume.
    frame = benchmark_frame("neuroimaging")
    rows = frame[frame["ID"].isin(["id_0001551", "id_0000034"])].to_dict("records")
    early, printed = (_cochrane_record(row) for row in sorted(rows, key=lambda r: r["ID"])[::-1])
    early = dataclasses.replace(early, year="2017", volume="24", issue="", pages="")
    assert (printed.year, printed.volume, printed.issue) == ("2018", "42", "1")
    for group in ([early, printed], [printed, early]):
        merged = merge_records(group)
        assert (merged.year, merged.volume, merged.issue, merged.pages) == (
            "2018", "42", "1", printed.pages,
        )  # fmt: skip
    # Two online-first records: nothing better to cite, agreement and order decide as before.
    assert merge_records([early, Record(record_id="x", year="2017")]).year == "2017"
