"""The append-only decision store: written in log order, read back exactly, latest decision wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.errors import InputFileError
from livingreview.screening.decisions import (
    STORE_COLUMNS,
    ScreeningDecision,
    current_decisions,
    read_decisions,
    store_text,
    write_decisions,
)


def item(study: str, decision: str, file: str, when: str, row: int = 2) -> ScreeningDecision:
    return ScreeningDecision(
        study, "r1", "title_abstract", 1, decision, "", 'said "why", twice', file, row, when
    )


def test_store_round_trips_in_log_order(tmp_path: Path) -> None:
    newer = item("S1", "exclude", "b.xlsx", "2026-03-02T10:00:00Z")
    older = item("S1", "include", "a.xlsx", "2026-03-01T10:00:00Z", row=7)
    undated = item("S2", "maybe", "c.csv", "")
    path = tmp_path / "decisions.csv"
    write_decisions(path, [newer, older, undated])
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(STORE_COLUMNS)
    assert read_decisions(path) == [undated, older, newer]  # undated first, then by file time
    assert store_text([undated, newer, older]) == text  # input order does not matter


def test_the_latest_decision_wins_and_the_older_one_stays(tmp_path: Path) -> None:
    older = item("S1", "include", "z.xlsx", "2026-03-01T10:00:00Z")
    newer = item("S1", "exclude", "a.xlsx", "2026-03-02T10:00:00Z")
    same_time_later_file = item("S2", "maybe", "b.xlsx", "2026-03-01T10:00:00Z")
    same_time_earlier_file = item("S2", "include", "a.xlsx", "2026-03-01T10:00:00Z")
    log = [newer, older, same_time_later_file, same_time_earlier_file]
    current = current_decisions(log)
    assert current[("title_abstract", 1, "r1", "S1")] == newer
    assert current[("title_abstract", 1, "r1", "S2")] == same_time_later_file
    write_decisions(tmp_path / "d.csv", log)
    assert len(read_decisions(tmp_path / "d.csv")) == 4


def test_a_missing_store_is_empty_and_a_damaged_one_is_an_error(tmp_path: Path) -> None:
    assert read_decisions(tmp_path / "none.csv") == []
    path = tmp_path / "d.csv"
    write_decisions(path, [item("S1", "include", "a.xlsx", "")])
    path.write_text(path.read_text(encoding="utf-8").replace(",include,", ",yes,"), "utf-8")
    with pytest.raises(
        InputFileError, match=r"d.csv, row 2, field 'decision': unknown decision 'yes'"
    ):
        read_decisions(path)
    path.write_text("study_id,reviewer\nS1,r1\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"row 1: missing column\(s\) stage, round"):
        read_decisions(path)
