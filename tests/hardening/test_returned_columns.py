"""Returned sheets whose header no longer matches their text: a column typed under a blank
header cell, or a header name repeated (readers take the first copy). Run on a copy of the demo
run with the demo's returned sheets, through the command line, as a reviewer's step would run:
the step stops naming the file, row and column, instead of reading past what was typed."""

from __future__ import annotations

import csv
import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from livingreview.cli import main
from tests.conftest import REPO_ROOT, drop_store

#: command -> (returned sheet under demo/human, the column typed in, what is typed, the store)
STEPS = {
    "screen": (
        "screening/title_abstract/title_abstract_round1_r1_demo_illustrative.xlsx",
        "decision",
        "include",
        "screening/decisions.csv",
    ),
    "conflicts": (
        "screening/conflicts/conflicts_round1_r3_demo_illustrative.xlsx",
        "resolution",
        "exclude",
        "screening/resolutions.csv",
    ),
    "fulltext": (
        "full_text/sheets/full_text_round1_r1_demo_illustrative.xlsx",
        "decision",
        "exclude",
        "fulltext/assessments.csv",
    ),
    "extract": (
        "extraction/extraction_round1_r1_demo_illustrative.xlsx",
        "country",
        "Norway",
        "extraction/entries.csv",
    ),
    "appraise": (
        "risk_of_bias/rob_rob2_round1_r1_demo_illustrative.xlsx",
        "d1",
        "High",
        "rob/entries.csv",
    ),
    "library": (
        "dedup/maybe_pairs_demo_illustrative.xlsx",
        "decision",
        "distinct",
        "library/decisions.csv",
    ),
}


def _review(demo_outputs: Path, tmp_path: Path, store: str) -> Path:
    """A copy of the demo run and its returned sheets, the step's store removed so that the
    sheets are read as on their first return."""
    work = shutil.copytree(demo_outputs.parent, tmp_path / "review", symlinks=True)
    shutil.copytree(REPO_ROOT / "demo/human", work / "human")
    drop_store(work / "outputs" / store)
    protocol = json.loads((work / "outputs/protocol.json").read_text(encoding="utf-8"))
    protocol["paths"] |= {"outputs": "outputs", "human_input": "human"}
    (work / "protocol.json").write_text(json.dumps(protocol), encoding="utf-8")
    return work


def _run(work: Path, command: str, monkeypatch: pytest.MonkeyPatch, capsys) -> tuple[int, str]:
    monkeypatch.chdir(work)
    capsys.readouterr()
    code = main([command, "--configfile", "protocol.json"])
    return code, capsys.readouterr().err.strip()


def _edit(path: Path, column: str, value: str, *, header: str | None) -> tuple[int, str]:
    """Type ``value``, differing from the first data row's ``column``, into that row under a
    new column headed ``header`` (None: no name, with a named column of the reviewer's own
    after it). Returns (row number, the new column's letter)."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    names = [c.value for c in ws[1]]
    new = ws.max_column + 1
    current = ws.cell(2, names.index(column) + 1).value
    assert current != value
    ws.cell(1, new).value = header
    if header is None:
        ws.cell(1, new + 1).value = "checked by"
    ws.cell(2, new).value = value
    wb.save(path)
    return 2, ws.cell(1, new).column_letter


def _refused(
    command: str,
    header: str | None,
    demo_outputs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
) -> tuple[Path, Path, int, str, str]:
    """Run ``command`` on the demo's returned sheet with a new column named ``header`` holding
    another value; it must exit 2. The review folder, the sheet's path as the step names it,
    the row and column letter edited and the error line."""
    sheet, column, value, store = STEPS[command]
    work = _review(demo_outputs, tmp_path, store)
    path = Path("human", sheet)  # as the step names it: relative to the review folder
    row, letter = _edit(work / path, column, value, header=header)
    code, err = _run(work, command, monkeypatch, capsys)
    assert code == 2, err
    return work, path, row, letter, err


@pytest.mark.parametrize("command", sorted(STEPS))
def test_a_repeated_column_holding_another_value_stops_the_step(
    command: str, demo_outputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    column, value = STEPS[command][1:3]
    work, path, row, letter, err = _refused(
        command, column.upper(), demo_outputs, tmp_path, monkeypatch, capsys
    )
    assert err.startswith(f"livingreview: error: {path}, row {row}, field {column!r}: "), err
    assert "appears twice in the header" in err and f"and {letter})" in err
    assert repr(value) in err and "\n" not in err
    assert not (work / "outputs" / STEPS[command][3]).exists()


@pytest.mark.parametrize("command", sorted(STEPS))
def test_text_under_a_column_without_a_name_stops_the_step(
    command: str, demo_outputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    value = STEPS[command][2]
    work, path, row, letter, err = _refused(
        command, None, demo_outputs, tmp_path, monkeypatch, capsys
    )
    assert err.startswith(f"livingreview: error: {path}, row {row}: text {value!r}"), err
    assert f"in column {letter}, which has no name in the header" in err and "\n" not in err
    assert not (work / "outputs" / STEPS[command][3]).exists()


def test_an_identical_copy_of_a_column_and_blank_unnamed_columns_are_read(
    demo_outputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A column copied whole (same values) and empty columns without a name lose nothing."""
    sheet, column, _, store = STEPS["screen"]
    work = _review(demo_outputs, tmp_path, store)
    path = Path("human", sheet)  # as the step names it: relative to the review folder
    wb = openpyxl.load_workbook(work / path)
    ws = wb.worksheets[0]
    source = [c.value for c in ws[1]].index(column) + 1
    copy_at = ws.max_column + 2  # one empty, unnamed column between
    for r in range(1, ws.max_row + 1):
        ws.cell(r, copy_at).value = ws.cell(r, source).value
    wb.save(work / path)
    code, err = _run(work, "screen", monkeypatch, capsys)
    assert code == 0, err
    assert _decisions(work / "outputs" / store) == _decisions(demo_outputs / store)


