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


# TRID (Transport Research International Documentation) RIS: M3 is the medium, "Web" for every
# record, while TY holds the kind of work.
TRID = """TY  - CPAPER
AN  - 01000001
AU  - Reyes, Ana
TI  - An invented paper on bus lanes
PY  - 2019
M3  - Web
ER  -

TY  - JOUR
AN  - 01000002
TI  - An invented article on tram stops
PY  - 2018/04
M3  - Web
ER  -
"""

# Nested Knowledge RIS: numbered records, the PMID only inside the PubMed address in UR.
NESTED_KNOWLEDGE = """1.
TY  - JOUR
ID  - 1
TI  - An invented trial of walking groups
UR  - https://www.ncbi.nlm.nih.gov/pubmed/21000001
ER  -

2.
TY  - JOUR
ID  - 2
TI  - An invented cohort of cyclists
UR  - https://pubmed.ncbi.nlm.nih.gov/21000002/
ER  -

3.
TY  - JOUR
ID  - 3
TI  - An invented record with a search link
UR  - https://www.ncbi.nlm.nih.gov/pubmed/?term=21000003
ER  -
"""


def test_trid_medium_is_no_publication_type(variant_file: Variant) -> None:
    records = import_file(variant_file("trid.ris", TRID.encode()), "trid").records
    types = {r.source_id: r.publication_types for r in records}
    assert types == {"01000001": ["Conference paper"], "01000002": ["Journal"]}


def test_pmid_from_a_pubmed_address(variant_file: Variant) -> None:
    data = NESTED_KNOWLEDGE.encode()
    records = import_file(variant_file("nested.ris", data), "nested").records
    assert {r.source_id: r.pmid for r in records} == {"1": "21000001", "2": "21000002", "3": ""}


# Embase (Embase.com CSV): the citation in one "Source" cell, the DOI only in the OpenURL link.
EMBASE_CSV = """Title,Author Names,Source,Abstract,Open URL Link
"An invented trial","Reyes A., Lu B.",Invented Ultrasound (2014) 3:3 (152-160). \
Date of Publication: 2014,Text.,http://sfx.example.org/x?sid=EMBASE&id=doi:10.5555%2Finv.2014.1
An invented case,Ode A.,"Invented Case Reports (2019) 54 (83-86). Date of Publication: 1 Jan 2019",,
An invented note,Roe R.,Invented Letters (2020). Date of Publication: 2020,,
"""


def test_embase_source_cell_gives_journal_year_volume_issue_pages(variant_file: Variant) -> None:
    records = import_file(variant_file("embase.csv", EMBASE_CSV.encode()), "embase").records
    got = {(r.journal, r.year, r.volume, r.issue, r.pages, r.doi) for r in records}
    assert got == {
        ("Invented Ultrasound", "2014", "3", "3", "152-160", "10.5555/inv.2014.1"),
        ("Invented Case Reports", "2019", "54", "", "83-86", ""),
        ("Invented Letters", "2020", "", "", "", ""),
    }


# PubMed records saved as RIS by EndNote: the PMID is the accession number, the provider NLM.
PUBMED_VIA_ENDNOTE = """TY  - JOUR
AN  - 21000004
DP  - NLM
TI  - An invented review
ER  -
"""


def test_pubmed_via_endnote_accession_number_is_the_pmid(variant_file: Variant) -> None:
    data = PUBMED_VIA_ENDNOTE.encode()
    (record,) = import_file(variant_file("endnote.ris", data), "pubmed").records
    assert (record.source_id, record.pmid) == ("21000004", "21000004")


# Embase.com RIS: its own record id in U2, the MEDLINE PMID in C5 (only on records also in
# MEDLINE, which then carry a DB line naming it).
EMBASE_RIS = """TY  - JOUR
M3  - Article
Y1  - 2004
T1  - An invented cyst study
JF  - Invented Cancer
U2  - L30000001
C5  - 21000005
DB  - Embase
DB  - Medline
ER  -

TY  - JOUR
T1  - A second invented study
U2  - L30000002
C5  - s 1
DB  - Embase
ER  -
"""


def test_embase_ris_record_id_and_medline_pmid(variant_file: Variant) -> None:
    records = import_file(variant_file("embase.ris", EMBASE_RIS.encode()), "embase").records
    got = [(r.source_id, r.pmid) for r in records]
    assert got == [("L30000001", "21000005"), ("L30000002", "")]


