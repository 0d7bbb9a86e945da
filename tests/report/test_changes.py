"""The changelog against the demo run's kept version: a later version's re-assessments are listed,
and a version without the previous version's frozen state says so instead of guessing."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

from livingreview.config import load_config
from livingreview.report.render import publish
from tests.conftest import REPO_ROOT

DEMO_CONFIG = [REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"]


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def next_version(demo_outputs: Path, tmp_path: Path) -> tuple[dict[str, Any], Path]:
    """A copy of the demo outputs (with version 2025.1 kept in its history) run as 2025.2."""
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    config = load_config(DEMO_CONFIG)
    config["paths"]["outputs"] = str(outputs)
    config["deduplication"]["history_dir"] = str(outputs / "library_history")
    config["review"]["version"] = "2025.2"
    return config, outputs


def test_a_later_version_lists_an_exclusion_and_a_changed_value_against_the_kept_state(
    demo_outputs: Path, tmp_path: Path
) -> None:
    config, outputs = next_version(demo_outputs, tmp_path)
    extracted = read(outputs / "extraction/studies.csv")
    changed = next(r for r in extracted if r["extraction_status"] == "final")
    old_value = changed["intervention_type"]
    changed["intervention_type"] = "other" if old_value != "other" else "app"
    reopened = next(r for r in extracted if r is not changed)  # reviewers now disagree
    reopened["extraction_status"] = "disagreement"
    write(outputs / "extraction/studies.csv", extracted)
    included = read(outputs / "fulltext/included_studies.csv")
    untouched = {changed["study_id"], reopened["study_id"]}
    dropped = next(r for r in included if r["study_id"] not in untouched)
    write(outputs / "fulltext/included_studies.csv", [r for r in included if r is not dropped])
    decisions = read(outputs / "fulltext/decisions.csv")
    reason = config["exclusion_reasons"]["full_text"][1]
    for row in decisions:
        if row["report_id"] == dropped["study_id"]:
            row.update(decision="exclude", reason=reason["id"], reason_label=reason["label"])
    write(outputs / "fulltext/decisions.csv", decisions)

    publish(config, outputs, outputs / "report")
    changes = read(outputs / "report/changelog.csv")
    first = [c for c in changes if c["version"] == "2025.1"]
    assert first == read(outputs / "library_history/2025.1/report/changes.csv")
    found = [(c["change"], c["study_id"], c["item"], c["old"], c["new"], c["detail"])
             for c in changes if c["version"] == "2025.2"]  # fmt: skip
    assert found[0] == ("study_removed", dropped["study_id"], "", "included", "removed",
                        f"excluded at full text: {reason['label']}")  # fmt: skip
    assert sorted(found[1:]) == sorted([
        ("extraction_changed", changed["study_id"], "intervention_type", old_value,
         changed["intervention_type"], "Intervention type"),
        ("extraction_changed", reopened["study_id"], "status", "final", "disagreement",
         "re-assessment not settled yet"),
    ])  # fmt: skip
    kept = outputs / "library_history/2025.2/report"
    assert read(kept / "changes.csv") == [c for c in changes if c["version"] == "2025.2"]
    assert '<a href="../../2025.1/report/index.html">version 2025.1</a>' in (
        kept / "index.html"
    ).read_text(encoding="utf-8")
    page = (outputs / "report/index.html").read_text(encoding="utf-8")
    assert '<a href="../library_history/2025.1/report/index.html">version 2025.1</a>' in page


def test_without_the_previous_versions_frozen_state_no_change_is_guessed(
    demo_outputs: Path, tmp_path: Path
) -> None:
    config, outputs = next_version(demo_outputs, tmp_path)
    shutil.rmtree(outputs / "library_history/2025.1/report")
    publish(config, outputs, outputs / "report")
    assert [c["version"] for c in read(outputs / "report/changelog.csv")] == []
    markdown = (outputs / "report/report.md").read_text(encoding="utf-8")
    new = markdown.split("## What is new in this version", 1)[1].split("\n## ", 1)[0]
    assert "Version 2025.1 kept no frozen state" in new
    history = markdown.split("## Version history", 1)[1].split("\n## ", 1)[0]
    assert "| none | not kept |" in history
