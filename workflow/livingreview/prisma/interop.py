"""Read and write the PRISMA2020 R package CSV and the livingPRISMAflow multi-column CSVs.

Both share the columns ``data,node,box,description,boxtext,tooltips,url``; PRISMA2020 has one value
column ``n`` (``k`` in its first template), livingPRISMAflow one value column per round
(``Jan.2020``, ``Base``, …). Values are numbers (non-digits ignored, as the R package does) or
``"Label, n; Label, n"`` lists; ``NA``, an empty cell or the template's placeholder ``xxx`` means
*not given*. livingPRISMAflow writes 0 in total boxes it leaves unreported, so a
total of 0 beside a non-zero number of new studies (reports) is read as not given.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

from livingreview.errors import InputFileError
from livingreview.fileio import atomic_write_text
from livingreview.prisma.diagram import box_texts
from livingreview.prisma.ledger import (
    BOX_NAMES,
    LIST_KEYS,
    NUMBER_KEYS,
    Column,
    Items,
)

META_COLUMNS = ("data", "node", "box", "description", "boxtext", "tooltips", "url")
PRISMA2020_COLUMNS = (*META_COLUMNS, "n")
NOT_GIVEN = {"", "na", "n/a", "null", "none"}
PLACEHOLDER = re.compile(r"x+", re.IGNORECASE)

# Rows of the PRISMA2020 template: data key -> (node, box, description, url); from its CSV layout.
TEMPLATE_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("previous_studies", "node5", "box1", "previous_studies.html"),
    ("previous_reports", "NA", "box1", "previous_reports.html"),
    # Not in the template: the R package reads rows by key (grep on `data`), so extra keys that no
    # template key is part of are ignored there and read back here.
    ("removed_studies", "NA", "box1", "NA"),
    ("removed_reports", "NA", "box1", "NA"),
    ("database_results", "node7", "box2", "database_results.html"),
    ("database_specific_results", "NA", "box2", "database_results.html"),
    ("register_results", "NA", "box2", "NA"),
    ("register_specific_results", "NA", "box2", "database_results.html"),
    ("website_results", "node17", "box11", "website_results.html"),
    ("organisation_results", "NA", "box11", "NA"),
    ("citations_results", "NA", "box11", "NA"),
    ("duplicates", "node8", "box3", "duplicates.html"),
    ("excluded_automatic", "NA", "box3", "NA"),
    ("excluded_other", "NA", "box3", "NA"),
    ("records_screened", "node9", "box4", "records_screened.html"),
    ("records_excluded", "node10", "box5", "records_excluded.html"),
    ("dbr_sought_reports", "node11", "box6", "dbr_sought_reports.html"),
    ("dbr_notretrieved_reports", "node12", "box7", "dbr_notretrieved_reports.html"),
    ("other_sought_reports", "node18", "box12", "other_sought_reports.html"),
    ("other_notretrieved_reports", "node19", "box13", "other_notretrieved_reports.html"),
    ("dbr_assessed", "node13", "box8", "dbr_assessed.html"),
    ("dbr_excluded", "node14", "box9", "dbrexcludedrecords.html"),
    ("other_assessed", "node20", "box14", "other_assessed.html"),
    ("other_excluded", "node21", "box15", "other_excluded.html"),
    ("new_studies", "node15", "box10", "new_studies.html"),
    ("new_reports", "NA", "box10", "NA"),
    ("total_studies", "node22", "box16", "total_studies.html"),
    ("total_reports", "NA", "box16", "NA"),
)
KNOWN_KEYS = set(NUMBER_KEYS) | set(LIST_KEYS)


def parse_number(text: str) -> int | None:
    """A count as the R package reads it: non-digits stripped; NA/empty is not given, and so is
    ``xxx``, the first template's placeholder in every box not filled in."""
    if text.strip().lower() in NOT_GIVEN or PLACEHOLDER.fullmatch(text.strip()):
        return None
    digits = re.sub(r"[^0-9]", "", text)
    if not digits:
        raise ValueError(f"{text!r} is not a number")
    return int(digits)


def parse_items(text: str) -> Items | None:
    """A ``"Label, n; Label, n"`` list (a bare number 0 is an empty list)."""
    stripped = text.strip()
    if stripped.lower() in NOT_GIVEN:
        return None
    if re.fullmatch(r"[0-9,]+", stripped):
        if int(stripped.replace(",", "")) != 0:
            raise ValueError(f"{text!r} gives a count without a label; write 'Label, n'")
        return ()
    parts = [p.strip() for p in re.split(r";\s*", stripped) if p.strip()]
    if all(PLACEHOLDER.fullmatch(p.rpartition(",")[2].strip()) for p in parts):
        return None  # the template's "Reason1, xxx; Reason2, xxx": no data yet
    items = []
    for part in parts:
        label, sep, count = part.rpartition(",")
        number = count.strip().replace(" ", "")
        if not sep or not label.strip() or not number.isdigit():
            raise ValueError(f"{part!r} is not 'Label, n'")
        items.append((label.strip(), int(number)))
    return tuple(items)


def format_items(items: Items | None) -> str:
    """The inverse of :func:`parse_items`."""
    if items is None:
        return "NA"
    return "; ".join(f"{label}, {n}" for label, n in items) if items else "0"


