"""Full-text stage on the demo library: sheets written, filled like a person, read back, decided;
conflicts resolved by the third reviewer; reports linked into studies; every rejection named."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from livingreview.cli import main
from livingreview.errors import InputFileError
from livingreview.fulltext.stage import OUTPUTS, run_fulltext
from livingreview.report.context import collect, read_outputs
from tests.form_helpers import (
    conflict_notes,
    fill_csv_form,
    fill_form,
    form_ids,
    set_saved_at,
    stage_config,
)

TITLE, ID = "Full text", "report_id"


def sheet(config: dict[str, Any], reviewer: str, ext: str = "xlsx") -> Path:
    return Path(config["paths"]["outputs"]) / f"fulltext/sheets/full_text_round1_{reviewer}.{ext}"


def returned(config: dict[str, Any], name: str) -> Path:
    return Path(config["paths"]["human_input"]) / "full_text/sheets" / name


def out(config: dict[str, Any], key: str) -> Path:
    return Path(config["paths"]["outputs"]) / OUTPUTS[key]


def give(config: dict[str, Any], reviewer: str, values: dict, name: str, **options: Any) -> Path:
    """The reviewer's sheet filled in with ``values`` and returned as ``name``."""
    return fill_form(sheet(config, reviewer), TITLE, ID, values, returned(config, name), **options)


def table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def config(tmp_path: Path, demo_outputs: Path) -> dict[str, Any]:
    config = stage_config(tmp_path, demo_outputs)
    run_fulltext(config)
    return config


def typed(ids: list[str]) -> dict[str, dict[str, str]]:
    """r1's sheet as a person types it: a report not retrieved, exclusions by id and label,
    inclusions, and the fourth report linked to the third as the same study."""
    values: dict[str, dict[str, str]] = {}
    for index, rid in enumerate(ids):
        if index == 0:
            values[rid] = {"retrieval": "Not retrieved", "retrieval_note": "no access"}
        elif index % 3 == 1:
            values[rid] = {"decision": " EXCLUDE ", "reason": "Non-mental-health use or population"}
        else:
            values[rid] = {"decision": "Include", "retrieval": "retrieved"}
    values[ids[3]]["same_study_as"] = ids[2]
    return values


def test_no_returned_sheet_everything_pending(config: dict[str, Any]) -> None:
    outcome = json.loads(out(config, "outcome").read_text())
    assert outcome["reports_sought"] == 12 and outcome["reports_pending"] == 12
    assert outcome["complete"] is False and outcome["studies_included"] == 0
    status = json.loads(out(config, "status").read_text())
    assert status["reviewers"]["r1"] == {"assigned": 12, "decided": 0, "pending": 12, "files": []}
    assert len(form_ids(sheet(config, "r2"), TITLE, ID)) == 12
    assert table(out(config, "included")) == [] and table(out(config, "excluded")) == []


