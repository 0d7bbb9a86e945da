"""A reviewer who left round-1 studies undecided when round 2 started.

The rounds of ``test_living_rounds`` (replayed real Europe PMC page). In round 1, r1 decides
every study and r2 leaves three blank; the team starts round 2 anyway (``round new`` warns that
round 1's counts are not final). r2's round-2 sheet lists the three round-1 studies beside the new
ones, with their round, so every study awaiting r2 is on a sheet r2 can fill in; r1's lists only
the new ones. r2 returns one of them on its old round-1 sheet, saved under a new name, and the
other two on the round-2 sheet. Each decision counts with r1's round-1 decision (no study waits
for a second reviewer), in round 1 (round 2's PRISMA boxes count only round 2's records); round
1's frozen counts stay as published, and the ledger, the status and the living diagrams say how
far round 1's screening has got since it was frozen.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl

from livingreview.config import load_config
from livingreview.report.status import status_lines
from tests.replay_server import ReplayServer
from tests.screening.sheet_helpers import fill_like_a_person, returned_dir, sheet_path
from tests.test_living_rounds import first_round, run, second_round, sheet_studies
from tests.test_living_versions import rows


def sheet_rounds(sheet: Path) -> dict[str, object]:
    """Study id -> its 'round' cell (None without that column)."""
    table = list(openpyxl.load_workbook(sheet, read_only=True)["Screening"].values)
    header = list(table[0])
    column = header.index("round") if "round" in header else None
    return {
        row[header.index("study_id")]: None if column is None else row[column]
        for row in table[1:]
        if row[header.index("study_id")]
    }


def test_round_one_studies_left_blank_are_on_round_two_sheet_and_counted_in_round_one(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    first = first_round(replay_server, sources_dir, tmp_path)
    config, out, env = first.config, first.out, first.env
    settings = load_config([config])
    studies = first.studies
    reason = settings["exclusion_reasons"]["title_abstract"][0]["label"]
    excluded = ("Exclude", reason, "")
    included = studies[0]
    typed = {s: ("Include", "", "") if s == included else excluded for s in studies}
    late, *carried = studies[-3:]
    folder = returned_dir(settings)
    fill_like_a_person(sheet_path(settings, "r1", 1), folder / "round1_r1_done.xlsx", typed)
    r2_done = folder / "round1_r2_done.xlsx"
    blanked = {s: v for s, v in typed.items() if s not in (late, *carried)}
    fill_like_a_person(sheet_path(settings, "r2", 1), r2_done, blanked)
    run(config, "screen", "conflicts", "ledger", env=env)
    frozen_note = f"in progress: {len(studies) - 3} of {len(studies)} records with a final decision"
    ledger = json.loads((out / "prisma/ledger.json").read_text(encoding="utf-8"))
    assert ledger["rounds"][0]["pending"]["screening"] == frozen_note

    # round new (which warns that round 1's counts are not final), then round 2's steps.
    kept = next(r for r, s in first.groups.items() if s == included)
    second_round(first, replay_server, sources_dir, kept)
    history = Path(settings["deduplication"]["history_dir"])
    snapshot_one = history / "2025.1/prisma_ledger.json"
    frozen = snapshot_one.read_bytes()
    assert json.loads(frozen)["column"]["pending"]["screening"] == frozen_note
    settings = load_config([config])
    new_studies = set(sheet_studies(sheet_path(settings, "r1", 2)))
    assert new_studies and not new_studies & set(studies)

    # Every study awaiting r2 is on r2's current sheet, marked with its round; r1's: the new.
    on_r2 = sheet_rounds(sheet_path(settings, "r2", 2))
    assert on_r2 == {**dict.fromkeys(new_studies, "2"), **dict.fromkeys((late, *carried), "1")}
    assert set(sheet_rounds(sheet_path(settings, "r1", 2))) == new_studies
    status = json.loads((out / "screening/status.json").read_text(encoding="utf-8"))
    assert status["reviewers"]["r2"]["pending"] == len(on_r2)
    assert status["reviewers"]["r1"]["pending"] == len(new_studies)

    # r2 fills one in the round-1 sheet it returned before, saved under a new name: it leaves
    # the round-2 sheet, which still lists the other two.
    fill_like_a_person(r2_done, folder / "round1_r2_late.xlsx", {late: excluded}, shuffle=False)
    run(config, "screen", env=env)
    assert sheet_rounds(sheet_path(settings, "r2", 2)) == {
        **dict.fromkeys(new_studies, "2"),
        **dict.fromkeys(carried, "1"),
    }
    # Both return round 2's sheets, r2 deciding the two round-1 studies there too.
    for reviewer in ("r1", "r2"):
        sheet = sheet_path(settings, reviewer, 2)
        fill_like_a_person(
            sheet,
            folder / f"round2_{reviewer}_done.xlsx",
            dict.fromkeys(sheet_studies(sheet), excluded),
        )
    run(config, "screen", "conflicts", "ledger", "report", env=env)

    stored = {
        (r["reviewer"], r["study_id"]): r["round"] for r in rows(out / "screening/decisions.csv")
    }
    assert stored[("r2", late)] == "1"
    assert all(stored[("r2", s)] == "2" for s in carried)  # decided on the round-2 sheet
    outcome = json.loads((out / "screening/outcome.json").read_text(encoding="utf-8"))
    assert outcome["awaiting_second_reviewer"] == 0 and outcome["conflicts_pending"] == 0
    final = {r["study_id"]: r for r in rows(out / "screening/final_decisions.csv")}
    assert set(final) == set(studies) | new_studies
    assert all(final[s]["round"] == "1" for s in studies)
    assert all(final[s]["votes"].startswith("r1: exclude") for s in carried)
    status = json.loads((out / "screening/status.json").read_text(encoding="utf-8"))
    assert {r: s["pending"] for r, s in status["reviewers"].items()} == {"r1": 0, "r2": 0}

    # Round 2's boxes count its own records; round 1's column is the one frozen, and says how
    # far its screening got after it was frozen.
    assert snapshot_one.read_bytes() == frozen
    published = json.loads(frozen)["column"]
    ledger = json.loads((out / "prisma/ledger.json").read_text(encoding="utf-8"))
    one, two = ledger["rounds"]
    assert one["counts"] == published["counts"]
    assert one["counts"]["records_screened"] is None
    assert two["counts"]["records_screened"] == len(new_studies)
    assert "screening" not in two["pending"]
    since = (
        f"{frozen_note} when version 2025.1 was frozen; {len(studies)} of {len(studies)} "
        "decided now, not counted in its published boxes"
    )
    assert one["pending"]["screening"] == since
    assert f"    Title/abstract screening: {since}" in status_lines(settings, out)
    for layout in ("combined", "each"):
        drawn = (out / f"prisma/living/{layout}.svg").read_text(encoding="utf-8")
        assert since in " ".join(re.findall(r">([^<>]+)</text>", drawn))
