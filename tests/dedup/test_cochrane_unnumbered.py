"""A version of a Cochrane review exported without its review number (no DOI, no pages, only the
journal and its issue) is a version of the numbered review under the same title and team. The
records below are invented in the shape the benchmark sets hold them (respiratory's 2008 and 2012
versions of one review, the 2012 one exported twice, once without pages)."""

from __future__ import annotations

import pandas as pd

from livingreview.dedup.engine import find_duplicates, judge_pairs
from livingreview.dedup.matching import Policy

TITLE = "Antifibrinolytic agents for preventing bleeding after dental extraction in children"
JOURNAL = "Cochrane Database of Systematic Reviews"


def _version(record_id: str, year: str, author: str, **fields: str) -> dict[str, str]:
    row = {
        "ID": record_id,
        "ENTRYTYPE": "article",
        "author": author,
        "year": year,
        "title": TITLE,
        "journal": JOURNAL,
    }
    return row | fields


TEAM = "Lindqvist, Marta and Okafor, Chidi and Brennan, Aoife"
TEAM_2012 = TEAM + " and Sato, Haruki"


def _records() -> pd.DataFrame:
    return pd.DataFrame(
        [
            _version("id_0000501", "2008", TEAM, pages="CD007412", number="3"),
            _version("id_0000502", "2012", TEAM_2012, pages="CD007412", volume="6", number="11"),
            # The 2012 version again, its number (pages) not exported; the issue is another
            # version's than the 2008 record's.
            _version(
                "id_0000503", "2012", "Lindqvist, M. and Okafor, C. and Brennan, A.", number="6"
            ),
        ]
    )


def test_an_unnumbered_version_joins_its_review() -> None:
    result = find_duplicates(_records())
    assert set(result.groups.values()) == {"id_0000501"}
    reasons = {(v.a, v.b): (v.outcome, v.reason) for v in result.verdicts}
    assert reasons[("id_0000501", "id_0000503")] == ("duplicate", "versions of one Cochrane review")


def test_the_unnumbered_version_follows_the_review_versions_policy() -> None:
    pair = [("id_0000501", "id_0000503")]
    outcomes = {
        policy: judge_pairs(_records(), pair, policy=Policy(review_versions=policy))[0].outcome
        for policy in ("duplicate", "maybe", "distinct")
    }
    assert outcomes == {"duplicate": "duplicate", "maybe": "maybe", "distinct": "distinct"}


def test_without_the_review_database_or_the_title_it_is_no_version() -> None:
    frame = _records()
    pair = [("id_0000501", "id_0000503")]
    # The same title and team years apart in another journal: another paper, as before.
    elsewhere = frame.assign(journal=[JOURNAL, JOURNAL, "Journal of Oral Surgery"])
    assert judge_pairs(elsewhere, pair)[0].outcome == "distinct"
    # Another review of the same team in the database, without its number: another review.
    other = frame.assign(title=[TITLE, TITLE, "Fluoride varnishes for preventing caries"])
    assert judge_pairs(other, pair)[0].outcome == "distinct"
    # A DOI on the unnumbered record (none names a review) is another item's: not a version.
    foreign = frame.assign(doi=["", "", "10.1002/14651858.ED000042"])
    assert judge_pairs(foreign, pair)[0].outcome == "distinct"


def test_a_colloquium_abstract_under_the_reviews_title_is_no_version() -> None:
    """A Cochrane Colloquium abstract is printed in the journal's supplement (Embase: "Cochrane
    Database of Systematic Reviews 2012 (9 Suppl 1)", a conference abstract) under its review's
    title, by its team, without number or DOI: a presentation of the review, kept apart from it
    as conference_vs_article says, not made a version by the unnumbered rule."""
    frame = _records()
    for shape in ({"number": "9 Suppl 1"}, {"ENTRYTYPE": "inproceedings", "number": "9"}):
        abstract = frame.assign(
            **{k: [frame.at[0, k], frame.at[1, k], v] for k, v in shape.items()}
        )
        verdicts = judge_pairs(abstract, [("id_0000501", "id_0000503")])
        assert verdicts[0].reason != "versions of one Cochrane review", shape
        assert find_duplicates(abstract).groups["id_0000503"] == "id_0000503", shape