def test_round_trip_conflict_resolution_and_studies(config: dict[str, Any], tmp_path: Path) -> None:
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    r1 = typed(ids)
    r2 = {rid: dict(cells) for rid, cells in r1.items()}
    r2[ids[4]] = {"decision": "exclude", "reason": "no_alliance_outcome"}  # reason differs
    r2[ids[5]] = {"decision": "exclude", "reason": "publication_type"}  # decision differs
    give(config, "r1", r1, "r1_done.xlsx")
    give(config, "r2", r2, "r2_done.xlsx")
    result = run_fulltext(config)
    assert result["conflicts_pending"] == 2 and result["reports_pending"] == 2
    assert result["reports_not_retrieved"] == 1
    # Reviewer 3 resolves both conflicts in the conflicts sheet.
    conflicts = out(config, "conflicts_xlsx")
    assert sorted(form_ids(conflicts, "Conflicts", "study_id")) == sorted([ids[4], ids[5]])
    resolutions = {
        ids[4]: {"resolution": "exclude", "reason": "not_mental_health"},
        ids[5]: {"resolution": "include"},
    }
    target = Path(config["paths"]["human_input"]) / "full_text/conflicts/r3.xlsx"
    fill_form(conflicts, "Conflicts", "study_id", resolutions, target)
    result = run_fulltext(config)
    assert result["complete"] is True and result["conflicts_pending"] == 0
    decisions = {row["report_id"]: row for row in table(out(config, "decisions"))}
    assert decisions[ids[0]]["decision"] == "not_retrieved"
    assert decisions[ids[0]]["retrieval_note"] == "r1: no access; r2: no access"
    assert decisions[ids[4]]["how"] == "third_reviewer" and decisions[ids[4]]["resolver"] == "r3"
    assert decisions[ids[5]]["decision"] == "include"
    assert decisions[ids[3]]["study_id"] == min(ids[2], ids[3])
    excluded = [i for i in ids if i in decisions and decisions[i]["decision"] == "exclude"]
    included = [i for i in ids if decisions[i]["decision"] == "include"]
    assert result["reports_sought"] == 12
    assert result["reports_assessed"] == 11
    assert result["reports_excluded"] == len(excluded) == 4
    assert result["excluded_by_reason"] == {"not_mental_health": 4}
    assert result["reports_included"] == len(included) == 7
    assert result["studies_included"] == 6  # two reports of one study
    studies = table(out(config, "included"))
    assert len(studies) == 6
    linked = next(s for s in studies if ";" in s["reports"])
    assert linked["reports"] == "; ".join(sorted([ids[2], ids[3]]))
    near_misses = table(out(config, "excluded"))
    assert [row["report_id"] for row in near_misses] == sorted(excluded)
    assert {row["reason_label"] for row in near_misses} == {"Non-mental-health use or population"}
    assert all(row["title"] for row in near_misses)
    # every report decided: the next sheets are empty
    assert form_ids(sheet(config, "r1"), TITLE, ID) == []


