"""What a returned workbook's worksheet XML shows that its cell values do not: formulas, merges."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from livingreview.errors import InputFileError
from livingreview.sheets.layout import data_sheets

_FORMULA_CELL = re.compile(rb"<(?:[\w.-]+:)?f[ >/]")
# What a spreadsheet program shows in a cell whose formula fails (typed ``-ve`` becomes ``=-ve``).
FORMULA_ERRORS = frozenset(
    (
        *("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!"),
        *("#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#BUSY!", "#CONNECT!", "#PYTHON!"),
        *("#GETTING_DATA", "Err:502", "Err:504", "Err:508", "Err:509"),
    )
)


def uncomputed_formulas(
    tables: Mapping[str, list[list[str]]], data: bytes, sheets_xml: Iterable[bytes]
) -> None:
    """Put the formula's text in the cells of the data sheets' ``tables`` that hold a formula
    with no value: one the saving program never computed (a script, some web tools: openpyxl
    reads ``None``), or one that failed (text such as ``-ve`` or ``+ adults`` typed into Excel is
    taken as a formula and shows ``#NAME?``). What the reviewer typed is kept, as text, instead
    of being read as a blank cell or as the error's name (in a copied tab too, so that an
    unchanged copy still matches the main sheet)."""
    from openpyxl import load_workbook

    if not any(_FORMULA_CELL.search(xml) for xml in sheets_xml):
        return
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for name in data_sheets(tables):
            _formula_texts(wb[name].iter_rows(values_only=True), tables[name])
    finally:
        wb.close()


def _formula_texts(formulas: Iterable[Sequence[object]], table: list[list[str]]) -> None:
    """Each blank or error cell of ``table`` that is a formula in ``formulas`` gets its text."""
    for r, row in enumerate(formulas):
        cells = table[r] if r < len(table) else []
        for c, value in enumerate(row[: len(cells)]):
            failed = not cells[c] or cells[c] in FORMULA_ERRORS
            if isinstance(value, str) and value.startswith("=") and failed:
                cells[c] = value.strip()


# Elements may carry a namespace prefix (``<x:mergeCell>``: the .NET Open XML SDK writes them so).
_MERGE_CELL = re.compile(rb'<(?:[\w.-]+:)?mergeCell\s[^>]*?\bref="([A-Z]+\d+):([A-Z]+\d+)"')
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MODIFIED = "{http://purl.org/dc/terms/}modified"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _sheet_part(archive: zipfile.ZipFile, name: str) -> str | None:
    """The zip member holding the worksheet called ``name`` (None if it cannot be told)."""
    import xml.etree.ElementTree as ET

    try:
        book = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return None
    ids = [s.get(f"{_NS_REL}id") for s in book.iter(f"{_NS_MAIN}sheet") if s.get("name") == name]
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    target = targets.get(ids[0]) if ids else None
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")


def worksheet_parts(data: bytes, name: str) -> tuple[list[bytes], bytes]:
    """The XML of every worksheet of the workbook ``data`` and that of the one called ``name``
    (empty when the workbook does not tell which it is), each part read once."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {
            n: archive.read(n)
            for n in archive.namelist()
            if n.startswith("xl/worksheets/") and not n.startswith("xl/worksheets/_rels/")
        }
        own = parts.get(_sheet_part(archive, name) or "", b"")
    return list(parts.values()), own


def refuse_merged_cells(path: Path, name: str, sheet_xml: bytes) -> None:
    """Merged cells keep their text in the first cell only: a decision merged over two rows
    would be read for the first row alone, so the sheet is refused until they are unmerged."""
    merged = _MERGE_CELL.search(sheet_xml)
    if merged:
        first, last = (m.decode() for m in merged.groups())
        problem = (
            f"cells {first}:{last} of sheet {name!r} are merged, and a merged cell holds its"
            " text in its first cell only (the others would be read as blank); expected every"
            " cell on its own: unmerge them and type the value in each cell"
        )
        raise InputFileError(path, problem, position=f"row {re.sub('[A-Z]', '', first)}")


def stored_strings(archive: zipfile.ZipFile, part: str) -> list[str]:
    """The shared strings of a workbook as stored, escapes and all (openpyxl deletes every
    ``x005F_`` from them, which turns an escaped ``_x000D_`` into an escape)."""
    import xml.etree.ElementTree as ET

    strings = []
    with archive.open(part) as source:
        for _, node in ET.iterparse(source):
            if node.tag == f"{_NS_MAIN}si":  # plain text, or runs of rich text; never phonetics
                runs = [*node.iterfind(f"{_NS_MAIN}t"), *node.iterfind(f"{_NS_MAIN}r/{_NS_MAIN}t")]
                strings.append("".join(t.text or "" for t in runs))
                node.clear()
    return strings


def save_time(archive: zipfile.ZipFile) -> datetime | None:
    """When the workbook's core properties (``docProps/core.xml``) say it was last saved, with
    the offset it gives (a time without one is UTC), or None when they do not say or say it in
    no ISO 8601 form."""
    import xml.etree.ElementTree as ET

    if "docProps/core.xml" not in archive.namelist():
        return None
    text = ET.fromstring(archive.read("docProps/core.xml")).findtext(_MODIFIED) or ""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:  # none given, or not in ISO 8601
        return None
