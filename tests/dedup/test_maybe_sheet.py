"""The maybe-pair sheet: written safely, filled in by a person, read back and kept forever."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from livingreview.cli import main
from livingreview.dedup.library import build_library
from livingreview.dedup.maybe_sheet import (
    COLUMNS,
    KIND,
    SHEET,
    read_decision_file,
    read_decisions,
    workbook_bytes,
    write_sheets,
)
from livingreview.dedup.model import PairVerdict
from livingreview.errors import InputFileError
from livingreview.records import Record
from livingreview.sheets import CSV_META_PREFIX, read_sheet
from tests.dedup.library_helpers import build_demo_identified, demo_config, stand_in_engine


def _library(config: dict[str, Any]) -> dict[str, Any]:
    return build_library(config, identified=build_demo_identified(config), engine=stand_in_engine)


def _csv(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file (below the metadata line of a CSV sheet, if it has one)."""
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    return list(csv.DictReader(lines[1:] if lines[0].startswith(CSV_META_PREFIX) else lines))


def _outputs(config: dict[str, Any]) -> dict[str, bytes]:
    root = Path(config["paths"]["outputs"])
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "library").iterdir()) + sorted((root / "dedup").iterdir())
    }


def _fill_like_a_person(sheet: Path, returned: Path, decisions: dict[int, str]) -> list[tuple]:
    """Decide some rows, reverse the row order, add a column, save under a new name."""
    wb = openpyxl.load_workbook(sheet)
    ws = wb["Maybe pairs"]
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) for name in header}
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    decided = []
    for index, value in decisions.items():
        rows[index][col["decision"]] = value
        rows[index][col["notes"]] = "checked the PDFs"
        decided.append((rows[index][col["record_a"]], rows[index][col["record_b"]], value))
    rows[2][col["notes"]] = "ask Anna: same trial?"  # a note, no decision yet
    for r, values in enumerate(reversed(rows), start=2):
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
    ws.insert_cols(3)
    ws.cell(row=1, column=3, value="Reviewer")
    ws.cell(row=2, column=3, value="AB")
    returned.parent.mkdir(parents=True, exist_ok=True)
    wb.save(returned)
    return decided


def test_round_trip_decisions_apply_and_are_kept(tmp_path: Path) -> None:
    config = demo_config(tmp_path)
    first = _library(config)
    pending = _csv(tmp_path / "outputs/library/maybe_pairs.csv")
    assert first["maybe_pairs_pending"] == len(pending) >= 3
    sheet = tmp_path / "outputs/dedup/maybe_pairs.xlsx"
    decided = _fill_like_a_person(
        sheet, tmp_path / "human/dedup/returned_ab.xlsx", {0: " Duplicate", 1: "DISTINCT"}
    )

    second = _library(config)
    assert second["maybe_pairs_pending"] == first["maybe_pairs_pending"] - 2
    assert second["maybe_decisions_applied"] == 2
    groups = {r["record_id"]: r["study_id"] for r in _csv(tmp_path / "outputs/library/groups.csv")}
    (a1, b1, _), (a2, b2, _) = decided
    assert groups[a1] == groups[b1]
    assert groups[a2] != groups[b2]
    left = {
        (r["record_a"], r["record_b"]) for r in _csv(tmp_path / "outputs/library/maybe_pairs.csv")
    }
    assert not left & {(a1, b1), (a2, b2)}
    applied = _csv(tmp_path / "outputs/library/decisions.csv")
    assert {(r["record_a"], r["record_b"], r["decision"]) for r in applied} == {
        (*sorted((a1, b1)), "duplicate"),
        (*sorted((a2, b2)), "distinct"),
    }
    assert {r["file"] for r in applied} == {"dedup/returned_ab.xlsx"}
    assert all(r["notes"] == "checked the PDFs" and int(r["row"]) >= 2 for r in applied)
    # when the person saved the sheet (its .xlsx metadata), for the audit trail
    saved = openpyxl.load_workbook(tmp_path / "human/dedup/returned_ab.xlsx").properties.modified
    assert saved is not None
    when = saved.replace(microsecond=0).isoformat() + "Z"
    assert {r["saved_at"] for r in applied} == {when}

    # The note on the undecided pair is carried into the new sheet, not dropped.
    new_sheet = _csv(tmp_path / "outputs/dedup/maybe_pairs.csv")
    assert [r["notes"] for r in new_sheet if r["notes"]] == ["ask Anna: same trial?"]

    built = _outputs(config)
    _library(config)
    assert _outputs(config) == built, "re-running with the same decisions must change nothing"


