"""Real field values, read from the real exports, for every format."""

from __future__ import annotations

import logging

import pytest

from livingreview.imports import import_file
from livingreview.records import Record
from tests.imports import Real


def records(real: Real, relative: str) -> list[Record]:
    return import_file(real(relative), "src").records


# --------------------------------------------------------------------------- RIS


def test_scopus_ris(real: Real) -> None:
    first, second, third = records(real, "exports/ris/synthesisr_Scopus.ris")
    assert first.doi == "10.1080/20964129.2020.1722034"
    assert first.source_id == "2-s2.0-85079532227"  # the EID from the record URL
    assert first.record_id == "src:2-s2.0-85079532227"
    assert first.authors[:2] == ["Li, W.", "Dou, Z."]
    assert first.authors[-1] == "Pan, X."
    assert len(first.authors) == 10
    assert first.year == "2020"
    assert first.journal == "Ecosystem Health and Sustainability"
    assert (first.volume, first.issue, first.pages) == ("6", "1", "1722034")
    assert first.issn == "2096-4129"  # "20964129 (ISSN) "
    assert first.language == "English"
    assert second.doi == "10.1080/20964129.2020.1749010"
    assert third.title.startswith("Application of Digital Processing")


def test_ovid_ris_numbered_lines_and_doi_url(real: Real) -> None:
    result = import_file(real("exports/ris/synthesisr_Ovid.ris"), "ovid")
    first, second = result.records[:2]
    assert first.doi == "10.4236/ojf.2020.101008"  # DO  - http://dx.doi.org/...
    assert first.title == "Detection of retention trees on clearcuts, a 50-year perspective."
    assert first.authors == ["Holmstrom, E.", "Nordstrom, E.", "Lariviere, D.", "Wallin, I."]
    assert first.journal == "Open Journal of Forestry"
    assert first.pages == "110-123"
    assert first.year == "2020"  # Y1  - 2020//
    assert first.source_id == "20203152553"
    assert second.doi == "10.1098/rspb.2019.1969"
    assert "Link to the Ovid" not in " ".join(r.abstract for r in result.records)


def test_psycnet_ris_preamble_and_four_letter_pmid_tag(real: Real) -> None:
    (record,) = records(real, "exports/ris/colrev_psycnet_psycinfo_anonymized.ris")
    assert record.pmid == "33355555"
    assert record.doi == "10.1011/hea0004444"
    assert record.source_id == "2020-55555-005"
    assert record.title == "Primary Title"
    assert record.authors[0] == "Author-One, Matthias"
    assert record.authors[-1] == "Author-Five, David B."
    assert record.pages == "1023-1095"
    assert record.issn == "1999-7777; 0222-6666"
    assert record.keywords[0] == "Keyword one"  # '*' major-term marker removed
    assert "Provider" not in record.title + record.abstract


def test_ebsco_ris_doi_in_l3_and_copyright_abstract_dropped(real: Real) -> None:
    first, second = records(real, "exports/ris/synthesisr_EBSCO_ASP.ris")[:2]
    assert first.doi == "10.1016/j.agee.2016.06.041"
    assert first.authors == [
        "Rodríguez-Pastor, Ruth",
        "Luque-Larena, Juan José",
        "Lambin, Xavier",
        "Mougeot, François",
    ]
    assert first.abstract.startswith("Small rodents are common inhabitants of farmlands")
    assert "Copyright of" not in first.abstract
    assert first.source_id == "117372971"
    assert first.year == "2016"
    assert first.issn == "0167-8809"
    assert second.title == "£330,000 Welsh farmer scheme helps reduce flooding."


def test_bom_before_first_ty_keeps_record_one(real: Real) -> None:
    result = import_file(real("exports/ris/synthesisr_citesource_issue_24.ris"), "src")
    first = result.records[0]
    assert result.encoding == "utf-8-sig"
    assert first.title == (
        "Effects of artificial light on bird movement and distribution: a systematic map"
    )
    assert first.source_id == "pub.1143865007"
    assert first.doi == "10.1186/s13750-021-00246-8"
    assert first.url == "https://app.dimensions.ai/details/publication/pub.1143865007"
    jats = result.records[15].abstract  # JATS markup in AB, stripped
    assert "<" not in jats
    assert jats.startswith("Abstract Background Several challenges")


def test_multiline_ris_values_are_joined(real: Real) -> None:
    result = import_file(real("exports/ris/rispy_example_multiline.ris"), "src")
    expected = "first line, ER then second line and at the end the last line"
    assert [r.abstract for r in result.records] == [expected] * 3


def test_refmanager_ris_two_issns_and_unicode_authors(real: Real) -> None:
    first, second = records(real, "exports/ris/citesource_pubmed_via_refmanager_46.ris")[:2]
    assert first.issn == "1573-3602; 1050-5350"
    assert first.doi == "10.1007/s10899-022-10185-9"
    assert first.pages == "1-19"
    assert first.source_id == ""
    assert second.authors[2] == "Schiöth, Helgi B."
    assert second.authors[5] == "Åslund, Cecilia"


