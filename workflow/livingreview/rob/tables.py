"""robvis-format risk-of-bias tables: reading and validating them, writing ours.

A robvis table has the study label in the first column, then one column per domain in the
tool's order, then optionally ``Overall`` and ``Weight`` (numeric, for weighted summary plots).
robvis' bias-direction layout (``study``, ``d1j`` … with type/direction columns, ``overall``) is
read too, its judgement columns only.
Generic (robvis' former ROB1) tables take their domains from the headers, with ``.`` read as a
space. Judgements are matched on the tool's wording in any case ("Some concerns", "Serious",
"NI", "NA"); anything else is an error naming the file, line, study and column. A ROBINS-I table
read as V2, or the reverse, is refused where it shows (:mod:`~livingreview.rob.robins_i_v2`).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from livingreview.errors import InputFileError
from livingreview.fileio import atomic_write_text
from livingreview.rob.levels import Risk
from livingreview.rob.robins_i_v2 import foreign_judgement, version_problem
from livingreview.rob.rows import Overall, RowPlace, parse_judgement
from livingreview.rob.tools import Domain, Tool


@dataclass(frozen=True)
class StudyRow:
    """One study of a table: its domain judgements, stated overall and weight."""

    study: str
    judgements: tuple[Risk, ...]
    overall: Risk | None = None
    weight: float | None = None
    line: int = 0


@dataclass(frozen=True)
class RobTable:
    """A validated risk-of-bias table for one tool."""

    tool: Tool
    domains: tuple[Domain, ...]
    rows: tuple[StudyRow, ...]
    has_overall: bool = True
    source: str = ""
    #: wording found in a generic table ("Unclear") where it differs from the tool's
    labels: Mapping[Risk, str] = field(default_factory=dict)

    def label(self, risk: Risk) -> str:
        """How this table words a judgement class."""
        return self.labels.get(risk) or self.tool.label(risk)

    @property
    def has_weight(self) -> bool:
        """True when every study carries a weight."""
        return bool(self.rows) and all(row.weight is not None for row in self.rows)


@dataclass(frozen=True)
class OverallDifference:
    """A study whose stated overall differs from the tool's rule: an override in the table."""

    study: str
    line: int
    stated: Risk
    computed: Risk


def _is_blank(cells: Sequence[str]) -> bool:
    return not any(c.strip() for c in cells)


def _split_columns(
    tool: Tool, header: list[str], path: Path, where: str
) -> tuple[tuple[Domain, ...], bool, bool]:
    """(domains, has_overall, has_weight) from the header row."""
    has_weight = header[-1].strip().lower() == "weight"
    body = header[1 : len(header) - has_weight]
    if tool.generic:
        has_overall = bool(body) and body[-1].strip().lower() == "overall"
        names = body[: len(body) - has_overall]
        if not names:
            raise InputFileError(
                path, "the table has no domain columns after the study column", position=where
            )
        domains = tuple(
            Domain(f"D{i}", " ".join(name.replace(".", " ").split()))
            for i, name in enumerate(names, start=1)
        )
        return domains, has_overall, has_weight
    n = len(tool.domains)
    named_overall = bool(body) and body[-1].strip().lower() == "overall"
    if len(body) not in (n, n + 1) or (named_overall and len(body) != n + 1):
        expected = f"Study, {n} domain columns ({', '.join(d.code for d in tool.domains)})"
        raise InputFileError(
            path,
            f"{tool.robvis_name} tables have {expected}, then optionally Overall and Weight;"
            f" this one has {len(header)} columns ({', '.join(header)})",
            position=where,
        )
    return tool.domains, len(body) == n + 1, has_weight


def _header_is_data(tool: Tool, header: list[str]) -> bool:
    accepted = tool.accepted()
    return sum(" ".join(c.lower().split()) in accepted for c in header[1:]) > len(header[1:]) // 2


def _weight(text: str, place: RowPlace, decimal_comma: bool = False) -> float:
    """A study's weight; ``3,84`` too where the table is not comma separated (a spreadsheet
    saved in a locale whose decimal separator is the comma and list separator ';')."""
    if decimal_comma and re.fullmatch(r"\d*,\d+", text):
        text = text.replace(",", ".")
    try:
        weight = float(text)
    except ValueError:
        weight = math.nan
    if not math.isfinite(weight) or weight < 0:
        raise place.error(f"weight {text!r} is not a non-negative number", "Weight")
    return weight


