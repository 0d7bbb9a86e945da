"""Full-text reports of studies the library later merged into others (demo library): each keeps
its decision and becomes a report of the study that survives, even through two merges."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from livingreview.fulltext.stage import OUTPUTS, run_fulltext
from tests.form_helpers import fill_form, form_ids, stage_config

TITLE, ID = "Full text", "report_id"


def table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def retire(outputs: Path, merges: list[tuple[str, str, str]]) -> None:
    """The library's next round: each (round, surviving, retired) merge written to its
    changelog, the retired studies' rows gone from its records."""
    with (outputs / "library/changelog.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["round", "version", "event", "study_id", "other_study_id", "records"])
        for number, survivor, retired in merges:
            writer.writerow([number, f"2025.{number}", "merged", survivor, retired, ""])
    records = outputs / "library/records.csv"
    with records.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, kept = reader.fieldnames or [], [r for r in reader]
    gone = {retired for _, _, retired in merges}
    with records.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(r for r in kept if r["study_id"] not in gone)


def test_merged_reports_keep_their_decisions_as_reports_of_the_surviving_study(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config: dict[str, Any] = stage_config(tmp_path, demo_outputs)
    config["full_text"]["mode"] = "single"
    outputs = Path(config["paths"]["outputs"])
    run_fulltext(config)
    ids = form_ids(outputs / "fulltext/sheets/full_text_round1_r1.xlsx", TITLE, ID)
    screened_out = [
        r["study_id"]
        for r in table(outputs / "screening/final_decisions.csv")
        if r["decision"] == "exclude"
    ]
    outside = screened_out[-1]  # a library study never sought at full text
    values = {
        ids[0]: {"decision": "include"},
        ids[1]: {"decision": "include"},
        ids[2]: {"decision": "exclude", "reason": "Non-mental-health use or population"},
    }
    returned = Path(config["paths"]["human_input"]) / "full_text/sheets/r1.xlsx"
    fill_form(outputs / "fulltext/sheets/full_text_round1_r1.xlsx", TITLE, ID, values, returned)
    run_fulltext(config)
    assessments = (outputs / OUTPUTS["assessments"]).read_text(encoding="utf-8")
    titles = {r["study_id"]: r["title"] for r in table(outputs / "library/records.csv")}

    # ids[0] (the smaller id) merged into ids[1]; ids[2] into a study merged in turn into one
    # excluded at title/abstract.
    retire(outputs, [(2, ids[1], ids[0]), (2, "Smidway0000", ids[2]), (3, outside, "Smidway0000")])
    result = run_fulltext(config)

    decisions = {r["report_id"]: r for r in table(outputs / OUTPUTS["decisions"])}
    assert sorted(decisions) == sorted(ids)  # every report sought is still there
    assert [decisions[i]["decision"] for i in ids[:3]] == ["include", "include", "exclude"]
    assert [decisions[i]["study_id"] for i in ids[:3]] == [ids[1], ids[1], outside]
    assert all(decisions[i]["study_id"] == i for i in ids[3:])
    included = table(outputs / OUTPUTS["included"])
    assert [(r["study_id"], r["reports"], r["title"]) for r in included] == [
        (ids[1], f"{ids[0]}; {ids[1]}", titles[ids[1]])
    ]
    assert result["studies_included"] == 1 and result["reports_included"] == 2
    excluded = table(outputs / OUTPUTS["excluded"])
    assert [(r["report_id"], r["study_id"], r["title"]) for r in excluded] == [
        (ids[2], outside, titles[outside])
    ]
    # the reviewer's rows are untouched and nothing decided is asked again
    assert (outputs / OUTPUTS["assessments"]).read_text(encoding="utf-8") == assessments
    assert form_ids(outputs / "fulltext/sheets/full_text_round1_r1.xlsx", TITLE, ID) == ids[3:]
