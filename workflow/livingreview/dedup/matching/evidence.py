"""The duplicate evidence: named rules, each enough to call a pair a duplicate before the guards
look for contradictions; a pair near one of them is a "maybe"."""

from __future__ import annotations

import numpy as np

from livingreview.dedup.matching.facts import Facts
from livingreview.dedup.matching.policy import (
    TEAM_OVERLAP,
    TITLE_FAIR,
    TITLE_GOOD,
    TITLE_STRONG,
)
from livingreview.dedup.matching.verdict import Verdicts

Rule = tuple[str, np.ndarray]  # a rule's name (the reason it gives) and the pairs it holds for


def weigh_evidence(x: Facts, v: Verdicts) -> np.ndarray:
    """Mark duplicates (the reason: the first rule that holds) and maybes in ``v``; return the
    duplicate rule of each pair, or ""."""
    # Each rule is named: a duplicate's reason is the first rule that holds.
    rules = [*_record_and_doi_rules(x), *_title_rules(x), *_citation_rules(x)]
    rules.append(("same DOI, journal, year and team, similar title", _doi_team(x)))
    rules.append(("similar title, team, year and whole page range", _range_team(x)))
    rules.append(("same DOI, issue and team, one title translated", x.doi_issue_team))
    dup = np.zeros(len(v.outcome), dtype=bool)
    for why, mask in reversed(rules):
        v.reason[mask] = why
        dup |= mask
    t, title_author, untitled, citation = x.t, x.author_ok | x.no_authors, _untitled(x), x.citation
    maybe = ~dup & (((t >= 0.85) & (title_author | (t >= TITLE_STRONG))) | untitled | citation)
    v.outcome[dup] = "duplicate"
    evidence = np.where(dup, v.reason, "")
    v.outcome[maybe] = "maybe"
    v.reason[maybe] = "similar title, too little corroboration"
    return evidence


def _untitled(x: Facts) -> np.ndarray:
    """A pair without a title whose other fields all agree."""
    # Without a title only a person can tell; all other fields agreeing makes it worth asking.
    vol_eq, page_eq, journal_eq, year_same = x.vol_eq, x.page_eq, x.journal_eq, x.year_eq
    title_empty, f = x.title_empty, x.f
    return (
        title_empty & (f["overlap"].to_numpy() >= 0.8) & vol_eq & page_eq & journal_eq & year_same
    )


def _both_papers(x: Facts) -> np.ndarray:
    """Two conference papers that carry no journal and nothing that places them apart."""
    f = x.f
    # Two conference papers: the proceedings' name is a booktitle, which the record columns do
    # not carry, so nothing says where either was published. The same title, team and year are
    # all the evidence there is. (Two journal articles without their journals stay for a person:
    # one guideline printed in two journals is alike in every field left.)
    both_papers = f["both_conference"].to_numpy() & ~f["journal_any"].to_numpy()
    # Unless what they do carry places them apart: the same abstract given at two meetings in one
    # year ("S129" and "39"), or in two issues. (Equal start pages, even page 1, do not.)
    both_papers &= ~f["start_differs"].to_numpy() & ~x.vol_conf & ~f["num_conf"].to_numpy()
    return both_papers


def _record_and_doi_rules(x: Facts) -> list[Rule]:
    """One record exported twice; one DOI with the title; one conference paper."""
    t, doi_eq, title_empty, long_title = x.t, x.doi_eq, x.title_empty, x.long_title
    author_ok, title_author, year_eq = x.author_ok, x.author_ok | x.no_authors, x.year_eq
    vol_eq, page_eq, f = x.vol_eq, x.page_eq, x.f
    return [
        ("same record exported twice", f["identical"].to_numpy()),
        ("same DOI and title", doi_eq & ((t >= TITLE_GOOD) | title_empty) & title_author),
        # One DOI and one whole title name one article whatever the author lists say: given name
        # and surname swapped ("Tamara, Kneese"), a group name for its members. (On the tuning
        # sets every pair sharing a DOI and a long title, meeting abstracts apart, is one work.)
        (
            "same DOI, title and year, author lists differ",
            x.doi_title & year_eq & f["has_authors"].to_numpy(),
        ),
        (
            "same conference paper title, team and year",
            (t >= TITLE_STRONG) & long_title & author_ok & x.team & year_eq & _both_papers(x),
        ),
        ("same DOI, title, volume and page", doi_eq & (t >= TITLE_STRONG) & vol_eq & page_eq),
    ]


