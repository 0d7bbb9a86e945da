"""Layout variants of tagged exports (RIS, MEDLINE/nbib, WoS) in small invented files.

Each file is shaped like a trap seen in a real export; the records themselves are made up.
"""

from __future__ import annotations

from livingreview.imports import import_file
from tests.imports import Variant


def test_ris_end_tag_without_its_dash_closes_the_record(variant_file: Variant) -> None:
    text = "TY  - JOUR\nTI  - First title\nER\n\nTY  - JOUR\nTI  - Second title\nPY  - 2020\nER\n"
    result = import_file(variant_file("bare_er.ris", text.encode()), "ris")
    assert [r.title for r in result.records] == ["First title", "Second title"]
    assert result.records[1].year == "2020"
