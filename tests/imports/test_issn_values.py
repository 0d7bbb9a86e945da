"""ISSNs in the values exporters give, and no ISSN read out of an ISBN's groups."""

from __future__ import annotations

import pytest

from livingreview.imports.text import normalise_issns


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1573-3602 1050-5350"], "1573-3602; 1050-5350"),
        (["1999-7777(Electronic),0222-6666(Print)"], "1999-7777; 0222-6666"),
        (["20964129 (ISSN)"], "2096-4129"),
        (["E2196-7822"], "2196-7822"),  # ERIC via Ovid: an electronic ISSN
        # An ISBN's groups of four (Citavi's 'ISSN/ISBN', a book's RIS SN) are no ISSN.
        (["0028-4793", "978-1-4020-9632-7"], "0028-4793"),
        (["978-0-1234-5678-9"], "978-0-1234-5678-9"),
    ],
)
def test_issns_and_no_issn_inside_an_isbn(values: list[str], expected: str) -> None:
    assert normalise_issns(values) == expected
