"""A study whose id changed within one round (a late export or a pair decided duplicate gave it a
record that sorts first): a sheet returned before the rebuild names the old id, and what the
reviewer typed counts for the study under its current id, with a warning naming both ids."""

from __future__ import annotations

import csv
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from livingreview import reviewforms, sheets
from livingreview.dedup.rounds import StudyAliases, derived_id
from livingreview.errors import InputFileError
from livingreview.screening import conflict_sheet
from livingreview.screening.conflicts import Resolution, Votes, decide, latest_resolutions
from livingreview.screening.decisions import (
    ScreeningDecision,
    current_decisions,
    latest_by_study,
    read_decisions,
)
from livingreview.screening.importing import check_nothing_lost
from livingreview.screening.outcome import run_conflicts
from livingreview.screening.stage import run_screening
from tests.dedup.library_helpers import LATE, rebuild
from tests.form_helpers import fill_form, set_saved_at
from tests.screening.sheet_helpers import (
    fill_like_a_person,
    returned_dir,
    screening_config,
    sheet_path,
)

SAVED = "2030-01-02T03:04:05Z"


def sheet_ids(path: Path) -> list[str]:
    ws = openpyxl.load_workbook(path)["Screening"]
    return [row[1] for row in ws.iter_rows(min_row=2, values_only=True)]


def decided(config: dict[str, Any], study: str) -> list[tuple[str, str, str]]:
    store = Path(config["paths"]["outputs"]) / "screening/decisions.csv"
    return [
        (d.reviewer, d.decision, d.reason) for d in read_decisions(store) if d.study_id == study
    ]


