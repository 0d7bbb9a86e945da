"""A returned sheet saved in a folder inside a stage's returned-sheets folder is never silently
left unread: the stage stops, naming that folder (every stage reads its folder through
``sheets.returned_files``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from livingreview import sheets
from livingreview.errors import InputFileError
from tests.conftest import REPO_ROOT

DEMO_SHEET = (
    REPO_ROOT
    / "demo/human/screening/title_abstract"
    / "title_abstract_round1_r1_demo_illustrative.xlsx"
)


@pytest.mark.parametrize("inside", ["round 2", "round 2/r2", "Returned"])
def test_a_sheet_in_a_folder_inside_the_returned_folder_stops_the_stage(
    tmp_path: Path, inside: str
) -> None:
    returned = tmp_path / "human/screening/title_abstract"
    returned.mkdir(parents=True)
    shutil.copy(DEMO_SHEET, returned / DEMO_SHEET.name)
    (returned / "full texts").mkdir()  # a folder holding no sheet is a person's own business
    (returned / "full texts/paper.pdf").write_bytes(b"%PDF-1.4\n")
    (returned / ".git").mkdir()  # nor is a hidden one
    (returned / ".git/index.csv").write_text("x\n", encoding="utf-8")
    assert sheets.returned_files(returned, "screening sheet") == [returned / DEMO_SHEET.name]

    (returned / inside).mkdir(parents=True)
    shutil.copy(DEMO_SHEET, returned / inside / "title_abstract_round2_r2.xlsx")
    with pytest.raises(InputFileError) as error:
        sheets.returned_files(returned, "screening sheet")
    top = returned / inside.split("/")[0]
    assert str(error.value) == (
        f"{top}: a folder among the returned screening sheets: sheets in it are not read; move "
        f"them into {returned}"
    )
