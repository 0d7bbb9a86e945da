"""Excel .xlsx workbooks, written here with openpyxl: invented rows under real export headers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from livingreview.errors import InputFileError
from livingreview.imports import import_file
from livingreview.sheets.ooxml_text import escaped
from tests.conftest import REPO_ROOT
from tests.imports import Real

#: A returned screening sheet of the demo (written by livingreview, filled in).
DEMO_SHEET = (
    REPO_ROOT
    / "demo/human/screening/title_abstract"
    / "title_abstract_round1_r1_demo_illustrative.xlsx"
)
SCOPUS = ["Authors", "Author full names", "Title", "Year", "Source title", "DOI", "Link", "EID"]


def _workbook(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for number, row in enumerate(rows, 1):
        for column, value in enumerate(row, 1):
            if value is not None:
                sheet.cell(number, column, value)
    book.create_sheet("Second")["A1"] = "never read"
    book.save(path)
    return path


def _scopus_row(n: int) -> list[object]:
    return [
        f"Doe J.; Roe R{n}.",
        f"Doe, Jane (1); Roe, Ray{n} (2)",
        f"Invented title {n}: café",
        2019 + n,
        "Invented Journal",
        f"10.5555/inv.{n}",
        f"https://www.scopus.com/inward/record.uri?eid=2-s2.0-{n}",
        f"2-s2.0-{n}",
    ]


def test_a_csv_saved_in_excel_reads_like_the_csv(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "scopus.xlsx", [SCOPUS, _scopus_row(1), [], _scopus_row(2)])
    result = import_file(path, "scopus")
    assert (result.format, result.encoding, result.records_in_file) == ("xlsx", "xlsx", 2)
    first, second = result.records
    assert (first.source_id, first.title, first.year) == (
        "2-s2.0-1",
        "Invented title 1: café",
        "2020",
    )
    assert first.authors == ["Doe, Jane", "Roe, Ray1"]  # the Scopus flavour, not generic
    assert (first.journal, first.doi) == ("Invented Journal", "10.5555/inv.1")
    assert second.year == "2021"  # an integer cell, not "2021.0"


def test_text_excel_and_libreoffice_escape_reads_as_typed(tmp_path: Path) -> None:
    """Excel stores a carriage return in a cell (a title pasted with its line break) as
    ``_x000D_``, which came into the record; LibreOffice stores the text ``_x005F_`` typed as
    ``_x005F_x005F_``, whose ``x005F_`` openpyxl deleted (``Invented_Journal``)."""
    row = _scopus_row(1)
    row[2], row[4] = escaped("Invented title 1:\r\ncafé"), escaped("Invented_x005F_Journal")
    (record,) = import_file(_workbook(tmp_path / "scopus.xlsx", [SCOPUS, row]), "scopus").records
    assert (record.title, record.journal) == ("Invented title 1: café", "Invented_x005F_Journal")


def test_rows_above_the_header_dates_and_floats(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Embase export, search run on an invented date"],
        [],
        ["Title", "Author Names", "Publication Year", "Date of Publication", "Volume"],
        ["An Embase record", "Park M.", 2018.0, dt.datetime(2018, 3, 1), 12],
    ]
    result = import_file(_workbook(tmp_path / "embase.xlsx", rows), "embase")
    (record,) = result.records
    assert (record.title, record.authors, record.year, record.volume) == (
        "An Embase record",
        ["Park M."],
        "2018",
        "12",
    )
    assert result.records_in_file == 1


def test_errors_name_the_sheet_row(tmp_path: Path) -> None:
    rows = [["Note above"], SCOPUS, _scopus_row(1), SCOPUS, _scopus_row(2)]
    path = _workbook(tmp_path / "joined.xlsx", rows, title="Export")
    with pytest.raises(InputFileError, match="repeats the header") as error:
        import_file(path, "scopus")
    assert "joined.xlsx, sheet 'Export', row 4:" in str(error.value)


def test_a_flavour_error_names_the_column(tmp_path: Path) -> None:
    rows = [["NCT Number", "Study Title"], ["NCT09000001", "A"], ["Shifted", "B"]]
    path = _workbook(tmp_path / "ctgov.xlsx", rows)
    with pytest.raises(InputFileError, match="expected an NCT number") as error:
        import_file(path, "ctgov")
    assert "sheet 'Sheet1', row 3, field 'NCT Number'" in str(error.value)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


def test_other_zip_archives_are_still_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "exports.zip", {"scopus.csv": b"Title\nA\n"})
    with pytest.raises(InputFileError, match=r"ZIP archive that is no Excel \.xlsx workbook"):
        import_file(path, "x")
    with pytest.raises(InputFileError, match=r"not an Excel workbook"):
        import_file(path, "x", fmt="xlsx")


def test_a_damaged_workbook_is_one_clear_error(tmp_path: Path, capsys) -> None:
    from livingreview.cli import main

    path = _zip(tmp_path / "damaged.xlsx", {"xl/workbook.xml": b"<not xml"})
    with pytest.raises(InputFileError, match=r"cannot be read as an \.xlsx workbook"):
        import_file(path, "x")
    assert main(["import", str(path), "--out", str(tmp_path / "out.csv")]) == 2
    err = capsys.readouterr().err
    assert "damaged.xlsx" in err and "Traceback" not in err


def test_a_returned_reviewer_sheet_is_no_export() -> None:
    """A screening sheet livingreview wrote (it has a '_meta' sheet) passed to import by mistake
    is refused, not read as 153 search records."""
    with pytest.raises(InputFileError, match=r"a sheet livingreview wrote for reviewers"):
        import_file(DEMO_SHEET, "x")


def test_a_workbook_whose_worksheet_was_cut_is_one_clear_error(
    real: Real, tmp_path: Path, capsys
) -> None:
    """The real Scopus CSV export saved as a workbook, its worksheet's XML then cut in half (an
    interrupted copy): openpyxl reads that part only row by row, after the workbook opened."""
    from livingreview.cli import main

    with real("exports/scopus/scopus_sample.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    saved = _workbook(tmp_path / "saved.xlsx", rows)
    assert len(import_file(saved, "scopus").records) == len(rows) - 1 == 8
    with zipfile.ZipFile(saved) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) // 2]
    path = _zip(tmp_path / "cut.xlsx", members)
    with pytest.raises(InputFileError, match=r"sheet 'Sheet1' cannot be read: a part of the"):
        import_file(path, "scopus")
    assert main(["import", str(path), "--out", str(tmp_path / "out.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"livingreview: error: {path}: ") and err.count("\n") == 1
    assert not (tmp_path / "out.csv").exists()
