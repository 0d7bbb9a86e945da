"""``livingreview round new`` while the current round is not finished: it warns and goes on.

The rounds of ``test_living_rounds`` (replayed real Europe PMC page). Round 1 is screened and
three studies go to full text, but no reviewer has returned a full-text sheet when the team
starts round 2 without ``--require-final``. The command warns, naming what is pending, and starts
the round; nothing of round 1 is lost: its snapshots, its screening decisions and its full-text
reports, which stay on the reviewers' sheets, are decided during round 2 and count in version 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from livingreview.config import load_config
from tests.replay_server import ReplayServer
from tests.screening.sheet_helpers import sheet_path
from tests.test_living_rounds import (
    ROUND_TWO,
    STEPS,
    first_round,
    run,
    screen_round,
    serve_results,
    sheet_studies,
)
from tests.test_living_versions import form_studies, return_round, rows, written_form
from tests.test_search_stage import cli


def test_round_new_with_round_one_unfinished_warns_starts_round_two_and_loses_nothing(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    first = first_round(replay_server, sources_dir, tmp_path)
    config, out, env = first.config, first.out, first.env
    settings = load_config([config])
    included = set(first.studies[:3])
    screen_round(settings, 1, include=included)
    run(config, "screen", "conflicts", "fulltext", "ledger", env=env)
    history = Path(settings["deduplication"]["history_dir"])
    kept_one = {p: p.read_bytes() for p in sorted((history / "2025.1").rglob("*")) if p.is_file()}
    decisions_one = rows(out / "screening/decisions.csv")
    final_one = rows(out / "screening/final_decisions.csv")
    forms_one = {r: written_form(settings, "full_text", 1, r) for r in ("r1", "r2")}

    started = cli("round", "new", "--configfile", str(config), env=env)
    assert started.returncode == 0, started.stderr
    warning = (
        "round '2025.1': its PRISMA counts are not final: Full-text retrieval and assessment: "
        f"in progress: {len(included)} of {len(included)} reports pending (boxes not shown). "
        "The next version's 'Studies included in previous version of review' stays empty."
    )
    assert warning in started.stderr
    assert "round 2025.2: searches from" in started.stdout
    rounds = yaml.safe_load((history / "rounds.yaml").read_text(encoding="utf-8"))["rounds"]
    assert [r["version"] for r in rounds] == ["2025.1", "2025.2"]
    # Round 1's snapshot is as it was: the ledger built again from the same outputs.
    assert {p: p.read_bytes() for p in kept_one} == kept_one
    assert load_config([config])["review"]["version"] == "2025.2"

    # Round 2 searches, deduplicates and screens only its new studies.
    second_pmids = serve_results(replay_server, sources_dir, ROUND_TWO)
    run(config, "search epmc", *STEPS, env=env)
    settings = load_config([config])
    groups = {r["record_id"]: r["study_id"] for r in rows(out / "library/groups.csv")}
    new_studies = set(groups.values()) - set(first.groups.values())
    assert len(new_studies) == len(set(second_pmids) - set(first.pmids))
    assert sorted(sheet_studies(sheet_path(settings, "r1", 2))) == sorted(new_studies)
    new_study = sorted(new_studies)[0]
    screen_round(settings, 2, include={new_study})
    run(config, "screen", "conflicts", "fulltext", env=env)
    assert all(row in rows(out / "screening/decisions.csv") for row in decisions_one)
    final_two = {r["study_id"]: r for r in rows(out / "screening/final_decisions.csv")}
    assert all(final_two[r["study_id"]] == r for r in final_one)
    # Round 1's reports are still awaited: on round 2's full-text forms beside the new one.
    assert form_studies(settings, "full_text", 2) == included | {new_study}
    assert all(form.is_file() for form in forms_one.values())

    # The reviewers return round 1's forms during round 2, then round 2's.
    return_round(settings, "full_text", 1, {s: {"decision": "include"} for s in included})
    run(config, "fulltext", env=env)
    assert form_studies(settings, "full_text", 2) == {new_study}
    return_round(settings, "full_text", 2, {new_study: {"decision": "include"}})
    run(config, "fulltext", "ledger", env=env)
    decided = {
        r["report_id"]: (r["round"], r["decision"]) for r in rows(out / "fulltext/decisions.csv")
    }
    assert decided == {**{s: ("1", "include") for s in included}, new_study: ("2", "include")}
    ledger = json.loads((out / "prisma/ledger.json").read_text(encoding="utf-8"))
    one, two = (r["counts"] for r in ledger["rounds"])
    # Version 1 stays as frozen (its full text was not done); version 2 counts what it includes.
    assert one["total_studies"] is None and one["dbr_assessed"] is None
    # Its note says the reports it awaited have been assessed since.
    assert ledger["rounds"][0]["pending"]["full_text"] == (
        f"in progress: {len(included)} of {len(included)} reports pending when version 2025.1 "
        f"was frozen; 0 of {len(included)} pending now, not counted in its published boxes"
    )
    assert two["previous_studies"] is None
    assert two["total_studies"] == len(included) + 1
