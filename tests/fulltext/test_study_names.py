"""A study's id at full text: its earliest round's report names it, so a study included in round 1
keeps its id when round 2 links a new report (a journal version) to it."""

from __future__ import annotations

from livingreview.fulltext.decide import FullTextOutcome, ReportDecision, group_studies
from livingreview.fulltext.studies import labels

PREPRINT, JOURNAL = "Sdfb31559d8", "S5518c4bee6"  # the round-2 report's id sorts first


def test_a_later_rounds_report_linked_to_a_study_keeps_the_studys_id() -> None:
    outcome = FullTextOutcome(
        reports=[
            ReportDecision(PREPRINT, 1, "include"),
            ReportDecision(JOURNAL, 2, "include"),
        ]
    )
    rows = {("r1", JOURNAL): {"same_study_as": PREPRINT}}
    group_studies(outcome, rows)
    assert {r.report_id: r.study_id for r in outcome.reports} == {
        PREPRINT: PREPRINT,
        JOURNAL: PREPRINT,
    }


def test_reports_of_one_round_are_named_by_the_smallest_id() -> None:
    outcome = FullTextOutcome(
        reports=[ReportDecision(PREPRINT, 1, "include"), ReportDecision(JOURNAL, 1, "include")]
    )
    group_studies(outcome, {("r1", PREPRINT): {"same_study_as": JOURNAL}})
    assert {r.study_id for r in outcome.reports} == {JOURNAL}


def test_an_included_study_is_cited_by_an_included_report_with_its_surname() -> None:
    """Round 1's conference abstract (excluded at full text) names the study; round 2's journal
    article, linked to it and included, is what the study is cited by."""
    from livingreview.fulltext.studies import first_author, included_rows

    outcome = FullTextOutcome(
        reports=[
            ReportDecision(PREPRINT, 1, "exclude", reason="publication_type"),
            ReportDecision(JOURNAL, 2, "include"),
        ]
    )
    group_studies(outcome, {("r1", JOURNAL): {"same_study_as": PREPRINT}})
    library = {
        PREPRINT: {"title": "Abstract", "authors": "Rossi G.; Bianchi L.", "year": "2023"},
        JOURNAL: {"title": "Article", "authors": "Rossi G.; Bianchi L.", "year": "2024"},
    }
    [row] = included_rows(outcome.reports, library)
    assert (row["study_id"], row["title"], row["year"]) == (PREPRINT, "Article", "2024")
    assert row["label"] == "Rossi 2024"
    assert [first_author(a) for a in ("Lee K.J.", "Park MJ; Roe R", "van der Berg, A.")] == [
        "Lee",
        "Park",
        "van der Berg",
    ]


def test_every_study_of_one_author_and_year_gets_its_own_label() -> None:
    # An organisation's reports of one year (e.g. WHO's): the 27th and later used to repeat
    # "2021a", and two robvis rows with one label cannot be read back.
    studies = {f"S{n:03d}": {"authors": "World Health Organization", "year": "2021"}
               for n in range(30)}  # fmt: skip
    named = labels(studies)
    assert len(set(named.values())) == 30
    assert [named[f"S{n:03d}"] for n in (0, 25, 26, 27, 29)] == [
        f"World Health Organization 2021{s}" for s in ("a", "z", "aa", "ab", "ad")
    ]
