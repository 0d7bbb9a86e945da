"""Returned screening sheets: read back whatever a person and their spreadsheet program did, or
rejected with a message naming the file, row and field, never losing what was stored before."""

from __future__ import annotations

import csv
import io
import logging
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from livingreview import sheets
from livingreview.cli import main
from livingreview.errors import InputFileError
from livingreview.screening.agreement import agreement
from livingreview.screening.decisions import ScreeningDecision, current_decisions, read_decisions
from livingreview.screening.stage import run_screening
from tests.conftest import drop_store
from tests.form_helpers import set_saved_at
from tests.screening.sheet_helpers import (
    fill_like_a_person,
    libreoffice_resave,
    returned_dir,
    screening_config,
    sheet_path,
)


def sheet_values(path: Path) -> list[tuple[Any, ...]]:
    """The rows of a written .xlsx sheet, below its header."""
    return list(openpyxl.load_workbook(path)["Screening"].iter_rows(min_row=2, values_only=True))


def sheet_ids(path: Path) -> list[str]:
    return [row[1] for row in sheet_values(path)]


def store_of(config: dict[str, Any]) -> Path:
    return Path(config["paths"]["outputs"]) / "screening/decisions.csv"


def test_round_trip_two_reviewers_through_libreoffice(tmp_path: Path, demo_outputs: Path) -> None:
    config = screening_config(tmp_path, demo_outputs, sheet_format="both")
    run_screening(config)
    ids = sheet_ids(sheet_path(config, "r1"))
    # r1 decides everything, typing as people do: capitals, spaces, a reason by its label.
    r1 = {
        sid: (
            ("Include", "", "alliance measured")
            if i % 3 == 0
            else (" EXCLUDE ", "Not a mental-health use or population", "")
            if i % 3 == 1
            else ("maybe", "", "")
        )
        for i, sid in enumerate(ids)
    }
    # r2 decides the first 40 only, agreeing with r1 except on every fifth.
    r2 = {
        sid: ("exclude", "no_alliance", "") if i % 5 == 0 else r1[sid]
        for i, sid in enumerate(ids[:40])
    }
    work = tmp_path / "work"
    fill_like_a_person(sheet_path(config, "r1"), work / "r1_done.xlsx", r1)
    returned = returned_dir(config)
    shutil.copy(
        libreoffice_resave(work / "r1_done.xlsx", "xlsx", work / "lo", tmp_path),
        returned / "r1_done.xlsx",
    )
    # r2 fills the CSV variant; LibreOffice opens and saves it as CSV again.
    with sheet_path(config, "r2", ext="csv").open(encoding="utf-8") as handle:
        lines = handle.read().splitlines(keepends=True)
    rows = list(csv.DictReader(lines[1:]))
    for row in rows:
        if row["study_id"] in r2:
            row["decision"], row["reason"], row["notes"] = r2[row["study_id"]]
    with (work / "r2.csv").open("w", encoding="utf-8", newline="") as handle:
        handle.write(lines[0])
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(reversed(rows))
    shutil.copy(libreoffice_resave(work / "r2.csv", "csv", work / "lo2", tmp_path), returned)

    state = run_screening(config)
    stored = read_decisions(store_of(config))
    assert len(stored) == len(ids) + 40  # every decision typed, and nothing else
    got = {(d.reviewer, d.study_id): (d.decision, d.reason, d.notes) for d in stored}
    reasons = {"Not a mental-health use or population": "not_mental_health"}
    for reviewer, typed in (("r1", r1), ("r2", r2)):
        for sid, (decision, reason, notes) in typed.items():
            assert got[(reviewer, sid)] == (
                decision.strip().lower(),
                reasons.get(reason, reason),
                notes,
            )
    by_file = {d.reviewer: d.file for d in stored}
    assert by_file == {
        "r1": "screening/title_abstract/r1_done.xlsx",
        "r2": "screening/title_abstract/r2.csv",
    }
    r1_saved = {d.recorded_at for d in stored if d.reviewer == "r1"}
    assert len(r1_saved) == 1 and next(iter(r1_saved)) > "2026"  # when LibreOffice saved it
    assert state["reviewers"]["r1"]["pending"] == 0
    assert state["reviewers"]["r2"] | {"files": [], "stopping": None} == {
        "assigned": len(ids),
        "decided": 40,
        "pending": len(ids) - 40,
        "include": sum(1 for v in r2.values() if v[0] == "Include"),
        "exclude": sum(1 for v in r2.values() if v[0].strip().lower() == "exclude"),
        "maybe": sum(1 for v in r2.values() if v[0] == "maybe"),
        "files": [],
        "stopping": None,
    }
    stopping = state["reviewers"]["r2"]["stopping"]
    relevant = sum(1 for v in r2.values() if v[0].strip().lower() != "exclude")
    assert (stopping["screened"], stopping["unscreened"]) == (40, len(ids) - 40)
    assert stopping["relevant_found"] == relevant and stopping["remaining_upper"] >= 0
    assert state["reviewers"]["r1"]["stopping"]["unscreened"] == 0
    [pair] = [p for p in agreement(stored) if p.round == 1]
    assert (pair.reviewer_a, pair.reviewer_b, pair.three_way.n) == ("r1", "r2", 40)
    same = sum(r1[sid][0].strip().lower() == r2[sid][0].strip().lower() for sid in r2)
    assert 0 < same < 40
    assert pair.three_way.percent_agreement == pytest.approx(100 * same / 40)
    # The sheets written after the import list only what each reviewer has still to decide,
    # ranked anew: nothing for r1, r2's other studies most likely relevant first.
    assert sheet_ids(sheet_path(config, "r1")) == []
    left = sheet_ids(sheet_path(config, "r2"))
    assert sorted(left) == sorted(ids[40:])
    scores = [float(row[-1]) for row in sheet_values(sheet_path(config, "r2"))]
    assert scores == sorted(scores, reverse=True)
    with sheet_path(config, "r2", ext="csv").open(encoding="utf-8") as handle:
        assert [row["study_id"] for row in csv.DictReader(handle.readlines()[1:])] == left


