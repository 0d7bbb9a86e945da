"""RefWorks tagged format with invented records.

No real RefWorks export is in ../shared. The first record is shaped like CNKI's "RefWorks"
export seen in public projects' tests (an ``RT`` line, ``SR 1``, every author on one ``;``-joined
``A1`` line family name first without a comma, ``vo`` in lower case and empty, the page range in
``OP``, ``IS prepublish``, ``LA 中文;``, no end line); the second like RefWorks' own layout (one
``A1`` per author with a comma, ``SP``/``OP``, an abstract's second paragraph on a line of its
own, a PubMed accession number). RefWorks' own export (as in Zotero's RefWorks translator tests)
opens with its tag legend up to ``BEGIN EXPORTED REFERENCES`` and writes ``A1 Family,Given``
without a space; the last test has that shape. The values are made up.
"""

from __future__ import annotations

import time

import pytest

from livingreview.errors import InputFileError
from livingreview.imports import detect_format, import_file
from tests.imports import Variant
from tests.imports.checks import command_line_exits_2, scan_missing_a_start_fails

REFWORKS = """RT Journal Article
SR 1
A1 Verma Anil;Petrova Irina;Wang Fang;
AD 某某大学;
T1 Invented sensing for invented crops
JF Journal of Invented Agriculture
YR 2022
IS prepublish
vo
OP 107001-
K1 crop sensing;neural network;colour
AB An invented abstract.
SN 0000-0019
DS CNKI
LK https://link.cnki.net/doi/10.5555/INV.2022.107001
LA 英文;

RT Journal Article
SR Electronic(1)
A1 Doe, Jane
A1 Roe, R. K.
T1 Walking and mood: an invented trial
JF Invented Walking Review
JO Inv Walk Rev
YR 2019
FD 2019 Mar
VO 7
IS 2
SP 45
OP 52
AB Background: first paragraph.
Results: second paragraph.
K1 walking
K1 mood
SN 1111-2222
AN 31000001
DB PubMed
DO 10.5555/inv.2019.001
LA English
UL https://example.org/a
""".replace("\nvo\n", "\nvo \n")  # CNKI's empty volume line keeps its space


def test_refworks_records(variant_file: Variant) -> None:
    path = variant_file("export.txt", REFWORKS.encode())
    assert detect_format(path, REFWORKS) == "refworks"
    result = import_file(path, "cnki")
    assert (result.format, result.records_in_file, len(result.records)) == ("refworks", 2, 2)
    cnki, refworks = result.records
    assert cnki.authors == ["Verma, Anil", "Petrova, Irina", "Wang, Fang"]
    assert (cnki.title, cnki.journal, cnki.year) == (
        "Invented sensing for invented crops",
        "Journal of Invented Agriculture",
        "2022",
    )
    assert (cnki.volume, cnki.issue, cnki.pages, cnki.issn) == ("", "", "107001", "0000-0019")
    assert (cnki.doi, cnki.language) == ("10.5555/inv.2022.107001", "英文")
    assert cnki.keywords == ["crop sensing", "neural network", "colour"]
    assert refworks.authors == ["Doe, Jane", "Roe, R. K."]
    assert (refworks.volume, refworks.issue, refworks.pages) == ("7", "2", "45-52")
    assert (refworks.pmid, refworks.source_id, refworks.doi) == (
        "31000001",
        "31000001",
        "10.5555/inv.2019.001",
    )
    assert refworks.abstract == "Background: first paragraph. Results: second paragraph."
    assert refworks.keywords == ["walking", "mood"]
    assert (refworks.publication_types, refworks.url) == (
        ["Journal Article"],
        "https://example.org/a",
    )


def test_refworks_scan_missing_a_start_fails(
    monkeypatch: pytest.MonkeyPatch, variant_file: Variant
) -> None:
    scan_missing_a_start_fails(monkeypatch, "refworks", variant_file("r.txt", REFWORKS.encode()))


def test_refworks_text_before_the_first_record_is_refused(
    variant_file: Variant, capsys: pytest.CaptureFixture[str]
) -> None:
    path = variant_file("bad.txt", ("A1 Doe, Jane\n" + REFWORKS).encode())
    with pytest.raises(InputFileError, match=r"line 1.*expected an 'RT Type' line first"):
        import_file(path, "x", fmt="refworks")
    cut = variant_file("cut.txt", (REFWORKS + "\nRT Journal Article\n").encode())
    command_line_exits_2(cut, capsys, "record 3 (line 42): a 'RT' line with no tag lines")