def _doi_team(x: Facts) -> np.ndarray:
    """One DOI, journal and year, a team of two or more and a title reworded by one export."""
    f = x.f
    # An export rewords a title ("oxytocin's effects" / "the effects of oxytocin") or drops
    # words from a list in it; the item's DOI, journal, year and team still name the article.
    # Not for meeting abstracts (a supplement's DOI is shared by many abstracts of one team) or
    # titles with other numbers, nor at other pages or volumes (two abstracts of one supplement
    # under its DOI). On the tuning sets all 15,707 pairs meeting this are one work. Reworded,
    # not another word: two papers of one team under one wrong or shared DOI ("... for anxiety
    # in adolescents" / "... for depression in adolescents") stay for a person.
    team = (f["min_authors"].to_numpy() >= 2) & x.team
    return (
        x.doi_eq
        & (x.t >= TITLE_FAIR)
        & f["words_kept"].to_numpy()
        & x.journal_eq
        & x.year_eq
        & team
        & ~f["any_abstract"].to_numpy()
        & ~f["numbers_differ"].to_numpy()
        & ~f["page_conf"].to_numpy()
        & ~x.vol_conf
    )


def _range_team(x: Facts) -> np.ndarray:
    """A title shortened or reworded at the same whole page range, year and team."""
    f = x.f
    # The first and last page of a multi-page item, its year and its team name it whatever an
    # export did to its title: a subtitle dropped ("Infrastructure in the Wild"), an acronym
    # added ("Hyred HYbrid Job REcommenDation System"). No word of either title may be missing
    # from the other on both sides, nor a volume, issue, journal or title number differ. Not
    # for meeting abstracts in a journal (an abstract book's range is given to each of its
    # abstracts); conference papers without a journal are papers of one proceedings. Nor for a
    # range longer than a paper (a book's, given to each item). On the tuning sets all 19,654
    # pairs meeting this are one work.
    papers = ~f["any_abstract"].to_numpy() | (
        f["both_conference"].to_numpy() & ~f["journal_any"].to_numpy()
    )
    return (
        (x.t >= TITLE_GOOD)
        & f["words_kept"].to_numpy()
        & f["range_eq"].to_numpy()
        & ~f["range_long"].to_numpy()
        & x.year_eq
        & x.team
        & papers
        & ~f["numbers_differ"].to_numpy()
        & ~x.vol_conf
        & ~f["num_conf"].to_numpy()
        & ~f["journal_conf"].to_numpy()
    )


