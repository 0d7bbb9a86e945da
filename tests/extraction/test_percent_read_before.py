"""A percentage typed in a number field of an extraction form (``45%``: a spreadsheet program
stores 0.45 in a percentage format). Versions before 40bb786 read the number (0.45) and stored
it; since then the cell reads ``45%``, which a number field refuses. A form read before stays
correctable as a ``1,500`` is: the error stands while its row counts, a file saved under a new
name replaces it, and the first row stays in the log as it was read."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from livingreview import reviewforms
from livingreview.errors import InputFileError
from livingreview.extraction import fields as fieldmod
from livingreview.extraction import forms
from livingreview.extraction.stage import run_extraction
from tests.extraction.test_extraction import CODED, ID, TITLE, form, returned
from tests.extraction.test_extraction import config as config  # the fixture
from tests.extraction.test_forms_read_before import _store_as_before
from tests.form_helpers import fill_form, form_ids, set_saved_at


def _as_percent(path: Path, value: float, shown: str = "0%") -> Path:
    """Give the cell holding ``value`` the number format ``shown``, as typing 45% does."""
    wb = openpyxl.load_workbook(path)
    cells = [c for row in wb[TITLE].iter_rows() for c in row if c.value == value]
    assert len(cells) == 1
    cells[0].number_format = shown
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("kind", "typed", "stored"), [("number", 0.45, "0.45"), ("integer", 1, "1")]
)
def test_a_percentage_read_as_its_number_before_can_be_corrected(
    config: dict[str, Any], kind: str, typed: float, stored: str
) -> None:
    """Before: the form read before stopped the step in every run, also once a corrected
    copy was saved under a new name (the first file is still read)."""
    config["extraction"]["fields"].append({"id": "share", "label": "Share", "type": kind})
    run_extraction(config)  # the forms get the new column
    (sid,) = form_ids(form(config, "r1"), TITLE, ID)[:1]
    first = _as_percent(
        fill_form(
            form(config, "r1"),
            TITLE,
            ID,
            {sid: {**CODED, "share": typed}},
            returned(config, "a.xlsx"),
        ),
        typed,
    )
    fields = fieldmod.fields_of(config)
    shown = f"{round(typed * 100)}%"

    def as_before(filled: reviewforms.FilledRow, path: Path) -> dict[str, str]:
        """The cell's number, as versions before 40bb786 read it."""
        values = {k: stored if v == shown else v for k, v in filled.values.items()}
        return forms.clean_row(replace(filled, values=values), fields, path)

    store = _store_as_before(config, as_before)
    with pytest.raises(InputFileError) as error:
        run_extraction(config)  # the row counts: the error stands
    assert str(error.value).startswith(f"{first}, row ")
    assert f"{shown!r} is not {'a number' if kind == 'number' else 'a whole number'}" in str(
        error.value
    )
    again = returned(config, "b.xlsx")
    fill_form(form(config, "r1"), TITLE, ID, {sid: {**CODED, "share": 45}}, again)
    set_saved_at(again, "2099-01-01T00:00:00Z")  # after the first file
    run_extraction(config)
    entries = reviewforms.read_entries(store)
    assert reviewforms.latest_rows(entries)[("r1", sid)]["share"] == "45"
    kept = {(e.file, e.value) for e in entries if e.column == "share"}
    assert kept == {("extraction/a.xlsx", stored), ("extraction/b.xlsx", "45")}
