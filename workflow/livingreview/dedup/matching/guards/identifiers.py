"""Guards on DOIs: one DOI with a contradicting citation or journal, two DOIs (or one typed
wrong), a DOI shared by different titles."""

from __future__ import annotations

from livingreview.dedup.matching.facts import Facts
from livingreview.dedup.matching.policy import TITLE_FAIR, TITLE_STRONG
from livingreview.dedup.matching.verdict import Verdicts


def same_doi_citation_differs(x: Facts, v: Verdicts) -> None:
    """One DOI and title, volume or pages contradicting: a person decides, unless a typo."""
    f, page_conf, vol_conf, doi_eq, t = x.f, x.page_conf, x.vol_conf, x.doi_eq, x.t
    journal_eq, year_eq, author_ok, no_authors = x.journal_eq, x.year_eq, x.author_ok, x.no_authors
    page_eq, vol_eq = x.page_eq, x.vol_eq
    # Same DOI and title with volume or pages contradicting: a typo when the other one agrees.
    # Also a volume alone that contradicts DOI, title, journal and year: a day or an issue
    # exported as volume ("Frontiers in Cellular Neuroscience" 7 and 27, one DOI).
    volume_typo = journal_eq & year_eq & ~page_conf
    one_typo = doi_eq & (t >= TITLE_STRONG) & (author_ok | no_authors)
    # The item's DOI, whole title, journal, year and volume name the article whatever the author
    # lists say (one glued, "Silva Jacqueline de SouzaPereira ..." for "De Souza Silva J."): a
    # page that differs is a typo or the article number ("381" for nh.381 at 856-864); not in
    # another issue (another item of a series the DOI was copied to).
    one_typo |= x.doi_title & journal_eq & year_eq & vol_eq & ~f["num_conf"].to_numpy()
    # Or one record is the online-first version of the other (no pages, and no issue or not a
    # supplement's or meeting's; its year the year before the print issue's, or the same): its
    # volume is no fact about the article.
    online_first = f["online_first"].to_numpy() & (f["year_gap"].to_numpy() <= 1)
    one_typo &= page_eq | vol_eq | volume_typo | online_first
    v.fire((page_conf | vol_conf) & doi_eq & ~one_typo, "maybe", "same DOI, volume or pages differ")


def same_doi_journals_differ(x: Facts, v: Verdicts) -> None:
    """One DOI under unrelated journals with different abstracts."""
    f, abs_eq, doi_eq = x.f, x.abs_eq, x.doi_eq
    # One DOI names one item in one journal: records that share it but name unrelated journals
    # and carry different abstracts (a meeting abstract exported with its article's DOI; the
    # two texts of one study share words, so not the same text is enough) are for a person.
    abs_other = f["both_abs"].to_numpy() & ~abs_eq
    doi_misplaced = doi_eq & f["journal_conf"].to_numpy() & abs_other
    v.fire(doi_misplaced, "maybe", "same DOI, journals and abstracts differ")


def dois_differ(x: Facts, v: Verdicts) -> None:
    """Two DOIs: distinct (unless :func:`doi_typed_wrong` finds all else agreeing)."""
    v.fire(x.doi_conf, "distinct", "DOIs differ")


def doi_typed_wrong(x: Facts, v: Verdicts) -> None:
    """Two DOIs and all else agreeing: a maybe, with journal and year agreeing too a duplicate
    (a DOI typed wrong). It keeps the guard flag :func:`dois_differ` set."""
    f, doi_conf, t, long_title = x.f, x.doi_conf, x.t, x.long_title
    author_ok, no_authors, page_eq, vol_eq = x.author_ok, x.no_authors, x.page_eq, x.vol_eq
    abs_eq, vol_conf, page_conf, author_conf = x.abs_eq, x.vol_conf, x.page_conf, x.author_conf
    # A wrong DOI is likelier than two works sharing title, authors, journal, year, volume and
    # start page; with one of journal/year missing a person decides.
    strong_same = doi_conf & (t >= TITLE_STRONG) & long_title & (author_ok | no_authors)
    strong_same &= page_eq & vol_eq
    v.outcome[strong_same] = "maybe"
    v.reason[strong_same] = "DOIs differ, all else agrees"
    # An identical abstract is as specific as the volume, or, with volume and issue agreeing, as
    # the start page.
    strong_same |= (
        doi_conf
        & (t >= TITLE_STRONG)
        & long_title
        & author_ok
        & abs_eq
        & ((page_eq & ~vol_conf) | (vol_eq & f["num_eq"].to_numpy() & ~page_conf))
    )
    # So is the whole page range of a multi-page article in one volume: no two articles share it,
    # and an author list exported in another name format ("Cui J." / "Cui Jiahua") is no reason
    # to doubt it (a DOI typed with one digit wrong, or a publisher's second DOI for the article).
    # A short title needs the same issue too (an editor's column has the same pages every issue)
    # and two plain works (several corrections, "Correction", share one erratum page range).
    # In the same issue the whole range names the item whatever the author lists say (a glued
    # list with a typo, "Fohr CPascoe DWilliams HC" for "Flohr C.Pascoe D.Williams H. C.").
    one_issue = f["num_eq"].to_numpy() & f["both_plain"].to_numpy()
    strong_same |= (
        doi_conf
        & (t >= TITLE_STRONG)
        & (long_title | one_issue)
        & (~author_conf | one_issue)
        & vol_eq
        & f["range_eq"].to_numpy()
    )
    certain = strong_same & x.journal_eq & x.year_eq & ~f["kind_conf"].to_numpy()
    v.outcome[certain] = "duplicate"
    v.reason[certain] = "DOIs differ, title/authors/journal/year/volume/page agree"


def shared_doi_titles_differ(x: Facts, v: Verdicts) -> None:
    """One DOI under different titles (a supplement's), unless the full citation, or the issue
    and the team (a translated title), agree."""
    f, title_empty, t, doi_citation = x.f, x.title_empty, x.t, x.doi_citation
    doi_same = f["doi_same"].to_numpy()
    v.fire(
        doi_same & ~title_empty & (t < TITLE_FAIR) & ~(doi_citation | x.doi_issue_team),
        "distinct",
        "shared DOI, different titles",
    )
