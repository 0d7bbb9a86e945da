"""EndNote XML exports with invented records.

No real EndNote XML export is in ../shared; the layout follows EndNote's ``File > Export > XML``
output as seen in public repositories: ``<xml><records><record>``, text in ``<style>`` runs,
``&#xD;`` line breaks, ``DOI `` prefixes in ``electronic-resource-num``. The values are made up.
"""

from __future__ import annotations

import pytest

from livingreview.errors import ImportReconciliationError, InputFileError
from livingreview.imports import detect_format, import_file
from tests.imports import Variant
from tests.imports.checks import command_line_exits_2

S = '<style face="normal" font="default" size="100%">'
ENDNOTE = f"""<?xml version="1.0" encoding="UTF-8" ?><xml><records>
<record><database name="Invented.enl" path="C:/Invented.enl">Invented.enl</database>
<source-app name="EndNote" version="20.0">EndNote</source-app><rec-number>1</rec-number>
<ref-type name="Journal Article">17</ref-type>
<contributors><authors><author>{S}Park, Min</style></author>
<author>{S}Lee, K. J.</style></author></authors>
<secondary-authors><author>Editor, Not An Author</author></secondary-authors></contributors>
<titles><title>{S}Walking groups and </style><style face="italic" font="default" \
size="100%">Café</style>{S} visits: a trial</style></title>
<secondary-title>{S}Invented Journal of Health</style></secondary-title></titles>
<periodical><full-title>{S}Invented Journal of Health</style></full-title></periodical>
<pages>{S}123-130</style></pages><volume>{S}12</style></volume><number>{S}3</style></number>
<keywords><keyword>{S}walking</style></keyword><keyword>{S}mood&#xD;adult</style></keyword>
</keywords>
<dates><year>{S}2019</style></year><pub-dates><date>{S}Mar</style></date></pub-dates></dates>
<isbn>{S}1111-2222 (Print)&#xD;3333-4444 (Linking)</style></isbn>
<accession-num>{S}31000001</style></accession-num>
<abstract>{S}Background: first line.&#xD;Results: second line &amp; more.</style></abstract>
<urls><related-urls><url>{S}https://example.org/a</style></url></related-urls></urls>
<custom2>{S}PMC7000001</style></custom2>
<electronic-resource-num>{S}DOI 10.5555/inv.2019.001</style></electronic-resource-num>
<remote-database-name>{S}PubMed</style></remote-database-name>
<remote-database-provider>{S}NLM</style></remote-database-provider>
<language>{S}eng</style></language></record>
<record><rec-number>2</rec-number><ref-type name="Book Section">5</ref-type>
<contributors><authors><author>Roe, Ray</author></authors></contributors>
<titles><title>A chapter</title><secondary-title>A book</secondary-title></titles>
<dates><year>c2021</year></dates><accession-num>WOS:000000000000002</accession-num>
</record>
</records></xml>
"""


def test_records_and_every_field(variant_file: Variant) -> None:
    result = import_file(variant_file("library.xml", ENDNOTE.encode()), "endnote")
    assert (result.format, result.records_in_file, len(result.records)) == ("endnote_xml", 2, 2)
    article, chapter = result.records
    assert article.title == "Walking groups and Café visits: a trial"
    assert article.authors == ["Park, Min", "Lee, K. J."]  # editors are not authors
    assert (article.journal, article.year, article.volume, article.issue, article.pages) == (
        "Invented Journal of Health",
        "2019",
        "12",
        "3",
        "123-130",
    )
    assert (article.source_id, article.pmid, article.pmcid) == (
        "31000001",
        "31000001",
        "PMC7000001",
    )
    assert article.doi == "10.5555/inv.2019.001"
    assert article.issn == "1111-2222; 3333-4444"
    assert article.abstract == "Background: first line. Results: second line & more."
    assert article.keywords == ["walking", "mood", "adult"]
    assert (article.publication_types, article.language) == (["Journal Article"], "eng")
    assert article.url == "https://example.org/a"
    assert (chapter.source_id, chapter.pmid, chapter.year) == ("WOS:000000000000002", "", "2021")
    assert chapter.journal == "A book"
    assert chapter.publication_types == ["Book Section"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bom_crlf.xml", b"\xef\xbb\xbf" + ENDNOTE.replace("\n", "\r\n").encode()),
        ("cp1252.xml", ENDNOTE.replace("UTF-8", "windows-1252").encode("cp1252")),
        ("utf16.xml", ENDNOTE.replace("UTF-8", "UTF-16").encode("utf-16")),
    ],
)
def test_encodings_and_line_endings(variant_file: Variant, name: str, data: bytes) -> None:
    result = import_file(variant_file(name, data), "endnote")
    assert (result.format, len(result.records)) == ("endnote_xml", 2)
    assert result.records[0].title == "Walking groups and Café visits: a trial"
    assert result.records[0].abstract.endswith("second line & more.")


def test_detected_from_content_under_any_name(variant_file: Variant) -> None:
    path = variant_file("export.txt", ENDNOTE.encode())
    assert detect_format(path, ENDNOTE) == "endnote_xml"
    assert import_file(path, "endnote").format == "endnote_xml"


def test_a_cut_export_names_the_record_and_line(variant_file: Variant) -> None:
    cut = ENDNOTE[: ENDNOTE.index("<titles><title>A chapter")]
    with pytest.raises(InputFileError, match="malformed XML at line 26") as error:
        import_file(variant_file("cut.xml", cut.encode()), "endnote")
    assert "cut.xml, record 2 (line 24)" in str(error.value)