# Embase.com RIS of a record Embase.com holds from MEDLINE alone: only "DB  - Medline", but its
# own id, PMID and embase.com address as on every other record of the export.
EMBASE_MEDLINE_ONLY = """TY  - JOUR
M3  - Erratum
Y1  - 2024
T1  - An invented correction
UR  - https://www.embase.com/search/results?subaction=viewrecord&id=L30000003&from=export
U2  - L30000003
C5  - 21000006
DB  - Medline
ER  -
"""


def test_embase_ris_medline_only_record_keeps_its_ids(variant_file: Variant) -> None:
    data = EMBASE_MEDLINE_ONLY.encode()
    (record,) = import_file(variant_file("embase.ris", data), "embase").records
    assert (record.source_id, record.pmid) == ("L30000003", "21000006")


def test_c5_is_no_pmid_outside_embase(variant_file: Variant) -> None:
    text = EMBASE_RIS.replace("DB  - Embase\n", "")
    records = import_file(variant_file("other.ris", text.encode()), "other").records
    assert [(r.source_id, r.pmid) for r in records] == [("", ""), ("", "")]


# Ovid's RIS of a PsycINFO search: a numbered record, its NLM journal abbreviation written after
# the ER line, the PsycINFO classification in M3 and "No Pagination Specified" cut into SP/EP.
OVID_PSYCINFO_RIS = """1.
TY  - JOUR
ID  - 2019-00000-001
T1  - An invented study of shame.
A1  - Reyes, Ana
Y1  - 2019//
M3  - Health & Mental Health Treatment & Prevention [3300]
JF  - Invented Psychotherapy
SP  - No
EP  - Specified
ER  -
NL  - Invented Psychother

Link to the Ovid Full Text or citation: http://ovidsp.example/ovidweb.cgi?AN=2019-00000-001

2.
TY  - JOUR
ID  - 2019-00000-002
T1  - A second invented study.
SP  - 847
EP  - 856
ER  -
NL  - Invented Psychother
"""


def test_ovid_psycinfo_ris_nl_after_er_classification_and_no_pagination(
    variant_file: Variant,
) -> None:
    data = OVID_PSYCINFO_RIS.encode()
    first, second = import_file(variant_file("ovid.ris", data), "psycinfo").records
    assert (first.source_id, second.source_id) == ("2019-00000-001", "2019-00000-002")
    assert first.publication_types == ["Journal"]
    assert (first.pages, second.pages) == ("", "847-856")


# EndNote's RIS of a journal article writes the PMCID in C2 (C6 the NIHMSID, C7 the article
# number); others give the PMC article address.
ENDNOTE_PMCID_RIS = """TY  - JOUR
TI  - An invented trial
C2  - PMC7000001
C6  - NIHMS700001
C7  - e100
ER  -

TY  - JOUR
TI  - A second invented trial
UR  - https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7000002/
ER  -
"""


def test_bare_pmcid_and_pmc_address_give_the_pmcid(variant_file: Variant) -> None:
    data = ENDNOTE_PMCID_RIS.encode()
    first, second = import_file(variant_file("endnote.ris", data), "endnote").records
    assert (first.pmcid, first.pages, second.pmcid) == ("PMC7000001", "e100", "PMC7000002")


# EBSCOhost RIS (PsycInfo, CINAHL) gives the PMID only inside its N1 note.
EBSCO_NOTE_PMID_RIS = """TY  - JOUR
AN  - 2020-00000-001
T1  - An invented survey
N1  - Accession Number: 2020-00000-001. PMID: 33000001 Partial author list: First Author.
DB  - psyh
ER  -

TY  - JOUR
T1  - An invented news item
N1  - pictorial. Journal Subset: USA. NLM UID: 101208192. PMID: NLM23000002.
ER  -

TY  - JOUR
T1  - An invented note without a PMID
N1  - NLM UID: 9102229.
ER  -

TY  - JOUR
T1  - An invented letter
N1  - Comment on: An invented trial. PMID: 33000004.
ER  -

TY  - JOUR
T1  - An invented reply
N1  - PMID: 33000005. Erratum in: Invented J 2021;3:4. PMID: 33000006.
ER  -

TY  - JOUR
T1  - An invented record corrected in the database
N1  - Release Date: 20200914. Correction Date: 20210614. PMID: 33000007.
ER  -

TY  - JOUR
T1  - An invented CINAHL record
N1  - Subject Term: ERROR correction; MEDLINE Info: PMID: NLM33000008.
ER  -
"""


def test_ebsco_note_gives_the_pmid(variant_file: Variant) -> None:
    data = EBSCO_NOTE_PMID_RIS.encode()
    records = import_file(variant_file("ebsco.ris", data), "ebsco").records
    # Another work's PMID (a comment's target, an erratum) is none of the record's.
    # A field's name ("Correction Date", a subject term) is no link to another work.
    assert [r.pmid for r in records] == [
        "33000001",
        "23000002",
        "",
        "",
        "33000005",
        "33000007",
        "33000008",
    ]


