"""MEDLINE text wraps a long value onto indented lines; each value is read whole, whatever its tag.

Bio.Medline joins the continuation lines of most tags but keeps each line of a few (OAB, CIN,
RIN, OT...) as a value of its own. The records are invented, in PubMed's MEDLINE layout: a PIP
record whose only abstract is an ``OAB`` (PubMed's XML ``OtherAbstract``, with ``OABL``).
"""

from __future__ import annotations

import time

from livingreview.imports import import_file
from livingreview.imports.medline import correction_links
from tests.imports import Variant

MEDLINE = """\
PMID- 33000061
TI  - An invented family-planning survey.
OAB - Das ist eine erfundene Zusammenfassung, die auf einer zweiten Zeile
      weitergeht.
OABL- ger
OAB - An invented English abstract that runs on to a second line of
      the export.
OABL- eng
OT  - invented keyword that wraps onto
      a second line
LA  - eng
RIN - Retraction in: J Invented Med. 2021 Mar;12(3):45-46. doi:
      10.1000/invented.45. PMID: 33000062.
DP  - 1990

PMID- 33000063
TI  - An invented record with its own abstract.
AB  - Its own abstract.
OAB - Another source's abstract.
OABL- eng
DP  - 1991
"""


def test_a_wrapped_value_is_one_value_and_the_english_other_abstract_is_read(
    variant_file: Variant,
) -> None:
    path = variant_file("pubmed.nbib", MEDLINE.encode())
    first, second = import_file(path, "pubmed").records
    assert first.abstract == (
        "An invented English abstract that runs on to a second line of the export."
    )
    assert "invented keyword that wraps onto a second line" in first.keywords
    assert second.abstract == "Its own abstract."


def test_a_wrapped_retraction_link_is_one_link_with_its_pmid(variant_file: Variant) -> None:
    path = variant_file("pubmed.nbib", MEDLINE.encode())
    (link,) = correction_links(path, MEDLINE)
    assert (link.pmid, link.tag, link.ref_type, link.linked_pmid) == (
        "33000061",
        "RIN",
        "RetractionIn",
        "33000062",
    )


def test_an_abstract_wrapped_over_many_lines_is_read_in_linear_time(
    variant_file: Variant,
) -> None:
    # Each wrapped line was joined by copying the value so far: 80,000 lines (3 MB) took
    # seconds, twice as many four times as long. Now well under a second.
    text = "PMID- 33000065\nTI  - An invented title.\nAB  - Start.\n" + "      more text\n" * 80_000
    began = time.process_time()
    (record,) = import_file(variant_file("long.nbib", text.encode()), "pubmed").records
    assert time.process_time() - began < 3
    assert record.abstract == "Start." + " more text" * 80_000
