"""A study of the previous version whose title/abstract decision is open again (a reviewer
returned a changed decision late, and the conflict waits for the resolver) is not yet removed:
the version's totals are pending, so its counts are not final and ``round new --require-final``
refuses. Once the resolver excludes it, it is removed on re-assessment."""

from __future__ import annotations

import json
from pathlib import Path

from livingreview.prisma.collect import FINAL_SCREENING, FULL_TEXT, FULL_TEXT_DECISIONS, totals
from livingreview.prisma.ledger import Column
from livingreview.report.rounds_status import round_lines

PREVIOUS = {"S1": ["S1"], "S2": ["S2"], "S3": ["S3"]}


def _outputs(tmp_path: Path, screened: dict[str, str]) -> Path:
    """Round 2's outputs: S1 still included, S4 new; ``screened``: the final title/abstract
    decisions of the round-1 studies S2 and S3 (a study left out has none: its conflict waits)."""
    outputs = tmp_path / "outputs"
    (outputs / "fulltext").mkdir(parents=True)
    (outputs / "screening").mkdir()
    (outputs / FULL_TEXT).write_text(json.dumps({"reports_pending": 0}), encoding="utf-8")
    (outputs / FULL_TEXT_DECISIONS).write_text(
        "report_id,study_id,round,decision\nS1,S1,1,include\nS4,S4,2,include\n", encoding="utf-8"
    )
    rows = [("S1", 1, "include"), ("S4", 2, "include")]
    rows += [(study, 1, decision) for study, decision in screened.items()]
    (outputs / FINAL_SCREENING).write_text(
        "study_id,round,decision\n" + "".join(f"{s},{n},{d}\n" for s, n, d in rows),
        encoding="utf-8",
    )
    return outputs


def _column() -> Column:
    column = Column("2025.2")
    column.numbers.update(new_studies=1, new_reports=1, previous_studies=3, previous_reports=3)
    return column


def test_a_previous_study_awaiting_its_title_abstract_decision_keeps_the_totals_pending(
    tmp_path: Path,
) -> None:
    column = _column()
    outputs = _outputs(tmp_path, {"S2": "exclude"})  # S3: r1 include, r2 now exclude, no r3 yet
    assert totals(outputs, 2, column, PREVIOUS) is None
    assert column.n("total_studies") is None and column.n("removed_studies") is None
    assert column.pending["totals"] == (
        "re-assessment in progress: 1 report(s) of the previous version awaiting a "
        "title/abstract decision"
    )
    lines = round_lines({"version": "2025.2", "rounds": [column.to_json()]}, {})
    assert lines[-1] == f"    Totals: {column.pending['totals']}"


def test_a_previous_study_excluded_at_title_abstract_on_reassessment_is_removed(
    tmp_path: Path,
) -> None:
    column = _column()
    outputs = _outputs(tmp_path, {"S2": "exclude", "S3": "exclude"})
    assert totals(outputs, 2, column, PREVIOUS) == {"S1": ["S1"], "S4": ["S4"]}
    assert column.pending == {}
    counted = {k: column.n(k) for k in ("total_studies", "new_studies", "removed_studies")}
    assert counted == {"total_studies": 2, "new_studies": 1, "removed_studies": 2}


def test_a_previous_study_an_amended_automation_limit_excludes_is_removed(
    tmp_path: Path,
) -> None:
    """``automation.year_from`` raised before round 2: the automation step excludes S2 and S3
    (published before it), so they have no final title/abstract decision and go on no sheet.
    The totals waited for them for good ("awaiting a title/abstract decision", which no
    reviewer could give, and ``round new --require-final`` refused); they are removed."""
    column = _column()
    outputs = _outputs(tmp_path, {})
    (outputs / "screening/automation.csv").write_text(
        "study_id,rule,detail\n"
        'S2,year,"published 2012, before 2015"\nS3,year,"published 2013, before 2015"\n',
        encoding="utf-8",
    )
    assert totals(outputs, 2, column, PREVIOUS) == {"S1": ["S1"], "S4": ["S4"]}
    assert column.pending == {}
    counted = {k: column.n(k) for k in ("total_studies", "new_studies", "removed_studies")}
    assert counted == {"total_studies": 2, "new_studies": 1, "removed_studies": 2}
