"""A protocol amended between rounds of a living review: what reviewers returned before the
amendment still counts.

Each test returns forms under the protocol as it was, amends it the way a review team does
(dual to single mode, a field added, ...) and runs the stage again, as the next run of the
pipeline does.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from livingreview.errors import InputFileError
from livingreview.extraction.stage import OUTPUTS as EXTRACTION
from livingreview.extraction.stage import run_extraction
from livingreview.fulltext.stage import OUTPUTS as FULLTEXT
from livingreview.fulltext.stage import run_fulltext
from livingreview.kept_stores import kept_copy
from livingreview.screening.stage import run_screening
from tests.form_helpers import fill_form, form_ids, included_at_full_text, stage_config
from tests.screening.sheet_helpers import (
    fill_like_a_person,
    returned_dir,
    screening_config,
    sheet_path,
)

# the shipped protocol's required extraction fields
REQUIRED = {"study_design": "RCT", "intervention_type": "app", "key_findings": "alliance formed"}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def status(config: dict[str, Any], name: str) -> dict[str, Any]:
    return json.loads((Path(config["paths"]["outputs"]) / name).read_text(encoding="utf-8"))


def test_screening_turned_single_keeps_the_second_screeners_sheet(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = screening_config(tmp_path, demo_outputs)
    run_screening(config)
    ids = sorted(form_ids(sheet_path(config, "r1"), "Screening", "study_id"))[:4]
    for reviewer in ("r1", "r2"):
        typed = {sid: ("include" if n % 2 else "exclude", "", "") for n, sid in enumerate(ids)}
        target = returned_dir(config) / f"{reviewer}.xlsx"
        fill_like_a_person(sheet_path(config, reviewer), target, typed)
    run_screening(config)
    config["screening"]["mode"] = "single"  # the amendment: single screening from now on
    state = run_screening(config)  # was: r2.xlsx rejected, "expected one of r1"
    store = rows(Path(config["paths"]["outputs"]) / "screening/decisions.csv")
    assert sorted((d["reviewer"], d["study_id"]) for d in store) == sorted(
        (r, sid) for r in ("r1", "r2") for sid in ids
    )
    assert list(state["reviewers"]) == ["r1"]  # only the first screener gets a sheet


def test_full_text_turned_single_keeps_the_second_reviewers_sheet(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = stage_config(tmp_path, demo_outputs, included=4)
    run_fulltext(config)
    outputs, human = Path(config["paths"]["outputs"]), Path(config["paths"]["human_input"])
    for reviewer in ("r1", "r2"):
        sheet = outputs / f"fulltext/sheets/full_text_round1_{reviewer}.xlsx"
        ids = form_ids(sheet, "Full text", "report_id")
        typed = {i: {"decision": "include"} for i in ids}
        target = human / f"full_text/sheets/{reviewer}.xlsx"
        fill_form(sheet, "Full text", "report_id", typed, target)
    before = run_fulltext(config)
    config["full_text"]["mode"] = "single"
    after = run_fulltext(config)  # was: r2.xlsx rejected, "expected one of r1"
    assert after["reports_included"] == before["reports_included"] == len(ids)
    assessments = rows(outputs / FULLTEXT["assessments"])
    assert {a["reviewer"] for a in assessments} == {"r1", "r2"}
    assert list(status(config, FULLTEXT["status"])["reviewers"]) == ["r1"]


def test_extraction_turned_single_keeps_the_second_reviewers_form(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = included_at_full_text(tmp_path, demo_outputs, included=4)
    outputs, human = Path(config["paths"]["outputs"]), Path(config["paths"]["human_input"])
    for reviewer in ("r1", "r2"):
        form = outputs / f"extraction/forms/extraction_round1_{reviewer}.xlsx"
        ids = form_ids(form, "Extraction", "study_id")
        coded = {**REQUIRED, "country": reviewer}
        typed = {i: coded for i in ids}
        fill_form(form, "Extraction", "study_id", typed, human / f"extraction/{reviewer}.xlsx")
    run_extraction(config)
    config["extraction"]["mode"] = "single"
    state = run_extraction(config)  # was: r2.xlsx rejected, "expected one of r1, consensus"
    entries = rows(outputs / EXTRACTION["entries"])
    assert {e["reviewer"] for e in entries} == {"r1", "r2"}
    # the two reviewers' earlier rows still differ (country): a consensus settles them
    assert state["studies"]["disagreement"] == len(ids) and list(state["reviewers"]) == ["r1"]


def a_reviewer_leaves(config: dict[str, Any], role: str) -> None:
    """The amendment of a team whose r2 left after round 1: r2 stays listed without roles, r4
    joins with ``role``; the library reaches round 2."""
    for reviewer in config["reviewers"]:
        if reviewer["id"] == "r2":
            reviewer["roles"] = []
    config["reviewers"].append({"id": "r4", "name": "Reviewer 4", "roles": [role]})
    next_round(config)


def test_a_screener_who_left_keeps_the_sheets_returned_for_earlier_rounds(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = screening_config(tmp_path, demo_outputs)
    run_screening(config)
    ids = sorted(form_ids(sheet_path(config, "r1"), "Screening", "study_id"))[:4]
    typed = {sid: ("include" if n % 2 else "exclude", "", "") for n, sid in enumerate(ids)}
    for reviewer in ("r1", "r2"):
        target = returned_dir(config) / f"{reviewer}.xlsx"
        fill_like_a_person(sheet_path(config, reviewer), target, typed)
    run_screening(config)
    a_reviewer_leaves(config, "screening")
    state = run_screening(config)  # was: r2.xlsx rejected, "expected one of r1, r4"
    store = rows(Path(config["paths"]["outputs"]) / "screening/decisions.csv")
    assert sorted((d["reviewer"], d["study_id"]) for d in store) == sorted(
        (r, sid) for r in ("r1", "r2") for sid in ids
    )
    assert sorted(state["reviewers"]) == ["r1", "r4"]
    # a sheet of the current round is still only for a reviewer with the role
    late = returned_dir(config) / "r2_round2.xlsx"
    fill_like_a_person(sheet_path(config, "r1", 2), late, {})
    wb = openpyxl.load_workbook(late)
    meta = wb["_meta"]
    for row in meta.iter_rows():
        if row[0].value == "reviewer":
            row[1].value = "r2"
    wb.save(late)
    # r2 is listed (roles: []) already: the error says why the sheet is not read; it told them
    # to stay listed with roles: [], which they were
    with pytest.raises(InputFileError, match=r"expected one of r1, r4 ") as error:
        run_screening(config)
    assert "'r2' is listed in 'reviewers' without this role, so only sheets" in str(error.value)
    assert "roles: []" not in str(error.value)
    # r3 (conflict resolution) never screened: no 'give them the role again'
    wb = openpyxl.load_workbook(late)
    for row in wb["_meta"].iter_rows():
        if row[0].value == "reviewer":
            row[1].value = "r3"
    wb.save(late)
    with pytest.raises(InputFileError, match=r"expected one of r1, r4 ") as error:
        run_screening(config)
    assert str(error.value).endswith(
        "'r3' is listed in 'reviewers' without this role, so only sheets of theirs for earlier "
        "rounds are read; give them the role for this sheet to be read"
    )


def test_a_screener_who_joins_gets_no_study_two_screeners_decided_in_an_earlier_round(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = screening_config(tmp_path, demo_outputs)
    run_screening(config)
    studies = form_ids(sheet_path(config, "r1"), "Screening", "study_id")
    both, one = sorted(studies)[:4], sorted(studies)[4]
    for reviewer in ("r1", "r2"):
        done = [*both, one] if reviewer == "r2" else both
        target = returned_dir(config) / f"{reviewer}.xlsx"
        fill_like_a_person(
            sheet_path(config, reviewer), target, dict.fromkeys(done, ("exclude", "", ""))
        )
    run_screening(config)
    a_reviewer_leaves(config, "screening")
    state = run_screening(config)
    # was: every round-1 study on r4's sheet, the four settled ones owed by r4 in status
    left = set(studies) - set(both)
    assert set(form_ids(sheet_path(config, "r4", 2), "Screening", "study_id")) == left
    assert state["reviewers"]["r4"]["pending"] == len(left)
    assert set(form_ids(sheet_path(config, "r1", 2), "Screening", "study_id")) == left


def test_a_verified_sample_study_stays_with_the_single_screener_until_two_decided_it(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = screening_config(
        tmp_path, demo_outputs, mode="single", verification_sample={"fraction": 0.5, "seed": 1}
    )
    run_screening(config)
    every = set(form_ids(sheet_path(config, "r1"), "Screening", "study_id"))
    sample = sorted(form_ids(sheet_path(config, "r2"), "Screening", "study_id"))
    both = sample[:2]  # r2 verified the whole sample, r1 screened only these
    for reviewer, done in (("r1", both), ("r2", sample)):
        target = returned_dir(config) / f"{reviewer}.xlsx"
        fill_like_a_person(
            sheet_path(config, reviewer), target, dict.fromkeys(done, ("exclude", "", ""))
        )
    run_screening(config)
    a_reviewer_leaves(config, "screening")  # r4 verifies the sample from now on
    state = run_screening(config)
    # was: the sample studies only r2 decided on no sheet of r1 (single screening never done)
    assert set(form_ids(sheet_path(config, "r1", 2), "Screening", "study_id")) == every - {*both}
    # the joining verifier gets the sample studies not yet decided by two (was: all of it)
    assert set(form_ids(sheet_path(config, "r4", 2), "Screening", "study_id")) == {*sample[2:]}
    assert state["reviewers"]["r4"]["pending"] == len(sample) - 2


def test_a_full_text_reviewer_who_left_keeps_the_sheets_returned_for_earlier_rounds(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = stage_config(tmp_path, demo_outputs, included=4)
    run_fulltext(config)
    outputs, human = Path(config["paths"]["outputs"]), Path(config["paths"]["human_input"])
    for reviewer in ("r1", "r2"):
        sheet = outputs / f"fulltext/sheets/full_text_round1_{reviewer}.xlsx"
        ids = form_ids(sheet, "Full text", "report_id")
        typed = {i: {"decision": "include"} for i in ids}
        fill_form(
            sheet, "Full text", "report_id", typed, human / f"full_text/sheets/{reviewer}.xlsx"
        )
    before = run_fulltext(config)
    a_reviewer_leaves(config, "full_text")
    after = run_fulltext(config)  # was: r2.xlsx rejected, "expected one of r1, r4"
    assert after["reports_included"] == before["reports_included"] == len(ids)
    assessments = rows(outputs / FULLTEXT["assessments"])
    assert {a["reviewer"] for a in assessments} == {"r1", "r2"}
    # a form of r2 for the current round is refused, saying r2 is listed without the role
    late = human / "full_text/sheets/r2_round2.xlsx"
    wb = openpyxl.load_workbook(human / "full_text/sheets/r2.xlsx")
    for row in wb["_meta"].iter_rows():
        if row[0].value == "round":
            row[1].value = "2"
    wb.save(late)
    with pytest.raises(InputFileError, match="'r2' is listed in 'reviewers' without this role"):
        run_fulltext(config)
    # one not listed at all is told how to stay listed
    config["reviewers"] = [r for r in config["reviewers"] if r["id"] != "r2"]
    with pytest.raises(InputFileError, match=r"stays listed .* \(roles: \[\]\)"):
        run_fulltext(config)


def test_a_full_text_reviewer_who_joins_gets_no_report_two_reviewers_decided_before(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = stage_config(tmp_path, demo_outputs, included=4)
    run_fulltext(config)
    outputs, human = Path(config["paths"]["outputs"]), Path(config["paths"]["human_input"])
    ids = sorted(
        form_ids(outputs / "fulltext/sheets/full_text_round1_r1.xlsx", "Full text", "report_id")
    )
    for reviewer in ("r1", "r2"):
        sheet = outputs / f"fulltext/sheets/full_text_round1_{reviewer}.xlsx"
        done = ids if reviewer == "r2" else ids[:-1]  # the last report waits for r1
        typed = {i: {"decision": "include"} for i in done}
        fill_form(
            sheet, "Full text", "report_id", typed, human / f"full_text/sheets/{reviewer}.xlsx"
        )
    run_fulltext(config)
    a_reviewer_leaves(config, "full_text")
    run_fulltext(config)
    # was: every report on r4's sheet, and r4 owing all of them in status
    sheet = outputs / "fulltext/sheets/full_text_round2_r4.xlsx"
    assert form_ids(sheet, "Full text", "report_id") == [ids[-1]]
    people = status(config, FULLTEXT["status"])["reviewers"]
    assert (people["r4"]["assigned"], people["r4"]["pending"]) == (1, 1)
    assert (people["r1"]["assigned"], people["r1"]["pending"]) == (len(ids), 1)


def test_an_extractor_who_joins_gets_no_study_two_reviewers_coded_before(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = included_at_full_text(tmp_path, demo_outputs, included=4)
    outputs, human = Path(config["paths"]["outputs"]), Path(config["paths"]["human_input"])
    ids = form_ids(outputs / "extraction/forms/extraction_round1_r1.xlsx", "Extraction", "study_id")
    for reviewer in ("r1", "r2"):
        form = outputs / f"extraction/forms/extraction_round1_{reviewer}.xlsx"
        done = ids if reviewer == "r1" else ids[:-1]  # the last study waits for a second
        typed = {i: REQUIRED for i in done}
        fill_form(form, "Extraction", "study_id", typed, human / f"extraction/{reviewer}.xlsx")
    run_extraction(config)
    a_reviewer_leaves(config, "extraction")
    state = run_extraction(config)
    # was: every study on r4's form (coding one settled study again could reopen it), and r4
    # owing all of them in status
    form = outputs / "extraction/forms/extraction_round2_r4.xlsx"
    assert form_ids(form, "Extraction", "study_id") == [ids[-1]]
    assert (state["reviewers"]["r4"]["assigned"], state["reviewers"]["r4"]["pending"]) == (1, 1)
    assert state["reviewers"]["r1"] == {"assigned": len(ids), "done": len(ids), "pending": 0}


def next_round(config: dict[str, Any]) -> None:
    """The library's round 2 (as ``round new`` and the library step leave it)."""
    counts = Path(config["paths"]["outputs"]) / "library/counts.json"
    state = json.loads(counts.read_text(encoding="utf-8"))
    counts.write_text(json.dumps({**state, "round": 2}), encoding="utf-8")


