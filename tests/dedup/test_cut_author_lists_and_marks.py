"""Cells some databases write their own way, on real records of the tuning sets: an author list
cut with "et al." after a name without a comma ("Li N. et al."), a reply's title with the full
stop MEDLINE ends titles with ("... - Reply."), a Cochrane review number labelled as pages
("pp. CD009194")."""

from __future__ import annotations

import pandas as pd
import pytest

from livingreview.dedup.engine import find_duplicates
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


def test_a_correction_note_without_commas_marks_an_erratum() -> None:
    # Web of Science cites the corrected article after an erratum's title: "(vol 49, pg 931,
    # 2019)"; an export that drops commas from titles writes "(VOL 49 PG 931 2019)". Either way
    # the record is the erratum, as another database's "CORRECTION TO: ..." of it is.
    article = "EFFECT OF COLD WATER IMMERSION ON MUSCLE SORENESS: A SYSTEMATIC REVIEW"
    for note in ("(vol 49, pg 931, 2019)", "(VOL 49 PG 931 2019)", "(VOL 49 PG 931, 2019)"):
        assert work_kind(f"{article} {note}", "") == "erratum"
    assert work_kind(article, "") == ""
    erratum = {
        "ENTRYTYPE": "article",
        "year": "2019",
        "journal": "Sports Med",
        "volume": "49",
        "number": "6",
        "pages": "981-986",
        "doi": "10.1007/s40279-019-01122-5",
    }
    frame = pd.DataFrame(
        [
            {**erratum, "ID": "a", "title": f"CORRECTION TO: {article}",
             "author": "Hallam K. J.Okafor D. N."},
            {**erratum, "ID": "b", "title": f"{article} (VOL 49 PG 931 2019)",
             "author": "Hallam Kieran J.Okafor Daniel N."},
            {**erratum, "ID": "c", "title": article, "author": "Hallam K. J.Okafor D. N.",
             "pages": "931-950", "doi": "10.1007/s40279-019-01110-9"},
        ]
    )  # fmt: skip
    groups = find_duplicates(frame).groups
    assert groups["a"] == groups["b"] == "a"
    assert groups["c"] == "c"
