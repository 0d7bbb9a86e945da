"""One database gives an article's number from its DOI as its page ("381" for 10.xxxx/nh.381)
where the other gives the printed range, and exports the author list as full names glued
together, so no surname parses alike. The item's DOI, whole title, journal, year and volume still
name one article. The records are invented in the shape srsr holds them (glued author lists,
titles in capitals)."""

from __future__ import annotations

import pandas as pd

from livingreview.dedup.engine import find_duplicates, judge_pairs

NUMBERED = {
    "ID": "id_0030118",
    "ENTRYTYPE": "article",
    "author": "De Oliveira Costa M.Ferreira L. A.Moura Neto P. R.Barros T.",
    "year": "2017",
    "title": "SLEEP DURATION AND INSULIN RESISTANCE IN SCHOOLCHILDREN: A CROSS-SECTIONAL STUDY",
    "journal": "Nutr Hosp",
    "volume": "34",
    "number": "2",
    "pages": "512",
    "doi": "10.20960/nh.512",
}
PRINTED = NUMBERED | {
    "ID": "id_0049077",
    "author": (
        "Costa Marina de OliveiraFerreira Lucia AparecidaMoura Neto Paulo RobertoBarros Tiago"
    ),
    "pages": "402-409",
}


def _verdict(first: dict[str, str], second: dict[str, str]) -> tuple[str, str]:
    frame = pd.DataFrame([first, second])
    (verdict,) = judge_pairs(frame, [(first["ID"], second["ID"])])
    return verdict.outcome, verdict.reason


def test_one_doi_whole_title_journal_year_and_volume_are_one_article_at_another_page() -> None:
    assert _verdict(NUMBERED, PRINTED) == (
        "duplicate",
        "same DOI, title and year, author lists differ",
    )
    groups = find_duplicates(pd.DataFrame([NUMBERED, PRINTED])).groups
    assert groups["id_0049077"] == "id_0030118"


def test_not_in_another_volume_or_journal_nor_under_a_supplements_doi() -> None:
    # Another volume, or another journal, under the one DOI: a person decides, as before.
    assert _verdict(NUMBERED, PRINTED | {"volume": "35"})[0] == "maybe"
    assert _verdict(NUMBERED, PRINTED | {"journal": "Endocrinol Diabetes Nutr"})[0] != "duplicate"
    # Two meeting abstracts of one supplement under its DOI at other pages stay apart.
    abstract = {"volume": "34", "number": "Suppl 1", "doi": "10.20960/nh.2017.s1"}
    first = NUMBERED | abstract | {"pages": "S51"}
    second = PRINTED | abstract | {"pages": "S88"}
    assert _verdict(first, second)[0] != "duplicate"


def test_not_in_another_issue() -> None:
    # Before: two items of one title in two issues of a volume by two teams, one DOI copied to
    # both (a series an export gave its first part's DOI), were joined; a page can be a typo or
    # the article number only within one issue.
    other = PRINTED | {"number": "5", "pages": "1201-1208"}
    other |= {"author": "Almeida Rodrigo SantosPinto Carla MariaTeixeira Joao Paulo"}
    assert _verdict(NUMBERED, other) == ("maybe", "same DOI, volume or pages differ")