def coded_round_one(config: dict[str, Any]) -> tuple[Path, list[str]]:
    """r1's round-1 extraction form coded and returned (single mode); the file and its ids."""
    config["extraction"]["mode"] = "single"
    outputs, human = Path(config["paths"]["outputs"]), Path(config["paths"]["human_input"])
    form = outputs / "extraction/forms/extraction_round1_r1.xlsx"
    ids = form_ids(form, "Extraction", "study_id")
    typed = {i: {**REQUIRED, "country": "Canada"} for i in ids}
    return fill_form(form, "Extraction", "study_id", typed, human / "extraction/r1.xlsx"), ids


SETTING = {"id": "setting", "label": "Setting", "type": "choice", "choices": ["clinic", "online"]}


def test_a_field_added_in_a_later_round_keeps_the_forms_returned_before(
    tmp_path: Path, demo_outputs: Path, caplog
) -> None:
    config = included_at_full_text(tmp_path, demo_outputs, included=4)
    returned, ids = coded_round_one(config)
    run_extraction(config)
    next_round(config)
    config["extraction"]["fields"].append(SETTING)  # the amendment, optional
    state = run_extraction(config)  # was: "missing column(s) 'setting'"
    assert state["studies"]["final"] == len(ids)
    table = {
        r["study_id"]: r for r in rows(Path(config["paths"]["outputs"]) / EXTRACTION["studies"])
    }
    assert {(r["country"], r["setting"]) for r in table.values()} == {("Canada", "")}
    assert f"{returned}: a form of round 1 without the column(s) 'setting'" in caplog.text
    # required: the rows coded before it still count (they had no column to fill)
    config["extraction"]["fields"][-1] = {**SETTING, "required": True}
    assert run_extraction(config)["studies"]["final"] == len(ids)


