"""A protocol giving non-randomised studies ROBINS-I V2 (``robins_i_v2``): its forms, their
judging, the robvis table and plots of the stage."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from livingreview.appraisal.stage import OUTPUTS, run_appraisal
from livingreview.config import deep_merge, validate_config
from livingreview.errors import InputFileError
from livingreview.report.methods import TOOL_NAMES
from livingreview.rob import robins_i_v2
from tests.appraisal.test_appraisal import (
    ID,
    TITLE,
    both_reviewers,
    extracted_config,
    form,
    outputs,
    returned,
    summary,
)
from tests.conftest import REPO_ROOT
from tests.form_helpers import fill_form, form_ids
from tests.rob.conftest import ROBINS_I_V2_TABLE

V2 = {"non-randomised trial": "robins_i_v2"}


@pytest.fixture
def config(tmp_path: Path, demo_outputs: Path) -> dict[str, Any]:
    """The appraisal stage's 26 studies; the 10 non-randomised ones get ROBINS-I V2."""
    return extracted_config(tmp_path, demo_outputs, V2)


def table_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(ROBINS_I_V2_TABLE)))


def test_the_protocol_may_choose_robins_i_v2() -> None:
    shipped = yaml.safe_load((REPO_ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    chosen = validate_config(
        deep_merge(copy.deepcopy(shipped), {"risk_of_bias": {"tools_by_design": V2}})
    )
    assert chosen["risk_of_bias"]["tools_by_design"]["non-randomised trial"] == "robins_i_v2"
    assert TOOL_NAMES["robins_i_v2"] == "ROBINS-I V2"


def test_forms_name_v2_domains_and_offer_their_levels(config: dict[str, Any]) -> None:
    path = form(config, "robins_i_v2", "r1")
    assert len(form_ids(path, TITLE, ID)) == 10
    assert not form(config, "robins_i", "r1").exists()
    book = openpyxl.load_workbook(path)
    ws = book[TITLE]
    header = [c.value for c in ws[1]]
    assert [h for h in header if h and h[:2] in ("d1", "d2", "d3", "d4", "d5", "d6", "d7")] == [
        *robins_i_v2.FIELDS.values()
    ]
    assert "key_domains" not in header
    lists = {
        header[ws[str(v.sqref).split(":")[0]].column - 1]: v.formula1
        for v in ws.data_validations.dataValidation
    }
    low_except = "Low (except for concerns about uncontrolled confounding)"
    assert lists["d1_confounding"] == f'"{low_except},Moderate,Serious,Critical"'
    assert lists["d2_classification"] == '"Low,Moderate,Serious,Critical"'
    assert lists["overall"] == lists["d1_confounding"]
    instructions = " ".join(str(c.value) for row in book["Instructions"].iter_rows() for c in row)
    assert "d2 is classification of interventions" in instructions
    assert "d3_selection: Bias in selection of participants into the study" in instructions


def test_returned_forms_give_the_v2_table_and_plots(config: dict[str, Any]) -> None:
    ids = form_ids(form(config, "robins_i_v2", "r1"), TITLE, ID)
    rows = table_rows()[1:]
    values = {
        sid: dict(zip(robins_i_v2.FIELDS.values(), row[1:8], strict=True))
        for sid, row in zip(ids, rows, strict=True)
    }
    both_reviewers(config, "robins_i_v2", values)
    state = run_appraisal(config)
    assert state["assessed"] == 10 and state["overrides"] == 0
    written = (outputs(config) / "rob/robins_i_v2.csv").read_text(encoding="utf-8")
    labels = [f"Study {i:02d}" for i in range(10, 20)]  # the non-randomised studies' labels
    expected = [table_rows()[0]] + [
        [label, *row[1:]] for label, row in zip(labels, rows, strict=True)
    ]
    assert list(csv.reader(io.StringIO(written))) == expected  # Overall by the V2 rule
    figures = {f"rob/figures/robins_i_v2_{kind}{suffix}" for kind in ("traffic_light", "summary")
               for suffix in (".svg", ".png")}  # fmt: skip
    assert figures <= set(state["figures"])
    row = summary(config)[ids[0]]
    assert row["tool"] == "robins_i_v2"
    assert row["overall"] == "Low (except for concerns about uncontrolled confounding)"
    assert row["domains"].startswith("D1: Low (except for concerns about uncontrolled confounding)")
    status = json.loads((outputs(config) / OUTPUTS["status"]).read_text())
    assert status["studies_by_tool"]["robins_i_v2"] == 10


def test_a_plain_low_for_confounding_is_refused_naming_the_row(config: dict[str, Any]) -> None:
    study = form_ids(form(config, "robins_i_v2", "r1"), TITLE, ID)[0]
    cells = dict.fromkeys(robins_i_v2.FIELDS.values(), "Low")
    fill_form(
        form(config, "robins_i_v2", "r1"),
        TITLE,
        ID,
        {study: cells},
        returned(config, "v2_r1.xlsx"),
    )
    with pytest.raises(InputFileError) as error:
        run_appraisal(config)
    message = str(error.value)
    assert "v2_r1.xlsx" in message and "field 'd1_confounding'" in message
    assert "at best 'Low (except for concerns about uncontrolled confounding)'" in message


def test_a_review_moving_to_v2_keeps_the_robins_i_forms_returned_so_far(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = extracted_config(tmp_path, demo_outputs)  # non-randomised trials get robins_i
    study = form_ids(form(config, "robins_i", "r1"), TITLE, ID)[0]
    both_reviewers(config, "robins_i", {study: {f"d{i}": "Low" for i in range(1, 8)}})
    run_appraisal(config)
    assert summary(config)[study]["status"] == "final"
    config["risk_of_bias"]["tools_by_design"].update(V2)  # the protocol moves to V2
    # before: "robins_i_r1.xlsx, field 'kind': sheet is for kind 'rob-robins-i', expected a
    # risk-of-bias form (rob-rob2, rob-robins-i-v2, rob-nos)", and removing the file was
    # refused too, as losing rows stored before
    run_appraisal(config)
    row = summary(config)[study]
    assert (row["tool"], row["status"], row["overall"]) == ("robins_i_v2", "pending", "")
    assert study in form_ids(form(config, "robins_i_v2", "r1"), TITLE, ID)
    with (outputs(config) / OUTPUTS["entries"]).open(encoding="utf-8") as handle:
        kept = {(r["item_id"], r["column"]) for r in csv.DictReader(handle)}
    assert (study, "d1") in kept  # the ROBINS-I (2016) judgements stay in the log
