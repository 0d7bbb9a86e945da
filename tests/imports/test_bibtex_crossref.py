"""BibTeX ``crossref``: dblp's, ACM's and JabRef's papers that take their venue from a parent entry.

The files are invented, in the layouts of dblp's BibTeX with crossref (an ``@inproceedings``
naming ``DBLP:conf/<venue>/<year>``, the ``@proceedings`` after it), JabRef libraries (the
parent first, with a booktitle of its own) and a file whose parent is missing.
"""

from __future__ import annotations

import logging

import pytest

from livingreview.imports import import_file
from tests.imports import Variant

#: dblp's layout: the paper names its proceedings, which follow it; one paper has no DOI.
DBLP = """@inproceedings{DBLP:conf/invc/DoeR21,
  author       = {Jane Doe and
                  Rui Roe},
  title        = {An Invented Study of Screening},
  pages        = {101--110},
  crossref     = {DBLP:conf/invc/2021},
  url          = {https://doi.org/10.5555/invc.101},
  doi          = {10.5555/invc.101},
  biburl       = {https://dblp.org/rec/conf/invc/DoeR21.bib},
  bibsource    = {dblp computer science bibliography, https://dblp.org}
}

@inproceedings{DBLP:conf/invc/Poe21,
  author       = {Edgar Poe},
  title        = {A Second Invented Paper},
  pages        = {111--120},
  crossref     = {DBLP:conf/invc/2021},
  url          = {https://invented.example/paper/111.pdf},
}

@proceedings{DBLP:conf/invc/2021,
  editor       = {Ann Editor},
  title        = {Proceedings of the Invented Conference on Reviews, {INVC} 2021, Nowhere,
                  May 1-3, 2021},
  series       = {Invented Notes},
  volume       = {42},
  publisher    = {{ACM}},
  year         = {2021},
  url          = {https://doi.org/10.5555/invc},
  doi          = {10.5555/invc},
  isbn         = {978-0-00-000000-0},
  biburl       = {https://dblp.org/rec/conf/invc/2021.bib},
}
"""

#: The same first paper as dblp's layout without crossref writes it (the venue in booktitle).
STANDARD = """@inproceedings{DBLP:conf/invc/DoeR21,
  author       = {Jane Doe and
                  Rui Roe},
  title        = {An Invented Study of Screening},
  booktitle    = {Proceedings of the Invented Conference on Reviews, {INVC} 2021, Nowhere,
                  May 1-3, 2021},
  series       = {Invented Notes},
  volume       = {42},
  publisher    = {{ACM}},
  pages        = {101--110},
  year         = {2021},
  url          = {https://doi.org/10.5555/invc.101},
  doi          = {10.5555/invc.101},
}
"""


def test_a_paper_takes_its_venue_and_year_from_the_proceedings_it_names(
    variant_file: Variant,
) -> None:
    result = import_file(variant_file("dblp.bib", DBLP.encode()), "dblp")
    (standard,) = import_file(variant_file("standard.bib", STANDARD.encode()), "dblp").records
    # the proceedings entry is no record of its own, in the parser's and the scan's count
    assert (len(result.records), result.records_in_file) == (2, 2)
    first, second = result.records
    assert [r.title for r in result.records] == [
        "An Invented Study of Screening",
        "A Second Invented Paper",
    ]
    # the venue comes out as for an inproceedings whose booktitle names it
    for field in ("journal", "year", "volume", "pages", "doi", "url", "authors"):
        assert getattr(first, field) == getattr(standard, field), field
    assert first.journal.startswith("Proceedings of the Invented Conference on Reviews, INVC")
    assert (second.year, second.journal, second.volume) == ("2021", first.journal, "42")
    # the volume's DOI and address are the proceedings', never a paper's
    assert (second.doi, second.url) == ("", "https://invented.example/paper/111.pdf")
    assert second.publication_types == ["inproceedings"]


#: JabRef's layout: the parent first, with its own booktitle; a child with a year of its own; a
#: proceedings volume that no entry names is a record like any other.
JABREF = """@Proceedings{inv2019,
  title     = {Invented Proceedings, Full Title},
  booktitle = {Proc. Invented Workshop},
  year      = {2019},
  publisher = {Invented Press},
}

@InProceedings{roe2019,
  author   = {Roe, Rick},
  title    = {A Workshop Paper},
  crossref = {INV2019},
  year     = {2020},
}

@Proceedings{other2018,
  title     = {A Volume Found by the Search},
  year      = {2018},
}
"""


