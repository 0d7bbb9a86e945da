"""`livingreview where` gives how many studies each screening sheet lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from livingreview.cli.progress import _where_screening


def status(outputs: Path, pending: dict[str, int]) -> None:
    """A screening status.json with the ``pending`` count of each reviewer."""
    state = {
        "round": 1,
        "sheets": [f"screening/sheets/title_abstract_round1_{r}.xlsx" for r in pending],
        "reviewers": {r: {"pending": n} for r, n in pending.items()},
    }
    (outputs / "screening").mkdir(parents=True)
    (outputs / "screening/status.json").write_text(json.dumps(state), encoding="utf-8")


@pytest.mark.parametrize(("batch_size", "listed"), [(0, "r1 120, r2 7"), (50, "r1 50, r2 7")])
def test_a_batch_sheet_lists_at_most_the_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], batch_size: int, listed: str
) -> None:
    status(tmp_path, {"r1": 120, "r2": 7})
    screening = {"folder": "screening/title_abstract", "batch_size": batch_size}
    _where_screening(
        {"paths": {"outputs": tmp_path, "human_input": "human"}, "screening": screening}
    )
    # before: "r1 120" with batch_size 50, though the sheet lists the next 50 (stage.py)
    assert f"(not yet decided by its reviewer): {listed}\n" in capsys.readouterr().out
