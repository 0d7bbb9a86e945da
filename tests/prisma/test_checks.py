"""Every arithmetic relation, on handmade ledgers: a consistent one passes, one edit breaks it."""

from __future__ import annotations

import pytest

from livingreview.prisma.checks import (
    PrismaCountsError,
    chain_violations,
    check_columns,
    column_violations,
    column_warnings,
    cumulative_violations,
)
from livingreview.prisma.ledger import Column, chain_rounds, combine
from tests.prisma.ledgers import consistent


def relations(column: Column) -> set[str]:
    return {v.relation for v in column_violations(column)}


def test_a_consistent_ledger_passes() -> None:
    check_columns([consistent(), consistent("r2", previous=3)])
    assert column_warnings(consistent()) == []


@pytest.mark.parametrize(
    ("edit", "relation", "boxes"),
    [
        (
            ("database_results", 101),
            "records identified = Σ per-source counts",
            {"database_results", "database_specific_results"},
        ),
        (
            ("register_results", 9),
            "records identified = Σ per-source counts",
            {"register_results", "register_specific_results"},
        ),
        (
            ("records_screened", 81),
            "records screened = records identified − records removed before screening",
            {"records_screened", "duplicates"},
        ),
        (
            ("records_excluded_human", 50),
            "records excluded = excluded by a human + excluded by automation tools",
            {"records_excluded", "records_excluded_human"},
        ),
        (
            ("dbr_assessed", 17),
            "reports assessed = reports sought − reports not retrieved",
            {"dbr_assessed", "dbr_sought_reports"},
        ),
        (
            ("other_notretrieved_reports", 2),
            "reports assessed = reports sought − reports not retrieved",
            {"other_assessed", "other_notretrieved_reports"},
        ),
        (
            ("dbr_included_reports", 9),
            "Σ exclusion reasons = reports assessed − reports included from that arm",
            {"dbr_excluded", "dbr_included_reports"},
        ),
        (
            ("new_reports", 11),
            "reports included = Σ arms (reports assessed − Σ exclusion reasons)",
            {"new_reports", "dbr_excluded", "other_excluded"},
        ),
        (("new_studies", 11), "studies ≤ reports", {"new_studies", "new_reports"}),
        (("duplicates", -1), "counts are never negative", {"duplicates"}),
    ],
)
def test_each_relation_fails_on_one_wrong_box(
    edit: tuple[str, int], relation: str, boxes: set[str]
) -> None:
    column = consistent()
    column.numbers[edit[0]] = edit[1]
    found = [v for v in column_violations(column) if v.relation == relation]
    assert found, relations(column)
    assert boxes <= set(found[0].boxes)
    with pytest.raises(PrismaCountsError) as caught:
        check_columns([column], origin="handmade")
    message = str(caught.value)
    assert relation in message and f"[{edit[0]}]" in message and str(edit[1]) in message


def test_records_excluded_cannot_exceed_screened() -> None:
    column = consistent()
    column.numbers.update(records_excluded=90, records_excluded_human=None)
    assert "records excluded ≤ records screened" in relations(column)


def test_exclusion_reasons_beyond_assessed_name_the_arm() -> None:
    column = consistent()
    column.lists["other_excluded"] = (("Wrong design", 6),)
    column.numbers["other_included_reports"] = None
    violation = next(v for v in column_violations(column) if "leaves" in v.detail)
    assert violation.boxes == ("other_excluded", "other_assessed")
    assert "leaves -1 reports included" in violation.detail


def test_totals_are_previous_plus_new() -> None:
    column = consistent("r2", previous=3)
    column.numbers["total_studies"] = 9
    detail = next(
        v.detail
        for v in column_violations(column)
        if v.relation == "total studies = previous studies + new studies"
    )
    assert "[total_studies] 9" in detail and "[previous_studies] 3" in detail and "= 10" in detail


def test_not_available_boxes_are_not_checked_but_zero_is() -> None:
    column = consistent()
    for key in ("records_screened", "records_excluded", "records_excluded_human"):
        column.numbers[key] = None
    assert relations(column) == set()
    column.numbers["records_screened"] = 0
    assert "records screened = records identified − records removed before screening" in relations(
        column
    )


