"""Import bibliographic export files from databases without a free API into records.

:func:`import_file` reads the bytes, decodes them (see :mod:`.text`), detects the format (see
:mod:`.detect`) unless it is given, parses, and reconciles: every format module also has a plain
``scan`` that counts record starts in the text without its parser, and a different count fails
the import with :class:`ImportReconciliationError` rather than losing records quietly.
Excel workbooks (``.xlsx``, :mod:`.xlsx`; old binary ``.xls``, :mod:`.xls`) and HTML pages
holding a table (:mod:`.html_table`) are recognised by their content and their first sheet or
table goes through the CSV reader row by row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from livingreview.errors import ImportReconciliationError, InputFileError, LivingReviewError
from livingreview.import_formats import FORMATS
from livingreview.imports import (
    bibtex,
    cochrane,
    csl,
    endnote,
    html_table,
    ictrp_xml,
    medline,
    ovid,
    refer,
    refworks,
    ris,
    tabular,
    wos,
    xls,
    xlsx,
)
from livingreview.imports.detect import detect_format
from livingreview.imports.tabular import parse_sheet
from livingreview.imports.text import (
    NAMELESS,
    Parsed,
    decode,
    names_a_work,
    record_position,
    row_position,
    strip_notices,
)
from livingreview.records import Record, assign_ids

__all__ = ["FORMATS", "ImportResult", "detect_format", "import_file"]


@dataclass
class ImportResult:
    """The records of one export file and how it was read."""

    path: str
    format: str
    encoding: str
    records: list[Record]  # after assign_ids(source, ...)
    records_in_file: int  # independent count of record starts in the file
    # Where each record is in the file, as errors name it (``record 7 (line 123)``, ``row 7
    # (line 123)``, ``sheet 'Data', row 7``), in the order of ``records``.
    positions: list[str] = field(default_factory=list)


_PARSERS: dict[str, tuple[Callable[[str], list[int]], Callable[[Path, str], list[Parsed]]]] = {
    "ris": (ris.scan, ris.parse),
    "nbib": (medline.scan, medline.parse),
    "bibtex": (bibtex.scan, bibtex.parse),
    "wos": (wos.scan, wos.parse),
    "csv": (tabular.scan_csv, tabular.parse_csv),
    "pop_json": (tabular.scan_json, tabular.parse_json),
    "ovid": (ovid.scan, ovid.parse),
    "cochrane": (cochrane.scan, cochrane.parse),
    "endnote_xml": (endnote.scan, endnote.parse),
    "ictrp_xml": (ictrp_xml.scan, ictrp_xml.parse),
    "refer": (refer.scan, refer.parse),
    "refworks": (refworks.scan, refworks.parse),
    "csl_json": (csl.scan, csl.parse),
}


def import_file(
    path: Path | str, source: str, fmt: str = "auto", *, imported_in: str = ""
) -> ImportResult:
    """Read one export file into records of ``source``; ``fmt="auto"`` detects the format
    (``imported_in``: the earlier round that imported these very bytes, :func:`text.decode`).

    Raises :class:`InputFileError` for unreadable, empty or malformed files and
    :class:`ImportReconciliationError` when the parser and the record-start scan disagree.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror})") from None
    if fmt in ("auto", "csv", "xlsx") and xlsx.is_workbook(data):
        title, rows = xlsx.read_sheet(path, data)
        return _import_rows(path, source, "xlsx", f"sheet {title!r}, ", rows)
    if fmt in ("auto", "csv", "xlsx") and xls.is_ole2(data):
        title, rows = xls.read_sheet(path, data)
        return _import_rows(path, source, "xls", f"sheet {title!r}, ", rows)
    if fmt == "xlsx":
        raise InputFileError(
            path,
            "not an Excel workbook (an .xlsx, a ZIP archive holding xl/workbook.xml, or an old "
            "binary .xls); a table saved as text or HTML under an .xls name is read with the "
            "format 'auto' or 'csv'",
        )
    text, encoding = decode(path, data, imported_in=imported_in)
    if fmt in ("auto", "csv") and html_table.is_table(text):
        rows = html_table.read_rows(path, text)
        return _import_rows(path, source, encoding, "HTML table, ", rows, fmt="csv")
    if fmt == "auto":
        fmt = detect_format(path, text)
    elif fmt not in FORMATS:
        raise InputFileError(
            path, f"unknown format {fmt!r}; expected 'auto' or one of {', '.join(FORMATS)}"
        )
    scan, parse = _PARSERS[fmt]
    try:
        starts = scan(text)
        parsed = parse(path, text)
    except LivingReviewError:
        raise
    except Exception as exc:  # a library failing on input we did not foresee: still one message
        raise InputFileError(path, f"cannot be read as {fmt}: {type(exc).__name__}: {exc}") from exc
    return _result(path, source, fmt, encoding, starts, parsed)


