"""Guards on the kind of work and its year: erratum or reply, protocol, thesis or book, years."""

from __future__ import annotations

from livingreview.dedup.matching.facts import Facts
from livingreview.dedup.matching.verdict import Verdicts


def years_too_far_apart(x: Facts, v: Verdicts) -> None:
    """A year gap beyond the policy: distinct, unless a typo is likelier."""
    located, journal_eq, doi_eq, doi_title = x.located, x.journal_eq, x.doi_eq, x.doi_title
    # A year typed wrong is likelier than two works sharing title, journal, volume and page.
    # (Nor is it when the DOI and the whole title agree: an online-first year, or a year of entry.)
    year_explained = (located & (journal_eq | doi_eq)) | doi_title
    v.fire(x.year_conf & ~year_explained, "distinct", "years too far apart")


def erratum_vs_article(x: Facts, v: Verdicts) -> None:
    """An erratum or reply against an article (the policy says distinct or maybe)."""
    kind = x.col("kind_conf")
    v.fire(kind, x.policy.erratum_vs_article, "erratum/reply vs article")


def protocol_vs_report(x: Facts, v: Verdicts) -> None:
    """A protocol against its trial's report, the DOI or volume and page not agreeing."""
    doi_eq, vol_eq, page_eq = x.doi_eq, x.vol_eq, x.page_eq
    # A protocol and its trial's report have their own DOIs and pages; a title cut before
    # ": protocol for ..." (Google Scholar) with the same DOI, or volume and page, is one paper.
    item_pinned = doi_eq | (vol_eq & page_eq)
    v.fire(x.col("protocol_conf") & ~item_pinned, "maybe", "protocol vs report")


def thesis_or_book_vs_article(x: Facts, v: Verdicts) -> None:
    """A thesis or book (chapter) against an article: only one DOI joins them."""
    f, doi_eq, vol_eq = x.f, x.doi_eq, x.vol_eq
    # A thesis or a book (chapter) and a journal article by the same author share a title more
    # often than a title is exported twice under two publication types: only one DOI joins them.
    # A conference paper in a book series (LNCS, IFIP) is exported as a chapter by one database
    # and as a paper by another: the same volume and the same full page range name the item.
    v.fire(
        f["form_conf"].to_numpy()
        & ~doi_eq
        & ~(f["chapter_vs_paper"].to_numpy() & vol_eq & f["range_eq"].to_numpy()),
        "maybe",
        "thesis/book vs article",
    )


def years_differ(x: Facts, v: Verdicts) -> None:
    """A duplicate a year or more apart, its identifiers not pinning it down."""
    f, pinned, abs_eq = x.f, x.pinned, x.abs_eq
    # A one-year gap is normal between online-first and print, but then identifiers must agree.
    # An identical abstract vouches for the gap, except between meeting abstracts: the same text
    # is often submitted to the next year's meeting.
    meeting_text = f["any_abstract"].to_numpy()
    year_off = (f["year_gap"].to_numpy() > 0) & ~pinned & ~(abs_eq & ~meeting_text)
    v.fire(year_off & v.duplicate(), "maybe", "years differ", explainable=True)