def _direction_columns(header: Sequence[str]) -> list[int] | None:
    """Columns study, d1j … dNj, overall of robvis' bias-direction layout (``rob_direction``),
    which also carries each domain's type (dNt) and direction (dNd); None for other layouts."""
    lower = [h.lower() for h in header]
    if "d1j" not in lower or "study" not in lower or "overall" not in lower:
        return None
    judged = sorted(
        (int(match[1]), i) for i, h in enumerate(lower) if (match := re.fullmatch(r"d(\d+)j", h))
    )
    return [lower.index("study"), *(i for _, i in judged), lower.index("overall")]


def _judgement(tool: Tool, text: str, place: RowPlace, column: str) -> Risk:
    """A table cell's judgement; another ROBINS-I version's wording is named as such."""
    if why := foreign_judgement(tool, text):
        raise place.error(why, column)
    return parse_judgement(tool, text, place, column)


def parse_rows(
    tool: Tool,
    records: Sequence[tuple[int, Sequence[str]]],
    path: Path,
    unit: str = "line",
    decimal_comma: bool = False,
) -> RobTable:
    """Validate a robvis-format table given as (line or row number, cells) records;
    ``decimal_comma``: weights may be written ``3,84``."""
    records = [(n, [c.strip() for c in cells]) for n, cells in records if not _is_blank(cells)]
    if not records:
        raise InputFileError(path, "the risk-of-bias table is empty")
    (header_number, header), body = records[0], records[1:]
    while header and not header[-1]:  # empty columns a spreadsheet left after the table
        header.pop()
    picked = _direction_columns(header)
    if picked is not None:
        header = ["Study", *(f"Domain {i}" for i in range(1, len(picked) - 1)), "Overall"]
        body = [(n, [cells[i] if i < len(cells) else "" for i in picked]) for n, cells in body]
    if _header_is_data(tool, header):
        raise InputFileError(
            path,
            "the first row holds judgements, not column names; add a header row",
            position=f"{unit} {header_number}",
        )
    domains, has_overall, has_weight = _split_columns(tool, header, path, f"{unit} {header_number}")
    columns = [header[0], *[header[1 + i] for i in range(len(domains))]]
    if problem := version_problem(tool, columns[1:]):
        raise InputFileError(
            path, f"read as {tool.title}, but {problem}", position=f"{unit} {header_number}"
        )
    rows: list[StudyRow] = []
    seen: dict[str, int] = {}
    wording: dict[Risk, str] = {}
    for number, cells in body:
        place = RowPlace(str(path), f"{unit} {number}")
        if len(cells) > len(header) and not any(cells[len(header) :]):
            cells = cells[: len(header)]
        if unit == "row":  # a worksheet row ends at its last filled cell
            cells = cells + [""] * (len(header) - len(cells))
        if len(cells) != len(header):
            raise place.error(f"{len(cells)} cells where the header has {len(header)}")
        study = cells[0]
        if not study:
            raise place.error("the study label is blank", header[0])
        if study in seen:
            raise place.error(f"study {study!r} also on {unit} {seen[study]}", header[0])
        seen[study] = number
        place = place.at_study(study)
        judgements = []
        for i, column in enumerate(columns[1:], start=1):
            if not cells[i]:
                raise place.error("blank judgement (write 'No information' or 'NA')", column)
            risk = _judgement(tool, cells[i], place, column)
            wording.setdefault(risk, " ".join(cells[i].split()).capitalize())
            judgements.append(risk)
        overall = None
        if has_overall:
            column = header[1 + len(domains)]
            overall = _judgement(tool, cells[1 + len(domains)], place, column)
        weight = _weight(cells[-1], place, decimal_comma) if has_weight else None
        rows.append(StudyRow(study, tuple(judgements), overall, weight, number))
    if not rows:
        raise InputFileError(path, "the risk-of-bias table has a header but no studies")
    labels = {r: w for r, w in wording.items() if len(w) > 2} if tool.generic else {}
    return RobTable(tool, domains, tuple(rows), has_overall, str(path), labels)


def parse_table(tool: Tool, text: str, path: Path) -> RobTable:
    """Validate robvis-format CSV text for ``tool`` (comma, semicolon or tab separated: the
    semicolon and tab of spreadsheets saved in other locales)."""
    from livingreview.imports.tabular import csv_source

    buffer, delimiter = csv_source(text)
    reader = csv.reader(buffer, delimiter=delimiter)
    records = [(reader.line_num, cells) for cells in reader]
    return parse_rows(tool, records, path, decimal_comma=delimiter != ",")


