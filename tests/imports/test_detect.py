"""Format detection from content, CSV flavour detection, and the format override."""

from __future__ import annotations

import pytest

from livingreview.errors import InputFileError
from livingreview.imports import FORMATS, detect_format, import_file
from livingreview.imports.tabular import csv_flavour
from livingreview.imports.text import decode
from tests.imports import Real, Variant

ONE_PER_FORMAT = {
    "ris": "exports/ris/colrev_psycnet_psycinfo_anonymized.ris",
    "nbib": "exports/nbib/synthesisr_res_synth_methods.nbib.txt",
    "bibtex": "exports/bibtex/colrev_wos_anonymized.bib",
    "wos": "exports/wos/rispy_example_wos.txt",
    "csv": "exports/pubmed_csv/colrev_pubmed_chatbot.csv",
    "pop_json": "exports/google_scholar/colrev_publish_or_perish_gs.json",
}
#: Formats with no real sample in ../shared, detected in their own test files
#: (test_ovid.py, test_cochrane.py ...).
WRITTEN_HERE = {
    "ovid",
    "cochrane",
    "endnote_xml",
    "xlsx",
    "refer",
    "refworks",
    "csl_json",
    "ictrp_xml",
}


def test_every_format_has_a_detection_case() -> None:
    assert set(ONE_PER_FORMAT) == set(FORMATS) - WRITTEN_HERE


@pytest.mark.parametrize("fmt", sorted(ONE_PER_FORMAT))
def test_detection_uses_content_not_the_file_name(
    fmt: str, real: Real, variant_file: Variant
) -> None:
    original = real(ONE_PER_FORMAT[fmt])
    text, _ = decode(original, original.read_bytes())
    assert detect_format(original, text) == fmt
    misnamed = variant_file("export.dat", original.read_bytes())
    result = import_file(misnamed, "test")
    assert result.format == fmt
    assert result.records == import_file(original, "test").records


def test_override_reads_a_file_auto_detection_gets_wrong(real: Real, variant_file: Variant) -> None:
    text = real("exports/ris/synthesisr_Scopus.ris").read_text(encoding="utf-8")
    # a wrapped abstract line that happens to look like a MEDLINE tag line
    text = text.replace(
        "\nKW  - Environmental factors",
        "\nPMID- 12345 appears in the text\nKW  - Environmental factors",
        1,
    )
    path = variant_file("ambiguous.txt", text.encode())
    assert detect_format(path, text) == "nbib"
    with pytest.raises(InputFileError):
        import_file(path, "test")
    result = import_file(path, "test", fmt="ris")
    assert result.format == "ris"
    assert len(result.records) == 3
    assert result.records[0].abstract.endswith("PMID- 12345 appears in the text")


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("bibtex", "no records found in this bibtex file"),
        ("wos", "the record has no PT line"),
        ("nbib", "must start with its PMID line"),
        ("csv", "no title column"),
        ("pop_json", "expected a JSON list"),
    ],
)
def test_a_wrong_override_fails_clearly(fmt: str, expected: str, real: Real) -> None:
    path = real("exports/ris/synthesisr_Scopus.ris")
    with pytest.raises(InputFileError) as caught:
        import_file(path, "test", fmt=fmt)
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("header", "flavour"),
    [
        ("Authors,Author full names,Title,Year,Source title,DOI,Link,EID", "scopus"),
        ("Lens ID,Title,Date Published,Publication Year,Author/s,DOI", "lens"),
        (
            "PMID,Title,Authors,Citation,First Author,Journal/Book,Publication Year,"
            "Create Date,PMCID,NIHMS ID,DOI",
            "pubmed",
        ),
        ("id,display_name,authorships.author.display_name,publication_year,doi", "openalex"),
        (
            "Cites,Authors,Title,Year,Source,Publisher,ArticleURL,CitesURL,GSRank,QueryDate,"
            "Type,DOI",
            "pop",
        ),
        ("PT\tAU\tAF\tTI\tSO\tDI\tPY\tUT", "wos_tab"),
        ("Key,Item Type,Publication Year,Author,Title,Publication Title,DOI", "generic"),
    ],
)
def test_csv_flavour_from_header(header: str, flavour: str) -> None:
    assert csv_flavour(header.replace("\t", ",").split(",")) == flavour
