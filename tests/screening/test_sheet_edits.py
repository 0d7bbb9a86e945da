"""What reviewers do to a returned sheet in their spreadsheet program (a copied tab, a renamed
tab, text Excel took for a formula, a CSV opened and saved again), read back through the
screening reader: read as typed, or refused naming file, row and field."""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from livingreview.cli import main
from livingreview.errors import InputFileError
from livingreview.screening.decisions import read_decisions
from livingreview.screening.stage import run_screening
from livingreview.sheets import read_sheet
from tests.conftest import REPO_ROOT
from tests.screening.sheet_helpers import returned_dir, screening_config, sheet_path

DEMO_SHEET = (
    REPO_ROOT
    / "demo/human/screening/title_abstract"
    / "title_abstract_round1_r1_demo_illustrative.xlsx"
)


@pytest.fixture
def written(tmp_path: Path, demo_outputs: Path) -> dict[str, Any]:
    """A config whose screening sheets are written (xlsx and csv), none returned yet."""
    config = screening_config(tmp_path, demo_outputs, sheet_format="both")
    run_screening(config)
    return config


def stored(config: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(study, decision, reason, notes) of every decision in the store."""
    store = Path(config["paths"]["outputs"]) / "screening/decisions.csv"
    return [(d.study_id, d.decision, d.reason, d.notes) for d in read_decisions(store)]


def typed_into(sheet: Path, values: dict[tuple[int, str], object]) -> openpyxl.Workbook:
    """The written workbook with ``values`` ((row, column name) -> value) typed in."""
    wb = openpyxl.load_workbook(sheet)
    ws = wb["Screening"]
    column = {c.value: c.column for c in ws[1]}
    for (row, name), value in values.items():
        ws.cell(row=row, column=column[name]).value = value
    return wb


def column_letter(sheet: Path, name: str) -> str:
    ws = openpyxl.load_workbook(sheet)["Screening"]
    return next(c.column_letter for c in ws[1] if c.value == name)


def with_failed_formula(path: Path, ref: str, formula: str, error: str, sheet: int = 1) -> None:
    """Make cell ``ref`` of sheet number ``sheet`` hold ``formula`` with the error value a
    spreadsheet program stores when it fails (as LibreOffice and Excel write it: ``t="e"``)."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    cell = f'<c r="{ref}" t="e"><f>{formula}</f><v>{error}</v></c>'.encode()
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, body in members:
            if info.filename == f"xl/worksheets/sheet{sheet}.xml":
                body, found = pattern.subn(cell, body)
                assert found == 1, f"no cell {ref}"
            target.writestr(info, body)


def test_text_excel_took_for_a_formula_is_read_as_typed_not_as_its_error(written) -> None:
    """``-ve result`` or ``+ adults`` typed in notes become a formula showing #NAME?: the note
    is stored as the formula's text, and such a decision is refused showing what was typed."""
    sheet = sheet_path(written, "r1")
    returned = returned_dir(written) / "r1.xlsx"
    typed_into(sheet, {(2, "decision"): "include", (2, "notes"): "x", (3, "decision"): "x"}).save(
        returned
    )
    notes, decision = column_letter(sheet, "notes"), column_letter(sheet, "decision")
    with_failed_formula(returned, f"{notes}2", "-ve", "#NAME?")
    with_failed_formula(returned, f"{decision}3", "1/0", "#DIV/0!")
    with pytest.raises(
        InputFileError,
        match=r"r1.xlsx, row 3, field 'decision': unknown decision '=1/0'; expected include,",
    ):
        run_screening(written)
    typed_into(returned, {(3, "decision"): None}).save(returned)
    with_failed_formula(returned, f"{notes}2", "-ve", "#NAME?")
    run_screening(written)
    [(_, decision_read, _, note)] = stored(written)
    assert (decision_read, note) == ("include", "=-ve")


def refused(wb: openpyxl.Workbook, config: dict[str, Any], capsys, tmp_path: Path) -> str:
    """The one error line of ``livingreview screen`` (exit 2) with ``wb`` returned as r1's."""
    wb.save(returned_dir(config) / "r1.xlsx")
    protocol = tmp_path / "protocol.yaml"
    protocol.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert main(["screen", "--configfile", str(protocol)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
    return err


def test_decisions_typed_in_a_copied_tab_stop_the_command(written, capsys, tmp_path) -> None:
    """Only the sheet 'Screening' is read: a copy of it holding decisions is refused with exit 2
    naming the tab, row and column; a copy kept unchanged, or a tab of one's own, is fine."""
    wb = typed_into(sheet_path(written, "r1"), {(2, "decision"): "exclude"})
    backup = wb.copy_worksheet(wb["Screening"])  # what was typed there is in 'Screening' too
    backup.title = "backup"
    wb.create_sheet("my notes")["A1"] = "ask Anna about the adult samples"
    copy = wb.copy_worksheet(wb["Screening"])
    copy.title = "Screening (2)"
    copy["E5"] = "Include"
    err = refused(wb, written, capsys, tmp_path)
    assert (
        "r1.xlsx, sheet 'Screening (2)', row 5, field 'decision': sheet 'Screening (2)' holds "
        "'Include' on the row of S" in err
    )
    assert "only sheet 'Screening' is read" in err
    assert stored(written) == []
    del wb["Screening (2)"]
    wb.save(returned_dir(written) / "r1.xlsx")
    run_screening(written)
    assert [d[1] for d in stored(written)] == ["exclude"]


def test_a_renamed_tab_is_found_by_its_ids_beside_a_tab_of_ones_own(written) -> None:
    wb = typed_into(sheet_path(written, "r1"), {(2, "decision"): "maybe"})
    wb["Screening"].title = "r1 screening"
    wb.create_sheet("to do", 0)["A1"] = "finish by Friday"
    wb.save(returned_dir(written) / "r1.xlsx")
    run_screening(written)
    assert [d[1] for d in stored(written)] == ["maybe"]
    copy = wb.copy_worksheet(wb["r1 screening"])
    copy.title = "r1 screening (2)"
    wb.save(returned_dir(written) / "r1.xlsx")
    with pytest.raises(
        InputFileError,
        match=r"r1.xlsx: no sheet is named 'Screening' and sheets 'r1 screening' and "
        r"'r1 screening \(2\)' both hold its rows",
    ):
        run_screening(written)


def csv_returned(config: dict[str, Any], edit: dict[int, dict[str, str]], delimiter: str) -> Path:
    """r1's CSV sheet with ``edit`` (line number in the file -> column -> text) typed in,
    saved with ``delimiter`` as a spreadsheet program does (every cell quoted when needed)."""
    import csv

    lines = sheet_path(config, "r1", ext="csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(lines[1:]))
    for number, values in edit.items():
        for name, value in values.items():
            rows[number - 2][rows[0].index(name)] = value
    path = returned_dir(config) / "r1.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(lines[0] + "\n")
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def test_csv_rows_are_numbered_as_a_spreadsheet_program_shows_them(written) -> None:
    """The metadata line is row 1, the header row 2: an error names the row the reviewer sees,
    and a decision records it."""
    csv_returned(written, {5: {"decision": "yes"}}, ",")
    with pytest.raises(InputFileError, match=r"r1.csv, row 5, field 'decision': unknown decision"):
        run_screening(written)
    csv_returned(written, {5: {"decision": "include"}}, ",")
    run_screening(written)
    store = Path(written["paths"]["outputs"]) / "screening/decisions.csv"
    [decision] = read_decisions(store)
    assert (decision.row, decision.decision) == (5, "include")


def test_csv_text_kept_from_formulas_reads_back_as_written(written) -> None:
    """A note starting with ``-`` is written to the CSV sheet after a ``'`` (never a formula);
    spreadsheet programs keep that ``'`` as a character, and the reader takes it off again. A
    tab-delimited file saved with a .csv name reads too."""
    csv_returned(written, {3: {"notes": "-ve result, ask Anna"}}, ",")
    run_screening(written)
    carried = sheet_path(written, "r1", ext="csv").read_text(encoding="utf-8").splitlines()
    [line] = [n for n, text in enumerate(carried, start=1) if "'-ve result, ask Anna" in text]
    csv_returned(written, {line: {"decision": "exclude"}}, "\t")  # the next sheet, as written
    run_screening(written)
    [(_, decision, _, note)] = stored(written)
    assert (decision, note) == ("exclude", "-ve result, ask Anna")


def test_a_copied_tab_of_a_note_excel_took_for_a_formula(tmp_path: Path) -> None:
    """A note '-ve' that Excel shows as #NAME? in both the main tab and an unchanged copy of it
    is read as typed and the copy is no difference; typed only in the copy it is refused."""
    wb = openpyxl.load_workbook(DEMO_SHEET)
    notes = next(c.column_letter for c in wb["Screening"][1] if c.value == "notes")
    wb["Screening"][f"{notes}2"] = "typed"
    wb.copy_worksheet(wb["Screening"]).title = "Screening (2)"  # sheet4.xml
    returned = tmp_path / "r1.xlsx"
    wb.save(returned)
    with_failed_formula(returned, f"{notes}2", "-ve", "#NAME?", sheet=1)
    with_failed_formula(returned, f"{notes}2", "-ve", "#NAME?", sheet=4)
    sheet = read_sheet(returned, "Screening")
    assert sheet.cell(sheet.table[1], "notes") == "=-ve"
    wb.save(returned)
    with_failed_formula(returned, f"{notes}2", "-ve", "#NAME?", sheet=4)
    with pytest.raises(InputFileError, match=r"sheet 'Screening \(2\)' holds '=-ve' on the row"):
        read_sheet(returned, "Screening")


def test_a_sheet_saved_with_its_reason_column_deleted_is_refused(written, capsys, tmp_path) -> None:
    """A sheet whose 'reason' (or 'notes') column a reviewer deleted was read as excludes
    without reasons, over the same reviewer's earlier file with its reasons (full-text, extraction
    and risk-of-bias forms refuse it); the error named no column ("'study_id' or 'decision'")."""
    typed = {(2, "decision"): "exclude", (2, "reason"): "no_alliance", (3, "decision"): "include"}
    wb = typed_into(sheet_path(written, "r1"), typed)
    ws = wb["Screening"]
    ws.delete_cols(next(c.column for c in ws[1] if c.value == "reason"))
    ws.delete_cols(next(c.column for c in ws[1] if c.value == "decision"))
    err = refused(wb, written, capsys, tmp_path)
    assert "r1.xlsx, row 1: missing column(s) 'decision', 'reason' (expected the header" in err
    assert stored(written) == []
    typed_into(sheet_path(written, "r1"), typed).save(returned_dir(written) / "r1.xlsx")
    run_screening(written)
    assert [d[1:3] for d in stored(written)] == [("exclude", "no_alliance"), ("include", "")]


def test_a_note_typed_in_a_column_of_ones_own_is_named_in_the_log(written, caplog) -> None:
    """The sheet's Instructions allow columns of one's own; a reviewer adds 'my comment' and
    types 'discuss with Ben' on a decided row. Nothing reads that column, and nothing said so:
    the note was gone without a word. The log now names the file, the column, its rows and
    where a note is kept (as the full-text, extraction and risk-of-bias forms do); a column of
    one's own left empty, and the sheet's own columns, are not named."""
    sheet = sheet_path(written, "r1")
    wb = typed_into(sheet, {(2, "decision"): "include", (3, "decision"): "exclude"})
    ws = wb["Screening"]
    ws.cell(row=1, column=ws.max_column + 1).value = "my comment"
    ws.cell(row=3, column=ws.max_column).value = "discuss with Ben"
    ws.cell(row=1, column=ws.max_column + 1).value = "empty one"
    wb.save(returned_dir(written) / "r1.xlsx")
    with caplog.at_level(logging.WARNING, logger="livingreview.screening"):
        run_screening(written)
    named = [r.getMessage() for r in caplog.records if "column" in r.getMessage()]
    assert named == [
        "screening/title_abstract/r1.xlsx: column 'my comment' is no column of the screening "
        "sheet and is not read: what it holds in 1 row(s) (row 3 first) is not in the "
        "review's data; to keep a note with its study, type it in 'notes'"
    ]
    assert sorted(d[1] for d in stored(written)) == ["exclude", "include"]
