"""A field continued over many lines is read in linear time by every tagged reader.

Each reader added a continuation line to its field by copying the value so far, quadratic in
the lines: an invented RIS abstract of 160,000 lines (5 MB) took 34 s. The records are invented.
"""

from __future__ import annotations

import time

import pytest

from livingreview.imports import import_file
from tests.imports import Variant

LINES = 160_000

OPENINGS = {
    "ris": ("long.ris", "TY  - JOUR\nTI  - An invented title\nAB  - Start.\n", "ER  - \n"),
    "endnote_tagged": ("long.enw", "%0 Journal Article\n%T An invented title\n%X Start.\n", ""),
    "ovid": ("long.txt", "<1>\nTI  - An invented title\nAB  - Start.\n", ""),
    "cochrane": (
        "long.txt",
        "Record #1 of 1\nID: CN-00000001\nTI: An invented title\nAB: Start.\n",
        "",
    ),
}


@pytest.mark.parametrize("kind", sorted(OPENINGS))
def test_a_long_abstract_of_many_lines_is_read_in_linear_time(
    variant_file: Variant, kind: str
) -> None:
    name, opening, closing = OPENINGS[kind]
    path = variant_file(name, (opening + "      more text\n" * LINES + closing).encode())
    began = time.process_time()
    (record,) = import_file(path, "x").records
    assert time.process_time() - began < 3
    assert record.title == "An invented title"
    assert record.abstract.startswith("Start.") and record.abstract.count("more text") == LINES