def given_sheet(config: dict[str, Any], ext: str = "xlsx") -> Path:
    """r1's sheet as first written (every study of round 1), kept by :func:`returned_r1`."""
    name = sheet_path(config, "r1", ext=ext).name
    return Path(config["paths"]["outputs"]).parent / "given" / name


@pytest.fixture
def returned_r1(tmp_path: Path, demo_outputs: Path) -> tuple[dict[str, Any], list[str], bytes]:
    """A config whose store holds r1's first file (3 decisions); the store's bytes. The sheets
    r1 was first given (.xlsx and .csv) are kept (:func:`given_sheet`); the sheet written after
    the import lists only the studies r1 has not decided."""
    config = screening_config(tmp_path, demo_outputs)
    shown = config["screening"]["sheet_format"]
    config["screening"]["sheet_format"] = "both"
    run_screening(config)
    written = sheet_path(config, "r1").parent
    shutil.copytree(written, tmp_path / "given")
    for path in written.glob("*.csv"):
        path.unlink()
    config["screening"]["sheet_format"] = shown
    ids = sheet_ids(sheet_path(config, "r1"))
    typed = {
        ids[0]: ("include", "", ""),
        ids[1]: ("exclude", "no_alliance", "x"),
        ids[2]: ("maybe", "", ""),
    }
    fill_like_a_person(sheet_path(config, "r1"), returned_dir(config) / "r1_a.xlsx", typed)
    run_screening(config)
    store = store_of(config).read_bytes()
    assert store.count(b"\n") == 4
    return config, ids, store


def instruction_lines(path: Path) -> list[str]:
    return [c.value or "" for c in openpyxl.load_workbook(path)["Instructions"]["A"]]


