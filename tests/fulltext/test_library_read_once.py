"""The full-text step run after the screening step in Snakemake's process takes the library's
rows that step read (``records.csv`` is parsed once), with the same result and the same error
for an empty study id; a library rewritten since is read again."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from livingreview.errors import InputFileError
from livingreview.fulltext.stage import report_library
from livingreview.screening import automation
from livingreview.screening.assignment import LIBRARY_TABLES, library_studies


def library_copy(demo_outputs: Path, tmp_path: Path) -> Path:
    """An outputs folder holding a copy of the demo library's tables."""
    outputs = tmp_path / "outputs"
    for name in LIBRARY_TABLES:
        (outputs / name).parent.mkdir(parents=True, exist_ok=True)
        (outputs / name).write_bytes((demo_outputs / name).read_bytes())
    return outputs


def empty_an_id(records: Path, row: int) -> None:
    """Blank the study id of data row ``row`` (1 = the first), as an edit by hand would."""
    with records.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row][rows[0].index("study_id")] = ""
    with records.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)


def test_full_text_takes_the_rows_the_screening_step_read(
    demo_outputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = library_copy(demo_outputs, tmp_path)
    studies, _, _, _ = library_studies(outputs)
    sought = {s["study_id"]: 1 for s in studies[::7]}
    merged = {"S-RETIRED": studies[3]["study_id"]}
    library_studies(library_copy(demo_outputs, tmp_path / "other"))  # another folder's, last
    expected = report_library(outputs, sought, merged)  # parsed by the full-text step itself
    assert len(expected[0]) == len(studies) and set(expected[1]) == set(sought)

    library_studies(outputs)  # the screening step, before it in the same process

    def parse_again(*_: object, **__: object) -> None:
        raise AssertionError("records.csv parsed again")

    with monkeypatch.context() as patched:
        patched.setattr(automation, "library_rows", parse_again)
        assert report_library(outputs, sought, merged) == expected

    empty_an_id(outputs / "library/records.csv", 4)  # rewritten since: read again, as ever
    with pytest.raises(InputFileError, match="empty study id") as fresh:
        report_library(outputs, sought, merged)
    library_studies(outputs)  # the screening step read it (it does not check the ids)
    with pytest.raises(InputFileError, match="empty study id") as shared:
        report_library(outputs, sought, merged)
    assert str(shared.value) == str(fresh.value) and "row 5" in str(shared.value)


def test_the_included_export_takes_the_rows_the_screening_step_read(
    demo_outputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`export --what included`, run after the report in Snakemake's process, parsed the whole
    library again for the rows of the included studies."""
    from livingreview.reference_export import INCLUDED_CSV, included_studies

    outputs = library_copy(demo_outputs, tmp_path)
    (outputs / INCLUDED_CSV).parent.mkdir(parents=True)
    (outputs / INCLUDED_CSV).write_bytes((demo_outputs / INCLUDED_CSV).read_bytes())
    library_studies(library_copy(demo_outputs, tmp_path / "other"))  # another folder's, last
    expected = included_studies(outputs)  # parsed by the export itself
    assert len(expected) > 10

    library_studies(outputs)  # the screening step, before it in the same process

    def parse_again(*_: object, **__: object) -> None:
        raise AssertionError("records.csv parsed again")

    with monkeypatch.context() as patched:
        patched.setattr(automation, "library_rows", parse_again)
        assert included_studies(outputs) == expected

    empty_an_id(outputs / "library/records.csv", 4)  # rewritten since: read again, as ever
    with pytest.raises(InputFileError, match="empty study id") as fresh:
        included_studies(outputs)
    library_studies(outputs)
    with pytest.raises(InputFileError, match="empty study id") as shared:
        included_studies(outputs)
    assert str(shared.value) == str(fresh.value) and "row 5" in str(shared.value)
