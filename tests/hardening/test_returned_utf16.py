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
    drop = ("file", "row")  # the .csv instead of the .xlsx, its rows below a metadata line

    def without(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        kept = [{k: v for k, v in r.items() if k not in drop} for r in rows]
        return sorted(kept, key=lambda row: sorted(row.items()))

    got, want = _decisions(work / "outputs" / store), _decisions(demo_outputs / store)
    assert without(got) == without(want)
    # the CSV's row 1 is its metadata line: each row is one below the workbook's
    csv_rows = {r["study_id"]: int(r["row"]) for r in got if r["file"].endswith(".csv")}
    xlsx_rows = {r["study_id"]: int(r["row"]) for r in want if r["file"] == sheet}
    assert csv_rows and csv_rows == {study: row + 1 for study, row in xlsx_rows.items()}
