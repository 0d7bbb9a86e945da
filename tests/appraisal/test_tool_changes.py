"""A protocol changing the tool a design maps to (``risk_of_bias.tools_by_design``) after forms
were returned: a row counts only for the tool whose form it was typed in (the form's kind), so
the old tool's rows are logged and not used, the study is asked for again on the new tool's
form, and switching back brings the reviewers' earlier rows back."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from livingreview.appraisal.stage import OUTPUTS, run_appraisal
from tests.appraisal.test_appraisal import (
    ID,
    TITLE,
    both_reviewers,
    extracted_config,
    form,
    outputs,
    summary,
)
from tests.form_helpers import form_ids

ROB2 = {"d1": "Low", "d2": "Some concerns", "d3": "Low", "d4": "Low", "d5": "Low"}
QUADAS2 = {"d1": "Low", "d2": "Unclear", "d3": "Low", "d4": "Low"}
ROBINS_I = {f"d{i}": "Moderate" if i == 3 else "Low" for i in range(1, 8)}
ROBINS_I_V2 = {
    "d1_confounding": "Serious",
    "d2_classification": "Low",
    "d3_selection": "Low",
    "d4_deviations": "Low",
    "d5_missing_data": "Low",
    "d6_measurement": "Low",
    "d7_reported_result": "Low",
}


def logged(config: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    """(study, reviewer, column, value) of every row of ``rob/entries.csv``."""
    with (outputs(config) / OUTPUTS["entries"]).open(encoding="utf-8", newline="") as handle:
        return {
            (r["item_id"], r["reviewer"], r["column"], r["value"]) for r in csv.DictReader(handle)
        }


def returned_for(
    tmp_path: Path, demo_outputs: Path, design: str, tool: str, cells: dict[str, str]
) -> tuple[dict[str, Any], str]:
    """A review whose ``design`` gets ``tool``, both reviewers' forms returned with ``cells``
    for its first study, judged final; (config, that study)."""
    config = extracted_config(tmp_path, demo_outputs, {design: tool})
    study = form_ids(form(config, tool, "r1"), TITLE, ID)[0]
    both_reviewers(config, tool, {study: cells})
    run_appraisal(config)
    assert summary(config)[study]["status"] == "final"
    return config, study


@pytest.mark.parametrize(
    ("design", "old", "new", "cells"),
    [
        ("RCT", "rob2", "robins_i", ROB2),  # d1-d5 of RoB 2 are columns of the ROBINS-I form
        ("RCT", "quadas2", "rob2", QUADAS2),  # d1-d4 of QUADAS-2 are columns of RoB 2's
        ("cohort", "quadas2", "robins_i", QUADAS2),
    ],
)
def test_rows_of_the_old_tool_are_kept_not_judged_as_the_new_tools(
    tmp_path: Path,
    demo_outputs: Path,
    design: str,
    old: str,
    new: str,
    cells: dict[str, str],
) -> None:
    config, study = returned_for(tmp_path, demo_outputs, design, old, cells)
    config["risk_of_bias"]["tools_by_design"][design] = new
    # before: "r1's latest row, study '...', field 'd6': ROBINS-I D6 has no judgement" (or
    # RoB 2's d5), naming no file: the old rows were judged as the new tool's, as their
    # columns are some of its form's, and the stage stopped for good
    state = run_appraisal(config)
    row = summary(config)[study]
    assert (row["tool"], row["status"], row["overall"]) == (new, "pending", "")
    assert state["assessed"] == 0 and state["reviewers"]["r1"]["done"] == 0
    assert study in form_ids(form(config, new, "r1"), TITLE, ID)
    assert (study, "r2", "d1", "Low") in logged(config)  # the old tool's rows stay in the log


def test_switching_back_brings_the_reviewers_rows_of_that_tool_back(
    tmp_path: Path, demo_outputs: Path
) -> None:
    design = "non-randomised trial"
    config, study = returned_for(tmp_path, demo_outputs, design, "robins_i", ROBINS_I)
    first = summary(config)[study]
    tools = config["risk_of_bias"]["tools_by_design"]
    tools[design] = "robins_i_v2"
    run_appraisal(config)
    both_reviewers(config, "robins_i_v2", {study: ROBINS_I_V2})
    run_appraisal(config)
    row = summary(config)[study]
    assert (row["tool"], row["status"], row["overall"]) == ("robins_i_v2", "final", "Serious")
    tools[design] = "robins_i"  # and back
    # before: the V2 rows, saved last, were each reviewer's latest row on the study, not one
    # of the ROBINS-I form, so the study was pending and on the ROBINS-I forms again
    state = run_appraisal(config)
    assert summary(config)[study] == first
    assert state["reviewers"]["r1"]["done"] == state["reviewers"]["r2"]["done"] == 1
    assert study not in form_ids(form(config, "robins_i", "r1"), TITLE, ID)
    assert {(study, "r1", "d3", "Moderate"), (study, "r1", "d1_confounding", "Serious")} <= (
        logged(config)
    )
    folder = outputs(config) / "rob"
    before = {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    run_appraisal(config)
    assert {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} == before
