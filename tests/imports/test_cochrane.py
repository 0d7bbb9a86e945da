"""Cochrane Library plain-text exports (CENTRAL trials, Cochrane reviews) with invented records.

No real Cochrane export is in ../shared; the layout follows the Cochrane Library's "plain text"
download: ``Record #N of M`` lines and ``TAG: value`` fields. The values are made up.
"""

from __future__ import annotations

import pytest

from livingreview.errors import InputFileError
from livingreview.imports import detect_format, import_file
from tests.imports import Variant

CENTRAL = """Record #1 of 3
ID: CN-09000001
AU: Park M
AU: Lee KJ
TI: Walking groups for low mood: an invented randomised trial
SO: Journal of invented trials
YR: 2019
VL: 12
NO: 3
PG: 123-30
PM: PUBMED 31000001
XR: EMBASE 620000001
PT: Journal Article; Randomized Controlled Trial
KY: Adult; Depression [*therapy]; Walking
DOI: 10.5555/inv.2019.001
AB: BACKGROUND: An invented abstract. RESULTS: Café visits rose.
US: https://www.cochranelibrary.com/central/doi/10.1002/central/CN-09000001/full

Record #2 of 3
ID: CN-09000002
AU: Roe R
TI: A trial registered only
SO: ClinicalTrials.gov
YR: 2021
XR: PUBMED 31000002; EMBASE 620000002
PT: Trial registry record
US: https://www.cochranelibrary.com/central/doi/10.1002/central/CN-09000002/full

Record #3 of 3
ID: CD000001
AU: Doe J
TI: Exercise for depression (an invented review)
SO: Cochrane Database of Systematic Reviews
YR: 2020
NO: 4
PB: John Wiley & Sons, Ltd
DOI: 10.1002/14651858.CD000001.pub2
AB: First paragraph of the abstract.
AIM: a wrapped line that looks like a tag but is none.
"""


def test_central_records_and_every_field(variant_file: Variant) -> None:
    result = import_file(variant_file("central.txt", CENTRAL.encode()), "central")
    assert (result.format, result.records_in_file, len(result.records)) == ("cochrane", 3, 3)
    trial, registration, review = result.records
    assert (trial.source_id, trial.pmid, trial.doi) == (
        "CN-09000001",
        "31000001",
        "10.5555/inv.2019.001",
    )
    assert trial.authors == ["Park M", "Lee KJ"]
    assert trial.title == "Walking groups for low mood: an invented randomised trial"
    assert (trial.journal, trial.year, trial.volume, trial.issue, trial.pages) == (
        "Journal of invented trials",
        "2019",
        "12",
        "3",
        "123-30",
    )
    assert trial.publication_types == ["Journal Article", "Randomized Controlled Trial"]
    assert trial.keywords == ["Adult", "Depression [*therapy]", "Walking"]
    assert trial.abstract == "BACKGROUND: An invented abstract. RESULTS: Café visits rose."
    assert trial.url.endswith("/CN-09000001/full")
    assert registration.pmid == "31000002"  # from the cross-references
    assert registration.doi == ""
    assert (review.source_id, review.issue, review.doi) == (
        "CD000001",
        "4",
        "10.1002/14651858.cd000001.pub2",
    )
    assert review.abstract.endswith("AIM: a wrapped line that looks like a tag but is none.")


def test_a_review_abstract_loses_its_label(variant_file: Variant) -> None:
    """The plain-text export opens a Cochrane review's abstract with the label ``Abstract - ``
    (``AB: Abstract - Background ... Plain language summary ...``): the abstract starts after it."""
    text = CENTRAL.replace(
        "AB: First paragraph", "AB: Abstract - Background First paragraph"
    ).replace("AB: BACKGROUND: An", "AB: Abstract - BACKGROUND: An")
    trial, _, review = import_file(variant_file("reviews.txt", text.encode()), "cdsr").records
    assert review.abstract.startswith("Background First paragraph of the abstract.")
    assert trial.abstract == "BACKGROUND: An invented abstract. RESULTS: Café visits rose."


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bom_crlf.txt", b"\xef\xbb\xbf" + CENTRAL.replace("\n", "\r\n").encode()),
        ("cp1252.txt", CENTRAL.encode("cp1252")),
    ],
)
def test_encodings_and_line_endings(variant_file: Variant, name: str, data: bytes) -> None:
    result = import_file(variant_file(name, data), "central")
    assert (result.format, len(result.records)) == ("cochrane", 3)
    assert result.records[0].abstract.endswith("Café visits rose.")
    assert result.records[2].source_id == "CD000001"


def test_detected_without_taking_rispy_record_headers_for_cochrane(variant_file: Variant) -> None:
    path = variant_file("x.dat", CENTRAL.encode())
    assert detect_format(path, CENTRAL) == "cochrane"
    ris = "Record #1 of 1\nProvider: X\n\nTY  - JOUR\nTI  - A RIS record\nER  - \n"
    assert detect_format(path, ris) == "ris"


def test_two_exports_joined_are_each_counted(variant_file: Variant) -> None:
    second = "Record #1 of 1\nID: CN-09000009\nTI: Another export\nYR: 2022\n"
    result = import_file(variant_file("joined.txt", (CENTRAL + "\n" + second).encode()), "c")
    assert [r.source_id for r in result.records][-2:] == ["CD000001", "CN-09000009"]


def test_a_cut_export_names_the_missing_records(variant_file: Variant) -> None:
    cut = CENTRAL.split("Record #3 of 3")[0]
    with pytest.raises(InputFileError, match=r"1 record\(s\) missing") as error:
        import_file(variant_file("cut.txt", cut.encode()), "central")
    assert "cut.txt, record 2 (line 19)" in str(error.value)


def test_a_deleted_record_line_fails_instead_of_merging(variant_file: Variant) -> None:
    text = CENTRAL.replace("Record #2 of 3\n", "")
    with pytest.raises(InputFileError, match="expected 'Record #2'") as error:
        import_file(variant_file("edited.txt", text.encode()), "central")
    assert "record 2 (line 28)" in str(error.value)  # the line of #3


def test_a_record_line_without_fields_fails(variant_file: Variant) -> None:
    text = CENTRAL.replace("Record #2 of 3\nID: CN-09000002\n", "Record #2 of 3\n\nnot a tag\n")
    with pytest.raises(InputFileError, match="expected a 'TAG: value' line") as error:
        import_file(variant_file("bad.txt", text.encode()), "central")
    assert "record 2 (line 21)" in str(error.value)


def test_text_before_the_first_record_fails_with_its_line(variant_file: Variant) -> None:
    text = "TI: a stray title\n" + CENTRAL
    with pytest.raises(InputFileError, match="before the first 'Record #N of M'") as error:
        import_file(variant_file("stray.txt", text.encode()), "central", fmt="cochrane")
    assert "stray.txt, line 1, field 'TI'" in str(error.value)


def test_the_command_line_exits_2_without_a_traceback(variant_file: Variant, capsys) -> None:
    from livingreview.cli import main

    cut = CENTRAL.split("Record #3 of 3")[0]
    path = variant_file("cut.txt", cut.encode())
    assert main(["import", str(path), "--out", str(path.with_suffix(".csv"))]) == 2
    err = capsys.readouterr().err
    assert "cut.txt, record 2" in err and "Traceback" not in err