# Scopus' RIS gives the record's PubMed ID in C2 (records not in PubMed have no C2).
SCOPUS_C2_RIS = """TY  - JOUR
TI  - An invented hypothesis
T2  - Invented Hypotheses
VL  - 132
PY  - 2019
DO  - 10.5555/invented.109324
M3  - Article
DB  - Scopus
C7  - 109324
C2  - 31000003
UR  - https://www.scopus.com/inward/record.uri?eid=2-s2.0-85000000001&partnerID=40
ER  -

TY  - JOUR
TI  - An invented review
DB  - Scopus
C7  - 104501
ER  -
"""


def test_scopus_c2_is_the_pmid(variant_file: Variant) -> None:
    records = import_file(variant_file("scopus.ris", SCOPUS_C2_RIS.encode()), "scopus").records
    got = [(r.source_id, r.pmid, r.pages) for r in records]
    assert got == [("2-s2.0-85000000001", "31000003", "109324"), ("", "", "104501")]


def test_c2_is_no_pmid_outside_scopus(variant_file: Variant) -> None:
    text = SCOPUS_C2_RIS.replace("DB  - Scopus\n", "")
    records = import_file(variant_file("other.ris", text.encode()), "other").records
    assert [r.pmid for r in records] == ["", ""]


# The Web of Science's other databases (MEDLINE, BIOSIS, Zoological Record) give the pages as
# one page span (PS), not BP/EP; a MEDLINE record's accession number (UT) carries its PMID.
WOS_MEDLINE_TAB = (
    "PT\tAN\tDT\tTI\tAU\tSO\tVL\tIS\tPS\tPY\tSN\tDI\tUT\tDA\n"
    "J\t31000004\tJournal Article\tAn invented occupancy study\tDoe, Jane A\tInvented ecology\t"
    "87\t5\t1484-1496\t2018\t1365-2656\t10.5555/invented.1\tMEDLINE:31000004\t2019-04-10\n"
    "J\t31000005\tJournal Article\tAn invented forest study\tRoe, Ann\tInvented one\t"
    "13\t2\te0191645\t2018\t1932-6203\t10.5555/invented.2\tMEDLINE:31000005\t2019-04-10\n"
)
ZOOREC_TAGGED = """FN Clarivate Analytics Web of Science
VR 1.0
PT J
AN ZOOR15400000001
TI An invented woodpecker study
SO Invented Wildlife Management
PS 1039-1048
PY 2018
UT ZOOREC:ZOOR15400000001
ER

EF
"""


def test_wos_medline_page_span_and_pmid(variant_file: Variant) -> None:
    data = WOS_MEDLINE_TAB.encode()
    records = import_file(variant_file("savedrecs.txt", data), "wos_medline").records
    got = [(r.source_id, r.pmid, r.pages) for r in records]
    assert got == [
        ("MEDLINE:31000004", "31000004", "1484-1496"),
        ("MEDLINE:31000005", "31000005", "e0191645"),
    ]


def test_wos_tagged_page_span_and_no_pmid_outside_medline(variant_file: Variant) -> None:
    data = ZOOREC_TAGGED.encode()
    (record,) = import_file(variant_file("zoorec.txt", data), "zoorec").records
    assert (record.source_id, record.pmid, record.pages) == (
        "ZOOREC:ZOOR15400000001",
        "",
        "1039-1048",
    )


# ERIC's .nbib export: MEDLINE tags but no PMID; each record opens with OWN - ERIC, the ERIC
# number is in OID, the DOI an address in AID, the ISSN a four-letter tag written 'ISSN - '.
ERIC_NBIB = """OWN - ERIC
TI  - An invented study of reading circles
AU  - Reyes, Ana
JT  - Journal of Invented Reading
SO  - v12 n3 p45-60 2021
AID - http://dx.doi.org/10.1234/jir.2021.045
OID - EJ1000001
VI  - 12
IP  - 3
PG  - 45-60
DP  - 2021
LID - http://eric.ed.gov/?id=EJ1000001
ISSN - EISSN-1234-5679
PT  - Journal Articles
PT  - Reports - Research

OWN - ERIC
TI  - An invented report on homework clubs
AU  - Okafor, Chidi
JT  - Online Submission
OID - ED600001
DP  - 2020
ISSN - EISSN-
PT  - Reports - Evaluative

OWN - ERIC
TI  - An invented handbook of tutoring
AU  - Ito, Ken
JT  - Invented Press
OID - ED600002
DP  - 2012
ISBN - ISBN-978-0-00-000000-2
PT  - Books

OWN - ERIC
TI  - An invented survey of school libraries
AU  - Lind, Maja
JT  - Invented Library Quarterly
OID - EJ1000002
VI  - 4
DP  - Apr 2019
PT  - Reports - Research
"""