def _item_and_publication(x: Facts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(published, item, cut_ok): a fact of publication agrees, the item agrees, and a title
    equal only as a truncation is backed enough."""
    doi_eq, vol_fact, page_eq, journal_eq = x.doi_eq, x.vol_fact, x.page_eq, x.journal_eq
    abs_eq, support, year_eq, f = x.abs_eq, x.support, x.year_eq, x.f
    # Title, authors and abstract describe the work; a chapter, a dissertation and an article
    # carry them alike. A duplicate also needs one fact of where it was published to agree.
    published = doi_eq | vol_fact | page_eq | journal_eq
    # Journal and volume name the container, shared by a whole volume of papers (a periodical's
    # column under one title, a supplement of abstracts); the DOI, start page or abstract name the
    # item. A title that agrees only loosely, or no author list, needs the item to agree.
    item = doi_eq | page_eq | abs_eq
    # A title equal only as a truncation of the other: cut short by an export (one team's paper
    # in one journal, volume and year), or extended by a follow-up or a numbered second part
    # ("... in mice" and "... in mice. Part 2"), which needs the item itself to agree.
    cut = f["title_cut"].to_numpy()
    cut_ok = ~cut | item
    cut_ok |= (support >= 2) & year_eq & ~f["numbers_differ"].to_numpy()
    return published, item, cut_ok


def _one_fact_ok(x: Facts) -> np.ndarray:
    """Whether the journal (or its volume), when the only fact of publication, names the item."""
    # The journal (or its volume) alone is shared by the team's other items there: the meeting
    # abstract in its supplement and the article, a letter on it, a follow-up. As the only fact
    # of publication it names the item in the same year, by the same team (four in five names,
    # or one author on both records); otherwise a second fact must agree.
    support, journal_eq, vol_fact, year_eq = x.support, x.journal_eq, x.vol_fact, x.year_eq
    return (support >= 2) | ~(journal_eq | vol_fact) | (year_eq & x.team)


def _title_rules(x: Facts) -> list[Rule]:
    """The title and authors agree (or the items are unsigned), backed by other fields."""
    t, long_title, author_ok, no_authors = x.t, x.long_title, x.author_ok, x.no_authors
    vol_eq, page_eq, journal_eq, support = x.vol_eq, x.page_eq, x.journal_eq, x.support
    year_same, f = x.year_eq, x.f
    published, item, cut_ok = _item_and_publication(x)
    return [
        (
            "same title and authors, published alike",
            (t >= TITLE_STRONG) & long_title & author_ok & published & cut_ok & _one_fact_ok(x),
        ),
        (
            "similar title and authors, two fields agree",
            (t >= TITLE_GOOD) & author_ok & (support >= 2) & ((t >= TITLE_STRONG) | item) & cut_ok,
        ),
        (
            "similar title and authors, volume and page agree",
            (t >= TITLE_FAIR) & author_ok & vol_eq & page_eq & (support >= 3),
        ),
        (
            "same unsigned title, two fields agree",
            (t >= TITLE_STRONG) & long_title & no_authors & (support >= 2) & item,
        ),
        # Unsigned items ("Abstracts of the 79th EAS Congress"): the same title in the same
        # journal, year, volume and issue is one item.
        (
            "same unsigned title in one issue",
            (t >= 0.999)
            & (f["title_len"].to_numpy() >= 15)
            & no_authors
            & journal_eq
            & vol_eq
            & f["num_eq"].to_numpy()
            & year_same,
        ),
    ]


def _citation_rules(x: Facts) -> list[Rule]:
    """The citation (journal, year, volume, pages) names one article, its title translated."""
    t, citation, title_empty, long_title = x.t, x.citation, x.title_empty, x.long_title
    vol_eq, page_eq, journal_eq, year_same = x.vol_eq, x.page_eq, x.journal_eq, x.year_eq
    both_articles, no_authors, f = x.col("both_articles"), x.no_authors, x.f
    plain = x.col("both_plain")
    return [
        # Unrelated titles still score about 0.4 on this ratio; from 0.5 a translation is
        # plausible, but only with the volume known: journals with several volumes a year restart
        # their page numbers, so journal, year and start page alone do not name one article.
        ("same citation", citation & ((t >= TITLE_GOOD) | ((t >= 0.5) & vol_eq))),
        # The full citation of a multi-page article (journal, year, volume, first and last page)
        # and the same team of two or more name one article, whatever its title says: a title
        # translated. (Without a title only a person can tell, see ``untitled``.)
        (
            "same full citation and team",
            citation
            & ~title_empty
            & f["range_eq"].to_numpy()
            & vol_eq
            & (f["min_authors"].to_numpy() >= 2)
            & (f["overlap"].to_numpy() >= TEAM_OVERLAP),
        ),
        # One DOI and the full citation: one article under its original and its translated title
        # ("Diabetes and cancer risk" / "Diabetes and risk of tumors. Hungarian"), its title with
        # a reprint note or its words reordered by an export, single author or not, whatever
        # the author lists. (The same DOI under unrelated titles alone names a supplement: the
        # guard "shared DOI, different titles".) On the tuning sets, of the 17,500 pairs with
        # one DOI at one volume's whole page range in one journal and year the one the gold
        # counts as two works is its error: a record without a title, its twin's DOI and pages.
        ("same DOI and full citation", x.doi_citation),
        # The same full citation when one record has no author list (not exported for an older
        # foreign-language article) is just as specific; the two titles need only be plausible
        # translations of one title, as for "same citation".
        (
            "same full citation, one record unsigned",
            both_articles
            & page_eq
            & f["range_eq"].to_numpy()
            & vol_eq
            & journal_eq
            & year_same
            & no_authors
            & (t >= 0.5),
        ),
        # Same title at the same journal, year, volume and start page of a multi-page article (a
        # page holds several letters, not several articles): one article, however its author
        # list was exported ("Luis Ferreira, Santos A" for "Santos, A L"). A short title ("The
        # genetics of osteoporosis") needs the whole page range in the same issue (an editor's
        # column is printed at the same pages of every issue) and two plain works (corrections
        # titled "Correction" share one erratum page range). The whole page range in the same
        # issue names the item whatever form its pages take ("E180-5" / "E180-E185", where a
        # plain start page is what marks a regular article): on the tuning sets all 16,340 pairs
        # of two plain works under one title at one issue's whole page range are one work.
        (
            "same title and citation",
            (t >= TITLE_STRONG)
            & (
                (both_articles & long_title)
                | (f["range_eq"].to_numpy() & f["num_eq"].to_numpy() & plain)
            )
            & vol_eq
            & page_eq
            & journal_eq
            & year_same,
        ),
    ]
