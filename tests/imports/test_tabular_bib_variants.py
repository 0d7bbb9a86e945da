"""Export variants met in real files that had no sample here: small invented files, each shaped
like the trap of the real export (reference-manager BibTeX, dblp/ACM/Taylor & Francis BibTeX,
CSVs with lines above the header, IEEE Xplore / Dimensions / Springer / Embase column names).
"""

from __future__ import annotations

import pytest

from livingreview.errors import InputFileError
from livingreview.imports import import_file
from livingreview.imports.tabular import sheet_header_index
from livingreview.records import Record
from tests.imports import Variant


def fields(record: Record, *names: str) -> tuple[object, ...]:
    """The named fields of a record, to compare several at once."""
    return tuple(getattr(record, name) for name in names)


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


def test_cochrane_library_bibtex_comma_listed_authors(variant_file: Variant) -> None:
    # The Cochrane Library's BibTeX: a 'Record #1 of 2' line above each entry, and every name
    # but the last joined with a comma, 'and' only before the last ('Doe, AB, and Roe, C').
    text = """Record #1 of 2
@article{Doe24,
author = {Doe, AB, Roe, CDE, and Poe, F},
title = {Invented walking programmes for low mood},
journal = {Cochrane Database of Systematic Reviews},
number = {2},
year = {2024},
DOI = {10.1002/14651858.CD099999}
}


Record #2 of 2
@article{Lee19,
author = {Lee, G, and Kim, HJ},
title = {Invented sleep hygiene for insomnia},
journal = {Cochrane Database of Systematic Reviews},
year = {2019}
}
"""
    result = import_file(variant_file("citation-export.bib", text.encode()), "cochrane")
    assert (result.format, len(result.records), result.records_in_file) == ("bibtex", 2, 2)
    first, second = result.records
    assert first.authors == ["Doe, AB", "Roe, CDE", "Poe, F"]
    assert second.authors == ["Lee, G", "Kim, HJ"]


def test_cochrane_library_bibtex_accented_and_hyphenated_initials(variant_file: Variant) -> None:
    # Cochrane writes an Åsa's or a Jean-Pierre's initials 'Å', 'J-P': a name with them is still
    # one of the comma-listed names, not glued to the next one.
    text = """Record #1 of 1
@article{Aberg21,
author = {Åberg, ÅK, Pignon, J-P, Øien, Ø, and Roe, C},
title = {Invented exercise for knee pain},
journal = {Cochrane Database of Systematic Reviews},
year = {2021}
}
"""
    (record,) = import_file(variant_file("citation-export.bib", text.encode()), "cochrane").records
    assert record.authors == ["Åberg, ÅK", "Pignon, J-P", "Øien, Ø", "Roe, C"]


def test_cochrane_library_bibtex_review_abstract_loses_its_label(variant_file: Variant) -> None:
    # A Cochrane review's abstract opens with the label 'Abstract - ' in the Library's BibTeX
    # (its headings follow without colons); the label is dropped once, from any entry.
    text = """Record #1 of 2
@article{Doe24,
author = {Doe, AB, and Roe, C},
title = {Invented walking programmes for low mood},
journal = {Cochrane Database of Systematic Reviews},
year = {2024},
publisher = {John Wiley &amp; Sons, Ltd},
abstract = {Abstract - Background Invented background. Objectives To invent an objective.},
DOI = {10.1002/14651858.CD099999}
}


Record #2 of 2
@article{Lee19,
author = {Lee, G},
title = {An invented trial of sleep hygiene},
journal = {Invented Sleep},
year = {2019},
abstract = {Abstract - an invented abstract that is about abstracts.}
}
"""
    review, trial = import_file(variant_file("citation-export.bib", text.encode()), "c").records
    assert review.abstract == "Background Invented background. Objectives To invent an objective."
    assert trial.abstract == "an invented abstract that is about abstracts."


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ("Doe, Jr., John", ["Doe, Jr., John"]),  # BibTeX's 'von Last, Jr, First'
        ("Doe, John, and Roe, Rick", ["Doe, John", "Roe, Rick"]),  # a comma before 'and' only
        ("{Invented, Study Group} and Doe, J", ["Invented, Study Group", "Doe, J"]),
    ],
)
def test_bibtex_names_with_commas_that_are_no_list(
    variant_file: Variant, author: str, expected: list[str]
) -> None:
    text = f"@article{{k, author = {{{author}}}, title = {{T}}}}\n"
    (record,) = import_file(variant_file("names.bib", text.encode()), "bib").records
    assert record.authors == expected


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
    assert fields(first, "volume", "issue", "pages", "year") == ("12", "GROUP", "10-19", "2022")
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