def test_a_pair_decided_two_ways_is_an_error_naming_both_files(tmp_path: Path) -> None:
    config = demo_config(tmp_path)
    _library(config)
    pair = _csv(tmp_path / "outputs/library/maybe_pairs.csv")[0]
    folder = tmp_path / "human/dedup"
    folder.mkdir(parents=True)
    # An Excel-in-Europe CSV: BOM, semicolons, different case, extra column, reordered columns.
    (folder / "a_first.csv").write_text(
        "\ufeffnotes;Decision;RECORD_B;record_a;extra\n"
        f"same;duplicate;{pair['record_b']};{pair['record_a']};x\n",
        encoding="utf-8",
    )
    (folder / "b_second.csv").write_text(
        f"record_a,record_b,decision\n{pair['record_b']},{pair['record_a']},Distinct\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as caught:
        _library(config)
    message = str(caught.value)
    assert "b_second.csv, row 2, field 'decision'" in message
    assert "a_first.csv, row 2" in message and "'duplicate'" in message

    (folder / "b_second.csv").unlink()
    counts = _library(config)
    assert counts["maybe_decisions_applied"] == 1


def test_the_command_exits_2_with_file_row_and_field(tmp_path: Path, capsys) -> None:
    config = demo_config(tmp_path)
    identified = build_demo_identified(config)
    protocol = tmp_path / "protocol.yaml"
    protocol.write_text(yaml.safe_dump(json.loads(json.dumps(config))), encoding="utf-8")
    folder = tmp_path / "human/dedup"
    folder.mkdir(parents=True)
    (folder / "mine.csv").write_text(
        "record_a,record_b,decision\nmedline:25840591,europepmc:MED:25840591,yes\n",
        encoding="utf-8",
    )
    code = main(["library", "--configfile", str(protocol), "--identified", str(identified)])
    err = capsys.readouterr().err
    assert code == 2
    assert "mine.csv, row 2, field 'decision': unknown decision 'yes'" in err
    assert err.count("\n") == 1


def test_unknown_records_and_edited_pairs_are_errors(tmp_path: Path) -> None:
    records = {rid: Record(record_id=rid, title=rid) for rid in ("a:1", "b:1", "c:1")}
    pairs = [PairVerdict("a:1", "b:1", "maybe", 0.8, "titles close")]
    write_sheets(
        tmp_path / "s.xlsx", tmp_path / "s.csv", pairs, records, review_id="r", version="1"
    )
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    ws = wb["Maybe pairs"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("decision") + 1, value="duplicate")
    ws.cell(row=2, column=header.index("record_b") + 1, value="c:1")
    wb.save(tmp_path / "edited.xlsx")
    with pytest.raises(InputFileError, match=r"edited.xlsx, row 2, field 'record_b'"):
        read_decision_file(tmp_path / "edited.xlsx", review_id="r", known_records=records)
    ws.cell(row=2, column=header.index("record_b") + 1, value="zz:9")
    wb.save(tmp_path / "edited.xlsx")
    with pytest.raises(
        InputFileError,
        match=r"unknown record 'zz:9': the library holds no record of 'zz' \(a search or import",
    ):
        read_decision_file(tmp_path / "edited.xlsx", review_id="r", known_records=records)
    ws.cell(row=2, column=header.index("record_b") + 1, value="b:9")  # b's records are there
    wb.save(tmp_path / "edited.xlsx")
    with pytest.raises(
        InputFileError, match=r"unknown record 'b:9': not in the library \(was the id edited\?\)"
    ):
        read_decision_file(tmp_path / "edited.xlsx", review_id="r", known_records=records)
    with pytest.raises(InputFileError, match=r"belongs to review 'r', expected 'other'"):
        read_decision_file(tmp_path / "s.xlsx", review_id="other", known_records=records)


def test_the_csv_sheet_is_written_with_the_byte_order_mark(tmp_path: Path) -> None:
    """As every CSV sheet (5c3d423): without it Excel opens the file in the system's code page
    and shows 'ZoÃ«' for 'Zoë'. The sheet is still read with its metadata line."""
    records = {rid: Record(record_id=rid, title="Zoë's trial") for rid in ("a:1", "b:1")}
    pairs = [PairVerdict("a:1", "b:1", "maybe", 0.8, "titles close")]
    write_sheets(
        tmp_path / "s.xlsx", tmp_path / "s.csv", pairs, records, review_id="r", version="1"
    )
    data = (tmp_path / "s.csv").read_bytes()
    assert data.startswith(codecs.BOM_UTF8 + CSV_META_PREFIX.encode())
    assert "Zoë's trial".encode() in data
    returned = read_sheet(tmp_path / "s.csv", SHEET)
    assert returned.meta is not None and returned.meta["kind"] == KIND
    [(_, row)] = returned.rows()
    assert (returned.cell(row, "record_a"), returned.cell(row, "title_a")) == ("a:1", "Zoë's trial")


def test_cells_that_look_like_formulas_are_written_as_text(tmp_path: Path) -> None:
    evil = {
        "a:1": Record(record_id="a:1", title='=HYPERLINK("http://x.test","click")', pages="-12"),
        "b:1": Record(record_id="b:1", title="+1 trial", authors=["@admin"], journal="=1+1"),
    }
    pairs = [PairVerdict("a:1", "b:1", "maybe", 0.5, "-pages differ")]
    write_sheets(tmp_path / "s.xlsx", tmp_path / "s.csv", pairs, evil, review_id="r", version="1")
    with zipfile.ZipFile(tmp_path / "s.xlsx") as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["Maybe pairs"]
    values = {c.value for row in ws.iter_rows(min_row=2) for c in row}
    assert '=HYPERLINK("http://x.test","click")' in values and "=1+1" in values
    assert all(c.data_type == "s" for row in ws.iter_rows() for c in row if c.value)
    rows = _csv(tmp_path / "s.csv")
    assert rows[0]["title_a"] == '\'=HYPERLINK("http://x.test","click")'
    assert rows[0]["authors_b"] == "'@admin" and rows[0]["pages_a"] == "'-12"


def test_the_workbook_layout_and_its_bytes_are_stable(tmp_path: Path) -> None:
    row = {name: "" for name in COLUMNS} | {"record_a": "a:1", "record_b": "b:1", "pair": "1"}
    data = workbook_bytes([row], review_id="r", version="1", demo=True)
    assert workbook_bytes([row], review_id="r", version="1", demo=True) == data
    path = tmp_path / "s.xlsx"
    path.write_bytes(data)
    wb = openpyxl.load_workbook(path)
    ws = wb["Maybe pairs"]
    assert ws.freeze_panes == "D2"
    assert ws.cell(row=2, column=1).alignment.wrap_text
    assert ws.column_dimensions["I"].width == 60  # title_a (after decided_by)
    validation = ws.data_validations.dataValidation[0]
    assert validation.formula1 == '"duplicate,distinct"' and "B2" in str(validation.sqref)
    assert wb["_meta"].sheet_state == "hidden" and wb["_meta"]["B2"].value == KIND
    assert "DEMO DATA" in wb["Instructions"]["A1"].value


def test_a_sheet_resaved_without_metadata_and_blank_rows_still_reads(tmp_path: Path) -> None:
    records = {rid: Record(record_id=rid) for rid in ("a:1", "b:1")}
    pairs = [PairVerdict("a:1", "b:1", "maybe", 0.8, "titles close")]
    write_sheets(
        tmp_path / "s.xlsx", tmp_path / "s.csv", pairs, records, review_id="r", version="1"
    )
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    del wb["_meta"]
    ws = wb["Maybe pairs"]
    ws.cell(row=2, column=2, value="Duplicate")
    ws.cell(row=5, column=9, value=None)  # trailing empty row, as spreadsheet programs leave
    wb.save(tmp_path / "copied.xlsx")
    decisions = read_decision_file(tmp_path / "copied.xlsx", review_id="r", known_records=records)
    assert [(d.a, d.b, d.decision, d.row) for d in decisions] == [("a:1", "b:1", "duplicate", 2)]
    shutil.copy(tmp_path / "s.csv", tmp_path / "blank.csv")
    assert read_decision_file(tmp_path / "blank.csv", review_id="r", known_records=records) == []


def _two_pairs(tmp_path: Path, title: str) -> tuple[dict[str, Record], openpyxl.Workbook]:
    """Three records with ``title``, the sheet of pairs a:1 / b:1 and a:1 / c:1 written as
    ``s.xlsx`` and ``s.csv`` in ``tmp_path``, and the .xlsx opened for editing."""
    records = {rid: Record(record_id=rid, title=title) for rid in ("a:1", "b:1", "c:1")}
    pairs = [
        PairVerdict("a:1", "b:1", "maybe", 0.8, "titles close"),
        PairVerdict("a:1", "c:1", "maybe", 0.7, "titles close"),
    ]
    write_sheets(
        tmp_path / "s.xlsx", tmp_path / "s.csv", pairs, records, review_id="r", version="1"
    )
    return records, openpyxl.load_workbook(tmp_path / "s.xlsx")


def test_a_pair_decided_in_a_copied_tab_is_refused_not_dropped(tmp_path: Path) -> None:
    """Only the sheet 'Maybe pairs' is read: a decision typed in a copy of it is refused."""
    records, wb = _two_pairs(tmp_path, "a title")
    copy = wb.copy_worksheet(wb["Maybe pairs"])
    copy["B3"] = "duplicate"
    wb.save(tmp_path / "back.xlsx")
    with pytest.raises(
        InputFileError,
        match=r"back.xlsx, sheet 'Maybe pairs Copy', row 3, field 'decision': sheet 'Maybe pairs "
        r"Copy' holds 'duplicate' on the row of a:1 / c:1",
    ):
        read_decision_file(tmp_path / "back.xlsx", review_id="r", known_records=records)
    wb["Maybe pairs"]["B3"] = "Duplicate"  # typed in both: the copy holds nothing else
    copy["B3"] = "Duplicate"
    wb.save(tmp_path / "back.xlsx")
    decisions = read_decision_file(tmp_path / "back.xlsx", review_id="r", known_records=records)
    assert [(d.a, d.b, d.decision, d.row) for d in decisions] == [("a:1", "c:1", "duplicate", 3)]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_a_sheet_resaved_by_libreoffice_as_xlsx_or_csv_reads_back(tmp_path: Path) -> None:
    import subprocess

    records, wb = _two_pairs(tmp_path, "=cmd|' /C calc'!A0")
    wb["Maybe pairs"]["B2"] = "Distinct"
    wb["Maybe pairs"]["B3"] = "DUPLICATE"
    wb.save(tmp_path / "filled.xlsx")
    for target, folder in (("xlsx:Calc MS Excel 2007 XML", "lo_xlsx"), ("csv", "lo_csv")):
        subprocess.run(
            [
                "soffice",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(tmp_path / folder),
                str(tmp_path / "filled.xlsx"),
            ],
            check=True,
            capture_output=True,
            timeout=120,
            env={**os.environ, "HOME": str(tmp_path)},
        )
    expected = [("a:1", "b:1", "distinct", 2), ("a:1", "c:1", "duplicate", 3)]
    for path in (tmp_path / "lo_xlsx/filled.xlsx", tmp_path / "lo_csv/filled.csv"):
        decisions = read_decision_file(path, review_id="r", known_records=records)
        assert [(d.a, d.b, d.decision, d.row) for d in decisions] == expected, path
    resaved = openpyxl.load_workbook(tmp_path / "lo_xlsx/filled.xlsx")
    assert resaved["_meta"].sheet_state == "hidden"
    assert resaved["Maybe pairs"]["I2"].value == "=cmd|' /C calc'!A0"  # still text, not a formula


def test_a_sheet_saved_in_another_format_is_an_error_not_ignored(tmp_path: Path) -> None:
    from livingreview.dedup.maybe_sheet import decision_files

    (tmp_path / "README.md").write_text("notes for the team", encoding="utf-8")
    (tmp_path / ".~lock.mine.xlsx#").write_text("lock", encoding="utf-8")
    (tmp_path / "mine.csv").write_text("record_a,record_b,decision\n", encoding="utf-8")
    assert decision_files(tmp_path) == [tmp_path / "mine.csv"]
    (tmp_path / "mine.ods").write_bytes(b"PK")
    with pytest.raises(InputFileError, match=r"mine.ods: not a returned maybe-pair sheet"):
        decision_files(tmp_path)


def test_notes_on_an_undecided_pair_are_not_repeated_when_its_sheet_comes_back(
    tmp_path: Path,
) -> None:
    """Two people's notes on a pair left undecided are carried into the next sheet; returning
    that sheet (twice, with those notes and one more) keeps each note once."""
    config = demo_config(tmp_path)
    _library(config)
    pair = _csv(tmp_path / "outputs/library/maybe_pairs.csv")[0]
    folder = tmp_path / "human/dedup"
    folder.mkdir(parents=True)
    for reviewer, note in (("ab", "ask Anna: same trial?"), ("cd", "same authors | other year")):
        (folder / f"round1_{reviewer}.csv").write_text(
            f"record_a,record_b,decision,notes\n{pair['record_a']},{pair['record_b']},,{note}\n",
            encoding="utf-8",
        )
    carried = "ask Anna: same trial? | same authors | other year"

    def next_sheet_notes() -> list[str]:
        _library(config)
        rows = _csv(tmp_path / "outputs/dedup/maybe_pairs.csv")
        return [r["notes"] for r in rows if r["notes"]]

    assert next_sheet_notes() == [carried]
    shutil.copy(tmp_path / "outputs/dedup/maybe_pairs.xlsx", folder / "round2_ab.xlsx")
    assert next_sheet_notes() == [carried]

    wb = openpyxl.load_workbook(tmp_path / "outputs/dedup/maybe_pairs.xlsx")
    ws = wb["Maybe pairs"]
    notes = [c.value for c in ws[1]].index("notes") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, notes).value)
    ws.cell(row, notes, value=carried + " | Anna: different trials")
    wb.save(folder / "round3_ab.xlsx")
    assert next_sheet_notes() == [carried + " | Anna: different trials"]


