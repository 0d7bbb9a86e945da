"""A study's id at full text: its earliest round's report names it, so a study included in round 1
keeps its id when round 2 links a new report (a journal version) to it."""

from __future__ import annotations

from livingreview.fulltext.decide import FullTextOutcome, ReportDecision, group_studies

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
