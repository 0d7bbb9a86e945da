"""``round new --require-final`` on the demo's round, which leaves possible duplicate pairs for a
person: the duplicates removed and every count after them may still change, so the round is not
final and the strict command refuses, naming the pairs and nothing else."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from livingreview.config import load_config
from livingreview.errors import ConfigError
from livingreview.prisma import collect
from livingreview.round_state import new_round, state_path
from tests.prisma.ledgers import DEMO_CONFIG, demo_override


def test_require_final_refuses_while_maybe_pairs_wait_for_a_person(
    demo_outputs: Path, tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    config = load_config([*DEMO_CONFIG, demo_override(tmp_path / "paths.yaml", outputs)])
    counts = json.loads((outputs / collect.COUNTS).read_text(encoding="utf-8"))
    waiting = counts["maybe_pairs_pending"]
    assert waiting > 0  # everything else of the demo's round is done
    with pytest.raises(ConfigError) as refused:
        new_round(config, require_final=True, today="2025-06-02")
    assert str(refused.value) == (
        "round '2025.1' is not finished, its PRISMA counts are not final: Deduplication: "
        f"{waiting} possible duplicate pair(s) to decide in dedup/maybe_pairs.xlsx (counted so "
        "far). Finish it, run the pipeline and commit the snapshots, then start the next round"
    )
    assert not state_path(config).exists()
    # The message names nothing else: deciding the pairs is all the round waits for.
    frozen = json.loads((outputs / "library_history/2025.1" / collect.SNAPSHOT).read_text())
    assert list(frozen["column"]["pending"]) == ["deduplication"]