def test_a_choice_removed_after_forms_used_it_is_named_as_removed_from_the_protocol(
    tmp_path: Path, demo_outputs: Path
) -> None:
    """Before: "'LLM' is not one of rule-based, NLP, none (AI modality); expected one of
    rule-based, NLP, none or blank", as for a typo: nothing said the protocol had listed it
    when the form was returned, nor what to do."""
    config = included_at_full_text(tmp_path, demo_outputs, included=4)
    config["extraction"]["mode"] = "single"
    outputs, human = Path(config["paths"]["outputs"]), Path(config["paths"]["human_input"])
    form = outputs / "extraction/forms/extraction_round1_r1.xlsx"
    first = sorted(form_ids(form, "Extraction", "study_id"))[0]
    typed = {first: {**REQUIRED, "ai_modality": "LLM"}}
    returned = fill_form(form, "Extraction", "study_id", typed, human / "extraction/r1.xlsx")
    run_extraction(config)
    next_round(config)
    field = next(f for f in config["extraction"]["fields"] if f["id"] == "ai_modality")
    field["choices"] = ["rule-based", "NLP", "none"]  # the amendment: LLM removed
    (outputs / EXTRACTION["entries"]).unlink()  # as Snakemake does before running the step
    with pytest.raises(InputFileError) as error:
        run_extraction(config)
    store = kept_copy(outputs / EXTRACTION["entries"])
    row = next(r for r in rows(store) if r["column"] == "ai_modality")
    assert str(error.value) == (
        f"{returned}, row {row['row']}, field 'ai_modality': 'LLM' (AI modality) is no longer a "
        "choice: the protocol's extraction field 'ai_modality' now lists rule-based, NLP, none, "
        "but returned forms were read with 'LLM' before (the choice was removed from the "
        "protocol since); restore 'LLM' to its choices in extraction.fields, or change the "
        "value in this file to one of rule-based, NLP, none or blank"
    )


