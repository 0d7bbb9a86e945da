"""Data extraction: typed fields from the protocol, forms filled like a person and read back,
every validation error named, disagreements settled by a consensus form, studies.csv."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from livingreview.cli.progress import _where_after_screening
from livingreview.errors import ConfigError, InputFileError
from livingreview.extraction.fields import Field, fields_of, parse
from livingreview.extraction.stage import OUTPUTS, run_extraction
from livingreview.fulltext.stage import run_fulltext
from tests.form_helpers import fill_csv_form, fill_form, form_ids, included_at_full_text

TITLE, ID = "Extraction", "study_id"


@pytest.fixture
def config(tmp_path: Path, demo_outputs: Path) -> dict[str, Any]:
    """Six studies included at full text (single reviewer), extraction forms written."""
    return included_at_full_text(tmp_path, demo_outputs, included=6)


def form(config: dict[str, Any], reviewer: str) -> Path:
    return Path(config["paths"]["outputs"]) / f"extraction/forms/extraction_round1_{reviewer}.xlsx"


def returned(config: dict[str, Any], name: str) -> Path:
    return Path(config["paths"]["human_input"]) / "extraction" / name


def studies(config: dict[str, Any]) -> dict[str, dict[str, str]]:
    path = Path(config["paths"]["outputs"]) / OUTPUTS["studies"]
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["study_id"]: row for row in csv.DictReader(handle)}


CODED = {
    "study_design": "rct",
    "country": "Canada",
    "n": 120.0,  # a spreadsheet's number
    "intervention_type": "AI CHATBOT / CONVERSATIONAL AGENT",
    "ai_modality": "llm",
    "alliance_measure": "WAI-SR",
    "therapeutic_bond": "supports",
    "nexus_level": 2,
    "key_findings": "bond reported within two weeks",
}


@pytest.mark.parametrize(
    ("field", "text", "value", "problem"),
    [
        (Field("n", "N", "integer"), "12.0", "12", None),
        (Field("n", "N", "integer"), "-3", "-3", None),
        (Field("n", "N", "integer"), "12.5", "12.5", "'12.5' is not a whole number"),
        (Field("x", "X", "number"), "3,5", "3.5", None),
        (Field("x", "X", "number"), "1e3", "1000", None),
        (Field("x", "X", "number"), "about 3", "about 3", "'about 3' is not a number"),
        (Field("x", "X", "number"), "0.00001", "1e-05", None),
        # more than six significant digits are kept as typed (were rounded: 123456, 1.23457e+06)
        (Field("x", "X", "number"), "123456.5", "123456.5", None),
        (Field("x", "X", "number"), "1234567", "1234567", None),
        (Field("x", "X", "number"), "12,3456789", "12.3456789", None),
        (Field("x", "X", "number"), "3.50", "3.5", None),
        # a thousands separator or a decimal comma (Excel's CSV of '1,500' shown with
        # separators): was read as 1.5, a thousandth of what an English-speaking reviewer meant
        (Field("x", "X", "number"), "1,500", "1,500", "'1,500' could be 1500 or 1.5: type the"),
        (Field("x", "X", "number"), "-12,250", "-12,250", "could be -12250 or -12.25"),
        (Field("x", "X", "number"), "0,125", "0.125", None),  # no thousands before a 0
        (Field("x", "X", "number"), "1,25", "1.25", None),
        (Field("n", "N", "integer"), "12345678901234567890", "12345678901234567890", None),
        (Field("b", "B", "boolean"), "TRUE", "yes", None),
        (Field("b", "B", "boolean"), "n", "no", None),
        (Field("b", "B", "boolean"), "maybe", "maybe", "'maybe' is not yes or no"),
        (Field("c", "C", "choice", ("WAI", "mHAS")), "mhas", "mHAS", None),
        (Field("c", "C", "choice", ("WAI", "mHAS")), "WAI-X", "WAI-X", "'WAI-X' is not one of"),
        (Field("m", "M", "multichoice", ("a", "b", "c")), "c; A", "a; c", None),
        (Field("m", "M", "multichoice", ("a", "b", "c")), "a; d", "a; d", "'d' is not one of"),
        (Field("t", "T", "text"), "=1+1", "=1+1", None),
    ],
)
def test_field_types(field: Field, text: str, value: str, problem: str | None) -> None:
    got, found = parse(field, text)
    assert got == value
    assert (found is None) if problem is None else (problem in found)


def test_protocol_fields_are_checked(config: dict[str, Any]) -> None:
    fields = fields_of(config)
    assert [f.id for f in fields][:3] == ["study_design", "country", "population"]
    bad = json.loads(json.dumps(config))
    nexus = next(f for f in bad["extraction"]["fields"] if f["id"] == "nexus_level")
    nexus["choices"] = ["1", "2", "3", "4"]
    with pytest.raises(
        ConfigError,
        match=re.escape("the Nexus field must be a choice of the levels in nexus.levels (1, 2, 3)"),
    ):
        fields_of(bad)
    bad["extraction"]["fields"] = [{"id": "design", "label": "D", "type": "choice"}]
    with pytest.raises(ConfigError, match=r"fields\[0\].choices': type choice needs choices"):
        fields_of(bad)


def test_form_has_typed_columns_dropdowns_and_the_configured_nexus_levels(config) -> None:
    wb = openpyxl.load_workbook(form(config, "r1"))
    ws = wb[TITLE]
    header = [c.value for c in ws[1]]
    assert [f["id"] for f in config["extraction"]["fields"]] == header[4:20]
    lists = {
        header[ws[str(v.sqref).split(":")[0]].column - 1]: v.formula1
        for v in ws.data_validations.dataValidation
    }
    assert lists["alliance_measure"] == '"WAI,WAI-SR,WAI-I,mHAS,DWAI,other,none"'
    assert lists["nexus_level"] == '"1,2,3"'
    assert "country" not in lists
    lines = [c.value for c in wb["Instructions"]["A"]]
    assert "  2: Level 2" in lines  # the configured label, nothing invented
    assert any("key_findings: Key findings (text, required)" in (x or "") for x in lines)


def test_round_trip_disagreement_and_consensus(config: dict[str, Any]) -> None:
    ids = form_ids(form(config, "r1"), TITLE, ID)
    r1 = {sid: dict(CODED) for sid in ids[:4]}
    r2 = {sid: dict(CODED) for sid in ids[:4]}
    r2[ids[1]]["n"] = 121
    fill_form(form(config, "r1"), TITLE, ID, r1, returned(config, "r1.xlsx"))
    fill_form(form(config, "r2"), TITLE, ID, r2, returned(config, "r2.xlsx"))
    state = run_extraction(config)
    assert state["studies"] == {"final": 3, "pending": 2, "awaiting_second": 0, "disagreement": 1}
    rows = studies(config)
    assert rows[ids[0]]["study_design"] == "RCT" and rows[ids[0]]["n"] == "120"
    assert rows[ids[0]]["intervention_type"] == "AI chatbot / conversational agent"
    assert rows[ids[0]]["nexus_level_label"] == "Level 2"
    assert rows[ids[0]]["how"] == "agreement"
    assert rows[ids[1]]["extraction_status"] == "disagreement" and rows[ids[1]]["n"] == ""
    consensus = form(config, "consensus")
    assert form_ids(consensus, TITLE, ID) == [ids[1]]
    ws = openpyxl.load_workbook(consensus)[TITLE]
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("disagreements") + 1).value == "n: r1=120 | r2=121"
    fill_form(consensus, TITLE, ID, {ids[1]: {**CODED, "n": 121}}, returned(config, "cons.xlsx"))
    state = run_extraction(config)
    assert state["studies"]["final"] == 4
    assert studies(config)[ids[1]]["n"] == "121" and studies(config)[ids[1]]["how"] == "consensus"
    assert form_ids(consensus, TITLE, ID) == []


@pytest.mark.parametrize(
    ("cells", "field", "message"),
    [
        (
            {"n": "about 40"},
            "n",
            "'about 40' is not a whole number (N (participants)); expected a whole number or blank",
        ),
        (
            {"ai_modality": "GPT"},
            "ai_modality",
            "'GPT' is not one of rule-based, NLP, LLM, none (AI modality)",
        ),
        ({"key_findings": ""}, "key_findings", "required field 'Key findings' is blank"),
        ({"nexus_level": "4"}, "nexus_level", "'4' is not one of 1, 2, 3"),
    ],
)
def test_bad_values_are_rejected_and_nothing_stored_is_lost(
    config: dict[str, Any], cells: dict[str, str], field: str, message: str
) -> None:
    ids = form_ids(form(config, "r1"), TITLE, ID)
    fill_form(form(config, "r1"), TITLE, ID, {ids[0]: CODED}, returned(config, "a.xlsx"))
    run_extraction(config)
    store = (Path(config["paths"]["outputs"]) / OUTPUTS["entries"]).read_bytes()
    bad = fill_form(
        form(config, "r2"), TITLE, ID, {ids[2]: {**CODED, **cells}}, returned(config, "b.xlsx")
    )
    row = 2 + form_ids(bad, TITLE, ID).index(ids[2])
    with pytest.raises(InputFileError) as error:
        run_extraction(config)
    assert str(error.value).startswith(f"{bad}, row {row}, field {field!r}: ")
    assert message in str(error.value)
    assert (Path(config["paths"]["outputs"]) / OUTPUTS["entries"]).read_bytes() == store


def test_a_removed_form_stops_a_pipeline_run_too(config: dict[str, Any]) -> None:
    # Snakemake deletes the store (a step output) before the step runs: its kept copy remains.
    ids = form_ids(form(config, "r1"), TITLE, ID)
    path = fill_form(form(config, "r1"), TITLE, ID, {ids[0]: CODED}, returned(config, "a.xlsx"))
    run_extraction(config)
    (Path(config["paths"]["outputs"]) / OUTPUTS["entries"]).unlink()
    path.unlink()
    with pytest.raises(InputFileError, match=r"is no longer in this file.*kept copy .*\.kept"):
        run_extraction(config)


def test_single_mode_and_byte_identical_reruns(config: dict[str, Any]) -> None:
    config["extraction"]["mode"] = "single"
    ids = form_ids(form(config, "r1"), TITLE, ID)
    fill_form(form(config, "r1"), TITLE, ID, {ids[0]: CODED}, returned(config, "r1.xlsx"))
    state = run_extraction(config)
    assert state["studies"]["final"] == 1 and state["reviewers"]["r1"]["pending"] == 5
    folder = Path(config["paths"]["outputs"]) / "extraction"
    before = {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    run_extraction(config)
    assert before == {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_single_mode_writes_no_empty_consensus_form_and_reads_a_returned_one(
    config: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, single mode wrote an empty consensus form (0 records), which ``livingreview
    where`` listed as a form to return. It is written only while a study waits for consensus
    (two reviewers' forms of a protocol once dual), and one returned before is still read."""
    consensus = form(config, "consensus")
    assert consensus.is_file()  # dual mode: written, even empty
    config["extraction"]["mode"] = "single"
    ids = form_ids(form(config, "r1"), TITLE, ID)
    state = run_extraction(config)
    assert not consensus.exists() and not consensus.with_suffix(".csv").exists()
    assert state["forms"] == ["extraction/forms/extraction_round1_r1.xlsx"]
    _where_after_screening(config)
    assert "consensus" not in capsys.readouterr().out
    # forms the reviewers returned while the protocol was dual are read: a difference awaits
    # consensus
    fill_form(
        form(config, "r1"), TITLE, ID, {i: CODED for i in ids[:2]}, returned(config, "a.xlsx")
    )
    r2 = {ids[0]: {**CODED, "n": 121}, ids[1]: CODED}
    fill_form(form(config, "r2"), TITLE, ID, r2, returned(config, "b.xlsx"))
    state = run_extraction(config)
    assert form_ids(consensus, TITLE, ID) == [ids[0]]
    assert "extraction/forms/extraction_round1_consensus.xlsx" in state["forms"]
    fill_form(consensus, TITLE, ID, {ids[0]: {**CODED, "n": 121}}, returned(config, "c.xlsx"))
    state = run_extraction(config)
    assert not consensus.exists()
    rows = studies(config)
    assert (rows[ids[0]]["how"], rows[ids[0]]["n"]) == ("consensus", "121")
    assert state["studies"]["final"] == 2


