"""MEDLINE gives an article in another language its English title in square brackets; the
publisher, Embase or a national database give the original title, often before the pages are
known. The two titles then share no word, and the article's DOI, journal issue and team are what
name it. The records are invented in the shape PubMed and a publisher's export give them."""

from __future__ import annotations

import pandas as pd

from livingreview.dedup.engine import find_duplicates, judge_pairs
from livingreview.dedup.normalise import is_translated_title

REASON = "same DOI, issue and team, one title translated"

MEDLINE = {
    "ID": "pm_31372738",
    "ENTRYTYPE": "article",
    "author": "Kessler, Jana and Brandt, Oliver and Vogel, Ruth",
    "year": "2019",
    "title": "[Exercise therapy for depression in old age: a randomised controlled trial].",
    "journal": "Der Nervenarzt",
    "volume": "90",
    "number": "8",
    "pages": "",
    "doi": "10.1007/s00115-019-0759-2",
}
PUBLISHER = MEDLINE | {
    "ID": "sp_0759",
    "author": "Kessler, J. and Brandt, O. and Vogel, R.",
    "title": "Bewegungstherapie bei Depression im Alter: eine randomisierte kontrollierte Studie",
    "journal": "Nervenarzt",
    "pages": "812-819",
}


def _verdict(first: dict[str, str], second: dict[str, str]) -> tuple[str, str]:
    frame = pd.DataFrame([first, second])
    (verdict,) = judge_pairs(frame, [(first["ID"], second["ID"])])
    return verdict.outcome, verdict.reason


def test_a_bracketed_english_title_and_the_original_under_one_doi_and_issue_are_one_article() -> (
    None
):
    assert _verdict(MEDLINE, PUBLISHER) == ("duplicate", REASON)
    groups = find_duplicates(pd.DataFrame([MEDLINE, PUBLISHER])).groups
    assert groups["sp_0759"] == "pm_31372738"


def test_without_a_translated_title_another_issue_team_pages_or_part_they_stay_apart() -> None:
    # Two unrelated titles under one DOI are what a supplement's DOI looks like.
    plain = MEDLINE | {"title": "Exercise therapy for depression in old age"}
    assert _verdict(plain, PUBLISHER)[0] != "duplicate"
    assert _verdict(MEDLINE, PUBLISHER | {"number": "9"})[0] != "duplicate"
    assert _verdict(MEDLINE, PUBLISHER | {"volume": "91"})[0] != "duplicate"
    other_team = PUBLISHER | {"author": "Lindqvist, A. and Moreau, B. and Okafor, C."}
    assert _verdict(MEDLINE, other_team)[0] != "duplicate"
    paged = MEDLINE | {"pages": "820-826"}
    assert _verdict(paged, PUBLISHER)[0] != "duplicate"
    part_two = MEDLINE | {"title": "[Exercise therapy for depression in old age. Part 2]."}
    part_one = PUBLISHER | {"title": "Bewegungstherapie bei Depression im Alter. Teil 1"}
    assert _verdict(part_two, part_one)[0] != "duplicate"
    single = MEDLINE | {"author": "Kessler, Jana"}
    assert _verdict(single, PUBLISHER | {"author": "Kessler, J."})[0] != "duplicate"


def test_a_translated_title_is_bracketed_whole_its_notes_aside() -> None:
    assert is_translated_title("[Exercise therapy in old age].")
    assert is_translated_title("[Exercise therapy in old age]. [Review] [24 refs]")
    assert not is_translated_title("Exercise therapy in old age [Japanese]")
    assert not is_translated_title("[Exercise therapy] and [depression] in old age")
    assert not is_translated_title("Exercise therapy in old age")
    assert not is_translated_title("[]")