def test_a_removed_choice_holding_a_semicolon_is_named_as_removed(
    tmp_path: Path, demo_outputs: Path
) -> None:
    """A single choice may hold ';' ('LLM; chat'); the choices read before were split at it as
    a multichoice's are ('llm', 'chat'), so once the protocol removed it the error was the
    typo's ('is not one of ...'), not that the protocol no longer lists it."""
    config = included_at_full_text(tmp_path, demo_outputs, included=4)
    config["extraction"]["mode"] = "single"
    field = next(f for f in config["extraction"]["fields"] if f["id"] == "ai_modality")
    assert field["type"] == "choice"
    field["choices"] = ["rule-based", "NLP", "none", "LLM; chat"]
    outputs, human = Path(config["paths"]["outputs"]), Path(config["paths"]["human_input"])
    form = outputs / "extraction/forms/extraction_round1_r1.xlsx"
    first = sorted(form_ids(form, "Extraction", "study_id"))[0]
    typed = {first: {**REQUIRED, "ai_modality": "LLM; chat"}}
    fill_form(form, "Extraction", "study_id", typed, human / "extraction/r1.xlsx")
    run_extraction(config)
    next_round(config)
    field["choices"] = ["rule-based", "NLP", "none"]  # the amendment: 'LLM; chat' removed
    (outputs / EXTRACTION["entries"]).unlink()  # as Snakemake does before running the step
    with pytest.raises(InputFileError) as error:
        run_extraction(config)
    assert "'LLM; chat' (AI modality) is no longer a choice" in str(error.value)


