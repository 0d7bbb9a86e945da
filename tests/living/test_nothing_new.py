"""A version whose search finds nothing to include: its counts are final all the same.

Round 1 (the replayed real Europe PMC page of ``test_split_study``) includes one study at full
text. Round 2 searches again and every new study is excluded at title/abstract, so no report is
sought: version 2's full-text boxes are 0, not "pending", its total is version 1's, and the next
round may start with ``--require-final``.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from livingreview.config import load_config
from tests.living.test_split_study import paired_round
from tests.replay_server import ReplayServer
from tests.test_living_rounds import ROUND_TWO, STEPS, run, screen_round, serve_results
from tests.test_search_stage import cli

FULL_TEXT_BOXES = (
    "dbr_sought_reports",
    "dbr_notretrieved_reports",
    "dbr_assessed",
    "dbr_included_reports",
    "new_studies",
    "new_reports",
)


def test_a_version_including_nothing_new_has_zero_full_text_boxes_and_final_totals(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    first = paired_round(replay_server, sources_dir, tmp_path, "duplicate")
    config, out, env = first.config, first.out, first.env
    run(config, "round new")
    serve_results(replay_server, sources_dir, ROUND_TWO)
    run(config, "search epmc", *STEPS, env=env)
    settings = load_config([config])
    screen_round(settings, 2, include=set())
    run(config, "screen", "conflicts", "fulltext", "ledger", env=env)

    ledger = json.loads((out / "prisma/ledger.json").read_text(encoding="utf-8"))
    one, two = ledger["rounds"]
    assert two["pending"] == {} and ledger["pending"] == []
    counts = two["counts"]
    assert counts["records_screened"] == counts["records_excluded"] > 0
    assert {box: counts[box] for box in FULL_TEXT_BOXES} == dict.fromkeys(FULL_TEXT_BOXES, 0)
    assert two["lists"]["dbr_excluded"] == []
    assert counts["previous_studies"] == counts["total_studies"] == one["counts"]["total_studies"]
    assert counts["previous_reports"] == counts["total_reports"] == 1
    assert counts["removed_studies"] == counts["removed_reports"] == 0

    started = cli("round", "new", "--require-final", "--configfile", str(config), env=env)
    assert started.returncode == 0, started.stderr
    history = Path(settings["deduplication"]["history_dir"])
    rounds = yaml.safe_load((history / "rounds.yaml").read_text(encoding="utf-8"))["rounds"]
    assert [r["version"] for r in rounds] == ["2025.1", "2025.2", "2025.3"]
    frozen = json.loads((history / "2025.2/prisma_ledger.json").read_text(encoding="utf-8"))
    assert frozen["column"]["counts"] == counts
