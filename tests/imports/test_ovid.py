"""Ovid tagged exports (Citavi / EndNote / Reference Manager formats) with invented records.

No real Ovid tagged export is in ../shared; the layouts below follow real Embase, PsycINFO and
BIOSIS exports seen in public repositories: ``<N. >`` result lines, ``VN``/``DB`` lines, ``UI``
ids, ``SO`` citations, indented and unindented continuation lines and blank lines inside a record.
The values are made up.
"""

from __future__ import annotations

import pytest
import yaml

from livingreview.config import schema_path
from livingreview.errors import ImportReconciliationError, InputFileError
from livingreview.imports import import_file
from tests.imports import Variant
from tests.imports.checks import command_line_exits_2

EMBASE_ENDNOTE = """<101. >
VN  - Ovid Technologies
DB  - Embase
UI  - 600000001
ST  - CONFERENCE ABSTRACT
TI  - Walking groups and mood in older adults: a pilot study.
SO  - Journal of Invented Studies. Conference: Annual Meeting. Spain. 12 (Supplement 3) (no \
pagination), 2018. Date of Publication: 2018.
AU  - Park M.
AU  - Lee K.J.
IN  - (Park, Lee) Invented University, Somewhere, Country
      (Lee) Second Institute, Elsewhere, Country
MH  - *walking
MH  - adult
AB  - Background: A first paragraph.\x20
Method(s): A paragraph at the margin, as the EndNote format writes it.\x20
Conclusion(s): The last paragraph.
IS  - 1111-2222
DO  - http://dx.doi.org/10.5555/inv.2018.001
LG  - English
PT  - Conference Abstract
YR  - 2018

<102. >
VN  - Ovid Technologies
DB  - Embase
UI  - 600000002
TI  - Cycling to work: a cohort.
SO  - Invented Journal of Health. 45 (3) (pp 123-130), 2019. Date of Publication: March 2019.
AU  - Roe R.
PM  - 31000002
IS  - 3333-4444
PT  - Article
YR  - 2019



"""

PSYCINFO_CITAVI = """ <7. >
 VN  - Ovid Technologies
 DB  - PsycINFO
 AN  - Peer Reviewed Journal: 2015-00000-012.
 TI  - Reassurance in invented groups. [References].
 DP  - Sep 2015
 AU  - Doe, Jane
 AU  - Roe, Ray
 IN  - Doe, Jane: Invented University
 \n       Roe, Ray: Another University
 SO  - Journal of Invented Psychology. Vol.43(5), Sep 2015, pp. 623-634.
 IS  - 1352-0000
 IT  - 1469-0000
 PT  - Journal
 PT  - Peer Reviewed Journal
 DT  - Journal Article
 AB  - An invented abstract.
 DO  - http://dx.doi.org/10.5555/inv.2015.012
 PM  - 24000001
 GS  - <b>Sponsor: </b>Invented Foundation
 <b>Other Details: </b>Grant
 \n JN  - Journal of Invented Psychology
 VO  - 43
 IP  - 5
 PG  - 623-634
 XL  - http://ovidsp.ovid.com/ovidweb.cgi?T=JS&AN=2015-00000-012
"""

MEDLINE_NO_MARKERS = """VN  - Ovid Technologies
DB  - Ovid MEDLINE(R) ALL
UI  - 32000001
TI  - Invented trial of stairs.
SO  - Invented Journal. 7(2):101-9, 2020 Feb.
FA  - Park, Min
AU  - Park M
PT  - Journal Article
PT  - Randomized Controlled Trial
YR  - 2020

VN  - Ovid Technologies
DB  - Ovid MEDLINE(R) ALL
UI  - 32000002
TI  - Second invented trial.
YR  - 2021
"""