def _return_csv(path: Path, meta_line: str | None, rows: list[dict[str, str]]) -> None:
    """A returned CSV sheet as a spreadsheet program saves it: the metadata line (padded with
    the commas of its empty cells; None: no such line), a column added, ``rows`` in order."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, ["reviewer", *COLUMNS], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({"reviewer": "AB", **row} for row in rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    first = "" if meta_line is None else meta_line + "," * len(COLUMNS) + "\r\n"
    path.write_bytes((first + buffer.getvalue()).encode("utf-8"))


def test_the_csv_sheet_carries_its_metadata_and_comes_back(tmp_path: Path) -> None:
    """The CSV twin of the sheet names its review and kind and the pairs it lists on a first
    line; returned with rows reordered and a column added, its decision is applied, at the row
    a spreadsheet program shows it on (the header is row 2)."""
    config = demo_config(tmp_path)
    _library(config)
    written = (tmp_path / "outputs/dedup/maybe_pairs.csv").read_text(encoding="utf-8-sig")
    meta_line = written.splitlines()[0]
    rows = _csv(tmp_path / "outputs/dedup/maybe_pairs.csv")
    assert meta_line.startswith(CSV_META_PREFIX + " | ") and len(rows) >= 3
    for part in (f"kind={KIND}", f"review_id={config['review']['id']}", f"pairs={len(rows)}"):
        assert f" | {part} | " in meta_line
    rows[0]["decision"] = "Duplicate"
    _return_csv(tmp_path / "human/dedup/mine.csv", meta_line, rows[::-1])

    assert _library(config)["maybe_decisions_applied"] == 1
    [applied] = _csv(tmp_path / "outputs/library/decisions.csv")
    assert (applied["record_a"], applied["record_b"], applied["decision"]) == (
        *sorted((rows[0]["record_a"], rows[0]["record_b"])),
        "duplicate",
    )
    assert (applied["file"], applied["row"]) == ("dedup/mine.csv", str(len(rows) + 2))


def test_a_returned_csv_with_rows_deleted_or_of_another_review_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CSV sheet cut short (only its decided row kept, or emptied to its header) would take
    the decisions of the rows cut off with it; one of another review is not this review's:
    the library step stops naming the file and field, exit 2, and writes nothing."""
    config = demo_config(tmp_path)
    identified = build_demo_identified(config)
    build_library(config, identified=identified, engine=stand_in_engine)
    meta_line = (tmp_path / "outputs/dedup/maybe_pairs.csv").read_text("utf-8-sig").splitlines()[0]
    rows = _csv(tmp_path / "outputs/dedup/maybe_pairs.csv")
    rows[-1]["decision"] = "distinct"
    protocol = tmp_path / "protocol.yaml"
    protocol.write_text(yaml.safe_dump(json.loads(json.dumps(config))), encoding="utf-8")
    returned = tmp_path / "human/dedup/mine.csv"
    built = _outputs(config)
    for kept in (rows[-1:], []):
        _return_csv(returned, meta_line, kept)
        code = main(["library", "--configfile", str(protocol), "--identified", str(identified)])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1
        assert (
            f"{returned}, field 'record_a': {len(rows) - len(kept)} pair(s) of the {len(rows)}"
            " the sheet was written with missing (found " in err
        )
        assert "filter rows instead of deleting them" in err
        assert _outputs(config) == built, "a refused sheet must leave the outputs as they were"

    review = config["review"]["id"]
    _return_csv(returned, meta_line.replace(f"review_id={review}", "review_id=other"), rows)
    with pytest.raises(
        InputFileError,
        match=rf"mine\.csv, field 'review_id': sheet belongs to review 'other', expected "
        rf"'{review}'",
    ):
        _library(config)