def test_a_decision_on_a_study_renamed_by_a_late_record_counts_under_its_new_id(
    tmp_path: Path, demo_outputs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = screening_config(tmp_path, demo_outputs, batch_size=5)
    run_screening(config)
    ids = sheet_ids(sheet_path(config, "r1"))
    typed = {ids[0]: ("exclude", "no_alliance", "old id"), ids[1]: ("include", "", "")}
    fill_like_a_person(sheet_path(config, "r1"), returned_dir(config) / "r1_a.xlsx", typed)
    run_screening(config)
    assert decided(config, ids[0]) == [("r1", "exclude", "no_alliance")]
    [(old, new)] = rebuild(config, {LATE: ids[0]}).items()
    assert old == ids[0] and new == derived_id(LATE)
    with caplog.at_level(logging.WARNING, logger="livingreview"):
        state = run_screening(config)
    assert decided(config, new) == [("r1", "exclude", "no_alliance")]
    assert decided(config, old) == []
    [line] = [r.getMessage() for r in caplog.records if "is now study" in r.getMessage()]
    assert line.startswith("screening/title_abstract/r1_a.xlsx: row ")
    assert f"study {old} is now study {new}" in line
    # decided under its new id: not on the next batch, counted as decided
    batch = Path(config["paths"]["outputs"]) / "screening/title_abstract"
    latest = max(batch.glob("title_abstract_round1_batch*_r1.xlsx"))
    assert new not in sheet_ids(latest) and old not in sheet_ids(latest)
    assert state["reviewers"]["r1"]["decided"] == 2


def r1_decides_two(
    tmp_path: Path, demo_outputs: Path, on_second: tuple[str, str, str], *, shuffle: bool = True
) -> tuple[dict[str, Any], str, str]:
    """r1 returns a sheet excluding one study and deciding ``on_second`` on the next (the rows
    reversed with ``shuffle``)."""
    config = screening_config(tmp_path, demo_outputs)
    run_screening(config)
    ids = sheet_ids(sheet_path(config, "r1"))
    first, second = ids[3], ids[4]
    both = {first: ("exclude", "no_alliance", ""), second: on_second}
    returned = returned_dir(config) / "r1_a.xlsx"
    fill_like_a_person(sheet_path(config, "r1"), returned, both, shuffle=shuffle)
    return config, first, second


def test_decisions_on_two_studies_a_pair_merged_are_both_kept_for_the_merged_study(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config, first, second = r1_decides_two(tmp_path, demo_outputs, ("exclude", "no_alliance", ""))
    other = {first: ("include", "", ""), second: ("include", "", "")}
    fill_like_a_person(sheet_path(config, "r2"), returned_dir(config) / "r2_a.xlsx", other)
    run_screening(config)
    [(gone, merged)] = rebuild(config, {second: first}).items()  # a pair decided duplicate
    assert {gone, merged} == {first, second}
    run_screening(config)
    assert sorted(decided(config, merged)) == [
        ("r1", "exclude", "no_alliance"),
        ("r1", "exclude", "no_alliance"),
        ("r2", "include", ""),
        ("r2", "include", ""),
    ]
    counts = run_conflicts(config)
    conflicts = Path(config["paths"]["outputs"]) / "screening/conflicts.csv"
    assert merged in conflicts.read_text(encoding="utf-8")  # r1 exclude against r2 include
    assert counts["conflicts"] == 1


def test_a_store_written_before_the_rebuild_still_passes_the_nothing_lost_check() -> None:
    old, new = derived_id("europepmc:MED:2"), derived_id("aaa:1")
    aliases = StudyAliases({"aaa:1": new, "europepmc:MED:2": new}, frozenset({new}))
    before = ScreeningDecision(old, "r1", "title_abstract", 1, "include", "", "", "a.xlsx", 2, "")
    now = ScreeningDecision(new, "r1", "title_abstract", 1, "include", "", "", "a.xlsx", 2, "")
    check_nothing_lost([before], [now], Path("store.csv"), aliases)
    with pytest.raises(InputFileError, match="is no longer in this file"):
        check_nothing_lost([before], [now], Path("store.csv"))  # without the aliases
    typed = replace(before, study_id="S0000000000")
    with pytest.raises(InputFileError, match="S0000000000 by r1"):
        check_nothing_lost([typed], [now], Path("store.csv"), aliases)


def test_an_id_typed_by_hand_is_still_an_unknown_study(tmp_path: Path, demo_outputs: Path) -> None:
    config = screening_config(tmp_path, demo_outputs)
    run_screening(config)
    ids = sheet_ids(sheet_path(config, "r1"))
    returned = returned_dir(config) / "r1_a.xlsx"
    typed = {ids[0]: ("include", "", "")}  # the renamed study's row comes first
    fill_like_a_person(sheet_path(config, "r1"), returned, typed, shuffle=False)
    rebuild(config, {LATE: ids[0]})
    book = openpyxl.load_workbook(returned)
    sheet = book["Screening"]
    column = [c.value for c in sheet[1]].index("study_id") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, column).value == ids[5])
    sheet.cell(row, column).value = "S0123456789"
    book.save(returned)
    with pytest.raises(InputFileError) as raised:
        run_screening(config)
    assert str(raised.value) == (
        f"{returned}, row {row}, field 'study_id': unknown study 'S0123456789': not in the "
        "library (was the id edited?)"
    )


def test_a_resolution_on_an_old_id_is_read_under_the_current_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    old, new = derived_id("europepmc:MED:2"), derived_id("aaa:1")
    spec = conflict_sheet.ConflictSheetSpec("demo", "title_abstract", 1, "consensus")
    votes = [Votes(old, 1, ())]
    written = conflict_sheet.write_conflict_sheets(
        tmp_path / "conflicts.xlsx", spec, conflict_sheet.sheet_rows(votes, {}), [], "x"
    )
    returned = fill_form(
        written[0], "Conflicts", "study_id", {old: {"resolution": "include"}}, tmp_path / "r.xlsx"
    )
    aliases = StudyAliases({"aaa:1": new, "europepmc:MED:2": new}, frozenset({new}))
    expected = conflict_sheet.ExpectedConflicts(
        "demo", "title_abstract", 1, {}, frozenset({new}), frozenset({"consensus"}), aliases
    )
    with caplog.at_level(logging.WARNING, logger="livingreview"):
        _, [found], _ = conflict_sheet.read_resolution_sheet(returned, expected, "r.xlsx")
    assert isinstance(found, Resolution) and (found.study_id, found.decision) == (new, "include")
    [line] = [r.getMessage() for r in caplog.records if "is now study" in r.getMessage()]
    assert line.startswith(f"r.xlsx: row 2: study {old} is now study {new} ")
    assert "europepmc:MED:2" in line and line.endswith(
        "the resolution is stored under the current id"
    )


