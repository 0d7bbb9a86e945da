"""A title wholly in brackets is PubMed's translated title ("[Update on ...]."), never a note the
database appended: its words are the title, however it opens."""

from __future__ import annotations

import pytest

from livingreview.dedup.engine import judge_pairs
from livingreview.dedup.normalise import normalise_title
from tests.dedup import benchmark_frame


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("[Update on screening guidelines].", "update on screening guidelines"),
        ("[Comment on a new staging system].", "comment on a new staging system"),
        ("[Editorial]", "editorial"),
        # Notes after a title are still no part of it.
        ("A trial. [Erratum appears in J Invented Med. 2008;26(5):843]", "a trial"),
        ("A trial. [Review] [133 refs]", "a trial"),
        ("A trial [Japanese]", "a trial"),
        # ... also after a translated title that opens like a note (Ovid's MEDLINE).
        ("[Update on screening guidelines]. [Japanese]", "update on screening guidelines"),
        ("[Summary of a guideline]. [Review] [16 refs] [Romanian]", "summary of a guideline"),
    ],
)
def test_a_note_is_never_the_whole_title(title: str, expected: str) -> None:
    assert normalise_title(title) == expected


def test_a_translated_title_opening_like_a_note_is_judged_as_its_words() -> None:
    # One article of the cytology set (same team, journal, volume, pages 147-155), its title
    # given in brackets by one database as MEDLINE gives a translated title.
    frame = benchmark_frame("cytology_screening")
    two = frame[frame["ID"].isin(["id_0001347", "id_0001348"])].reset_index(drop=True)
    assert two["title"].str.startswith("Update on").all()
    bracketed = two.assign(title=["[" + t + "]." for t in two["title"]])
    plain = judge_pairs(two, [("id_0001347", "id_0001348")])[0]
    marked = judge_pairs(bracketed, [("id_0001347", "id_0001348")])[0]
    assert plain.outcome == marked.outcome == "duplicate"


def test_notes_after_a_translated_title_opening_like_a_note_are_dropped() -> None:
    # One Romanian review of the haematology set, as MEDLINE ("[Title]. [Review] [16 refs]
    # [Romanian]") and another database give it; its title here opens like a note.
    frame = benchmark_frame("haematology")
    two = frame[frame["ID"].isin(["id_0000210", "id_0000211"])].reset_index(drop=True)
    assert two["title"].str.contains(r"^\[?Current aspects of .*\[Romanian\]$").all()
    update = two.assign(title=two["title"].str.replace("Current aspects of", "Update on"))
    titles = {normalise_title(t) for t in update["title"]}
    assert titles == {"update on hemolytic uremic syndrome in children"}
    verdict = judge_pairs(update, [("id_0000210", "id_0000211")])[0]
    assert (verdict.outcome, verdict.reason) == ("duplicate", "same record exported twice")