# --------------------------------------------------------------------------- MEDLINE / nbib


def test_nbib_fields(real: Real) -> None:
    first, second, third = records(real, "exports/nbib/synthesisr_PubMed.nbib.txt")
    assert first.pmid == first.source_id == "28441597"
    assert first.doi == "10.1016/j.scitotenv.2017.04.075"  # LID holds a pii and a doi
    assert first.title.startswith("Differences in nitrate and phosphorus export")
    assert first.authors[:2] == ["Neilen, Amanda D", "Chen, Chengrong R"]
    assert first.journal == "The Science of the total environment"
    assert (first.volume, first.pages, first.year) == ("598", "188-197", "2017")
    assert first.issn == "1879-1026; 0048-9697"
    assert "Journal Article" in first.publication_types
    assert second.issue == "5"
    assert "Agri-environment Schemes" in second.keywords
    assert third.pmid == "29967742"  # last record, no trailing newline
    assert third.doi == "10.7717/peerj.5082"


def test_medline_text_pmc_and_leading_blank_line(real: Real) -> None:
    first = records(real, "pubmed/medline/pubmed_result2.txt")[0]
    assert first.pmid == "16403221"
    assert first.pmcid == "PMC1373603"
    assert first.doi == "10.1186/1471-2105-7-10"
    methods = records(real, "exports/nbib/synthesisr_res_synth_methods.nbib.txt")
    assert methods[0].pmid == "32336025"
    assert methods[0].doi == "10.1002/jrsm.1411"
    assert methods[1].authors == ["Westgate, Martin J"]


# --------------------------------------------------------------------------- Web of Science


def test_wos_ciw_fields(real: Real) -> None:
    first, second = records(real, "exports/wos/synthesisr_WoS.ciw")[:2]
    assert first.source_id == "WOS:000514379300001"
    assert first.doi == "10.1080/20964129.2020.1722034"
    assert first.authors[0] == "Li, Wei"
    assert first.authors[-1] == "Pan, Xu"
    assert len(first.authors) == 10
    assert first.title == (
        "Soil fauna diversity at different stages of reed restoration in a lakeshore wetland "
        "at Lake Taihu, China"
    )  # continuation line joined
    assert first.pages == "1722034"  # AR UNSP 1722034
    assert first.issn == "2096-4129; 2332-8878"
    assert second.pages == "9-20"
    assert second.journal == "JOURNAL OF AESTHETICS AND ART CRITICISM"


def test_wos_plain_text_fields(real: Real) -> None:
    first, second = records(real, "exports/wos/rispy_example_wos.txt")
    assert first.pmid == "15170338"
    assert first.doi == "10.1021/bi049798f"
    assert first.authors == ["Parkes-Loach, PS", "Majeed, AP", "Law, CJ", "Loach, PA"]
    assert first.pages == "7003-7016"
    assert first.keywords[:2] == ["CHEMICALLY SYNTHESIZED POLYPEPTIDES", "IN-VITRO RECONSTITUTION"]
    assert first.publication_types == ["Article"]
    assert first.language == "English"
    assert second.source_id == "WOS:000221807500020"
    sample = records(real, "exports/wos/wos_sample.txt")
    assert sample[1].keywords[:4] == [
        "bibliometric analysis",
        "item response theory (IRT)",
        "biblioshiny",
        "bibliometrix",  # DE wrapped onto a continuation line
    ]
    assert sample[1].authors == ["Buyukkidik, Serap"]  # AF, the full name


# --------------------------------------------------------------------------- BibTeX


def test_scopus_bibtex_duplicate_field_entry_is_recovered(real: Real) -> None:
    li, cao, tang = records(real, "exports/bibtex/synthesisr_Scopus.bib")
    assert li.doi == "10.1080/20964129.2020.1722034"  # this entry is a failed block
    assert li.source_id == "2-s2.0-85079532227"
    assert li.authors[0] == "Li, W."
    assert li.pages == "1722034"
    assert li.issn == "2096-4129"
    assert li.abstract.startswith("Introduction: Wetland soil fauna")
    assert cao.doi == "10.1080/20964129.2020.1749010"
    assert tang.authors == ["Tang, H.", "Geng, G.", "zhou, M."]


def test_wos_bibtex_key_with_space_apos_entity_and_escaped_doi(real: Real) -> None:
    result = import_file(real("exports/bibtex/colrev_wos_anonymized.bib"), "src")
    proceedings, article = result.records
    assert result.encoding == "utf-8-sig"
    assert proceedings.source_id == "WOS:000223334444221"
    assert proceedings.doi == "10.1007/999-9-999-99999-9_3"  # 9\_3 in the file
    assert proceedings.journal == "A BOOKTITLE"
    assert article.title == "A dummy title's"  # &apos;
    assert article.authors == ["Articlewriter, Julian", "Guestwriter, Paul"]
    assert article.pages == "111-188"


