"""``round new``'s warning that the current round's counts are not final reads as sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.round_state import new_round
from tests.living.test_round_bad_input import started


def test_the_not_final_warning_ends_each_pending_item_as_a_sentence(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = started(tmp_path)  # round '1' ran, but no PRISMA ledger snapshot was made
    with caplog.at_level("WARNING", logger="livingreview.rounds"):
        new_round(config, search_to="2025-06-01")
    (warning,) = caplog.messages
    ledger = tmp_path / "history/1/prisma_ledger.json"
    assert warning == (
        f"round '1': its PRISMA counts are not final: no PRISMA ledger of version 1 ({ledger}): "
        "run the pipeline. The next version's 'Studies included in previous version of review' "
        "stays empty."
    )