def test_embase_endnote_export_is_read_not_refused_as_xml(variant_file: Variant) -> None:
    result = import_file(variant_file("embase.cgi", EMBASE_ENDNOTE.encode()), "embase")
    first, second = result.records
    assert (result.format, result.records_in_file, len(result.records)) == ("ovid", 2, 2)
    assert first.source_id == "600000001"
    assert first.pmid == ""  # an Embase id is no PubMed id
    assert first.title == "Walking groups and mood in older adults: a pilot study."
    assert first.authors == ["Park M.", "Lee K.J."]
    assert (first.year, first.journal) == ("2018", "Journal of Invented Studies")
    assert (first.volume, first.issue, first.pages) == ("12", "Supplement 3", "")
    assert first.doi == "10.5555/inv.2018.001"
    assert first.issn == "1111-2222"
    assert first.publication_types == ["Conference Abstract"]
    assert first.keywords == ["walking", "adult"]
    assert first.abstract == (  # the paragraphs at the margin are kept, not taken for junk
        "Background: A first paragraph. Method(s): A paragraph at the margin, as the EndNote "
        "format writes it. Conclusion(s): The last paragraph."
    )
    assert (second.volume, second.issue, second.pages) == ("45", "3", "123-130")
    assert (second.pmid, second.journal) == ("31000002", "Invented Journal of Health")


def test_psycinfo_citavi_export_with_indented_lines(variant_file: Variant) -> None:
    data = PSYCINFO_CITAVI.replace("\n", "\r\n").encode("utf-8")
    (record,) = import_file(variant_file("psycinfo.ovd", data), "psycinfo").records
    assert record.source_id == "2015-00000-012"
    assert record.title == "Reassurance in invented groups."
    assert record.authors == ["Doe, Jane", "Roe, Ray"]
    assert (record.journal, record.volume, record.issue) == (
        "Journal of Invented Psychology",
        "43",
        "5",
    )
    assert (record.pages, record.year, record.pmid) == ("623-634", "2015", "24000001")
    assert record.issn == "1352-0000; 1469-0000"
    assert record.publication_types == ["Journal Article"]
    assert record.doi == "10.5555/inv.2015.012"
    assert record.url.startswith("http://ovidsp.ovid.com/")


def test_medline_records_without_result_lines(variant_file: Variant) -> None:
    result = import_file(variant_file("medline.txt", MEDLINE_NO_MARKERS.encode()), "ovid")
    first, second = result.records
    assert (result.format, result.records_in_file) == ("ovid", 2)
    assert (first.pmid, second.pmid) == ("32000001", "32000002")  # UI of a MEDLINE record
    assert first.authors == ["Park, Min"]  # the full names, not the short AU
    assert (first.journal, first.volume, first.issue, first.pages) == (
        "Invented Journal",
        "7",
        "2",
        "101-9",
    )


def test_a_missing_result_line_fails_instead_of_merging(variant_file: Variant) -> None:
    text = EMBASE_ENDNOTE.replace("<102. >\n", "")
    with pytest.raises(ImportReconciliationError) as error:
        import_file(variant_file("embase.ovd", text.encode()), "embase")
    assert "has 1 records but the ovid parser read 2" in str(error.value)
    assert "record 2" in str(error.value)


def test_a_cut_export_ending_in_a_result_line_fails(variant_file: Variant) -> None:
    path = variant_file("cut.ovd", (EMBASE_ENDNOTE.rstrip() + "\n\n<103. >\n").encode())
    with pytest.raises(InputFileError, match="no tag lines after it") as error:
        import_file(path, "embase")
    assert "record 3" in str(error.value)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (MEDLINE_NO_MARKERS.replace("\n\nVN", "\n\nVN  - Ovid Technologies\n\nVN"), "2 (line 12"),
        (MEDLINE_NO_MARKERS + "\nVN  - Ovid Technologies\n", "3 (line 18"),  # cut after it
        (
            EMBASE_ENDNOTE.replace("<102. >\n", "<102. >\nVN  - Ovid Technologies\n\n<103. >\n"),
            "2 (line 23",
        ),
    ],
    ids=["no-markers", "cut-after-vn", "after-result-line"],
)
def test_a_record_that_is_its_vn_line_alone_fails(
    variant_file: Variant, capsys: pytest.CaptureFixture[str], text: str, where: str
) -> None:
    """A record holding nothing but the ``VN  - Ovid Technologies`` line that opens every record
    was read as an empty record (exit 0), the twin of a bare ``<N. >`` line: refused."""
    path = variant_file("vn_alone.txt", text.encode())
    with pytest.raises(InputFileError) as error:
        import_file(path, "ovid")
    assert f"record {where}): a 'VN' line with no tag lines after it" in str(error.value)
    command_line_exits_2(path, capsys, "a 'VN' line with no tag lines after it (a cut export?)")


