"""Cells some databases write their own way, on real records of the tuning sets: an author list
cut with "et al." after a name without a comma ("Li N. et al."), a reply's title with the full
stop MEDLINE ends titles with ("... - Reply."), a Cochrane review number labelled as pages
("pp. CD009194")."""

from __future__ import annotations

import pytest

from livingreview.dedup.normalise import author_surnames, review_number, work_kind
from tests.dedup import benchmark_frame


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ("Li N. et al.", ("li",)),
        ("Li N et al", ("li",)),
        ("Li N.Zhao Y. et al.", ("li", "zhao")),
        ("Li N. and Zhao Y. et al.", ("li", "zhao")),
        ("Li N, Zhao Y, et al.", ("li", "zhao")),
        ("Tetal J.", ("tetal",)),
    ],
)
def test_et_al_ends_a_list_however_written(author: str, expected: tuple[str, ...]) -> None:
    assert author_surnames(author) == expected


def test_a_reply_ending_in_a_full_stop_or_in_brackets_is_a_reply() -> None:
    frame = benchmark_frame("haematology").set_index("ID")
    title = frame.loc["id_0000039", "title"]  # "... streptococcus - Reply"
    assert title.endswith("- Reply")
    for written in (title, title + ".", f"[{title}].", f"[{title}]"):
        assert work_kind(written, "") == "reply"


def test_a_review_number_labelled_as_pages() -> None:
    journal = "Cochrane Database of Systematic Reviews"
    assert review_number("", journal, "", "", "pp. CD009194") == "cd009194"
    assert review_number("", journal, "", "", "CD009194") == "cd009194"
