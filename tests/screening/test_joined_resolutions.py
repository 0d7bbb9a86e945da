"""A conflicts sheet returned before the library joined two of its studies, resolving them
differently: neither resolution counts and the study is on the next conflicts sheet again
(f15181c). The resolution returned there, in a second file of the same round, counts."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Mapping
from pathlib import Path

import pytest

from livingreview.screening import conflict_sheet
from livingreview.screening.conflicts import Votes, decide, latest_resolutions
from livingreview.screening.decisions import ScreeningDecision
from livingreview.sheets.layout import FIXED_STAMP  # a sheet as written: no save time
from tests.form_helpers import fill_form, set_saved_at
from tests.screening.test_study_aliases import SAVED, two_old_ids

BOM = "\ufeff"


def written(folder: Path, studies: list[str]) -> list[Path]:
    """The consensus conflicts sheet of round 1 listing ``studies`` (.xlsx and .csv)."""
    spec = conflict_sheet.ConflictSheetSpec("demo", "title_abstract", 1, "consensus")
    rows = conflict_sheet.sheet_rows([Votes(s, 1, ()) for s in studies], {})
    return conflict_sheet.write_conflict_sheets(folder / "conflicts.xlsx", spec, rows, [], "x")


def csv_answered(sheet: Path, typed: Mapping[str, str], target: Path) -> Path:
    """The CSV ``sheet`` with a resolution typed on the row of each study of ``typed`` (study
    -> resolution), saved as ``target`` (with the byte-order mark it was written with)."""
    meta, *lines = sheet.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    rows = list(csv.DictReader(io.StringIO("".join(lines), newline="")))
    for row in rows:
        row["resolution"] = typed.get(row["study_id"], row["resolution"])
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(BOM + meta + out.getvalue(), encoding="utf-8")
    return target


@pytest.mark.parametrize("answer", ["csv", "xlsx without save time", "xlsx saved before"])
def test_the_resolution_returned_for_the_study_listed_again_counts(
    tmp_path: Path, answer: str
) -> None:
    """Before, the set-aside rows were compared with the new resolution: a CSV or an .xlsx
    recording no save time stopped the step with 'which of the two files was saved last cannot
    be told' (and removing the old file lost its stored resolutions), and a file saved before
    the set-aside one was outdone by it, so the conflict stayed pending for good."""
    first, second, new, aliases = two_old_ids()
    old = written(tmp_path / "old", [first, second])[0]
    typed = {first: {"resolution": "include"}, second: {"resolution": "exclude"}}
    a = set_saved_at(
        fill_form(old, "Conflicts", "study_id", typed, tmp_path / "in/a.xlsx", shuffle=False),
        SAVED,
    )
    xlsx, csv_sheet = written(tmp_path / "new", [new])
    if answer == "csv":
        b = csv_answered(csv_sheet, {new: "exclude"}, tmp_path / "in/b.csv")
    else:
        answered = {new: {"resolution": "exclude"}}
        b = fill_form(xlsx, "Conflicts", "study_id", answered, tmp_path / "in/b.xlsx")
        earlier = "2029-12-31T00:00:00Z"  # before the set-aside file's SAVED
        set_saved_at(b, FIXED_STAMP if answer == "xlsx without save time" else earlier)
    expected = conflict_sheet.ExpectedConflicts(
        "demo", "title_abstract", 1, {}, frozenset({new}), frozenset({"consensus"}), aliases
    )
    found = conflict_sheet.read_resolution_sheets([a, b], expected, tmp_path)
    assert sorted(r.decision for r in found.resolutions) == ["exclude", "exclude", "include"]
    assert not found.overridden
    [(study, counted)] = latest_resolutions(found.resolutions).items()
    assert (study, counted.decision, counted.file) == (new, "exclude", f"in/{b.name}")
    screened = [
        ScreeningDecision(new, r, "title_abstract", 1, d, "", "", f"{r}.xlsx", 2, SAVED)
        for r, d in (("r1", "include"), ("r2", "exclude"))
    ]
    outcome = decide(screened, found.resolutions, rule="consensus")
    assert not outcome.pending and [d.study_id for d in outcome.final] == [new]


def returned(sheet: Path, typed: Mapping[str, str], target: Path) -> Path:
    """The sheet (``sheet``: its .xlsx; the .csv beside it for a ``target`` ending .csv) with
    the resolutions ``typed`` (study -> resolution), saved as ``target`` recording no save
    time (every CSV; an .xlsx whose program records none)."""
    if target.suffix == ".csv":
        return csv_answered(sheet.with_suffix(".csv"), typed, target)
    answered = {study: {"resolution": value} for study, value in typed.items()}
    filled = fill_form(sheet, "Conflicts", "study_id", answered, target, shuffle=False)
    return set_saved_at(filled, FIXED_STAMP)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("names", [("a", "b"), ("b", "a")])
def test_with_no_save_times_the_other_file_counts_in_either_name_order_and_the_log_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, suffix: str, names: tuple[str, str]
) -> None:
    """Two files of one round, neither recording a save time, one of them setting its rows
    on the study aside (``names``: that file's name, the other's). Before, the log said of the
    set-aside rows that 'no resolution of S counts until one is returned again' though the
    other file's resolution counted (and, before fd15874, the step stopped with 'which of the
    two files was saved last cannot be told'). Now it names the resolution that counts."""
    first, second, new, aliases = two_old_ids()
    typed = {first: "include", second: "exclude"}
    aside = returned(written(tmp_path / "old", [first, second])[0], typed, tmp_path / "in" /
                     f"{names[0]}{suffix}")  # fmt: skip
    answer = returned(written(tmp_path / "new", [new])[0], {new: "exclude"}, tmp_path / "in" /
                      f"{names[1]}{suffix}")  # fmt: skip
    expected = conflict_sheet.ExpectedConflicts(
        "demo", "title_abstract", 1, {}, frozenset({new}), frozenset({"consensus"}), aliases
    )
    with caplog.at_level(logging.WARNING, logger="livingreview"):
        found = conflict_sheet.read_resolution_sheets(sorted([aside, answer]), expected, tmp_path)
    assert {r.recorded_at for r in found.resolutions} == {""} and not found.overridden
    assert sorted((r.file, r.decision) for r in found.resolutions) == sorted(
        [(f"in/{aside.name}", "include"), (f"in/{aside.name}", "exclude"),
         (f"in/{answer.name}", "exclude")]
    )  # fmt: skip
    [counted] = latest_resolutions(found.resolutions).values()
    assert (counted.study_id, counted.decision, counted.file) == (
        new,
        "exclude",
        f"in/{answer.name}",
    )
    row = 3 if suffix == ".csv" else 2  # a CSV's first line is its _meta
    [line] = [r.getMessage() for r in caplog.records if "one file cannot tell" in r.getMessage()]
    assert line.startswith(f"in/{aside.name}: rows ")
    assert f"{first} (include)" in line and f"{second} (exclude)" in line
    assert line.endswith(
        f"so neither does (both stay stored as typed): the resolution of {new} that counts is "
        f"the one in in/{answer.name}, row {row} (round 1): exclude"
    )
