"""``hard_conflict``: whether two records never judged alike contradict on facts a duplicate
cannot get wrong all at once (the check before two groups of records merge)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from rapidfuzz import fuzz

from livingreview.dedup.matching.policy import Policy
from livingreview.dedup.matching.titles import titles_unlike


def _authors_unlike(
    a: tuple[str, ...], b: tuple[str, ...], words_a: frozenset[str], words_b: frozenset[str]
) -> bool:
    """Two author lists without a surname in common and hardly a name word (as in ``judge``)."""
    if not a or not b or set(a) & set(b):
        return False
    if fuzz.ratio(a[0], b[0]) >= 60:
        return False
    shared = len(words_a & words_b) / min(len(words_a), len(words_b)) if words_a and words_b else 0
    return shared < 0.3


def hard_conflict(n: pd.DataFrame, policy: Policy) -> Callable[[int, int], bool]:
    """For two records not matched directly (never compared, or compared without a verdict of
    duplicate or maybe): do they contradict on facts a duplicate cannot get wrong all at once?
    Another kind (erratum/reply) or form (thesis, book), a protocol against a report, a meeting
    abstract against a journal article (when the policy keeps them apart), a year gap beyond the
    policy, both volume and start page different, titles that name different works or carry other
    numbers, or author lists with nobody in common."""
    year = n["year"].to_numpy()
    kind = n["kind"].to_numpy()
    protocol = n["protocol"].to_numpy()
    form = n["form"].to_numpy()
    volume = n["volume"].to_numpy()
    page = n["page_start"].to_numpy()
    venue = n["venue"].to_numpy()
    brief = n["one_page_supplement"].to_numpy()
    title = n["title"].to_numpy()
    numbers = n["title_numbers"].to_numpy()
    authors = n["authors"].to_numpy()
    names = n["author_words"].to_numpy()
    strict_venue = policy.conference_vs_article == "distinct"
    review = n["review_number"].to_numpy()
    versions_join = policy.review_versions == "duplicate"

    def conflict(i: int, j: int) -> bool:
        if kind[i] != kind[j] or form[i] != form[j]:
            return True
        # Two versions of one Cochrane review differ in year, volume and DOI by nature.
        if versions_join and review[i] and review[i] == review[j]:
            return protocol[i] != protocol[j] or titles_unlike(title[i], title[j])
        pair_venues = {venue[i], venue[j]}
        abstract = "conference" in pair_venues or brief[i] or brief[j]
        if strict_venue and "article" in pair_venues and abstract:
            return True
        if year[i] and year[j] and abs(int(year[i]) - int(year[j])) > policy.max_year_gap:
            return True
        if volume[i] and volume[j] and volume[i] != volume[j] and page[i] and page[j] != page[i]:
            return True
        # Titles may differ as translations, or be cut short, where volume and start page agree.
        located = volume[i] and volume[i] == volume[j] and page[i] and page[i] == page[j]
        if not located and (protocol[i] != protocol[j] or titles_unlike(title[i], title[j])):
            return True
        # Numbered parts, trials or time points of one series ("FOCUS 1", "FOCUS 2").
        if not located and numbers[i] and numbers[j] and numbers[i] != numbers[j]:
            return True
        return _authors_unlike(authors[i], authors[j], names[i], names[j])

    return conflict