def test_multichoice_and_boolean_fields_round_trip(config: dict[str, Any]) -> None:
    config["extraction"]["mode"] = "single"
    config["extraction"]["fields"] += [
        {
            "id": "platforms",
            "label": "Platforms",
            "type": "multichoice",
            "choices": ["iOS", "Android", "web"],
        },
        {"id": "blinded", "label": "Assessors blinded", "type": "boolean"},
        {"id": "mean_age", "label": "Mean age", "type": "number"},
    ]
    run_extraction(config)
    ws = openpyxl.load_workbook(form(config, "r1"))[TITLE]
    header = [c.value for c in ws[1]]
    lists = {
        header[ws[str(v.sqref).split(":")[0]].column - 1]: v.formula1
        for v in ws.data_validations.dataValidation
    }
    assert lists["blinded"] == '"yes,no"' and "platforms" not in lists
    ids = form_ids(form(config, "r1"), TITLE, ID)
    typed = {**CODED, "platforms": "web; IOS", "blinded": "TRUE", "mean_age": "34,5"}
    fill_form(form(config, "r1"), TITLE, ID, {ids[0]: typed}, returned(config, "r1.xlsx"))
    run_extraction(config)
    row = studies(config)[ids[0]]
    assert (row["platforms"], row["blinded"], row["mean_age"]) == ("iOS; web", "yes", "34.5")


