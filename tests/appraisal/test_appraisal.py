"""Risk-of-bias stage: forms per tool by extracted design, filled with the real robvis and NOS
example assessments (../shared/data/rob), judged by livingreview.rob, tables and plots written."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from matplotlib.image import imread

from livingreview.appraisal.stage import OUTPUTS, run_appraisal
from livingreview.cli import main
from livingreview.errors import InputFileError
from livingreview.rob.nos import read_critiplot_nos
from livingreview.rob.tables import read_table
from livingreview.rob.tools import get_tool
from tests.form_helpers import fill_form, form_ids, set_saved_at, stage_config

TITLE, ID = "Risk of bias", "study_id"
SVG = "{http://www.w3.org/2000/svg}"
DESIGNS = (("RCT", 9), ("non-randomised trial", 10), ("cohort", 6), ("qualitative", 1))


@pytest.fixture
def config(tmp_path: Path, demo_outputs: Path) -> dict[str, Any]:
    """26 studies extracted as final: 9 RCTs, 10 non-randomised, 6 cohort, 1 qualitative."""
    return extracted_config(tmp_path, demo_outputs)


def extracted_config(
    tmp_path: Path, demo_outputs: Path, tools: dict[str, str] | None = None
) -> dict[str, Any]:
    """The studies of :func:`config` after a first run of the stage; ``tools``: design → tool
    changes of the shipped ``tools_by_design``."""
    config = stage_config(tmp_path, demo_outputs, included=0)
    config["risk_of_bias"]["tools_by_design"].update(tools or {})
    with (tmp_path / "outputs/library/records.csv").open(encoding="utf-8", newline="") as handle:
        ids = sorted({row["study_id"] for row in csv.DictReader(handle)})[:26]
    designs = [design for design, count in DESIGNS for _ in range(count)]
    path = tmp_path / "outputs/extraction/studies.csv"
    path.parent.mkdir(parents=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["study_id", "label", "extraction_status", "study_design", "title"])
        for index, (sid, design) in enumerate(zip(ids, designs, strict=True)):
            writer.writerow([sid, f"Study {index + 1:02d}", "final", design, f"Title {sid}"])
    run_appraisal(config)
    return config


def form(config: dict[str, Any], tool: str, reviewer: str) -> Path:
    return Path(config["paths"]["outputs"]) / f"rob/forms/rob_{tool}_round1_{reviewer}.xlsx"


def returned(config: dict[str, Any], name: str) -> Path:
    return Path(config["paths"]["human_input"]) / "risk_of_bias" / name


def outputs(config: dict[str, Any]) -> Path:
    return Path(config["paths"]["outputs"])


def tmp_path_of(config: dict[str, Any]) -> Path:
    """The test's folder (that of the outputs)."""
    return outputs(config).parent


def summary(config: dict[str, Any]) -> dict[str, dict[str, str]]:
    with (outputs(config) / OUTPUTS["summary"]).open(encoding="utf-8", newline="") as handle:
        return {row["study_id"]: row for row in csv.DictReader(handle)}


def both_reviewers(config: dict[str, Any], tool: str, values: dict[str, dict[str, str]]) -> None:
    for reviewer in ("r1", "r2"):
        fill_form(
            form(config, tool, reviewer),
            TITLE,
            ID,
            values,
            returned(config, f"{tool}_{reviewer}.xlsx"),
        )