def _import_rows(
    path: Path, source: str, encoding: str, where: str, rows: list[list[str]], fmt: str = "xlsx"
) -> ImportResult:
    """A worksheet's (or an HTML table's) rows, read by the CSV reader (see :mod:`.xlsx`);
    ``where`` opens each position (``"sheet 'Data', "``), ``encoding`` says how it was read
    (``xlsx``, ``xls``, or an HTML page's text encoding)."""
    if not any(cell.strip() for row in rows for cell in row):
        raise InputFileError(path, f"{where.rstrip(', ')} has no rows: the export is empty")
    starts = xlsx.scan(rows)
    parsed = parse_sheet(path, rows, where)
    return _result(path, source, fmt, encoding, starts, parsed, where)


def _result(
    path: Path,
    source: str,
    fmt: str,
    encoding: str,
    starts: list[int],
    parsed: list[Parsed],
    where: str = "",
) -> ImportResult:
    """Reconcile the parsed records with the scanned starts, refuse a record naming no work,
    and wrap them up (``where``: a worksheet's or HTML table's position prefix)."""
    _reconcile(path, fmt, starts, parsed)
    if not parsed:
        raise InputFileError(path, f"no records found in this {fmt} file")
    records = assign_ids(source, [p.record for p in parsed])
    for record in records:  # a database's copyright line is no part of the abstract
        record.abstract = strip_notices(record.abstract)
    _refuse_nameless(path, fmt, where, parsed, records)
    return ImportResult(
        path=str(path),
        format=fmt,
        encoding=encoding,
        records=records,
        records_in_file=len(starts),
        positions=[
            _position(fmt, where, number, item.line) for number, item in enumerate(parsed, start=1)
        ],
    )


def _position(fmt: str, where: str, number: int, line: int) -> str:
    """Where the ``number``-th record of a file (starting at ``line``) is, as errors say it: a
    worksheet's row, a CSV row (the header is row 1) or a tagged record."""
    if where:
        return f"{where}row {line}"
    if fmt == "csv":
        return row_position(number + 1, line)
    return record_position(number, line)


def _refuse_nameless(
    path: Path, fmt: str, where: str, parsed: list[Parsed], records: list[Record]
) -> None:
    """Fail on the first record whose fields are all empty or exporter stamps (``TY  - JOUR``
    and an empty ``TI``), as a record start alone fails: it names no work to screen or look
    up. A CSL-JSON item's ``id`` is the file's label for it, not a database's id: it does not
    count. ``where`` opens a worksheet's positions (``"sheet 'Data', "``)."""
    for number, (item, record) in enumerate(zip(parsed, records, strict=True), start=1):
        if names_a_work(record, own_id=fmt != "csl_json"):
            continue
        raise InputFileError(path, NAMELESS, position=_position(fmt, where, number, item.line))


def _reconcile(path: Path, fmt: str, starts: list[int], parsed: list[Parsed]) -> None:
    """Fail unless the parser produced exactly one record per record start found by the scan."""
    if len(starts) == len(parsed):
        return
    lines = [p.line for p in parsed]
    index = next(
        (i for i, (a, b) in enumerate(zip(starts, lines, strict=False)) if a != b),
        min(len(starts), len(lines)),
    )
    # the first record one side has and the other lacks: a parser extra, or a scanned start
    line = lines[index] if len(lines) > len(starts) else starts[index]
    unit = "rows" if fmt in ("csv", "xlsx") else "records"
    raise ImportReconciliationError(
        path,
        f"the file has {len(starts)} {unit} but the {fmt} parser read {len(parsed)}; "
        "the first difference is here",
        position=record_position(index + 1, line),
    )
