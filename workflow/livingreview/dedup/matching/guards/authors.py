"""Guards on the authors: lists with nobody in common, teams that differ, another presenter."""

from __future__ import annotations

from livingreview.dedup.matching.facts import Facts
from livingreview.dedup.matching.policy import FIRST_AUTHOR_SIM
from livingreview.dedup.matching.verdict import Verdicts


def authors_differ(x: Facts, v: Verdicts) -> None:
    """Authors that contradict: distinct, unless the DOI or title, volume and page agree."""
    author_conf, doi_eq = x.author_conf, x.doi_eq
    # Same title at the same volume and start page: an author list that does not parse alike
    # is a format problem, not another work.
    located = x.located
    v.fire(author_conf & ~doi_eq & ~located, "distinct", "authors differ")


def same_doi_authors_differ(x: Facts, v: Verdicts) -> None:
    """One DOI, authors that contradict: a person decides, unless the citation or the DOI with
    the whole title and year agree."""
    author_conf, doi_eq, vol_eq, page_eq = x.author_conf, x.doi_eq, x.vol_eq, x.page_eq
    doi_named = x.doi_title & x.year_eq
    v.fire(
        author_conf & doi_eq & ~(vol_eq & page_eq) & ~doi_named, "maybe", "same DOI, authors differ"
    )


def author_lists_differ(x: Facts, v: Verdicts) -> None:
    """Teams of three or more with under a third of their names in common."""
    f, doi_eq, vol_eq, page_eq = x.f, x.doi_eq, x.vol_eq, x.page_eq
    # Teams of three or more with under a third of their names in common (by surname and by name
    # word, so a name format that does not parse alike is no reason): at most the first author
    # is shared, as between one person's abstracts with different co-authors. The DOI, or the
    # volume and start page, can still show one article.
    teams_differ = (
        (f["min_authors"].to_numpy() >= 3)
        & (f["overlap"].to_numpy() < 1 / 3)
        & (f["name_words"].to_numpy() < 1 / 3)
    )
    v.fire(teams_differ & ~doi_eq & ~(vol_eq & page_eq), "maybe", "author lists differ")


def first_authors_differ(x: Facts, v: Verdicts) -> None:
    """Meeting abstracts under one title with another first (presenting) author."""
    f, article_doi, doi_eq, page_eq = x.f, x.article_doi, x.doi_eq, x.page_eq
    # Meeting abstracts with one title but another first (presenting) author are separate
    # presentations: two abstracts in one supplement, or one abstract per meeting.
    first_differs = f["has_authors"].to_numpy() & (f["fa_sim"].to_numpy() < FIRST_AUTHOR_SIM)
    meeting_items = first_differs & f["any_abstract"].to_numpy() & ~article_doi
    meeting_items &= ~(doi_eq & page_eq)
    v.fire(meeting_items & v.duplicate(), "maybe", "first authors differ")
