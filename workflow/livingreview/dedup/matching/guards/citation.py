"""Guards on the citation: pages, volumes and issues that differ."""

from __future__ import annotations

from livingreview.dedup.matching.facts import Facts
from livingreview.dedup.matching.policy import FIRST_AUTHOR_SIM, TITLE_FAIR, TITLE_STRONG
from livingreview.dedup.matching.verdict import Verdicts


def pages_differ(x: Facts, v: Verdicts) -> None:
    """Page ranges that do not overlap: distinct, unless the DOI agrees or the page is a typo."""
    f, t, long_title, author_ok = x.f, x.t, x.long_title, x.author_ok
    journal_eq, year_eq, vol_eq = x.journal_eq, x.year_eq, x.vol_eq
    # A lone page number that contradicts title, authors, journal, year, volume and issue all
    # agreeing (outside supplements, where one issue holds many abstracts) is a misplaced field,
    # such as a publication day; two full page ranges that do not overlap are decisive.
    page_typo = (
        f["lone_page"].to_numpy()
        & (t >= TITLE_STRONG)
        & long_title
        & author_ok
        & journal_eq
        & year_eq
        & vol_eq
        & f["num_eq"].to_numpy()
        & ~f["any_abstract"].to_numpy()
    )
    differ = x.page_conf & ~x.doi_eq & ~page_typo
    # One long title by one team in one journal and year at other pages is mostly a one-page
    # item against its full article (or pages typed wrong). Not silently apart: a person decides
    # (still a cannot-link for chains of duplicates). Not when another guard's reason holds too:
    # an erratum or reply, another issue, other numbers in the titles (FOCUS 1 / FOCUS 2), or
    # meeting abstracts with another first (presenting) author. On the tuning sets the pairs
    # left are 21 one work and 1 two (FOCUS, kept apart by its numbers).
    meeting_items = f["any_abstract"].to_numpy() & (f["fa_sim"].to_numpy() < FIRST_AUTHOR_SIM)
    other_item = f["num_conf"].to_numpy() | f["numbers_conf"].to_numpy() | meeting_items
    alike = (t >= TITLE_STRONG) & long_title & x.team & journal_eq & year_eq
    alike &= f["both_plain"].to_numpy() & ~other_item
    v.fire(differ & ~alike, "distinct", "pages differ")
    v.fire(differ & alike, "maybe", "pages differ, all else agrees")


def volumes_differ(x: Facts, v: Verdicts) -> None:
    """Volumes that differ: distinct, unless the DOI agrees or the volume is a typo."""
    page_eq, abs_eq, year_eq, journal_eq = x.page_eq, x.abs_eq, x.year_eq, x.journal_eq
    t, author_ok = x.t, x.author_ok
    # A volume that contradicts identical title, authors, year, journal and start page is a
    # typo or a supplement number exported as volume, not a different work.
    vol_typo = (page_eq | abs_eq) & year_eq & journal_eq & (t >= TITLE_STRONG) & author_ok
    v.fire(x.vol_conf & ~x.doi_eq & ~vol_typo, "distinct", "volumes differ")


def issues_differ(x: Facts, v: Verdicts) -> None:
    """A duplicate in another issue, the DOI not agreeing and the start page not either, or the
    title not as well."""
    f, page_eq, doi_eq = x.f, x.page_eq, x.doi_eq
    # A periodical's column or an article and its correction share title, authors, journal and
    # volume in different issues; with the start page or the DOI agreeing the issue is a typo.
    # Not with the start page alone under titles that name other works (below 0.80, joined by
    # the citation rules as translations): a journal that numbers each issue's pages from 1
    # prints other articles at the same pages of its other issues ("Journal of Management
    # Information Systems" 19(1) and 19(3), both at 11-15). On the tuning sets 77 pairs of two
    # works share journal, year, volume and start page in two issues, and the 17 of one work
    # there have one title (their issues mistyped or turned into dates, "07-Aug" for 7-8). A
    # person decides. A title in MEDLINE's brackets is a translation, which is why the titles
    # differ: the issues are then a typo or record numbers a source exported as issues
    # (recognised only in 50 records or more: respiratory's 65 and 266 for one German article).
    located = page_eq & ((x.t >= TITLE_FAIR) | f["one_translated"].to_numpy())
    num_off = f["num_conf"].to_numpy() & ~located & ~doi_eq
    v.fire(num_off & v.duplicate(), "maybe", "issues differ")
