"""Journals that number each issue's pages from its start print other articles at the same pages
of another issue: the citation rules need the issue not to differ (records of the digital-work
tuning set, written out here as in ``test_evidence``)."""

from __future__ import annotations

import pandas as pd

from livingreview.dedup.engine import find_duplicates
from tests.dedup.test_evidence import judged, rows

# Journal of Management Information Systems 19(3) and 19(1), both at pages 11-15: the gold
# counts two works (two special sections' introductions).
JMIS = {
    "ENTRYTYPE": "article",
    "year": "2002",
    "journal": "Journal of Management Information Systems",
    "volume": "19",
    "pages": "11--15",
}
COMPETITIVE = {
    **JMIS,
    "author": "Chircu, Alina M and Kauffman, Robert J",
    "number": "3",
    "title": "Special Section: Competitive Strategy, Economics, and the Internet",
}
ERP = {
    **JMIS,
    "author": "Ragowsky, Arik and Somers, Toni M.",
    "number": "1",
    "title": "Special Section - Enterprise Resource Planning",
}
# Psychosociological Issues in Human Resource Management 7(1) and 7(2), both at pages 54-59 by
# one author: two works in the gold.
PIHRM = {
    "ENTRYTYPE": "article",
    "author": "Durlauf, Maria",
    "year": "2019",
    "journal": "Psychosociological Issues in Human Resource Management",
    "volume": "7",
    "pages": "54--59",
}
GIG = {
    **PIHRM,
    "number": "1",
    "title": "The Commodification of Digital Labor in the Gig Economy: Online Outsourcing, "
    "Insecure Employment, and Platform-based Rating and Ranking Systems",
}
BIG_DATA = {
    **PIHRM,
    "number": "2",
    "title": "Big Data Analytics in Human Resource Management: Automated Decision-Making "
    "Processes, Predictive Hiring Algorithms, and Cutting-Edge Workplace Surveillance "
    "Technologies Social Sciences, Sociology, Management and complex organizations",
}


def _records(*records: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"ID": f"r{k}", **r} for k, r in enumerate(records)])


def _apart(pair: pd.DataFrame, outcome: tuple[str, str] | str) -> None:
    verdict = judged(pair, "r0", "r1")
    assert verdict == outcome if isinstance(outcome, tuple) else verdict[0] == outcome
    assert len(set(find_duplicates(pair).groups.values())) == 2


ASK = ("maybe", "issues differ")


def test_the_same_pages_of_another_issue_with_one_record_unsigned_are_for_a_person() -> None:
    # Titles 0.56 alike (as plausible a translation as "same citation" allows), the whole range.
    _apart(_records(COMPETITIVE, {**ERP, "author": ""}), ASK)


def test_the_same_pages_and_first_author_in_another_issue_are_for_a_person() -> None:
    # A guest editor introducing two special sections of one volume.
    _apart(_records(COMPETITIVE, {**ERP, "author": "Chircu, Alina M"}), ASK)


def test_one_team_at_the_same_pages_of_another_issue_is_for_a_person() -> None:
    team = "Durlauf, Maria and Lemke, Roderick"
    _apart(_records({**GIG, "author": team}, {**BIG_DATA, "author": team}), ASK)
    # A single author there is not joined either.
    _apart(_records(GIG, BIG_DATA), "maybe")


def test_in_one_issue_the_full_citation_and_team_still_name_one_article() -> None:
    team = "Durlauf, Maria and Lemke, Roderick"
    one_issue = _records({**GIG, "author": team}, {**BIG_DATA, "author": team, "number": "1"})
    assert judged(one_issue, "r0", "r1") == ("duplicate", "same full citation and team")
    # One title in two issues at one start page: the issue mistyped.
    typo = _records({**GIG, "author": team}, {**GIG, "author": team, "number": "2"})
    assert judged(typo, "r0", "r1")[0] == "duplicate"


def test_a_title_in_brackets_explains_the_titles_not_the_issues() -> None:
    # respiratory's issue field holds a reference manager's record numbers (65 and 266 for one
    # article under its English and its bracketed French title), two records too few to show it:
    # the bracketed translation is why the titles differ, and the citation joins them.
    pair = ("id_0000088", "id_0000089")
    assert judged(rows("respiratory", *pair), *pair) == ("duplicate", "same full citation and team")