def _decisions(store: Path) -> list[dict[str, str]]:
    """The stored rows, sorted, but their time (the returned file's save time, which the edit
    changed; rows are stored in time order)."""
    with store.open(encoding="utf-8", newline="") as handle:
        rows = [
            {k: v for k, v in row.items() if k != "recorded_at"} for row in csv.DictReader(handle)
        ]
    assert rows
    return sorted(rows, key=lambda row: sorted(row.items()))


@pytest.mark.parametrize("command", sorted(STEPS))
def test_cells_merged_over_two_rows_stop_the_step(
    command: str, demo_outputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A value merged over two rows is shown for both but stored in the first cell only: the
    step names the merged cells instead of reading the second row as blank."""
    sheet, column, value, store = STEPS[command]
    work = _review(demo_outputs, tmp_path, store)
    path = Path("human", sheet)  # as the step names it: relative to the review folder
    wb = openpyxl.load_workbook(work / path)
    ws = wb.worksheets[0]
    letter = ws.cell(1, [c.value for c in ws[1]].index(column) + 1).column_letter
    typed = [ws[f"{letter}2"].value, ws[f"{letter}3"].value]
    ws[f"{letter}2"].value = value
    ws.merge_cells(f"{letter}2:{letter}3")
    wb.save(work / path)
    code, err = _run(work, command, monkeypatch, capsys)
    assert code == 2, err
    assert err.startswith(f"livingreview: error: {path}, row 2: cells {letter}2:{letter}3 of sheet")
    assert "are merged" in err and "unmerge them" in err and "\n" not in err
    assert not (work / "outputs" / store).exists()
    # Unmerged, each row's own value typed back, the sheet is read.
    wb = openpyxl.load_workbook(work / path)
    ws = wb.worksheets[0]
    ws.unmerge_cells(f"{letter}2:{letter}3")
    ws[f"{letter}2"].value, ws[f"{letter}3"].value = typed
    wb.save(work / path)
    code, err = _run(work, command, monkeypatch, capsys)
    assert code == 0, err


def _prefixed(path: Path) -> None:
    """Rewrite the workbook's worksheets with a namespace prefix on every element
    (``<x:mergeCell>``), as the .NET Open XML SDK saves them; spreadsheet programs and openpyxl
    read both forms alike."""
    with zipfile.ZipFile(path) as archive:
        parts = [(item, archive.read(item.filename)) for item in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for item, data in parts:
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode("utf-8").replace(f'xmlns="{_MAIN}"', f'xmlns:x="{_MAIN}"')
                data = re.sub(r"<(/?)(?![?!])([A-Za-z])", r"<\1x:\2", text).encode("utf-8")
            archive.writestr(item, data)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_merged_cells_are_seen_in_worksheets_with_prefixed_elements(
    demo_outputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    sheet, column, value, store = STEPS["screen"]
    work = _review(demo_outputs, tmp_path, store)
    path = Path("human", sheet)
    wb = openpyxl.load_workbook(work / path)
    ws = wb.worksheets[0]
    letter = ws.cell(1, [c.value for c in ws[1]].index(column) + 1).column_letter
    ws[f"{letter}2"].value = value
    ws.merge_cells(f"{letter}2:{letter}3")
    wb.save(work / path)
    _prefixed(work / path)
    assert b"<x:mergeCell " in zipfile.ZipFile(work / path).read("xl/worksheets/sheet1.xml")
    code, err = _run(work, "screen", monkeypatch, capsys)
    assert code == 2, err
    assert err.startswith(f"livingreview: error: {path}, row 2: cells {letter}2:{letter}3 of sheet")
    assert not (work / "outputs" / store).exists()
