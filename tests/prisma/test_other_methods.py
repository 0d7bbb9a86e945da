"""Records found by other methods (imports with ``prisma_box: citation_searching``) flow as PRISMA
2020 draws them: no title/abstract sheet, no automation limit, straight to full text, counted in
the other-methods column, every relation holding."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from livingreview.config import load_config
from livingreview.fulltext.stage import run_fulltext
from livingreview.prisma.checks import check_columns
from livingreview.prisma.collect import current_column
from livingreview.refetch import studies_to_refetch
from livingreview.screening.automation import run_automation
from livingreview.screening.stage import run_screening
from tests.conftest import REPO_ROOT
from tests.form_helpers import fill_form, form_ids

OTHER = "google_scholar"  # the demo's Publish or Perish export, here a citation search


def table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def only_other(outputs: Path) -> set[str]:
    """The studies whose every record is the other-methods import's (all are new in round 1)."""
    sources: dict[str, set[str]] = {}
    for row in table(outputs / "library/groups.csv"):
        sources.setdefault(row["study_id"], set()).add(row["record_id"].split(":")[0])
    return {sid for sid, found in sources.items() if found == {OTHER}}


@pytest.fixture
def review(tmp_path: Path, demo_outputs: Path) -> dict[str, Any]:
    """The demo protocol on the demo run's library and searches, its Google Scholar export
    imported as a citation search; nothing screened yet."""
    config = load_config([REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"])
    config["paths"] = {"human_input": str(tmp_path / "human"), "outputs": str(tmp_path / "out")}
    config["imports"][OTHER]["prisma_box"] = "citation_searching"
    outputs = tmp_path / "out"
    shutil.copytree(demo_outputs / "library", outputs / "library")
    shutil.copytree(demo_outputs / "search", outputs / "search")
    manifest = outputs / "search" / OTHER / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**data, "prisma_box": "citation_searching"}), "utf-8")
    return config


def screen_everything(config: dict[str, Any], stale: str) -> list[str]:
    """Final title/abstract decisions for every study on the sheets (every third included),
    and ``stale``'s from a sheet returned before its import was a citation search; the ids
    included."""
    outputs = Path(config["paths"]["outputs"])
    ids = form_ids(
        outputs / "screening/title_abstract/title_abstract_round1_r1.xlsx", "Screening", "study_id"
    )
    decided = {
        sid: "include" if index % 3 == 0 else "exclude" for index, sid in enumerate(sorted(ids))
    }
    decided[stale] = "exclude"
    with (outputs / "screening/final_decisions.csv").open("w", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["study_id", "round", "decision", "how", "votes", "resolver", "reason"])
        for sid, decision in sorted(decided.items()):
            writer.writerow([sid, 1, decision, "agreement", "", "", ""])
    return sorted(sid for sid, d in decided.items() if d == "include")


def return_full_text(config: dict[str, Any], others: list[str]) -> None:
    """Both reviewers return their sheets: the first other-methods report not retrieved, every
    second one excluded, every other report included."""
    outputs = Path(config["paths"]["outputs"])
    values: dict[str, dict[str, str]] = {}
    for rid in form_ids(
        outputs / "fulltext/sheets/full_text_round1_r1.xlsx", "Full text", "report_id"
    ):
        values[rid] = {"decision": "include"}
    for index, rid in enumerate(others):
        if index == 0:
            values[rid] = {"retrieval": "Not retrieved", "retrieval_note": "no access"}
        elif index % 2:
            values[rid] = {"decision": "exclude", "reason": "not_mental_health"}
    for reviewer in ("r1", "r2"):
        sheet = outputs / f"fulltext/sheets/full_text_round1_{reviewer}.xlsx"
        target = Path(config["paths"]["human_input"]) / f"full_text/sheets/{reviewer}.xlsx"
        fill_form(sheet, "Full text", "report_id", values, target)