def _xlsx_records(path: Path) -> list[tuple[int, list[str]]]:
    """The first sheet's rows as text, numbered from 1 (its text as typed: the escapes Excel
    stores a carriage return as decoded, :func:`livingreview.sheets.text_table`)."""
    from livingreview.sheets import open_workbook, text_table

    try:
        workbook = open_workbook(path.read_bytes())
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputFileError(path, f"not a readable .xlsx workbook ({exc})") from None
    try:
        return list(enumerate(text_table(workbook.worksheets[0]), start=1))
    except Exception as exc:  # a damaged part, read lazily: XML cut short, data not inflating
        raise InputFileError(path, f"not a readable .xlsx workbook ({exc})") from None
    finally:
        workbook.close()


def read_table(path: Path, tool: Tool) -> RobTable:
    """Read and validate a robvis-format table: CSV (UTF-8 with or without BOM, UTF-16, or the
    cp1252 of a spreadsheet's plain "CSV" on Windows) or the first sheet of an .xlsx workbook."""
    from livingreview.sheets.csv_encoding import decode_csv

    if not path.exists():
        raise InputFileError(path, "risk-of-bias table not found")
    if path.suffix.lower() == ".xlsx":
        return parse_rows(tool, _xlsx_records(path), path, unit="row")
    return parse_table(tool, decode_csv(path), path)


def computed_overall(table: RobTable, row: StudyRow) -> Risk:
    """The overall the tool's rule gives for a row's domains."""
    return table.tool.overall_rule(row.judgements)


def overall_differences(table: RobTable) -> list[OverallDifference]:
    """Studies whose stated Overall is not what the tool's rule gives: overrides in the table."""
    return [
        OverallDifference(row.study, row.line, row.overall, computed)
        for row in table.rows
        if row.overall is not None and row.overall != (computed := computed_overall(table, row))
    ]


def with_overall(table: RobTable) -> RobTable:
    """The table with Overall filled in from the rule where the table has none."""
    if table.has_overall:
        return table
    rows = tuple(
        StudyRow(r.study, r.judgements, computed_overall(table, r), r.weight, r.line)
        for r in table.rows
    )
    return RobTable(table.tool, table.domains, rows, True, table.source, table.labels)


def _weight_text(weight: float) -> str:
    """A weight as read (its shortest exact form: 33.33333333 stays so, 1 stays 1)."""
    text = repr(weight)
    return text.removesuffix(".0")


def to_csv(table: RobTable) -> str:
    """robvis-format CSV text of a table (Study, domains, Overall, Weight when present)."""
    tool = table.tool
    domain_headers = [d.name.replace(" ", ".") if tool.generic else d.code for d in table.domains]
    header = ["Study", *domain_headers]
    header += ["Overall"] if table.has_overall else []
    header += ["Weight"] if table.has_weight else []
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in table.rows:
        cells = [row.study, *[table.label(risk) for risk in row.judgements]]
        if table.has_overall:
            cells.append(table.label(row.overall) if row.overall is not None else "")
        if table.has_weight:
            cells.append(_weight_text(row.weight))
        writer.writerow(cells)
    return buffer.getvalue()


def write_table(path: Path, table: RobTable) -> None:
    """Write a table as robvis-format CSV, atomically."""
    atomic_write_text(path, to_csv(table))


class Judged(Protocol):
    """What an assessment (RoB 2, ROBINS-I) offers for tables and plots."""

    study: str
    overall: Overall

    def domain_risks(self) -> dict[str, Risk]: ...


def table_from_assessments(
    tool: Tool, assessments: Iterable[Judged], weights: dict[str, float] | None = None
) -> RobTable:
    """Our (consensus) assessments as a robvis table; the overall is the final one."""
    rows = []
    for number, assessment in enumerate(assessments, start=1):
        risks = assessment.domain_risks()
        rows.append(
            StudyRow(
                assessment.study,
                tuple(risks[d.code] for d in tool.domains),
                assessment.overall.final,
                (weights or {}).get(assessment.study),
                number,
            )
        )
    return RobTable(tool, tool.domains, tuple(rows), True, "assessments")