def test_a_tag_before_any_record_start_fails(variant_file: Variant) -> None:
    path = variant_file("headless.txt", b"TI  - A title\nVN  - Ovid Technologies\nUI  - 1\n")
    with pytest.raises(InputFileError, match="outside a record"):
        import_file(path, "ovid", fmt="ovid")


def test_ris_numbered_with_result_lines_stays_ris(variant_file: Variant) -> None:
    text = "<1. >\nTY  - JOUR\nTI  - Numbered RIS\nIS  - 4\nER  - \n\n"
    text += "<2. >\nTY  - JOUR\nTI  - Two\nER  - \n"
    result = import_file(variant_file("ovid.ris", text.encode()), "ovid")
    assert (result.format, len(result.records)) == ("ris", 2)
    assert result.records[0].issue == "4"


def test_the_format_can_be_named_on_the_command_line(variant_file: Variant, tmp_path) -> None:
    from livingreview.cli import build_parser, main
    from livingreview.imports import FORMATS

    for fmt in FORMATS:  # every importer can be named (argparse exits on an unknown choice)
        assert build_parser().parse_args(["import", "x.txt", "--format", fmt]).format == fmt
    schema = yaml.safe_load(schema_path().read_text())
    import_format = schema["$defs"]["import"]["properties"]["format"]
    assert import_format["enum"] == ["auto", *FORMATS]  # and in a protocol's imports section
    path = variant_file("embase.cgi", EMBASE_ENDNOTE.encode())
    out = tmp_path / "records.csv"
    assert main(["import", str(path), "--format", "ovid", "--out", str(out)]) == 0
    assert out.read_text().count("10.5555/inv.2018.001") == 1


# Ovid's display with long field labels: the label alone at the margin, its value indented below
# (one line per author in MEDLINE; Journals@Ovid puts all authors on one line with marks).
LONG_LABELS = """<1>
Unique Identifier
  31000001
Authors
  Reyes A.
  Okafor C.
Authors Full Name
  Reyes, Ana
  Okafor, Chidi
Title
  An invented trial of walking groups.
Source
  Journal of Invented Medicine. 12(3):123-130, 2019 Mar.
Database
  Ovid MEDLINE(R)
Language
  English.

<2>
Accession Number
  00000001-900000000-00001.
Author
  Lind, Maja MD, PhD *;  Ito, Ken 2
Title
  An invented review of bus lanes.[Review]
Source
  Journal of Invented Transport.
DOI Number
  10.1234/jit.0001
"""


def test_long_field_labels_are_read(variant_file: Variant) -> None:
    result = import_file(variant_file("ovid.txt", LONG_LABELS.encode()), "ovid")
    assert (result.format, result.records_in_file) == ("ovid", 2)
    medline, journals = result.records
    assert (medline.pmid, medline.authors, medline.year) == (
        "31000001",
        ["Reyes, Ana", "Okafor, Chidi"],
        "2019",
    )
    assert (medline.journal, medline.volume, medline.issue, medline.pages) == (
        "Journal of Invented Medicine",
        "12",
        "3",
        "123-130",
    )
    assert medline.language == "English"
    assert journals.authors == ["Lind, Maja", "Ito, Ken"]
    assert (journals.title, journals.journal) == (
        "An invented review of bus lanes.",
        "Journal of Invented Transport",
    )
    assert (journals.source_id, journals.doi) == ("00000001-900000000-00001", "10.1234/jit.0001")


def test_a_record_line_followed_by_no_tag_or_label_fails(variant_file: Variant) -> None:
    data = b"<1>\nsome words\n  more words\n"
    with pytest.raises(InputFileError, match="no Ovid tag line"):
        import_file(variant_file("ovid.txt", data), "ovid")