def test_a_form_of_this_round_must_still_have_every_field(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = included_at_full_text(tmp_path, demo_outputs, included=4)
    returned, _ = coded_round_one(config)
    config["extraction"]["fields"].append(SETTING)  # amended within the round
    with pytest.raises(InputFileError) as error:
        run_extraction(config)
    assert str(error.value) == (
        f"{returned}, row 1: missing column(s) 'setting' (expected the header of the "
        "extraction form; a field added to the protocol after this round-1 form was written: "
        "add its column to this file, blank or filled in (what it holds stays as typed))"
    )


def test_a_field_renamed_in_a_later_round_names_the_values_not_read(
    tmp_path: Path, demo_outputs: Path, caplog
) -> None:
    config = included_at_full_text(tmp_path, demo_outputs, included=4)
    config["extraction"]["mode"] = "single"
    outputs, human = Path(config["paths"]["outputs"]), Path(config["paths"]["human_input"])
    form = outputs / "extraction/forms/extraction_round1_r1.xlsx"
    typed = {i: {**REQUIRED, "n": 40} for i in form_ids(form, "Extraction", "study_id")}
    returned = fill_form(form, "Extraction", "study_id", typed, human / "extraction/r1.xlsx")
    run_extraction(config)
    next_round(config)
    config["extraction"]["fields"] = [
        {**f, "id": "sample_size"} if f["id"] == "n" else f for f in config["extraction"]["fields"]
    ]
    (outputs / EXTRACTION["entries"]).unlink()  # as Snakemake does before running the step
    # The values typed under 'n' would be dropped: the run stops (the store's kept copy holds
    # them), naming the field; before, nothing said so.
    with pytest.raises(InputFileError, match="'n' is no field of the protocol now"):
        run_extraction(config)
    assert f"{returned}: column 'n' holds values (row 2 first) and is no column" in caplog.text
    assert "lacks 'sample_size': if a field was renamed in the protocol" in caplog.text


def test_a_reason_renamed_after_a_sheet_came_back_is_named_as_a_protocol_change(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = stage_config(tmp_path, demo_outputs, included=4)
    config["full_text"]["mode"] = "single"
    run_fulltext(config)
    outputs, human = Path(config["paths"]["outputs"]), Path(config["paths"]["human_input"])
    sheet = outputs / "fulltext/sheets/full_text_round1_r1.xlsx"
    first = form_ids(sheet, "Full text", "report_id")[0]
    typed = {first: {"decision": "exclude", "reason": "publication_type"}}
    returned = fill_form(sheet, "Full text", "report_id", typed, human / "full_text/sheets/r1.xlsx")
    run_fulltext(config)
    reasons = config["exclusion_reasons"]["full_text"]
    config["exclusion_reasons"]["full_text"] = [
        {**r, "id": "not_a_study"} if r["id"] == "publication_type" else r for r in reasons
    ]
    with pytest.raises(InputFileError) as error:
        run_fulltext(config)
    text = str(error.value)
    assert text.startswith(f"{returned}, row ") and "unknown reason 'publication_type'" in text
    assert text.endswith(
        "or blank (the ids and labels of exclusion_reasons.full_text in the protocol: a reason "
        "renamed or removed there after this sheet was returned must stay listed)"
    )
