"""A note on a maybe pair nobody decided is kept when the pair is no longer asked.

Three real Embase records of one diabetes paper (benchmark set ``diabetes``) are possible
duplicates of each other. A person decides two of the pairs ``duplicate`` and writes a note on
the third, undecided: that pair is now inside one study, so no sheet asks it again.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path
from typing import Any

import pytest

from livingreview.dedup.library import build_library
from livingreview.records import write_records
from livingreview.sheets import CSV_META_PREFIX
from tests.dedup import benchmark_frame
from tests.dedup.library_helpers import demo_config
from tests.dedup.test_incremental import _records

IDS = ("id_0000033", "id_0001153", "id_0001520")
NOTE = "third copy: check the PDF before merging"


def _csv(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file (below the metadata line of a CSV sheet, if it has one)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = handle.readlines()
    return list(csv.DictReader(lines[1:] if lines[0].startswith(CSV_META_PREFIX) else lines))


def _first_round(tmp_path: Path) -> tuple[dict[str, Any], Path]:
    """The library of the three records built once (its sheet lists every pair of them)."""
    frame = benchmark_frame("diabetes")
    records = _records(frame[frame["ID"].isin(IDS)])
    config = demo_config(tmp_path)
    identified = tmp_path / "identified.csv"
    write_records(identified, records)
    build_library(config, identified=identified)
    return config, identified


def _return(tmp_path: Path, rows: list[tuple[tuple[str, str], str, str]]) -> None:
    """A returned sheet, ``human/dedup/mine.csv``: (pair, decision, notes) per row."""
    folder = tmp_path / "human/dedup"
    folder.mkdir(parents=True)
    lines = [f"{a},{b},{decision},{notes}\n" for (a, b), decision, notes in rows]
    text = "record_a,record_b,decision,notes\n" + "".join(lines)
    (folder / "mine.csv").write_text(text, encoding="utf-8")


def test_a_note_on_a_pair_no_longer_asked_is_kept_and_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config, identified = _first_round(tmp_path)
    sheet = _csv(tmp_path / "outputs/dedup/maybe_pairs.csv")
    # every pair of the three records is a maybe
    first, second, third = [(r["record_a"], r["record_b"]) for r in sheet]
    _return(tmp_path, [(first, "duplicate", ""), (third, "duplicate", ""), (second, "", NOTE)])
    with caplog.at_level(logging.WARNING, logger="livingreview.dedup"):
        counts = build_library(config, identified=identified)

    assert counts["maybe_decisions_applied"] == 2 and counts["maybe_pairs_pending"] == 0
    kept = _csv(tmp_path / "outputs/library/decisions.csv")
    assert [(d["record_a"], d["record_b"], d["decision"]) for d in kept] == [
        (*first, "duplicate"),
        (*second, ""),
        (*third, "duplicate"),
    ]
    assert kept[1]["notes"] == NOTE and (kept[1]["file"], kept[1]["row"]) == ("dedup/mine.csv", "4")
    assert f"pair {second[0]} / {second[1]} has notes but no decision" in caplog.text
    assert "its records are one study now" in caplog.text and NOTE in caplog.text


def test_a_note_on_a_pair_whose_studies_are_asked_through_another_pair_names_that_pair(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Two of the three records joined by a person: the third record and that study are asked
    # about once, through their strongest pair; a note on the other pair is not asked again
    # although the two studies still may be one (the warning said they no longer might).
    config, identified = _first_round(tmp_path)
    first, second, third = [
        (r["record_a"], r["record_b"]) for r in _csv(tmp_path / "outputs/dedup/maybe_pairs.csv")
    ]
    _return(tmp_path, [(first, "duplicate", ""), (second, "", NOTE), (third, "", NOTE)])
    with caplog.at_level(logging.WARNING, logger="livingreview.dedup"):
        build_library(config, identified=identified)
    [asked] = [
        (r["record_a"], r["record_b"]) for r in _csv(tmp_path / "outputs/dedup/maybe_pairs.csv")
    ]
    [unasked] = {second, third} - {asked}
    [warning] = [r.getMessage() for r in caplog.records if "has notes but no decision" in r.message]
    assert f"pair {unasked[0]} / {unasked[1]} has notes" in warning
    assert f"its two studies are asked about through pair {asked[0]} / {asked[1]}" in warning
    assert "no longer a possible duplicate" not in warning
