"""An earlier round's agreement rows as its version published them, on the demo run's table.

Round 1's version (2025.1) kept the demo's title/abstract table; round 2's version kept its own
round's rows and round 1's published and revised rows. Version 2025.3 compares each round with
the table of the round's own version only.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

from livingreview.fileio import csv_table_text
from livingreview.screening.agreement import AGREEMENT_COLUMNS
from livingreview.screening.published_agreement import KEPT_NAMES, published, with_published


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _keep(history: Path, number: int, version: str, rows: list[dict[str, str]]) -> None:
    folder = history / version
    (folder / "report").mkdir(parents=True)
    (folder / "round.json").write_text(json.dumps({"round": number, "version": version}))
    text = csv_table_text(
        AGREEMENT_COLUMNS, ([r.get(c, "") for c in AGREEMENT_COLUMNS] for r in rows)
    )
    (folder / "report" / KEPT_NAMES["screening"]).write_text(text, encoding="utf-8")


def _config(history: Path, version: str) -> dict[str, Any]:
    return {"review": {"version": version}, "deduplication": {"history_dir": str(history)}}


def test_each_round_is_compared_with_what_its_own_version_published(
    demo_outputs: Path, tmp_path: Path
) -> None:
    round_one = _rows(demo_outputs / "screening/agreement.csv")
    assert [r["round"] for r in round_one] == ["1", "1"]
    revised = [{**r, "kappa": "0.5000", "as_of": "revised since 2025.1"} for r in round_one]
    round_two = [{**r, "round": "2"} for r in round_one]
    history = tmp_path / "history"
    _keep(history, 1, "2025.1", round_one)
    _keep(history, 2, "2025.2", [*round_one, *revised, *round_two])

    kept = published(_config(history, "2025.3"), "screening")
    assert kept == {"1": ("2025.1", round_one), "2": ("2025.2", round_two)}

    # unchanged: the rows as they are, nothing marked
    rows, changed = with_published([*round_one, *round_two], kept)
    assert rows == [{**r, "as_of": ""} for r in [*round_one, *round_two]] and changed == []

    # round 1's first scale revised since: the published row, then the revised one
    now = [{**round_one[0], "n": "137", "kappa": "0.8000"}, round_one[1], *round_two]
    rows, changed = with_published(now, kept)
    assert [(r["round"], r["scale"], r["n"], r["as_of"]) for r in rows] == [
        ("1", round_one[0]["scale"], round_one[0]["n"], "as published in 2025.1"),
        ("1", round_one[0]["scale"], "137", "revised since 2025.1"),
        ("1", round_one[1]["scale"], round_one[1]["n"], ""),
        ("2", round_two[0]["scale"], round_two[0]["n"], ""),
        ("2", round_two[1]["scale"], round_two[1]["n"], ""),
    ]
    assert changed == [rows[0]]

    # a published row no pair has now (its studies decided on a later sheet) stays, marked
    rows, changed = with_published([round_one[1], *round_two], kept)
    gone = {**round_one[0], "as_of": "as published in 2025.1"}
    assert rows[:2] == [{**round_one[1], "as_of": ""}, gone] and changed == [gone]


def test_a_version_kept_without_its_table_compares_nothing(
    demo_outputs: Path, tmp_path: Path
) -> None:
    history = tmp_path / "history"
    _keep(history, 1, "2025.1", _rows(demo_outputs / "screening/agreement.csv"))
    shutil.rmtree(history / "2025.1/report")  # kept by a release before the table was kept
    assert published(_config(history, "2025.2"), "screening") == {}
