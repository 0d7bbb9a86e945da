"""One database exports a conference paper's title without its subtitle, or with the acronym its
authors coined before it, where the other gives the title as printed. The paper's first and last
page, its year and its team still name it. The records are invented in the shape digital_work
holds them (proceedings papers exported without the proceedings' name, one with a DOI)."""

from __future__ import annotations

import pandas as pd

from livingreview.dedup.engine import find_duplicates, judge_pairs

REASON = "similar title, team, year and whole page range"

FULL = {
    "ID": "id_2004417",
    "ENTRYTYPE": "inproceedings",
    "author": "Marek, T. and Oyelaran, B.",
    "year": "2017",
    "title": "Platforms at the margins: How gig workers in rural Ghana repurpose ride-hailing apps",
    "journal": "",
    "volume": "",
    "number": "",
    "pages": "3184--3195",
    "doi": "",
}
SHORT = FULL | {
    "ID": "id_4004416",
    "author": "Marek, Tomasz and Oyelaran, Bisi",
    "title": "Platforms at the Margins",
    "doi": "10.1145/3025453.3025871",
}
ACRONYM = FULL | {
    "ID": "id_4004420",
    "author": "Marek, Tomasz and Oyelaran, Bisi",
    "title": "GHARIDE Platforms at the margins: how gig workers in rural Ghana repurpose "
    "ride-hailing apps",
}


def _verdict(first: dict[str, str], second: dict[str, str]) -> tuple[str, str]:
    frame = pd.DataFrame([first, second])
    (verdict,) = judge_pairs(frame, [(first["ID"], second["ID"])])
    return verdict.outcome, verdict.reason


def test_a_title_shortened_or_given_an_acronym_at_the_whole_page_range_is_one_paper() -> None:
    assert _verdict(FULL, SHORT) == ("duplicate", REASON)
    assert _verdict(FULL, ACRONYM)[0] == "duplicate"
    groups = find_duplicates(pd.DataFrame([FULL, SHORT])).groups
    assert groups["id_4004416"] == "id_2004417"


def test_not_at_other_pages_another_year_team_or_word_nor_abstracts_of_one_book() -> None:
    assert _verdict(FULL, SHORT | {"pages": "3196--3207"})[0] != "duplicate"
    assert _verdict(FULL, SHORT | {"year": "2018"})[0] != "duplicate"
    assert _verdict(FULL, SHORT | {"author": "Lindqvist, Anna and Moreau, Brigitte"})[0] != (
        "duplicate"
    )
    # A word on each side the other lacks is another paper, not the same one reworded.
    other = SHORT | {"title": "Platforms at the margins of cities"}
    assert _verdict(FULL | {"title": "Platforms at the margins of villages"}, other)[0] != (
        "duplicate"
    )
    # Two abstracts of one team in a journal's supplement, each given the abstract book's range
    # (one exported without its journal and volume): a person decides.
    book = {"ENTRYTYPE": "article", "journal": "Sociology of Health Supplement", "volume": "12"}
    book |= {"number": "Suppl 1", "pages": "S85--S922"}
    first = FULL | book | {"title": "Ride-hailing apps and rural gig work in Ghana"}
    second = SHORT | book | {"title": "Ride-hailing apps and rural gig work", "doi": ""}
    second |= {"journal": "", "volume": ""}
    assert _verdict(first, second)[0] != "duplicate"


def test_not_at_a_range_longer_than_a_paper() -> None:
    # Before: two abstracts of one team exported as proceedings papers without journal, each
    # given the abstract book's range, were joined as one paper: a range of hundreds of pages
    # is the book's, not the paper's.
    first = FULL | {"title": "Ride-hailing apps and rural gig work", "pages": "85--922"}
    second = SHORT | {"title": "Ride-hailing apps and rural gig work in Ghana", "doi": ""}
    for pages in ("85--922", "S85--S922"):
        assert _verdict(first | {"pages": pages}, second | {"pages": pages})[0] != "duplicate"
    # The paper's own range still names it.
    assert _verdict(first | {"pages": "85--96"}, second | {"pages": "85--96"}) == (
        "duplicate",
        REASON,
    )
