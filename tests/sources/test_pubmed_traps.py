"""PubMed EFetch shapes that real records take and the saved payloads do not show.

Each body is a few invented lines in the layout PubMed serves (``PubmedArticleSet`` DTD); the
shape is what matters: the ``[Not Available].`` title placeholder, an in-press article whose only
locator is its publisher item identifier, odd dates.
"""

from __future__ import annotations

import pytest

from livingreview.records import Record
from livingreview.sources.pubmed_xml import parse_efetch


def article(
    inside: str, issue: str = "<PubDate><Year>2024</Year></PubDate>", after: str = ""
) -> Record:
    """The normalised record of one ``PubmedArticle`` whose ``Article`` holds ``inside`` (and
    whose ``MedlineCitation`` holds ``after`` after the ``Article``)."""
    body = f"""<?xml version="1.0" ?><PubmedArticleSet><PubmedArticle>
      <MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">101</PMID>
      <Article PubModel="Print-Electronic"><Journal><ISSN IssnType="Print">1111-2222</ISSN>
      <JournalIssue CitedMedium="Print"><Volume>7</Volume>{issue}</JournalIssue>
      <Title>Journal of Examples</Title></Journal>{inside}</Article>{after}</MedlineCitation>
      <PubmedData><ArticleIdList><ArticleId IdType="pubmed">101</ArticleId></ArticleIdList>
      </PubmedData></PubmedArticle></PubmedArticleSet>"""
    (record,) = parse_efetch(body.encode("utf-8"))
    return record.normalised()


def test_not_available_title_gives_way_to_the_vernacular_title() -> None:
    record = article(
        "<ArticleTitle>[Not Available].</ArticleTitle>"
        "<VernacularTitle>Étude des exemples en milieu rural.</VernacularTitle>"
    )
    assert record.title == "Étude des exemples en milieu rural."


def test_not_available_title_without_vernacular_is_no_title() -> None:
    """Thousands of records carry the placeholder: as a title it would make them look alike."""
    assert article("<ArticleTitle>[Not Available].</ArticleTitle>").title == ""


def test_bracketed_translated_title_is_kept() -> None:
    record = article(
        "<ArticleTitle>[Examples in rural practice].</ArticleTitle>"
        "<VernacularTitle>Exemples en pratique rurale.</VernacularTitle>"
    )
    assert record.title == "[Examples in rural practice]."


def test_publisher_item_identifier_is_not_a_page() -> None:
    """An article in press has no Pagination; its ``pii`` ELocationID is Elsevier's PII."""
    record = article(
        "<ArticleTitle>In press.</ArticleTitle>"
        '<ELocationID EIdType="pii" ValidYN="Y">S0123-4567(24)00123-X</ELocationID>'
        '<ELocationID EIdType="doi" ValidYN="Y">10.1016/S0123-4567(24)00123-X</ELocationID>'
    )
    assert (record.pages, record.doi) == ("", "10.1016/s0123-4567(24)00123-x")


@pytest.mark.parametrize("pii", ["e0123456", "102866", "ex12"])
def test_article_number_pii_is_the_page(pii: str) -> None:
    record = article(
        f'<ArticleTitle>Online.</ArticleTitle><ELocationID EIdType="pii">{pii}</ELocationID>'
    )
    assert record.pages == pii


@pytest.mark.parametrize(
    ("issue", "year"),
    [
        ("<PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate></PubDate>", "1998"),
        ("<PubDate><MedlineDate>Spring 2001</MedlineDate></PubDate>", "2001"),
        ("<PubDate><Year>2003</Year><Season>Winter</Season></PubDate>", "2003"),
    ],
)
def test_odd_publication_dates(issue: str, year: str) -> None:
    assert article("<ArticleTitle>T.</ArticleTitle>", issue).year == year


def test_electronic_article_date_when_the_issue_has_none() -> None:
    record = article(
        '<ArticleTitle>T.</ArticleTitle><ArticleDate DateType="Electronic"><Year>2020</Year>'
        "<Month>02</Month><Day>03</Day></ArticleDate>",
        "<PubDate></PubDate>",
    )
    assert record.year == "2020"


def test_abstract_only_in_other_abstract_is_read() -> None:
    """PIP, KIE and NASA records (PMID 12255379, 1955) and some publishers' keep their only
    abstract in ``OtherAbstract``, a child of ``MedlineCitation`` beside ``Article``."""
    record = article(
        "<ArticleTitle>T.</ArticleTitle>",
        after='<OtherID Source="PIP">550018</OtherID><OtherAbstract Type="PIP" Language="eng">'
        "<AbstractText>Records of 500 births were compared.</AbstractText></OtherAbstract>"
        '<KeywordList Owner="PIP"><Keyword MajorTopicYN="N">Births</Keyword></KeywordList>',
    )
    assert record.abstract == "Records of 500 births were compared."


def test_the_english_other_abstract_is_read_and_languages_are_not_run_together() -> None:
    record = article(
        "<ArticleTitle>T.</ArticleTitle>",
        after='<OtherAbstract Type="Publisher" Language="spa"><AbstractText Label="OBJETIVO">'
        "Describir.</AbstractText></OtherAbstract>"
        '<OtherAbstract Type="Publisher"><AbstractText Label="OBJECTIVE">To describe.'
        "</AbstractText></OtherAbstract>",
    )
    assert record.abstract == "OBJECTIVE: To describe."


def test_other_abstract_never_replaces_the_abstract() -> None:
    record = article(
        "<ArticleTitle>T.</ArticleTitle><Abstract><AbstractText>Own.</AbstractText></Abstract>",
        after='<OtherAbstract Type="Publisher" Language="fre"><AbstractText>Autre.'
        "</AbstractText></OtherAbstract>",
    )
    assert record.abstract == "Own."


def book(document: str) -> Record:
    """The normalised record of one ``PubmedBookArticle`` whose ``BookDocument`` holds a Book
    (a group as its authors, one editor, its own DOI) and then ``document``."""
    body = f"""<?xml version="1.0" ?><PubmedArticleSet><PubmedBookArticle><BookDocument>
      <PMID Version="1">202</PMID><Book><Publisher><PublisherName>P</PublisherName></Publisher>
      <BookTitle book="g1">Guideline on Examples</BookTitle><PubDate><Year>2009</Year></PubDate>
      <AuthorList Type="authors"><Author><CollectiveName>Example Guideline Group (UK)
      </CollectiveName></Author></AuthorList>
      <AuthorList Type="editors"><Author><LastName>Roe</LastName><ForeName>Ann</ForeName></Author>
      </AuthorList><ELocationID EIdType="doi" ValidYN="Y">10.9999/book.1</ELocationID></Book>
      {document}</BookDocument></PubmedBookArticle></PubmedArticleSet>"""
    (record,) = parse_efetch(body.encode("utf-8"))
    return record.normalised()


def test_whole_book_takes_the_books_authors_and_doi() -> None:
    """A whole book (a guideline) names its authors and DOI in ``Book``, not ``BookDocument``."""
    record = book("<Language>eng</Language>")
    assert (record.title, record.authors, record.doi) == (
        "Guideline on Examples", ["Example Guideline Group (UK)"], "10.9999/book.1",
    )  # fmt: skip


def test_chapter_keeps_its_own_authors_and_not_the_books_doi() -> None:
    record = book(
        '<ArticleTitle>Chapter 2</ArticleTitle><AuthorList Type="authors"><Author>'
        "<LastName>Doe</LastName><ForeName>Jane</ForeName></Author></AuthorList>"
    )
    assert (record.title, record.authors, record.doi) == ("Chapter 2", ["Doe, Jane"], "")