DIMENSIONS = (
    '"About the data: Exported on Jan 2, 2024. Criteria: invented in title and abstract."\r\n'
    '"Rank","Publication ID","DOI","Title","Source title","Anthology title","PubYear",'
    '"Volume","Issue","Pagination","Publication Type","Authors","MeSH terms"\r\n'
    '"1","pub.1","10.1234/a","First invented title","Journal of Tests","","2020","4","2",'
    '"11-19","article","Doe, Jane; Roe, Rick","Alpha; Beta"\r\n'
    '"2","pub.2","","Second invented title","","Book of Tests","2021","","","",'
    '"chapter","Poe, Ann",""\r\n'
)


def test_dimensions_line_above_the_header_is_skipped(variant_file: Variant) -> None:
    result = import_file(variant_file("dimensions.csv", b"\xef\xbb\xbf" + DIMENSIONS.encode()), "d")
    first, second = result.records
    assert result.records_in_file == 2
    assert fields(first, "source_id", "title", "year") == ("pub.1", "First invented title", "2020")
    assert first.authors == ["Doe, Jane", "Roe, Rick"]
    assert first.journal == "Journal of Tests"
    assert fields(first, "volume", "issue", "pages") == ("4", "2", "11-19")
    assert first.keywords == ["Alpha", "Beta"]
    assert fields(second, "journal", "publication_types") == ("Book of Tests", ["chapter"])


def test_embase_query_lines_above_a_semicolon_header(variant_file: Variant) -> None:
    text = (
        '"SEARCH QUERY";"(invented:ti,ab) AND [2019-2020]/py"\n\n\n'
        '"Title";"Author Names";"Source";"Source title";"Publication Year";"Volume";"Issue";'
        '"First Page";"Last Page";"ISSN";"Abstract";"Article Language";"Medline PMID";"DOI"\n'
        '"An invented title";"Doe J., Roe R.A.";"Embase";"Journal of Tests";"2019";"7";"1";'
        '"5";"9";"12345678";"Text.";"English";"31234567";"10.1000/emb"\n'
    )
    result = import_file(variant_file("embase.csv", text.encode("cp1252")), "e")
    (record,) = result.records
    assert result.records_in_file == 1
    assert record.authors == ["Doe J.", "Roe R.A."]
    assert record.journal == "Journal of Tests"
    assert fields(record, "pages", "issn", "pmid") == ("5-9", "1234-5678", "31234567")
    assert record.language == "English"


IEEE_HEADER = (
    '"Document Title","Authors","Author Affiliations","Publication Title","Year","Volume",'
    '"Issue","Start Page","End Page","Abstract","ISSN","DOI","PDF Link","Author Keywords",'
    '"IEEE Terms","Publisher","Document Identifier"'
)


def test_ieee_csv_with_inner_quotes_not_doubled(variant_file: Variant) -> None:
    rows = [
        '"Plain row","Doe, J.; Roe, R.","Dept. of Tests","Invented Symposium","2014","","",'
        '"263","268","Text, with commas.","","10.1109/T.1","http://example.org/1","",'
        '"Alpha;Beta","IEEE","IEEE Conference Publications"',
        '"Quoted affiliation","Poe, A.","Center "Invented Name", Some City","Invented Journal",'
        '"2010","3","2","1","9","Text.","1234-5678","10.1109/T.2","http://example.org/2",'
        '"gamma","","IEEE","IEEE Journals"',
    ]
    path = variant_file("ieee.csv", "\n".join([IEEE_HEADER, *rows, ""]).encode())
    result = import_file(path, "ieee")
    first, second = result.records
    assert result.records_in_file == 2
    assert fields(first, "pages", "keywords", "publication_types") == (
        "263-268",
        ["Alpha", "Beta"],
        ["IEEE Conference Publications"],
    )
    assert fields(second, "title", "authors", "journal") == (
        "Quoted affiliation",
        ["Poe, A."],
        "Invented Journal",
    )
    assert fields(second, "volume", "issue", "pages", "doi") == (
        "3",
        "2",
        "1-9",
        "10.1109/t.2",
    )


#: IEEE Xplore's CSV header as the download writes it now: five keyword columns, the last
#: ``Mesh_Terms`` with an underscore.
IEEE_CURRENT_HEADER = (
    '"Document Title","Authors","Author Affiliations","Publication Title",'
    '"Date Added To Xplore","Publication Year","Volume","Issue","Start Page","End Page",'
    '"Abstract","ISSN","ISBNs","DOI","Funding Information","PDF Link","Author Keywords",'
    '"IEEE Terms","INSPEC Controlled Terms","INSPEC Non-Controlled Terms","Mesh_Terms",'
    '"Article Citation Count","Reference Count","License","Online Date","Issue Date",'
    '"Meeting Date","Publisher","Document Identifier"'
)


