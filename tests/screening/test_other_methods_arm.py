"""Which studies PRISMA 2020's other-methods arm holds: those whose records in the round they are
new in all come from other-methods imports; a database record found later leaves them there."""

from __future__ import annotations

import json
from pathlib import Path

from livingreview.prisma.collect import other_methods
from livingreview.prisma.ledger import Column
from livingreview.screening.assignment import (
    other_method_sources,
    other_method_studies,
    to_screen,
)
from livingreview.screening.decisions import read_decisions
from livingreview.screening.outcome import run_conflicts
from livingreview.screening.stage import run_screening
from tests.screening.sheet_helpers import (
    fill_like_a_person,
    returned_dir,
    screening_config,
    sheet_path,
)
from tests.screening.test_study_aliases import sheet_ids

INCLUDE, EXCLUDE = ("include", "", ""), ("exclude", "no_alliance", "")


def library(outputs: Path, round_no: int, groups: list[tuple[str, str, int]], **counts) -> None:
    """Write the library tables the arm is read from (``groups``: record, study, round)."""
    folder = outputs / "library"
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["record_id,study_id,round", *(f"{r},{s},{n}" for r, s, n in groups)]
    (folder / "groups.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "changelog.csv").write_text("round,event,study_id,other_study_id\n", "utf-8")
    (folder / "counts.json").write_text(json.dumps({"round": round_no, **counts}), "utf-8")


ROUND_1 = [
    ("refs:a", "S1", 1),  # citation searching only
    ("refs:b", "S2", 1),  # also found by a database: screened
    ("wos:c", "S2", 1),
    ("wos:d", "S3", 1),
]
ROUND_2 = [
    *ROUND_1,
    ("wos:e", "S1", 2),  # a database finds S1 in round 2
    ("refs:f", "S4", 2),
    ("wos:g", "S5", 2),
]


def test_the_arm_is_fixed_in_the_round_a_study_is_new_in(tmp_path: Path) -> None:
    config = {"imports": {"refs": {"prisma_box": "citation_searching"}, "wos": {}}}
    assert other_method_sources(config) == {"refs"}
    library(tmp_path, 1, ROUND_1)
    assert other_method_studies(tmp_path, ["refs"]) == {"S1": 1}
    library(tmp_path, 2, ROUND_2)
    assert other_method_studies(tmp_path, ["refs"]) == {"S1": 1, "S4": 2}
    assert other_method_studies(tmp_path, []) == {}
    studies = [{"study_id": s} for s in ("S1", "S2", "S3", "S4", "S5")]
    others = other_method_studies(tmp_path, ["refs"])
    assert [s["study_id"] for s in to_screen(tmp_path, studies, others)] == ["S2", "S3", "S5"]


def test_the_duplicates_box_holds_the_databases_duplicates_only(tmp_path: Path) -> None:
    """Round 2: wos:e is a duplicate of S1, refs:f a new study of the other arm, wos:g a new
    study to screen; the library removed one duplicate, a database's."""
    by_source = {"refs": 1, "wos": 2}
    library(tmp_path, 2, ROUND_2, records_identified_by_source=by_source)
    column = Column("2025.2")
    column.numbers.update(database_results=2, duplicates=1)
    others = other_methods(tmp_path, 2, column, {"refs": "citation_searching", "wos": "database"})
    assert others == {"S1": 1, "S4": 2}
    assert column.n("duplicates") == 1  # database records 2 − studies to screen 1 (S5)
    library(tmp_path, 1, ROUND_1, records_identified_by_source={"refs": 2, "wos": 2})
    column.numbers.update(database_results=2, duplicates=1)  # refs:b, wos:c one study
    other_methods(tmp_path, 1, column, {"refs": "citation_searching", "wos": "database"})
    assert column.n("duplicates") == 0  # wos:c and wos:d two studies to screen; refs:b not one


def test_a_decision_on_a_study_later_found_by_other_methods_decides_nothing(
    tmp_path: Path, demo_outputs: Path
) -> None:
    """Sheets went out, both screeners disagreed on a study found by Google Scholar only, and the
    protocol then labelled that import citation searching: the study goes to full text, so its
    votes make no conflict and no final decision; the store keeps them and outcome.json names
    the study."""
    config = screening_config(tmp_path, demo_outputs)
    run_screening(config)
    groups = (tmp_path / "outputs/library/groups.csv").read_text(encoding="utf-8")
    sources: dict[str, set[str]] = {}
    for line in groups.splitlines()[1:]:
        record, study, _ = line.split(",")
        sources.setdefault(study, set()).add(record.split(":")[0])
    on_sheet = sheet_ids(sheet_path(config, "r1"))
    study = next(s for s in on_sheet if sources[s] == {"google_scholar"})
    returned = returned_dir(config)
    fill_like_a_person(sheet_path(config, "r1"), returned / "r1.xlsx", {study: INCLUDE})
    fill_like_a_person(sheet_path(config, "r2"), returned / "r2.xlsx", {study: EXCLUDE})
    run_screening(config)
    conflicts = tmp_path / "outputs/screening/conflicts.csv"
    assert run_conflicts(config)["conflicts_pending"] == 1
    assert study in conflicts.read_text(encoding="utf-8")
    config["imports"]["google_scholar"]["prisma_box"] = "citation_searching"
    counts = run_conflicts(config)
    assert counts["conflicts_pending"] == 0
    assert counts["decisions_not_used"] == [study]
    assert study not in conflicts.read_text(encoding="utf-8")
    final = (tmp_path / "outputs/screening/final_decisions.csv").read_text(encoding="utf-8")
    assert study not in final
    store = read_decisions(tmp_path / "outputs/screening/decisions.csv")
    assert sorted(d.reviewer for d in store if d.study_id == study) == ["r1", "r2"]
