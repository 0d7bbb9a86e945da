"""Tables written by screening tools and reference managers (abstrackr, Rayyan, Covidence, Google
Scholar's library, Citavi): their real column names and quirks, with short invented values."""

from __future__ import annotations

import pytest

from livingreview.imports import import_file
from tests.conftest import require_shared
from tests.imports import Variant

#: abstrackr's label export: BibTeX-like authors one a line, ``0`` for no PubMed id, and a line
#: of its own between the labelled citations and the rest.
ABSTRACKR = (
    "(internal) id,(source) id,pubmed id,keywords,abstract,title,journal,authors,tags,"
    "consensus,labeled_at,Anonymous,labeled_at\n"
    '11,1,0,"fossil,skull","An invented abstract.\n","A first invented title","Sci Rep",'
    '"Doe, J.\n and Roe, R.A.\n","",o,,1,2024-08-15 08:42:23\n'
    "citations that are not yet labeled by anyone\n"
    '12,2,0,"","","A second invented title","Nat. Commun.","Poe, E.A.\n"\n'
)


def test_abstrackr_labels_export(variant_file: Variant) -> None:
    result = import_file(variant_file("labels_1.csv", ABSTRACKR.encode()), "abstrackr")
    first, second = result.records
    assert first.title == "A first invented title"
    assert first.authors == ["Doe, J.", "Roe, R.A."]
    assert (first.pmid, second.pmid) == ("", "")
    assert second.authors == ["Poe, E.A."]


RAYYAN = (
    "key,title,year,journal,issn,volume,issue,pages,authors,url,doi\n"
    "rayyan-1,An invented title,2024,Sci Rep,2045-2322,14,1,3665,"
    '"Doe, J. and Roe, R.A. and Poe, E.",'
    "https://example.org/record?id=L1     U2  - L1,10.1000/x1     LK  - https://example.org/l\n"
)


def test_rayyan_bibtex_authors_and_ris_lines_in_cells(variant_file: Variant) -> None:
    (record,) = import_file(variant_file("rayyan.csv", RAYYAN.encode()), "rayyan").records
    assert record.authors == ["Doe, J.", "Roe, R.A.", "Poe, E."]
    assert record.url == "https://example.org/record?id=L1"
    assert record.doi == "10.1000/x1"


def test_and_inside_one_name_or_an_organisation_is_kept() -> None:
    from livingreview.imports.tabular.generic import _names

    assert _names("Food and Drug Administration") == ["Food and Drug Administration"]
    assert _names("Doe, Jane and John") == ["Doe, Jane and John"]


def test_an_organisation_with_commas_around_its_and_stays_one_author(variant_file: Variant) -> None:
    # A report by Japan's ministry: since 66f6ea2 its 'and' split it into the 'authors'
    # 'Ministry of Health, Labour' and 'Welfare, Japan'; BibTeX names beside it are still split.
    table = RAYYAN.replace("Doe, J. and Roe, R.A. and Poe, E.", "{}")
    ministry = "Ministry of Health, Labour and Welfare, Japan"
    for authors, expected in [
        (ministry, [ministry]),
        ("van den Hoven, E. and Roe, R.A.", ["van den Hoven, E.", "Roe, R.A."]),
    ]:
        data = table.format(authors).encode()
        (record,) = import_file(variant_file("rayyan.csv", data), "rayyan").records
        assert record.authors == expected


COVIDENCE = (
    "Title,Authors,Abstract,Published Year,Published Month,Journal,Volume,Issue,Pages,"
    "Accession Number,DOI,Ref,Covidence #,Study,Notes,Tags\n"
    'An invented title,"Doe, J.; Roe, R.A.",An abstract.,2024,,Sci Rep,14,1,3665,,'
    '10.1000/x1,,#9,Doe 2024,"",""\n'
)

GOOGLE_SCHOLAR = (
    "Authors,Title,Publication,Volume,Number,Pages,Year,Publisher\n"
    '"Doe, Jane A; Roe, Rick; ",An invented title,"Annual Review of Things, and More",49,1,'
    "379-408,2018,Annual Reviews\n"
)


def test_covidence_year_and_google_scholar_journal(variant_file: Variant) -> None:
    (covidence,) = import_file(variant_file("covidence.csv", COVIDENCE.encode()), "c").records
    assert (covidence.year, covidence.journal, covidence.pages) == ("2024", "Sci Rep", "3665")
    (scholar,) = import_file(variant_file("citations.csv", GOOGLE_SCHOLAR.encode()), "g").records
    assert scholar.journal == "Annual Review of Things, and More"
    assert (scholar.volume, scholar.issue, scholar.year) == ("49", "1", "2018")
    assert scholar.authors == ["Doe, Jane A", "Roe, Rick"]


#: Citavi's tab-delimited export (Reference Manager's column names), cells of one space for
#: empty ones, a missing given name written ``null``, a trailing tab on every line.
CITAVI_HEADER = [
    "Reference Type",
    "Reference Id",
    "Authors, Primary",
    "Title Primary",
    "Periodical Full",
    "Periodical Abbrev",
    "Pub Year",
    "Volume",
    "Issue",
    "Start Page",
    "Other Pages",
    "ISSN/ISBN",
    "URL",
    "DOI",
    "PMID",
    "",
]
CITAVI_ROW = [
    "Journal Article",
    "7,doc:0123abcd",
    "van der Doe,null;Roe,Rick A.;Poe, Edgar",
    "An invented title",
    "Journal of invented results",
    " ",
    "2020",
    "123",
    " ",
    "69",
    "79",
    "0895-4356",
    "https://example.org/a https://example.org/b",
    "10.1000/x2",
    " ",
    "",
]


def test_citavi_tab_delimited_export(variant_file: Variant) -> None:
    text = "\t".join(CITAVI_HEADER) + "\n" + "\t".join(CITAVI_ROW) + "\n"
    (record,) = import_file(variant_file("citavi.tsv", text.encode()), "citavi").records
    assert record.title == "An invented title"
    assert record.authors == ["van der Doe", "Roe, Rick A.", "Poe, Edgar"]
    assert (record.journal, record.year, record.volume) == (
        "Journal of invented results",
        "2020",
        "123",
    )
    assert (record.pages, record.issn, record.doi) == ("69-79", "0895-4356", "10.1000/x2")
    assert (record.source_id, record.url) == ("7,doc:0123abcd", "https://example.org/a")
    assert record.publication_types == ["Journal Article"]


@pytest.mark.parametrize(
    ("name", "rows", "pmid"),
    [
        ("Cohen_2006_ACEInhibitors.csv", 2544, "10075143"),
        ("Cohen_2006_ADHD_TAlabels.csv", 851, "10434822"),
        ("Cohen_2006_BetaBlockers.csv", 2072, "10068356"),
        ("Cohen_2006_NSAIDS.csv", 393, "10325662"),
    ],
)
def test_synergy_table_reads_its_pubmed_id_column(name: str, rows: int, pmid: str) -> None:
    """SYNERGY's tables name the PMID ``pubmedID``; a row with no title, author or abstract
    (real rows of these sets) is a PubMed record by that id, not a record naming no work."""
    path = require_shared(f"bench/screening/{name}")
    records = import_file(path, "synergy").records
    assert len(records) == rows
    assert sum(1 for r in records if r.pmid) == rows
    assert pmid in {r.pmid for r in records if not r.title}
