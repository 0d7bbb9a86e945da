"""``livingreview status``: the report's pending work, in the terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from livingreview.cli import SIGPIPE_EXIT
from livingreview.config import load_config
from livingreview.report.context import collect
from livingreview.report.pending import pending_work
from tests.conftest import REPO_ROOT

DEMO_CONFIG = [REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"]


def test_status_prints_every_stage_and_the_same_pending_work_as_the_report(
    demo_outputs: Path, tmp_path: Path
) -> None:
    override = tmp_path / "outputs.yaml"
    override.write_text(yaml.safe_dump({"paths": {"outputs": str(demo_outputs)}}))
    result = subprocess.run(
        [sys.executable, "-m", "livingreview", "status", "--configfile", *map(str, DEMO_CONFIG),
         str(override)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("[demo data]")
    context = collect(load_config([*DEMO_CONFIG, override]), demo_outputs)
    for section in context["sections"]:
        assert any(line.strip().startswith(section.title) for line in lines), section.title
    assert context["pending_work"], "the demo always leaves work for a person"
    # the report's lines, each awaiting a sheet with the folder it goes back to (was: none; the
    # maybe pairs' folder was only in `where`)
    human = Path(load_config(DEMO_CONFIG)["paths"]["human_input"])
    back = {"Deduplication": "dedup", "Risk of bias": "risk_of_bias"}
    assert lines[-len(context["pending_work"]) :] == [
        f"  - {t}; return to {human / back[t.split(':')[0]]}" for t in context["pending_work"]
    ]
    # The demo's one round, its window and each stage's counts from the PRISMA ledger: counted
    # so far, as the demo leaves possible duplicate pairs for a person to decide.
    ledger = json.loads((demo_outputs / "prisma/ledger.json").read_text(encoding="utf-8"))
    (column,) = ledger["rounds"]
    counts, waiting = column["counts"], column["pending"]["deduplication"]
    library = json.loads((demo_outputs / "library/counts.json").read_text(encoding="utf-8"))
    assert waiting.startswith(f"{library['maybe_pairs_pending']} possible duplicate pair(s) ")
    window = context["review"]["version"], load_config(DEMO_CONFIG)["search"]["date_range"]
    start = lines.index(next(line for line in lines if line.startswith("Rounds")))
    not_final = "(not final: deduplication not done)"
    assert lines[start + 1 : start + 6] == [
        f"  {window[0]} (latest run): searched {window[1]['from']} to {window[1]['to']}, "
        f"{counts['database_results']} record(s) identified, {counts['duplicates']} duplicate(s) "
        f"removed so far (not final: {waiting})",
        f"    Automation exclusions: done: {counts['excluded_automatic']} record(s) excluded",
        f"    Title/abstract screening: so far: {counts['records_screened']} record(s) screened, "
        f"{counts['records_excluded']} excluded {not_final}",
        f"    Full-text retrieval and assessment: so far: {counts['dbr_assessed']} report(s) "
        f"assessed, {counts['new_studies']} new stud(ies) included {not_final}",
        f"    Totals: so far: {counts['total_studies']} stud(ies) included in total {not_final}",
    ]
    # Who still has risk-of-bias forms to fill: forms assigned but not done, per reviewer.
    rob = json.loads((demo_outputs / "rob/status.json").read_text(encoding="utf-8"))
    owed = {r: s["assigned"] - s["done"] for r, s in rob["reviewers"].items()}
    assert any(owed.values()), "the demo leaves risk-of-bias forms to fill"
    for reviewer, left in owed.items():
        line = f"  - Risk of bias: {reviewer} has {left} to do; return to {human}/risk_of_bias"
        assert (line in lines) == (left > 0)


def test_status_before_any_stage_has_run_says_what_everything_waits_for(tmp_path: Path) -> None:
    config = load_config(DEMO_CONFIG)
    from livingreview.report.status import status_lines

    lines = status_lines(config, tmp_path / "nothing")
    stages = [line for line in lines if line.startswith("  ")]
    assert len(stages) == len(lines) - 2 and all("waiting for" in s for s in stages)
    assert lines[-1] == "Nothing is waiting for a person."


def test_status_into_a_pipe_whose_reader_has_gone_stops_quietly(
    demo_outputs: Path, tmp_path: Path
) -> None:
    override = tmp_path / "outputs.yaml"
    override.write_text(yaml.safe_dump({"paths": {"outputs": str(demo_outputs)}}))
    reader, writer = os.pipe()
    os.close(reader)  # as `livingreview status | true` leaves it
    with open(writer, "wb") as gone:
        result = subprocess.run(
            [sys.executable, "-m", "livingreview", "status", "--configfile",
             *map(str, DEMO_CONFIG), str(override)],
            stdout=gone, stderr=subprocess.PIPE, text=True, check=False,
        )  # fmt: skip
    assert result.returncode == SIGPIPE_EXIT
    assert result.stderr == ""


def test_a_count_the_ledger_leaves_null_is_shown_as_zero_not_a_crash(
    demo_outputs: Path, tmp_path: Path
) -> None:
    """A finished stage whose second count is null (the ledger's 'not known') prints 0."""
    from livingreview.report.status import status_lines

    ledger = json.loads((demo_outputs / "prisma/ledger.json").read_text(encoding="utf-8"))
    (column,) = ledger["rounds"]
    column["pending"].pop("deduplication")  # as if the demo's maybe pairs were decided
    column["counts"]["records_excluded"] = None
    column["counts"]["new_studies"] = None
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma/ledger.json").write_text(json.dumps(ledger), encoding="utf-8")
    lines = status_lines(load_config(DEMO_CONFIG), tmp_path)
    screened = column["counts"]["records_screened"]
    assert f"    Title/abstract screening: done: {screened} record(s) screened, 0 excluded" in lines
    assessed = column["counts"]["dbr_assessed"]
    assert (
        f"    Full-text retrieval and assessment: done: {assessed} report(s) assessed, "
        "0 new stud(ies) included"
    ) in lines


def test_a_study_awaiting_consensus_is_counted_once_in_the_pending_work() -> None:
    # Risk-of-bias status as run_appraisal writes it: 5 studies without a final judgement, 2 of
    # them because the two reviewers disagree (they wait for consensus, not for an assessment).
    status = {"stage": "risk_of_bias", "pending": 5, "disagreements": 2, "assessed": 3}
    assert pending_work({"rob_status": status}) == [
        "Risk of bias: 3 study(ies) still to assess",
        "Risk of bias: 2 study(ies) with disagreements for consensus",
    ]
    assert pending_work({"rob_status": {**status, "pending": 2}}) == [
        "Risk of bias: 2 study(ies) with disagreements for consensus"
    ]


def test_status_names_the_folder_every_awaited_sheet_goes_back_to() -> None:
    from livingreview.report.status import returned_folders

    config = load_config(DEMO_CONFIG)
    human = config["paths"]["human_input"]
    waiting = {"r1": {"assigned": 10, "decided": 7, "pending": 3}}
    read = {  # each stage's status and outcome files, as the stages write them
        "library_counts": {"maybe_pairs_pending": 2},
        "screening_status": {"reviewers": waiting},
        "screening_outcome": {"conflicts_pending": 1, "resolver": "r3"},
        "fulltext_status": {"reviewers": waiting},
        "fulltext_outcome": {"conflicts_pending": 2, "resolver": "r3"},
        "extraction_status": {"reviewers": waiting, "studies": {"disagreement": 1}},
        "rob_status": {"reviewers": {"r1": {"assigned": 4, "done": 1}}, "pending": 3},
    }
    lines = pending_work(read, returned_folders(config))
    assert [line.rsplit("; return to ", 1)[1] for line in lines] == [
        f"{human}/{folder}"
        for folder in (
            "dedup",
            "screening/title_abstract",
            config["screening"]["conflicts_folder"],
            "full_text/sheets",
            "full_text/conflicts",
            config["extraction"]["folder"],
            config["extraction"]["folder"],
            config["risk_of_bias"]["folder"],
            config["risk_of_bias"]["folder"],
        )
    ]
    assert all("; return to" not in line for line in pending_work(read))  # the report's