def test_forms_by_design_and_nothing_returned(config: dict[str, Any]) -> None:
    assert len(form_ids(form(config, "rob2", "r1"), TITLE, ID)) == 9
    assert len(form_ids(form(config, "robins_i", "r2"), TITLE, ID)) == 10
    assert len(form_ids(form(config, "nos", "r1"), TITLE, ID)) == 6
    assert form_ids(form(config, "rob2", "consensus"), TITLE, ID) == []
    status = json.loads((outputs(config) / OUTPUTS["status"]).read_text())
    assert status["studies_to_assess"] == 25  # the qualitative study has no tool
    assert status["assessed"] == 0 and status["pending"] == 25 and status["figures"] == []
    assert (outputs(config) / "rob/rob2.csv").read_text() == "Study,D1,D2,D3,D4,D5,Overall\n"
    ws = openpyxl.load_workbook(form(config, "rob2", "r1"))[TITLE]
    header = [c.value for c in ws[1]]
    assert {"q1_1", "q2_7", "q5_3", "d1", "overall_reason", "variant"} <= set(header)
    lists = {
        header[ws[str(v.sqref).split(":")[0]].column - 1]: v.formula1
        for v in ws.data_validations.dataValidation
    }
    assert lists["q2_3"] == '"Y,PY,PN,N,NI,NA"'
    assert lists["d3"] == '"Low,Some concerns,High"'
    ws = openpyxl.load_workbook(form(config, "nos", "r1"))[TITLE]
    assert {row[4] for row in ws.iter_rows(min_row=2, values_only=True)} == {"cohort"}


@pytest.mark.parametrize(
    ("tool", "example", "robvis"),
    [
        ("rob2", "robvis_data_rob2.csv", "rob2"),
        ("robins_i", "robvis_data_robins_i.csv", "robins-i"),
    ],
)
def test_robvis_examples_entered_directly_are_reproduced_and_plotted(
    config: dict[str, Any], rob_dir: Path, tool: str, example: str, robvis: str
) -> None:
    source = read_table(rob_dir / example, get_tool(robvis))
    ids = form_ids(form(config, tool, "r1"), TITLE, ID)
    tool_obj = get_tool(robvis)
    values = {
        sid: {
            d.code.lower(): tool_obj.label(r)
            for d, r in zip(source.domains, row.judgements, strict=True)
        }
        for sid, row in zip(ids, source.rows, strict=False)
    }
    both_reviewers(config, tool, values)
    state = run_appraisal(config)
    assert state["assessed"] == len(source.rows) and state["overrides"] == 0
    ours = read_table(outputs(config) / f"rob/{tool}.csv", tool_obj)
    assert [r.judgements for r in ours.rows] == [r.judgements for r in source.rows]
    assert [r.overall for r in ours.rows] == [r.overall for r in source.rows]  # by the rule
    svg = (outputs(config) / f"rob/figures/{tool}_traffic_light.svg").read_bytes()
    root = ET.fromstring(svg)
    texts = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}
    first = 1 if tool == "rob2" else 10  # labels "Study NN" in design order
    labels = [f"Study {first + i:02d}" for i in range(len(source.rows))]
    assert [r.study for r in ours.rows] == labels
    assert set(labels) <= texts  # study names stay searchable text
    cells = [g.get("id") for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("rob-cell-")]
    assert len(cells) == len(source.rows) * (len(source.domains) + 1)
    assert any(g.get("id") == "rob-legend" for g in root.iter(f"{SVG}g"))
    image = imread(io.BytesIO((outputs(config) / f"rob/figures/{tool}_summary.png").read_bytes()))
    assert image.shape[0] > 100 and image.shape[1] > 300
    assert (image[..., :3] < 0.9).any()  # bars drawn, not a blank canvas