def test_different_decisions_in_one_file_on_two_studies_now_merged_are_a_maybe(
    tmp_path: Path, demo_outputs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The file cannot tell which decision counts: both stay stored as typed, the reviewer's
    vote on the merged study is a maybe (the step goes on), and the log names both rows."""
    config, first, second = r1_decides_two(tmp_path, demo_outputs, ("include", "", ""))
    run_screening(config)
    [(_, merged)] = rebuild(config, {second: first}).items()
    with caplog.at_level(logging.WARNING, logger="livingreview"):
        run_screening(config)
    assert sorted(decided(config, merged)) == [
        ("r1", "exclude", "no_alliance"),
        ("r1", "include", ""),
    ]
    store = Path(config["paths"]["outputs"]) / "screening/decisions.csv"
    [vote] = [d for key, d in current_decisions(read_decisions(store)).items() if key[3] == merged]
    assert (vote.reviewer, vote.decision, vote.reason) == ("r1", "maybe", "")
    [line] = [r.getMessage() for r in caplog.records if "counts as maybe" in r.getMessage()]
    assert f"{first} (exclude, no_alliance)" in line and f"{second} (include)" in line
    assert f"which the library now holds as one study, {merged} " in line


def decision_form(folder: Path, ids: list[str]) -> Path:
    """r1's full-text form with a row per id and one editable column, decision."""
    layout = sheets.SheetLayout(
        title="Form",
        columns=(
            sheets.Column("study_id", width=14, locked=True),
            sheets.Column("decision", width=12, editable=True),
        ),
    )
    spec = reviewforms.FormSpec("full-text", "demo", 1, "r1")
    rows = [{"study_id": sid, "decision": ""} for sid in ids]
    [written] = reviewforms.write_form(folder, spec, layout, rows, [], id_column="study_id")
    return written


def test_a_form_row_on_an_old_id_is_stored_under_the_current_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Full-text, extraction and risk-of-bias forms list study ids too."""
    old, new = derived_id("europepmc:MED:2"), derived_id("aaa:1")
    written = decision_form(tmp_path, [old])
    typed = {old: {"decision": "include"}}
    returned = set_saved_at(
        fill_form(written, "Form", "study_id", typed, tmp_path / "in/a.xlsx"), SAVED
    )
    aliases = StudyAliases({"aaa:1": new, "europepmc:MED:2": new}, frozenset({new}))
    expected = reviewforms.ExpectedForm(
        "form",
        "full-text",
        "Form",
        "study_id",
        ("decision",),
        "demo",
        1,
        ("r1",),
        frozenset({new}),
        aliases,
    )
    store = tmp_path / "entries.csv"
    before = reviewforms.Entry(old, "r1", 1, "decision", "include", "in/a.xlsx", 2, SAVED)
    reviewforms.write_entries(store, [before])  # written before the rebuild
    with caplog.at_level(logging.WARNING, logger="livingreview"):
        [entry], _ = reviewforms.import_forms(
            [returned], expected, base=tmp_path, store=store, clean=lambda f, _: f.values
        )
    assert (entry.item_id, entry.value) == (new, "include")
    [line] = [r.getMessage() for r in caplog.records if "is now study" in r.getMessage()]
    assert f"row 2: study {old} is now study {new} " in line
    edited = fill_form(written, "Form", "study_id", {}, tmp_path / "b.xlsx", shuffle=False)
    book = openpyxl.load_workbook(edited)
    book["Form"]["A2"] = "S0123456789"  # typed by hand
    book.save(edited)
    with pytest.raises(InputFileError, match="unknown study_id 'S0123456789'"):
        reviewforms.read_form(edited, expected)


def two_old_ids() -> tuple[str, str, str, StudyAliases]:
    """Two studies' ids and the one study the library now holds them as."""
    first, second, new = derived_id("europepmc:MED:2"), derived_id("europepmc:MED:3"), "S1"
    study_of = {"aaa:1": new, "europepmc:MED:2": new, "europepmc:MED:3": new}
    return first, second, new, StudyAliases(study_of, frozenset({new}))


def test_form_rows_of_one_file_on_two_studies_now_merged_that_differ_are_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Both rows are read under the merged study and neither counts
    (:func:`reviewforms.latest_rows`): the log names both rows and says the row is awaited."""
    first, second, new, aliases = two_old_ids()
    written = decision_form(tmp_path, [first, second])
    typed = {first: {"decision": "include"}, second: {"decision": "exclude"}}
    returned = fill_form(written, "Form", "study_id", typed, tmp_path / "in/a.xlsx", shuffle=False)
    expected = reviewforms.ExpectedForm(
        "form", "full-text", "Form", "study_id", ("decision",), "demo", 1, ("r1",),
        frozenset({new}), aliases,
    )  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="livingreview"):
        entries, _ = reviewforms.import_forms(
            [returned], expected, base=tmp_path, store=None, clean=lambda f, _: f.values
        )
    assert ("r1", new) not in reviewforms.latest_rows(entries)
    assert sorted((e.row, e.value) for e in entries) == [(2, "include"), (3, "exclude")]
    [line] = [r.getMessage() for r in caplog.records if "one file cannot tell" in r.getMessage()]
    assert f"rows 2 and 3 give studies {first} (decision=include) and {second} " in line
    assert line.endswith(f"as one study, {new} (joined after the sheet was written); one file "
                         "cannot tell which counts, so neither does (both stay stored as "
                         f"typed): r1's row on {new} is awaited, and the study is listed again "
                         "on r1's next form")  # fmt: skip


def test_resolutions_in_one_file_on_two_studies_now_merged_that_differ_count_for_neither(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Whatever the order of the rows (before, the later row's resolution counted), the
    conflict stays pending and both resolutions are stored as typed."""
    first, second, new, aliases = two_old_ids()
    spec = conflict_sheet.ConflictSheetSpec("demo", "title_abstract", 1, "consensus")
    votes = [Votes(first, 1, ()), Votes(second, 1, ())]
    written = conflict_sheet.write_conflict_sheets(
        tmp_path / "conflicts.xlsx", spec, conflict_sheet.sheet_rows(votes, {}), [], "x"
    )
    typed = {first: {"resolution": "include"}, second: {"resolution": "exclude"}}
    expected = conflict_sheet.ExpectedConflicts(
        "demo", "title_abstract", 1, {}, frozenset({new}), frozenset({"consensus"}), aliases
    )
    screened = [
        ScreeningDecision(new, r, "title_abstract", 1, d, "", "", f"{r}.xlsx", 2, SAVED)
        for r, d in (("r1", "include"), ("r2", "exclude"))
    ]
    for shuffle in (False, True):
        returned = set_saved_at(
            fill_form(written[0], "Conflicts", "study_id", typed, tmp_path / f"{shuffle}/r.xlsx",
                      shuffle=shuffle),
            SAVED,
        )  # fmt: skip
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="livingreview"):
            _, found, _ = conflict_sheet.read_resolution_sheet(returned, expected, "r.xlsx")
        assert sorted(r["decision"] for r in conflict_sheet.resolutions_rows(found)) == [
            "exclude",
            "include",
        ]
        assert {r.study_id for r in found} == {new} and latest_resolutions(found) == {}
        outcome = decide(screened, found, rule="consensus")
        assert [v.study_id for v in outcome.pending] == [new] and not outcome.final
        [line] = [
            r.getMessage() for r in caplog.records if "one file cannot tell" in r.getMessage()
        ]
        assert f"{first} (include)" in line and f"{second} (exclude)" in line
        assert line.endswith(
            f"so neither does (both stay stored as typed): no resolution of {new} counts until "
            "one is returned again (while its conflict is pending, it is listed again on the "
            "next conflicts sheet)"
        )


