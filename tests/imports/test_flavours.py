"""Exports with no real sample in ../shared: small files with the exporters' real headers.

The headers are copied from real exports (Lens.org from bibliometrix' lens_sample.csv, Publish or
Perish from the CSV header in the research notes, WoS tab-delimited field tags); the values are
short but shaped like the real ones.
"""

from __future__ import annotations

import csv
import io
import json

from livingreview.dedup.normalise import author_surnames
from livingreview.imports import import_file
from livingreview.imports.tabular import rebuild_abstract, scan_csv
from livingreview.imports.tabular.flavours import run_together_names
from tests.imports import Variant

LENS_HEADER_LINE = (
    "Lens ID,Title,Date Published,Publication Year,Publication Type,Source Title,ISSNs,"
    "Publisher,Source Country,Author/s,Abstract,Volume,Issue Number,Start Page,End Page,"
    "Fields of Study,Keywords,MeSH Terms,Chemicals,Funding,Source URLs,External URL,PMID,DOI,"
    "Microsoft Academic ID,PMCID,Citing Patents Count,References,Citing Works Count,"
    "Is Open Access,Open Access License,Open Access Colour"
)
POP_HEADER_LINE = (
    "Cites,Authors,Title,Year,Source,Publisher,ArticleURL,CitesURL,GSRank,QueryDate,Type,DOI,"
    "ISSN,CitationURL,Volume,Issue,StartPage,EndPage,ECC,CitesPerYear,CitesPerAuthor,"
    "AuthorCount,Age,Abstract,FullTextURL,RelatedURL"
)
LENS_HEADER = LENS_HEADER_LINE.split(",")
POP_HEADER = POP_HEADER_LINE.split(",")


