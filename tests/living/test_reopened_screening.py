"""A round-1 title/abstract decision revised after round 2 started.

The rounds of ``test_living_rounds`` (replayed real Europe PMC page). Both reviewers decide every
round-1 study alike, so round 1's screening is final when ``round new`` freezes it. Then r2
returns its round-1 sheet again under a new name with one exclusion changed to include: the
study is a conflict again. Round 1's published counts stay as they were, and
``livingreview status`` (its round 1 lines and the work still pending, the report's list too)
says that round 1 has a study re-opened and who it waits for, instead of round 1 being done.
"""

from __future__ import annotations

import json
from pathlib import Path

from livingreview.config import load_config
from livingreview.report.status import status_lines
from tests.replay_server import ReplayServer
from tests.screening.sheet_helpers import fill_like_a_person, returned_dir, sheet_path
from tests.test_living_rounds import first_round, run, second_round


def test_a_later_file_reopening_a_final_round_one_decision_is_named_in_status(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    first = first_round(replay_server, sources_dir, tmp_path)
    config, out = first.config, first.out
    settings = load_config([config])
    studies = first.studies
    reason = settings["exclusion_reasons"]["title_abstract"][0]["label"]
    excluded = ("Exclude", reason, "")
    included = studies[0]
    typed = {s: ("Include", "", "") if s == included else excluded for s in studies}
    folder = returned_dir(settings)
    r2_done = folder / "round1_r2_done.xlsx"
    fill_like_a_person(sheet_path(settings, "r1", 1), folder / "round1_r1_done.xlsx", typed)
    fill_like_a_person(sheet_path(settings, "r2", 1), r2_done, typed)
    run(config, "screen", "conflicts", "ledger", env=first.env)
    kept = next(r for r, s in first.groups.items() if s == included)
    second_round(first, replay_server, sources_dir, kept)
    published = json.loads(
        (Path(settings["deduplication"]["history_dir"]) / "2025.1/prisma_ledger.json").read_text(
            encoding="utf-8"
        )
    )["column"]
    assert published["counts"]["records_screened"] == len(studies)
    assert "screening" not in published["pending"]

    # r2 revises one round-1 exclusion on a copy of its returned round-1 sheet.
    revised = studies[-1]
    fill_like_a_person(
        r2_done, folder / "round1_r2_revised.xlsx", {revised: ("Include", "", "")}, shuffle=False
    )
    run(config, "screen", "conflicts", "ledger", "report", env=first.env)
    outcome = json.loads((out / "screening/outcome.json").read_text(encoding="utf-8"))
    assert outcome["conflicts_pending"] == 1
    resolver = outcome["resolver"]
    ledger = json.loads((out / "prisma/ledger.json").read_text(encoding="utf-8"))
    assert ledger["rounds"][0]["counts"] == published["counts"]  # as version 2025.1 published

    lines = status_lines(load_config([config]), out)
    what = (
        f"1 study re-opened by a later decision, a conflict for {resolver} to resolve in "
        "screening/conflicts.xlsx"
    )
    screened = (
        f"    Title/abstract screening: done when version 2025.1 was published: "
        f"{len(studies)} record(s) screened, {len(studies) - 1} excluded; since, {what}"
    )
    assert screened in lines
    pending = (
        f"  - Title/abstract screening: version 2025.1, final when it was published, has {what} "
        "(among the conflicts above; its published counts stay as they were)"
    )
    assert pending in lines
    report = (out / "report/index.html").read_text(encoding="utf-8")
    assert "version 2025.1, final when it was published, has 1 study re-opened" in report