def test_an_old_csv_without_metadata_is_still_read_unchecked(tmp_path: Path) -> None:
    """A CSV sheet written before the sheet had a metadata line (or returned without it) is
    read as before: its decisions count, though rows deleted from it cannot be seen."""
    config = demo_config(tmp_path)
    _library(config)
    rows = _csv(tmp_path / "outputs/dedup/maybe_pairs.csv")
    rows[1]["decision"] = "distinct"
    old = tmp_path / "human/dedup/old.csv"
    _return_csv(old, None, rows[1:2])
    assert old.read_text().startswith("reviewer,pair,decision,")
    assert _library(config)["maybe_decisions_applied"] == 1
    [applied] = _csv(tmp_path / "outputs/library/decisions.csv")
    assert (applied["decision"], applied["row"], applied["saved_at"]) == ("distinct", "2", "")


def test_a_pair_listed_twice_blank_and_decided_keeps_the_decision(tmp_path: Path) -> None:
    """A row copied in a returned sheet (the copy left blank, or the original): blank means
    "not decided yet", so it never undoes the decision on the other row, in either order, in
    a CSV with metadata or an .xlsx; the notes of both rows are kept. Two decisions that
    differ are an error."""
    records, wb = _two_pairs(tmp_path, "a title")
    rows = _csv(tmp_path / "s.csv")
    meta_line = (tmp_path / "s.csv").read_text(encoding="utf-8").splitlines()[0]
    decided = rows[0] | {"decision": "duplicate", "notes": "same DOI"}
    blank = rows[0] | {"notes": "ask Anna"}
    for order, number in (([decided, blank, rows[1]], 3), ([blank, rows[1], decided], 5)):
        _return_csv(tmp_path / "twice.csv", meta_line, order)
        ws = wb["Maybe pairs"]
        for r, row in enumerate(order, start=2):
            for c, name in enumerate(COLUMNS, start=1):
                ws.cell(r, c, value=row[name])
        wb.save(tmp_path / "twice.xlsx")
        for path, row in ((tmp_path / "twice.csv", number), (tmp_path / "twice.xlsx", number - 1)):
            [kept] = read_decisions([path], review_id="r", known_records=records)
            assert (kept.a, kept.b, kept.decision, kept.row) == ("a:1", "b:1", "duplicate", row)
            assert sorted(kept.notes.split(" | ")) == ["ask Anna", "same DOI"]
    order[0] = blank | {"decision": "distinct"}
    _return_csv(tmp_path / "twice.csv", meta_line, order)
    with pytest.raises(
        InputFileError,
        match=r"twice\.csv, row 5, field 'decision': pair a:1 / b:1 is decided 'duplicate' here "
        r"but 'distinct' in \S+twice\.csv, row 3",
    ):
        read_decisions([tmp_path / "twice.csv"], review_id="r", known_records=records)


