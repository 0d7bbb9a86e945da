"""PubMed's comment/correction links in notes and MEDLINE tags: another work's PMID is none of the
record's own, whichever link names it.

The records are invented, in the layouts of EBSCOhost's RIS ``N1`` notes (MEDLINE's links
copied into the note), a reference manager's BibTeX ``note`` and PubMed's MEDLINE text.
"""

from __future__ import annotations

from livingreview.imports import import_file
from livingreview.imports.medline import LINK_KINDS, LINK_TAGS, correction_links
from tests.imports import Variant

#: The ``RefType`` values of PubMed's DTD (``CommentsCorrections``), older ones included.
PUBMED_REF_TYPES = """AssociatedDataset AssociatedPublication CommentIn CommentOn
CorrectedandRepublishedIn CorrectedandRepublishedFrom ErratumIn ErratumFor ExpressionOfConcernIn
ExpressionOfConcernFor RepublishedIn RepublishedFrom RetractedandRepublishedIn
RetractedandRepublishedFrom RetractionIn RetractionOf UpdateIn UpdateOf SummaryForPatientsIn
OriginalReportIn ReprintIn ReprintOf Cites PartialRetractionIn PartialRetractionOf""".split()  # noqa: SIM905


def _note_record(number: int, note: str) -> str:
    return f"TY  - JOUR\nT1  - Invented record {number}\nN1  - {note}\nER  -\n"


NOTES = [
    "Summary for patients in: Ann Invented Med. 2008;148(4):I44. PMID: 33000021.",
    "Reprint of: Invented J. 1990;1:1-9. PMID: 33000022.",
    "Reprinted in: Invented Classics. 2001;5:7. PMID: 33000023.",
    "Original report in: Ann Invented Med. 2008;148(4):300. PMID: 33000024.",
    "Republished from: Invented J. 2019;2:3. PMID: 33000025.",
    "Partial retraction of: Invented J. 2015;8:1. PMID: 33000026.",
    "Dataset described in: Invented Data. 2022;1:2. PMID: 33000027.",
    "Cites: Invented J. 2010;3:4. PMID: 33000028.",
    "Expression of concern for: Invented J. 2012;4:5. PMID: 33000029.",
    "PMID: 33000030. Summary for\npatients in: Ann Invented Med. 2009;150:I9. PMID: 33000031.",
]


def test_a_note_pmid_after_any_link_words_is_another_works(variant_file: Variant) -> None:
    text = "\n".join(_note_record(n, note) for n, note in enumerate(NOTES, start=1))
    records = import_file(variant_file("ebsco.ris", text.encode()), "ebsco").records
    # the last note gives the record's own PMID first, then its patient summary's
    assert [r.pmid for r in records] == [""] * (len(NOTES) - 1) + ["33000030"]


BIBTEX = """@article{zotero,
  title = {An Invented Letter},
  note = {Comment in: Invented J. 2021;3:4. PMID: 33000041},
}

@article{zotero2,
  title = {An Invented Trial},
  note = {{PMID:} 33000042},
}
"""


def test_a_bibtex_note_gives_no_linked_works_pmid(variant_file: Variant) -> None:
    letter, trial = import_file(variant_file("zotero.bib", BIBTEX.encode()), "zotero").records
    assert (letter.pmid, trial.pmid) == ("", "33000042")


MEDLINE = """PMID- 33000051
OWN - NLM
TI  - An invented report.
DP  - 2020
SPIN- Ann Invented Med. 2020;172:I10. PMID: 33000052
RPF - Invented J. 2019;2:3. PMID: 33000053
PRIN- Invented J. 2021;9:9. PMID: 33000054
ORI - Ann Invented Med. 2020;172:100. PMID: 33000055
"""


def test_medline_link_tags_are_all_read(variant_file: Variant) -> None:
    path = variant_file("pubmed.nbib", MEDLINE.encode())
    links = correction_links(path, MEDLINE)
    assert sorted((link.tag, link.ref_type, link.linked_pmid) for link in links) == [
        ("ORI", "OriginalReportIn", "33000055"),
        ("PRIN", "PartialRetractionIn", "33000054"),
        ("RPF", "RepublishedFrom", "33000053"),
        ("SPIN", "SummaryForPatientsIn", "33000052"),
    ]
    (record,) = import_file(path, "pubmed").records
    assert record.pmid == "33000051"


def test_every_pubmed_ref_type_is_a_link_kind() -> None:
    known = {kind.ref_type for kind in LINK_KINDS}
    assert sorted(set(PUBMED_REF_TYPES) - known) == []
    assert set(LINK_TAGS.values()) <= known


def test_a_linked_works_full_medline_citation_keeps_its_pmid_out(variant_file: Variant) -> None:
    # PubMed's citation of a linked work holds its DOI, so its PMID stands more than 80
    # characters after the link words (the window before): it was taken as the record's own.
    notes = [
        "Comment in: J Invented Child Adolesc Psychiatry. 2020 Dec;59(12):1345-1347. "
        "doi: 10.5555/j.jicap.2020.08.012. PMID: 33000061.",
        "PMID: 33000062. Erratum in: J Invented Child Adolesc Psychiatry. 2021 Jan;60(1):5. "
        "doi: 10.5555/j.jicap.2020.11.001. PMID: 33000063. Publication Type: Journal Article. "
        "PMID: 33000062.",
    ]
    text = "\n".join(_note_record(n, note) for n, note in enumerate(notes, start=1))
    records = import_file(variant_file("ebsco.ris", text.encode()), "ebsco").records
    assert [r.pmid for r in records] == ["", "33000062"]
