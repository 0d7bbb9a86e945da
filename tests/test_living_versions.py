"""Two versions of the living review end to end, through full text, extraction and risk of bias.

The rounds of ``test_living_rounds`` (replayed real Europe PMC page): round 1 includes three
studies, both reviewers return their full-text sheets, extraction forms and RoB 2 forms. Round 2
includes one new study and re-assesses round-1 studies the way a team does it: each reviewer
opens the form they returned, changes one row and saves it under a new name (a full-text
exclusion with its reason, an extraction value, a signalling answer that changes a RoB 2
domain). Version 2's report lists those changes, the new preprint of an included study and the
retraction, links to version 1's kept report, and gives both rounds' search windows.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import yaml

from livingreview.config import load_config
from livingreview.reviewforms import human_folder
from tests.appraisal.test_appraisal import ANSWERS
from tests.extraction.test_extraction import CODED
from tests.form_helpers import fill_form, form_ids
from tests.replay_server import ReplayServer
from tests.screening.sheet_helpers import sheet_path
from tests.test_living_rounds import (
    PREPRINT,
    first_round,
    run,
    screen_round,
    second_round,
    sheet_studies,
)

# stage: (protocol section, folder of written forms, form name prefix, sheet title, id column)
FORMS = {
    "full_text": ("full_text", "fulltext/sheets", "full_text", "Full text", "report_id"),
    "extraction": ("extraction", "extraction/forms", "extraction", "Extraction", "study_id"),
    "rob": ("risk_of_bias", "rob/forms", "rob_rob2", "Risk of bias", "study_id"),
}
LATER_STAGES = ("fulltext", "extract", "appraise", "ledger", "report")
REVIEWERS = ("r1", "r2")


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def written_form(settings: dict[str, Any], stage: str, number: int, reviewer: str) -> Path:
    _, folder, prefix, _, _ = FORMS[stage]
    return Path(settings["paths"]["outputs"]) / folder / f"{prefix}_round{number}_{reviewer}.xlsx"


def form_studies(settings: dict[str, Any], stage: str, number: int) -> set[str]:
    """The ids on round ``number``'s form of ``stage``, the same for both reviewers."""
    _, _, _, title, column = FORMS[stage]
    found = [form_ids(written_form(settings, stage, number, r), title, column) for r in REVIEWERS]
    assert found[0] == found[1]
    return set(found[0])


def fill(
    settings: dict[str, Any],
    stage: str,
    forms: dict[str, Path],
    values: dict[str, dict[str, object]],
    name: str,
    *,
    shuffle: bool = False,
) -> dict[str, Path]:
    """Each reviewer types ``values`` into their form (``forms``: reviewer -> the form written,
    or the file they returned before) and saves it under a new name, ``<name>_<reviewer>.xlsx``;
    returns the files saved per reviewer."""
    section, _, _, title, column = FORMS[stage]
    saved = {}
    for reviewer, form in forms.items():
        target = human_folder(settings, section) / f"{name}_{reviewer}.xlsx"
        saved[reviewer] = fill_form(form, title, column, values, target, shuffle=shuffle)
    return saved


def return_round(
    settings: dict[str, Any], stage: str, number: int, values: dict[str, dict[str, object]]
) -> dict[str, Path]:
    """Both reviewers fill their written form of round ``number`` (rows reordered, a column of
    their own added) and return it; the files returned."""
    forms = {r: written_form(settings, stage, number, r) for r in REVIEWERS}
    return fill(settings, stage, forms, values, f"round{number}", shuffle=True)