def test_csv_sheets_round_trip_in_single_mode(config: dict[str, Any]) -> None:
    config["full_text"].update(mode="single", sheet_format="csv")
    run_fulltext(config)
    text = sheet(config, "r1", "csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("# livingreview sheet | kind=full-text")
    header = lines[1].split(",")
    rows = list(csv.reader(lines[2:]))
    rows[0][header.index("decision")] = "include"
    rows[1][header.index("decision")] = "exclude"
    rows[1][header.index("reason")] = "before_2010"
    target = returned(config, "r1.csv")
    target.parent.mkdir(parents=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        handle.write(lines[0] + "\n")
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(reversed(rows))
    result = run_fulltext(config)
    assert result["reports_included"] == 1 and result["excluded_by_reason"] == {"before_2010": 1}
    assert result["reports_pending"] == 10


def test_a_csv_form_missing_a_column_names_the_header_row_the_reviewer_sees(
    config: dict[str, Any],
) -> None:
    """Row 1 of a CSV form is its metadata line; the header a column was deleted from is row 2."""
    config["full_text"].update(mode="single", sheet_format="csv")
    run_fulltext(config)
    lines = sheet(config, "r1", "csv").read_text(encoding="utf-8").splitlines()
    header = lines[1].split(",")
    keep = [i for i, name in enumerate(header) if name != "reason"]
    target = returned(config, "r1.csv")
    target.parent.mkdir(parents=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        handle.write(lines[0] + "\n")
        writer = csv.writer(handle)
        for row in csv.reader(lines[1:]):
            writer.writerow([row[i] for i in keep])
    with pytest.raises(InputFileError, match=r"missing column\(s\) 'reason'") as caught:
        run_fulltext(config)
    assert caught.value.position == "row 2"


def edit_meta(path: Path, key: str, value: str) -> None:
    wb = openpyxl.load_workbook(path)
    for row in wb["_meta"].iter_rows():
        if row[0].value == key:
            row[1].value = value
    wb.save(path)


REJECTIONS = [
    (
        {"decision": "maybe"},
        "field 'decision': unknown decision 'maybe'; expected include, exclude or blank",
    ),
    (
        {"retrieval": "lost"},
        "field 'retrieval': unknown retrieval 'lost'; expected retrieved, not retrieved or blank",
    ),
    (
        {"decision": "exclude", "reason": "too_short"},
        "field 'reason': unknown reason 'too_short'; expected one of no_alliance_outcome,",
    ),
    (
        {"decision": "exclude"},
        "field 'reason': exclude without a reason; expected one primary exclusion reason",
    ),
    (
        {"decision": "include", "reason": "before_2010"},
        "field 'reason': include with the "
        "exclusion reason 'before_2010'; expected the reason blank",
    ),
    ({"reason": "before_2010"}, "field 'decision': reason 'before_2010' without a decision"),
    ({"retrieval": "not retrieved"}, "field 'retrieval_note': not retrieved without saying why"),
    (
        {"retrieval": "not retrieved", "retrieval_note": "x", "decision": "include"},
        "field 'decision': a report not retrieved cannot be assessed",
    ),
    (
        {"same_study_as": "S_nope"},
        "field 'same_study_as': same_study_as 'S_nope' is not another report of this review",
    ),
]


@pytest.mark.parametrize(("cells", "message"), REJECTIONS)
def test_bad_cells_are_rejected_naming_row_and_field(
    config: dict[str, Any], cells: dict[str, str], message: str
) -> None:
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    good = give(config, "r1", {ids[0]: {"decision": "include"}}, "a_good.xlsx")
    run_fulltext(config)
    store = out(config, "assessments").read_bytes()
    bad = give(config, "r2", {ids[5]: cells}, "b.xlsx")
    with pytest.raises(InputFileError) as error:
        run_fulltext(config)
    row = 2 + form_ids(bad, TITLE, ID).index(ids[5])
    text = str(error.value)
    assert text.startswith(f"{bad}, row {row}, field ")
    assert message.split("{row}, ")[-1] in text
    assert out(config, "assessments").read_bytes() == store  # nothing stored was lost
    assert good.exists()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda p: edit_meta(p, "review_id", "other"),
            "sheet is for review_id 'other', expected 'dta_integrative_review'",
        ),
        (
            lambda p: edit_meta(p, "kind", "extraction"),
            "sheet is for kind 'extraction', expected 'full-text'",
        ),
        (
            lambda p: edit_meta(p, "reviewer", "r3"),
            "sheet is for reviewer 'r3', expected one of r1, r2",
        ),
        (
            lambda p: edit_meta(p, "round", "7"),
            "sheet is for round 7, expected a round from 1 to 1",
        ),
        (lambda p: edit_meta(p, "records", "3"), "the hidden sheet '_meta' was edited"),
    ],
)
def test_sheets_of_something_else_are_rejected(config: dict[str, Any], edit, message) -> None:
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    path = give(config, "r1", {ids[0]: {"decision": "include"}}, "r1.xlsx")
    edit(path)
    with pytest.raises(InputFileError) as error:
        run_fulltext(config)
    assert str(error.value).startswith(str(path)) and message in str(error.value)


def delete_row(path: Path, report: str) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[TITLE]
    for row in ws.iter_rows(min_row=2):
        if row[1].value == report:
            ws.delete_rows(row[0].row)
            break
    wb.save(path)


def test_missing_duplicated_and_edited_ids_are_rejected(config: dict[str, Any]) -> None:
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    path = give(config, "r1", {ids[0]: {"decision": "include"}}, "r1.xlsx", shuffle=False)
    delete_row(path, ids[3])
    with pytest.raises(InputFileError, match=f"1 row of the sheet missing \\(first: {ids[3]}\\)"):
        run_fulltext(config)
    wb = openpyxl.load_workbook(sheet(config, "r1"))
    wb[TITLE]["B3"] = ids[0]
    wb.save(path)
    with pytest.raises(InputFileError, match=f"row 3, field 'report_id': {ids[0]} appears twice"):
        run_fulltext(config)
    wb[TITLE]["B3"] = "S_edited"
    wb.save(path)
    with pytest.raises(InputFileError, match="unknown report_id 'S_edited'"):
        run_fulltext(config)