def test_eric_nbib_is_read_with_its_eric_numbers(variant_file: Variant) -> None:
    path = variant_file("eric.nbib", ERIC_NBIB.encode())
    result = import_file(path, "eric")
    assert result.format == "nbib"
    journal_article, report, book, ej_without_type = result.records
    assert (journal_article.source_id, journal_article.pmid) == ("EJ1000001", "")
    assert journal_article.doi == "10.1234/jir.2021.045"
    assert journal_article.issn == "1234-5679"
    assert (journal_article.journal, journal_article.volume, journal_article.pages) == (
        "Journal of Invented Reading",
        "12",
        "45-60",
    )
    assert journal_article.url == "http://eric.ed.gov/?id=EJ1000001"
    assert (report.source_id, report.year, report.journal) == ("ED600001", "2020", "")
    assert (report.issn, book.issn) == ("", "978-0-00-000000-2")
    assert ej_without_type.journal == "Invented Library Quarterly"


# A MEDLINE record of 1984-1995 whose author list NLM cut at ten: no FAU lines, and the AU list
# ends with an 'et al.' line.
MEDLINE_ET_AL = """PMID- 1000001
OWN - NLM
DP  - 1991 Mar
TI  - An invented enzyme study.
AU  - Reyes A
AU  - Okafor C
AU  - et al.
TA  - Invented Enzymol
"""


def test_medline_et_al_line_is_no_author(variant_file: Variant) -> None:
    data = MEDLINE_ET_AL.encode()
    (record,) = import_file(variant_file("old.nbib", data), "pubmed").records
    assert record.authors == ["Reyes A", "Okafor C"]


# BIOSIS Citation Index on the Web of Science gives an author's e-mail after the name, in the
# tagged and the tab-delimited export.
BIOSIS_TAGGED = """FN Clarivate Analytics Web of Science
VR 1.0
PT J
UT BCI:BCI201800000001
TI An invented study of lake carbon
AU Reyes, Ana B. (ana.reyes@example.edu)
   Okafor, Chidi
SO Invented Hydrobiology
PY 2018
PS 221-230
ER

EF
"""
BIOSIS_TAB = (
    "PT\tUT\tTI\tAU\tSO\tPY\tPS\n"
    "J\tBCI:BCI201800000002\tAn invented study of sapsuckers\t"
    "Lind, Maja (maja.lind@example.org) ; Ito, Ken\tInvented Condor\t2018\t680-702\n"
)


def test_biosis_author_email_is_no_part_of_the_name(variant_file: Variant) -> None:
    (tagged,) = import_file(variant_file("bci.txt", BIOSIS_TAGGED.encode()), "biosis").records
    (tab,) = import_file(variant_file("bci_tab.txt", BIOSIS_TAB.encode()), "biosis").records
    assert tagged.authors == ["Reyes, Ana B.", "Okafor, Chidi"]
    assert tab.authors == ["Lind, Maja", "Ito, Ken"]


# Ovid's RIS of an ERIC search: the DOI only as a doi.org address in L1, an electronic ISSN
# marked with a leading E.
OVID_ERIC_RIS = """1.\x20
TY  - JOUR
DB  - ERIC <1992 to June 2024>
ID  - EJ1000003
T1  - An invented study of coaching
A1  - Reyes, Ana
Y1  - 2016//
JF  - Invented Journal of STEM Teaching
VL  - 3
SN  - E2196-7822
L1  - https://dx.doi.org/10.1234/invented.2016.44
PT  - Journal Articles, Reports - Research
ER  -\x20\x20

\x20
"""


def test_ovid_eric_ris_doi_in_l1_and_electronic_issn(variant_file: Variant) -> None:
    data = OVID_ERIC_RIS.encode()
    (record,) = import_file(variant_file("eric.ris", data), "eric").records
    assert (record.source_id, record.doi) == ("EJ1000003", "10.1234/invented.2016.44")
    assert record.issn == "2196-7822"