def _csv(header: list[str], rows: list[dict[str, str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=header, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def test_lens_csv(variant_file: Variant) -> None:
    row = {
        "Lens ID": "000-371-385-074-628",
        "Title": "Research trends on African orchids: a <i>bibliometric</i> overview",
        "Publication Year": "2021",
        "Publication Type": "journal article",
        "Source Title": "Annales de l'Université de Parakou",
        "ISSNs": "18408508; 18408494",
        "Author/s": "Yasmine ABDOULAYE; Eméline Sêssi Pélagie ASSEDE; David De Roure; "
        "Hao LI; WHO Orchid Study Group",
        "Abstract": "<jats:p>Worldwide scientific publications\non orchids.</jats:p>",
        "Volume": "11",
        "Issue Number": "1",
        "Start Page": "33",
        "End Page": "44",
        "Keywords": "Orchidées; Africa",
        "Source URLs": "https://sna.fa-up.bj/a https://doi.org/10.56109/aup-sna.v11i1.29",
        "PMID": "NA",
        "DOI": "10.56109/aup-sna.v11i1.29",
    }
    path = variant_file("lens.csv", _csv(LENS_HEADER, [row, {**row, "Lens ID": "x"}]).encode())
    result = import_file(path, "lens")
    record = result.records[0]
    assert result.records_in_file == len(result.records) == 2
    assert record.source_id == "000-371-385-074-628"
    assert record.title == "Research trends on African orchids: a bibliometric overview"
    assert record.abstract == "Worldwide scientific publications on orchids."
    # family name first, as every other source gives it; a group's name as written
    assert record.authors == [
        "ABDOULAYE, Yasmine",
        "ASSEDE, Eméline Sêssi Pélagie",
        "De Roure, David",
        "LI, Hao",  # a short family name in capitals is no initials: Lens writes given first
        "WHO Orchid Study Group",
    ]
    surnames = ("abdoulaye", "assede", "deroure", "li")
    assert author_surnames("; ".join(record.authors)) == surnames
    assert record.pmid == ""
    assert (record.pages, record.issn) == ("33-44", "1840-8508; 1840-8494")
    assert record.url == "https://sna.fa-up.bj/a"


def test_publish_or_perish_csv(variant_file: Variant) -> None:
    row = {
        "Cites": "37",
        "Authors": "B Lu, R Hirschheim, A Schwarz",
        "Title": "Examining the antecedent factors of online microsourcing",
        "Year": "2015",
        "Source": "Information Systems Frontiers",
        "ArticleURL": "https://link.springer.com/article/10.1007/s10796-013-9440-y",
        "CitesURL": "https://scholar.google.com/scholar?cites=2737601302584012927&hl=en",
        "DOI": "10.1007/s10796-013-9440-y",
        "Volume": "0",
        "StartPage": "",
    }
    path = variant_file("pop.csv", _csv(POP_HEADER, [row]).encode("utf-8-sig"))
    (record,) = import_file(path, "gs").records
    assert record.source_id == "GS:2737601302584012927"  # same id as the JSON export's uid
    assert record.authors == ["Lu, B", "Hirschheim, R", "Schwarz, A"]
    assert record.volume == ""
    assert record.journal == "Information Systems Frontiers"


def test_wos_tab_delimited_utf16(variant_file: Variant) -> None:
    header = ["PT", "AU", "AF", "TI", "SO", "DI", "PY", "BP", "EP", "PM", "UT", "DE"]
    row = {
        "PT": "J",
        "AU": "Li, W; Dou, ZG",
        "AF": "Li, Wei; Dou, Zhiguo",
        "TI": "Soil fauna diversity",
        "SO": "ECOSYSTEM HEALTH AND SUSTAINABILITY",
        "DI": "10.1080/20964129.2020.1722034",
        "PY": "2020",
        "BP": "1",
        "EP": "9",
        "PM": "",
        "UT": "WOS:000514379300001",
        "DE": "reed; soil fauna",
    }
    text = _csv(header, [row, {**row, "UT": "WOS:2"}], delimiter="\t")
    result = import_file(variant_file("savedrecs.txt", text.encode("utf-16")), "wos")
    assert result.encoding == "utf-16"
    assert result.format == "csv"
    record = result.records[0]
    assert record.authors == ["Li, Wei", "Dou, Zhiguo"]
    assert record.source_id == "WOS:000514379300001"
    assert record.pages == "1-9"
    assert record.keywords == ["reed", "soil fauna"]


def test_openalex_inverted_index_abstract() -> None:
    index = {"Living": [0], "reviews": [1, 4], "need": [2], "updated": [3]}
    assert rebuild_abstract(json.dumps(index)) == "Living reviews need updated reviews"
    assert rebuild_abstract("Plain {text}") == "Plain {text}"


def test_csv_scan_counts_rows_with_quoted_newlines_and_quotes(variant_file: Variant) -> None:
    text = (
        'Title,Abstract,Year\n"A ""quoted"" title","line one\nline two\n\nline four",2020\n'
        '\n5" screen,plain,2021\n"",,\n"Third","x, y",2022'
    )
    assert scan_csv(text) == [2, 7, 9]
    result = import_file(variant_file("generic.csv", text.encode()), "g")
    assert [r.title for r in result.records] == ['A "quoted" title', '5" screen', "Third"]
    assert result.records[0].abstract == "line one line two line four"


def test_bibtex_latex_escapes_and_braces(variant_file: Variant) -> None:
    text = r"""
@article{k1,
  author = {M{\"u}ller, J{\"o}rg and Beethoven, Ludwig van and Jean de la Fontaine
            and {World Health Organization}},
  title = {{DNA} repair in {\it E. coli}: 50\% of caf\'{e} \& bar cases},
  journal = {Na{\"\i}ve Journal},
  year = 2020,
  pages = {133--178},
}
@comment{ignored}
@string{jb = "J. Biol."}
"""
    result = import_file(variant_file("latex.bib", text.encode()), "bib")
    (record,) = result.records
    assert result.records_in_file == 1
    assert record.title == "DNA repair in E. coli: 50% of café & bar cases"
    assert record.authors == [
        "Müller, Jörg",
        "Beethoven, Ludwig van",
        "de la Fontaine, Jean",
        "World Health Organization",
    ]
    assert record.journal == "Naïve Journal"
    assert (record.year, record.pages) == ("2020", "133-178")


def test_web_of_science_ris_glued_tags_and_citation_lines(variant_file: Variant) -> None:
    # layout of a real WoS RIS export (CiteSource WoS_79.ris): tags glued onto the previous
    # value, "Total Times Cited" lines continuing N1, BOM, CRLF
    text = (
        "TY  - JOUR\r\nAU  - Elton-Marshall, T\r\nAU  - Wijesingha, R\r\n"
        "TI  - Marital Status and Problem Gambling among Older Adults\r\n"
        "T2  - CANADIAN JOURNAL ON AGING\r\n"
        "AD  - Ctr Addict & Mental Hlth, London, ON, CanadaAD  - Univ Toronto, Toronto, "
        "CanadaC3  - University of TorontoFU  - Gambling Research Exchange Ontario (GREO)\r\n"
        "SN  - 0714-9808\r\nSN  - 1710-1107\r\nPY  - 2018\r\nVL  - 37\r\nIS  - 3\r\n"
        "C7  - 104573\r\nDO  - 10.1017/S071498081800017X\r\n"
        "WE  - Social Science Citation Index (SSCI)AN  - WOS:000440314900007\r\n"
        "N1  - Times Cited in Web of Science Core Collection:  12\r\nTotal Times Cited:  12\r\n"
        "Cited Reference Count:  63\r\nER  -\r\n\r\n"
        "TY  - JOUR\r\nTI  - Second\r\nU1  - 35957633 [PMID]\r\nU2  - PMC9360000 [PMCID]\r\n"
        "ER  -\r\n\r\nTY  - JOUR\r\nTI  - Third\r\nC7  - PMID 31234567\r\nER  -\r\nEF\r\n"
    )
    result = import_file(variant_file("wos.ris", ("\ufeff" + text).encode()), "wos")
    first, second, third = result.records
    assert result.records_in_file == 3
    assert first.source_id == "WOS:000440314900007"
    assert first.issn == "0714-9808; 1710-1107"
    assert first.pages == "104573"  # C7, the article number
    assert first.doi == "10.1017/s071498081800017x"
    assert (second.pmid, second.pmcid) == ("35957633", "PMC9360000")  # Dimensions style
    assert (third.pmid, third.pages) == ("31234567", "")  # a labelled PMID is not a page


def test_publish_or_perish_csv_doi_from_a_doi_link(variant_file: Variant) -> None:
    row = {
        "Authors": "JA Smith, K Doe, …",
        "Title": "A title",
        "ArticleURL": "https://doi.org/10.1000/ABC.1",
        "CitesURL": "https://scholar.google.com/scholar?cites=123&as_sdt=2005",
    }
    (record,) = import_file(variant_file("gs.csv", _csv(POP_HEADER, [row]).encode()), "gs").records
    assert record.doi == "10.1000/abc.1"
    assert record.authors == ["Smith, JA", "Doe, K"]
    assert record.source_id == "GS:123"


def test_publish_or_perish_names_come_family_first(variant_file: Variant) -> None:
    """Google Scholar writes initials first; the study label, the sheets and the RIS export
    need the family name first, every word after the initials being part of it."""
    row = {
        "Authors": "JM Gómez Penedo, M van der Berg, A. Andres, World Health Organization",
        "Title": "A title",
    }
    (record,) = import_file(variant_file("gs.csv", _csv(POP_HEADER, [row]).encode()), "gs").records
    assert record.authors == [
        "Gómez Penedo, JM",
        "van der Berg, M",
        "Andres, A.",
        "World Health Organization",
    ]


def test_json_scan_ignores_braces_and_quotes_inside_strings(variant_file: Variant) -> None:
    items = [
        {"title": 'A "{braced}" [title] \\ with a backslash', "authors": ["A B"]},
        {"title": "Second }{", "abstract": "x\ny"},
    ]
    text = json.dumps(items, indent=1)
    result = import_file(variant_file("pop.json", text.encode()), "gs")
    assert result.records_in_file == 2
    assert [r.title for r in result.records] == [items[0]["title"], "Second }{"]


def test_openalex_csv_keeps_group_author_as_is(variant_file: Variant) -> None:
    header = ["id", "display_name", "authorships.author.display_name", "publication_year"]
    row = {
        "id": "https://openalex.org/W1",
        "display_name": "Steroids in ward patients",
        "authorships.author.display_name": "Ann B. Carter|Trial Writing Committee Group",
        "publication_year": "2021",
    }
    result = import_file(variant_file("works.csv", _csv(header, [row]).encode()), "oa")
    assert result.records[0].authors == ["Carter, Ann B.", "Trial Writing Committee Group"]


SPRINGER_HEADER_LINE = (
    "Item Title,Publication Title,Book Series Title,Journal Volume,Journal Issue,Item DOI,"
    "Authors,Publication Year,URL,Content Type"
)


def test_springer_link_csv_authors_written_one_after_another(variant_file: Variant) -> None:
    """Springer Link's CSV runs its authors together given name first (``Jane DoeRick Roe``,
    seen in real exports): each becomes a name of its own, family first, without an editor's
    'Prof. Dr.'; a 'McKee' stays one name, a company one author."""
    text = (
        SPRINGER_HEADER_LINE + "\n"
        '"An invented article","Journal of Invented Computing","","7","1","10.1007/s00000-023-1",'
        '"W. DoeR. S. McKeeAna-Lu Roe-PérezAndrea De Lucia","2023",'
        '"http://link.springer.com/article/10.1007/s00000-023-1","Article"\n'
        "An invented book,Lecture Notes in Invented Science,,,,10.1007/978-3-000-00000-0,"
        "Prof. Dr. Jan VossDr. Eva Løken,2021,http://link.springer.com/book/x,Book\n"
        'A company\'s book,,,,,10.1007/978-981-00-0000-1,"Invented Technologies Co., Ltd.",'
        "2023,http://link.springer.com/book/y,Book\n"
    )
    article, book, company = import_file(variant_file("springer.csv", text.encode()), "s").records
    assert article.authors == ["Doe, W.", "McKee, R. S.", "Roe-Pérez, Ana-Lu", "De Lucia, Andrea"]
    assert (article.journal, article.volume, article.issue) == (
        "Journal of Invented Computing",
        "7",
        "1",
    )
    assert book.authors == ["Voss, Jan", "Løken, Eva"]
    assert company.authors == ["Invented Technologies Co., Ltd."]


def test_springer_link_csv_a_surname_like_a_prefix_still_ends_a_name(
    variant_file: Variant,
) -> None:
    """'Le' (Vietnamese) and 'Du', 'Da' (Chinese) are surnames of their own as well as the start
    of 'LeBlanc'-like names: run together with the next author ('Thi Hoa LeJohn Smith') they
    end a name when a whole name follows, while 'LeBlanc', 'deVries' and 'AlQahtani' stay one."""
    text = (
        SPRINGER_HEADER_LINE + "\n"
        '"An invented article","Journal of Invented Computing","","7","1","10.1007/s00000-023-2",'
        '"Thi Hoa LeWei DuJean LeBlancHugo deVriesMohammed AlQahtaniMinh DaR. Roe","2023",'
        '"http://link.springer.com/article/10.1007/s00000-023-2","Article"\n'
    )
    (article,) = import_file(variant_file("springer.csv", text.encode()), "s").records
    assert article.authors == [
        "Le, Thi Hoa",
        "Du, Wei",
        "LeBlanc, Jean",
        "deVries, Hugo",
        "AlQahtani, Mohammed",
        "Da, Minh",
        "Roe, R.",
    ]


def test_springer_link_csv_a_camel_cased_name_before_another_word_stays_whole(
    variant_file: Variant,
) -> None:
    """A camel-cased family name that is not a name's last word (a middle name or a double
    family name, ``Jane LeBlanc Smith``, ``Mary McKee Jones``) was cut in two (``Jane Le`` and
    ``Blanc Smith``); a ``Le`` that is a family name of its own still ends a name."""
    text = (
        SPRINGER_HEADER_LINE + "\n"
        '"An invented article","Journal of Invented Computing","","7","1","10.1007/s00000-023-3",'
        '"Jane LeBlanc SmithMary McKee JonesAna DaSilva CostaThi LeRick Roe","2023",'
        '"http://link.springer.com/article/10.1007/s00000-023-3","Article"\n'
    )
    (article,) = import_file(variant_file("springer.csv", text.encode()), "s").records
    assert article.authors == [
        "Smith, Jane LeBlanc",
        "Jones, Mary McKee",
        "Costa, Ana DaSilva",
        "Le, Thi",
        "Roe, Rick",
    ]


def test_springer_link_csv_a_name_ending_in_a_suffix_or_cjk_script_ends_there(
    variant_file: Variant,
) -> None:
    """A name ending in a suffix (``Jr.``, ``III``) or in its Chinese script (a Springer cell
    writes ``Jing-wei Hou 侯景伟`` before the next author) ran into the next author: no lower-case
    letter stands before the next capital."""
    text = (
        SPRINGER_HEADER_LINE + "\n"
        '"An invented article","Journal of Invented Computing","","7","1","10.1007/s00000-023-4",'
        '"John Smith Jr.Jane DoeRick Roe IIIAnn Poe Sr.K. Lee","2023",'
        '"http://link.springer.com/article/10.1007/s00000-023-4","Article"\n'
    )
    (article,) = import_file(variant_file("springer.csv", text.encode()), "s").records
    assert article.authors == [
        "Smith, John, Jr.",
        "Doe, Jane",
        "Roe, Rick, III",
        "Poe, Ann, Sr.",
        "Lee, K.",
    ]
    assert run_together_names("Ming Li 李明Hua Wang 王华Wei Chen") == [
        "Ming Li 李明",
        "Hua Wang 王华",
        "Wei Chen",
    ]


def test_springer_link_csv_a_prefix_surname_before_a_given_name_still_ends_the_name(
    variant_file: Variant,
) -> None:
    """An author named ``Le``, ``De``, ``Du`` or ``Da`` (Vietnamese, Bengali, Chinese names)
    before a co-author whose given name makes a known compound with it (``LeDuc``, ``DeMarco``,
    ``DuVal``, ``DaRosa``) was read with that co-author as one name: the two are two authors."""
    text = (
        SPRINGER_HEADER_LINE + "\n"
        '"An invented article","Journal of Invented Computing","","7","1","10.1007/s00000-023-5",'
        '"Hoa Thi LeDuc Minh TranSourav DeMarco RossiWei DuVal SmithMinh DaRosa GarciaAnn Poe",'
        '"2023","http://link.springer.com/article/10.1007/s00000-023-5","Article"\n'
    )
    (article,) = import_file(variant_file("springer.csv", text.encode()), "s").records
    assert article.authors == [
        "Le, Hoa Thi",
        "Tran, Duc Minh",
        "De, Sourav",
        "Rossi, Marco",
        "Du, Wei",
        "Smith, Val",
        "Da, Minh",
        "Garcia, Rosa",
        "Poe, Ann",
    ]
    assert run_together_names("Jane LeBlanc SmithAna DaSilva CostaPeter MacLeod Hay") == [
        "Jane LeBlanc Smith",
        "Ana DaSilva Costa",
        "Peter MacLeod Hay",
    ]