LEGEND = """Refworks Export Tagged Format

Character Set=utf-8

Tag legend
*****
RT=Reference Type
A1=Primary Authors
PMID=PMID

*****
Font Attribute Legend
Start Bold =
End Bold =

*****
BEGIN EXPORTED REFERENCES




RT Book, Section
SR Electronic(1)
ID 206
A1 Doe,Jane
A1 Roe,Rick
T1 An invented chapter
T2 An invented book
YR 2002
SP 101
OP 123
SN 0000000000 (paperback)
PMID 12000001
OL English (30)
"""


def test_refworks_own_export_with_its_tag_legend(variant_file: Variant) -> None:
    path = variant_file("refworks.txt", LEGEND.encode())
    assert detect_format(path, LEGEND) == "refworks"
    result = import_file(path, "rw")
    assert (result.records_in_file, len(result.records)) == (1, 1)
    (record,) = result.records
    assert (record.authors, record.title, record.journal) == (
        ["Doe, Jane", "Roe, Rick"],
        "An invented chapter",
        "An invented book",
    )
    assert (record.pmid, record.source_id, record.pages) == ("12000001", "206", "101-123")
    cut = variant_file("cut.txt", LEGEND.split("BEGIN")[0].encode())
    with pytest.raises(InputFileError, match="without its closing 'BEGIN EXPORTED REFERENCES'"):
        import_file(cut, "rw")


def test_refworks_tags_in_lower_case_are_refused(
    variant_file: Variant, capsys: pytest.CaptureFixture[str]
) -> None:
    # Read as text, 'rt' joined the second record to the first one's last field (one record,
    # exit 0) and 'a1 Roe, R' became part of an author's name.
    second = REFWORKS.split("\n\n")[1]
    lower = second.replace("RT Journal", "rt Journal").replace("A1 Roe", "a1 Roe")
    path = variant_file("lower.txt", (REFWORKS.split("\n\n")[0] + "\n" + lower).encode())
    command_line_exits_2(path, capsys, "line 17: the tag 'rt' is in lower case")
    one = variant_file("one.txt", second.replace("A1 Roe", "a1 Roe").encode())
    with pytest.raises(InputFileError, match=r"line 4: the tag 'a1' is in lower case.*'A1'"):
        import_file(one, "x")
    # an abstract's paragraph opening with a word that is also a tag stays text
    prose = second.replace("Results: second", "an is no do second")
    (record,) = import_file(variant_file("prose.txt", prose.encode()), "x").records
    assert record.abstract == "Background: first paragraph. an is no do second paragraph."


def test_refworks_a_long_abstract_of_many_lines_is_read_in_linear_time(
    variant_file: Variant,
) -> None:
    # Each continuation line was added to the field by copying it whole: 80,000 lines took
    # 2 s on a quiet machine (under the limit), 160,000 (2 MB) 9 s, twice as many four times
    # as long. Now 0.2 s.
    text = "RT Journal Article\nT1 An invented title\nAB Start.\n" + "More text\n" * 160_000
    path = variant_file("long.txt", text.encode())
    began = time.process_time()
    (record,) = import_file(path, "x").records
    assert time.process_time() - began < 3
    assert record.abstract == "Start." + " More text" * 160_000


def test_refworks_a_value_holding_a_long_run_of_spaces_is_read_in_linear_time(
    variant_file: Variant,
) -> None:
    # The tag line's pattern tried its value at every length before the run of spaces: an
    # abstract with 50,000 spaces inside it (a 50 kB file) took 13 s, twice as many four times
    # as long.
    abstract = "Walking lowered anxiety." + " " * 50_000 + "Results were mixed."
    text = f"RT Journal Article\nT1 An invented trial   \nAB {abstract}\nvo \n"
    began = time.process_time()
    (record,) = import_file(variant_file("rw.txt", text.encode()), "x").records
    assert time.process_time() - began < 3
    assert record.abstract == "Walking lowered anxiety. Results were mixed."
    assert (record.title, record.volume) == ("An invented trial", "")
