"""The demo's illustrative returned sheets: rebuilt byte for byte from the real facts, and read by
the demo run (screening with a conflict resolved by r3, full text, extraction, risk of bias)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import openpyxl

from livingreview import sheets
from livingreview.config import load_config
from livingreview.demo.human import FOLDERS as BUILT_FOLDERS
from livingreview.demo.human import (
    SUFFIX,
    build_demo_human,
    returned_folders,
    saved_at,
    sheet_ids,
)
from livingreview.demo.reviewers import FINDINGS, match_studies, read_labelled_facts
from livingreview.fulltext.studies import library_rows
from livingreview.screening import export, importing
from livingreview.screening.stage import STAGE
from tests.conftest import REPO_ROOT, require_shared
from tests.form_helpers import fill_form

CONFIG = load_config([REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"])
HUMAN = REPO_ROOT / "demo/human"
FOLDERS = [HUMAN / folder for folder in returned_folders(CONFIG)]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def returned_files(root: Path) -> dict[str, bytes]:
    """Every returned sheet (README files aside) in the builder's folders under ``root``."""
    found = {}
    for folder in returned_folders(CONFIG):
        for path in sorted((root / folder).glob("*")):
            if path.is_file() and path.name != "README.md":
                found[(folder / path.name).as_posix()] = path.read_bytes()
    return found


def test_demo_human_sheets_are_rebuilt_byte_for_byte(tmp_path: Path) -> None:
    facts = require_shared("data/dta/records.csv")
    (tmp_path / "config").mkdir()
    shutil.copy(REPO_ROOT / "config/config.yaml", tmp_path / "config/config.yaml")
    shutil.copytree(REPO_ROOT / "demo", tmp_path / "demo")
    for name in returned_files(tmp_path / "demo/human"):
        (tmp_path / "demo/human" / name).unlink()
    built = build_demo_human(facts, tmp_path / "demo")
    committed = returned_files(HUMAN)
    rebuilt = returned_files(tmp_path / "demo/human")
    assert sorted(built.files) == sorted(f"demo/human/{n}" for n in rebuilt)
    assert sorted(rebuilt) == sorted(committed)
    for name, body in rebuilt.items():
        assert body == committed[name], (
            f"demo/human/{name} differs from a rebuild (a stage's sheet changed, e.g. its "
            "layout or the screening ranker's scores): run `livingreview build-demo-human`"
        )
    assert built.counts["conflicts_resolved"] == built.counts["conflicts"] > 0


def test_demo_human_inputs_are_labelled_illustrative() -> None:
    holding = [f for f in FOLDERS if f.is_dir() and any(f.iterdir())]
    assert holding
    for folder in holding:
        files = [p for p in folder.iterdir() if p.name != "README.md"]
        assert all(SUFFIX in p.stem for p in files), folder
        assert "illustrative" in (folder / "README.md").read_text(encoding="utf-8").lower()