def test_other_methods_studies_skip_screening_and_fill_their_own_prisma_column(
    review: dict[str, Any],
) -> None:
    outputs = Path(review["paths"]["outputs"])
    others = sorted(only_other(outputs))
    assert len(others) > 2
    automation = run_automation(review)
    counts = json.loads((outputs / "library/counts.json").read_text(encoding="utf-8"))
    assert automation["studies_checked"] == counts["studies_in_library"] - len(others)
    excluded = {row["study_id"] for row in table(outputs / "screening/automation.csv")}
    assert excluded and not excluded & set(others)
    status = run_screening(review)
    on_sheet = set(
        form_ids(
            outputs / "screening/title_abstract/title_abstract_round1_r1.xlsx",
            "Screening",
            "study_id",
        )
    )
    assert not on_sheet & set(others)
    to_screen = counts["studies_in_library"] - len(excluded) - len(others)
    assert len(on_sheet) == status["studies_to_screen"] == to_screen
    included = screen_everything(review, stale=others[1])
    result = run_fulltext(review)
    assert result["reports_sought"] == len(included) + len(others)
    arm = result["by_round"]["1"]["other_methods"]
    assert arm["reports_sought"] == len(others) and arm["reports_pending"] == len(others)
    sheet = outputs / "fulltext/sheets/full_text_round1_r1.xlsx"
    assert set(others) <= set(form_ids(sheet, "Full text", "report_id"))
    return_full_text(review, others)
    result = run_fulltext(review)
    assert result["complete"] is True
    arm = result["by_round"]["1"]["other_methods"]
    excluded_other = (len(others) - 1 + 1) // 2
    assert arm["reports_not_retrieved"] == 1
    assert arm["excluded_by_reason"] == {"not_mental_health": excluded_other}
    assert arm["reports_included"] == len(others) - 1 - excluded_other
    decisions = {row["report_id"]: row for row in table(outputs / "fulltext/decisions.csv")}
    assert decisions[others[1]]["decision"] == "exclude"  # at full text, not at title/abstract

    column, now = current_column(review, outputs, 1, {})
    check_columns([column])
    by_source = counts["records_identified_by_source"]
    assert column.n("citations_results") == by_source[OTHER]
    assert column.n("database_results") == counts["records_identified"] - by_source[OTHER]
    assert column.n("records_screened") == len(on_sheet)  # the stale decision is not counted
    assert column.n("excluded_automatic") == len(excluded)
    assert column.n("other_sought_reports") == len(others)
    assert column.n("other_notretrieved_reports") == 1
    assert column.n("other_assessed") == len(others) - 1
    assert column.items("other_excluded") == (
        ("Non-mental-health use or population", excluded_other),
    )
    assert column.n("dbr_sought_reports") == len(included)
    assert column.n("dbr_included_reports") == len(included)
    assert column.items("dbr_excluded") == ()
    assert column.n("total_studies") == len(now or {}) == len(included) + arm["reports_included"]
    assert not column.pending.get("screening") and not column.pending.get("full_text")


def test_a_review_without_other_methods_writes_no_other_methods_counts(
    review: dict[str, Any],
) -> None:
    """The same studies counted as a database's are screened; full text seeks exactly the
    title/abstract includes and counts no other-methods arm."""
    review["imports"][OTHER]["prisma_box"] = "database"
    outputs = Path(review["paths"]["outputs"])
    run_automation(review)
    run_screening(review)
    included = screen_everything(review, stale=sorted(only_other(outputs))[1])
    result = run_fulltext(review)
    assert "other_methods" not in result["by_round"]["1"]
    assert [row["report_id"] for row in table(outputs / "fulltext/decisions.csv")] == included


def test_a_database_finding_an_other_methods_study_later_keeps_its_decision(
    review: dict[str, Any],
) -> None:
    """Round 2: a database returns a study decided at full text via citation searching in
    round 1. It is on no title/abstract sheet, and its full-text decision stands in round 1."""
    outputs = Path(review["paths"]["outputs"])
    others = sorted(only_other(outputs))
    run_automation(review)
    run_screening(review)
    screen_everything(review, stale=others[1])
    run_fulltext(review)
    return_full_text(review, others)
    assert run_fulltext(review)["complete"] is True
    before = {r["report_id"]: r for r in table(outputs / "fulltext/decisions.csv")}
    found = others[2]
    groups = outputs / "library/groups.csv"
    with groups.open("a", encoding="utf-8") as handle:
        handle.write(f"wos:round2,{found},2\n")
    counts = json.loads((outputs / "library/counts.json").read_text(encoding="utf-8"))
    (outputs / "library/counts.json").write_text(json.dumps({**counts, "round": 2}), "utf-8")
    run_screening(review)
    sheet = outputs / "screening/title_abstract/title_abstract_round2_r1.xlsx"
    assert found not in form_ids(sheet, "Screening", "study_id")
    result = run_fulltext(review)
    after = {r["report_id"]: r for r in table(outputs / "fulltext/decisions.csv")}
    assert after[found] == before[found] and after[found]["round"] == "1"
    assert result["by_round"]["1"]["other_methods"]["reports_sought"] == len(others)
    assert "2" not in result["by_round"]
    # Round 2 re-asks the services about round 1's studies still in the review: those found by
    # citation searching too (a retraction of one would otherwise go unseen).
    kept = {r["study_id"] for r in table(outputs / "fulltext/included_studies.csv")} & set(others)
    assert kept and kept <= set(studies_to_refetch(review))
