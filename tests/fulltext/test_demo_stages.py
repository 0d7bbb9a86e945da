"""The demo pipeline runs the stages after screening whether or not sheets came back: their
counts follow from the stage before (no title/abstract include yet: nothing sought, all pending)."""

from __future__ import annotations

import csv
import json
from pathlib import Path


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_stage_counts_follow_from_the_stage_before(demo_outputs: Path) -> None:
    includes = [
        r
        for r in rows(demo_outputs / "screening/final_decisions.csv")
        if r["decision"] == "include"
    ]
    outcome = json.loads((demo_outputs / "fulltext/outcome.json").read_text(encoding="utf-8"))
    assert outcome["reports_sought"] == len(includes)
    # who settles the disagreements (status names them, as for screening's conflicts)
    assert outcome["resolver"] == "r3"
    assert len(rows(demo_outputs / "fulltext/decisions.csv")) == len(includes)
    included = rows(demo_outputs / "fulltext/included_studies.csv")
    assert outcome["studies_included"] == len(included)
    studies = rows(demo_outputs / "extraction/studies.csv")
    assert [s["study_id"] for s in studies] == [s["study_id"] for s in included]
    final = [s for s in studies if s["extraction_status"] == "final"]
    status = json.loads((demo_outputs / "rob/status.json").read_text(encoding="utf-8"))
    assert status["studies_to_assess"] <= len(final)
    assert status["assessed"] + status["pending"] == status["studies_to_assess"]
    for folder in ("fulltext/sheets", "extraction/forms", "rob/forms"):
        assert any((demo_outputs / folder).glob("*.xlsx")), folder
    assert (
        (demo_outputs / "rob/rob2.csv")
        .read_text(encoding="utf-8")
        .startswith("Study,D1,D2,D3,D4,D5,Overall\n")
    )
