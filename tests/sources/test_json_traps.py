"""Europe PMC, Crossref and OpenAlex result shapes the saved pages do not show, in invented lines.

Books, chapters and preprints carry no ``journalInfo`` in Europe PMC (``bookOrReportDetails``
instead); structured abstracts come with headings (Europe PMC ``<h4>``, Crossref JATS
``<jats:title>``) that should read like PubMed's ``LABEL: text``.
"""

from __future__ import annotations

from typing import Any

from livingreview.records import Record
from livingreview.sources import crossref, europepmc, openalex


def epmc(**fields: Any) -> Record:
    return europepmc.map_result({"id": "1", "source": "MED", **fields}).normalised()


def test_europepmc_chapter_names_its_book_and_year() -> None:
    record = epmc(
        title="Example Disorder",
        bookOrReportDetails={
            "publisher": "Example University Press",
            "comprisingTitle": "ExampleReviews<sup>®</sup>",
            "yearOfPublication": 1995,
        },
    )
    assert (record.journal, record.year) == ("ExampleReviews®", "1995")


def test_europepmc_preprint_names_its_server_and_first_publication_year() -> None:
    record = epmc(
        source="PPR",
        id="PPR000001",
        title="A preprint.",
        firstPublicationDate="2023-11-30",
        bookOrReportDetails={"publisher": "exampleRxiv"},
    )
    assert (record.journal, record.year) == ("exampleRxiv", "2023")


def test_europepmc_whole_book_publisher_is_not_a_journal() -> None:
    record = epmc(pubYear="2001", bookOrReportDetails={"publisher": "Example Press"})
    assert (record.journal, record.year) == ("", "2001")


def test_europepmc_journal_issue_year_wins_over_first_publication() -> None:
    record = epmc(pubYear="2025", firstPublicationDate="2024-12-18", journalInfo={})
    assert record.year == "2025"


def test_europepmc_not_available_title_is_no_title() -> None:
    assert epmc(title="[Not Available].").title == ""


def test_europepmc_h4_headings_become_labels() -> None:
    record = epmc(abstractText="<h4>Aim</h4>To test.<h4>Results </h4>H<sub>2</sub>O rose.")
    assert record.abstract == "Aim: To test. Results: H2O rose."


def test_crossref_jats_sections_become_labels_and_abstract_heading_goes() -> None:
    item = {
        "DOI": "10.5555/EXAMPLE.1",
        "abstract": "<jats:title>Abstract</jats:title><jats:sec><jats:title>Purpose:</jats:title>"
        "<jats:p>To <jats:italic>test</jats:italic>.</jats:p></jats:sec><jats:sec>"
        "<jats:title>Findings</jats:title><jats:p>It works.</jats:p></jats:sec>",
    }
    record = crossref.map_item(item).normalised()
    assert record.abstract == "Purpose: To test. Findings: It works."
    assert record.doi == "10.5555/example.1"


def test_abstracts_without_sections_are_untouched() -> None:
    item = {"DOI": "10.5555/x", "abstract": "<jats:p>Plain r<jats:sup>2</jats:sup> text.</jats:p>"}
    assert crossref.map_item(item).normalised().abstract == "Plain r2 text."
    assert epmc(abstractText="An Abstract about things.").abstract == "An Abstract about things."


def test_crossref_twice_escaped_entities_and_escaped_tags_are_decoded() -> None:
    """A preprint server deposits ``H&amp;aacute;`` and ``&lt;em&gt;`` in titles and abstracts."""
    title = "Genotypes of (&lt;em&gt;Lavandula&lt;/em&gt;) with p &lt; 0.05"
    abstract = "<jats:p>H&amp;aacute;tt&amp;eacute;r &amp;ndash; A &amp;amp; B</jats:p>"
    record = crossref.map_item({"title": [title], "abstract": abstract}).normalised()
    assert (record.title, record.abstract) == (
        "Genotypes of (Lavandula) with p < 0.05", "Háttér – A & B",
    )  # fmt: skip


def test_openalex_title_with_escaped_tags_reads_as_plain_words() -> None:
    work = {"id": "https://openalex.org/W1", "title": "Role of &lt;i&gt;TP53&lt;/i&gt; in cancer"}
    assert openalex.map_work(work).normalised().title == "Role of TP53 in cancer"


def test_openalex_group_authorship_is_not_turned_around() -> None:
    """OpenAlex names a consortium in ``display_name`` like a person; only a person is turned."""
    work = {
        "id": "https://openalex.org/W2",
        "authorships": [
            {"author": {"display_name": "Jane Q. Doe"}},
            {"author": {"display_name": None}, "raw_author_name": "RECOVERY Collaborative Group"},
            {"author": {"display_name": "Hao LI"}},  # given first: LI is no initials
        ],
    }
    assert openalex.map_work(work).normalised().authors == [
        "Doe, Jane Q.", "RECOVERY Collaborative Group", "LI, Hao",
    ]  # fmt: skip


def test_crossref_preprint_names_its_server_like_europepmc() -> None:
    """A ``posted-content`` preprint has no container-title: its server is in ``institution``,
    the subject area in ``group-title``; a blog post's platform is not taken as its venue."""
    preprint = {
        "DOI": "10.5555/2024.01.01.000001",
        "type": "posted-content",
        "subtype": "preprint",
        "container-title": [],
        "institution": [{"name": "exampleRxiv"}],
        "group-title": "Neuroscience",
    }
    assert crossref.map_item(preprint).normalised().journal == "exampleRxiv"
    no_server = {**preprint, "institution": None, "group-title": "Life Sciences"}
    assert crossref.map_item(no_server).journal == ""
    blog = {**preprint, "subtype": "other", "institution": [{"name": "Example Platform"}]}
    assert crossref.map_item(blog).journal == ""
    record = epmc(source="PPR", id="PPR1", bookOrReportDetails={"publisher": "exampleRxiv"})
    assert record.journal == crossref.map_item(preprint).journal


def test_openalex_work_of_2022_names_its_venue_from_host_venue() -> None:
    """Before ``primary_location`` (2023) OpenAlex gave the venue as ``host_venue``."""
    work = {
        "id": "https://openalex.org/W3",
        "host_venue": {"display_name": "Example Journal", "issn_l": "1234-5678", "issn": None},
        "type": "journal-article",
    }
    record = openalex.map_work(work).normalised()
    assert (record.journal, record.issn) == ("Example Journal", "1234-5678")


def test_europepmc_publisher_item_identifier_is_not_a_page() -> None:
    """An article in press carries Elsevier's PII as ``pageInfo``; PubMed's record of it has no
    pages, and neither has Europe PMC's now. Article numbers stay."""
    assert epmc(pageInfo="S0123-4567(26)00123-4").pages == ""
    assert epmc(pageInfo="e70026").pages == "e70026"
    assert epmc(pageInfo="S12-S19").pages == "S12-S19"


def test_europepmc_undated_issue_takes_the_first_publication_year() -> None:
    """A fresh PMC record has no pubYear and ``yearOfPublication: 0`` in its journalInfo."""
    record = epmc(
        source="PMC",
        journalInfo={"dateOfPublication": " ", "yearOfPublication": 0, "volume": "13"},
        firstPublicationDate="2026-09-18",
    )
    assert record.year == "2026"
