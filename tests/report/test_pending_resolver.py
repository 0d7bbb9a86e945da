"""The pending work says who settles the open screening conflicts: the resolver the stage's
outcome names (a third reviewer, or both screeners together), not only how many there are."""

from __future__ import annotations

from livingreview.report.pending import pending_work


def test_open_conflicts_name_the_reviewer_who_resolves_them() -> None:
    outcome = {"conflicts_pending": 2, "resolver": "r3"}
    assert pending_work({"screening_outcome": outcome}) == [
        "Title/abstract screening: 2 conflict(s) for r3 to resolve in screening/conflicts.xlsx"
    ]
    together = {**outcome, "resolver": "consensus"}
    assert pending_work({"screening_outcome": together}) == [
        "Title/abstract screening: 2 conflict(s) for the reviewers together (consensus) to "
        "resolve in screening/conflicts.xlsx"
    ]


def test_an_outcome_naming_no_resolver_or_no_open_conflict_reads_as_before() -> None:
    assert pending_work({"fulltext_outcome": {"conflicts_pending": 1}}) == [
        "Full text: 1 disagreement(s) to resolve in fulltext/conflicts.xlsx"
    ]
    assert pending_work({"screening_outcome": {"conflicts_pending": 0, "resolver": "r3"}}) == []
