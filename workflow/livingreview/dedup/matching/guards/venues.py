"""Guards on where the records appeared: meetings, journals, conference abstract vs article."""

from __future__ import annotations

from livingreview.dedup.matching.facts import Facts
from livingreview.dedup.matching.policy import TITLE_STRONG
from livingreview.dedup.matching.verdict import Verdicts


def meetings_differ(x: Facts, v: Verdicts) -> None:
    """One abstract in two meetings' supplements: two presentations, unless one DOI, or one
    journal named with and without its subtitle (Web of Science's "ENCEPHALE-REVUE DE PSYCHIATRIE
    ..." for "Encephale") with the same volume and pages: one supplement."""
    one_supplement = x.col("journal_nested") & x.vol_eq & x.page_eq
    v.fire(
        x.col("meeting_conf") & ~x.doi_eq & ~one_supplement,
        "distinct",
        "abstracts in different meetings",
    )


def journals_differ(x: Facts, v: Verdicts) -> None:
    """Journal names with hardly a word in common: a person decides, unless pinned down."""
    t, long_title, author_ok = x.t, x.long_title, x.author_ok
    # Softer contradictions (different journal, different issue) leave a person to decide unless
    # DOI, or volume and start page together, pin the publication down.
    pinned = x.pinned
    # A journal known under two names (a transliterated and a translated title) is no other
    # journal when year, volume and issue all agree with the same long title and authors.
    renamed = x.same_issue & (t >= TITLE_STRONG) & long_title & author_ok
    v.fire(
        x.col("journal_conf") & ~pinned & ~renamed,
        "maybe",
        "journals differ",
        explainable=True,
    )


def conference_vs_article(x: Facts, v: Verdicts) -> None:
    """A conference abstract against an article, as the policy says (unless it joins them)."""
    f, policy = x.f, x.policy
    venue = f["venue_conf"].to_numpy() | f["abstract_vs_article"].to_numpy()
    if policy.conference_vs_article != "duplicate":
        v.fire(venue, policy.conference_vs_article, "conference abstract vs article")
