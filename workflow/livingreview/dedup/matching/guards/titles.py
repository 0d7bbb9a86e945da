"""Guards on the text of the work: abstracts, a swapped title word, title numbers, short titles."""

from __future__ import annotations

from livingreview.dedup.matching.facts import Facts
from livingreview.dedup.matching.verdict import Verdicts


def abstracts_differ(x: Facts, v: Verdicts) -> None:
    """A duplicate whose abstracts are different texts, its title not all but equal."""
    abs_diff, doi_eq, t = x.abs_diff, x.doi_eq, x.t
    v.fire(abs_diff & ~doi_eq & v.duplicate() & (t < 0.98), "maybe", "abstracts differ")


def title_word_differs(x: Facts, v: Verdicts) -> None:
    """A duplicate whose titles differ in a word, the article itself not agreeing."""
    # Companion papers ("... in vitro" / "... in vivo") share journal, issue and authors; a
    # swapped title word needs the article itself (DOI, start page, abstract) to agree.
    # Meeting abstracts often carry their supplement's DOI: for them the DOI does not count.
    article_doi, page_eq, abs_eq = x.article_doi, x.page_eq, x.abs_eq
    swapped = x.col("word_swapped") & ~(article_doi | page_eq | abs_eq)
    v.fire(swapped & v.duplicate(), "maybe", "a title word differs")


def title_number_differs(x: Facts, v: Verdicts) -> None:
    """A duplicate with a number in one title only, the item itself not agreeing."""
    f, doi_eq, page_eq, abs_eq = x.f, x.doi_eq, x.page_eq, x.abs_eq
    # A number in one title only ("...: Part 2", "...: 12-month results", "... in two cohorts")
    # names a part, a time point or a count of another paper of the series: without the item
    # itself (DOI, start page or abstract) agreeing, for a person.
    one_sided = f["numbers_differ"].to_numpy() & ~f["numbers_conf"].to_numpy()
    v.fire(
        one_sided & ~(doi_eq | page_eq | abs_eq) & v.duplicate(),
        "maybe",
        "a title number differs",
    )


def title_numbers_conflict(x: Facts, v: Verdicts) -> None:
    """Titles with different numbers: distinct unless DOI, or volume and start page, agree."""
    f, doi_eq, vol_eq, page_eq = x.f, x.doi_eq, x.vol_eq, x.page_eq
    # Numbered parts/trials ("FOCUS 1" vs "FOCUS 2") are separate papers with their own pages; a
    # number typo in a record whose volume and start page agree is not.
    numbers = f["numbers_conf"].to_numpy() & ~doi_eq & ~(vol_eq & page_eq)
    v.fire(numbers, "distinct", "numbers in titles differ")


def short_title_another_issue(x: Facts, v: Verdicts) -> None:
    """A duplicate under a short title in another issue or volume, the DOI not agreeing."""
    f, vol_conf, long_title, doi_eq = x.f, x.vol_conf, x.long_title, x.doi_eq
    # A short title ("Editorial Introduction", "Editorial Notes") is a column's, printed at the
    # same page of every issue: in another issue or volume only the DOI shows one item.
    column = (f["num_conf"].to_numpy() | vol_conf) & ~long_title & ~doi_eq
    v.fire(column & v.duplicate(), "distinct", "short title, another issue")


def short_title_other_pages(x: Facts, v: Verdicts) -> None:
    """A duplicate under a short title with another end page, the issue not known to agree."""
    f, vol_eq, long_title, doi_eq = x.f, x.vol_eq, x.long_title, x.doi_eq
    # Another end page where the issue is not known to be the same: a person decides (in one
    # issue a column appears once, and an end page is a typo).
    other_end = f["ends_differ"].to_numpy() & ~(vol_eq & f["num_eq"].to_numpy())
    v.fire(
        other_end & ~long_title & ~doi_eq & v.duplicate(),
        "maybe",
        "short title, other pages",
    )