def test_europepmc_bibtex_html_abstract_and_pmid_key(real: Real) -> None:
    article, preprint = records(real, "exports/bibtex/colrev_europepmc_anonymized.bib")
    assert article.pmid == "18888888"
    assert article.source_id == "PMID:18888888"
    assert "<" not in article.abstract
    assert article.abstract.endswith("(P = 0.05) and (P = 0.03)")
    assert preprint.source_id == "PPR:PPR666666"
    assert preprint.publication_types == ["misc"]


def test_ebsco_bibtex_entry_with_unbalanced_keywords_is_read_line_by_line(
    real: Real, caplog: pytest.LogCaptureFixture
) -> None:
    path = real("exports/bibtex/colrev_ebsco.bib")
    with caplog.at_level(logging.WARNING, logger="livingreview.imports.bibtex"):
        result = import_file(path, "src")
    first, second = result.records
    assert result.records_in_file == 2
    assert first.title == "Paper title."
    assert first.authors == ["Smith, Tom", "Steward, Hugo"]
    assert first.keywords == ["Keyword 1", "keyword 2"]
    assert first.source_id == "11111111111111111"  # AN= in the URL
    assert second.title == "When sharing fixes prices."  # after the Keywords line
    assert second.authors == ["Cruise, Tom"]  # "Tom Cruise"
    assert second.journal == "Journal of Technology"
    assert second.abstract == "While price-fixing"
    assert second.keywords[:3] == ["Price fixing", "Sharing economy", "Antitrust law"]
    assert "@type:Person" in second.keywords  # the scraped text is kept, without its braces
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert str(path) in warning
    assert "record 2 (line 15)" in warning
    assert "'Keywords'" in warning


# --------------------------------------------------------------------------- CSV and JSON


def test_scopus_csv(real: Real) -> None:
    first, second = records(real, "exports/scopus/scopus_sample.csv")[:2]
    assert first.source_id == "2-s2.0-105030721984"
    assert first.pmid == ""  # "NA"
    assert first.authors == ["Liu, Fengyuan", "Li, Chunyun", "Liu, Yong", "Li, Yufei"]
    assert first.issn == "2055-2076"
    assert second.pmid == "41494690"
    assert second.doi == "10.1080/08164622.2025.2601299"
    assert (second.volume, second.issue, second.pages) == ("109", "2", "307-319")
    assert second.journal == "Clinical and Experimental Optometry"
    assert second.year == "2026"
    assert second.keywords[0] == "African optometry"


def test_pubmed_csv(real: Real) -> None:
    first, second = records(real, "exports/pubmed_csv/colrev_pubmed_chatbot.csv")[:2]
    assert first.pmid == first.source_id == "35227408"
    assert first.authors == ["Lim SM", "Shiau CWC", "Cheng LJ", "Lau Y"]
    assert first.journal == "Behav Ther"
    assert (first.volume, first.issue, first.pages) == ("53", "2", "334-347")
    assert first.doi == "10.1016/j.beth.2021.09.007"
    assert second.pmcid == "PMC8669585"
    assert second.pages == "e27850"


def test_openalex_csv(real: Real) -> None:
    first, second = records(real, "exports/openalex/openalex_sample.csv")[:2]
    assert first.source_id == "W2755950973"
    assert first.doi == "10.1016/j.joi.2017.08.007"  # from https://doi.org/...
    # '|'-joined display names, turned family first as the OpenAlex API client turns them
    assert first.authors == ["Aria, Massimo", "Cuccurullo, Corrado"]
    assert first.journal == "Journal of Informetrics"
    assert first.year == "2017"
    assert first.issn == "1751-1577"
    assert second.abstract.startswith("This study aims to explore the usage of Open-source")


def test_publish_or_perish_json(real: Real) -> None:
    result = import_file(real("exports/google_scholar/colrev_publish_or_perish_gs.json"), "gs")

    def by_title(prefix: str) -> Record:
        (match,) = [r for r in result.records if r.title.startswith(prefix)]
        return match

    first = result.records[0]
    assert result.encoding == "utf-8-sig"
    assert first.source_id == "GS:10955542985646283611"
    assert first.authors == ["Guo, W", "Straub, D", "Zhang, P", "Cai, Z"]
    assert first.year == "2021"
    assert first.journal == "MIS Quarterly"
    assert first.volume == first.pages == ""  # 0 means unknown
    no_uid = by_title("MICROSOURCING AND SWOT ANALYSIS")
    assert no_uid.source_id == ""
    assert no_uid.record_id.startswith("gs:h")
    assert by_title("Microsourcing Job Provider Maturity Model").authors == [
        "Janom, N",
        "Bakar, NHA",
        "Arshad, NH",
    ]  # the '...' placeholder is not an author
    assert by_title("Examining the antecedent factors").doi == "10.1007/s10796-013-9440-y"