#: A record as EndNote opens every record (library, application, number, key, type) and nothing
#: after it: an invented empty reference.
PREAMBLE_ONLY = (
    '<record><database name="Invented.enl" path="C:/Invented.enl">Invented.enl</database>'
    '<source-app name="EndNote" version="20.0">EndNote</source-app><rec-number>7</rec-number>'
    '<foreign-keys><key app="EN" db-id="inv0000000000">7</key></foreign-keys>'
    '<ref-type name="Journal Article">17</ref-type></record>'
)


@pytest.mark.parametrize("record", ["<record></record>", "<record/>", PREAMBLE_ONLY])
def test_a_record_with_no_field_among_real_ones_is_refused(
    variant_file: Variant, capsys: pytest.CaptureFixture[str], record: str
) -> None:
    """A ``<record>`` with nothing after EndNote's number and type was read as an empty record
    (exit 0; ``<record/>`` failed reconciliation, the scan not counting it): refused naming its
    record and line, as RIS's bare ``TY`` line is."""
    second = ENDNOTE.index("<record><rec-number>2")
    text = ENDNOTE[:second] + record + "\n" + ENDNOTE[second:]
    path = variant_file("empty_record.xml", text.encode())
    with pytest.raises(InputFileError) as error:
        import_file(path, "endnote")
    assert "empty_record.xml, record 2 (line 24): a <record> with no field after its number" in (
        str(error.value)
    )
    command_line_exits_2(path, capsys, "a <record> with no field after its number and type")


def test_a_hand_broken_tag_names_its_line(variant_file: Variant) -> None:
    broken = ENDNOTE.replace("<volume>", "<volume", 1)
    with pytest.raises(InputFileError, match="not well-formed") as error:
        import_file(variant_file("broken.xml", broken.encode()), "endnote")
    assert "record 1 (line 2)" in str(error.value)


@pytest.mark.parametrize(
    "declaration",
    [
        '<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
        '<!DOCTYPE xml SYSTEM "file:///etc/passwd">',
    ],
)
def test_dtd_and_entities_are_refused_not_expanded(variant_file: Variant, declaration: str) -> None:
    text = ENDNOTE.replace("?><xml>", f"?>\n{declaration}\n<xml>").replace("walking", "&b;")
    with pytest.raises(InputFileError, match="declares a DTD or entities") as error:
        import_file(variant_file("entities.xml", text.encode()), "endnote", fmt="endnote_xml")
    assert "entities.xml, line 2" in str(error.value)


def test_a_record_outside_records_fails_reconciliation(variant_file: Variant) -> None:
    text = ENDNOTE.replace("</records></xml>", "</records><record><titles/></record></xml>")
    with pytest.raises(ImportReconciliationError, match="has 3 records but the endnote_xml"):
        import_file(variant_file("extra.xml", text.encode()), "endnote")


def test_another_xml_is_still_refused(variant_file: Variant) -> None:
    path = variant_file("pubmed.xml", b"<?xml version='1.0'?><PubmedArticleSet/>\n")
    with pytest.raises(InputFileError, match="XML/HTML is not a supported export format"):
        import_file(path, "x")
    with pytest.raises(InputFileError, match="root element is <PubmedArticleSet>"):
        import_file(path, "x", fmt="endnote_xml")


def test_pubmed_address_gives_the_pmid_when_no_database_is_named(variant_file: Variant) -> None:
    # Bookends writes EndNote XML with the PubMed address and the PMID as accession number but
    # no remote database; a PubMed address alone names the PMID too.
    record = (
        "<record><ref-type name='Journal Article'>17</ref-type>"
        "<titles><title>An invented cohort</title></titles>"
        f"<accession-num>{S}{{acc}}</style></accession-num><urls><related-urls>"
        f"<url>{S}http://www.ncbi.nlm.nih.gov/pubmed/{{pmid}}</style></url>"
        "</related-urls></urls></record>"
    )
    text = (
        "<?xml version='1.0' encoding='UTF-8'?><xml><records>"
        + record.format(acc="25000001", pmid="25000001")
        + record.format(acc="WOS:000000000000009", pmid="25000002")
        + "</records></xml>"
    )
    records = import_file(variant_file("bookends.xml", text.encode()), "bookends").records
    assert [(r.source_id, r.pmid) for r in records] == [
        ("25000001", "25000001"),
        ("WOS:000000000000009", "25000002"),
    ]


def test_translated_title_is_the_title_when_there_is_no_other(variant_file: Variant) -> None:
    """``<titles><translated-title>`` (after ``<short-title>``, as EndNote writes it) was
    dropped: a record whose only title it is had none. It is the title when there is no
    ``<title>``, as RIS's ``TT`` is; beside a ``<title>`` the ``<title>`` stays the title."""
    translated = (
        f"<translated-title>{S}An invented trial of school meals</style></translated-title>"
    )
    only = (
        '<record><rec-number>3</rec-number><ref-type name="Journal Article">17</ref-type>'
        f"<titles><secondary-title>{S}Revista Inventada</style></secondary-title>"
        f"<short-title>{S}Merenda</style></short-title>{translated}</titles>"
        f"<dates><year>{S}2020</style></year></dates></record>\n"
    )
    text = ENDNOTE.replace(
        "<secondary-title>A book</secondary-title></titles>",
        f"<secondary-title>A book</secondary-title>{translated}</titles>",
    ).replace("</records>", only + "</records>")
    records = import_file(variant_file("translated.xml", text.encode()), "endnote").records
    assert [r.title for r in records] == [
        "Walking groups and Café visits: a trial",
        "A chapter",
        "An invented trial of school meals",
    ]