def test_a_version_a_csv_comment_cannot_hold_is_encoded_on_the_metadata_line(
    tmp_path: Path,
) -> None:
    """A version may hold ``, | =`` (only white space at its ends is refused), which the CSV
    metadata line cannot: written %-encoded, the sheet still reads back."""
    records, _ = _two_pairs(tmp_path, "a title")
    pairs = [PairVerdict("a:1", "b:1", "maybe", 0.8, "titles close")]
    write_sheets(
        tmp_path / "s.xlsx", tmp_path / "s.csv", pairs, records, review_id="r", version="2025,1|b"
    )
    first = (tmp_path / "s.csv").read_text(encoding="utf-8").splitlines()[0]
    assert " | version=2025%2C1%7Cb | pairs=1 | " in first
    rows = _csv(tmp_path / "s.csv")
    rows[0]["decision"] = "distinct"
    _return_csv(tmp_path / "back.csv", first, rows)
    [kept] = read_decision_file(tmp_path / "back.csv", review_id="r", known_records=records)
    assert (kept.a, kept.b, kept.decision, kept.row) == ("a:1", "b:1", "distinct", 3)


def _rows_as_written(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file below a sheet's metadata line, a lone carriage return kept."""
    text = path.read_bytes().decode("utf-8-sig")
    if text.startswith(CSV_META_PREFIX):
        text = text.partition("\n")[2]
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_notes_holding_a_carriage_return_are_kept_as_typed(tmp_path: Path) -> None:
    """Notes typed with a lone carriage return (a CSV saved with classic Mac line breaks) were
    written unquoted to library/decisions.csv (a decided pair) and to the next sheet (a pair
    left undecided): each row ended there. Both read back as typed, and so does the next sheet
    returned as written."""
    config = demo_config(tmp_path)
    _library(config)
    sheet = tmp_path / "outputs/dedup/maybe_pairs.csv"
    meta_line = sheet.read_text(encoding="utf-8-sig").splitlines()[0]
    rows = _csv(sheet)
    decided, undecided = "checked the PDFs\rsame trial", "ask Anna\rsame authors?"
    rows[0].update(decision="duplicate", notes=decided)
    rows[1]["notes"] = undecided
    _return_csv(tmp_path / "human/dedup/mine.csv", meta_line, rows)
    _library(config)
    [applied] = _rows_as_written(tmp_path / "outputs/library/decisions.csv")
    assert (applied["decision"], applied["notes"]) == ("duplicate", decided)
    assert [r["notes"] for r in _rows_as_written(sheet) if r["notes"]] == [undecided]
    shutil.copy(sheet, tmp_path / "human/dedup/next.csv")
    _library(config)
    assert [r["notes"] for r in _rows_as_written(sheet) if r["notes"]] == [undecided]


def test_a_note_typed_in_a_column_of_ones_own_is_named_in_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A person adds a column 'Reviewer' and types 'AB, ask Anna' on a decided pair: nothing
    reads that column, and nothing said so (the screening sheets and the later forms name such
    a column). The log now names the file, the column, its rows and where a note is kept; an
    added column left empty is not named, and the decision is read as before."""
    records, wb = _two_pairs(tmp_path, "a title")
    ws = wb["Maybe pairs"]
    ws["B3"] = "duplicate"
    ws.cell(row=1, column=ws.max_column + 1, value="Reviewer")
    ws.cell(row=3, column=ws.max_column, value="AB, ask Anna")
    ws.cell(row=1, column=ws.max_column + 1, value="empty one")
    wb.save(tmp_path / "back.xlsx")
    with caplog.at_level("WARNING", logger="livingreview"):
        decisions = read_decision_file(tmp_path / "back.xlsx", review_id="r", known_records=records)
    assert [(d.a, d.b, d.decision) for d in decisions] == [("a:1", "c:1", "duplicate")]
    assert [r.getMessage() for r in caplog.records] == [
        f"{tmp_path / 'back.xlsx'}: column 'reviewer' is no column of the maybe-pair sheet and "
        "is not read: what it holds in 1 row(s) (row 3 first) is not in the review's data; to "
        "keep a note with its pair, type it in 'notes'"
    ]
