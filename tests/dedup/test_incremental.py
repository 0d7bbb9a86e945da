"""The incremental library step groups exactly as a full engine run, on real labelled records.

A real benchmark set (``../shared/bench/dedup``) is spread over three sources and split into a
round 1 and a small round 2 (new records, some of them duplicates of round-1 records, plus
round-1 records returned again, one of them corrected). Round 2 runs incrementally against round
1's snapshot; a full run puts every record into one round from scratch. Both must give the same
studies (as sets of records) and the same maybe pairs to check, and round-1 study ids must hold
(an id disappears only through a merge or split written to the changelog).
"""

from __future__ import annotations

import csv
import logging
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from livingreview.dedup import incremental
from livingreview.dedup.library import build_library
from livingreview.records import Record, write_records
from tests.dedup import benchmark_frame
from tests.dedup.library_helpers import demo_config

SOURCES = ("medline", "embase", "wos")


def _records(frame: pd.DataFrame) -> list[Record]:
    """Benchmark rows as records of one of three sources (by a hash of the id)."""
    out = []
    for row in frame.itertuples(index=False):
        source = SOURCES[zlib.crc32(row.ID.encode()) % len(SOURCES)]
        authors = [a.strip() for a in str(row.author).split(" and ") if a.strip()]
        fields = {
            "record_id": f"{source}:{row.ID}", "source": source, "source_id": str(row.ID),
            "doi": row.doi, "title": row.title, "abstract": row.abstract, "authors": authors,
            "year": row.year, "journal": row.journal, "volume": row.volume, "issue": row.number,
            "pages": row.pages, "publication_types": [str(row.ENTRYTYPE)],
        }  # fmt: skip
        out.append(Record(**fields))
    return out


def _split(records: list[Record]) -> tuple[list[Record], list[Record]]:
    """Round 1 (about nine in ten records); round 2: the rest, some round-1 records returned
    again and one of those corrected (its title edited)."""
    later = [r for r in records if zlib.crc32(r.source_id.encode()) % 10 == 0]
    first = [r for r in records if zlib.crc32(r.source_id.encode()) % 10 != 0]
    again = first[::97]
    corrected = replace(again[0], title=again[0].title + " (corrected)")
    return first, [*later, corrected, *again[1:]]


def _config(tmp: Path, version: str) -> dict[str, Any]:
    config = demo_config(tmp)
    config["review"]["version"] = version
    return config


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _studies(out: Path) -> set[frozenset[str]]:
    members: dict[str, set[str]] = {}
    for row in _rows(out / "library/groups.csv"):
        members.setdefault(row["study_id"], set()).add(row["record_id"])
    return {frozenset(m) for m in members.values()}


def _maybe(out: Path) -> list[tuple[str, ...]]:
    return [
        (r["record_a"], r["record_b"], r["score"], r["reason"])
        for r in _rows(out / "library/maybe_pairs.csv")
    ]


def _run_round(tmp: Path, version: str, records: list[Record]) -> dict[str, Any]:
    config = _config(tmp, version)
    identified = tmp / f"identified-{version}.csv"
    write_records(identified, records)
    return build_library(config, identified=identified)


def _decide(tmp: Path, pair: tuple[str, str], decision: str) -> None:
    sheet = tmp / "human/dedup/returned_pairs.csv"
    sheet.parent.mkdir(parents=True, exist_ok=True)
    sheet.write_text(f"record_a,record_b,decision\n{pair[0]},{pair[1]},{decision}\n")


