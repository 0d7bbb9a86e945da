"""Two library studies merged in a later round: the retired one becomes a report of the other.

Round 1 (the replayed real Europe PMC page of ``test_split_study``) holds an article and its
preprint; a person marks the pair as two studies and both are included at full text. In round 2
the person changes their mind: the pair is one study. The library keeps the article's study id,
retires the preprint's and writes a ``merged`` event. Nobody's decision is dropped: the
preprint's report stays included, now as a report of the surviving study, so version 2 includes
one study with both reports; PRISMA counts one study removed and no report removed, and the
changelog names the study it was merged into.
"""

from __future__ import annotations

import json
from pathlib import Path

from livingreview.config import load_config
from tests.living.test_split_study import decide_pair, paired_round
from tests.replay_server import ReplayServer
from tests.test_living_rounds import ROUND_TWO, STEPS, run, screen_round, serve_results
from tests.test_living_versions import LATER_STAGES, rows


def test_a_study_merged_in_round_two_becomes_a_report_of_the_surviving_study(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    first = paired_round(replay_server, sources_dir, tmp_path, "distinct")
    config, out, env = first.config, first.out, first.env
    survivor, retired = first.groups[first.kept], first.groups[first.preprint]
    assert survivor != retired
    one_decisions = rows(out / "fulltext/decisions.csv")
    assert sorted((r["report_id"], r["decision"]) for r in one_decisions) == sorted(
        [(survivor, "include"), (retired, "include")]
    )

    # Round 2: the person now says the pair is one study.
    run(config, "round new")
    serve_results(replay_server, sources_dir, ROUND_TWO)
    decide_pair(first.sheet, (first.kept, first.preprint), "duplicate")
    run(config, "search epmc", *STEPS, env=env)
    groups = {r["record_id"]: r["study_id"] for r in rows(out / "library/groups.csv")}
    assert groups[first.kept] == groups[first.preprint] == survivor  # the older anchor's id
    merges = [r for r in rows(out / "library/changelog.csv") if r["event"] == "merged"]
    assert [(r["round"], r["study_id"], r["other_study_id"]) for r in merges] == [
        ("2", survivor, retired)
    ]
    settings = load_config([config])
    screen_round(settings, 2, include=set())
    run(config, "screen", "conflicts", *LATER_STAGES, env=env)

    # Both reports keep their round-1 decision; the retired study's is now the survivor's.
    decisions = {r["report_id"]: r for r in rows(out / "fulltext/decisions.csv")}
    assert sorted(decisions) == sorted([survivor, retired])
    assert {r["decision"] for r in decisions.values()} == {"include"}
    assert {r["round"] for r in decisions.values()} == {"1"}
    assert {r["study_id"] for r in decisions.values()} == {survivor}
    included = rows(out / "fulltext/included_studies.csv")
    assert [(r["study_id"], r["reports"]) for r in included] == [
        (survivor, "; ".join(sorted([survivor, retired])))
    ]
    outcome = json.loads((out / "fulltext/outcome.json").read_text(encoding="utf-8"))
    assert outcome["studies_included"] == 1 and outcome["reports_included"] == 2

    ledger = json.loads((out / "prisma/ledger.json").read_text(encoding="utf-8"))
    one, two = (r["counts"] for r in ledger["rounds"])
    assert one["total_studies"] == 2 and one["total_reports"] == 2
    assert two["previous_studies"] == 2 and two["previous_reports"] == 2
    assert two["removed_studies"] == 1 and two["removed_reports"] == 0
    assert two["new_studies"] == two["new_reports"] == 0
    assert two["total_studies"] == 1 and two["total_reports"] == 2

    changelog = [c for c in rows(out / "report/changelog.csv") if c["version"] == "2025.2"]
    removed = [c for c in changelog if c["change"] == "study_removed"]
    assert [(c["study_id"], c["detail"]) for c in removed] == [
        (retired, f"merged into study {survivor} in round 2")
    ]
    added = [c for c in changelog if c["change"] == "report_added"]
    assert [(c["study_id"], c["item"]) for c in added] == [(survivor, retired)]
    assert f"study {retired}, merged into the study in round 2" in added[0]["detail"]
    assert not [c for c in changelog if c["change"] == "study_included"]