def test_critiplot_nos_example_gives_its_totals(config: dict[str, Any], rob_dir: Path) -> None:
    example = read_critiplot_nos(rob_dir / "critiplot_sample_nos.csv")
    ids = form_ids(form(config, "nos", "r1"), TITLE, ID)
    values = {
        sid: {key: str(stars) for key, stars in row.assessment.stars}
        for sid, row in zip(ids, example, strict=True)
    }
    both_reviewers(config, "nos", values)
    run_appraisal(config)
    with (outputs(config) / "rob/nos.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == len(example) == 6
    assert [int(r["total"]) for r in table] == [row.stated_total for row in example]
    assert [r["rating"] for r in table] == [row.assessment.rating for row in example]
    rows = summary(config)
    assert rows[ids[0]]["overall"] == example[0].assessment.rating
    assert rows[ids[0]]["max_stars"] == "9"
    # the stage draws no NOS figure; its table plots from the command line, read as written
    plots = tmp_path_of(config) / "nos_plots"
    args = ["rob", "plot", str(outputs(config) / "rob/nos.csv"), "--tool", "nos"]
    assert main([*args, "--out", str(plots)]) == 0
    assert (plots / "nos_table.csv").read_bytes() == (outputs(config) / "rob/nos.csv").read_bytes()
    assert (plots / "traffic_light.svg").exists()


ANSWERS = {  # RoB 2, effect of assignment: every domain low by the diagrams
    "q1_1": "Y",
    "q1_2": "PY",
    "q1_3": "N",
    "q2_1": "N",
    "q2_2": "PN",
    "q2_6": "Y",
    "q3_1": "Y",
    "q4_1": "N",
    "q4_2": "N",
    "q4_3": "N",
    "q5_1": "Y",
    "q5_2": "N",
    "q5_3": "N",
}


def test_signalling_questions_override_and_consensus(config: dict[str, Any]) -> None:
    ids = form_ids(form(config, "rob2", "r1"), TITLE, ID)
    r1 = {ids[0]: dict(ANSWERS), ids[1]: {**ANSWERS, "q1_2": "N"}}
    r2 = {
        ids[0]: {**ANSWERS, "overall": "High", "overall_reason": "outcome self-rated in app"},
        ids[1]: {**ANSWERS, "q1_2": "N"},
    }
    fill_form(form(config, "rob2", "r1"), TITLE, ID, r1, returned(config, "r1.xlsx"))
    fill_form(form(config, "rob2", "r2"), TITLE, ID, r2, returned(config, "r2.xlsx"))
    state = run_appraisal(config)
    assert state["assessed"] == 1 and state["disagreements"] == 1
    rows = summary(config)
    assert rows[ids[1]]["overall"] == "High"  # 1.2 N -> D1 high by the diagram
    assert rows[ids[0]]["status"] == "disagreement"
    with (outputs(config) / OUTPUTS["disagreements"]).open(encoding="utf-8") as handle:
        assert list(csv.DictReader(handle)) == [
            {"study_id": ids[0], "tool": "rob2", "item": "overall", "votes": "r1=Low | r2=High"}
        ]
    consensus = form(config, "rob2", "consensus")
    assert form_ids(consensus, TITLE, ID) == [ids[0]]
    agreed = {ids[0]: {**ANSWERS, "overall": "High", "overall_reason": "self-rated outcome"}}
    fill_form(consensus, TITLE, ID, agreed, returned(config, "consensus.xlsx"))
    state = run_appraisal(config)
    assert state["overrides"] == 1 and state["disagreements"] == 0
    row = summary(config)[ids[0]]
    assert (row["overall"], row["overall_computed"], row["overridden"]) == ("High", "Low", "yes")
    assert row["override_reason"] == "self-rated outcome" and row["how"] == "consensus"


@pytest.mark.parametrize(
    ("tool", "cells", "field", "message"),
    [
        (
            "rob2",
            {**ANSWERS, "q1_1": "maybe"},
            "q1_1",
            "answer 'maybe' to RoB 2 question 1.1 is not one of Y, PY, PN, N, NI",
        ),
        (
            "rob2",
            {**ANSWERS, "overall": "High"},
            "overall_reason",
            "overall 'High' overrides "
            "'Low' from the RoB 2 rule; give the reason in 'overall_reason'",
        ),
        (
            "rob2",
            {**ANSWERS, "q1_2": "N", "overall": "Low", "overall_reason": "x"},
            "overall",
            "an override may only be more severe",
        ),
        (
            "rob2",
            {k: v for k, v in ANSWERS.items() if k != "q1_3"},
            "q1_3",
            "RoB 2 D1 needs an answer to question 1.3",
        ),
        ("robins_i", {"d1": "Low"}, "d2", "ROBINS-I D2 has no judgement"),
        (
            "nos",
            {"s1": "2"},
            "s1",
            "NOS item s1 (Representativeness of the exposed cohort) has 2 stars; at most 1",
        ),
        (
            "nos",
            dict.fromkeys(("s1", "s2", "s3", "s4", "c1", "o1", "o2", "o3", "e1"), "1"),
            "e1",
            "NOS item e1 is not part of the cohort version; expected it blank",
        ),
    ],
)
def test_bad_rows_are_rejected_and_nothing_stored_is_lost(
    config: dict[str, Any], tool: str, cells: dict[str, str], field: str, message: str
) -> None:
    ids = form_ids(form(config, "rob2", "r1"), TITLE, ID)
    fill_form(form(config, "rob2", "r1"), TITLE, ID, {ids[0]: ANSWERS}, returned(config, "a.xlsx"))
    run_appraisal(config)
    store = (outputs(config) / OUTPUTS["entries"]).read_bytes()
    mine = form_ids(form(config, tool, "r2"), TITLE, ID)
    bad = fill_form(
        form(config, tool, "r2"), TITLE, ID, {mine[-1]: cells}, returned(config, "b.xlsx")
    )
    row = 2 + form_ids(bad, TITLE, ID).index(mine[-1])
    with pytest.raises(InputFileError) as error:
        run_appraisal(config)
    assert str(error.value).startswith(f"{bad}, row {row}")
    assert f"field {field!r}: " in str(error.value) and message in str(error.value)
    assert (outputs(config) / OUTPUTS["entries"]).read_bytes() == store


def test_a_removed_form_stops_a_pipeline_run_too(config: dict[str, Any]) -> None:
    # Snakemake deletes the store (a step output) before the step runs: its kept copy remains.
    ids = form_ids(form(config, "rob2", "r1"), TITLE, ID)
    path = fill_form(
        form(config, "rob2", "r1"), TITLE, ID, {ids[0]: ANSWERS}, returned(config, "a.xlsx")
    )
    run_appraisal(config)
    (outputs(config) / OUTPUTS["entries"]).unlink()
    path.unlink()
    with pytest.raises(InputFileError, match=r"is no longer in this file.*kept copy .*\.kept"):
        run_appraisal(config)


def test_a_form_of_another_kind_is_rejected(config: dict[str, Any]) -> None:
    path = returned(config, "wrong.xlsx")
    path.parent.mkdir(parents=True)
    sheet = Path(config["paths"]["outputs"]) / "fulltext/sheets"
    sheet.mkdir(parents=True)
    wb = openpyxl.load_workbook(form(config, "rob2", "r1"))
    for row in wb["_meta"].iter_rows():
        if row[0].value == "kind":
            row[1].value = "rob-quadas-2"
    wb.save(path)
    with pytest.raises(
        InputFileError,
        match="sheet is for kind 'rob-quadas-2', expected a "
        "risk-of-bias form \\(rob-rob2, rob-robins-i, rob-nos\\)",
    ):
        run_appraisal(config)


def test_outputs_are_byte_identical_on_rerun(config: dict[str, Any], rob_dir: Path) -> None:
    source = read_table(rob_dir / "robvis_data_rob2.csv", get_tool("rob2"))
    ids = form_ids(form(config, "rob2", "r1"), TITLE, ID)
    values = {
        sid: {f"d{i}": get_tool("rob2").label(r) for i, r in enumerate(row.judgements, start=1)}
        for sid, row in zip(ids, source.rows, strict=False)
    }
    both_reviewers(config, "rob2", values)
    run_appraisal(config)
    folder = outputs(config) / "rob"
    before = {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    run_appraisal(config)
    after = {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    assert before == after
    assert any(p.suffix == ".png" for p in after) and any(p.suffix == ".svg" for p in after)


def test_quadas2_rows_judged_directly_reproduce_the_robvis_example(rob_dir: Path) -> None:
    from livingreview.appraisal.forms import judge
    from livingreview.rob.levels import SEVERITY
    from livingreview.rob.rows import RowPlace
    from livingreview.rob.tables import computed_overall, overall_differences

    tool = get_tool("quadas-2")
    example = read_table(rob_dir / "robvis_data_quadas.csv", tool)
    overridden = 0
    for row in example.rows:
        cells = {f"d{i}": example.label(r) for i, r in enumerate(row.judgements, start=1)}
        rule = computed_overall(example, row)
        if row.overall != rule:  # the example's own override, entered as one
            cells |= {"overall": tool.label(row.overall), "overall_reason": "as in the example"}
        if row.overall != rule and SEVERITY[row.overall] < SEVERITY[rule]:
            with pytest.raises(InputFileError, match="an override may only be more severe"):
                judge("quadas2", row.study, cells, RowPlace("form.xlsx", "row 2"), "", {})
            overridden += 1
            continue
        judged = judge("quadas2", row.study, cells, RowPlace("form.xlsx", "row 2"), "", {})
        assert (judged.overall, judged.computed) == (tool.label(row.overall), tool.label(rule))
        assert bool(judged.override_reason) == (row.overall != rule)
        overridden += row.overall != rule
    assert overridden == len(overall_differences(example))
    cells = {"d1": "Low", "d2": "Unclear", "d3": "Low"}
    with pytest.raises(InputFileError, match="row 2 \\(study 'S1'\\), field 'd4': QUADAS-2 D4"):
        judge("quadas2", "S1", cells, RowPlace("form.xlsx", "row 2"), "", {})


def test_a_study_whose_design_changes_on_re_assessment_is_asked_again_with_its_new_tool(
    config: dict[str, Any],
) -> None:
    study = form_ids(form(config, "rob2", "r1"), TITLE, ID)[0]
    both_reviewers(config, "rob2", {study: dict(ANSWERS)})
    run_appraisal(config)
    assert summary(config)[study]["status"] == "final"
    assert study not in form_ids(form(config, "rob2", "r1"), TITLE, ID)
    set_design(config, study, "cohort")  # extracted again: a cohort study
    state = run_appraisal(config)
    assert study in form_ids(form(config, "nos", "r1"), TITLE, ID)
    row = summary(config)[study]
    assert (row["tool"], row["status"], row["overall"]) == ("nos", "pending", "")
    assert state["reviewers"]["r1"]["done"] == 0
    with (outputs(config) / OUTPUTS["entries"]).open(encoding="utf-8") as handle:
        kept = {(r["item_id"], r["column"]) for r in csv.DictReader(handle)}
    assert (study, "q1_1") in kept  # the RoB 2 answers stay in the log


def set_design(config: dict[str, Any], study: str, design: str) -> None:
    """Make ``study`` extracted again with ``design``."""
    extracted = outputs(config) / "extraction/studies.csv"
    with extracted.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["study_id"] == study:
            row["study_design"] = design
    with extracted.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_nos_study_whose_version_changes_on_re_assessment_is_asked_again(
    config: dict[str, Any],
) -> None:
    # A cohort study extracted again as case-control: the reviewers' cohort rows (o1-o3) were
    # judged as case-control rows and the stage stopped, for good, on their unchanged returned
    # files ("NOS item o1 is not part of the case-control version; expected it blank").
    study = form_ids(form(config, "nos", "r1"), TITLE, ID)[0]
    cohort = dict.fromkeys(("s1", "s2", "s3", "s4", "o1", "o2", "o3"), "1") | {"c1": "2"}
    both_reviewers(config, "nos", {study: cohort})
    run_appraisal(config)
    assert summary(config)[study]["status"] == "final"
    set_design(config, study, "case-control")
    state = run_appraisal(config)
    row = summary(config)[study]
    assert (row["version"], row["status"], row["overall"]) == ("case-control", "pending", "")
    assert state["reviewers"]["r1"]["done"] == 0
    again = form(config, "nos", "r1")
    assert study in form_ids(again, TITLE, ID)
    with (outputs(config) / OUTPUTS["entries"]).open(encoding="utf-8") as handle:
        kept = {(r["item_id"], r["column"], r["value"]) for r in csv.DictReader(handle)}
    assert {(study, "o3", "1"), (study, "version", "cohort")} <= kept  # logged, not used
    case_control = dict.fromkeys(("s1", "s2", "s3", "s4", "e1", "e2", "e3"), "1") | {"c1": "0"}
    for reviewer in ("r1", "r2"):
        path = returned(config, f"nos_again_{reviewer}.xlsx")
        fill_form(form(config, "nos", reviewer), TITLE, ID, {study: case_control}, path)
        set_saved_at(path, "2099-01-01T00:00:00Z")  # after the cohort rows
    run_appraisal(config)
    row = summary(config)[study]
    assert (row["version"], row["status"], row["stars"], row["max_stars"]) == (
        "case-control",
        "final",
        "7",
        "9",
    )


def test_a_review_without_risk_of_bias_runs_the_stage_with_no_assessors(
    tmp_path: Path, demo_outputs: Path
) -> None:
    """A protocol that gives no design a tool needs no reviewer with the role risk_of_bias."""
    config = stage_config(tmp_path, demo_outputs, included=0)
    config["risk_of_bias"]["tools_by_design"] = {"RCT": "none", "cohort": "none"}
    for reviewer in config["reviewers"]:
        reviewer["roles"] = [role for role in reviewer["roles"] if role != "risk_of_bias"]
    studies = tmp_path / "outputs/extraction/studies.csv"
    studies.parent.mkdir(parents=True)
    with studies.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["study_id", "label", "extraction_status", "study_design", "title"])
        writer.writerow(["s1", "Study 1", "final", "RCT", "A trial"])
    state = run_appraisal(config)
    assert state["studies_to_assess"] == 0 and state["pending"] == 0
    assert list((outputs(config) / "rob/forms").iterdir()) == []
    assert summary(config) == {}


def test_a_form_naming_a_study_renamed_within_the_round_is_read(config: dict[str, Any]) -> None:
    """A late record joined a study after its risk-of-bias forms were returned (its id changed:
    see tests/screening/test_study_aliases.py): the judgements count for the new id, and the
    store written before still passes the check that nothing stored is lost."""
    from tests.dedup.library_helpers import LATE, rebuild

    ids = form_ids(form(config, "rob2", "r1"), TITLE, ID)
    judged = {f"d{i}": "Low" for i in range(1, 6)}
    both_reviewers(config, "rob2", {ids[0]: judged})
    run_appraisal(config)
    assert summary(config)[ids[0]]["overall"] == "Low"
    [(old, new)] = rebuild(config, {LATE: ids[0]}).items()
    studies = outputs(config) / "extraction/studies.csv"
    studies.write_text(studies.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    run_appraisal(config)  # before: unknown study_id
    rows = summary(config)
    assert old not in rows and rows[new]["overall"] == "Low"


def test_a_form_naming_a_study_a_later_round_merged_away_is_read(config: dict[str, Any]) -> None:
    """A study still listed by extraction whose records a later round merged into another study
    (a retired id): its judgements stay under that id, and the stored entries pass the check
    that nothing is lost (it took the retired id for an old id of the surviving study)."""
    ids = form_ids(form(config, "rob2", "r1"), TITLE, ID)
    both_reviewers(config, "rob2", {ids[0]: {f"d{i}": "Low" for i in range(1, 6)}})
    run_appraisal(config)
    groups = outputs(config) / "library/groups.csv"
    groups.write_text(groups.read_text(encoding="utf-8").replace(ids[0], ids[1]), "utf-8")
    run_appraisal(config)  # before: 'd1 'Low' for ... is no longer in this file'
    assert summary(config)[ids[0]]["overall"] == "Low"


def test_a_form_row_of_a_study_extraction_no_longer_lists_is_kept_not_used(
    config: dict[str, Any],
) -> None:
    """A study judged, then taken off extraction's list because its title/abstract decision was
    reopened: the forms that judged it were refused as 'unknown study_id', which stopped the
    appraisal stage for good; the rows are now kept in the log and the study leaves the table."""
    ids = form_ids(form(config, "rob2", "r1"), TITLE, ID)
    both_reviewers(config, "rob2", {sid: {f"d{i}": "Low" for i in range(1, 6)} for sid in ids[:2]})
    run_appraisal(config)
    assert summary(config)[ids[0]]["overall"] == "Low"
    studies = outputs(config) / "extraction/studies.csv"
    lines = studies.read_text(encoding="utf-8").splitlines(keepends=True)
    studies.write_text("".join(line for line in lines if ids[0] not in line), encoding="utf-8")
    run_appraisal(config)
    rows = summary(config)
    assert ids[0] not in rows and rows[ids[1]]["overall"] == "Low"


def test_a_nos_row_of_a_study_no_longer_assessed_is_kept_not_used(
    config: dict[str, Any],
) -> None:
    """A NOS study judged, then no longer extracted as final (removed on re-assessment, or
    excluded by an automation limit amended in a later round): its rows were logged without the
    NOS version they were written for, so the unchanged returned forms stopped the stage ("version
    'cohort' ... is no longer in this file (was it removed or saved over?)"). They are kept,
    version and all, and not used."""
    study = form_ids(form(config, "nos", "r1"), TITLE, ID)[0]
    cohort = dict.fromkeys(("s1", "s2", "s3", "s4", "o1", "o2", "o3"), "1") | {"c1": "2"}
    both_reviewers(config, "nos", {study: cohort})
    run_appraisal(config)
    assert summary(config)[study]["status"] == "final"
    studies = outputs(config) / "extraction/studies.csv"
    lines = studies.read_text(encoding="utf-8").splitlines(keepends=True)
    studies.write_text("".join(line for line in lines if study not in line), encoding="utf-8")
    run_appraisal(config)
    assert study not in summary(config)
    with (outputs(config) / OUTPUTS["entries"]).open(encoding="utf-8", newline="") as handle:
        kept = {(r["reviewer"], r["column"], r["value"]) for r in csv.DictReader(handle)
                if r["item_id"] == study}  # fmt: skip
    assert {("r1", "version", "cohort"), ("r2", "version", "cohort"), ("r1", "c1", "2")} <= kept


def test_a_nos_row_with_its_version_cell_cleared_is_kept_when_its_study_goes(
    config: dict[str, Any],
) -> None:
    """The same, with the form's locked version cell cleared by the reviewer (the form still
    reads: the row was logged with its study's version). Once the study left the review nothing
    could give that version any more, so the unchanged forms stopped the stage again ("version
    'cohort' ... is no longer in this file"); the row keeps the version it was stored with."""
    study = form_ids(form(config, "nos", "r1"), TITLE, ID)[0]
    cohort = dict.fromkeys(("s1", "s2", "s3", "s4", "o1", "o2", "o3"), "1") | {"c1": "2"}
    both_reviewers(config, "nos", {study: cohort | {"version": None}})
    run_appraisal(config)
    assert summary(config)[study]["status"] == "final"
    studies = outputs(config) / "extraction/studies.csv"
    lines = studies.read_text(encoding="utf-8").splitlines(keepends=True)
    studies.write_text("".join(line for line in lines if study not in line), encoding="utf-8")
    run_appraisal(config)
    assert study not in summary(config)
    with (outputs(config) / OUTPUTS["entries"]).open(encoding="utf-8", newline="") as handle:
        kept = {(r["reviewer"], r["column"], r["value"]) for r in csv.DictReader(handle)
                if r["item_id"] == study}  # fmt: skip
    assert {("r1", "version", "cohort"), ("r2", "version", "cohort"), ("r1", "c1", "2")} <= kept


def test_a_reason_typed_on_several_lines_keeps_its_lines(config: dict[str, Any]) -> None:
    """An override reason typed on two lines was read as one; it keeps its line breaks in
    rob/summary.csv (r1's, the first reviewer's, as both agree). A judgement is still a code
    read on one line."""
    ids = form_ids(form(config, "rob2", "r1"), TITLE, ID)
    for reviewer, overall, reason in (
        ("r1", "\nHigh", "outcome self-rated\n  in the app "),
        ("r2", "High", "outcome self-rated in the app"),
    ):
        cells = {ids[0]: {**ANSWERS, "overall": overall, "overall_reason": reason}}
        fill_form(
            form(config, "rob2", reviewer), TITLE, ID, cells, returned(config, f"{reviewer}.xlsx")
        )
    assert run_appraisal(config)["assessed"] == 1
    row = summary(config)[ids[0]]
    assert (row["overall"], row["how"]) == ("High", "agreement")
    assert row["override_reason"] == "outcome self-rated\n  in the app"


def test_single_mode_writes_no_empty_consensus_form(config: dict[str, Any]) -> None:
    """Single mode wrote an empty consensus form per tool (0 studies), which ``livingreview
    where`` listed as a form to return; it is written only while a study waits for consensus."""
    consensus = form(config, "rob2", "consensus")
    assert consensus.is_file()  # dual mode: written, even empty
    config["risk_of_bias"]["mode"] = "single"
    run_appraisal(config)
    assert not list((outputs(config) / "rob/forms").glob("*consensus*"))
    assert form(config, "rob2", "r1").is_file()


def test_a_reviewer_who_joins_gets_no_study_two_reviewers_assessed_before(
    config: dict[str, Any], rob_dir: Path
) -> None:
    from tests.living.test_protocol_amendments import a_reviewer_leaves

    # the studies' round, as the full-text stage writes it (all included in round 1)
    included = outputs(config) / "fulltext/included_studies.csv"
    with (outputs(config) / "extraction/studies.csv").open(encoding="utf-8") as handle:
        ids = [row["study_id"] for row in csv.DictReader(handle)]
    included.parent.mkdir(parents=True, exist_ok=True)
    included.write_text("study_id,round\n" + "".join(f"{i},1\n" for i in ids), encoding="utf-8")
    source = read_table(rob_dir / "robvis_data_rob2.csv", get_tool("rob2"))
    rob2 = form_ids(form(config, "rob2", "r1"), TITLE, ID)
    values = {
        sid: {
            d.code.lower(): get_tool("rob2").label(r)
            for d, r in zip(source.domains, row.judgements, strict=True)
        }
        for sid, row in zip(rob2, source.rows, strict=False)
    }
    for reviewer, done in (("r1", rob2), ("r2", rob2[:-1])):  # the last waits for r2
        typed = {sid: values[sid] for sid in done}
        fill_form(
            form(config, "rob2", reviewer), TITLE, ID, typed, returned(config, f"{reviewer}.xlsx")
        )
    run_appraisal(config)
    a_reviewer_leaves(config, "risk_of_bias")
    state = run_appraisal(config)
    # was: the 8 studies r1 and r2 assessed on r4's form too, owed by r4 in status
    later = outputs(config) / "rob/forms/rob_rob2_round2_r4.xlsx"
    assert form_ids(later, TITLE, ID) == [rob2[-1]]
    assert state["reviewers"]["r4"] == {"assigned": 25 - 8, "done": 0}
    assert state["reviewers"]["r1"] == {"assigned": 25, "done": 9}