def one_file(*rows: tuple[str, str, str, int], reviewer: str = "r1") -> list[ScreeningDecision]:
    """``reviewer``'s decisions (decision, reason, notes, row) of one file on the study S1."""
    return [
        ScreeningDecision("S1", reviewer, "title_abstract", 1, *typed, "a.xlsx", row, SAVED)
        for *typed, row in rows
    ]


def test_a_merged_maybe_keeps_both_notes_whatever_the_order_of_the_rows() -> None:
    """Before, the notes followed the rows' order ("thin | rct", or "rct | thin" reordered)."""
    votes = [
        current_decisions(one_file(("exclude", "", "thin", a), ("include", "", "rct", b)))
        for a, b in ((3, 7), (7, 3))
    ]
    assert votes[0] == votes[1]
    [vote] = votes[0].values()
    assert (vote.decision, vote.reason, vote.notes) == ("maybe", "", "rct | thin")


def test_two_exclusions_of_one_file_keep_both_reasons_whatever_the_order_of_the_rows() -> None:
    """Before, the reason of the later row counted: no_alliance, or before_2010 once the rows
    were reordered; and only the later row's notes were kept."""
    found = []
    for a, b in ((3, 7), (7, 3)):
        rows = one_file(("exclude", "no_alliance", "", a), ("exclude", "before_2010", "old", b))
        [vote] = current_decisions(rows).values()
        found.append((vote.decision, vote.reason, vote.notes))
    assert found == [("exclude", "before_2010; no_alliance", "old")] * 2