# The Cochrane Library's RIS: its ids of the record in other databases in C3 ('PUBMED N',
# 'PUBMED N,EMBASE N'), page ranges with a Unicode hyphen (U+2010) as in all its text.
COCHRANE_RIS = """Record #1 of 2
Provider: John Wiley & Sons, Ltd.
Content: text/plain; charset="UTF-8"

TY  -  JOUR
AN  -  CN-09000001
AU  -  Reyes, A
TI  -  An invented trial of reading clubs
JA  -  Invented psychology
PY  -  2024
SP  -  1279\u20101297
C3  -  PUBMED 38000001,EMBASE 643000001
ER  -\x20\x20

Record #2 of 2
Provider: John Wiley & Sons, Ltd.
Content: text/plain; charset="UTF-8"

TY  -  JOUR
AN  -  CN-09000002
TI  -  A second invented trial
SP  -  39
C3  -  PUBMED 21000002
ER  -\x20\x20
"""
# The Cochrane Library's CSV of the same kind of records.
COCHRANE_CSV = (
    "CENTRAL ID,Author(s),Title,Source,Year,Pages,Database Name,PubMed ID,Embase ID\n"
    '"CN-09000001","Reyes, A","An invented trial of reading clubs","Invented psychology",'
    '"2024","1279\u20101297","Cochrane Central Register of Controlled Trials (CENTRAL)",'
    '"PUBMED 38000001","EMBASE 643000001"\n'
)


def test_cochrane_ris_and_csv_ids_and_page_hyphen(variant_file: Variant) -> None:
    first, second = import_file(variant_file("c.ris", COCHRANE_RIS.encode()), "central").records
    assert (first.source_id, first.pmid, first.pages) == ("CN-09000001", "38000001", "1279-1297")
    assert (second.pmid, second.pages) == ("21000002", "39")
    (row,) = import_file(variant_file("c.csv", COCHRANE_CSV.encode()), "central").records
    assert (row.source_id, row.pmid, row.pages) == ("CN-09000001", "38000001", "1279-1297")


# EBSCOhost's CSV: its own column names, the first page and a page count (no last page).
EBSCO_CSV = (
    "Article Title,Author,Journal Title,ISSN,Publication Date,Volume,Issue,First Page,"
    "Page Count,Accession Number,DOI,Doctype,PLink\n"
    '"An invented study of fossil tracks.","Reyes, Ana","Invented Biology",="08912963",'
    '="Jun2023","35","6","924","11","163000001","10.1234/ib.2023.1","Article",'
    '"https://search.ebscohost.com/login.aspx?direct=true&db=aph&AN=163000001"\n'
    '"A second invented study.","Ito, Ken","Invented Biology",,="2023","35","6","e7","",'
    '"163000002",,"Article",\n'
)


def test_ebsco_csv_journal_accession_number_and_page_count(variant_file: Variant) -> None:
    data = EBSCO_CSV.encode()
    first, second = import_file(variant_file("ebsco.csv", data), "cinahl").records
    assert (first.source_id, first.journal) == ("163000001", "Invented Biology")
    assert (first.pages, second.pages) == ("924-934", "e7")
    assert first.publication_types == ["Article"]
    assert first.url.endswith("AN=163000001")


# Zotero's (and Citavi's) RIS: the record's own address in UR, its PubMed address only among
# the L2 links.
ZOTERO_PUBMED_LINK = """TY  - JOUR
TI  - An invented trial of urinary tract infections
AU  - Reyes, Ana
PY  - 2020
UR  - https://lens.org/000-000-000-000-001
L2  - https://www.sciencedirect.com/science/article/pii/S0000000000000001
L2  - https://pubmed.ncbi.nlm.nih.gov/21000007/
ER  -
"""


def test_ris_pubmed_address_among_links_gives_the_pmid(variant_file: Variant) -> None:
    data = ZOTERO_PUBMED_LINK.encode()
    (record,) = import_file(variant_file("zotero.ris", data), "zotero").records
    assert record.pmid == "21000007"


def test_a_doi_escaped_twice_reads_the_same_from_every_reader(variant_file: Variant) -> None:
    """A DOI whose ``<`` an export escaped twice (``&amp;lt;``) is the DOI from a RIS file, whose
    reader normalises the DOI before the record does, and from a CSV, whose reader does not."""
    doi = "10.1000/(SICI)0000-0000(1999)1:2&amp;lt;3::AID-INV4&amp;gt;3.0.CO;2-X"
    ris = f"TY  - JOUR\nTI  - An invented title\nDO  - {doi}\nER  - \n"
    table = f'Title,DOI\nAn invented title,"{doi}"\n'
    (from_ris,) = import_file(variant_file("twice.ris", ris.encode()), "x").records
    (from_csv,) = import_file(variant_file("twice.csv", table.encode()), "x").records
    assert from_ris.doi == from_csv.doi == "10.1000/(sici)0000-0000(1999)1:2<3::aid-inv4>3.0.co;2-x"
