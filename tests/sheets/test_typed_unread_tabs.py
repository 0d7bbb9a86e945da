"""Text a reviewer types into the tabs of a returned .xlsx that are never read: column A of the
Instructions tab (an instruction line changed, or a line added below them) and the hidden
``_meta`` tab (a row added, text beside a value). The sheet records marks of its instruction
lines and the keys it wrote in ``_meta``, so such text stops the step naming the file, tab and
cell; a sheet the pipeline wrote, saved again by LibreOffice, reads as before, and so does a
sheet written before the marks existed whatever its instructions say."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from livingreview.errors import InputFileError
from livingreview.sheets import read_sheet
from tests.sheets.libreoffice_fixtures import libreoffice_all

# the demo's blank sheets of every kind: their instructions come from the protocol
KINDS = (
    "screening/title_abstract/title_abstract_round1_r1.xlsx",
    "fulltext/sheets/full_text_round1_r1.xlsx",
    "extraction/forms/extraction_round1_r1.xlsx",
    "rob/forms/rob_rob2_round1_r1.xlsx",
)


def _copy(demo_outputs: Path, folder: Path, name: str) -> Path:
    folder.mkdir(exist_ok=True)
    return Path(shutil.copy(demo_outputs / name, folder))


def _title(path: Path) -> str:
    return openpyxl.load_workbook(path, read_only=True).sheetnames[0]


def _typed(path: Path, tab: str, cell: str, text: str) -> Path:
    wb = openpyxl.load_workbook(path)
    wb[tab][cell] = text
    wb.save(path)
    return path


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_sheets_the_pipeline_wrote_read_after_libreoffice_saves_them(
    demo_outputs: Path, tmp_path: Path
) -> None:
    """No line the pipeline wrote is taken for typed text, as written or re-saved."""
    written = [_copy(demo_outputs, tmp_path / "w", name) for name in KINDS]
    resaved = libreoffice_all(written, "xlsx", tmp_path / "lo", tmp_path)
    for path in (*written, *resaved):
        sheet = read_sheet(path, _title(path))
        assert sheet.meta and "checksum" in sheet.meta and "instructions" not in sheet.meta


@pytest.mark.parametrize(
    ("tab", "cell", "where"),
    [
        ("Instructions", "A3", "none of the lines written there"),  # a line typed over
        ("Instructions", "A60", "none of the lines written there"),  # below the lines
        ("_meta", "A3", "a row the pipeline did not write"),  # a key row typed over
        ("_meta", "C2", "beside a value the pipeline wrote"),
    ],
)
def test_text_typed_into_a_tab_never_read_is_refused_naming_the_cell(
    demo_outputs: Path, tmp_path: Path, tab: str, cell: str, where: str
) -> None:
    """Before: read with exit 0, the text dropped without a word."""
    for name in KINDS[:2]:
        path = _copy(demo_outputs, tmp_path / cell, name)
        _typed(path, tab, cell, "S0017eb1b64: check the dose again")
        with pytest.raises(InputFileError) as caught:
            read_sheet(path, _title(path))
        message = str(caught.value)
        assert message.startswith(str(path)), message
        assert f"sheet {tab!r}" in message and f"'{cell}'" in message, message
        assert where in message and "'S0017eb1b64: check the dose again'" in message


def test_a_sheet_written_before_the_marks_reads_whatever_its_instructions_say(
    demo_outputs: Path, tmp_path: Path
) -> None:
    """Its ``_meta`` without the rows ``instructions`` and ``keys``: an earlier version wrote
    other instructions, so a line that differs is no proof of typing."""
    path = _copy(demo_outputs, tmp_path, KINDS[0])
    wb = openpyxl.load_workbook(path)
    meta = wb["_meta"]
    rows = [
        r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value in ("instructions", "keys")
    ]
    assert len(rows) == 2
    meta.delete_rows(rows[0], 2)
    wb["Instructions"]["A3"] = (
        "Screen on title and abstract (the instructions of an earlier version)"
    )
    wb.save(path)
    assert read_sheet(path, _title(path)).meta


def test_instruction_lines_moved_or_cleared_lose_nothing_and_read(
    demo_outputs: Path, tmp_path: Path
) -> None:
    """Rows inserted above the lines, a line cleared, two lines swapped: nothing typed."""
    path = _copy(demo_outputs, tmp_path, KINDS[1])
    wb = openpyxl.load_workbook(path)
    info = wb["Instructions"]
    info.insert_rows(1, amount=2)
    info["A3"], info["A4"] = info["A4"].value, info["A3"].value
    info["A5"] = None
    wb.save(path)
    assert read_sheet(path, _title(path)).meta
