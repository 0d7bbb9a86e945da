"""An article's early record may carry an issue before it has pages: Embase exports "Curr Diab
Rep 15(9)" (no pages) for the article printed as 14(9):523, one DOI and title, a year apart. Like
the online-first record without an issue, its volume is no fact about the article. The records
are invented in the shape srsr holds them (the early record with its authors glued, full names
without separators)."""

from __future__ import annotations

import pandas as pd

from livingreview.dedup.engine import find_duplicates, judge_pairs

TITLE = "DIETARY SODIUM RESTRICTION IN DIABETIC KIDNEY DISEASE"
DOI = "10.1007/s11892-016-0712-q"


def _records(**early: str) -> pd.DataFrame:
    base = {"ENTRYTYPE": "article", "title": TITLE, "journal": "Curr Diab Rep", "doi": DOI}
    printed = base | {
        "ID": "id_0000901",
        "author": "Haraldsen M.Tovar-Ruiz E.Osei K.",
        "year": "2016",
        "volume": "16",
        "number": "9",
        "pages": "712",
    }
    first = base | {
        "ID": "id_0000902",
        "author": "Haraldsen MaritTovar-Ruiz ElenaOsei Kwame",
        "year": "2017",
        "volume": "17",
        "number": "9",
        "pages": "",
    }
    return pd.DataFrame([printed, first | early])


def _judged(frame: pd.DataFrame) -> tuple[str, str]:
    (verdict,) = judge_pairs(frame, [("id_0000901", "id_0000902")])
    return verdict.outcome, verdict.reason


def test_an_early_record_with_an_issue_but_no_pages_is_the_article() -> None:
    assert _judged(_records()) == ("duplicate", "same DOI and title")
    assert find_duplicates(_records()).groups["id_0000902"] == "id_0000901"


def test_pages_on_both_records_or_two_years_still_ask_a_person() -> None:
    # A start page on both records is an item of its own (two abstracts under one DOI).
    assert _judged(_records(pages="45")) == ("maybe", "same DOI, volume or pages differ")
    # Two years apart, no online-first delay explains the other volume.
    assert _judged(_records(year="2018", volume="18")) == (
        "maybe",
        "same DOI, volume or pages differ",
    )


def test_a_meeting_abstract_in_a_supplement_issue_is_no_early_record() -> None:
    # A meeting abstract printed without pages in the meeting's supplement the year before and
    # exported with its later article's DOI (Embase) is another report of the study: a person
    # decides, as before the early-record rule, whether its issue is a supplement's or the
    # meeting is named.
    abstract = {"journal": "Curr Diab Rep", "volume": "17", "number": "Supplement 1"}
    assert _judged(_records(**abstract)) == ("maybe", "same DOI, volume or pages differ")
    meeting = {"journal": "Diabetes. Conference: 77th Scientific Sessions", "number": "1"}
    assert _judged(_records(**meeting))[0] != "duplicate"
