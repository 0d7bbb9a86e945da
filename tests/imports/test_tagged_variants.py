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


def test_ris_translated_title_is_the_title_when_there_is_no_other(variant_file: Variant) -> None:
    """RIS's ``TT`` (the translated title, in EndNote's tag list) was dropped: a record whose
    only title it is had none. It is the title when no other title tag is there; beside a ``TI``
    the ``TI`` stays the title, as MEDLINE's ``TI`` stays beside its ``TT``."""
    text = (
        "TY  - JOUR\nAU  - Souza, Ana\nTT  - An invented trial of school meals\nPY  - 2020\n"
        "ER  - \n\nTY  - JOUR\nTI  - Um ensaio inventado de merenda escolar\n"
        "TT  - An invented trial of school meals\nPY  - 2020\nER  - \n"
    )
    only, both = import_file(variant_file("translated.ris", text.encode()), "scielo").records
    assert only.title == "An invented trial of school meals"
    assert both.title == "Um ensaio inventado de merenda escolar"


NBIB_BOOKS = """
PMID- 90000001
OWN - NLM
DP  - 2001
BTI - Invented Handbook of Walking
PB  - Invented Press
TI  - A chapter on stairs.
FAU - Doe, Jane
AU  - Doe J
PT  - Book Chapter
ISBN- 9780000000002

PMID- 90000002
OWN - NLM
DP  - 2003
BTI - Invented Whole Book
FAU - Roe, Ray
PT  - Book
ISBN- 9780000000019
"""


def test_nbib_book_records_keep_their_book_title_and_isbn(variant_file: Variant) -> None:
    chapter, book = import_file(variant_file("books.nbib", NBIB_BOOKS.encode()), "pubmed").records
    assert (chapter.title, chapter.journal) == (
        "A chapter on stairs.",
        "Invented Handbook of Walking",
    )
    assert (book.title, book.journal) == ("Invented Whole Book", "")
    assert (chapter.issn, book.issn) == ("9780000000002", "9780000000019")


def test_wos_book_record_keeps_its_isbn(variant_file: Variant) -> None:
    text = (
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT B\nAU Doe, J\nTI An invented book\n"
        "PY 2019\nBN 978-0-00-000000-2\nUT WOS:000000000000001\nER\n\nPT J\nTI An article\n"
        "SN 1111-2222\nUT WOS:000000000000002\nER\n\nEF\n"
    )
    book, article = import_file(variant_file("books.txt", text.encode()), "wos").records
    assert (book.issn, article.issn) == ("978-0-00-000000-2", "1111-2222")


# Old MEDLINE records in the ISI format (JabRef's IsiImporterTestMedline.isi) join the authors
# with ';' on one AU line.
OLD_MEDLINE_ISI = """FN ISI Export Format
VR 1.0
PT J
TI An invented trial.
AU Doe, Jane; Roe, Rick A; Poe, Ann
PY 2006
UT MEDLINE:16000001
ER

PT J
TI A second one.
AU Moe, Ben
UT MEDLINE:16000002
ER

EF"""


def test_wos_medline_record_with_its_authors_on_one_au_line(variant_file: Variant) -> None:
    path = variant_file("medline.isi", OLD_MEDLINE_ISI.encode())
    first, second = import_file(path, "wos").records
    assert first.authors == ["Doe, Jane", "Roe, Rick A", "Poe, Ann"]
    assert second.authors == ["Moe, Ben"]
