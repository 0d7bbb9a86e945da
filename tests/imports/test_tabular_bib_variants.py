"""Export variants met in real files that had no sample here: small invented files, each shaped
like the trap of the real export (reference-manager BibTeX, dblp/ACM/Taylor & Francis BibTeX,
CSVs with lines above the header, IEEE Xplore / Dimensions / Springer / Embase column names).
"""

from __future__ import annotations

from livingreview.imports import import_file
from tests.imports import Variant


def test_bibtex_string_macros_and_concatenation_are_resolved(variant_file: Variant) -> None:
    text = r"""@string{jt = "Journal of Invented Results"}
@String{ann = {Annals of } # jt}

@article{a1,
  author = {Doe, Jane},
  title = {First},
  journal = jt # " Supplement",
  year = 2020,
}
@article(a2,
  author = "Roe, Rick",
  title = "Second",
  journal = ann,
  month = jan,
  year = "2021",
)
"""
    records = import_file(variant_file("macros.bib", text.encode()), "bib").records
    assert [r.journal for r in records] == [
        "Journal of Invented Results Supplement",
        "Annals of Journal of Invented Results",
    ]
    assert [r.year for r in records] == ["2020", "2021"]


def test_bibtex_and_others_is_not_an_author(variant_file: Variant) -> None:
    text = "@article{k, author = {Doe, Jane and Roe, Rick and others}, title = {T}}\n"
    (record,) = import_file(variant_file("others.bib", text.encode()), "bib").records
    assert record.authors == ["Doe, Jane", "Roe, Rick"]


def test_bibtex_number_fields_lose_protection_braces_and_dashes(variant_file: Variant) -> None:
    text = """@article{DBLP:journals/x/Doe22,
  author    = {Jane Doe},
  title     = {A title},
  journal   = {Proc. {ACM} Invented},
  volume    = {{12}},
  number    = {{GROUP}},
  pages     = {10\u201319},
  year      = {{2022}},
}
@inproceedings{10.1145/1234.5678,
  author = {Doe, Jane},
  title = {Short paper},
  booktitle = {Proceedings},
  articleno = {42},
  numpages = {9},
  year = {2023},
}
"""
    first, second = import_file(variant_file("dblp.bib", text.encode()), "bib").records
    assert (first.volume, first.issue, first.pages, first.year) == ("12", "GROUP", "10-19", "2022")
    assert second.pages == "42"


def test_bibtex_pmid_in_note_and_escaped_url(variant_file: Variant) -> None:
    text = r"""@article{doi:10.1080/00000000.2020.1111111,
author = {Doe, Jane},
title = {A title},
journal = {J},
note = {PMID: 31234567},
doi = {10.1080/00000000.2020.1111111},
URL = {
        https://example.org/doi/abs/10.1080/x\_y?a=1\%202
},
year  = {2020},
}
"""
    (record,) = import_file(variant_file("tandf.bib", text.encode()), "bib").records
    assert record.pmid == "31234567"
    assert record.url == "https://example.org/doi/abs/10.1080/x_y?a=1%202"
