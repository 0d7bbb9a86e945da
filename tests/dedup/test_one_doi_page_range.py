"""One DOI at one journal's year, volume and whole page range names one article whatever its
titles say: Web of Science appends a reprint note ("... (REPRINTED FROM JOURNAL OF CLINICAL
PERIODONTOLOGY VOL 40 PG S1-S7 2013)"), an export moves a word of the title, and the author
list is glued in another name format, so the first author no longer compares. The records are
invented in the shape srsr holds them (a supplement's lettered range, "S11-19" / "S11-S19")."""

from __future__ import annotations

import pandas as pd

from livingreview.dedup.engine import find_duplicates, judge_pairs

TITLE = "HOST RESPONSE IN PERI-IMPLANT DISEASE"
NOTE = " (REPRINTED FROM JOURNAL OF CLINICAL PERIODONTOLOGY VOL 40 PG S11-S19 2013)"


def _frame(**other: str) -> pd.DataFrame:
    common = {
        "ENTRYTYPE": "article",
        "year": "2013",
        "journal": "J Periodontol",
        "volume": "84",
        "doi": "10.1902/jop.2013.1340019",
    }
    first = {
        "ID": "id_0000611",
        "author": "De Witt L. M.van Berkel H. J.",
        "title": TITLE,
        "number": "4 Suppl",
        "pages": "S11-19",
    }
    second = {
        "ID": "id_0000612",
        "author": "De Witt Laura M.van Berkel Hendrik Jan",
        "title": TITLE + NOTE,
        "number": "4",
        "pages": "S11-S19",
    }
    return pd.DataFrame([common | first, common | second | other])


def _outcome(frame: pd.DataFrame) -> tuple[str, str]:
    (verdict,) = judge_pairs(frame, [("id_0000611", "id_0000612")])
    return verdict.outcome, verdict.reason


def test_one_doi_at_one_whole_page_range_is_one_article_whatever_the_title() -> None:
    assert _outcome(_frame()) == ("duplicate", "same DOI and full citation")
    assert find_duplicates(_frame()).groups["id_0000612"] == "id_0000611"
    # A word moved by the export, in a regular issue (no supplement: the authors' glued names
    # still compare as the same team).
    moved = _frame(title="HOST RESPONSE DISEASE IN PERI-IMPLANT").assign(
        number="4", pages=["411-19", "411-419"]
    )
    assert _outcome(moved) == ("duplicate", "same DOI and full citation")


def test_one_doi_under_other_titles_at_other_pages_stays_a_supplements() -> None:
    # Another range under the DOI: two abstracts of one supplement, as before.
    other = _frame(title="SMOKING AND ALVEOLAR BONE LOSS", pages="S20-S27")
    assert _outcome(other) == ("distinct", "shared DOI, different titles")
    # Another volume or year: not the same citation.
    assert _outcome(_frame(title="SMOKING AND ALVEOLAR BONE LOSS", volume="85"))[0] != "duplicate"


# A meeting's abstract book is one item with one DOI (Springer's "Abstracts from the ... Annual
# Meeting", pages S85-S922), and a database can index each abstract in it under that DOI and
# that range: the DOI then names the book, not the abstract.
BOOK = {
    "ENTRYTYPE": "article",
    "year": "2016",
    "journal": "Journal of General Internal Medicine",
    "volume": "31",
    "number": "2 Suppl 1",
    "pages": "S85-S922",
    "doi": "10.1007/s11606-016-3657-7",
}
READMISSION = "TELEPHONE FOLLOW-UP AFTER DISCHARGE AND 30-DAY READMISSION IN HEART FAILURE"


def _pair(first: dict[str, str], second: dict[str, str]) -> tuple[str, str]:
    frame = pd.DataFrame(
        [BOOK | {"ID": "id_0000901"} | first, BOOK | {"ID": "id_0000902"} | second]
    )
    (verdict,) = judge_pairs(frame, [("id_0000901", "id_0000902")])
    return verdict.outcome, verdict.reason


def test_one_abstract_books_doi_and_range_does_not_join_its_abstracts() -> None:
    team = "Nakamura K.Osei P.Brandt L."
    one = {"author": team, "title": READMISSION}
    # Two abstracts of one team at one meeting: two studies.
    other = {
        "author": team,
        "title": "DEPRESCRIBING BENZODIAZEPINES IN OLDER ADULTS IN PRIMARY CARE",
    }
    assert _pair(one, other)[0] != "duplicate"
    # The abstract book's own record and one abstract in it.
    book = {"author": "", "title": "ABSTRACTS FROM THE 39TH ANNUAL MEETING OF THE SOCIETY"}
    assert _pair(book, one)[0] != "duplicate"
    # One abstract exported twice, once with a note after its title: still one.
    noted = {"author": team, "title": READMISSION + " (MEETING ABSTRACT)"}
    assert _pair(one, noted)[0] == "duplicate"


def test_nor_does_a_collection_of_abstracts_printed_in_a_regular_issue() -> None:
    # The meeting's abstracts printed as one item of a regular issue (plain pages 401-520).
    regular = {"number": "3", "pages": "401-520"}
    team = "Osei P.Nakamura K.Brandt L."
    one = regular | {"author": team, "title": READMISSION}
    other = regular | {
        "author": "Nakamura K.Osei P.Brandt L.",
        "title": "KANGAROO CARE AND BREASTFEEDING DURATION IN LATE PRETERM INFANTS",
    }
    assert _pair(one, other)[0] != "duplicate"
    book = regular | {"author": "", "title": "ABSTRACTS OF THE 59TH ANNUAL MEETING"}
    assert _pair(book, one)[0] != "duplicate"
