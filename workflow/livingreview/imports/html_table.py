"""A table saved as a web page under a spreadsheet's name (an "Excel" export that is HTML).

Some exporters write their "Excel" download as an HTML page holding one ``<table>`` and name
it ``.xls``, a spreadsheet program opens it as a sheet. Its first table's rows (``<tr>``, cells
``<td>``/``<th>``) are read as text and handed to the same reader as a workbook's rows, so the
same column flavours apply. The page is read with the standard library's HTML tokenizer: no
DTD, no entity but HTML's own, nothing fetched.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from livingreview.errors import InputFileError

#: How an HTML page opens (after blank lines, an XML declaration and comments such as a browser's
#: "saved from url"): a doctype, or one of the tags a page starts with.
_PAGE = re.compile(
    r"(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta|body|table)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_TABLE = re.compile(r"<table[\s>]", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0]+")
#: Where a ``<br>`` was in a cell's text (a line break; the page's own line ends are spaces).
_BREAK = "\x00"


def is_table(text: str) -> bool:
    """True for an HTML page (not XML) holding a ``<table>``."""
    return bool(_PAGE.match(text.lstrip())) and bool(_TABLE.search(text))


def read_rows(path: Path | str, text: str) -> list[list[str]]:
    """The rows of the page's first table as text (row ``i`` is the table's row ``i + 1``)."""
    reader = _TableReader()
    reader.feed(text)
    reader.close()
    if not any(cell for row in reader.rows for cell in row):
        raise InputFileError(path, "an HTML page whose first table has no rows, not an export")
    return reader.rows


class _TableReader(HTMLParser):
    """Collects the cells of the first ``<table>``'s own rows (not those of a table inside)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._depth = 0  # tables open; only the first one's rows (depth 1) are kept
        self._done = False
        self._cell: list[str] | None = None
        self._span = 1  # the open cell's colspan: empty cells after it keep the columns

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        if tag == "table":
            self._depth += 1
        elif self._depth == 1 and tag == "tr":
            self._end_cell()
            self.rows.append([])
        elif self._depth == 1 and tag in ("td", "th") and self.rows:
            self._end_cell()
            self._cell = []
            span = (dict(attrs).get("colspan") or "").strip()
            self._span = int(span) if span.isdigit() and 0 < int(span) < 1000 else 1
        elif self._cell is not None and tag == "br":
            self._cell.append(_BREAK)

    def handle_endtag(self, tag: str) -> None:
        if self._done or (self._depth != 1 and tag != "table"):
            return
        if self._depth == 1 and tag in ("td", "th", "tr", "table"):
            self._end_cell()
        if tag == "table" and self._depth:
            self._depth -= 1
            self._done = self._depth == 0

    def handle_data(self, data: str) -> None:
        if self._cell is not None and self._depth == 1:
            self._cell.append(data)

    def _end_cell(self) -> None:
        """Close the open cell: its text as a browser shows it (spaces and the page's line ends
        collapsed to one space, a ``<br>`` a line break)."""
        if self._cell is None:
            return
        lines = "".join(self._cell).split(_BREAK)
        text = "\n".join(_SPACE.sub(" ", line).strip() for line in lines).strip()
        self.rows[-1].extend([text] + [""] * (self._span - 1))
        self._cell, self._span = None, 1