def test_a_form_naming_a_study_renamed_within_the_round_is_read(config: dict[str, Any]) -> None:
    """A late record joined a study after its extraction form was returned (its id changed:
    see tests/screening/test_study_aliases.py): the coding counts for the new id."""
    from tests.dedup.library_helpers import LATE, rebuild

    config["extraction"]["mode"] = "single"
    ids = form_ids(form(config, "r1"), TITLE, ID)
    fill_form(form(config, "r1"), TITLE, ID, {ids[0]: CODED}, returned(config, "r1.xlsx"))
    assert run_extraction(config)["studies"]["final"] == 1
    [(old, new)] = rebuild(config, {LATE: ids[0]}).items()
    assert old == ids[0]
    final = Path(config["paths"]["outputs"]) / "screening/final_decisions.csv"
    final.write_text(final.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    run_fulltext(config)  # the full-text form names the old id too
    assert run_extraction(config)["studies"]["final"] == 1  # before: unknown study_id
    coded = studies(config)
    assert old not in coded and coded[new]["country"] == "Canada"


def test_a_form_naming_a_study_a_later_round_merged_away_is_read(config: dict[str, Any]) -> None:
    """A study the library merged into another in a later round keeps its id on the full-text
    stage (a retired id): its extraction form row is read under that id as before, and the
    check that nothing stored is lost reads the stored entries under the same id (it took the
    retired id for an old id of the surviving study and refused the unchanged form)."""
    config["extraction"]["mode"] = "single"
    ids = form_ids(form(config, "r1"), TITLE, ID)
    fill_form(form(config, "r1"), TITLE, ID, {ids[0]: CODED}, returned(config, "r1.xlsx"))
    run_extraction(config)
    groups = Path(config["paths"]["outputs"]) / "library/groups.csv"
    groups.write_text(groups.read_text(encoding="utf-8").replace(ids[0], ids[1]), "utf-8")
    run_extraction(config)  # before: 'ai_modality ... is no longer in this file'
    assert studies(config)[ids[0]]["country"] == "Canada"


def test_a_form_row_of_a_study_whose_screening_decision_was_reopened_is_kept_not_used(
    config: dict[str, Any],
) -> None:
    """A reviewer returns a round-1 screening sheet again, changing an included study: its
    title/abstract decision waits for the resolver, so full text no longer seeks it. The
    extraction form that coded it was refused as 'unknown study_id' (was it edited?), which
    stopped extraction and every later step; its row is now kept in the log, not used."""
    ids = form_ids(form(config, "r1"), TITLE, ID)
    coded = {sid: dict(CODED) for sid in ids[:2]}
    fill_form(form(config, "r1"), TITLE, ID, coded, returned(config, "r1.xlsx"))
    fill_form(form(config, "r2"), TITLE, ID, coded, returned(config, "r2.xlsx"))
    assert run_extraction(config)["studies"]["final"] == 2
    final = Path(config["paths"]["outputs"]) / "screening/final_decisions.csv"
    lines = final.read_text(encoding="utf-8").splitlines(keepends=True)
    final.write_text("".join(line for line in lines if ids[0] not in line), encoding="utf-8")
    run_fulltext(config)
    state = run_extraction(config)
    assert state["studies"]["final"] == 1
    assert ids[0] not in studies(config) and studies(config)[ids[1]]["how"] == "agreement"
    entries = (Path(config["paths"]["outputs"]) / OUTPUTS["entries"]).read_text(encoding="utf-8")
    assert entries.count(ids[0]) == entries.count(ids[1]) > 0  # both reviewers' rows kept


def csv_form(config: dict[str, Any], reviewer: str) -> Path:
    return form(config, reviewer).with_suffix(".csv")


def test_text_typed_on_several_lines_keeps_its_lines_in_every_output(
    config: dict[str, Any],
) -> None:
    """A finding typed on two lines was read as one (every run of whitespace one space), so
    studies.csv and the consensus form showed it altered. Free text (text fields, notes) keeps
    its line breaks (CR LF and a lone CR as LF; spaces ending a line and blank lines around
    the text dropped, spaces inside a line kept); a code (a choice) is still read on one line;
    two reviewers whose texts differ only in whitespace agree."""
    config["extraction"]["sheet_format"] = "both"
    run_extraction(config)
    ids = form_ids(form(config, "r1"), TITLE, ID)
    finding = "Outcome 1: bond at week 2  \r\nOutcome 2:  WAI-SR 5.1\r\r"
    r1 = {
        ids[0]: {**CODED, "key_findings": finding, "notes": " check\rtable 3 \n\n"},
        ids[1]: {**CODED, "key_findings": "bond\nat week 2"},
    }
    r2 = {
        ids[0]: {
            **CODED,
            "key_findings": "Outcome 1: bond at week 2 Outcome 2: WAI-SR 5.1",
            "intervention_type": "AI chatbot /\nconversational agent",
        },
        ids[1]: {**CODED, "key_findings": "bond at week 3"},
    }
    fill_csv_form(csv_form(config, "r1"), ID, r1, returned(config, "r1.csv"))
    fill_form(form(config, "r2"), TITLE, ID, r2, returned(config, "r2.xlsx"))
    state = run_extraction(config)
    assert state["studies"]["final"] == 1 and state["studies"]["disagreement"] == 1
    row = studies(config)[ids[0]]
    assert row["how"] == "agreement"
    assert row["key_findings"] == "Outcome 1: bond at week 2\nOutcome 2:  WAI-SR 5.1"
    assert row["notes"] == "r1: check\ntable 3"
    assert row["intervention_type"] == "AI chatbot / conversational agent"
    votes = "key_findings: r1=bond\nat week 2 | r2=bond at week 3"
    ws = openpyxl.load_workbook(form(config, "consensus"))[TITLE]
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("disagreements") + 1).value == votes
    with csv_form(config, "consensus").open(encoding="utf-8", newline="") as handle:
        next(handle)  # the metadata line
        assert [r["disagreements"] for r in csv.DictReader(handle)] == [votes]
    settled = {ids[1]: {**CODED, "key_findings": "bond\n\nat week 2"}}
    fill_csv_form(csv_form(config, "consensus"), ID, settled, returned(config, "c.csv"))
    assert run_extraction(config)["studies"]["final"] == 2
    assert studies(config)[ids[1]]["key_findings"] == "bond\n\nat week 2"


