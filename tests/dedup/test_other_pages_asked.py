"""One long title by one team in one journal and year at page ranges that do not overlap is
mostly a one-page item against its full article (a meeting abstract printed in the journal, pages
typed wrong); on the tuning sets the 21 such pairs of two plain works, not in two known issues,
are all one work.
Such a pair is asked about on the maybe-pair sheet, not kept apart without a word; it is still
never joined by a chain of duplicates. The records are invented in the shape the tuning sets
hold them."""

from __future__ import annotations

import pandas as pd

from livingreview.dedup.engine import find_duplicates, judge_pairs

TITLE = "Neurological involvement in a child with complement-mediated thrombotic microangiopathy"
TEAM = "Keller, B. and Arnaud, O. and Kossmann, M. and Bialek, N. and Niemann, P."


def _frame(**second: str) -> pd.DataFrame:
    common = {
        "ENTRYTYPE": "article",
        "author": TEAM,
        "year": "2010",
        "title": TITLE,
        "journal": "Pediatric Nephrology",
        "volume": "25",
        "number": "9",
    }
    rows = [
        common | {"ID": "id_0000128", "pages": "1875-1876"},
        common | {"ID": "id_0000129", "pages": "1929-1930"} | second,
    ]
    return pd.DataFrame(rows)


def _outcome(frame: pd.DataFrame) -> tuple[str, str]:
    (verdict,) = judge_pairs(frame, [("id_0000128", "id_0000129")])
    return verdict.outcome, verdict.reason


def test_other_pages_under_one_title_team_journal_and_year_are_asked_about() -> None:
    assert _outcome(_frame()) == ("maybe", "pages differ, all else agrees")
    result = find_duplicates(_frame())
    assert result.groups["id_0000129"] == "id_0000129"
    assert [(v.a, v.b) for v in result.maybe] == [("id_0000128", "id_0000129")]


def test_another_team_or_year_at_other_pages_stays_apart() -> None:
    other_team = "Laurent, S. and Dupuis, C."
    assert _outcome(_frame(author=other_team)) == ("distinct", "pages differ")
    assert _outcome(_frame(year="2011")) == ("distinct", "pages differ")


def test_the_asked_pair_is_never_joined_by_a_chain() -> None:
    # A third record without pages is a duplicate of both: it joins one of them, never both.
    frame = pd.concat(
        [_frame(), _frame().iloc[[0]].assign(ID="id_0000130", pages="", number="")],
        ignore_index=True,
    )
    groups = find_duplicates(frame).groups
    assert groups["id_0000128"] != groups["id_0000129"]
