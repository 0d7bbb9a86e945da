"""EPPI-Reviewer's RIS names: family name, then each initial alone, without a comma.

The records are invented, in the layout of EPPI-Reviewer's RIS export (``AU  - Brownstein C D``)
and of PubMed's MEDLINE text for the same authors (``AU  - Brownstein CD``).
"""

from __future__ import annotations

from livingreview.dedup.frame import records_to_frame
from livingreview.dedup.normalise import normalise_frame
from livingreview.imports import import_file
from tests.imports import Variant

EPPI_RIS = """TY  - JOUR
TI  - An invented cohort of screening tools
AU  - Brownstein C D
AU  - Dos Santos H B
AU  - Li H
AU  - World Health Organization
AU  - Hao Li
AU  - Moe, Mo
PY  - 2021
JF  - Journal of Invented Reviews
VL  - 7
SP  - 11
EP  - 19
ER  -
"""

MEDLINE = """PMID- 33000011
OWN - NLM
TI  - An invented cohort of screening tools.
DP  - 2021
AU  - Brownstein CD
AU  - Dos Santos HB
AU  - Li H
CN  - World Health Organization
JT  - Journal of Invented Reviews
VI  - 7
PG  - 11-19
"""


def test_eppi_names_come_out_family_first(variant_file: Variant) -> None:
    (record,) = import_file(variant_file("eppi.ris", EPPI_RIS.encode()), "eppi").records
    assert record.authors == [
        "Brownstein, C. D.",
        "Dos Santos, H. B.",
        "Li, H.",
        "World Health Organization",  # a group's name as written
        "Hao Li",  # given name first: no initials at its end
        "Moe, Mo",
    ]


def test_eppi_and_pubmed_give_the_dedup_engine_the_same_first_authors(
    variant_file: Variant,
) -> None:
    (eppi,) = import_file(variant_file("eppi.ris", EPPI_RIS.encode()), "eppi").records
    (pubmed,) = import_file(variant_file("pubmed.nbib", MEDLINE.encode()), "pubmed").records
    frame = normalise_frame(records_to_frame([eppi, pubmed]))
    assert frame["first_author"].tolist() == ["brownstein", "brownstein"]
    eppi_names, pubmed_names = frame["authors"].tolist()
    assert eppi_names[:3] == pubmed_names[:3] == ("brownstein", "dossantos", "li")