def test_an_entry_stored_on_one_line_by_an_earlier_version_is_not_lost(
    config: dict[str, Any],
) -> None:
    """An earlier version stored a finding typed on two lines as one line; reading the same
    file now gives its lines, which is the same entry, not one edited or lost. A real edit
    still stops the run."""
    config["extraction"]["mode"] = "single"
    ids = form_ids(form(config, "r1"), TITLE, ID)
    typed = {ids[0]: {**CODED, "key_findings": "bond\nat week 2"}}
    fill_form(form(config, "r1"), TITLE, ID, typed, returned(config, "r1.xlsx"))
    run_extraction(config)
    store = Path(config["paths"]["outputs"]) / OUTPUTS["entries"]
    text = store.read_text(encoding="utf-8")
    assert '"bond\nat week 2"' in text
    store.write_text(text.replace('"bond\nat week 2"', "bond at week 2"), encoding="utf-8")
    run_extraction(config)
    assert '"bond\nat week 2"' in store.read_text(encoding="utf-8")
    edited = text.replace('"bond\nat week 2"', "bond at week 3")
    store.write_text(edited, encoding="utf-8")
    with pytest.raises(
        InputFileError, match=r"extraction/r1.xlsx, row .*'bond at week 3' .* now reads"
    ):
        run_extraction(config)
    assert store.read_text(encoding="utf-8") == edited
