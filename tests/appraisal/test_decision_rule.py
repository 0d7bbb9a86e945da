"""Who settles the judgements two risk-of-bias assessors made differently
(``risk_of_bias.decision_rule``), and the table of what each consensus row settled."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl

from livingreview.appraisal.stage import OUTPUTS, run_appraisal
from livingreview.report import checklist
from livingreview.report.methods import methods_paragraph
from livingreview.report.pending import pending_work
from tests.appraisal.test_appraisal import ANSWERS, ID, TITLE, form, outputs, returned
from tests.appraisal.test_appraisal import config as config  # the fixture
from tests.form_helpers import fill_form, form_ids, set_saved_at

SAVED = "2030-01-02T03:04:05Z"


def _table(config: dict[str, Any]) -> list[dict[str, str]]:
    with (outputs(config) / OUTPUTS["settled"]).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _summary(config: dict[str, Any]) -> list[dict[str, str]]:
    with (outputs(config) / OUTPUTS["summary"]).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_third_reviewer_settles_a_rob2_disagreement_and_the_table_keeps_both_judgements(
    config: dict[str, Any],
) -> None:
    """Before, the consensus form named no one, and the settled overall left disagreements.csv
    with nothing in any table saying r1 judged Low, r2 High and the third reviewer High."""
    config["risk_of_bias"]["decision_rule"] = "third_reviewer"
    run_appraisal(config)  # the forms of the rule
    ids = form_ids(form(config, "rob2", "r1"), TITLE, ID)
    r2 = {**ANSWERS, "overall": "High", "overall_reason": "outcome self-rated in app"}
    fill_form(form(config, "rob2", "r1"), TITLE, ID, {ids[0]: ANSWERS}, returned(config, "1.xlsx"))
    fill_form(form(config, "rob2", "r2"), TITLE, ID, {ids[0]: r2}, returned(config, "2.xlsx"))
    waiting = pending_work({"rob_status": run_appraisal(config)})
    assert (
        "Risk of bias: 1 study(ies) with disagreements for r3 to settle on the consensus form"
        in (waiting)
    )
    written = form(config, "rob2", "consensus")
    meta = dict(openpyxl.load_workbook(written)["_meta"].iter_rows(max_col=2, values_only=True))
    assert meta["resolver"] == "r3"
    told = openpyxl.load_workbook(written)["Instructions"]["A1"].value
    assert told.startswith("Risk of bias (rob2): review ")
    assert "consensus form for the third reviewer, Reviewer 3 (r3), 1 study." in told
    agreed = {ids[0]: {**ANSWERS, "overall": "High", "overall_reason": "self-rated", "notes": "r3"}}
    path = fill_form(written, TITLE, ID, agreed, returned(config, "c.xlsx"))
    set_saved_at(path, SAVED)
    state = run_appraisal(config)
    assert _table(config) == [
        {
            "study_id": ids[0],
            "tool": "rob2",
            "item": "overall",
            "votes": "r1=Low | r2=High",
            "settled": "High",
            "resolver": "r3",
            "round": "1",
            "file": "risk_of_bias/c.xlsx",
            "row": "2",
            "recorded_at": SAVED,
            "notes": "r3",
        }
    ]
    assert (state["decision_rule"], state["resolver"]) == ("third_reviewer", "r3")
    assert state["settled_disagreements"] == {"studies": 1, "items": 1, "by_resolver": {"r3": 1}}
    # rob/summary.csv said "consensus" whoever settled the study
    assert [(r["study_id"], r["how"]) for r in _summary(config) if r["how"]] == [
        (ids[0], "third_reviewer")
    ]
    before = (outputs(config) / OUTPUTS["settled"]).read_bytes()
    run_appraisal(config)
    assert (outputs(config) / OUTPUTS["settled"]).read_bytes() == before
    read = {"rob_status": state, "rob_summary": None}
    entry = checklist._rob_methods(checklist.Facts(config, read, outputs(config), frozenset()))
    assert entry.what.endswith(
        "dual assessment by 2 reviewers (Reviewer 1, Reviewer 2) per study, disagreements by "
        "third reviewer (Reviewer 3): 1 study settled (1 item)."
    )
    assert "rob/settled_disagreements.csv" in entry.where
    said = [s for s in methods_paragraph(config, "0.0") if " each assessed " in s]
    assert said == [
        "Reviewer 1 and Reviewer 2 each assessed every study independently; differences were "
        "settled by a third reviewer, Reviewer 3."
    ]


def test_the_consensus_rule_writes_the_form_as_before(config: dict[str, Any]) -> None:
    written = form(config, "rob2", "consensus")
    meta = dict(openpyxl.load_workbook(written)["_meta"].iter_rows(max_col=2, values_only=True))
    assert "resolver" not in meta
    told = openpyxl.load_workbook(written)["Instructions"]["A1"].value
    assert told.endswith(", consensus, 0 studies.")
    assert _table(config) == []
    state = run_appraisal(config)
    assert state["settled_disagreements"] == {"studies": 0, "items": 0, "by_resolver": {}}
    assert (state["decision_rule"], state["resolver"]) == ("consensus", "consensus")
    read = {"rob_status": state, "rob_summary": None}
    entry = checklist._rob_methods(checklist.Facts(config, read, Path("/nonexistent"), frozenset()))
    assert entry.what.endswith(" per study, disagreements by consensus: none settled yet.")
