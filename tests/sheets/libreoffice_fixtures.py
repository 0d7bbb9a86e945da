"""The sheets under tests/sheets/data/: a small reviewer sheet of invented items, filled in as a
reviewer types, then saved by LibreOffice. Regenerate them (after a change of layout, say) with
``python -m tests.sheets.libreoffice_fixtures`` from the repository root, LibreOffice installed.

* ``libreoffice_resaved.xlsx``: the filled sheet opened and saved as .xlsx by
  ``soffice --headless --convert-to xlsx`` (LibreOffice 7.4 made the committed one).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl

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
    subprocess.run(
        ["soffice", "--headless", "--convert-to", target, "--outdir", str(outdir), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(home)},  # a profile of its own
    )
    return outdir / f"{path.stem}.{target.split(':')[0]}"


def main() -> None:
    work = DATA / "work"
    work.mkdir(parents=True, exist_ok=True)
    try:
        filled = filled_sheet(work / "libreoffice_resaved.xlsx")
        shutil.copy(libreoffice(filled, "xlsx", work / "lo", work), DATA)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
