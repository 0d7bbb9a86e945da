"""ClinicalTrials.gov downloads (the current CSV and the classic CSV/TSV) with invented studies.

No real download is in ../shared; the headers are the registry's column names (current site:
``NCT Number, Study Title, Study URL ...``, ISO dates; classic site: ``Rank, NCT Number, Title
... URL``, dates as ``April 3, 2020``, lists ``|``-joined). The values are made up.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.errors import InputFileError
from livingreview.imports import import_file
from tests.imports import Variant
from tests.imports.checks import command_line_exits_2
from tests.imports.test_flavours import _csv

CURRENT_LINE = (
    "NCT Number,Study Title,Study URL,Acronym,Study Status,Brief Summary,Study Results,"
    "Conditions,Interventions,Primary Outcome Measures,Secondary Outcome Measures,"
    "Other Outcome Measures,Sponsor,Collaborators,Sex,Age,Phases,Enrollment,Funder Type,"
    "Study Type,Study Design,Other IDs,Start Date,Primary Completion Date,Completion Date,"
    "First Posted,Results First Posted,Last Update Posted,Locations,Study Documents"
)
CLASSIC_LINE = (
    "Rank,NCT Number,Title,Acronym,Status,Study Results,Conditions,Interventions,"
    "Outcome Measures,Sponsor/Collaborators,Gender,Age,Phases,Enrollment,Funded Bys,Study Type,"
    "Study Designs,Other IDs,Start Date,Primary Completion Date,Completion Date,First Posted,"
    "Results First Posted,Last Update Posted,Locations,Study Documents,URL"
)
CURRENT = CURRENT_LINE.split(",")
CLASSIC = CLASSIC_LINE.split(",")


CURRENT_ROWS = [
    {
        "NCT Number": "NCT09000001",
        "Study Title": "Walking Groups for Low Mood in Older Adults",
        "Study URL": "https://clinicaltrials.gov/study/NCT09000001",
        "Acronym": "WALK",
        "Study Status": "RECRUITING",
        "Brief Summary": "An invented summary, with a comma.\nAnd a second line.",
        "Conditions": "Depression|Café Society",
        "Interventions": "BEHAVIORAL: Walking group|OTHER: Leaflet",
        "Sponsor": "Invented University",
        "Study Type": "INTERVENTIONAL",
        "Start Date": "2019-09",
        "First Posted": "2020-01-15",
    },
    {
        "NCT Number": "NCT09000002",
        "Study Title": "A Registry Without Its First Posted Date",
        "Study URL": "https://clinicaltrials.gov/study/NCT09000002",
        "Study Type": "OBSERVATIONAL",
        "Start Date": "2021-03-01",
    },
]


def test_current_download_every_field(variant_file: Variant) -> None:
    path = variant_file("ctg-studies.csv", _csv(CURRENT, CURRENT_ROWS).encode())
    result = import_file(path, "ctgov")
    assert (result.format, result.records_in_file, len(result.records)) == ("csv", 2, 2)
    first, second = result.records
    assert (first.source_id, first.title, first.year) == (
        "NCT09000001",
        "Walking Groups for Low Mood in Older Adults",
        "2020",  # First Posted, not the start date
    )
    assert first.url == "https://clinicaltrials.gov/study/NCT09000001"
    assert first.abstract == "An invented summary, with a comma. And a second line."
    assert first.publication_types == ["Trial registration", "INTERVENTIONAL"]
    assert first.keywords == [
        "Depression",
        "Café Society",
        "BEHAVIORAL: Walking group",
        "OTHER: Leaflet",
    ]
    assert (first.journal, first.authors, first.doi, first.pmid) == (
        "ClinicalTrials.gov",
        [],
        "",
        "",
    )
    assert (second.source_id, second.year) == ("NCT09000002", "2021")  # from the start date


def test_classic_tab_delimited_download(variant_file: Variant) -> None:
    rows = [
        {
            "Rank": "1",
            "NCT Number": "NCT09000003",
            "Title": "Invented Trial of Stairs",
            "Status": "Completed",
            "Conditions": "Obesity",
            "Interventions": "Behavioral: Stairs",
            "Study Type": "Interventional",
            "Start Date": "March 2017",
            "First Posted": "April 3, 2018",
            "URL": "https://ClinicalTrials.gov/show/NCT09000003",
        }
    ]
    data = "\ufeff" + _csv(CLASSIC, rows, "\t")  # CRLF, as csv writes by default
    result = import_file(variant_file("SearchResults.tsv", data.encode()), "ctgov")
    (record,) = result.records
    assert (record.source_id, record.title, record.year) == (
        "NCT09000003",
        "Invented Trial of Stairs",
        "2018",
    )
    assert record.url == "https://ClinicalTrials.gov/show/NCT09000003"
    assert record.publication_types == ["Trial registration", "Interventional"]
    assert record.keywords == ["Obesity", "Behavioral: Stairs"]


def test_cp1252_download(variant_file: Variant) -> None:
    data = _csv(CURRENT, CURRENT_ROWS).encode("cp1252")
    result = import_file(variant_file("ctg.csv", data), "ctgov")
    assert result.encoding == "cp1252"
    assert result.records[0].keywords[1] == "Café Society"


def test_a_shifted_row_names_row_and_column(variant_file: Variant) -> None:
    rows = [dict(CURRENT_ROWS[0]), {**CURRENT_ROWS[1], "NCT Number": "Walking groups"}]
    path = variant_file("shifted.csv", _csv(CURRENT, rows).encode())
    with pytest.raises(InputFileError, match="expected an NCT number") as error:
        import_file(path, "ctgov")
    assert "shifted.csv, row 3 (line 4), field 'NCT Number'" in str(error.value)


# ClinicalTrials.gov's JSON download: a list of studies, each its API's sections (invented study).
CTGOV_JSON = """[
  {
    "protocolSection": {
      "identificationModule": {
        "nctId": "NCT09000001",
        "briefTitle": "Walking Groups for Low Mood in Older Adults"
      },
      "conditionsModule": {"conditions": ["Depression"]}
    },
    "hasResults": false
  }
]
"""


@pytest.mark.parametrize("name", ["ctg-studies.json", "ctg-studies.csv"])
def test_json_download_is_refused_not_read_as_publish_or_perish(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    path.write_text(CTGOV_JSON, encoding="utf-8")
    with pytest.raises(InputFileError) as error:
        import_file(path, "ctgov")
    assert str(error.value).startswith(f"{path}, record 1 (line 2), field 'protocolSection': ")
    assert "download the search results from ClinicalTrials.gov as CSV" in str(error.value)
    if path.suffix == ".json":  # the command writes next to it, as .csv
        command_line_exits_2(path, capsys, "a ClinicalTrials.gov JSON download")


def test_json_list_of_another_tool_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "studies.json"
    path.write_text('[{"nct": "NCT09000001", "name": "Walking groups"}]', encoding="utf-8")
    with pytest.raises(InputFileError, match="none of Publish or Perish's fields") as error:
        import_file(path, "other")
    assert "its keys: name, nct" in str(error.value)