def test_a_parent_before_its_child_and_its_booktitle_first(variant_file: Variant) -> None:
    result = import_file(variant_file("jabref.bib", JABREF.encode()), "jabref")
    assert result.records_in_file == 2
    paper, volume = result.records
    # keys match whatever their case; the child's own fields win; booktitle before title
    assert (paper.title, paper.journal, paper.year) == (
        "A Workshop Paper",
        "Proc. Invented Workshop",
        "2020",
    )
    assert (volume.title, volume.year, volume.publication_types) == (
        "A Volume Found by the Search",
        "2018",
        ["proceedings"],
    )


MISSING = """@inproceedings{DBLP:conf/invc/Loe22,
  author       = {Lee Loe},
  title        = {A Paper Whose Proceedings Were Not Exported},
  pages        = {1--9},
  crossref     = {DBLP:conf/invc/2022},
}

@article{plain,
  author  = {Moe, Mo},
  title   = {A Plain Article},
  journal = {Invented Letters},
  year    = {2022},
}
"""


def test_a_crossref_naming_no_entry_is_kept_with_a_warning(
    variant_file: Variant, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="livingreview.imports.bibtex"):
        result = import_file(variant_file("missing.bib", MISSING.encode()), "dblp")
    assert result.records_in_file == 2
    paper, article = result.records
    assert paper.title == "A Paper Whose Proceedings Were Not Exported"
    assert (paper.pages, paper.journal, paper.year) == ("1-9", "", "")
    assert article.journal == "Invented Letters"
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "missing.bib: record 1 (line 1): crossref 'DBLP:conf/invc/2022' names no entry" in (
        warning
    )


def test_a_parent_repeated_by_joined_exports_is_no_record(variant_file: Variant) -> None:
    # two dblp downloads joined: each brings the same proceedings entry
    paper_two = DBLP.split("@inproceedings{DBLP:conf/invc/Poe21")[0].replace("DoeR21", "Zoe21")
    text = DBLP + "\n" + paper_two + DBLP[DBLP.index("@proceedings") :]
    result = import_file(variant_file("joined.bib", text.encode()), "dblp")
    assert (len(result.records), result.records_in_file) == (3, 3)
    assert {r.year for r in result.records} == {"2021"}


#: A JabRef library: an authored book and a chapter of it that names it, both wanted.
BOOK = """@book{knuth68,
  author    = {Knuth, Donald E.},
  title     = {The Invented Art of Reviewing},
  publisher = {Invented Press},
  year      = {1968},
}

@inbook{knuth68ch5,
  title    = {Sorting the Records},
  chapter  = {5},
  pages    = {1--50},
  crossref = {knuth68},
}
"""


def test_an_authored_parent_stays_a_record(variant_file: Variant) -> None:
    # an author makes the parent a work of its own, not only the volume dblp's proceedings are
    result = import_file(variant_file("book.bib", BOOK.encode()), "jabref")
    assert (len(result.records), result.records_in_file) == (2, 2)
    book, chapter = result.records
    assert (book.title, book.authors) == ("The Invented Art of Reviewing", ["Knuth, Donald E."])
    assert (chapter.authors, chapter.year, chapter.journal) == (
        ["Knuth, Donald E."],
        "1968",
        "The Invented Art of Reviewing",
    )


def test_a_crossref_by_macro_or_in_a_comment_counts_as_the_parser_reads_it(
    variant_file: Variant,
) -> None:
    # a @string macro naming the parent, and a crossref line inside a @comment (no entry's)
    text = (
        '@string{invc21 = "DBLP:conf/invc/2021"}\n'
        + DBLP.replace("{DBLP:conf/invc/2021},\n  url", "invc21,\n  url")
        + "\n@comment{an old copy of a field:\n  crossref = {plain}\n}\n"
        + MISSING.split("\n\n", 1)[1]
    )
    result = import_file(variant_file("macro.bib", text.encode()), "dblp")
    assert (len(result.records), result.records_in_file) == (3, 3)
    assert [r.year for r in result.records] == ["2021", "2021", "2022"]
