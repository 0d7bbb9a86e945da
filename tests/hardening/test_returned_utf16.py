"""A returned sheet saved as CSV in UTF-16 (LibreOffice's "Unicode (UTF-16)" character set,
with its byte-order mark) is read like the same sheet in UTF-8."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from livingreview import sheets
from tests.hardening.test_returned_columns import STEPS, _decisions, _review, _run


def test_a_screening_sheet_saved_as_utf16_csv_is_read(
    demo_outputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    sheet, _, _, store = STEPS["screen"]
    work = _review(demo_outputs, tmp_path, store)
    xlsx = work / "human" / sheet
    returned = sheets.read_sheet(xlsx, "Screening")
    assert returned.meta is not None
    text = io.StringIO()
    text.write(sheets.csv_meta_line(returned.meta) + "\r\n")
    csv.writer(text).writerows(returned.table)
    xlsx.with_suffix(".csv").write_bytes(text.getvalue().encode("utf-16"))
    xlsx.unlink()
    code, err = _run(work, "screen", monkeypatch, capsys)
    assert code == 0, err
    drop = ("file",)  # the .csv instead of the .xlsx
    got = [
        {k: v for k, v in r.items() if k not in drop} for r in _decisions(work / "outputs" / store)
    ]
    want = [{k: v for k, v in r.items() if k not in drop} for r in _decisions(demo_outputs / store)]
    assert got == want