def test_ieee_csv_inspec_and_mesh_terms_are_keywords(variant_file: Variant) -> None:
    """Each of IEEE Xplore's keyword columns is read: INSPEC's controlled and uncontrolled
    terms and ``Mesh_Terms`` too, not only the authors' keywords and the IEEE terms."""
    row = (
        '"An invented sensor study","A. Doe; R. Roe","Invented Univ.","Invented Sensors Journal",'
        '"5 Mar 2021","2021","21","6","700","709","An invented abstract.","1530-437X","",'
        '"10.1109/INV.2021.0000001","","https://ieeexplore.ieee.org/stamp/stamp.jsp?arnumber=1",'
        '"wearable sensing;gait","Sensors;Legged locomotion","biomedical equipment;gait analysis",'
        '"inertial sensor;walking speed","Humans;Gait","3","25","IEEE","5 Mar 2021","","",'
        '"IEEE","IEEE Journals"'
    )
    path = variant_file("ieee.csv", f"{IEEE_CURRENT_HEADER}\n{row}\n".encode())
    (record,) = import_file(path, "ieee").records
    assert record.keywords == [
        "wearable sensing",
        "gait",
        "Sensors",
        "Legged locomotion",
        "biomedical equipment",
        "gait analysis",
        "inertial sensor",
        "walking speed",
        "Humans",
        "Gait",
    ]


def test_a_row_that_cannot_be_requoted_still_fails(variant_file: Variant) -> None:
    text = 'Title,Year\n"A, "b", c",2020,extra\n'
    with pytest.raises(InputFileError, match=r"row 2 \(line 2\).*cells but the header has 2"):
        import_file(variant_file("broken.csv", text.encode()), "x")


def test_springer_and_web_of_science_excel_column_names(variant_file: Variant) -> None:
    springer = (
        "Item Title,Publication Title,Book Series Title,Journal Volume,Journal Issue,Item DOI,"
        "Authors,Publication Year,URL,Content Type\n"
        "An invented chapter,Invented Journal,,12,3,10.1007/x1,Jane Doe,2022,"
        "http://example.org/x1,Article\n"
    )
    (record,) = import_file(variant_file("springer.csv", springer.encode()), "s").records
    assert fields(record, "title", "journal", "volume", "issue", "doi") == (
        "An invented chapter",
        "Invented Journal",
        "12",
        "3",
        "10.1007/x1",
    )
    wos = (
        "Publication Type\tAuthors\tAuthor Full Names\tArticle Title\tSource Title\t"
        "Author Keywords\tKeywords Plus\tISSN\teISSN\tPublication Year\tVolume\tIssue\t"
        "Start Page\tEnd Page\tArticle Number\tDOI\tPubmed Id\tUT (Unique WOS ID)\n"
        "J\tDoe, J; Roe, R\tDoe, Jane; Roe, Rick\tInvented title\tJOURNAL OF TESTS\t"
        "one; two\tTHREE\t1234-5678\t2345-6789\t2023\t12\t4\t\t\te101\t10.1/x\t37123456\t"
        "WOS:000000000000001\n"
    )
    (record,) = import_file(variant_file("wos_excel.txt", wos.encode()), "w").records
    assert record.authors == ["Doe, Jane", "Roe, Rick"]
    assert fields(record, "source_id", "pmid", "pages") == (
        "WOS:000000000000001",
        "37123456",
        "e101",
    )
    assert record.issn == "1234-5678; 2345-6789"
    assert record.keywords == ["one", "two", "THREE"]


def test_a_repeated_column_keeps_its_filled_cell(variant_file: Variant) -> None:
    text = "Title,DOI,Year,DOI\nAn invented title,10.1234/x,2020,\n"
    (record,) = import_file(variant_file("repeat.csv", text.encode()), "x").records
    assert record.doi == "10.1234/x"


def test_wos_tab_delimited_titles_starting_with_a_quote(variant_file: Variant) -> None:
    text = (
        "PT\tAU\tTI\tSO\tPY\tUT\n"
        'J\tDoe, J\t"Quoted words": an invented title\tJ TESTS\t2020\tWOS:000000000000001\t\n'
        'J\tRoe, R\t"Never closed title\tJ TESTS\t2021\tWOS:000000000000002\t\n'
        "J\tPoe, A\tPlain title\tJ TESTS\t2022\tWOS:000000000000003\t\n"
    )
    result = import_file(variant_file("savedrecs.txt", text.encode("utf-8-sig")), "wos")
    assert result.records_in_file == 3
    assert [r.title for r in result.records] == [
        '"Quoted words": an invented title',
        '"Never closed title',
        "Plain title",
    ]
    assert [r.year for r in result.records] == ["2020", "2021", "2022"]


