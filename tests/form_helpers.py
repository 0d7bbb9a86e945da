"""Test helpers for the reviewer forms after screening: the demo library, a final title/abstract
decision file, and a person filling in a form (typing, reordering rows, adding a column)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openpyxl

from livingreview.config import load_config
from tests.conftest import REPO_ROOT


def stage_config(tmp: Path, demo_outputs: Path, included: int = 12) -> dict[str, Any]:
    """The demo protocol under ``tmp`` with the demo run's library, and the first ``included``
    library studies (by id) included at title/abstract, every fourth one excluded."""
    config = load_config([REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"])
    config["paths"] = {"human_input": str(tmp / "human"), "outputs": str(tmp / "outputs")}
    library = tmp / "outputs/library"
    library.mkdir(parents=True)
    for name in ("records.csv", "counts.json", "groups.csv"):
        shutil.copy(demo_outputs / "library" / name, library / name)
    with (library / "records.csv").open(encoding="utf-8", newline="") as handle:
        ids = sorted({row["study_id"] for row in csv.DictReader(handle)})
    (tmp / "outputs/screening").mkdir()
    with (tmp / "outputs/screening/final_decisions.csv").open("w", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["study_id", "round", "decision", "how", "votes", "resolver", "reason"])
        for index, sid in enumerate(ids[: included + included // 3]):
            decision = "exclude" if index % 4 == 0 else "include"
            writer.writerow([sid, 1, decision, "agreement", "", "", ""])
    return config


def included_at_full_text(tmp: Path, demo_outputs: Path, included: int) -> dict[str, Any]:
    """:func:`stage_config` with every report sought included at full text by one reviewer
    (single mode) and the extraction forms written."""
    from livingreview.extraction.stage import run_extraction
    from livingreview.fulltext.stage import run_fulltext

    config = stage_config(tmp, demo_outputs, included)
    config["full_text"]["mode"] = "single"
    run_fulltext(config)
    sheet = Path(config["paths"]["outputs"]) / "fulltext/sheets/full_text_round1_r1.xlsx"
    ids = form_ids(sheet, "Full text", "report_id")
    target = Path(config["paths"]["human_input"]) / "full_text/sheets/r1.xlsx"
    fill_form(sheet, "Full text", "report_id", {i: {"decision": "include"} for i in ids}, target)
    run_fulltext(config)
    run_extraction(config)
    return config


def form_ids(path: Path, title: str, id_column: str) -> list[str]:
    """The ids of a written form, in row order."""
    ws = openpyxl.load_workbook(path)[title]
    header = [c.value for c in ws[1]]
    column = header.index(id_column)
    return [row[column] for row in ws.iter_rows(min_row=2, values_only=True) if row[column]]


def conflict_notes(sheet: Path) -> dict[str, str]:
    """Study id -> the notes written into a conflicts sheet (.xlsx), where there are any."""
    rows = openpyxl.load_workbook(sheet)["Conflicts"].values
    header = next(rows)
    sid, notes = header.index("study_id"), header.index("notes")
    return {row[sid]: row[notes] for row in rows if row[notes]}


def fill_form(
    form: Path,
    title: str,
    id_column: str,
    values: Mapping[str, Mapping[str, object]],
    returned: Path,
    *,
    shuffle: bool = True,
) -> Path:
    """Type ``values`` (id -> column -> value) into a written form and save it as ``returned``;
    with ``shuffle`` the rows are reversed and a column of the person's own is added first."""
    wb = openpyxl.load_workbook(form)
    ws = wb[title]
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) for name in header}
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    for cells in rows:
        for name, value in values.get(cells[col[id_column]], {}).items():
            cells[col[name]] = value
    if shuffle:
        rows.reverse()
    for r, cells in enumerate(rows, start=2):
        for c, value in enumerate(cells, start=1):
            # (ws.cell(..., value=None) leaves the cell's old value: a moved blank must clear it)
            ws.cell(row=r, column=c).value = value
    if shuffle:
        ws.insert_cols(1)
        ws.cell(row=1, column=1, value="my tag")
        ws.cell(row=2, column=1, value="check again")
    returned.parent.mkdir(parents=True, exist_ok=True)
    wb.save(returned)
    return returned


def fill_csv_form(
    form: Path, id_column: str, values: Mapping[str, Mapping[str, str]], returned: Path
) -> Path:
    """Type ``values`` (id -> column -> text) into a written CSV form and save it as
    ``returned``, every cell quoted (as a spreadsheet program may save it)."""
    first, _, body = form.read_bytes().decode("utf-8").partition("\n")
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    for row in rows:
        row.update(values.get(row[id_column], {}))
    returned.parent.mkdir(parents=True, exist_ok=True)
    with returned.open("w", encoding="utf-8", newline="") as handle:
        handle.write(first + "\n")
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)
    return returned


def set_saved_at(path: Path, moment: str) -> Path:
    """Make the .xlsx ``path`` say it was last saved at ``moment`` (``2030-01-02T03:04:05Z``),
    as a spreadsheet program would (openpyxl's save always writes the current time)."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    pattern = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, body in members:
            if info.filename == "docProps/core.xml":
                body, found = pattern.subn(rb"\g<1>" + moment.encode() + rb"\g<2>", body)
                assert found == 1, f"{path}: no save time to set"
            target.writestr(info, body)
    return path