def test_a_sheet_written_after_a_partial_return_lists_only_what_is_left(returned_r1) -> None:
    """r1 returned the sheet with 3 studies decided. The sheet written next listed every study
    again, blank, and its Instructions the full count: r1 could not see what was left. Now it
    lists the others only (the studies status calls pending), and says 3 are decided; once
    r1 has decided everything it has no row and says nothing is left."""
    config, ids, _ = returned_r1
    sheet = sheet_path(config, "r1")
    left = sheet_ids(sheet)
    assert sorted(left) == sorted(ids[3:])
    lines = instruction_lines(sheet)
    assert f"reviewer r1 (Reviewer 1), {len(left)} studies." in lines[2]
    assert lines[3].startswith("You have decided 3 studies on this round's sheets already. ")
    assert not [line for line in lines if "nothing left" in line]
    assert sorted(sheet_ids(sheet_path(config, "r2"))) == sorted(ids)  # r2 decided nothing
    assert not [line for line in instruction_lines(sheet_path(config, "r2")) if "decided" in line]
    fill_like_a_person(
        sheet, returned_dir(config) / "r1_b.xlsx", {sid: ("maybe", "", "") for sid in left}
    )
    state = run_screening(config)
    assert state["reviewers"]["r1"]["pending"] == 0 and sheet_ids(sheet) == []
    lines = instruction_lines(sheet)
    assert "reviewer r1 (Reviewer 1), 0 studies." in lines[2]
    decided = f"You have decided {len(ids)} studies on this round's sheets already. "
    assert lines[3].startswith(decided)
    assert "No study awaits your decision: there is nothing left to screen." in lines


def test_reimporting_changes_nothing_and_a_copy_is_read_once(returned_r1) -> None:
    config, _, store = returned_r1
    run_screening(config)
    assert store_of(config).read_bytes() == store
    shutil.copy(returned_dir(config) / "r1_a.xlsx", returned_dir(config) / "r1_a copy.xlsx")
    state = run_screening(config)
    assert store_of(config).read_bytes() == store
    assert state["identical_copies_skipped"] == ["screening/title_abstract/r1_a copy.xlsx"]
    (returned_dir(config) / "r1_a copy.xlsx").unlink()
    drop_store(store_of(config))  # outputs may be deleted: rebuilt the same
    run_screening(config)
    assert store_of(config).read_bytes() == store


def test_an_unchanged_returned_sheet_is_read_from_the_cache(returned_r1, monkeypatch) -> None:
    """Each run reads every returned sheet; one unchanged since the last run is not parsed
    again (openpyxl needs seconds for thousands of rows), a damaged entry is read from the
    file, and the entry of a file no longer returned is deleted."""
    from livingreview.screening.stage import SHEET_CACHE
    from livingreview.sheets import reading

    config, _, store = returned_r1
    folder = Path(config["paths"]["outputs"]) / SHEET_CACHE
    [entry] = folder.iterdir()
    parse = reading.read_xlsx_sheet

    def not_again(path: Path, *_: object) -> sheets.ReturnedSheet:
        raise AssertionError(f"{path} parsed again")

    monkeypatch.setattr(reading, "read_xlsx_sheet", not_again)
    run_screening(config)
    assert store_of(config).read_bytes() == store
    entry.write_text('{"table": [', encoding="utf-8")  # damaged: read from the file
    monkeypatch.setattr(reading, "read_xlsx_sheet", parse)
    run_screening(config)
    assert store_of(config).read_bytes() == store
    assert list(folder.iterdir()) == [entry] and entry.read_text(encoding="utf-8").endswith("}")
    (returned_dir(config) / "r1_a.xlsx").unlink()
    drop_store(store_of(config))  # dropped on purpose (see check_nothing_lost)
    run_screening(config)
    assert list(folder.iterdir()) == []


def test_a_cache_entry_edited_by_hand_is_not_used(returned_r1) -> None:
    """An entry whose text no longer matches its digest is read from the returned file: the
    decisions stored are the ones the reviewer typed, not the entry's."""
    from livingreview.screening.stage import SHEET_CACHE

    config, _, store = returned_r1
    [entry] = (Path(config["paths"]["outputs"]) / SHEET_CACHE).iterdir()
    text = entry.read_text(encoding="utf-8")
    assert text.count('"no_alliance"') == 1
    entry.write_text(text.replace('"no_alliance"', '"not_mental_health"'), encoding="utf-8")
    drop_store(store_of(config))  # rebuilt from what the returned sheets hold
    run_screening(config)
    assert store_of(config).read_bytes() == store
    assert entry.read_text(encoding="utf-8") == text  # written again from the file


