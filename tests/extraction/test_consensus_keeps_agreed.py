"""A consensus extraction row settles what the reviewers coded differently; the fields both
coded alike and the consensus row leaves blank keep their agreed value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from livingreview.errors import InputFileError
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
    told = "or not, keeps the value every reviewer typed alike (type only what differed)."
    assert told in [c.value for c in instructions["A"]]
    # the team types only the field that differed and the required ones
    settled = {"n": 121, "study_design": "RCT", "intervention_type": "app", "key_findings": "x"}
    fill_form(form(config, "consensus"), TITLE, ID, {sid: settled}, returned(config, "c.xlsx"))
    run_extraction(config)
    row = studies(config)[sid]
    assert (row["how"], row["n"], row["intervention_type"]) == ("consensus", "121", "app")
    # before: blank, though both reviewers typed them alike
    assert (row["country"], row["alliance_measure"]) == ("Canada", "WAI-SR")


def _two_reviewers(config: dict[str, Any], r2: dict[str, Any]) -> str:
    """r1 codes the first study as CODED, r2 as CODED with ``r2`` over it; the consensus form
    is written. The study's id."""
    (sid,) = form_ids(form(config, "r1"), TITLE, ID)[:1]
    fill_form(form(config, "r1"), TITLE, ID, {sid: dict(CODED)}, returned(config, "r1.xlsx"))
    fill_form(form(config, "r2"), TITLE, ID, {sid: {**CODED, **r2}}, returned(config, "r2.xlsx"))
    run_extraction(config)
    return sid


def test_a_consensus_row_types_only_what_differed_required_fields_too(
    config: dict[str, Any],
) -> None:
    """r1 and r2 differ on the Nexus level alone; the third reviewer settles it on the
    consensus form, typing the level and a note. The row was refused because the required
    study design, intervention type and key findings were blank, so the adjudicator typed again
    what both reviewers had typed alike (a retyped key finding silently replaced theirs); a
    required field left blank now keeps the agreed value, as an optional one does."""
    sid = _two_reviewers(config, {"nexus_level": 3})
    settled = {"nexus_level": 3, "notes": "r3: adaptive dialogue, level 3"}
    fill_form(form(config, "consensus"), TITLE, ID, {sid: settled}, returned(config, "c.xlsx"))
    run_extraction(config)
    row = studies(config)[sid]
    assert (row["extraction_status"], row["how"], row["nexus_level"]) == ("final", "consensus", "3")
    assert (row["study_design"], row["intervention_type"], row["key_findings"]) == (
        "RCT",
        "AI chatbot / conversational agent",
        "bond reported within two weeks",
    )


def test_a_consensus_row_leaving_blank_a_required_field_the_reviewers_differ_on_is_refused(
    config: dict[str, Any],
) -> None:
    """What the reviewers differ on has no agreed value to keep: one error naming the consensus
    file, row and field with both reviewers' values; nothing stored."""
    sid = _two_reviewers(config, {"study_design": "cohort"})
    store = Path(config["paths"]["outputs"]) / "extraction/entries.csv"
    before = store.read_bytes()
    path = fill_form(
        form(config, "consensus"), TITLE, ID, {sid: {"n": 120}}, returned(config, "c.xlsx")
    )
    with pytest.raises(InputFileError) as error:
        run_extraction(config)
    assert str(error.value) == (
        f"{path}, row 2, field 'study_design': required field 'Study design' is blank for study "
        f"{sid} and the reviewers did not type it alike (r1=RCT | r2=cohort); expected one of "
        "RCT, non-randomised trial, cohort, cross-sectional, case-control, qualitative, mixed "
        "methods, review, other (a blank keeps a value only where every reviewer typed the same)"
    )
    assert store.read_bytes() == before


def test_a_consensus_row_holding_only_a_note_leaves_the_disagreement_open_and_is_refused(
    config: dict[str, Any],
) -> None:
    """r1 and r2 typed Nexus levels 2 and 3; the adjudicator types only a note ('discuss at
    the team meeting') on the consensus form. Once required fields kept the agreed values, that
    row counted and settled the level as blank: the disagreement was gone from
    disagreements.csv and the study final without a level. A field both reviewers typed, each
    differently, is now refused blank, naming the row, the field and both values."""
    sid = _two_reviewers(config, {"nexus_level": 3})
    note = {"notes": "discuss at the team meeting"}
    path = fill_form(form(config, "consensus"), TITLE, ID, {sid: note}, returned(config, "c.xlsx"))
    with pytest.raises(InputFileError) as error:
        run_extraction(config)
    assert str(error.value) == (
        f"{path}, row 2, field 'nexus_level': field 'Digital Therapeutic Nexus level' is blank "
        f"for study {sid} and the reviewers did not type it alike (r1=2 | r2=3); expected one of "
        "1, 2, 3 (blank settles it only where a reviewer left it blank)"
    )


def test_a_consensus_row_may_settle_as_blank_what_one_reviewer_left_blank(
    config: dict[str, Any],
) -> None:
    """r2 found no sample size (blank), r1 typed 120: the consensus row's blank is an answer."""
    sid = _two_reviewers(config, {"n": None})
    note = {"notes": "no N reported; r1 read the protocol's target"}
    fill_form(form(config, "consensus"), TITLE, ID, {sid: note}, returned(config, "c.xlsx"))
    run_extraction(config)
    row = studies(config)[sid]
    assert (row["extraction_status"], row["how"], row["n"]) == ("final", "consensus", "")
    assert row["notes"].endswith("consensus: no N reported; r1 read the protocol's target")
