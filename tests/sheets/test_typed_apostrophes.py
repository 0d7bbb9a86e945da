"""An apostrophe a reviewer types before ``= + - @`` in a CSV sheet (``'-ve``) is kept: only the
``'`` the pipeline wrote before such a value (its metadata lists their marks) is taken off. A CSV
sheet written before the metadata listed them reads as before: every such ``'`` taken off."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from livingreview.screening import export as screening_sheet
from livingreview.screening.importing import Expected, read_returned_sheet
from tests.sheets.libreoffice_fixtures import (
    CARRIED,
    CSV_UTF8,
    REVIEW,
    SAVE_CSV_UTF8,
    SCREENING_REASONS,
    STUDIES,
    filled_csv,
    libreoffice_all,
    screening_csv,
)

#: What the screener types: an apostrophe on purpose before '-' and '=', and a decision on the
#: row whose note the pipeline carried over (written as "'=carried over: ...").
TYPED = {
    "S00000000a1": {"decision": "include", "notes": "'-ve"},
    "S00000000a2": {"decision": "maybe", "notes": "'=2 arms, not 3"},
    "S00000000a4": {"decision": "exclude", "reason": "wrong_design"},
}
EXPECTED = Expected(
    REVIEW,
    "title_abstract",
    1,
    ["r1"],
    {reason: reason for reason in SCREENING_REASONS},
    frozenset(study["study_id"] for study in STUDIES),
)


def _notes(path: Path) -> dict[str, str]:
    return {d.study_id: d.notes for d in read_returned_sheet(path, EXPECTED)[1]}


def _filled(folder: Path) -> Path:
    folder.mkdir()
    return filled_csv(screening_csv(folder), screening_sheet.ID_COLUMN, TYPED)


def test_an_apostrophe_typed_before_a_sign_is_kept_and_the_pipelines_is_not(
    tmp_path: Path,
) -> None:
    """The note typed "'-ve" was stored as '-ve' (exit 0); the carried note keeps reading as
    the pipeline wrote it, without its apostrophe."""
    want = {
        "S00000000a1": "'-ve",
        "S00000000a2": "'=2 arms, not 3",
        "S00000000a4": CARRIED["S00000000a4"],
    }
    assert _notes(_filled(tmp_path / "csv")) == want


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_a_typed_apostrophe_survives_libreoffice_saving_the_csv_sheet(tmp_path: Path) -> None:
    """The filled CSV sheet opened in LibreOffice and saved as .xlsx, and as CSV."""
    path = _filled(tmp_path / "csv")
    made = [
        libreoffice_all([path], target, tmp_path / target[:4], tmp_path, CSV_UTF8)[0]
        for target in ("xlsx", SAVE_CSV_UTF8)
    ]
    for sheet in made:
        notes = _notes(sheet)
        assert notes["S00000000a1"] == "'-ve", sheet
        assert notes["S00000000a4"] == CARRIED["S00000000a4"], sheet


def test_a_csv_sheet_written_before_the_apostrophes_were_listed_reads_as_before(
    tmp_path: Path,
) -> None:
    """Its first line without ``apostrophes=``: every ``'`` before ``= + - @`` is taken off,
    as the earlier version read it (and stored what it read)."""
    path = _filled(tmp_path / "csv")
    first, _, rest = path.read_text(encoding="utf-8-sig").partition("\n")
    old = " | ".join(p for p in first.split(" | ") if not p.startswith("apostrophes="))
    assert old != first
    path.write_text(f"{old}\n{rest}", encoding="utf-8-sig")
    assert _notes(path) == {
        "S00000000a1": "-ve",
        "S00000000a2": "=2 arms, not 3",
        "S00000000a4": CARRIED["S00000000a4"],
    }
