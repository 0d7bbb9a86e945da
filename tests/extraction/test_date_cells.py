"""A text field that a spreadsheet program turned into a date as it was typed ('1/2' became the
2nd of January) is stored as the date, as the file holds it, and the log names the file, row
and field: what was typed is gone, so only the reviewer can say what was meant."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from livingreview.extraction.stage import OUTPUTS, run_extraction
from livingreview.reviewforms import read_entries
from tests.extraction.test_extraction import CODED, ID, TITLE, form, returned
from tests.extraction.test_extraction import config as config  # the fixture
from tests.form_helpers import fill_form, form_ids


def _as_a_date(path: Path, row: int, column: str, number_format: str = "d-mmm") -> None:
    """Make the cell a date cell shown as Excel shows what it made of '1/2' (2-Jan)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[TITLE]
    header = [c.value for c in ws[1]]
    ws.cell(row=row, column=header.index(column) + 1).number_format = number_format
    wb.save(path)


def test_a_text_field_holding_a_date_cell_is_stored_and_named_in_the_log(
    config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    ids = form_ids(form(config, "r1"), TITLE, ID)
    typed = {
        ids[0]: {**CODED, "key_findings": date(2026, 1, 2)},  # typed 1/2: the finding 1 of 2
        ids[1]: {**CODED, "key_findings": "2026-01-02 data lock", "notes": "1/2"},
    }
    path = fill_form(form(config, "r1"), TITLE, ID, typed, returned(config, "r1.xlsx"))
    row = 2 + form_ids(path, TITLE, ID).index(ids[0])
    _as_a_date(path, row, "key_findings")
    with caplog.at_level(logging.WARNING):
        run_extraction(config)
    stored = read_entries(Path(config["paths"]["outputs"]) / OUTPUTS["entries"])
    kept = {(e.item_id, e.column): e.value for e in stored}
    assert kept[ids[0], "key_findings"] == "2026-01-02"  # as before: kept, as the file holds it
    assert kept[ids[1], "notes"] == "1/2"
    # before: no word; what was typed (1/2) was lost without anyone knowing
    warned = [r.getMessage() for r in caplog.records if "holds a date" in r.getMessage()]
    assert warned == [
        f"{path}, row {row}, field 'key_findings': the cell holds a date or time, stored as "
        "'2026-01-02'; a spreadsheet program turns text such as 1/2 or 3-4 into a date as it "
        "is typed: if other text was meant, type it again with an apostrophe first ('1/2) in "
        "a copy of the file saved under a new name"
    ]  # the text cells (a finding naming a date, a note '1/2' kept as text) are not named
