"""The sheets under tests/sheets/data/: a small reviewer sheet of invented items, filled in as a
reviewer types, then saved by LibreOffice. Regenerate them (after a change of layout, say) with
``python -m tests.sheets.libreoffice_fixtures`` from the repository root, LibreOffice installed.

* ``libreoffice_resaved.xlsx``: the filled sheet opened and saved as .xlsx by
  ``soffice --headless --convert-to xlsx`` (LibreOffice 7.4 made the committed one).
* ``title_abstract_round1_r1.csv`` and ``full_text_round1_r1.csv``: a title/abstract screening
  sheet and a full-text form of invented studies, written as CSV by the stages' own writers
  (``sheet_format: csv``), then filled in (:data:`SCREENING_TYPED`, :data:`FULL_TEXT_TYPED`);
  the ``.xlsx`` of each is that CSV opened and saved as .xlsx by LibreOffice, as a reviewer does
  who edits the CSV in a spreadsheet program (its metadata line lands in cell A1).
* ``title_abstract_round1_r1_cp1252.xlsx`` and ``.csv``: that screening CSV opened by
  LibreOffice as Windows-1252 (:data:`CSV_CP1252`, what ``soffice --headless --convert-to``
  does in a Western locale) and saved as .xlsx, and as CSV UTF-8: its byte-order mark and every
  letter outside ASCII garbled ("ï»¿", "ZoÃ«"). Make only these again with
  ``python -m tests.sheets.libreoffice_fixtures cp1252``.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import openpyxl

from livingreview.fulltext import sheet as fulltext_sheet
from livingreview.reviewforms import FormSpec, write_form
from livingreview.screening import export as screening_sheet
from livingreview.sheets import Column, SheetLayout, workbook_bytes
from livingreview.sheets.ooxml_text import escaped

DATA = Path(__file__).parent / "data"
TITLE = "Items"
LAYOUT = SheetLayout(
    TITLE,
    (
        Column("item", locked=True),
        Column("decision", editable=True, choices=("yes", "no")),
        Column("count", editable=True),
        Column("notes", editable=True, wrap=True),
    ),
)
ITEMS = ("I1", "I2", "I3")
#: What the reviewer types, by item: decision, count, notes (invented).
TYPED: dict[str, tuple[str, object, str]] = {
    "I1": ("yes", 42, "first line\nsecond line"),
    "I2": ("no", 3.5, "typed as text: _x000D_ and file_x005F_name"),
    "I3": ("yes", None, "=a note, not a formula; Zoë & Ærø 日本"),
}


def blank_sheet(path: Path) -> Path:
    """The sheet as the pipeline writes it, nothing typed yet."""
    rows = [{"item": item} for item in ITEMS]
    meta = [("kind", "fixture"), ("review_id", "invented")]
    path.write_bytes(
        workbook_bytes(
            LAYOUT, rows, meta=meta, ids=[(i,) for i in ITEMS], instructions=["Fill in."]
        )
    )
    return path


def filled_sheet(path: Path) -> Path:
    """:func:`blank_sheet` with :data:`TYPED` typed in (a leading ``=`` typed as text; text
    that looks like an escape stored escaped, as a spreadsheet program stores what is typed)."""
    wb = openpyxl.load_workbook(blank_sheet(path))
    ws = wb[TITLE]
    for row in ws.iter_rows(min_row=2):
        decision, count, notes = TYPED[row[0].value]
        row[1].value, row[2].value, row[3].value = decision, count, escaped(notes)
        row[3].data_type = "s"
    wb.save(path)
    return path


def libreoffice(path: Path, target: str, outdir: Path, home: Path) -> Path:
    """``path`` opened and saved again by LibreOffice as ``target`` (an ``--convert-to`` value)."""
    return libreoffice_all([path], target, outdir, home)[0]


REVIEW = "invented_review"
SCREENING_REASONS = ("wrong_population", "wrong_design")
FULL_TEXT_REASONS = ("wrong_outcome", "no_comparator")
#: Invented studies, the title of one starting with ``=`` (its CSV cell gets a ``'``).
STUDIES = (
    {"study_id": "S00000000a1", "title": "=An invented trial", "authors": "Doe, J", "year": "2021"},
    {"study_id": "S00000000a2", "title": "An invented cohort", "abstract": "Made up."},
    {"study_id": "S00000000a3", "title": "An invented survey", "doi": "10.5555/inv.3"},
    {"study_id": "S00000000a4", "title": "An invented case series", "journal": "Inv J"},
)
#: A note carried into the sheet by the pipeline (typed on a row left undecided before).
CARRIED = {"S00000000a4": "=carried over: ask the authors"}
#: What the screener types, by study: decision, reason, notes.
SCREENING_TYPED = {
    "S00000000a1": ("include", "", "2024-03-05"),
    "S00000000a2": ("exclude", "wrong_population", "two lines:\nZoë & Ærø 日本"),
    "S00000000a3": ("maybe", "", "42"),
}
#: What the full-text reviewer types, by report: its editable cells.
FULL_TEXT_TYPED: dict[str, dict[str, str]] = {
    "S00000000a1": {"retrieval": "retrieved", "decision": "include", "notes": "2024-03-05"},
    "S00000000a2": {"retrieval": "retrieved", "decision": "exclude", "reason": "wrong_outcome"},
    "S00000000a3": {"retrieval": "not retrieved", "retrieval_note": "no access; asked twice"},
    "S00000000a4": {"decision": "include", "same_study_as": "S00000000a1", "notes": "3 arms"},
}


def screening_csv(folder: Path) -> Path:
    """Reviewer r1's title/abstract sheet of :data:`STUDIES` as the stage writes its CSV."""
    spec = screening_sheet.SheetSpec(REVIEW, "title_abstract", 1, 1, "r1")
    rows = screening_sheet.sheet_rows(STUDIES, notes=CARRIED)
    layout = screening_sheet.layout(SCREENING_REASONS)
    return screening_sheet.write_sheet(folder, spec, rows, layout, [], formats=("csv",))[0]


