"""``round new`` while title/abstract screening of the demo's round is still in progress, but
full text has decided every study screening sent so far: the warning says what the next
version's 'Studies included in previous version of review' will show (the frozen total), not
that it stays empty."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from livingreview.config import load_config
from livingreview.fileio import read_json
from livingreview.prisma import collect
from livingreview.prisma.ledger import Column
from livingreview.round_state import new_round
from tests.conftest import REPO_ROOT
from tests.living.pending_demo import demo_with_screening_pending


def test_the_warning_gives_the_total_the_next_version_carries_over(
    demo_outputs: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    outputs, overlay = demo_with_screening_pending(demo_outputs, tmp_path)
    files = [REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml", overlay]
    with caplog.at_level("WARNING", logger="livingreview.rounds"):
        entry = new_round(load_config(files), today="2025-06-02")
    assert entry["version"] == "2025.2"

    with (outputs / collect.FULL_TEXT_DECISIONS).open(encoding="utf-8") as handle:
        included = {r["study_id"] for r in csv.DictReader(handle) if r["decision"] == "include"}
    (warning,) = caplog.messages
    waiting = read_json(outputs / collect.COUNTS, "counts")["maybe_pairs_pending"]
    assert warning.startswith(
        f"round '2025.1': its PRISMA counts are not final: Deduplication: {waiting} possible "
        "duplicate pair(s) to decide in dedup/maybe_pairs.xlsx (counted so far). Title/abstract "
        "screening: in progress: "
    )
    assert warning.endswith(
        f"The next version's 'Studies included in previous version of review' will be "
        f"{len(included)}, the total of version '2025.1''s ledger snapshot as frozen now; a "
        "study of round '2025.1' included from now on counts as a new study of version '2025.2'."
    )
    assert "stays empty" not in warning
    # What the next version's ledger chains from the frozen snapshot: that same number.
    frozen = read_json(outputs / "library_history/2025.1" / collect.SNAPSHOT, "snapshot")
    assert sorted(frozen["included"]) == sorted(included)
    earlier = collect.history(collect.snapshots(outputs / "library_history", "2025.2"))
    (_, _), (_, next_column) = collect.rounds_of(earlier, Column("2025.2"), 2)
    assert next_column.n("previous_studies") == len(included)