@pytest.mark.parametrize("set_name", ["diabetes", "neuroimaging"])
def test_round_two_incremental_equals_a_full_run_and_keeps_study_ids(
    tmp_path: Path, set_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = _split(_records(benchmark_frame(set_name)))
    living, scratch = tmp_path / "living", tmp_path / "scratch"
    _run_round(living, "v1", first)
    before = {r["record_id"]: r["study_id"] for r in _rows(living / "outputs/library/groups.csv")}
    with caplog.at_level(logging.INFO, logger="livingreview.dedup"):
        counts = _run_round(living, "v2", second)
    assert "library: incremental deduplication" in caplog.text
    union = {r.record_id: r for r in first} | {r.record_id: r for r in second}
    _run_round(scratch, "v1", list(union.values()))

    assert _studies(living / "outputs") == _studies(scratch / "outputs")
    assert _maybe(living / "outputs") == _maybe(scratch / "outputs")
    after = {r["record_id"]: r["study_id"] for r in _rows(living / "outputs/library/groups.csv")}
    # A round-1 study id disappears only through a merge or split the changelog records.
    logged = {r["other_study_id"] for r in _rows(living / "outputs/library/changelog.csv")}
    assert set(before.values()) - set(after.values()) <= logged
    assert sum(after[rid] == sid for rid, sid in before.items()) > 0.9 * len(before)
    joined = [rid for rid in after if rid not in before and after[rid] in set(before.values())]
    assert joined and counts["duplicates_of_earlier_studies"] >= len(joined) > 0
    # The engine state of round 2 is the same as a full run's over the same library.
    for name in incremental.PAIRS_FILE, incremental.STATE_FILE:
        ours = (living / "history/v2" / name).read_bytes()
        assert ours == (scratch / "history/v1" / name).read_bytes(), name


def test_a_changed_decision_on_old_records_still_equals_a_full_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = _split(_records(benchmark_frame("diabetes")))
    living, scratch = tmp_path / "living", tmp_path / "scratch"
    _run_round(living, "v1", first)
    merged = {}
    for row in _rows(living / "outputs/library/groups.csv"):
        merged.setdefault(row["study_id"], []).append(row["record_id"])
    pair = next(tuple(sorted(rids)) for rids in merged.values() if len(rids) == 2)
    for folder in living, scratch:  # a person splits a round-1 study in round 2
        _decide(folder, pair, "distinct")
    with caplog.at_level(logging.INFO, logger="livingreview.dedup"):
        _run_round(living, "v2", second)
    assert "library: incremental deduplication" in caplog.text
    union = {r.record_id: r for r in first} | {r.record_id: r for r in second}
    _run_round(scratch, "v1", list(union.values()))
    assert _studies(living / "outputs") == _studies(scratch / "outputs")
    assert _maybe(living / "outputs") == _maybe(scratch / "outputs")
    assert not any(set(pair) <= study for study in _studies(living / "outputs"))


def test_a_changed_policy_or_a_snapshot_without_engine_state_runs_the_full_engine(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = _split(_records(benchmark_frame("haematology")))
    _run_round(tmp_path, "v1", first)
    (tmp_path / "history/v1" / incremental.STATE_FILE).unlink()
    (tmp_path / "outputs" / incremental.CACHE).write_text("{not json")  # a broken cache: rebuilt
    with caplog.at_level(logging.INFO, logger="livingreview.dedup"):
        _run_round(tmp_path, "v2", second)
    assert "dedup: full run (no engine state)" in caplog.text
    caplog.clear()
    config = _config(tmp_path, "v3")
    config["deduplication"]["policy"] = {**config["deduplication"]["policy"], "max_year_gap": 3}
    write_records(tmp_path / "identified-v3.csv", second[:5])
    with caplog.at_level(logging.INFO, logger="livingreview.dedup"):
        build_library(config, identified=tmp_path / "identified-v3.csv")
    assert "dedup: full run (the engine or its policy changed)" in caplog.text


def test_new_records_that_turn_a_sources_issue_numbers_into_record_numbers_run_the_full_engine(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A reference manager's record numbers exported as issue: 40 such records are too few to
    tell, 60 are not, so round 2 changes how round 1's records of that source compare."""
    records = _records(benchmark_frame("haematology"))[:100]
    numbered = [
        replace(r, record_id=f"refman:{r.source_id}", source="refman", issue=str(1000 + k))
        for k, r in enumerate(records[:60])
    ]
    first, second = records[60:] + numbered[:40], numbered[40:]
    living, scratch = tmp_path / "living", tmp_path / "scratch"
    _run_round(living, "v1", first)
    with caplog.at_level(logging.INFO, logger="livingreview.dedup"):
        _run_round(living, "v2", second)
    assert "issue numbers read differently" in caplog.text
    _run_round(scratch, "v1", first + second)
    assert _studies(living / "outputs") == _studies(scratch / "outputs")
