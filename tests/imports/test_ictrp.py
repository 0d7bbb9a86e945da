"""WHO ICTRP search exports (the CSV of its trial search) with invented trials.

No real export is in ../shared; the header is the ICTRP's column names (``TrialID, Last
Refreshed on, Public title, Scientific title ...``, ``Date registration3`` as ``YYYYMMDD``,
several conditions joined with ``;`` or ``<br>``). The values are made up.
"""

from __future__ import annotations

import time

import pytest

from livingreview.errors import InputFileError
from livingreview.imports import import_file
from tests.imports import Variant
from tests.imports.test_flavours import _csv

HEADER_LINE = (
    "TrialID,Last Refreshed on,Public title,Scientific title,Acronym,Primary sponsor,"
    "Date registration,Date registration3,Export date,Source Register,web address,"
    "Recruitment Status,other records,Inclusion agemin,Inclusion agemax,Inclusion gender,"
    "Date enrollement,Target size,Study type,Study design,Phase,Countries,Contact Firstname,"
    "Contact Lastname,Contact Address,Contact Email,Contact Tel,Contact Affiliation,"
    "Inclusion Criteria,Exclusion Criteria,Condition,Intervention,Primary outcome,"
    "results date posted,results date completed,results url link,Retrospective flag,"
    "Bridging flag truefalse,Bridged type,results yes no"
)
HEADER = HEADER_LINE.split(",")

ROWS = [
    {
        "TrialID": "NCT09000001",
        "Public title": "Walking Groups for Low Mood",
        "Scientific title": "A Randomised Trial of Walking Groups for Low Mood in Older Adults",
        "Primary sponsor": "Invented University",
        "Date registration": "15/01/2020",
        "Date registration3": "20200115",
        "Source Register": "ClinicalTrials.gov",
        "web address": "https://clinicaltrials.gov/show/NCT09000001",
        "Study type": "Interventional",
        "Condition": "Depression;Anxiety",
        "Intervention": "Behavioral: Walking group",
    },
    {
        "TrialID": "ChiCTR2000030001",
        "Scientific title": "Tai chi for insomnia: a randomized controlled trial",
        "Date registration": "2019-12-20",
        "Source Register": "ChiCTR",
        "web address": "http://www.chictr.org.cn/showproj.aspx?proj=1",
        "Study type": "Interventional study",
        "Condition": "Insomnia<br>Sleep disorder",
        "Intervention": "Tai chi",
    },
]


def test_ictrp_csv_every_field(variant_file: Variant) -> None:
    path = variant_file("ICTRP-Results.csv", _csv(HEADER, ROWS).encode())
    result = import_file(path, "ictrp")
    assert (result.format, result.records_in_file, len(result.records)) == ("csv", 2, 2)
    first, second = result.records
    # the public title, as ClinicalTrials.gov's own download names the same trial
    assert (first.source_id, first.title, first.year) == (
        "NCT09000001",
        "Walking Groups for Low Mood",
        "2020",
    )
    assert (first.journal, first.url) == (
        "ClinicalTrials.gov",
        "https://clinicaltrials.gov/show/NCT09000001",
    )
    assert first.publication_types == ["Trial registration", "Interventional"]
    assert first.keywords == ["Depression", "Anxiety", "Behavioral: Walking group"]
    assert first.authors == []
    # no public title: the scientific one; no compact date: the year of the written one
    assert (second.source_id, second.title, second.year) == (
        "ChiCTR2000030001",
        "Tai chi for insomnia: a randomized controlled trial",
        "2019",
    )
    assert second.keywords == ["Insomnia", "Sleep disorder", "Tai chi"]


def test_ictrp_row_without_its_trial_id_is_refused(variant_file: Variant) -> None:
    rows = [ROWS[0], {**ROWS[1], "TrialID": ""}]
    path = variant_file("ICTRP-Results.csv", _csv(HEADER, rows).encode())
    with pytest.raises(InputFileError) as caught:
        import_file(path, "ictrp")
    message = str(caught.value)
    assert "ICTRP-Results.csv" in message and "row 3" in message and "'TrialID'" in message


def test_ictrp_a_cell_holding_a_long_run_of_spaces_is_read_in_linear_time(
    variant_file: Variant,
) -> None:
    # The pattern splitting conditions took the spaces around ';' with it, so it was tried at
    # every space of a run: 50,000 spaces inside one condition (a 50 kB file) took 12 s, twice
    # as many four times as long.
    row = {**ROWS[0], "Condition": "Depression and" + " " * 50_000 + "anxiety <br> Stress"}
    path = variant_file("ICTRP-Results.csv", _csv(HEADER, [row]).encode())
    began = time.process_time()
    (record,) = import_file(path, "ictrp").records
    assert time.process_time() - began < 3
    assert record.keywords == [
        "Depression and anxiety",
        "Stress",
        "Behavioral: Walking group",
    ]
