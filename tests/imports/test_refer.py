"""EndNote/Refer tagged text (``.enw``) with invented records.

No real Refer export is in ../shared; the layout follows what EndNote's "EndNote Export" style,
Google Scholar's "Import into EndNote" and publishers' "Download citation" write: a ``%0 Type``
line opens a record, one ``%X value`` line per field (``%A`` once per author), untagged lines
continue the previous field, a blank line between records. The values are made up.
"""

from __future__ import annotations

import pytest

from livingreview.errors import InputFileError
from livingreview.imports import detect_format, import_file
from livingreview.imports.refer import scan
from tests.imports import Variant
from tests.imports.checks import command_line_exits_2, scan_missing_a_start_fails

REFER = """%0 Journal Article
%A Park, Min
%A Lee, K. J.
%T Walking groups and café visits:
a randomised trial
%J Invented Walking Review
%D 2018
%8 2018 Mar 4
%V 7
%N 2
%P 45-52
%R 10.5555/inv.2019.001
%X Background: first line.
Results: second line.

Conclusions: a second paragraph.
%K walking
mood; adult
%K exercise
%@ 1111-2222
%M 31000001
%~ PubMed
%2 PMC7000001
%G eng
%U https://example.org/a
%I Invented Press

%0 Book Section
%A Roe, Ray
%T A chapter
%B A book
%8 March 2021
%U https://doi.org/10.5555/INV.2021.002
%@ 978-1-23-456789-7
%M WOS:000000000000002

%0 Journal Article
%T Only a title
%J Another Journal
%P e0123
"""


def test_records_and_every_field(variant_file: Variant) -> None:
    result = import_file(variant_file("citations.enw", REFER.encode()), "scholar")
    assert (result.format, result.records_in_file, len(result.records)) == ("refer", 3, 3)
    article, chapter, short = result.records
    assert article.authors == ["Park, Min", "Lee, K. J."]
    assert article.title == "Walking groups and café visits: a randomised trial"
    assert [article.journal, article.year, article.volume] == [
        "Invented Walking Review",
        "2018",
        "7",
    ]
    assert [article.issue, article.pages] == ["2", "45-52"]
    assert article.doi == "10.5555/inv.2019.001"
    assert article.abstract == (
        "Background: first line. Results: second line. Conclusions: a second paragraph."
    )
    assert article.keywords == ["walking", "mood", "adult", "exercise"]
    assert (article.issn, article.source_id, article.pmid, article.pmcid) == (
        "1111-2222",
        "31000001",
        "31000001",
        "PMC7000001",
    )
    assert (article.language, article.url) == ("eng", "https://example.org/a")
    assert article.publication_types == ["Journal Article"]
    assert article.record_id == "scholar:31000001"
    assert chapter.journal == "A book"  # %B when there is no %J
    assert chapter.year == "2021"  # from %8 when there is no %D
    assert chapter.doi == "10.5555/inv.2021.002"  # from a doi.org %U
    assert chapter.url == "https://doi.org/10.5555/INV.2021.002"
    assert (chapter.source_id, chapter.pmid, chapter.issn) == (
        "WOS:000000000000002",
        "",  # an accession number from another database is no PMID
        "978-1-23-456789-7",  # an ISBN is kept as it is
    )
    assert chapter.publication_types == ["Book Section"]
    assert (short.title, short.authors, short.pages) == ("Only a title", [], "e0123")
    assert (short.year, short.source_id) == ("", "")


def test_scan_counts_one_start_per_type_line() -> None:
    assert scan(REFER) == [1, 28, 37]
    assert scan("%A Smith, A\n%T One\n\n\n%A Jones, B\n%T Two\n") == [1, 5]


def test_blocks_without_a_type_line_are_records(variant_file: Variant) -> None:
    text = "%A Smith, Ann\n%T One\n%D 2001\n\n%T Two\n%A Jones, Bo\n%A Wu, C\n\n\n%T Three\n"
    path = variant_file("refer.txt", text.encode())
    assert detect_format(path, text) == "refer"
    result = import_file(path, "x")
    assert (result.records_in_file, [r.title for r in result.records]) == (
        3,
        ["One", "Two", "Three"],
    )
    assert result.records[1].authors == ["Jones, Bo", "Wu, C"]


@pytest.mark.parametrize("first", ["%0 Journal Article", "%A Smith, A", "%T A title"])
def test_detected_by_its_first_line_whatever_the_name(first: str, variant_file: Variant) -> None:
    text = f"{first}\n%J J\n%D 2020\n"
    path = variant_file("download.txt", text.encode())
    assert detect_format(path, text) == "refer"
    assert import_file(path, "x").format == "refer"


def test_encodings_read_the_same(variant_file: Variant) -> None:
    expected = import_file(variant_file("utf8.enw", REFER.encode()), "x").records
    crlf_bom = b"\xef\xbb\xbf" + REFER.replace("\n", "\r\n").encode()
    for name, data in [("bom.enw", crlf_bom), ("cp1252.enw", REFER.encode("cp1252"))]:
        result = import_file(variant_file(name, data), "x")
        assert result.records == expected, name
    assert import_file(variant_file("w.enw", REFER.encode("cp1252")), "x").encoding == "cp1252"