def test_a_newer_file_adds_a_newer_decision_and_keeps_the_older(returned_r1, caplog) -> None:
    """A file saved later with another decision on a study counts; the decision it overrides
    stays in the store and is named in the step's log."""
    config, ids, _ = returned_r1
    fill_like_a_person(
        returned_dir(config) / "r1_a.xlsx",
        returned_dir(config) / "r1_b.xlsx",
        {ids[0]: ("exclude", "publication_type", "editorial after all")},
        shuffle=False,
    )
    set_saved_at(returned_dir(config) / "r1_b.xlsx", "2099-01-01T00:00:00Z")  # saved later
    with caplog.at_level(logging.WARNING, logger="livingreview"):
        run_screening(config)
    [line] = [r.getMessage() for r in caplog.records if "overridden" in r.getMessage()]
    assert line.startswith(f"screening/title_abstract/r1_a.xlsx, row {row_of(config, ids[0])}: ")
    assert (
        f"r1's decision (round 1) on study {ids[0]}, 'include', is overridden by 'exclude' "
        "(publication_type) in screening/title_abstract/r1_b.xlsx, row " in line
    )
    assert line.endswith("< 2099-01-01T00:00:00Z)")
    log = read_decisions(store_of(config))
    first = [d for d in log if d.study_id == ids[0]]
    assert [(d.decision, Path(d.file).name) for d in first] == [
        ("include", "r1_a.xlsx"),
        ("exclude", "r1_b.xlsx"),
    ]
    current = current_decisions(log)
    assert current[("title_abstract", 1, "r1", ids[0])].decision == "exclude"
    assert current[("title_abstract", 1, "r1", ids[1])].file.endswith("r1_b.xlsx")


def edit_cells(
    cells: dict[str, object], sheet: str = "Screening"
) -> Callable[[Path, list[str]], None]:
    def edit(path: Path, ids: list[str]) -> None:
        wb = openpyxl.load_workbook(path)
        for ref, value in cells.items():
            wb[sheet][ref] = value(ids) if callable(value) else value
        wb.save(path)

    return edit


def meta_value(key: str, value: str) -> Callable[[Path, list[str]], None]:
    def edit(path: Path, ids: list[str]) -> None:
        wb = openpyxl.load_workbook(path)
        for row in wb["_meta"].iter_rows():
            if row[0].value == key:
                row[1].value = value
        wb.save(path)

    return edit


def delete_row(path: Path, ids: list[str]) -> None:
    wb = openpyxl.load_workbook(path)
    wb["Screening"].delete_rows(10)
    wb.save(path)


def delete_meta(path: Path, ids: list[str]) -> None:
    wb = openpyxl.load_workbook(path)
    del wb["_meta"]
    wb.save(path)


def drop_meta_id(path: Path, ids: list[str]) -> None:
    wb = openpyxl.load_workbook(path)
    wb["_meta"].delete_rows(wb["_meta"].max_row)
    wb.save(path)