@pytest.mark.parametrize(
    ("other", "counted"),
    [
        ("before_2010", "before_2010"),  # the reason both reviewers gave
        ("publication_type", "before_2010; no_alliance"),  # none shared: both stand
    ],
)
def test_the_reason_another_reviewer_shares_is_the_one_counted_in_either_order(
    other: str, counted: str
) -> None:
    """Before, r1's vote held the reason of their later row, whichever it was."""
    r2 = one_file(("exclude", other, "", 2), reviewer="r2")
    found = []
    for a, b in ((3, 7), (7, 3)):
        r1 = one_file(("exclude", "no_alliance", "", a), ("exclude", "before_2010", "", b))
        votes = latest_by_study([*r1, *r2])[("title_abstract", "S1")]
        found.append((votes["r1"].reason, votes["r2"].reason))
    assert found == [(counted, other)] * 2


@pytest.mark.parametrize("shuffle", [False, True])
def test_two_exclusions_with_other_reasons_on_studies_now_merged_count_in_either_order(
    tmp_path: Path, demo_outputs: Path, caplog: pytest.LogCaptureFixture, shuffle: bool
) -> None:
    """Before, the log said "the reason of row N, the later row, is the one counted", and that
    reason went into the final decision: no_alliance or before_2010 by the rows' order."""
    config, first, second = r1_decides_two(
        tmp_path, demo_outputs, ("exclude", "before_2010", ""), shuffle=shuffle
    )
    both = {first: ("exclude", "before_2010", ""), second: ("exclude", "before_2010", "")}
    fill_like_a_person(sheet_path(config, "r2"), returned_dir(config) / "r2_a.xlsx", both)
    run_screening(config)
    [(_, merged)] = rebuild(config, {second: first}).items()
    with caplog.at_level(logging.WARNING, logger="livingreview"):
        run_screening(config)
    [line] = [r.getMessage() for r in caplog.records if "which reason counts" in r.getMessage()]
    assert f"{first} (no_alliance)" in line and f"{second} (before_2010)" in line
    assert line.endswith(
        f"one study, {merged}; both stay stored as typed, and one file cannot tell which reason "
        "counts, so r1's exclusion counts with both (before_2010; no_alliance), or with the one "
        "another reviewer's exclusion of the study gives"
    )
    assert ("r1", "exclude", "no_alliance") in decided(config, merged)
    run_conflicts(config)
    final = Path(config["paths"]["outputs"]) / "screening/final_decisions.csv"
    [row] = [r for r in csv.DictReader(final.open(encoding="utf-8")) if r["study_id"] == merged]
    assert (row["decision"], row["how"], row["reason"]) == ("exclude", "agreement", "before_2010")
