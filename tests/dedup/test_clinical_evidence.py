"""Versions of one BMJ Clinical Evidence overview: one review, like the versions of a Cochrane
review. Clinical Evidence updates each overview every year or two under its topic's title, the
volume being the year, with no pages, DOI or review number (srsr holds 16 such pairs of versions,
all one work in its gold). The records below are invented in the shape MEDLINE exports them."""

from __future__ import annotations

import pandas as pd

from livingreview.dedup.engine import find_duplicates, judge_pairs
from livingreview.dedup.matching import Policy, hard_conflict
from livingreview.dedup.merge import merge_records
from livingreview.dedup.normalise import normalise_frame, review_number
from livingreview.records import Record

JOURNAL = "BMJ Clin Evid"


def _overview(record_id: str, year: str, title: str, author: str, journal: str = JOURNAL) -> dict:
    return {
        "ID": record_id,
        "ENTRYTYPE": "article",
        "author": author,
        "year": year,
        "title": title,
        "journal": journal,
        "volume": year,
    }


def _versions() -> pd.DataFrame:
    return pd.DataFrame(
        [
            _overview("id_0000101", "2009", "BURNING MOUTH SYNDROME", "Zakrzewska J. M."),
            _overview("id_0000102", "2011", "BURNING MOUTH SYNDROME", "Zakrzewska J. M."),
            _overview(
                "id_0000103", "2016", "BURNING MOUTH SYNDROME", "Zakrzewska J. M.Buchanan J. A."
            ),
            # The same author's overview of another topic in the same years: another review.
            _overview("id_0000104", "2011", "TRIGEMINAL NEURALGIA", "Zakrzewska J. M."),
        ]
    )


def test_versions_of_one_overview_are_one_review() -> None:
    result = find_duplicates(_versions())
    groups = result.groups
    assert groups["id_0000101"] == groups["id_0000102"] == groups["id_0000103"] == "id_0000101"
    assert groups["id_0000104"] == "id_0000104"
    reasons = {(v.a, v.b): (v.outcome, v.reason) for v in result.verdicts}
    assert reasons[("id_0000101", "id_0000103")] == (
        "duplicate",
        "versions of one Clinical Evidence overview",
    )


def test_versions_of_one_overview_follow_the_review_versions_policy() -> None:
    frame = _versions()
    pair = [("id_0000101", "id_0000103")]
    outcomes = {
        policy: judge_pairs(frame, pair, policy=Policy(review_versions=policy))[0]
        for policy in ("duplicate", "maybe", "distinct")
    }
    assert {p: (v.outcome, v.reason) for p, v in outcomes.items()} == {
        "duplicate": ("duplicate", "versions of one Clinical Evidence overview"),
        "maybe": ("maybe", "versions of one Clinical Evidence overview"),
        "distinct": ("distinct", "years too far apart"),
    }
    # Nor does the chain guard keep two versions apart when they were never compared directly.
    norm = normalise_frame(frame.iloc[[0, 2]].reset_index(drop=True))
    assert list(norm["review_number"]) == ["clinevid:burningmouthsyndrome"] * 2
    assert not hard_conflict(norm, Policy())(0, 1)
    assert hard_conflict(norm, Policy(review_versions="distinct"))(0, 1)


def test_the_topic_names_an_overview_only_in_clinical_evidence() -> None:
    # The same short title in another journal, years apart: two papers, as before.
    frame = pd.DataFrame(
        [
            _overview(
                "id_0000201", "2009", "BURNING MOUTH SYNDROME", "Zakrzewska J. M.", "Br Dent J"
            ),
            _overview(
                "id_0000202", "2014", "BURNING MOUTH SYNDROME", "Zakrzewska J. M.", "Br Dent J"
            ),
        ]
    )
    verdict = judge_pairs(frame, [("id_0000201", "id_0000202")])[0]
    assert (verdict.outcome, verdict.reason) == ("distinct", "years too far apart")
    assert review_number("", "Br Dent J", "2009", "", "", "burning mouth syndrome") == ""
    for journal in (
        "BMJ Clin Evid",
        "Clinical evidence",
        "BMJ clinical evidence",
        "Clin Evid (Online)",
    ):
        assert review_number("", journal, "2009", "", "", "burning mouth syndrome") == (
            "clinevid:burningmouthsyndrome"
        )
    # Versions by two teams with no one in common stay apart (an author conflict).
    teams = pd.DataFrame(
        [
            _overview("id_0000301", "2007", "BURNING MOUTH SYNDROME", "Zakrzewska J. M."),
            _overview("id_0000302", "2016", "BURNING MOUTH SYNDROME", "Okonkwo B.Haraldsen T."),
        ]
    )
    assert judge_pairs(teams, [("id_0000301", "id_0000302")])[0].outcome == "distinct"


def test_the_merged_overview_cites_its_latest_version() -> None:
    records = [
        Record(record_id=k, title="BURNING MOUTH SYNDROME", year=y, volume=y, journal=JOURNAL)
        for k, y in (("a", "2011"), ("b", "2011"), ("c", "2016"))
    ]
    for group in (records, records[::-1]):
        merged = merge_records(group)
        assert (merged.year, merged.volume) == ("2016", "2016")
