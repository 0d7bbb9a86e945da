"""Reviewer sheets shared by every human stage: written as .xlsx (or .csv), read back when returned.

A sheet is a workbook with three worksheets:

* the main sheet: a header row and one row per item; the id column(s) locked by sheet protection
  (no password) while the editable columns (decision, reason, notes ...) stay open, dropdowns on
  the choice columns, frozen header, set widths, wrapped text, protocol keywords highlighted in
  bold colour inside the text (rich text runs, which Excel and LibreOffice keep on re-save);
* ``Instructions``: plain lines for the person filling it in;
* ``_meta`` (hidden): key/value rows ending with ``checksum``, then one row per item id. The
  checksum covers the sorted ids, so an edited id list is detected.

Every text cell is written as a string, so a value starting with ``= + - @`` is never a formula.
Equal inputs give byte-identical files (fixed zip timestamps and document dates).

The CSV variant carries the metadata on its first line, a comment that survives spreadsheet
programs because it has no comma or semicolon::

    # livingreview sheet | kind=screening | review_id=... | round=1 | records=12 | checksum=...

followed by the header row and the items (text starting with ``= + - @`` gets a leading ``'``).

Reading (:func:`read_sheet`) accepts what spreadsheet programs make of a returned file: ``_meta``
visible or hidden, dropdowns dropped, numbers typed as numbers, ``;`` as CSV delimiter, a UTF-8
BOM, a CSV sheet saved as .xlsx (its metadata line in cell A1), reordered rows and added columns;
the caller matches rows by id, never by position.

Each module of this package holds one of these concerns; the stages reach the names below as
``sheets.<name>``.
"""

from livingreview.sheets.answers import Answer, Where, counting_file, overridden_answers
from livingreview.sheets.csv_sheet import CSV_META_PREFIX, csv_meta_line, csv_text
from livingreview.sheets.folders import input_files, returned_files, returned_folder
from livingreview.sheets.highlight import EXCLUDE_COLOUR, INCLUDE_COLOUR
from livingreview.sheets.layout import (
    FORMULA_START,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    Column,
    SheetLayout,
    checksum,
    web_address,
)
from livingreview.sheets.notes import NOTE_JOIN, add_notes, joined_notes
from livingreview.sheets.ooxml_text import unescaped
from livingreview.sheets.reading import SheetCache, read_sheet
from livingreview.sheets.returned import ReturnedSheet, check_columns, column_letter
from livingreview.sheets.writing import (
    LINE_HEIGHT,
    MAX_ROW_HEIGHT,
    deterministic_zip,
    set_text,
    workbook_bytes,
    wrapped_lines,
    write_csv_sheet,
    write_sheet_files,
)
from livingreview.sheets.xlsx_read import as_read_now, clean, decoded, open_workbook, text_table

__all__ = [
    "CSV_META_PREFIX",
    "EXCLUDE_COLOUR",
    "FORMULA_START",
    "INCLUDE_COLOUR",
    "INSTRUCTIONS_SHEET",
    "LINE_HEIGHT",
    "MAX_ROW_HEIGHT",
    "META_SHEET",
    "NOTE_JOIN",
    "Answer",
    "Column",
    "ReturnedSheet",
    "SheetCache",
    "SheetLayout",
    "Where",
    "add_notes",
    "as_read_now",
    "check_columns",
    "checksum",
    "clean",
    "column_letter",
    "counting_file",
    "csv_meta_line",
    "csv_text",
    "decoded",
    "deterministic_zip",
    "input_files",
    "joined_notes",
    "open_workbook",
    "overridden_answers",
    "read_sheet",
    "returned_files",
    "returned_folder",
    "set_text",
    "text_table",
    "unescaped",
    "web_address",
    "workbook_bytes",
    "wrapped_lines",
    "write_csv_sheet",
    "write_sheet_files",
]
