"""Small quirks of single databases' exports, each on an invented record of the real layout."""

from __future__ import annotations

from livingreview.imports import import_file
from tests.imports import Variant

# CINAHL (EBSCO) RIS: the journal name carries its ISSN, the accession number ends a sentence.
CINAHL = """TY  - JOUR
AU  - Reyes, Ana
T1  - An invented trial of walking groups
JO  - Depression & Anxiety (1091-4269)
JF  - Depression & Anxiety (1091-4269)
Y1  - 2012///
VL  - 29
IS  - 7
SP  - 646
EP  - 651
N1  - Accession Number: 104021001. Language: English. Entry Date: 20121109.
UR  - https://search.ebscohost.com/login.aspx?direct=true&db=rzh&AN=104021001&site=ehost-live
DB  - cinahl
ER  -
"""

# PsycINFO via Ovid: no pages but an article number in the citation.
PSYCINFO_ARTICLE_NUMBER = """<1. >
VN  - Ovid Technologies
DB  - PsycINFO
AN  - Peer Reviewed Journal: 2012-00000-001.
TI  - An invented online therapy study.
DP  - Jul 2012
AU  - Reyes, Ana
SO  - Journal of Invented Internet Research. Vol.14(4), Jul 2012, ArtID e110.
PG  - No Pagination Specified
DT  - Journal Article
"""


def test_cinahl_journal_issn_and_accession_number(variant_file: Variant) -> None:
    (record,) = import_file(variant_file("cinahl.ris", CINAHL.encode()), "cinahl").records
    assert record.journal == "Depression & Anxiety"
    assert record.issn == "1091-4269"
    assert record.source_id == "104021001"
    assert (record.volume, record.issue, record.pages) == ("29", "7", "646-651")


def test_psycinfo_article_number_stands_in_for_pages(variant_file: Variant) -> None:
    data = PSYCINFO_ARTICLE_NUMBER.encode()
    (record,) = import_file(variant_file("psycinfo.ovd", data), "psycinfo").records
    assert (record.volume, record.issue, record.pages) == ("14", "4", "e110")
    assert record.journal == "Journal of Invented Internet Research"
