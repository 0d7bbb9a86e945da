"""Pages some databases label ("pp. 280-284", "pp. S27", "pp. iii80-iii81", "pp. v-vii") are read
as the same pages unlabelled, by every part of the engine that reads pages: real records of the
tuning sets with their page cells labelled must be judged as they are without the label."""

from __future__ import annotations

import pytest

from livingreview.dedup.engine import judge_pairs
from livingreview.dedup.normalise import conference_kind, normalise_pages
from tests.dedup import benchmark_frame


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("pp. S27", ("s27", "")),
        ("pp. e43268", ("e43268", "")),
        ("pp. iii80-iii81", ("iii80", "81")),
        ("pp. v-vii", ("v", "7")),
        ("p. iii", ("iii", "")),
        ("p v-vii", ("v", "7")),
        ("pp. 1279\u20101297", ("1279", "1297")),  # the Cochrane Library's Unicode hyphen
    ],
)
def test_a_label_before_a_lettered_or_roman_page_or_another_dash_is_dropped(
    pages: str, expected: tuple[str, str]
) -> None:
    assert normalise_pages(pages) == expected
    assert normalise_pages(pages.split(" ", 1)[1]) == expected


def test_a_labelled_page_range_is_a_regular_article() -> None:
    assert conference_kind("", "Ann Fr Anesth Reanim", "13", "", "pp. 280-284") == "article"
    assert conference_kind("", "Eur J Cancer", "30a", "", "pp. S27") == "supplement"


@pytest.mark.parametrize(
    ("set_name", "a", "b"),
    [
        ("respiratory", "id_0000088", "id_0000089"),  # English and French titles, pages 280-284
        ("respiratory", "id_0000091", "id_0000799"),  # German and English titles, pages 935-940
        ("neuroimaging", "id_0002887", "id_0001241"),  # a book's preface, pages v-vii
        ("neuroimaging", "id_0002562", "id_0002664"),  # meeting abstracts, S284 vs iii80
    ],
)
def test_labelled_pages_are_judged_as_unlabelled(set_name: str, a: str, b: str) -> None:
    frame = benchmark_frame(set_name)
    two = frame[frame["ID"].isin([a, b])].reset_index(drop=True)
    labelled = two.assign(pages=["pp. " + p if p else p for p in two["pages"]])
    plain, marked = judge_pairs(two, [(a, b)])[0], judge_pairs(labelled, [(a, b)])[0]
    assert (marked.outcome, marked.reason) == (plain.outcome, plain.reason)
