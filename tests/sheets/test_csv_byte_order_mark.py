"""CSV sheets carry the UTF-8 byte-order mark (Excel reads a CSV without one in the system's code
page); a program that keeps the mark as text when it saves the sheet again does not hide the
sheet's metadata line."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.sheets.csv_sheet import csv_meta
from livingreview.sheets.layout import Column, SheetLayout
from livingreview.sheets.writing import write_sheet_files

LINE = "# livingreview sheet | kind=screening | round=1 | reviewer=r1"


@pytest.mark.parametrize(
    "first",
    [
        LINE,
        "\ufeff" + LINE,  # read as UTF-8 without the mark, saved again as UTF-8
        f'"\ufeff{LINE}",,',  # ... and quoted as a cell with the delimiters after it
        "\u00ef\u00bb\u00bf" + LINE,  # read as cp1252: the three bytes as letters
        '\u00ef\u00bb\u00bf"' + LINE + '";;',
    ],
)
def test_the_metadata_line_is_read_behind_a_byte_order_mark_kept_as_text(first: str) -> None:
    assert csv_meta(first) == {"kind": "screening", "round": "1", "reviewer": "r1"}


def test_a_csv_sheet_is_written_with_the_byte_order_mark(tmp_path: Path) -> None:
    layout = SheetLayout("sheet", (Column("study_id"), Column("title")))
    (path,) = write_sheet_files(
        tmp_path,
        "s",
        layout,
        [{"study_id": "S1", "title": "Zoë"}],
        meta=[("kind", "screening")],
        ids=[["S1"]],
        instructions=[],
        formats=("csv",),
    )
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# livingreview sheet")
    assert "Zoë".encode() in data
