"""A note on a maybe pair nobody decided is kept when the pair is no longer asked.

Three real Embase records of one diabetes paper (benchmark set ``diabetes``) are possible
duplicates of each other. A person decides two of the pairs ``duplicate`` and writes a note on
the third, undecided: that pair is now inside one study, so no sheet asks it again.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pytest

from livingreview.dedup.library import build_library
from livingreview.records import write_records
from tests.dedup import benchmark_frame
from tests.dedup.library_helpers import demo_config
from tests.dedup.test_incremental import _records

IDS = ("id_0000033", "id_0001153", "id_0001520")
NOTE = "third copy: check the PDF before merging"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_note_on_a_pair_no_longer_asked_is_kept_and_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    frame = benchmark_frame("diabetes")
    records = _records(frame[frame["ID"].isin(IDS)])
    config = demo_config(tmp_path)
    identified = tmp_path / "identified.csv"
    write_records(identified, records)
    build_library(config, identified=identified)
    sheet = _csv(tmp_path / "outputs/dedup/maybe_pairs.csv")
    # every pair of the three records is a maybe
    first, second, third = [(r["record_a"], r["record_b"]) for r in sheet]
    folder = tmp_path / "human/dedup"
    folder.mkdir(parents=True)
    (folder / "mine.csv").write_text(
        "record_a,record_b,decision,notes\n"
        f"{first[0]},{first[1]},duplicate,\n{third[0]},{third[1]},duplicate,\n"
        f"{second[0]},{second[1]},,{NOTE}\n",
        encoding="utf-8",
    )
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
