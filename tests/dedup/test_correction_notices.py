"""JAMA Network titles its correction notices by what was wrong and where ("Error in Figure",
"Errors in Table 2 and Results", "Omitted Funding Information"), without the word erratum. A
database can index such a notice under the corrected article's DOI, volume and pages, with the
article's authors: it is an erratum all the same, kept apart from the article. The records are
invented in the shape of a JAMA Internal Medicine article and its notice."""

from __future__ import annotations

import pandas as pd
import pytest

from livingreview.dedup.engine import find_duplicates, judge_pairs
from livingreview.dedup.normalise import work_kind

ARTICLE = {
    "ID": "id_0000410",
    "ENTRYTYPE": "article",
    "author": "Odden, M. C. and Peralta, C. A. and Berlowitz, D. R. and Lipsitz, L. A.",
    "year": "2017",
    "title": (
        "Effect of Intensive Blood Pressure Control on Gait Speed and Mobility Limitation in"
        " Adults 75 Years or Older: A Randomized Clinical Trial"
    ),
    "journal": "JAMA Internal Medicine",
    "volume": "177",
    "number": "4",
    "pages": "500-507",
    "doi": "10.1001/jamainternmed.2016.9104",
}


@pytest.mark.parametrize(
    "title",
    [
        "Error in Figure",
        "Errors in Table 2 and Figure 3.",
        "Error in Author Affiliations",
        "Incorrect Data in Abstract, Results, and eTable 2",
        "Omitted Funding Information",
        "[Error in Byline].",
    ],
)
def test_a_correction_notice_title_is_an_erratum(title: str) -> None:
    assert work_kind(title, "article") == "erratum"


@pytest.mark.parametrize(
    "title",
    [
        "Error in the measurement of blood pressure by automated office devices",
        "Errors in medication administration in nursing homes",
        "Missing data in randomized clinical trials",
        "Missing Data",
    ],
)
def test_a_research_title_opening_with_error_is_no_erratum(title: str) -> None:
    assert work_kind(title, "article") == ""


def test_a_notice_under_the_articles_doi_pages_and_authors_stays_apart() -> None:
    notice = ARTICLE | {"ID": "id_0000411", "title": "Error in Figure"}
    frame = pd.DataFrame([ARTICLE, notice])
    (verdict,) = judge_pairs(frame, [("id_0000410", "id_0000411")])
    assert (verdict.outcome, verdict.reason) == ("distinct", "erratum/reply vs article")
    groups = find_duplicates(frame).groups
    assert groups["id_0000411"] == "id_0000411"


@pytest.mark.parametrize(
    "title",
    [
        # Springer Nature's notices, and Elsevier's retraction notice, under the article's DOI
        "Author Correction: Effect of Intensive Blood Pressure Control on Gait Speed and Mobility"
        " Limitation in Adults 75 Years or Older",
        "Publisher Correction: Effect of intensive blood pressure control on gait speed and"
        " mobility limitation in adults 75 years or older: a randomized clinical trial",
        'Retraction notice to "Effect of Intensive Blood Pressure Control on Gait Speed and'
        ' Mobility Limitation in Adults 75 Years or Older: A Randomized Clinical Trial"',
    ],
)
def test_a_publishers_named_notice_under_the_articles_doi_stays_apart(title: str) -> None:
    notice = ARTICLE | {"ID": "id_0000412", "title": title, "author": "", "pages": ""}
    frame = pd.DataFrame([ARTICLE, notice])
    (verdict,) = judge_pairs(frame, [("id_0000410", "id_0000412")])
    assert (verdict.outcome, verdict.reason) == ("distinct", "erratum/reply vs article")


@pytest.mark.parametrize(
    "title",
    ["Retraction notices in biomedicine: a review", "Correction of hyponatraemia in older adults"],
)
def test_research_on_retractions_or_corrections_is_no_erratum(title: str) -> None:
    assert work_kind(title, "article") == ""
