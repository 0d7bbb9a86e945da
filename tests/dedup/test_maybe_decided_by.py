"""Who decided each maybe pair: the sheet's ``decided_by`` column (a reviewer id of the
protocol), kept in ``library/decisions.csv``; a sheet returned before the column still reads."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from livingreview.cli import main
from livingreview.dedup.library import build_library
from tests.dedup.library_helpers import build_demo_identified, demo_config, stand_in_engine


def _library(config: dict[str, Any]) -> dict[str, Any]:
    return build_library(config, identified=build_demo_identified(config), engine=stand_in_engine)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _decide(sheet: Path, returned: Path, row: int, decision: str, who: str) -> tuple[str, str]:
    """Type ``decision`` and ``who`` on data row ``row`` of the written sheet, save it as
    ``returned``; returns the pair's record ids."""
    wb = openpyxl.load_workbook(sheet)
    ws = wb["Maybe pairs"]
    header = [c.value for c in ws[1]]
    ws.cell(row=row, column=header.index("decision") + 1, value=decision)
    ws.cell(row=row, column=header.index("decided_by") + 1, value=who)
    returned.parent.mkdir(parents=True, exist_ok=True)
    wb.save(returned)
    pair = (
        ws.cell(row=row, column=header.index(name) + 1).value for name in ("record_a", "record_b")
    )
    a, b = pair
    return (a, b) if a < b else (b, a)


def test_who_decided_each_pair_is_kept_and_an_old_sheet_still_reads(tmp_path: Path) -> None:
    # Before: the sheet had no place for the reviewer and decisions.csv no column: nobody could
    # say who decided a pair.
    config = demo_config(tmp_path)
    _library(config)
    sheet = tmp_path / "outputs/dedup/maybe_pairs.xlsx"
    first = _decide(sheet, tmp_path / "human/dedup/anna.xlsx", 2, "duplicate", " R2 ")
    # a sheet returned before the column (rows alone, as an earlier version wrote them)
    pending = _rows(tmp_path / "outputs/library/maybe_pairs.csv")
    old = next(p for p in pending if (p["record_a"], p["record_b"]) != first)
    (tmp_path / "human/dedup/old.csv").write_text(
        f"record_a,record_b,decision,notes\n{old['record_a']},{old['record_b']},distinct,old\n",
        encoding="utf-8",
    )
    assert _library(config)["maybe_decisions_applied"] == 2
    decided = {
        (r["record_a"], r["record_b"]): r for r in _rows(tmp_path / "outputs/library/decisions.csv")
    }
    assert decided[first]["decided_by"] == "r2" and decided[first]["decision"] == "duplicate"
    assert decided[(old["record_a"], old["record_b"])]["decided_by"] == ""
    # the next sheet asks for it too
    header = [c.value for c in openpyxl.load_workbook(sheet)["Maybe pairs"][1]]
    assert header[:4] == ["pair", "decision", "decided_by", "notes"]


def test_a_decided_by_that_is_no_reviewer_is_one_clear_error(tmp_path: Path, capsys) -> None:
    config = demo_config(tmp_path)
    _library(config)
    _decide(
        tmp_path / "outputs/dedup/maybe_pairs.xlsx",
        tmp_path / "human/dedup/mine.xlsx",
        3,
        "distinct",
        "Anna",
    )
    protocol = tmp_path / "protocol.yaml"
    protocol.write_text(yaml.safe_dump(json.loads(json.dumps(config))), encoding="utf-8")
    identified = build_demo_identified(config)
    code = main(["library", "--configfile", str(protocol), "--identified", str(identified)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "mine.xlsx, row 3, field 'decided_by': decided_by 'Anna' is not a reviewer" in err
    assert "expected one of r1, r2, r3 or blank" in err


def test_a_pair_decided_by_a_reviewer_who_left_reads_while_they_stay_listed(
    tmp_path: Path, capsys
) -> None:
    # r4 decided a pair in an earlier round, then left the team. Taken off 'reviewers', their
    # sheet stops the run: the error says how to keep it (listed with roles: []), as the
    # screening and full-text sheets of a reviewer who left do.
    config = demo_config(tmp_path)
    _library(config)
    sheet = tmp_path / "outputs/dedup/maybe_pairs.xlsx"
    _decide(sheet, tmp_path / "human/dedup/r4.xlsx", 2, "duplicate", "r4")
    identified = build_demo_identified(config)
    protocol = tmp_path / "protocol.yaml"
    protocol.write_text(yaml.safe_dump(json.loads(json.dumps(config))), encoding="utf-8")
    code = main(["library", "--configfile", str(protocol), "--identified", str(identified)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "decided_by 'r4' is not a reviewer" in err and "(roles: [])" in err
    kept = json.loads(json.dumps(config))
    kept["reviewers"].append({"id": "r4", "name": "Reviewer 4", "roles": []})
    protocol.write_text(yaml.safe_dump(kept), encoding="utf-8")
    code = main(["library", "--configfile", str(protocol), "--identified", str(identified)])
    assert code == 0, capsys.readouterr().err
    decided = _rows(tmp_path / "outputs/library/decisions.csv")
    assert [r["decided_by"] for r in decided if r["decision"]] == ["r4"]