# Columns of the written sheet: B study_id, E decision, F reason, G notes; row 2 = ids[0].
REJECTED = {
    "another review": (
        meta_value("review_id", "other_review"),
        r"field 'review_id': sheet is for review_id 'other_review', "
        r"expected 'dta_integrative_review'",
    ),
    "another stage": (
        meta_value("stage", "full_text"),
        r"field 'stage': sheet is for stage 'full_text', expected 'title_abstract'",
    ),
    "a future round": (
        meta_value("round", "2"),
        r"field 'round': sheet is for round 2, expected a round from 1 to 1",
    ),
    "a non-screener": (
        meta_value("reviewer", "r3"),
        r"field 'reviewer': sheet is for reviewer 'r3', expected one of r1, r2",
    ),
    "an unknown decision": (
        edit_cells({"E3": "yes"}),
        r"row 3, field 'decision': unknown decision 'yes'; "
        r"expected include, exclude, maybe or blank",
    ),
    "an unknown reason": (
        edit_cells({"E3": "exclude", "F3": "too long"}),
        r"row 3, field 'reason': unknown reason 'too long'; "
        r"expected one of no_digital_intervention, ",
    ),
    "a reason without decision": (
        edit_cells({"F4": "no_alliance"}),
        r"row 4, field 'decision': reason 'no_alliance' without a decision; expected 'exclude'",
    ),
    "a duplicated id": (
        edit_cells({"B5": lambda ids: ids[0], "E5": "include"}),
        r"row 5, field 'study_id': study S\w+ appears twice \(rows 2 and 5\)",
    ),
    "a missing id": (
        edit_cells({"B6": None, "E6": "include"}),
        r"row 6, field 'study_id': missing study id",
    ),
    "an id that does not exist": (
        edit_cells({"B7": "S0000000000"}),
        r"row 7, field 'study_id': unknown study 'S0000000000': not in the library",
    ),
    "an id not on the sheet": (
        edit_cells({"B8": "S074e8f1da0"}),
        r"row 8, field 'study_id': study S074e8f1da0 is not one this sheet was written with",
    ),
    "a deleted row": (
        delete_row,
        r"field 'study_id': 1 study of the sheet missing \(first: S\w+\)",
    ),
    "no metadata": (delete_meta, r"no sheet metadata \(the hidden sheet '_meta'"),
    "an edited _meta": (
        drop_meta_id,
        r"the hidden sheet '_meta' was edited \(checksum mismatch\)",
    ),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_a_bad_returned_sheet_is_rejected_and_the_store_kept(returned_r1, case: str) -> None:
    config, _, store = returned_r1
    edit, message = REJECTED[case]
    bad = returned_dir(config) / "r1_bad.xlsx"
    current = sheet_ids(sheet_path(config, "r1"))  # the sheet as now written (re-ranked)
    fill_like_a_person(
        sheet_path(config, "r1"), bad, {current[-1]: ("include", "", "")}, shuffle=False
    )
    edit(bad, current)
    with pytest.raises(InputFileError, match=r"r1_bad.xlsx(, |: )" + message):
        run_screening(config)
    assert store_of(config).read_bytes() == store


def test_csv_without_its_first_line_or_with_a_deleted_row_is_rejected(returned_r1) -> None:
    config, _, store = returned_r1
    config["screening"]["sheet_format"] = "csv"
    run_screening(config)
    lines = sheet_path(config, "r1", ext="csv").read_text(encoding="utf-8").splitlines(True)
    (returned_dir(config) / "r1.csv").write_text("".join(lines[1:]), encoding="utf-8")
    with pytest.raises(InputFileError, match=r"r1.csv: no sheet metadata"):
        run_screening(config)
    (returned_dir(config) / "r1.csv").write_text("".join(lines[:5] + lines[6:]), encoding="utf-8")
    with pytest.raises(
        InputFileError,
        match=r"r1.csv, field 'study_id': the study_id values differ from the \d+ the sheet "
        r"was written with \(found \d+\)",
    ):
        run_screening(config)
    assert store_of(config).read_bytes() == store


def test_a_returned_file_saved_over_is_an_error_not_a_silent_loss(returned_r1) -> None:
    config, ids, store = returned_r1
    fill_like_a_person(
        sheet_path(config, "r1"), returned_dir(config) / "r1_a.xlsx", {ids[3]: ("exclude", "", "")}
    )
    with pytest.raises(
        InputFileError,
        match=r"r1_a.xlsx, row \d+: the decision '\w+' on study S\w+ by r1, stored in "
        r".*decisions.csv, is no longer in this file",
    ):
        run_screening(config)
    assert store_of(config).read_bytes() == store


def test_a_removed_file_stops_a_pipeline_run_too(returned_r1) -> None:
    # Snakemake deletes a step's outputs, the store among them, before it runs the step: the
    # check reads the store's kept copy.
    config, _, _ = returned_r1
    store_of(config).unlink()
    (returned_dir(config) / "r1_a.xlsx").unlink()
    lost = r"decisions.csv, is no longer in this file.*kept copy .*\.kept"
    with pytest.raises(InputFileError, match=lost):
        run_screening(config)
    assert not store_of(config).exists()


def test_the_command_exits_2_naming_file_row_and_field(returned_r1, capsys, tmp_path: Path) -> None:
    import yaml

    config, _, store = returned_r1
    bad = returned_dir(config) / "r1_z.xlsx"
    fill_like_a_person(sheet_path(config, "r1"), bad, {}, shuffle=False)
    edit_cells({"E3": "perhaps"})(bad, [])
    shutil.move(returned_dir(config) / "r1_a.xlsx", returned_dir(config) / "r1_renamed.xlsx")
    protocol = tmp_path / "protocol.yaml"
    protocol.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert main(["screen", "--configfile", str(protocol)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("livingreview: error: ") and "Traceback" not in err
    assert "r1_z.xlsx, row 3, field 'decision': unknown decision 'perhaps'" in err
    assert store_of(config).read_bytes() == store


def test_every_bad_row_of_a_sheet_is_named_in_one_run(returned_r1, capsys, tmp_path: Path) -> None:
    """A sheet with decisions 'No', 'Yes' and 'x' on three rows and an unknown reason on a
    fourth: one run names all four (it used to take one run per row), exit 2, one line."""
    import yaml

    config, _, store = returned_r1
    bad = returned_dir(config) / "r1_z.xlsx"
    fill_like_a_person(sheet_path(config, "r1"), bad, {}, shuffle=False)
    edit_cells({"E3": "No", "E5": "Yes", "E6": "exclude", "F6": "too long", "E9": "x"})(bad, [])
    protocol = tmp_path / "protocol.yaml"
    protocol.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert main(["screen", "--configfile", str(protocol)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    expected = "expected include, exclude, maybe or blank"
    assert "r1_z.xlsx: 4 rows cannot be read (fix them all, then run again): " in err
    assert f"row 3, field 'decision': unknown decision 'No'; {expected} | " in err
    assert f"row 5, field 'decision': unknown decision 'Yes'; {expected} | " in err
    assert "row 6, field 'reason': unknown reason 'too long'; expected one of " in err
    assert f"row 9, field 'decision': unknown decision 'x'; {expected}" in err
    assert store_of(config).read_bytes() == store


def test_more_than_20_bad_rows_are_named_20_and_counted(returned_r1) -> None:
    config, _, store = returned_r1
    bad = returned_dir(config) / "r1_z.xlsx"
    fill_like_a_person(sheet_path(config, "r1"), bad, {}, shuffle=False)
    edit_cells({f"E{n}": "yes" for n in range(2, 27)})(bad, [])
    with pytest.raises(InputFileError) as caught:
        run_screening(config)
    message = str(caught.value)
    assert message.count("unknown decision 'yes'") == 20 and "row 21, field" in message
    assert "row 22, field" not in message and message.endswith(" | and 5 more rows")
    assert "25 rows cannot be read" in message
    assert store_of(config).read_bytes() == store


def notes_on_sheet(config: dict[str, Any]) -> dict[str, str]:
    """Study id -> the notes written into r1's current sheet, where there are any."""
    ws = openpyxl.load_workbook(sheet_path(config, "r1"))["Screening"]
    header = [c.value for c in ws[1]]
    sid, notes = header.index("study_id"), header.index("notes")
    return {row[sid]: row[notes] for row in ws.iter_rows(min_row=2, values_only=True) if row[notes]}


def test_notes_on_an_undecided_study_come_back_on_the_next_sheet(returned_r1) -> None:
    """A note typed without a decision is not dropped: the reviewer's next sheet carries it (once,
    however often it is returned), and it is stored with the decision made there."""
    config, ids, store = returned_r1
    note = "ask Anna: adult sample?"
    folder = returned_dir(config)
    fill_like_a_person(sheet_path(config, "r1"), folder / "r1_b.xlsx", {ids[5]: ("", "", note)})
    run_screening(config)
    assert store_of(config).read_bytes() == store  # a note alone is no decision
    assert notes_on_sheet(config) == {ids[5]: note}
    shutil.copy(sheet_path(config, "r1"), folder / "r1_c.xlsx")  # returned as written
    run_screening(config)
    assert notes_on_sheet(config) == {ids[5]: note}
    fill_like_a_person(
        sheet_path(config, "r1"),
        folder / "r1_d.xlsx",
        {ids[5]: ("exclude", "no_alliance", note)},
    )
    run_screening(config)
    [decided] = [d for d in read_decisions(store_of(config)) if d.study_id == ids[5]]
    assert (decided.decision, decided.notes) == ("exclude", note)
    assert notes_on_sheet(config) == {}


def row_of(config: dict[str, Any], study: str, name: str = "r1_a.xlsx") -> int:
    """The row of ``study`` in a returned .xlsx sheet."""
    rows = list(openpyxl.load_workbook(returned_dir(config) / name)["Screening"].values)
    column = rows[0].index("study_id")
    return [row[column] for row in rows].index(study) + 1


def return_csv(
    config: dict[str, Any], name: str, typed: dict[str, tuple[str, ...]], **quoting: int
) -> Path:
    """r1's first sheet (:func:`given_sheet`) as CSV, (decision, reason[, notes]) typed per study
    id, returned as ``name`` (``quoting``: the csv module's, for the cells); from then on the
    sheets are written as .xlsx and .csv."""
    config["screening"]["sheet_format"] = "both"
    lines = given_sheet(config, "csv").read_text(encoding="utf-8").splitlines(True)
    rows = list(csv.DictReader(lines[1:]))
    for row in rows:
        row["decision"], row["reason"], *notes = typed.get(row["study_id"], ("", ""))
        if notes:
            row["notes"] = notes[0]
    target = returned_dir(config) / name
    with target.open("w", encoding="utf-8", newline="") as handle:
        handle.write(lines[0])
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n", **quoting)
        writer.writeheader()
        writer.writerows(rows)
    return target


def test_two_csv_files_with_different_decisions_stop_the_command(
    returned_r1, capsys, tmp_path: Path
) -> None:
    """r1_v9.csv and r1_v10.csv decide a study differently: a CSV does not say when it was
    saved, so which counts cannot be told (name order made r1_v9 win). The step stops with exit
    code 2 naming both files, the study and both decisions; nothing is stored."""
    import yaml

    config, ids, _ = returned_r1
    return_csv(config, "r1_v9.csv", {ids[0]: ("include", "")})
    return_csv(config, "r1_v10.csv", {ids[0]: ("exclude", "no_alliance")})
    store = store_of(config).read_bytes()
    protocol = tmp_path / "protocol.yaml"
    protocol.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert main(["screen", "--configfile", str(protocol)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("livingreview: error: ") and "Traceback" not in err
    pattern = (
        r"screening/title_abstract/r1_v9\.csv, row (\d+), field 'decision': r1's decision "
        rf"\(round 1\) on study {ids[0]} is 'include' here and 'exclude' \(no_alliance\) in "
        r"screening/title_abstract/r1_v10\.csv, row \1, and which of the two files was saved "
        r"last cannot be told \(screening/title_abstract/r1_v10\.csv is a CSV file, which does "
        r"not record when it was saved\); expected one decision per study: remove one of the "
        r"two files, or correct one so that both hold the same\n"
    )
    assert re.search(pattern, err), err
    assert store_of(config).read_bytes() == store


def _typed_again(config: dict[str, Any], ids: list[str], saved: str) -> None:
    """r1_b.xlsx: r1_a.xlsx with the first study excluded, saved at ``saved``."""
    folder = returned_dir(config)
    typed = {ids[0]: ("exclude", "no_alliance", "")}
    fill_like_a_person(folder / "r1_a.xlsx", folder / "r1_b.xlsx", typed, shuffle=False)
    set_saved_at(folder / "r1_b.xlsx", saved)


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (
            lambda config, ids: return_csv(
                config, "r1_b.csv", {ids[0]: ("exclude", "no_alliance")}
            ),
            "r1_b.csv is a CSV file, which does not record when it was saved",
        ),
        (
            lambda config, ids: _typed_again(config, ids, "2000-01-01T00:00:00Z"),
            "r1_b.xlsx does not record when it was saved",
        ),
        (
            lambda config, ids: (
                set_saved_at(returned_dir(config) / "r1_a.xlsx", "2030-05-06T07:08:09Z"),
                _typed_again(config, ids, "2030-05-06T07:08:09Z"),
            ),
            "both files record the same save time, 2030-05-06T07:08:09Z",
        ),
    ],
    ids=["a csv", "no save time", "equal save times"],
)
def test_different_decisions_in_files_of_unknown_order_stop_the_step(
    returned_r1, make, why: str
) -> None:
    """A CSV beside an .xlsx (the .xlsx won because only it has a save time), an .xlsx without a
    save time, or two saved in the same second, with different decisions on a study: an error
    naming both files and both decisions."""
    config, ids, _ = returned_r1
    make(config, ids)
    store = store_of(config).read_bytes()
    with pytest.raises(InputFileError) as caught:
        run_screening(config)
    message = str(caught.value)
    assert f"on study {ids[0]} is " in message and why in message
    assert "'include'" in message and "'exclude' (no_alliance)" in message
    assert "r1_a.xlsx, row " in message and "r1_b." in message
    assert store_of(config).read_bytes() == store


def test_files_that_agree_need_no_order(returned_r1, caplog) -> None:
    """A CSV holding the same decisions as an .xlsx (notes aside) is read without a word about
    their order (the .xlsx's column of the reviewer's own, 'my tag', is named for itself)."""
    config, ids, _ = returned_r1
    return_csv(config, "r1_b.csv", {ids[0]: ("include", ""), ids[1]: ("exclude", "no_alliance")})
    with caplog.at_level(logging.INFO, logger="livingreview"):
        run_screening(config)
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert [m for m in warned if "column 'my tag' is no column of" not in m] == []
    assert len(read_decisions(store_of(config))) == 5


def test_overridden_answers_of_three_files() -> None:
    """Of three files saved in turn, each decision the last one differs from is named; an
    earlier file agreeing with the last is not."""
    first, second, last = (
        ScreeningDecision("S1", "r1", "title_abstract", 1, d, "", "", f"{n}.xlsx", 2, t)
        for d, n, t in (
            ("include", "c", "2024-01-01T00:00:00Z"),
            ("exclude", "b", "2024-01-02T00:00:00Z"),
            ("include", "a", "2024-01-03T00:00:00Z"),
        )
    )
    lines = sheets.overridden_answers(
        [last, first, second], ScreeningDecision.key, lambda d: d.reviewer, "decision"
    )
    assert lines == [
        "b.xlsx, row 2: r1 on study S1, 'exclude', is overridden by 'include' in a.xlsx, row 2, "
        "saved later (2024-01-02T00:00:00Z < 2024-01-03T00:00:00Z)"
    ]


def test_a_note_holding_a_carriage_return_is_stored_and_read_back_as_typed(returned_r1) -> None:
    """A note whose line break is a lone carriage return (a cell of a CSV saved with classic Mac
    line ends) was written to the store unquoted: reading the store back split the row in two
    and the step stopped with a traceback. It is stored and read back as typed."""
    config, ids, _ = returned_r1
    note = "seen in print\ralready screened"
    typed = {ids[3]: ("exclude", "no_alliance", note)}
    return_csv(config, "r1_c.csv", typed, quoting=csv.QUOTE_ALL)
    for _ in range(2):  # the second run reads the store the first one wrote
        run_screening(config)
        stored = [d for d in read_decisions(store_of(config)) if d.study_id == ids[3]]
        assert [(d.decision, d.notes) for d in stored] == [("exclude", note)]


def notes_on_csv_sheet(config: dict[str, Any]) -> dict[str, str]:
    """Study id -> the notes in r1's current CSV sheet, read as a CSV reader reads it."""
    text = sheet_path(config, "r1", ext="csv").read_bytes().decode("utf-8")
    rows = csv.DictReader(io.StringIO(text.partition("\n")[2], newline=""))
    return {row["study_id"]: row["notes"] for row in rows if row["notes"]}


def test_a_carried_note_holding_a_carriage_return_stays_one_row_of_the_next_csv_sheet(
    returned_r1,
) -> None:
    """A note typed without a decision goes on the next sheet. Holding a lone carriage return
    it was written there unquoted: the row ended at it, and the sheet returned as written was
    rejected ('unknown study' naming the authors). It comes back as typed, run after run."""
    config, ids, _ = returned_r1
    note = "seen in print\ralready screened"
    return_csv(config, "r1_c.csv", {ids[5]: ("", "", note)}, quoting=csv.QUOTE_ALL)
    run_screening(config)
    assert notes_on_csv_sheet(config) == {ids[5]: note}
    shutil.copy(sheet_path(config, "r1", ext="csv"), returned_dir(config) / "r1_d.csv")
    run_screening(config)  # reads the sheet it wrote, returned unchanged
    assert notes_on_csv_sheet(config) == {ids[5]: note}
