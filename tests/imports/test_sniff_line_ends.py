"""The delimiter of a CSV saved with carriage returns only (Excel's "CSV (Macintosh)") is read
from its header line, not counted over the whole file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from livingreview.cli import main
from livingreview.imports.tabular import csv_source, sniff_delimiter
from livingreview.imports.text import decode
from tests.conftest import require_shared


def resaved(rows: list[list[str]], delimiter: str, line_end: str) -> str:
    """``rows`` as a spreadsheet program saves them: only cells holding the delimiter, a quote
    or a line break quoted."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_end).writerows(rows)
    return buffer.getvalue()


def test_screening_set_saved_semicolon_separated_with_mac_line_ends() -> None:
    # before: the van de Schoot set's abstracts (unquoted when ';' separates, commas in every
    # one) outnumbered the header's semicolons, so a CR-only save was sniffed as ','
    path = require_shared("bench/screening/van_de_Schoot_2018.csv")
    rows = list(csv.reader(io.StringIO(decode(path, path.read_bytes())[0], newline="")))
    for line_end in ("\r", "\r\n", "\n"):
        text = resaved(rows, ";", line_end)
        assert sniff_delimiter(text) == ";"
        buffer, delimiter = csv_source(text)
        read = list(csv.reader(buffer, delimiter=delimiter))
        assert read == rows


#: robvis' ROB2 example with the study named by its citation, as some reviews name them
CITATIONS = [
    "Cinkara E, Derinalp P, Liu F, Li C, Liu Y, Li Y, et al., {year}",
    "Haynes RB, Askjer S, Brownstein CD, Nowak L, Chen J, Okafor A, et al., {year}",
]


def test_robvis_table_saved_semicolon_separated_with_mac_line_ends_is_plotted(
    tmp_path: Path, capsys
) -> None:
    # before: "ROB2 tables have Study, 5 domain columns" (exit 2): the commas of the study
    # names outnumbered the semicolons of the header line, read as the whole file
    source = require_shared("data/rob/robvis_data_rob2.csv")
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    for number, row in enumerate(rows[1:]):
        row[0] = CITATIONS[number % 2].format(year=2010 + number)
    table = tmp_path / "rob2.csv"
    table.write_bytes(resaved(rows, ";", "\r").encode("cp1252"))
    out = tmp_path / "plots"
    code = main(["rob", "plot", str(table), "--tool", "rob2", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert "9 studies" in capsys.readouterr().out
    written = (out / "rob_table.csv").read_text(encoding="utf-8")
    assert "Haynes RB, Askjer S" in written
