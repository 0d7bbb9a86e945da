"""A person written given names first ("A. Andres", "J.-P. Dupont") has one surname, as written
surname first ("Andres, A.", "Dupont J.-P."): initials alone are no person of their own, and
hyphenated initials are initials."""

from __future__ import annotations

import pytest

from livingreview.dedup.engine import judge_pairs
from livingreview.dedup.normalise import author_surnames
from tests.dedup import benchmark_frame


@pytest.mark.parametrize(
    ("given_first", "surname_first", "expected"),
    [
        ("A. Andres", "Andres, A.", ("andres",)),
        ("A. B. Andres", "Andres A. B.", ("andres",)),
        ("J.-P. Dupont", "Dupont J.-P.", ("dupont",)),
        ("J.-P. Dupont and K. Lee", "Dupont, J.-P.; Lee, K.", ("dupont", "lee")),
    ],
)
def test_one_person_either_way_round(given_first: str, surname_first: str, expected: tuple) -> None:
    assert author_surnames(given_first) == author_surnames(surname_first) == expected


def test_glued_lists_still_split_into_people() -> None:
    assert author_surnames("Adeli K.Lewis G. F.") == ("adeli", "lewis")
    assert author_surnames("Chen R.Wang Y.Liang L.") == ("chen", "wang", "liang")


def test_a_real_single_author_given_first_is_judged_as_surname_first() -> None:
    # One paper of the haematology set, both records by "Andres, A." (Nefrologia 30, 30-38).
    frame = benchmark_frame("haematology")
    two = frame[frame["ID"].isin(["id_0000229", "id_0000230"])].reset_index(drop=True)
    assert set(two["author"]) == {"Andres, A."}
    given_first = two.assign(author=["A. Andres", "Andres, A."])
    plain = judge_pairs(two, [("id_0000229", "id_0000230")])[0]
    turned = judge_pairs(given_first, [("id_0000229", "id_0000230")])[0]
    assert (turned.outcome, turned.reason) == (plain.outcome, plain.reason)