def test_a_removed_file_stops_the_run_and_keeps_the_store(config: dict[str, Any]) -> None:
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    path = give(config, "r1", {ids[1]: {"decision": "include"}}, "r1.xlsx")
    run_fulltext(config)
    store = out(config, "assessments").read_bytes()
    path.unlink()
    with pytest.raises(InputFileError, match="is no longer in this file"):
        run_fulltext(config)
    assert out(config, "assessments").read_bytes() == store


def test_a_removed_file_stops_a_pipeline_run_too(config: dict[str, Any]) -> None:
    # Snakemake deletes the store (a step output) before the step runs: its kept copy remains.
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    path = give(config, "r1", {ids[1]: {"decision": "include"}}, "r1.xlsx")
    run_fulltext(config)
    out(config, "assessments").unlink()
    path.unlink()
    with pytest.raises(InputFileError, match=r"is no longer in this file.*kept copy .*\.kept"):
        run_fulltext(config)


def test_a_value_edited_in_place_is_named_with_what_the_file_now_reads(
    config: dict[str, Any],
) -> None:
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    path = give(config, "r1", {ids[1]: {"decision": "include"}}, "r1.xlsx")
    run_fulltext(config)
    store = out(config, "assessments").read_bytes()
    wb = openpyxl.load_workbook(path)  # the returned file opened again and the cell changed
    ws = wb[TITLE]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[header.index(ID)].value == ids[1])
    row[header.index("decision")].value = "exclude"
    row[header.index("reason")].value = "before_2010"
    wb.save(path)
    with pytest.raises(
        InputFileError, match=r"decision 'include' .* now reads 'exclude' in this file"
    ):
        run_fulltext(config)
    assert out(config, "assessments").read_bytes() == store


def test_a_later_file_supersedes_and_a_copy_is_read_once(config: dict[str, Any]) -> None:
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    first = give(config, "r1", {ids[1]: {"decision": "include"}}, "r1_a.xlsx")
    set_saved_at(first, "2099-01-01T00:00:00Z")
    shutil.copy(first, returned(config, "r1_a_copy.xlsx"))
    second = {ids[1]: {"decision": "exclude", "reason": "before_2010"}}
    set_saved_at(give(config, "r1", second, "r1_b.xlsx"), "2099-01-02T00:00:00Z")
    config["full_text"]["mode"] = "single"
    result = run_fulltext(config)
    assert result["excluded_by_reason"] == {"before_2010": 1}
    assert result["reports_included"] == 0


