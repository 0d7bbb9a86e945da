"""Newcastle-Ottawa tables from the command line (``livingreview rob plot --tool nos``).

Two layouts are read: the pipeline's ``rob/nos.csv`` (``Study``, ``version``, stars per item
``s1`` … ``c1`` … ``o1``/``e1`` …, optionally the category totals, ``total`` and ``rating`` it
states) and critiplot's NOS template (cohort studies, :func:`.nos.read_critiplot_nos`).
Every row is scored again (item maxima, category totals, AHRQ rating or Herzog band); a stated
total or rating that differs is an error naming the line, study and column. Cohort and
case-control studies are drawn as robvis-style plots of the AHRQ conversion (Selection,
Comparability and Outcome/Exposure rated Good, Fair or Poor; Overall the study's rating);
cross-sectional ones are rated by bands of their total, not per category, so they have no such
plot and are refused, naming the line.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from livingreview.errors import InputFileError
from livingreview.fileio import atomic_write_text, csv_table_text
from livingreview.rob import nos
from livingreview.rob.rows import RowPlace, cell
from livingreview.rob.tables import RobTable

#: columns a row may state, checked against the scoring: column → what the assessment gives
STATED = ("Selection", "Comparability", "Outcome", "Exposure", "total", "rating")


@dataclass(frozen=True)
class NosRow:
    """One study of a NOS table: where it was and its assessment."""

    line: int
    assessment: nos.Assessment
    study_id: str = ""


def _header_lookup(header: list[str]) -> dict[str, str]:
    """Lower-case name → the header's own spelling."""
    return {name.strip().lower(): name for name in header}


def _is_critiplot(header: list[str]) -> bool:
    return set(nos.CRITIPLOT_COLUMNS) <= {name.strip() for name in header}


def _stated(assessment: nos.Assessment) -> dict[str, str]:
    """What the scoring gives for the columns a table may state."""
    return {
        **{category: str(total) for category, total in assessment.totals},
        "total": str(assessment.total),
        "rating": assessment.rating,
    }


def _row(raw: dict[str, str], columns: dict[str, str], place: RowPlace) -> nos.Assessment:
    """Score one row of the pipeline's layout; stars of another version's items and stated
    totals or ratings that differ are errors."""
    study = cell(raw, columns["study"])
    row: dict[str, object] = {"study": study}
    row |= {key: cell(raw, columns[key]) for key in nos.ITEM_KEYS if key in columns}
    assessment = nos.assess(row, place, version=cell(raw, columns["version"]))
    here = place.at_study(study)
    used = {key for key, _ in assessment.stars}
    for key in nos.ITEM_KEYS:
        if key not in used and str(row.get(key, "")).strip():
            raise here.error(
                f"NOS item {key} is not part of the {assessment.version} version; expected it"
                " blank",
                columns[key],
            )
    computed = _stated(assessment)
    for name in STATED:
        given = cell(raw, columns[name.lower()]) if name.lower() in columns else ""
        if given and name in computed and given.lower() != computed[name].lower():
            raise here.error(
                f"{name} {given!r} differs from {computed[name]!r}, which the items' stars give",
                columns[name.lower()],
            )
    return assessment


def read_nos_table(path: Path) -> list[NosRow]:
    """Read and score a NOS table of either layout (see the module docstring)."""
    from livingreview.imports.tabular import csv_source
    from livingreview.sheets.csv_encoding import decode_csv

    if not path.is_file():
        raise InputFileError(path, "NOS table not found")
    buffer, delimiter = csv_source(decode_csv(path))
    reader = csv.DictReader(buffer, delimiter=delimiter)
    header = list(reader.fieldnames or [])
    if _is_critiplot(header):
        rows = nos.read_critiplot_nos(path)
        return [NosRow(n, r.assessment) for n, r in enumerate(rows, start=2)]
    columns = _header_lookup(header)
    if not header or "version" not in columns:
        raise InputFileError(
            path,
            "not a NOS table: expected the columns of rob/nos.csv (Study, version, s1 … c1 …"
            f" o1 …) or of critiplot's NOS template ({', '.join(nos.CRITIPLOT_COLUMNS)});"
            f" found {', '.join(header) or 'no header'}",
            position="line 1",
        )
    columns["study"] = header[0]
    out: list[NosRow] = []
    seen: dict[str, int] = {}
    for raw in reader:
        if not any((value or "").strip() for value in raw.values() if isinstance(value, str)):
            continue
        place = RowPlace(str(path), f"line {reader.line_num}")
        assessment = _row(raw, columns, place)
        if assessment.study in seen:
            raise place.error(
                f"study {assessment.study!r} also on line {seen[assessment.study]}", header[0]
            )
        seen[assessment.study] = reader.line_num
        study_id = cell(raw, columns["study_id"]) if "study_id" in columns else ""
        out.append(NosRow(reader.line_num, assessment, study_id))
    if not out:
        raise InputFileError(path, "the NOS table has a header but no studies")
    return out


def ahrq_plot_table(path: Path, rows: list[NosRow]) -> RobTable:
    """The AHRQ table of the cohort and case-control rows; a cross-sectional row is refused."""
    for row in rows:
        a = row.assessment
        if a.scheme != "AHRQ":
            place = RowPlace(str(path), f"line {row.line}").at_study(a.study)
            raise place.error(
                f"a {a.version} NOS is rated by bands of its total ({a.rating}, {a.total} of"
                f" {a.max_stars} stars), not per category, so it has no AHRQ traffic-light or"
                " summary plot; plot the cohort and case-control studies without it",
                "version",
            )
    table = nos.ahrq_table([row.assessment for row in rows])
    return RobTable(table.tool, table.domains, table.rows, True, str(path))


def write_nos_table(path: Path, rows: list[NosRow]) -> None:
    """The checked table in the pipeline's layout (``rob/nos.csv``), scores filled in."""
    scored = [nos.table_row(r.assessment, r.assessment.study, r.study_id) for r in rows]
    cells = ([row.get(column, "") for column in nos.TABLE_COLUMNS] for row in scored)
    atomic_write_text(path, csv_table_text(nos.TABLE_COLUMNS, cells))
