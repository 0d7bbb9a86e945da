"""A page range a spreadsheet turned into a date ("01-Feb" for 1-2, "Oct-15" for 10-15) is a
regular article's range, as the same range typed plainly is."""

from __future__ import annotations

import pytest

from livingreview.dedup.normalise import conference_kind
from tests.dedup import benchmark_frame

FIELDS = ["ENTRYTYPE", "journal", "volume", "number", "pages"]


def test_a_real_record_with_a_date_for_pages_is_a_regular_article() -> None:
    frame = benchmark_frame("neuroimaging").set_index("ID")
    record = frame.loc["id_0000117"]  # Neuropharmacology 122, pages "01-Feb"
    assert record["pages"] == "01-Feb"
    assert conference_kind(*record[FIELDS]) == "article"
    assert conference_kind(*record[FIELDS].replace({"01-Feb": "1-2"})) == "article"


@pytest.mark.parametrize(
    ("pages", "kind"),
    [("Oct-15", "article"), ("06-Oct", "article"), ("Jan-01", ""), ("35-35", ""), ("12", "")],
)
def test_page_shapes(pages: str, kind: str) -> None:
    assert conference_kind("article", "Invented Journal", "3", "2", pages) == kind
