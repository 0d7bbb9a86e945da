"""The generic reviewer sheet (livingreview.sheets): layout, safety, determinism, reading back."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from livingreview import sheets
from livingreview.errors import InputFileError

LAYOUT = sheets.SheetLayout(
    title="Items",
    columns=(
        sheets.Column("item_id", width=12, locked=True),
        sheets.Column("text", width=50, wrap=True, highlight=True),
        sheets.Column("verdict", width=10, editable=True, choices=("yes", "no")),
        sheets.Column("notes", width=20, editable=True),
        sheets.Column("doi", link_prefix="https://doi.org/"),
    ),
    freeze="B2",
    include_keywords=("alliance", "working alliance", "app"),
    exclude_keywords=("protocol",),
)
META = [("kind", "test"), ("review_id", "rev"), ("round", "1")]


def library_rows(demo_outputs: Path, count: int = 5) -> list[dict[str, str]]:
    with (demo_outputs / "library/records.csv").open(encoding="utf-8") as handle:
        studies = list(csv.DictReader(handle))[:count]
    return [{"item_id": s["study_id"], "text": s["title"], "doi": s["doi"]} for s in studies]


def write(tmp_path: Path, rows: list[dict[str, str]], name: str = "s.xlsx") -> Path:
    ids = [(row["item_id"],) for row in rows]
    data = sheets.workbook_bytes(LAYOUT, rows, meta=META, ids=ids, instructions=["Do it."])
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_rows_of_wrapped_text_are_as_tall_as_their_text(tmp_path: Path, demo_outputs: Path) -> None:
    rows = library_rows(demo_outputs, count=40)
    short = next(r for r in rows if len(r["text"]) < 45)
    long = max(rows, key=lambda r: len(r["text"]))
    huge = {"item_id": "huge", "text": "alliance " * 2000, "doi": ""}
    ws = openpyxl.load_workbook(write(tmp_path, [short, long, huge]))["Items"]
    assert ws.row_dimensions[2].height is None  # one line: the default height
    lines = sheets.wrapped_lines(long["text"], 50)
    assert lines >= 2 and ws.row_dimensions[3].height == sheets.LINE_HEIGHT * lines
    assert ws.row_dimensions[4].height == sheets.MAX_ROW_HEIGHT
    assert ws["B4"].value.count("alliance") == 2000  # capped height, text kept whole


def test_layout_protection_dropdowns_and_same_bytes_for_same_input(
    tmp_path: Path, demo_outputs: Path
) -> None:
    rows = library_rows(demo_outputs)
    path = write(tmp_path, rows)
    assert write(tmp_path, rows, "again.xlsx").read_bytes() == path.read_bytes()
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Items", "Instructions", "_meta"]
    ws = wb["Items"]
    assert ws.freeze_panes == "B2"
    assert ws.column_dimensions["B"].width == 50 and ws["B2"].alignment.wrap_text
    assert ws.protection.sheet and not ws.protection.autoFilter  # protected, filtering allowed
    assert ws["A2"].protection.locked and not ws["C2"].protection.locked
    assert not ws["D2"].protection.locked
    [validation] = ws.data_validations.dataValidation
    assert validation.formula1 == '"yes,no"' and str(validation.sqref) == "C2:C6"
    first_doi = next(row for row in rows if row["doi"])
    cell = next(c for c in ws["E"] if c.value == first_doi["doi"])
    assert cell.hyperlink.target == "https://doi.org/" + first_doi["doi"]
    meta = wb["_meta"]
    assert meta.sheet_state == "hidden"
    values = [[c.value for c in row] for row in meta.iter_rows()]
    assert values[:3] == [list(m) for m in META]
    # the marks of the instruction lines and the keys written (typed text there is refused)
    assert [v[0] for v in values[3:5]] == ["instructions", "keys"]
    assert values[5] == ["checksum", sheets.checksum((r["item_id"],) for r in rows)]
    assert sorted(v[0] for v in values[6:]) == sorted(r["item_id"] for r in rows)


def test_formula_like_text_stays_text_in_xlsx_and_csv(tmp_path: Path) -> None:
    rows = [
        {"item_id": "S1", "text": '=HYPERLINK("http://x")'},
        {"item_id": "S2", "text": "+1 more"},
        {"item_id": "S3", "text": "-20% @risk"},
        {"item_id": "S4", "text": "@SUM(A1)"},
    ]
    path = write(tmp_path, rows)
    ws = openpyxl.load_workbook(path)["Items"]
    for r, row in enumerate(rows, start=2):
        assert ws.cell(row=r, column=2).data_type == "s"
        assert ws.cell(row=r, column=2).value == row["text"]
    text = sheets.csv_text(LAYOUT.names, rows, dict(META))
    assert "'=HYPERLINK" in text and "'+1 more" in text and "'-20% @risk" in text
    assert "'@SUM(A1)" in text


def test_keywords_are_highlighted_as_whole_words_in_rich_text(tmp_path: Path) -> None:
    text = "Working alliance with an app: a protocol (approach, apps)"
    path = write(tmp_path, [{"item_id": "S1", "text": text}])
    cell = openpyxl.load_workbook(path, rich_text=True)["Items"]["B2"]
    runs = [(str(part.text), part.font.color.rgb) for part in cell.value if hasattr(part, "font")]
    assert runs == [
        ("Working alliance", "00" + sheets.INCLUDE_COLOUR),
        ("app", "00" + sheets.INCLUDE_COLOUR),
        ("protocol", "00" + sheets.EXCLUDE_COLOUR),
    ]
    assert "".join(str(p) if isinstance(p, str) else p.text for p in cell.value) == text
    assert openpyxl.load_workbook(path)["Items"]["B2"].value == text


def test_csv_metadata_line_survives_a_semicolon_bom_resave(tmp_path: Path) -> None:
    rows = [{"item_id": "S1", "text": "a; b", "verdict": "Yes"}]
    text = sheets.csv_text(LAYOUT.names, rows, dict(META) | {"checksum": "abc"})
    first, header = text.splitlines()[:2]
    assert first == (
        "# livingreview sheet | kind=test | review_id=rev | round=1 | apostrophes= | checksum=abc"
    )
    assert header == "item_id,text,verdict,notes,doi"
    # What a spreadsheet program in a ';' locale makes of it: BOM, ';', empty cells after line 1.
    resaved = "\ufeff" + first + ';;;;\nitem_id;text;verdict;notes;doi;extra\nS1;"a; b";Yes;;;x\n'
    path = tmp_path / "back.csv"
    path.write_text(resaved, encoding="utf-8")
    back = sheets.read_sheet(path, "Items")
    assert back.meta == {"kind": "test", "review_id": "rev", "round": "1", "checksum": "abc"}
    assert back.ids is None and back.saved_at == ""
    [(number, row)] = list(back.rows())
    assert number == 3 and back.cell(row, "TEXT") == "a; b" and back.cell(row, "extra") == "x"
    with pytest.raises(ValueError, match="cannot go into a CSV comment line"):
        sheets.csv_meta_line({"review_id": "a|b"})


def test_a_resaved_xlsx_with_visible_meta_and_typed_numbers_reads(tmp_path: Path) -> None:
    rows = [{"item_id": "1234", "text": "2024"}, {"item_id": "S2", "text": "x"}]
    wb = openpyxl.load_workbook(write(tmp_path, rows))
    wb["_meta"].sheet_state = "visible"
    wb["_meta"]["B3"] = 1  # round typed as a number
    wb["Items"]["A2"] = 1234.0
    wb["Items"]["B2"] = 2024
    wb.save(tmp_path / "typed.xlsx")
    back = sheets.read_sheet(tmp_path / "typed.xlsx", "Items")
    assert back.meta is not None and back.meta["round"] == "1"
    assert sorted(back.ids or []) == [("1234",), ("S2",)]
    assert back.table[1][:2] == ["1234", "2024"]
    assert back.saved_at.endswith("Z") and back.saved_at > "2020"
    fresh = sheets.read_sheet(tmp_path / "s.xlsx", "Items")
    assert fresh.saved_at == ""  # the fixed stamp of a sheet as written means "unknown"


def test_folder_listing_skips_lock_files_and_rejects_other_formats(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    (tmp_path / ".~lock.mine.xlsx#").write_text("lock", encoding="utf-8")
    (tmp_path / "~$mine.xlsx").write_text("lock", encoding="utf-8")
    (tmp_path / "mine.csv").write_text("item_id\n", encoding="utf-8")
    assert sheets.returned_files(tmp_path, "test sheet") == [tmp_path / "mine.csv"]
    (tmp_path / "mine.ods").write_bytes(b"PK")
    with pytest.raises(InputFileError, match=r"mine.ods: not a returned test sheet \(.ods\)"):
        sheets.returned_files(tmp_path, "test sheet")
    assert sheets.returned_files(tmp_path / "absent", "test sheet") == []


def test_a_damaged_workbook_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputFileError, match=r"bad.xlsx: cannot read as an .xlsx workbook"):
        sheets.read_sheet(tmp_path / "bad.xlsx", "Items")


def test_the_sheet_cache_reads_what_the_file_holds_and_never_stops_a_run(tmp_path: Path) -> None:
    path = write(tmp_path, [{"item_id": "S1", "text": "alliance"}])
    folder = tmp_path / "cache"
    (folder / "stale.json").mkdir(parents=True)  # an entry that cannot be deleted
    (folder / "blocked").write_text("", encoding="utf-8")
    cache = sheets.SheetCache(folder)
    assert cache.read(path, "Items") == sheets.read_sheet(path, "Items")
    cache.prune()  # the undeletable entry only logged
    [entry] = (p for p in folder.glob("*.json") if p.is_file())
    assert sheets.SheetCache(folder).read(path, "Items") == sheets.read_sheet(path, "Items")
    unwritable = sheets.SheetCache(folder / "blocked" / "sub")  # a file where a folder should be
    assert unwritable.read(path, "Items") == sheets.read_sheet(path, "Items")
    assert entry.is_file()