def test_a_row_with_a_title_cell_below_a_header_without_one_is_no_header(
    variant_file: Variant,
) -> None:
    """Only lines narrower than the header (a note, a query) are skipped above it: a table
    whose header has no title column is refused as before, not read from a row that happens
    to hold 'Title' with the rows above it dropped."""
    text = "Name,Notes,Year\nfoo,bar,2020\nTitle,Other,1999\nbaz,qux,2021\n"
    with pytest.raises(InputFileError, match=r"row 1 \(line 1\), field 'Title': no title column"):
        import_file(variant_file("table.csv", text.encode()), "x")
    rows = [["Name", "Notes", ""], ["foo", "bar", ""], ["Title", "Other", ""]]
    assert sheet_header_index(rows) == 0
    assert sheet_header_index([["About the data", "", ""], ["Title", "Year", ""]]) == 1


def test_one_author_with_a_compound_family_name_stays_one(variant_file: Variant) -> None:
    text = (
        "Title,Author,Year\n"
        'A study,"García Márquez, Gabriel José",2020\n'
        'B study,"van der Berg, Jan Peter",2021\n'
        'C study,"Doe J., Roe R.A., Poe J.-P.",2022\n'
        'D study,"Jane Doe, Rick Roe, Ann Poe",2023\n'
    )
    records = import_file(variant_file("zotero.csv", text.encode()), "z").records
    assert [r.authors for r in records] == [
        ["García Márquez, Gabriel José"],
        ["van der Berg, Jan Peter"],
        ["Doe J.", "Roe R.A.", "Poe J.-P."],
        ["Jane Doe", "Rick Roe", "Ann Poe"],
    ]


def test_wos_tab_delimited_saved_again_by_a_spreadsheet_program(variant_file: Variant) -> None:
    """Excel and LibreOffice quote a cell holding quotes (doubling them) or a line break when
    they save tab-delimited text: such a file is read with its quoting."""
    text = (
        "PT\tAU\tTI\tSO\tPY\tAB\tUT\n"
        'J\tDoe, J\t"""Quoted words"": an invented title"\tJ TESTS\t2020\t"Line one\n'
        'line two"\tWOS:000000000000001\n'
        "J\tRoe, R\tPlain title\tJ TESTS\t2021\tText.\tWOS:000000000000002\n"
    )
    result = import_file(variant_file("savedrecs.txt", text.encode()), "wos")
    assert result.records_in_file == 2
    assert [(r.title, r.source_id) for r in result.records] == [
        ('"Quoted words": an invented title', "WOS:000000000000001"),
        ("Plain title", "WOS:000000000000002"),
    ]


def test_bibtex_pmid_in_a_zotero_note_with_protection_braces(variant_file: Variant) -> None:
    # Zotero's BibTeX export protects the label's capitals: note = {{PMID:} 23439512}
    text = """@article{doe_invented_2013,
\ttitle = {An invented advisory},
\tauthor = {Doe, Jane and {Invented Council on Walking}},
\tjournal = {Circulation},
\tyear = {2013},
\tnote = {{PMID:} 23439512},
}
"""
    (record,) = import_file(variant_file("zotero.bib", text.encode()), "bib").records
    assert record.pmid == "23439512"
    assert record.authors == ["Doe, Jane", "Invented Council on Walking"]


#: Zotero's CSV export (the columns of its CSV translator, some left out): ids only in "Extra".
ZOTERO_CSV_LINES = [
    '"Key","Item Type","Publication Year","Author","Title","Publication Title","ISSN","DOI",'
    '"Extra","Manual Tags"',
    '"ABCD1234","journalArticle","2013","Doe, Jane; Roe, Rick","An invented advisory",'
    '"Circulation","1524-4539","10.1161/x","PMID: 23439512 PMCID: PMC3000001","Humans"',
]


def test_zotero_csv_ids_in_the_extra_column(variant_file: Variant) -> None:
    data = "\n".join(ZOTERO_CSV_LINES).encode("utf-8-sig")
    (record,) = import_file(variant_file("zotero.csv", data), "zotero").records
    assert (record.pmid, record.pmcid) == ("23439512", "PMC3000001")
    assert record.authors == ["Doe, Jane", "Roe, Rick"]
    assert record.journal == "Circulation"
