"""A table's rows that carry no record: a blank row is skipped, as spreadsheet programs skip it;
a row of placeholders only, and a Web of Science row holding its ``PT`` cell alone, are refused
as the tagged readers refuse a record start with nothing after it; any other row is a record."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest

from livingreview.errors import InputFileError
from livingreview.imports import import_file
from tests.imports import Real, Variant
from tests.imports.checks import command_line_exits_2
from tests.imports.test_xls import WOS_ROWS
from tests.imports.test_xlsx import SCOPUS, _scopus_row, _workbook


def _scopus_with(real: Real, variant_file: Variant, name: str, row: list[str]) -> Path:
    """synthesisr's real Scopus CSV with ``row`` (cells named by column) before its second row."""
    text = real("exports/scopus/scopus_sample.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(
        [rows[0], rows[1], row, *rows[2:]]
    )
    return variant_file(name, out.getvalue().encode())


def _scopus_cells(real: Real, **named: str) -> list[str]:
    text = real("exports/scopus/scopus_sample.csv").read_text(encoding="utf-8")
    header = next(csv.reader(io.StringIO(text)))
    return [named.get(column, "") for column in header]


@pytest.mark.parametrize("placeholder", ["NA", "N/A", "null"])
def test_a_row_of_placeholders_only_among_real_rows_is_refused(
    real: Real, variant_file: Variant, capsys: pytest.CaptureFixture[str], placeholder: str
) -> None:
    """A row whose every cell is ``NA`` (R's empty cell) was read as a record with no title,
    author or id, exit 0: refused naming its row and line."""
    cells = [placeholder] * len(_scopus_cells(real))
    path = _scopus_with(real, variant_file, "na_row.txt", cells)
    with pytest.raises(InputFileError) as error:
        import_file(path, "scopus")
    message = str(error.value)
    assert "na_row.txt, row 3 (line 3): a row holding only placeholders for empty cells" in message
    assert f"cells ({placeholder}): no record in it" in message
    command_line_exits_2(path, capsys, "no record in it; delete the row")


def test_a_blank_row_is_skipped_and_a_row_holding_an_id_is_a_record(
    real: Real, variant_file: Variant
) -> None:
    full = import_file(real("exports/scopus/scopus_sample.csv"), "scopus")
    blank = import_file(_scopus_with(real, variant_file, "blank.csv", [""] * 45), "scopus")
    assert [r.title for r in blank.records] == [r.title for r in full.records]
    eid = _scopus_cells(real, EID="2-s2.0-85000000001")
    records = import_file(_scopus_with(real, variant_file, "eid.csv", eid), "scopus").records
    assert len(records) == len(full.records) + 1
    assert (records[1].source_id, records[1].title) == ("2-s2.0-85000000001", "")


def test_a_wos_row_holding_its_pt_cell_alone_is_refused(
    variant_file: Variant, capsys: pytest.CaptureFixture[str]
) -> None:
    """Web of Science's tab-delimited export (UTF-16, as it writes it) with a row holding ``J``
    in its ``PT`` column and nothing else, as a download cut after a row's first cell leaves
    it: the twin of a tagged record that is its ``PT`` line alone (3ee34c5), refused."""
    for rows, line in (
        ([WOS_ROWS[0], WOS_ROWS[1], ["J"] + [""] * 13, *WOS_ROWS[2:]], 3),
        ([*WOS_ROWS, ["J"]], len(WOS_ROWS) + 1),  # the file ends after the first cell
    ):
        text = "\r\n".join("\t".join(row) for row in rows) + "\r\n"
        path = variant_file("savedrecs.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
        with pytest.raises(InputFileError) as error:
            import_file(path, "wos")
        assert (
            f"row {line} (line {line}), field 'PT': a row holding its PT cell and nothing else"
            in str(error.value)
        )
    command_line_exits_2(path, capsys, "a row holding its PT cell and nothing else")


def test_a_workbook_row_of_placeholders_is_refused_naming_the_sheet_row(tmp_path: Path) -> None:
    rows: list[list[object]] = [SCOPUS, _scopus_row(1), [], ["NA"] * len(SCOPUS), _scopus_row(2)]
    with pytest.raises(InputFileError) as error:
        import_file(_workbook(tmp_path / "scopus.xlsx", rows), "scopus")
    assert "sheet 'Sheet1', row 4: a row holding only placeholders" in str(error.value)