def test_version_two_lists_what_changed_keeps_version_one_and_both_search_windows(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    first = first_round(replay_server, sources_dir, tmp_path)
    config, out, env = first.config, first.out, first.env
    settings = load_config([config])
    groups_one, studies_one, retracted = first.groups, first.studies, first.retracted

    # Version 1: three studies included, read in full, extracted and rated.
    kept, flagged = studies_one[0], groups_one[retracted]
    removed = next(s for s in studies_one[1:] if s != flagged)
    included = {kept, flagged, removed}
    assert len(included) == 3
    screen_round(settings, 1, include=included)
    run(config, "screen", "conflicts", "fulltext", env=env)
    assert form_studies(settings, "full_text", 1) == included
    fulltext_one = return_round(
        settings, "full_text", 1, {s: {"decision": "include"} for s in included}
    )
    run(config, "fulltext", "extract", env=env)
    coded = {s: dict(CODED) for s in included}
    extraction_one = return_round(settings, "extraction", 1, coded)
    run(config, "extract", "appraise", env=env)
    assert form_studies(settings, "rob", 1) == included  # RCTs: RoB 2
    rob_one = return_round(settings, "rob", 1, {s: dict(ANSWERS) for s in included})
    run(config, *LATER_STAGES, env=env)
    history = Path(settings["deduplication"]["history_dir"])
    kept_one = history / "2025.1/report"
    assert {r["study_id"] for r in rows(kept_one / "included_studies.csv")} == included
    assert {r["study_id"]: r["country"] for r in rows(kept_one / "extraction.csv")} == {
        s: "Canada" for s in included
    }
    first_changes = {(c["change"], c["study_id"]) for c in rows(out / "report/changelog.csv")}
    assert first_changes == {("study_included", s) for s in included}

    # Version 2: one new inclusion; round-1 studies re-assessed in forms returned again.
    kept_record = next(r for r, s in groups_one.items() if s == kept)
    second_round(first, replay_server, sources_dir, kept_record)
    preprint = f"epmc:PPR:{PREPRINT}"
    settings = load_config([config])
    new_study = sorted(sheet_studies(sheet_path(settings, "r1", 2)))[0]
    screen_round(settings, 2, include={new_study})
    run(config, "screen", "conflicts", "fulltext", env=env)
    assert form_studies(settings, "full_text", 2) == {new_study}  # only the new inclusion
    return_round(settings, "full_text", 2, {new_study: {"decision": "include"}})
    reason = settings["exclusion_reasons"]["full_text"][0]
    exclusion = {removed: {"decision": "exclude", "reason": reason["label"]}}
    fill(settings, "full_text", fulltext_one, exclusion, "reassessed")
    run(config, "fulltext", "extract", env=env)
    assert form_studies(settings, "extraction", 2) == {new_study}
    return_round(settings, "extraction", 2, {new_study: dict(CODED)})
    fill(settings, "extraction", extraction_one, {kept: {"country": "France"}}, "reassessed")
    run(config, "extract", "appraise", env=env)
    assert form_studies(settings, "rob", 2) == {new_study}
    return_round(settings, "rob", 2, {new_study: dict(ANSWERS)})
    fill(settings, "rob", rob_one, {kept: {"q1_2": "N"}}, "reassessed")  # D1 now high
    run(config, *LATER_STAGES, env=env)

    # The stages: the later value counts, the earlier one stays in the append-only logs.
    decisions = {r["report_id"]: r for r in rows(out / "fulltext/decisions.csv")}
    assert decisions[removed]["decision"] == "exclude"
    assert decisions[removed]["reason"] == reason["id"]
    assessed = {
        (r["item_id"], r["column"], r["value"]) for r in rows(out / "fulltext/assessments.csv")
    }
    assert {(removed, "decision", "include"), (removed, "decision", "exclude")} <= assessed
    included_two = {r["study_id"] for r in rows(out / "fulltext/included_studies.csv")}
    assert included_two == included - {removed} | {new_study}
    extracted = {r["study_id"]: r for r in rows(out / "extraction/studies.csv")}
    assert extracted[kept]["country"] == "France" and extracted[flagged]["country"] == "Canada"
    assert extracted[new_study]["extraction_status"] == "final"
    logged = {(r["item_id"], r["value"]) for r in rows(out / "extraction/entries.csv")}
    assert {(kept, "Canada"), (kept, "France")} <= logged
    rob = {r["study_id"]: r for r in rows(out / "rob/summary.csv")}
    assert rob[kept]["overall"] == "High" and rob[flagged]["overall"] == "Low"
    assert rob[kept]["domains"].startswith("D1: High; D2: Low")
    assert {r["study_id"] for r in rob.values() if r["status"] == "final"} == included_two
    answers = {
        (r["item_id"], r["value"]) for r in rows(out / "rob/entries.csv") if r["column"] == "q1_2"
    }
    assert {(kept, "PY"), (kept, "N")} <= answers

    # The changelog: version 2's changes after version 1's.
    changelog = rows(out / "report/changelog.csv")
    assert [c for c in changelog if c["version"] == "2025.1"] == rows(kept_one / "changes.csv")
    version_two = {
        (c["change"], c["study_id"], c["item"], c["old"], c["new"])
        for c in changelog
        if c["version"] == "2025.2"
    }
    assert version_two == {
        ("study_included", new_study, "", "", "included"),
        ("study_removed", removed, "", "included", "removed"),
        ("report_added", kept, preprint, "", ""),
        ("extraction_changed", kept, "country", "Canada", "France"),
        ("rob_changed", kept, "D1", "Low", "High"),
        ("rob_changed", kept, "overall", "Low", "High"),
        ("flagged", flagged, "retracted", "", "retracted"),
    }
    detail = {c["change"]: c["detail"] for c in changelog if c["version"] == "2025.2"}
    assert detail["study_removed"] == f"excluded at full text: {reason['label']}"

    # The report shows them, the version history links to version 1's kept report, and the
    # methods give both search windows.
    labels = {r["study_id"]: r["label"] for r in rows(kept_one / "included_studies.csv")}
    markdown = (out / "report/report.md").read_text(encoding="utf-8")
    new = markdown.split("## What is new in this version", 1)[1].split("\n## ", 1)[0]
    assert "### Changes since version 2025.1" in new
    assert f"| study removed | {labels[removed]} ({removed}) |  | included | removed | " in new
    assert f"| extraction changed | {labels[kept]} ({kept}) | country | Canada | France |" in new
    assert f"| risk of bias changed | {labels[kept]} ({kept}) | D1 | Low | High | RoB 2 |" in new
    assert f"| new report | {labels[kept]} ({kept}) | {preprint} |" in new
    assert f"| flagged | {labels[flagged]} ({flagged}) | retracted |" in new
    history_md = markdown.split("## Version history", 1)[1].split("\n## ", 1)[0]
    link = Path(os.path.relpath(kept_one, out / "report")).as_posix()
    assert f"[version 2025.1]({link}/report.md) ([HTML]({link}/index.html))" in history_md
    assert (  # studies in review: what version 2 includes, after the removal
        f"| 1 | {len(included_two)} | 1 study included, 1 study removed, 1 new report, "
        "1 extraction value changed, 2 risk-of-bias judgements changed, 1 flag | this version |"
    ) in history_md
    html = (out / "report/index.html").read_text(encoding="utf-8")
    assert f'<a href="{link}/index.html">version 2025.1</a>' in html
    assert '<tr data-change="study_removed">' in html and "France" in html
    assert "Version 2025.1" in (out / "report" / link / "index.html").read_text(encoding="utf-8")
    kept_two = (history / "2025.2/report/index.html").read_text(encoding="utf-8")
    assert '<a href="../../2025.1/report/index.html">version 2025.1</a>' in kept_two
    rounds = yaml.safe_load((history / "rounds.yaml").read_text(encoding="utf-8"))["rounds"]
    second = rounds[1]
    methods = markdown.split("## Methods", 1)[1]
    assert (
        "through their APIs in 2 rounds: version 2025.1 for records dated 2010-01-01 to "
        f"2024-11-25; version 2025.2 for records added {second['search_from']} to "
        f"{second['search_to']} (overlapping the previous search of {second['previous_search']} "
        "by 3 days)."
    ) in methods