def test_demo_run_reads_the_illustrative_sheets(demo_outputs: Path) -> None:
    facts = read_labelled_facts(require_shared("data/dta/records.csv"))
    library = library_rows(demo_outputs / "library/records.csv")
    matched = match_studies([{"study_id": s, **r} for s, r in library.items()], facts)
    assert set(matched) == set(library), "every demo study is one of the facts"

    # Title/abstract: both screeners' sheets read, every study decided, r3 resolved the conflicts.
    decisions = rows(demo_outputs / "screening/decisions.csv")
    assert {d["reviewer"] for d in decisions} == {"r1", "r2"}
    assert all(SUFFIX in d["file"] for d in decisions)
    votes: dict[str, dict[str, str]] = {}
    for d in decisions:
        votes.setdefault(d["study_id"], {})[d["reviewer"]] = d["decision"]
    differing = {
        s for s, v in votes.items() if len({x.replace("maybe", "include") for x in v.values()}) > 1
    }
    final = {r["study_id"]: r for r in rows(demo_outputs / "screening/final_decisions.csv")}
    outcome = json.loads((demo_outputs / "screening/outcome.json").read_text())
    assert set(final) == set(votes) and outcome["studies_decided"] == len(final)
    by_r3 = {s for s, r in final.items() if r["how"] == "third_reviewer"}
    assert by_r3 == differing and len(by_r3) >= 1
    assert all(final[s]["resolver"] == "r3" for s in by_r3)
    assert outcome["conflicts_resolved"] == len(by_r3) and outcome["conflicts_pending"] == 0

    # Full text: the included studies are relevant facts, the excluded ones carry their reason.
    included = rows(demo_outputs / "fulltext/included_studies.csv")
    excluded = rows(demo_outputs / "fulltext/excluded.csv")
    assert included and excluded
    assert all(matched[s["study_id"]].label == "relevant" for s in included)
    reasons = {r["id"] for r in CONFIG["exclusion_reasons"]["full_text"]}
    assert all(e["reason"] in reasons for e in excluded)
    sought = [r for r in final.values() if r["decision"] == "include"]
    assert len(included) + len(excluded) == len(sought)

    # Extraction: one final row per included study, facts only, no invented findings or levels.
    studies = rows(demo_outputs / "extraction/studies.csv")
    assert [s["study_id"] for s in studies] == [s["study_id"] for s in included]
    assert all(s["extraction_status"] == "final" for s in studies)
    assert all(s["key_findings"] == FINDINGS and not s["nexus_level"] for s in studies)
    for s in studies:
        assert s["study_design"].casefold() == matched[s["study_id"]].study_design.casefold()

    # Risk of bias: a handful rated by both reviewers alike, the others pending.
    summary = rows(demo_outputs / "rob/summary.csv")
    rated = [r for r in summary if r["status"] == "final"]
    status = json.loads((demo_outputs / "rob/status.json").read_text())
    assert rated and status["assessed"] == len(rated)
    assert status["pending"] == len(summary) - len(rated) > 0
    assert all(r["how"] == "agreement" and r["reviewers"] == "r1; r2" for r in rated)


def test_each_demo_sheet_says_when_it_was_saved_after_the_demo_search() -> None:
    """The demo's sheets said nothing of when they were saved (the fixed stamp of a sheet as
    written), so a revised copy could not be ordered after them. Each now records a fixed time
    after the demo's search (2024-11-25), one day per stage."""
    assert CONFIG["search"]["date_range"]["to"] == "2024-11-25"
    days = []
    for section, key in BUILT_FOLDERS:
        folder = HUMAN / str(CONFIG[section][key])
        days.append(saved_at(CONFIG, (section, key)))
        for path in sorted(folder.glob(f"*{SUFFIX}.xlsx")):
            modified = openpyxl.load_workbook(path, read_only=True).properties.modified
            assert f"{modified.isoformat()}Z" == days[-1], path
    assert days[0] == "2024-11-26T12:00:00Z" and days == sorted(set(days))


def test_a_revised_copy_of_a_demo_sheet_counts_over_it(tmp_path: Path) -> None:
    """README's re-assessment on the demo: r1 opens their title/abstract sheet, changes a row and
    saves it under a new name; the revision, saved later, counts. Before, the run stopped with
    'which of the two files was saved last cannot be told'."""
    returned = HUMAN / str(CONFIG["screening"]["folder"])
    [first] = sorted(returned.glob(f"title_abstract_round1_r1{SUFFIX}.xlsx"))
    ids = sheet_ids(first, export.SHEET, export.ID_COLUMN)
    sheet = sheets.read_sheet(first, export.SHEET)
    typed = {sheet.cell(r, export.ID_COLUMN): sheet.cell(r, "decision") for _, r in sheet.rows()}
    study = next(i for i in ids if typed[i] == "include")
    reason = CONFIG["exclusion_reasons"]["title_abstract"][0]
    revised = {study: {"decision": "exclude", "reason": reason["label"], "notes": "on reflection"}}
    later = tmp_path / "r1_revised.xlsx"  # saved now, as by a spreadsheet program
    fill_form(first, export.SHEET, export.ID_COLUMN, revised, later, shuffle=False)
    reasons = {r["id"]: r["label"] for r in CONFIG["exclusion_reasons"]["title_abstract"]}
    expected = importing.Expected(
        str(CONFIG["review"]["id"]), STAGE, 1, ["r1", "r2"], reasons, frozenset(ids)
    )
    result = importing.read_returned([first, later], expected)
    [line] = result.overridden
    assert f"on study {study}, 'include', is overridden by 'exclude'" in line