def _unreported_totals(column: Column) -> None:
    """livingPRISMAflow writes 0 in totals it does not report: a total of 0 counts as given only
    when the previous and the new count beside it are both given as 0. The note names the
    totals read as not given."""
    unreported = []
    for unit in ("studies", "reports"):
        total, previous, new = (f"total_{unit}", f"previous_{unit}", f"new_{unit}")
        if column.n(total) == 0 and not column.n(previous) == column.n(new) == 0:
            column.numbers[total] = None
            unreported.append(BOX_NAMES[total])
    if unreported:
        column.pending["totals"] = (
            f"{' and '.join(unreported)}: 0 in the file beside new or unknown counts, "
            "read as not given"
        )


def new_review_default(columns: Sequence[Column]) -> str:
    """For a PRISMA2020 package file (one value column, ``n`` or ``k``) whose previous studies
    and reports are the template's 0 (reports 0 or not given) beside totals that equal the new
    studies and reports: read the 0 as no previous version, so the new-review template is drawn
    (previous studies set to not given; the totals stay, that template does not draw them);
    return the note saying so, else ''. Totals that would be lost keep the updated template."""
    if len(columns) != 1 or columns[0].label not in ("n", "k"):
        return ""
    column = columns[0]
    studies, reports = column.n("total_studies"), column.n("total_reports")
    if not (
        column.n("previous_studies") == 0
        and column.n("previous_reports") in (0, None)
        and not column.n("removed_studies")
        and not column.n("removed_reports")
        and studies is not None
        and studies == column.n("new_studies")
        and reports in (None, column.n("new_reports"))
    ):
        return ""
    column.numbers.update(previous_studies=None, previous_reports=None)
    total = (
        f"the total is the {studies} studies"
        if reports is None
        else f"the totals are the {studies} studies and {reports} reports"
    )
    return (
        "Previous studies: the template's 0 read as no previous version, drawn as a new review "
        f"(previous-studies and total boxes not shown; {total} included)."
    )


def read_csv_columns(path: Path) -> list[Column]:
    """Every value column of a PRISMA2020 or livingPRISMAflow CSV, in file order: as the R
    package writes it, or as a spreadsheet saved it (semicolons or tabs; UTF-16 or cp1252)."""
    from livingreview.imports.tabular import csv_source
    from livingreview.sheets.csv_encoding import decode_csv

    if not path.is_file():
        raise InputFileError(path, "file not found")
    buffer, delimiter = csv_source(decode_csv(path))
    rows = list(csv.reader(buffer, delimiter=delimiter))
    if not rows or "data" not in rows[0]:
        raise InputFileError(path, "expected a PRISMA2020 CSV header starting 'data,node,box,…'")
    header = [h.strip() for h in rows[0]]
    value_columns = [i for i, h in enumerate(header) if h and h not in META_COLUMNS]
    if not value_columns:
        raise InputFileError(path, "no value column ('n' or one per round) after the 'url' column")
    key_at = header.index("data")
    columns = [Column(header[i]) for i in value_columns]
    for line_no, row in enumerate(rows[1:], start=2):
        key = row[key_at].strip() if len(row) > key_at else ""
        if key not in KNOWN_KEYS:
            continue  # title boxes (NA), section labels, the meta-analysis box
        for column, i in zip(columns, value_columns, strict=True):
            cell = row[i] if i < len(row) else ""
            try:
                if key in LIST_KEYS:
                    column.lists[key] = parse_items(cell)
                else:
                    column.numbers[key] = parse_number(cell)
            except ValueError as exc:
                raise InputFileError(
                    path,
                    f"{exc} (expected {'Label, n; Label, n' if key in LIST_KEYS else 'a count'})",
                    position=f"row {line_no} ({key})",
                    field=column.label,
                ) from None
    for column in columns:
        _unreported_totals(column)
    return columns


def _meta_rows(columns: Sequence[Column]) -> list[list[str]]:
    """The template's columns before the values; ``boxtext``, which the R package draws before
    "(n = …)", says what this project's diagram of ``columns`` says (no arm after it)."""
    texts = box_texts(columns)
    rows = []
    for key, node, box, url in TEMPLATE_ROWS:
        name = BOX_NAMES[key]
        rows.append([key, node, box, name, texts[key], name if node != "NA" else "NA", url])
    return rows


def _cell(column: Column, key: str) -> str:
    if key in LIST_KEYS:
        return format_items(column.items(key))
    value = column.n(key)
    return "NA" if value is None else str(value)


def write_csv_columns(path: Path, columns: Sequence[Column]) -> None:
    """Write columns as a PRISMA2020 CSV (one column, named ``n``) or, for several, as a
    livingPRISMAflow CSV with one value column per round. Not-available boxes are ``NA``."""
    names = ["n"] if len(columns) == 1 else [c.label for c in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*META_COLUMNS, *names])
    for (key, *_), meta in zip(TEMPLATE_ROWS, _meta_rows(columns), strict=True):
        writer.writerow([*meta, *(_cell(c, key) for c in columns)])
    atomic_write_text(path, buffer.getvalue())
