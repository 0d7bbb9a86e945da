"""Two versions of the living review end to end, through full text, extraction and risk of bias.

The rounds of ``test_living_rounds`` (replayed real Europe PMC page): round 1 includes three
studies, both reviewers return their full-text sheets, extraction forms and RoB 2 forms. Round 2
includes one new study and re-assesses round-1 studies the way a team does it: each reviewer
opens the form they returned, changes one row and saves it under a new name (a full-text
exclusion with its reason, an extraction value, a signalling answer that changes a RoB 2
domain). Version 2's report lists those changes, the new preprint of an included study and the
retraction, links to version 1's kept report, and gives both rounds' search windows. After each
round ``livingreview ledger`` and ``livingreview prisma`` draw the PRISMA counts: version 2's
previous studies are version 1's total, the study excluded on re-assessment is counted as
removed, and every living layout shows both.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import yaml

from livingreview.config import load_config
from livingreview.prisma.layouts import LIVING_LAYOUTS
from livingreview.report.status import status_lines
from livingreview.reviewforms import human_folder
from tests.appraisal.test_appraisal import ANSWERS
from tests.extraction.test_extraction import CODED
from tests.form_helpers import fill_form, form_ids
from tests.prisma.svg_helpers import parse_svg, shown_number
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
from tests.test_search_stage import cli

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


def drawn_counts(
    config: Path, out: Path, env: dict[str, str], folder: Path
) -> tuple[dict[str, Any], dict[str, list[dict[tuple[str, str], str]]]]:
    """Run ``livingreview ledger``, then ``livingreview prisma`` on the ledger's rounds CSV in
    every living layout. Returns the ledger and, per layout, the counts of each SVG's boxes (the
    pipeline's ``living/<layout>.svg`` and the one drawn from the CSV) as {box: {(key, column):
    text}}."""
    run(config, "ledger", env=env)
    drawn: dict[str, list[dict[tuple[str, str], str]]] = {}
    for layout in LIVING_LAYOUTS:
        svg = folder / f"{layout}.svg"
        done = cli(
            "prisma", str(out / "prisma/ledger_rounds.csv"), "--out", str(svg), "--layout", layout
        )
        assert done.returncode == 0, done.stderr
        drawn[layout] = []
        for path in (out / f"prisma/living/{layout}.svg", svg):
            boxes, _ = parse_svg(path.read_text(encoding="utf-8"))
            drawn[layout].append({name: box.counts for name, box in boxes.items()})
    ledger = json.loads((out / "prisma/ledger.json").read_text(encoding="utf-8"))
    return ledger, drawn


def csv_row(path: Path, key: str) -> dict[str, str]:
    return next(r for r in rows(path) if r["data"] == key)


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
    run(config, "screen", "conflicts", "fulltext", "ledger", env=env)
    assert form_studies(settings, "full_text", 1) == included
    # Full text pending: version 1's counts are not final, so a strict round new refuses.
    history = Path(settings["deduplication"]["history_dir"])
    snapshot_one = history / "2025.1/prisma_ledger.json"
    stale = snapshot_one.read_bytes()
    assert json.loads(stale)["column"]["counts"]["total_studies"] is None
    refused = cli("round", "new", "--require-final", "--configfile", str(config), env=env)
    assert refused.returncode == 2
    assert "round '2025.1' is not finished" in refused.stderr
    assert "Full-text retrieval and assessment: in progress" in refused.stderr
    assert not (history / "rounds.yaml").exists()
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
    kept_one = history / "2025.1/report"
    assert {r["study_id"] for r in rows(kept_one / "included_studies.csv")} == included
    assert {r["study_id"]: r["country"] for r in rows(kept_one / "extraction.csv")} == {
        s: "Canada" for s in included
    }
    first_changes = {(c["change"], c["study_id"]) for c in rows(out / "report/changelog.csv")}
    assert first_changes == {("study_included", s) for s in included}

    # Version 1's PRISMA counts: its total is what it includes; a first version has no
    # previous-studies box in any layout.
    ledger, drawn = drawn_counts(config, out, env, tmp_path)
    (one,) = [r["counts"] for r in ledger["rounds"]]
    reports_one = [r["reports"].split("; ") for r in rows(out / "fulltext/included_studies.csv")]
    assert one["total_studies"] == one["new_studies"] == len(included) == len(reports_one)
    assert one["total_reports"] == sum(len(r) for r in reports_one)
    assert one["removed_studies"] == 0 and one["previous_studies"] is None
    assert all("previous" not in svg for layout in drawn.values() for svg in layout)
    # The next round starts from version 1's final counts even if its snapshot was written
    # before its full text was done: round new builds the ledger again.
    snapshot_one.write_bytes(stale)

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

    # PRISMA: version 2 starts from version 1's frozen total and counts the removal.
    frozen = json.loads(snapshot_one.read_text(encoding="utf-8"))["column"]["counts"]
    assert frozen == one
    ledger, drawn = drawn_counts(config, out, env, tmp_path)
    first_ledger, two = (r["counts"] for r in ledger["rounds"])
    assert first_ledger == one
    removals = [c for c in rows(out / "report/changelog.csv") if c["change"] == "study_removed"]
    assert two["previous_studies"] == one["total_studies"]
    assert two["previous_reports"] == one["total_reports"]
    assert two["removed_studies"] == len(removals) == len(included - included_two) == 1
    assert two["removed_reports"] == 1  # the excluded study had one report
    assert two["new_studies"] == len(included_two - included) == 1
    assert two["total_studies"] == len(included_two)
    assert two["total_studies"] == (
        two["previous_studies"] + two["new_studies"] - two["removed_studies"]
    )
    assert two["total_reports"] == (
        two["previous_reports"] + two["new_reports"] - two["removed_reports"]
    )
    assert csv_row(out / "prisma/ledger.csv", "removed_studies")["n"] == "1"
    assert {
        k: v
        for k, v in csv_row(out / "prisma/ledger_rounds.csv", "removed_studies").items()
        if k.startswith("2025")
    } == {"2025.1": "0", "2025.2": "1"}
    for layout, svgs in drawn.items():
        for counts in svgs:
            previous, latest = counts["previous"], {}
            for (key, column), text in previous.items():
                if "2025.2" in column:  # the column holding round 2
                    latest[key] = shown_number(text)
            # Everything combined starts from no study; otherwise round 2 starts from round 1.
            before = 0 if layout == "combined" else one["total_studies"]
            assert latest["previous_studies"] == before, layout
            assert latest["removed_studies"] == 1, layout
            totals = {k: shown_number(t) for (k, c), t in counts["total"].items() if "2025.2" in c}
            assert totals["total_studies"] == len(included_two), layout

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
    # The flow section: each version's counts and all versions together, and the living layouts.
    flow = markdown.split("## PRISMA 2020 flow diagram", 1)[1].split("\n## ", 1)[0]
    assert "| Box | 2025.1 | 2025.2 | All versions |" in flow
    identified = [first_ledger["database_results"], two["database_results"]]
    assert f"| Records identified from: Databases | {identified[0]} | {identified[1]} | " in flow
    assert f"| {sum(identified)} |" in flow
    for layout in LIVING_LAYOUTS:
        assert f"[SVG](../prisma/living/{layout}.svg)" in flow
    # Full-text exclusions list the report excluded on re-assessment; the diagram counts it as
    # removed from version 1, not among its "Reports excluded", and the list says so (it read
    # 1 report excluded beside a diagram excluding none, the sentence tracing it missing).
    excluded = markdown.split("## Full-text exclusions", 1)[1].split("\n## ", 1)[0]
    assert (
        'Of the 1 listed, the flow diagram counts 0 in "Reports excluded" and 1 in "Reports '
        'removed from previous version on re-assessment" (version 2025.2; marked below: the '
        "version before included it, re-assessment excluded it)."
    ) in excluded
    assert f"| {reason['label']} (removed on re-assessment in version 2025.2) |" in excluded
    checklist = {
        r["item"]: r["what"]
        for r in rows(out / "report/prisma_checklist.csv")
        if r["checklist"] == "PRISMA 2020"
    }
    assert checklist["16b"].startswith("1 report excluded at full text, each with its reason")
    assert checklist["16b"].endswith(
        '"Reports removed from previous version on re-assessment" (version 2025.2; marked in the '
        "list: the version before included it, re-assessment excluded it)."
    )
    removed_16a = "; 1 study and 1 report removed from a previous version on re-assessment; "
    assert removed_16a in checklist["16a"]
    html = (out / "report/index.html").read_text(encoding="utf-8")
    assert html.count('<img src="data:image/svg+xml;base64,') == len(LIVING_LAYOUTS)
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

    # `livingreview status`: each round with its own window and counts, every stage done.
    lines = status_lines(settings, out)
    start = lines.index(next(line for line in lines if line.startswith("Rounds")))
    first_window = (
        f"searched 2010-01-01 to 2024-11-25, {first_ledger['database_results']} record(s) "
        f"identified, {first_ledger['duplicates']} duplicate(s) removed"
    )
    assert lines[start + 1] == f"  2025.1: {first_window}"
    assert lines[start + 6].startswith(
        f"  2025.2 (latest run): searched {second['search_from']} to {second['search_to']}, "
        f"{two['database_results']} record(s) identified"
    )
    for heading, counts in ((start + 1, first_ledger), (start + 6, two)):
        stages = lines[heading + 1 : heading + 5]
        assert all(": done: " in line for line in stages), stages
        total, before = counts["total_studies"], counts.get("previous_studies") or 0
        new, removed = counts["new_studies"], counts["removed_studies"]
        parts = f" ({before} before, {new} new, {removed} removed)"
        assert stages[-1] == (
            f"    Totals: done: {total} stud(ies) included in total{parts if before else ''}"
        )
    assert total == before + new - removed and before > 0
