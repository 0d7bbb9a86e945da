"""Tables a methodologist kept in a spreadsheet and saved as CSV read as the tools wrote them:
Excel's plain "CSV" in many locales is semicolon-separated and cp1252, LibreOffice may write tabs
or UTF-16. Real files from ../shared: the PRISMA2020 package's template and robvis' RoB 2
example, each saved again so."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from livingreview.errors import InputFileError
from livingreview.prisma.interop import read_csv_columns
from livingreview.rob.tables import read_table
from livingreview.rob.tools import get_tool
from tests.conftest import require_shared


def resaved(source: Path, target: Path, delimiter: str, encoding: str, rename: str = "") -> Path:
    """``source`` written again with another delimiter and encoding (and, with ``rename``, its
    first study renamed to a name with letters outside ASCII)."""
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    if rename:
        rows[1][0] = rename
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    target.write_bytes(out.getvalue().encode(encoding))
    return target


@pytest.mark.parametrize(("delimiter", "encoding"), [(";", "cp1252"), ("\t", "utf-16")])
def test_a_prisma2020_csv_saved_by_a_spreadsheet(tmp_path: Path, delimiter: str, encoding: str):
    template = require_shared("data/prisma/livingPRISMAflow_approach1.csv")
    saved = resaved(template, tmp_path / "flow.csv", delimiter, encoding)
    original, again = read_csv_columns(template), read_csv_columns(saved)
    assert [c.label for c in again] == [c.label for c in original]
    assert [c.numbers for c in again] == [c.numbers for c in original]
    assert [c.lists for c in again] == [c.lists for c in original]


@pytest.mark.parametrize(("delimiter", "encoding"), [(";", "cp1252"), ("\t", "utf-16")])
def test_a_robvis_table_saved_by_a_spreadsheet(tmp_path: Path, delimiter: str, encoding: str):
    example = require_shared("data/rob/robvis_data_rob2.csv")
    saved = resaved(example, tmp_path / "rob2.csv", delimiter, encoding, rename="Müller 2019")
    original, again = read_table(example, get_tool("rob2")), read_table(saved, get_tool("rob2"))
    assert again.rows[0].study == "Müller 2019"
    assert [r.judgements for r in again.rows] == [r.judgements for r in original.rows]
    assert [r.study for r in again.rows[1:]] == [r.study for r in original.rows[1:]]


def test_a_table_in_two_encodings_is_refused_naming_the_line(tmp_path: Path) -> None:
    example = require_shared("data/rob/robvis_data_rob2.csv")
    saved = resaved(example, tmp_path / "rob2.csv", ",", "utf-8", rename="Müller 2019")
    appended = "Øster 2020,Low,Low,Low,Low,Low,Low\r\n".encode("cp1252")
    saved.write_bytes(saved.read_bytes() + appended)
    with pytest.raises(InputFileError, match="line 11"):
        read_table(saved, get_tool("rob2"))