def full_text_csv(folder: Path) -> Path:
    """Reviewer r1's full-text form of :data:`STUDIES` as the stage writes its CSV."""
    spec = FormSpec(fulltext_sheet.KIND, REVIEW, 1, "r1")
    rows = fulltext_sheet.sheet_rows(STUDIES)
    layout = fulltext_sheet.layout(FULL_TEXT_REASONS)
    id_column = fulltext_sheet.ID_COLUMN
    return write_form(folder, spec, layout, rows, [], id_column=id_column, formats=("csv",))[0]


def filled_csv(path: Path, id_column: str, typed: Mapping[str, Mapping[str, str]]) -> Path:
    """The CSV sheet ``path`` with ``typed`` (by id, then column) typed into its rows."""
    first, _, rest = path.read_text(encoding="utf-8").partition("\n")
    header, *rows = csv.reader(io.StringIO(rest, newline=""))
    for row in rows:
        for column, value in typed.get(row[header.index(id_column)], {}).items():
            row[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_text(f"{first}\n{out.getvalue()}", encoding="utf-8")
    return path


def filled_csv_sheets(folder: Path) -> list[Path]:
    """The screening sheet and full-text form, CSV, filled in as :data:`SCREENING_TYPED` and
    :data:`FULL_TEXT_TYPED` say."""
    screening = {
        sid: dict(zip(("decision", "reason", "notes"), cells, strict=True))
        for sid, cells in SCREENING_TYPED.items()
    }
    return [
        filled_csv(screening_csv(folder), screening_sheet.ID_COLUMN, screening),
        filled_csv(full_text_csv(folder), fulltext_sheet.ID_COLUMN, FULL_TEXT_TYPED),
    ]


#: How LibreOffice opens the CSV sheets: comma-separated, ``"`` quoting, UTF-8 (its code 76),
#: from line 1, as a reviewer picks them in its text import dialog (headless, it would take the
#: system's character set).
CSV_UTF8 = "CSV:44,34,76,1"
#: The same, opened in Windows' Western character set (its code 1), as a headless conversion in
#: a Western locale or a reviewer picking "Western Europe (Windows-1252)" opens them.
CSV_CP1252 = "CSV:44,34,1,1"
#: Saving as CSV UTF-8, comma-separated, ``"`` quoting.
SAVE_CSV_UTF8 = "csv:Text - txt - csv (StarCalc):44,34,76"


def libreoffice_all(
    paths: list[Path], target: str, outdir: Path, home: Path, infilter: str = ""
) -> list[Path]:
    """Each of ``paths`` opened (with ``infilter`` when given) and saved again by LibreOffice as
    ``target``, in one run."""
    files = [str(path) for path in paths]
    how = [f"--infilter={infilter}"] if infilter else []
    subprocess.run(
        ["soffice", "--headless", *how, "--convert-to", target, "--outdir", str(outdir), *files],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(home)},  # a profile of its own
    )
    return [outdir / f"{path.stem}.{target.split(':')[0]}" for path in paths]


def cp1252_sheets(work: Path) -> None:
    """The cp1252 fixtures: the filled screening CSV opened as cp1252, saved as .xlsx and CSV."""
    sheet = filled_csv_sheets(work)[0]
    for target in ("xlsx", SAVE_CSV_UTF8):
        made = libreoffice_all([sheet], target, work / "lo", work, CSV_CP1252)[0]
        shutil.copy(made, DATA / f"{made.stem}_cp1252{made.suffix}")


def main() -> None:
    work = DATA / "work"
    work.mkdir(parents=True, exist_ok=True)
    try:
        if sys.argv[1:] == ["cp1252"]:
            cp1252_sheets(work)
            return
        filled = filled_sheet(work / "libreoffice_resaved.xlsx")
        shutil.copy(libreoffice(filled, "xlsx", work / "lo", work), DATA)
        sheets = filled_csv_sheets(work)
        for path in [*sheets, *libreoffice_all(sheets, "xlsx", work / "lo", work, CSV_UTF8)]:
            shutil.copy(path, DATA)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
