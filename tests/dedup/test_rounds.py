"""Stable study ids across rounds of a living review, and rebuilding them from the history."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

from livingreview.dedup.library import build_library
from livingreview.dedup.rounds import assign_study_ids, derived_id, load_history
from tests.dedup.library_helpers import build_demo_identified, demo_config, stand_in_engine

ROUND_1 = ["medline", "wos", "psycinfo"]


def _groups(config: dict[str, Any]) -> dict[str, tuple[str, str]]:
    path = Path(config["paths"]["outputs"]) / "library/groups.csv"
    with path.open(encoding="utf-8") as handle:
        return {r["record_id"]: (r["study_id"], r["round"]) for r in csv.DictReader(handle)}


def _outputs(config: dict[str, Any]) -> dict[str, bytes]:
    root = Path(config["paths"]["outputs"])
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "search" not in p.parts
    }


def _round(config: dict[str, Any], version: str, names: list[str] | None) -> dict[str, Any]:
    config["review"]["version"] = version
    identified = build_demo_identified(config, names)
    return build_library(config, identified=identified, engine=stand_in_engine)


def test_round_two_keeps_every_old_id_and_new_records_join_old_studies(tmp_path: Path) -> None:
    config = demo_config(tmp_path)
    first = _round(config, "2025.1", ROUND_1)
    before = _groups(config)
    assert first["round"] == 1 and set(first["records_identified_by_source"]) == set(ROUND_1)
    assert {r for _, r in before.values()} == {"1"}

    second = _round(config, "2026.1", None)
    after = _groups(config)
    assert second["round"] == 2
    for rid, (sid, first_round) in before.items():
        assert after[rid] == (sid, first_round), rid
    # The same paper found by Europe PMC in round 2 joins the MEDLINE study of round 1.
    assert after["europepmc:MED:25840591"] == (after["medline:25840591"][0], "2")
    assert second["duplicates_of_earlier_studies"] >= second["records_seen_in_earlier_rounds"] > 0
    assert second["records_identified"] == (
        second["new_studies"]
        + second["duplicates_within_round"]
        + second["duplicates_of_earlier_studies"]
    )
    changelog = Path(config["paths"]["outputs"]) / "library/changelog.csv"
    assert changelog.read_text(encoding="utf-8").count("\n") == 1  # header only: no id changed


def test_rebuilding_from_the_history_gives_identical_outputs(tmp_path: Path) -> None:
    config = demo_config(tmp_path)
    _round(config, "2025.1", ROUND_1)
    _round(config, "2026.1", None)
    built = _outputs(config)
    shutil.rmtree(Path(config["paths"]["outputs"]))  # outputs/ is safe to delete: not the history
    again = _round(config, "2026.1", None)  # re-running a version reuses its round number
    assert again["round"] == 2
    assert _outputs(config) == built


def test_a_later_incremental_search_keeps_earlier_records(tmp_path: Path) -> None:
    config = demo_config(tmp_path)
    _round(config, "2025.1", ROUND_1)
    counts = _round(config, "2026.1", ["europepmc", "openalex"])
    groups = _groups(config)
    assert "medline:25840591" in groups and groups["medline:25840591"][1] == "1"
    assert counts["records_identified"] == sum(counts["records_identified_by_source"].values())
    assert counts["records_in_library"] == len(groups) > counts["records_identified"]
    history = load_history(Path(config["deduplication"]["history_dir"]), "2027.1")
    assert history.round == 3 and "medline:25840591" in history.records


def test_ids_are_derived_from_the_earliest_record_and_survive_rebuilds() -> None:
    groups = {"b:1": "g1", "a:1": "g1", "c:1": "g2"}
    first = assign_study_ids(groups, {}, {}, round_number=1, version="v1")
    assert first.study_of["a:1"] == first.study_of["b:1"] == derived_id("a:1")
    assert first.study_of["c:1"] == derived_id("c:1")
    # Round 2: "0:new" sorts first but was seen later, so the study keeps its id.
    groups2 = {**groups, "0:new": "g1"}
    rounds = {"a:1": 1, "b:1": 1, "c:1": 1}
    second = assign_study_ids(groups2, rounds, first.study_of, round_number=2, version="v2")
    assert second.study_of["0:new"] == first.study_of["a:1"]
    assert second.changes == []


def test_a_record_bridging_two_old_studies_keeps_the_older_id_and_logs_the_merge() -> None:
    previous = {"a:1": derived_id("a:1"), "c:1": derived_id("c:1")}
    rounds = {"a:1": 1, "c:1": 1}
    bridged = {"a:1": "g", "c:1": "g", "x:9": "g"}
    result = assign_study_ids(bridged, rounds, previous, round_number=2, version="v2")
    assert set(result.study_of.values()) == {derived_id("a:1")}
    assert [(c["event"], c["study_id"], c["other_study_id"]) for c in result.changes] == [
        ("merged", derived_id("a:1"), derived_id("c:1"))
    ]
    # Splitting them again gives the retired study its own id back.
    split = assign_study_ids(
        {"a:1": "g1", "x:9": "g1", "c:1": "g2"},
        {**rounds, "x:9": 2},
        result.study_of,
        round_number=3,
        version="v3",
    )
    assert split.study_of["c:1"] == derived_id("c:1")
    assert [c["event"] for c in split.changes] == ["split"]


def test_counts_file_is_written_for_prisma(tmp_path: Path) -> None:
    config = demo_config(tmp_path)
    counts = _round(config, "2025.1", None)
    written = json.loads((tmp_path / "outputs/library/counts.json").read_text(encoding="utf-8"))
    assert written == counts
    assert written["records_identified"] == 340
    assert written["duplicates_removed"] + written["new_studies"] == 340
    assert written["demo"] is True


def test_without_the_history_ids_change_only_where_a_later_record_sorts_first(
    tmp_path: Path,
) -> None:
    config = demo_config(tmp_path)
    _round(config, "2025.1", ROUND_1)
    _round(config, "2026.1", None)
    kept = _groups(config)
    shutil.rmtree(Path(config["deduplication"]["history_dir"]))
    shutil.rmtree(Path(config["paths"]["outputs"]) / "library")
    fresh = _round(config, "2026.1", None)
    assert fresh["round"] == 1
    rebuilt = _groups(config)
    members: dict[str, list[str]] = {}
    for rid, (sid, _) in kept.items():
        members.setdefault(sid, []).append(rid)
    # The anchor was the earliest-seen record; without history it is the smallest record id.
    moved = {
        sid
        for sid, rids in members.items()
        if min(rids) != min(rids, key=lambda r: (kept[r][1], r))
    }
    changed = {sid for sid, rids in members.items() if rebuilt[rids[0]][0] != sid}
    assert changed == moved
    # Round 2 added whole databases (Europe PMC sorts before MEDLINE), so many moved here: the
    # history is the review's memory and must be kept (see deduplication.history_dir).
    assert 0 < len(changed) < len(members)