def test_outputs_are_byte_identical_on_rerun(config: dict[str, Any]) -> None:
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    give(config, "r1", typed(ids), "r1.xlsx")
    run_fulltext(config)
    folder = Path(config["paths"]["outputs"]) / "fulltext"
    before = {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    run_fulltext(config)
    after = {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    assert before == after and len(before) == 13  # agreement.csv and .json too


def test_cli_reports_a_bad_sheet_in_one_line(
    config: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    give(config, "r1", {ids[0]: {"decision": "perhaps"}}, "r1.xlsx")
    protocol = tmp_path / "protocol.json"
    protocol.write_text(json.dumps(config), encoding="utf-8")
    assert main(["fulltext", "--configfile", str(protocol)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown decision 'perhaps'" in err


def test_every_bad_row_of_a_form_is_named_in_one_run(
    config: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Decisions 'No', 'Yes' and 'x' on three rows of one form: one run names all three (it
    took three runs); two edited ids on one form are named at once as well."""
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    cells = {ids[1]: "No", ids[3]: "Yes", ids[4]: "x"}
    form = give(config, "r1", {i: {"decision": v} for i, v in cells.items()}, "r1.xlsx")
    rows = {i: 2 + form_ids(form, TITLE, ID).index(i) for i in cells}
    protocol = tmp_path / "protocol.json"
    protocol.write_text(json.dumps(config), encoding="utf-8")
    assert main(["fulltext", "--configfile", str(protocol)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "r1.xlsx: 3 rows cannot be read (fix them all, then run again): " in err
    for sid, value in cells.items():
        assert (
            f"row {rows[sid]}, field 'decision': unknown decision {value!r}; "
            "expected include, exclude or blank"
        ) in err
    book = openpyxl.load_workbook(form)  # two ids edited: both named at once too
    header = [c.value for c in book[TITLE][1]]
    column = header.index(ID) + 1
    book[TITLE].cell(rows[ids[1]], column).value = "R_edited_1"
    book[TITLE].cell(rows[ids[4]], column).value = "R_edited_2"
    book.save(form)
    assert main(["fulltext", "--configfile", str(protocol)]) == 2
    err = capsys.readouterr().err
    assert "r1.xlsx: 2 rows cannot be read" in err and err.count("\n") == 1
    assert f"row {rows[ids[1]]}, field '{ID}': unknown {ID} 'R_edited_1'" in err
    assert f"row {rows[ids[4]]}, field '{ID}': unknown {ID} 'R_edited_2'" in err


def test_a_report_no_longer_sought_is_kept_in_the_log_but_not_counted(
    config: dict[str, Any],
) -> None:
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    config["full_text"]["mode"] = "single"
    give(config, "r1", {ids[0]: {"decision": "include"}}, "r1.xlsx")
    assert run_fulltext(config)["reports_included"] == 1
    final = Path(config["paths"]["outputs"]) / "screening/final_decisions.csv"
    text = final.read_text(encoding="utf-8")
    final.write_text(text.replace(f"{ids[0]},1,include", f"{ids[0]},1,exclude"), encoding="utf-8")
    result = run_fulltext(config)  # the title/abstract decision changed after the sheet came back
    assert result["reports_sought"] == 11 and result["reports_included"] == 0
    assert ids[0] in out(config, "assessments").read_text(encoding="utf-8")


def test_sheet_resaved_by_libreoffice_reads_back(config: dict[str, Any], tmp_path: Path) -> None:
    from tests.screening.sheet_helpers import libreoffice_resave

    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    config["full_text"]["mode"] = "single"
    typed = {ids[1]: {"decision": "exclude", "reason": "publication_type"}}
    filled = fill_form(sheet(config, "r1"), TITLE, ID, typed, tmp_path / "work/r1.xlsx")
    saved = libreoffice_resave(filled, "xlsx", tmp_path / "lo", tmp_path / "home")
    target = returned(config, "r1_libreoffice.xlsx")
    target.parent.mkdir(parents=True)
    shutil.copy(saved, target)
    assert run_fulltext(config)["excluded_by_reason"] == {"publication_type": 1}


def test_with_nothing_sought_the_library_is_checked_by_its_header(config: dict[str, Any]) -> None:
    """No report reached full text and none returned: the same outputs whatever the library's
    rows; a library without its study id column is still an error."""
    outputs = Path(config["paths"]["outputs"])
    final = outputs / "screening/final_decisions.csv"
    final.write_text(final.read_text(encoding="utf-8").replace(",include,", ",exclude,"))
    assert run_fulltext(config)["reports_sought"] == 0
    folder = outputs / "fulltext"
    before = {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    records = outputs / "library/records.csv"
    records.write_text(records.read_text(encoding="utf-8").splitlines()[0] + "\n")
    run_fulltext(config)
    assert {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} == before
    records.write_text("title\nA trial\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="missing column 'study_id'"):
        run_fulltext(config)


def test_a_note_on_an_unresolved_conflict_comes_back_on_the_next_conflicts_sheet(
    config: dict[str, Any],
) -> None:
    """A note the third reviewer typed on a full-text conflict left unresolved was dropped; the
    next conflicts sheet carries it, once however often a sheet is returned."""
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    give(config, "r1", {ids[0]: {"decision": "include"}}, "r1.xlsx")
    give(
        config, "r2", {ids[0]: {"decision": "exclude", "reason": "no_alliance_outcome"}}, "r2.xlsx"
    )
    run_fulltext(config)
    conflicts = out(config, "conflicts_xlsx")
    folder = Path(config["paths"]["human_input"]) / "full_text/conflicts"
    note = "methods section missing from the PDF"
    fill_form(conflicts, "Conflicts", "study_id", {ids[0]: {"notes": note}}, folder / "r3_a.xlsx")
    run_fulltext(config)
    assert conflict_notes(conflicts) == {ids[0]: note}
    shutil.copy(conflicts, folder / "r3_b.xlsx")  # returned as written
    run_fulltext(config)
    assert conflict_notes(conflicts) == {ids[0]: note}


def test_a_note_typed_with_a_resolution_is_stored(config: dict[str, Any]) -> None:
    """A note the third reviewer typed with a full-text resolution was read and then dropped
    (no full-text output held it); fulltext/resolutions.csv keeps every resolution read, with
    its note, file and row, like screening/resolutions.csv."""
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    give(config, "r1", {ids[0]: {"decision": "include"}}, "r1.xlsx")
    give(
        config, "r2", {ids[0]: {"decision": "exclude", "reason": "no_alliance_outcome"}}, "r2.xlsx"
    )
    run_fulltext(config)
    folder = Path(config["paths"]["human_input"]) / "full_text/conflicts"
    note = "outcome reported in the supplement"
    typed = {ids[0]: {"resolution": "include", "notes": note}}
    fill_form(out(config, "conflicts_xlsx"), "Conflicts", "study_id", typed, folder / "r3.xlsx")
    assert run_fulltext(config)["conflicts_pending"] == 0
    [row] = table(Path(config["paths"]["outputs"]) / "fulltext/resolutions.csv")
    assert (row["study_id"], row["decision"], row["resolver"]) == (ids[0], "include", "r3")
    assert (row["notes"], row["file"], row["row"]) == (note, "full_text/conflicts/r3.xlsx", "2")


def test_a_form_naming_a_study_renamed_within_the_round_is_read(config: dict[str, Any]) -> None:
    """A late record joined a study after its full-text form was returned (its id changed: see
    tests/screening/test_study_aliases.py): the row counts for the study under its new id."""
    from tests.dedup.library_helpers import LATE, rebuild

    config["full_text"]["mode"] = "single"
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    give(config, "r1", {ids[0]: {"decision": "include", "retrieval": "retrieved"}}, "r1.xlsx")
    assert run_fulltext(config)["reports_included"] == 1
    [(old, new)] = rebuild(config, {LATE: ids[0]}).items()
    assert old == ids[0]
    final = Path(config["paths"]["outputs"]) / "screening/final_decisions.csv"
    final.write_text(final.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    assert run_fulltext(config)["reports_included"] == 1  # before: unknown report_id
    rows = {r["report_id"]: r for r in table(out(config, "decisions"))}
    assert old not in rows and rows[new]["decision"] == "include"


def test_a_resolution_note_holding_a_carriage_return_is_one_row_of_resolutions_csv(
    config: dict[str, Any],
) -> None:
    """A note typed with a lone carriage return in a returned full-text conflicts CSV (saved
    with classic Mac line breaks) was written to fulltext/resolutions.csv unquoted: the row
    ended there and the rest of the note became a row of its own. It reads back as typed."""
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    give(config, "r1", {ids[0]: {"decision": "include"}}, "r1.xlsx")
    give(
        config, "r2", {ids[0]: {"decision": "exclude", "reason": "no_alliance_outcome"}}, "r2.xlsx"
    )
    run_fulltext(config)
    note = "outcome reported\rin the supplement"
    typed = {ids[0]: {"resolution": "include", "notes": note}}
    folder = Path(config["paths"]["human_input"]) / "full_text/conflicts"
    fill_csv_form(out(config, "conflicts_csv"), "study_id", typed, folder / "r3.csv")
    assert run_fulltext(config)["conflicts_pending"] == 0
    rows = table(Path(config["paths"]["outputs"]) / "fulltext/resolutions.csv")
    assert [(r["study_id"], r["decision"], r["notes"]) for r in rows] == [(ids[0], "include", note)]


def test_a_note_typed_on_several_lines_keeps_its_lines(config: dict[str, Any]) -> None:
    """A retrieval note typed on two lines was read as one. It keeps its line breaks (CR LF as
    LF) in fulltext/decisions.csv; the same row returned in another CSV (no save time to order
    them) with the note on one line is the same row, not a disagreement to reject; retrieval
    is still a code read on one line."""
    config["full_text"].update(mode="single", sheet_format="csv")
    run_fulltext(config)
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    values = {ids[0]: {"retrieval": "not\nretrieved", "retrieval_note": "no access author did"}}
    fill_csv_form(sheet(config, "r1", "csv"), ID, values, returned(config, "r1_a.csv"))
    values[ids[0]]["retrieval_note"] = "  no access\r\nauthor did  "
    fill_csv_form(sheet(config, "r1", "csv"), ID, values, returned(config, "r1_b.csv"))
    assert run_fulltext(config)["reports_not_retrieved"] == 1
    rows = {r["report_id"]: r for r in table(out(config, "decisions"))}
    assert rows[ids[0]]["retrieval_note"] == "r1: no access\nauthor did"


def two_conflicts(config: dict[str, Any]) -> list[str]:
    """r1 and r2 returned their sheets disagreeing on the fifth report (reason) and the sixth
    (decision): two conflicts on the conflicts sheet written under the rule now."""
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    r1 = typed(ids)
    r2 = {rid: dict(cells) for rid, cells in r1.items()}
    r2[ids[4]] = {"decision": "exclude", "reason": "no_alliance_outcome"}
    r2[ids[5]] = {"decision": "exclude", "reason": "publication_type"}
    give(config, "r1", r1, "r1_done.xlsx")
    give(config, "r2", r2, "r2_done.xlsx")
    assert run_fulltext(config)["conflicts_pending"] == 2
    return ids


@pytest.mark.parametrize(
    ("before", "after"), [("consensus", "third_reviewer"), ("third_reviewer", "consensus")]
)
def test_a_resolution_returned_before_the_decision_rule_was_amended_keeps_counting(
    config: dict[str, Any], before: str, after: str
) -> None:
    """full_text.decision_rule amended after a conflicts sheet came back. consensus ->
    third_reviewer: the stage stopped for good ('report ... is resolved by consensus, but
    full_text.decision_rule is third_reviewer'); third_reviewer -> consensus: r3's resolution
    was recorded as how 'consensus'. Each resolution now counts as it was settled, and a
    conflict no one resolved waits for the rule of now, as screening does (c6915e3)."""
    config["full_text"]["decision_rule"] = before
    run_fulltext(config)
    ids = two_conflicts(config)
    who = "consensus" if before == "consensus" else "r3"
    target = Path(config["paths"]["human_input"]) / f"full_text/conflicts/{who}.xlsx"
    resolution = {ids[4]: {"resolution": "exclude", "reason": "not_mental_health"}}
    fill_form(out(config, "conflicts_xlsx"), "Conflicts", "study_id", resolution, target)
    assert run_fulltext(config)["conflicts_pending"] == 1
    config["full_text"]["decision_rule"] = after  # the amendment
    result = run_fulltext(config)
    assert result["conflicts_pending"] == 1 and result["decision_rule"] == after
    decisions = {row["report_id"]: row for row in table(out(config, "decisions"))}
    settled = decisions[ids[4]]
    assert (settled["decision"], settled["how"], settled["resolver"]) == ("exclude", before, who)
    assert decisions[ids[5]]["how"] == "conflict"
    asked = openpyxl.load_workbook(out(config, "conflicts_xlsx"))["_meta"]
    assert dict(asked.iter_rows(max_col=2, values_only=True))["resolver"] == (
        "r3" if after == "third_reviewer" else "consensus"
    )
    # the methods said every disagreement was settled as the rule of now asks
    assert json.loads(out(config, "outcome").read_text())["decided_by"] == {before: 1}
    outputs = Path(config["paths"]["outputs"])
    methods = collect(config, outputs, read=read_outputs(outputs))["methods"]
    how = "by consensus" if before == "consensus" else "by a third reviewer"
    assert [s for s in methods if s.startswith("Of the full-text")] == [
        f"Of the full-text disagreements, 1 was settled {how}, as the protocol asked before "
        "its decision rule was amended."
    ]