def test_warning_when_reports_sought_differ_from_records_kept() -> None:
    column = consistent()
    column.numbers.update(dbr_sought_reports=21, dbr_notretrieved_reports=3)
    assert relations(column) == set()
    assert [w.relation for w in column_warnings(column)] == [
        "reports sought = records screened − records excluded"
    ]


def test_cumulative_is_the_sum_of_rounds_box_by_box() -> None:
    rounds = chain_rounds([consistent("r1", previous=0), consistent("r2")])
    combined = combine(rounds, "all")
    assert combined.n("database_results") == 200
    assert combined.n("previous_studies") == 0 and combined.n("total_studies") == 14
    assert dict(combined.items("dbr_excluded")) == {"Wrong population": 12, "Wrong outcome": 8}
    assert cumulative_violations(rounds, combined) == []
    combined.numbers["duplicates"] = 41
    combined.lists["dbr_excluded"] = (("Wrong population", 12), ("Wrong outcome", 9))
    found = cumulative_violations(rounds, combined)
    assert [v.boxes for v in found] == [("duplicates",), ("dbr_excluded",)]
    assert "'Wrong outcome' 9, but Σ r1…r2 = 8" in found[1].detail


def test_rounds_chain_previous_to_the_total_before() -> None:
    rounds = chain_rounds([consistent("r1", previous=0), consistent("r2")])
    assert rounds[1].n("previous_studies") == 7 and "previous_studies" in rounds[1].derived
    assert chain_violations(rounds) == []
    rounds[1].numbers["previous_studies"] = 6
    (violation,) = [v for v in chain_violations(rounds) if v.boxes[0] == "previous_studies"]
    assert violation.column == "r2" and "[r1] Total studies included in review" in violation.detail
    with pytest.raises(PrismaCountsError, match="previous = total of the round before"):
        check_columns(rounds, chained=True)


def removal(label: str = "r2", previous: int = 3, removed: int = 1) -> Column:
    """An update that removed ``removed`` studies (one report each) of the previous version."""
    column = consistent(label, previous=previous)
    column.numbers.update(
        removed_studies=removed,
        removed_reports=removed,
        total_studies=previous + 7 - removed,
        total_reports=previous + 12 - removed,
    )
    return column


def test_totals_subtract_the_studies_removed_on_reassessment() -> None:
    assert column_violations(removal()) == []
    column = removal()
    column.numbers["total_studies"] += 1  # as if the removal were forgotten
    (violation,) = column_violations(column)
    assert violation.relation == (
        "total studies = previous studies + new studies − removed studies"
    )
    assert "[removed_studies] 1" in violation.detail and "= 9" in violation.detail
    too_many = removal(previous=1, removed=2)
    (violation,) = [v for v in chain_violations([too_many]) if "studies" in v.relation]
    assert violation.relation == "removed studies ≤ previous studies"
    with pytest.raises(PrismaCountsError, match=r"\[previous_studies\] 1"):
        check_columns([too_many], chained=True)
    check_columns([too_many])  # a single column may be a view combining rounds


def test_a_missing_total_is_previous_plus_new_minus_removed() -> None:
    update = removal()
    update.numbers.update(previous_studies=None, total_studies=None)
    first = consistent("r1", previous=0)
    first.numbers.update(previous_studies=0, total_studies=3, previous_reports=0)
    first.numbers.update(new_studies=3, total_reports=5, new_reports=5)
    rounds = chain_rounds([first, update])
    assert rounds[1].n("previous_studies") == 3 and rounds[1].n("total_studies") == 3 + 7 - 1
    assert {"previous_studies", "total_studies"} <= rounds[1].derived


def test_a_combined_view_starts_from_what_the_first_round_implies() -> None:
    first = consistent("r1")  # a first version: no previous-studies box, total = new
    first.numbers.update(total_studies=7, total_reports=10, removed_studies=0, removed_reports=0)
    update = removal(previous=7)
    update.numbers.update(previous_reports=10, total_reports=10 + 10 - 1)
    check_columns([first, update], chained=True)
    both = combine([first, update], "all")
    assert both.n("previous_studies") == 0 and both.n("previous_reports") == 0
    assert both.n("removed_studies") == 1 and both.n("total_studies") == 13
    assert column_violations(both) == []
