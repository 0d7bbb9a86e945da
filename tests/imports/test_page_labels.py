"""A "pp"/"p." label before the pages (TRID's RIS writes "SP  - pp 278-298") is no part of them."""

from __future__ import annotations

from livingreview.dedup.normalise import normalise_pages
from livingreview.imports import import_file
from tests.imports import Variant

RIS = """TY  - JOUR
TI  - An invented report on road surfaces
AU  - Reyes, Ana
PY  - 2019
SP  - pp 278-298
ER  -

TY  - CONF
TI  - An invented poster
AU  - Reyes, Ana
PY  - 2019
SP  - P12
ER  -
"""


def test_ris_page_label_is_dropped_and_a_poster_number_kept(variant_file: Variant) -> None:
    report, poster = import_file(variant_file("trid.ris", RIS.encode()), "trid").records
    assert report.pages == "278-298"
    assert poster.pages == "P12"


def test_deduplication_reads_labelled_pages_as_pages() -> None:
    assert normalise_pages("pp. 123-128") == normalise_pages("123-128") == ("123", "128")
    assert normalise_pages("p. 12") == ("12", "")
    assert normalise_pages("P12") == ("p12", "")
