"""The PRISMA-S table's "Reported" column is the count the database displayed
(``imports.<name>.records_reported``), not the export's own count restated: a real export
imported without it shows "not given", with it the number."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.config import validate_config
from livingreview.errors import ImportReconciliationError
from livingreview.importing import run_import
from livingreview.prisma_s import render_markdown, summary_rows
from tests.imports.test_other_methods_box import protocol


def _reported_cell(tmp_path: Path, reported: int | None) -> tuple[str, int]:
    config = protocol(tmp_path, "database")
    if reported is not None:
        config["imports"]["citing"]["records_reported"] = reported
    manifest = run_import(validate_config(config), "citing", tmp_path / "out/search/citing")
    [row] = summary_rows([manifest])
    table = render_markdown([row], title="t", demo=False)
    line = next(line for line in table.splitlines() if line.startswith("| citing |"))
    return line.split(" | ")[5], manifest["retrieved"]


def test_an_export_without_records_reported_shows_no_reported_count(tmp_path: Path) -> None:
    cell, retrieved = _reported_cell(tmp_path, None)
    assert retrieved > 0 and cell == "not given"


def test_records_reported_is_shown_as_reported(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    _, retrieved = _reported_cell(tmp_path / "a", None)
    (tmp_path / "b").mkdir()
    cell, _ = _reported_cell(tmp_path / "b", retrieved)
    assert cell == str(retrieved)


@pytest.mark.parametrize(
    ("offset", "hint"),
    [
        (1, "export the missing records or correct the number"),
        (
            -1,
            "correct the number (a new export, as of a later round, has its own count) or "
            "remove the records of another search",
        ),
    ],
)
def test_a_count_that_differs_says_what_to_do_for_fewer_and_for_more_records(
    tmp_path: Path, offset: int, hint: str
) -> None:
    """A team's next round replaces the export with a larger one and leaves the old count:
    the file holds more records than reported, and the error told them to "export the missing
    records", of which there are none. Fewer records keep that advice; more say to correct the
    number."""
    (tmp_path / "a").mkdir()
    _, retrieved = _reported_cell(tmp_path / "a", None)
    (tmp_path / "b").mkdir()
    with pytest.raises(ImportReconciliationError) as caught:
        _reported_cell(tmp_path / "b", retrieved + offset)
    message = str(caught.value)
    assert f"reported {retrieved + offset} records (imports.citing.records_reported)" in message
    assert message.endswith(f"hold {retrieved}; {hint}")
