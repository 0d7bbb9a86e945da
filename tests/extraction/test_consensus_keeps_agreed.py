"""A consensus extraction row settles what the reviewers coded differently; the fields both
coded alike and the consensus row leaves blank keep their agreed value."""

from __future__ import annotations

from typing import Any

import openpyxl

from livingreview.extraction.stage import run_extraction
from tests.extraction.test_extraction import CODED, ID, TITLE, form, returned, studies
from tests.extraction.test_extraction import config as config  # the fixture
from tests.form_helpers import fill_form, form_ids


def test_a_consensus_row_keeps_what_both_reviewers_agreed_on(config: dict[str, Any]) -> None:
    (sid,) = form_ids(form(config, "r1"), TITLE, ID)[:1]
    fill_form(form(config, "r1"), TITLE, ID, {sid: dict(CODED)}, returned(config, "r1.xlsx"))
    fill_form(
        form(config, "r2"), TITLE, ID, {sid: {**CODED, "n": 121}}, returned(config, "r2.xlsx")
    )
    run_extraction(config)
    instructions = openpyxl.load_workbook(form(config, "consensus"))["Instructions"]
    told = "keeps the value every reviewer typed alike (required fields are filled in)."
    assert told in [c.value for c in instructions["A"]]
    # the team types only the field that differed and the required ones
    settled = {"n": 121, "study_design": "RCT", "intervention_type": "app", "key_findings": "x"}
    fill_form(form(config, "consensus"), TITLE, ID, {sid: settled}, returned(config, "c.xlsx"))
    run_extraction(config)
    row = studies(config)[sid]
    assert (row["how"], row["n"], row["intervention_type"]) == ("consensus", "121", "app")
    # before: blank, though both reviewers typed them alike
    assert (row["country"], row["alliance_measure"]) == ("Canada", "WAI-SR")