def test_text_before_the_first_tag_line_fails_with_its_line(variant_file: Variant) -> None:
    path = variant_file("stray.enw", ("Exported from somewhere\n" + REFER).encode())
    with pytest.raises(InputFileError, match="text outside a record") as error:
        import_file(path, "x", fmt="refer")
    assert "stray.enw, line 1:" in str(error.value)


def test_a_record_without_its_type_line_fails_naming_record_line_and_field(
    variant_file: Variant,
) -> None:
    text = REFER.replace("%0 Book Section\n", "")
    with pytest.raises(InputFileError, match="no '%0' line") as error:
        import_file(variant_file("merged.enw", text.encode()), "x")
    assert "merged.enw, record 2 (line 28), field '%0'" in str(error.value)


def test_a_type_line_with_nothing_after_it_fails(variant_file: Variant) -> None:
    text = REFER + "\n%0 Journal Article\n"
    with pytest.raises(InputFileError, match="no tag lines after it") as error:
        import_file(variant_file("cut.enw", text.encode()), "x")
    assert "record 4 (line 42)" in str(error.value)


def test_parser_and_scan_disagreeing_fails_reconciliation(
    variant_file: Variant, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan_missing_a_start_fails(monkeypatch, "refer", variant_file("r.enw", REFER.encode()))


def test_the_command_line_exits_2_without_a_traceback(variant_file: Variant, capsys) -> None:
    path = variant_file("merged.enw", REFER.replace("%0 Book Section\n", "").encode())
    command_line_exits_2(path, capsys, "merged.enw, record 2 (line 28), field '%0'")


#: The AIS eLibrary's layout: ``%T`` first in every record, ``%0`` second in some records only,
#: two blank lines between records.
TITLE_FIRST = """%T First invented title
%0 Journal Article
%A Ode, Ann
%B Invented Systems Quarterly
%D 2021
%V 4
%N 2
%P 10-20


%T Second invented title
%A Lu, Bo
%B Invented Conference 2019 Proceedings
%D 2019


%T Third invented title
%0 Journal Article
%B Invented Conference 2020 Proceedings
%D 2020
"""


def test_records_whose_type_line_comes_after_the_title_are_blocks(
    variant_file: Variant,
) -> None:
    path = variant_file("aisel.txt", TITLE_FIRST.encode())
    assert detect_format(path, TITLE_FIRST) == "refer"
    result = import_file(path, "x")
    assert result.records_in_file == 3
    got = [(r.title, r.publication_types, r.journal, r.year) for r in result.records]
    assert sorted(got) == [
        ("First invented title", ["Journal Article"], "Invented Systems Quarterly", "2021"),
        ("Second invented title", [], "Invented Conference 2019 Proceedings", "2019"),
        (
            "Third invented title",
            ["Journal Article"],
            "Invented Conference 2020 Proceedings",
            "2020",
        ),
    ]


@pytest.mark.parametrize(("glued", "record", "line"), [("%D 2019\n", 2, 15), ("%P 10-20\n", 1, 9)])
def test_two_records_without_a_blank_line_between_fail(
    glued: str, record: int, line: int, variant_file: Variant
) -> None:
    text = TITLE_FIRST.replace(glued + "\n\n", glued)
    with pytest.raises(InputFileError, match="a second '%T' line in one record") as error:
        import_file(variant_file("glued.txt", text.encode()), "x")
    assert f"glued.txt, record {record} (line {line}), field '%T'" in str(error.value)


def test_a_second_type_line_in_one_block_fails(variant_file: Variant) -> None:
    text = TITLE_FIRST.replace("%A Lu, Bo\n", "%0 Book\n%A Lu, Bo\n%0 Journal Article\n")
    with pytest.raises(InputFileError, match="a second '%0' line in one record") as error:
        import_file(variant_file("twice.txt", text.encode()), "x")
    assert "twice.txt, record 2 (line 14), field '%0'" in str(error.value)


def test_pubmed_address_gives_the_pmid_when_no_database_is_named(variant_file: Variant) -> None:
    text = (
        "%0 Journal Article\n%T An invented cohort\n%U https://pubmed.ncbi.nlm.nih.gov/25000003/\n"
    )
    (record,) = import_file(variant_file("cite.enw", text.encode()), "refer").records
    assert record.pmid == "25000003"


def test_translated_title_is_the_title_when_there_is_no_other(variant_file: Variant) -> None:
    """``%Q`` (EndNote's translated title) was dropped: a record whose only title it is had
    none. It is the title when there is no ``%T``, as RIS's ``TT`` is; beside a ``%T`` the
    ``%T`` stays the title."""
    text = (
        "%0 Journal Article\n%A Souza, Ana\n%Q An invented trial of school meals\n"
        "%J Revista Inventada\n%D 2020\n\n%0 Journal Article\n%A Souza, Ana\n"
        "%T Um ensaio inventado de merenda escolar\n%Q An invented trial of school meals\n"
        "%J Revista Inventada\n%D 2020\n"
    )
    only, both = import_file(variant_file("translated.enw", text.encode()), "scielo").records
    assert only.title == "An invented trial of school meals"
    assert both.title == "Um ensaio inventado de merenda escolar"
