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
from tests.pipeline import run_pipeline

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
    assert sheets.input_files(returned) == [returned / DEMO_SHEET.name]

    (returned / inside).mkdir(parents=True)
    shutil.copy(DEMO_SHEET, returned / inside / "title_abstract_round2_r2.xlsx")
    # the stage's Snakemake inputs name the sheet, so saving it there re-runs the stage
    assert sheets.input_files(returned) == sorted(
        [returned / DEMO_SHEET.name, returned / inside / "title_abstract_round2_r2.xlsx"]
    )
    with pytest.raises(InputFileError) as error:
        sheets.returned_files(returned, "screening sheet")
    top = returned / inside.split("/")[0]
    assert str(error.value) == (
        f"{top}: a folder among the returned screening sheets: sheets in it are not read; move "
        f"them into {returned}"
    )


# Each returned-sheets folder of the demo protocol and the rule that reads it, downstream first.
READERS = {
    "risk_of_bias": "appraisal",
    "extraction": "extraction",
    "full_text/conflicts": "fulltext",
    "full_text/sheets": "fulltext",
    "screening/conflicts": "conflicts",
    "screening/title_abstract": "screening",
    "dedup": "library",
}


@pytest.mark.slow
def test_a_sheet_saved_in_a_folder_inside_a_returned_folder_reruns_its_stage(
    tmp_path: Path,
) -> None:
    """Snakemake re-runs the stage when a sheet appears in a folder inside its returned-sheets
    folder, and the stage stops naming that folder (rather than the run finishing with the
    sheet unread); once the folder is gone the run completes."""
    human = tmp_path / "human"
    shutil.copytree(REPO_ROOT / "demo/human", human)
    workdir = tmp_path / "run"
    workdir.mkdir()
    first = run_pipeline(workdir, human=human)
    assert first.returncode == 0, first.stderr[-3000:]

    for folder, rule in READERS.items():
        inner = human / folder / "round 2"
        inner.mkdir(parents=True)
        shutil.copy(DEMO_SHEET, inner / "returned_again.xlsx")
        result = run_pipeline(workdir, human=human)
        assert result.returncode != 0, f"{folder}: the run finished with the sheet unread"
        log = (workdir / f"outputs/logs/{rule}.log").read_text(encoding="utf-8")
        assert f"{inner}: a folder among the returned" in log, (folder, log[-2000:])
        shutil.rmtree(inner)  # the next run re-runs this stage too, now without the folder
    last = run_pipeline(workdir, human=human)
    assert last.returncode == 0, last.stderr[-3000:]
