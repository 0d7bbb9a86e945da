"""A withdrawn version of a Cochrane review keeps its review's title under a note: MEDLINE and the
Cochrane Library write "WITHDRAWN: Title" (or "WITHDRAWN. Title"), Embase "Title (Withdrawn
Paper. 1996, Art. No. CD000153)". The note is no part of the title, so the withdrawn version is
a version of its review like any other. The records are invented in the shape srsr holds them
(the 2000 version, the 2007 withdrawn version, each with its own DOI and issue)."""

from __future__ import annotations

import pandas as pd
import pytest

from livingreview.dedup.engine import find_duplicates, judge_pairs
from livingreview.dedup.normalise import normalise_title

TITLE = "PALIVIZUMAB FOR PREVENTING BRONCHIOLITIS IN PRETERM INFANTS"
TEAM = "Okonkwo A. N.Ferreira L."


def _records(withdrawn_title: str, **withdrawn: str) -> pd.DataFrame:
    base = {"ENTRYTYPE": "article", "author": TEAM, "journal": "Cochrane Database Syst Rev"}
    return pd.DataFrame(
        [
            base
            | {
                "ID": "id_0000701",
                "year": "2000",
                "title": TITLE,
                "number": "2",
                "pages": "Cd004217",
                "doi": "10.1002/14651858.cd004217",
            },
            base
            | {
                "ID": "id_0000702",
                "year": "2007",
                "title": withdrawn_title,
                "number": "3",
                "pages": "Cd004217",
                "doi": "10.1002/14651858.CD004217.pub2",
            }
            | withdrawn,
        ]
    )


@pytest.mark.parametrize(
    "title",
    [
        f"WITHDRAWN: {TITLE}",
        f"WITHDRAWN. {TITLE}",
        f"{TITLE} (WITHDRAWN PAPER. 2000 ART. NO. CD004217)",
    ],
)
def test_the_withdrawal_note_is_no_part_of_the_title(title: str) -> None:
    assert normalise_title(title) == normalise_title(TITLE)


@pytest.mark.parametrize(
    "title", [f"WITHDRAWN: {TITLE}", f"{TITLE} (Withdrawn Paper. 2000, Art. No. CD004217)"]
)
def test_a_withdrawn_version_joins_its_review(title: str) -> None:
    result = find_duplicates(_records(title))
    assert result.groups == {"id_0000701": "id_0000701", "id_0000702": "id_0000701"}
    (verdict,) = judge_pairs(_records(title), [("id_0000701", "id_0000702")])
    assert (verdict.outcome, verdict.reason) == ("duplicate", "versions of one Cochrane review")


def test_a_title_about_withdrawal_keeps_its_words() -> None:
    # Only the note goes: a title that is about withdrawal keeps every word.
    title = "Withdrawn or not: antidepressant discontinuation in primary care"
    expected = "withdrawn or not antidepressant discontinuation in primary care"
    assert normalise_title(title) == expected
    frame = _records("WITHDRAWN: PALIVIZUMAB FOR TREATING BRONCHIOLITIS IN TERM INFANTS")
    assert find_duplicates(frame).groups["id_0000702"] == "id_0000702"
