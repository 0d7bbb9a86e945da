"""Where a pair's records appeared: journal names, meetings, and the kind of venue and work
(conference abstract, regular article, erratum, protocol, thesis or book)."""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz

from livingreview.dedup.journals import is_meeting_name, journals_match
from livingreview.dedup.matching.pairs import Pairs, cpdist


def meeting_venue(venue: np.ndarray) -> np.ndarray:
    """Whether each record's venue is a meeting's or a supplement's (a meeting abstract)."""
    return np.isin(venue, ["conference", "supplement"])


def journal_columns(pairs: Pairs) -> dict[str, np.ndarray]:
    """Journal names equal (abbreviations and variants allowed), contradicting, other or nested;
    and two meeting abstracts printed in different meetings' supplements."""
    ja, jb = pairs.col("journal")
    ma, mb = pairs.col("meeting")
    # "Atherosclerosis Supplements. Conference: 15th International Symposium on Atherosclerosis"
    # and "Atherosclerosis. Conference: 15th International Symposium ...": one meeting.
    same_meeting = (ma != "") & (ma == mb)
    journal_eq = np.array([journals_match(x, y) for x, y in zip(ja, jb, strict=True)], dtype=bool)
    # Journal names only: a meeting's name in the journal field says nothing about the journal.
    journal_name = np.array(
        [bool(k) and not is_meeting_name(k) for k in pairs.n["journal"]], dtype=bool
    )
    both_journals = journal_name[pairs.i] & journal_name[pairs.j]
    journal_words = np.zeros(len(pairs))
    if both_journals.any():
        journal_words[both_journals] = cpdist(
            list(ja[both_journals]), list(jb[both_journals]), fuzz.token_set_ratio
        )
    venue_a, venue_b = pairs.col("venue")
    return {
        "journal_eq": journal_eq,
        # Two journal names with hardly a word in common (and not an abbreviation pair).
        "journal_conf": both_journals & ~journal_eq & (journal_words < 0.5),
        # Two journal names known and not matching (abbreviations and variants allowed).
        "journal_other": both_journals & ~journal_eq,
        # One name's words all within the other's ("Mutation Research" and "Mutation
        # Research - Fundamental and Molecular Mechanisms of Mutagenesis"): a journal and
        # its section or subtitle, or two journals of one family ("Circulation Research").
        "journal_nested": both_journals & ~journal_eq & (journal_words >= 1.0),
        "journal_any": (ja != "") | (jb != ""),
        # One abstract printed in two meetings' supplements: two presentations.
        "meeting_conf": meeting_venue(venue_a)
        & meeting_venue(venue_b)
        & both_journals
        & ~journal_eq
        & ~same_meeting,
    }


def kind_columns(pairs: Pairs, page_eq: np.ndarray, doi_eq: np.ndarray) -> dict[str, np.ndarray]:
    """Kinds of work and venue that differ (erratum, protocol, thesis or book, conference
    abstract against article) or agree; ``page_eq`` and ``doi_eq`` can show one publication."""
    kind_a, kind_b = pairs.col("kind")
    venue_a, venue_b = pairs.col("venue")
    form_a, form_b = pairs.col("form")
    # A meeting abstract printed in a supplement (one page or none) against a regular article.
    brief_a, brief_b = pairs.col("one_page_supplement")
    brief_vs_article = (brief_a & (venue_b == "article")) | (brief_b & (venue_a == "article"))
    return {
        "kind_conf": kind_a != kind_b,
        # Neither an erratum nor a reply: several corrections can share one erratum page range.
        "both_plain": (kind_a == "") & (kind_b == ""),
        "protocol_conf": np.not_equal(*pairs.col("protocol")),
        "form_conf": np.not_equal(*pairs.col("form")),
        "chapter_vs_paper": ((form_a == "book") & (venue_b == "conference"))
        | ((form_b == "book") & (venue_a == "conference")),
        # Abstract vs article; not when both carry the same page range (one publication).
        # Both are regular articles with a start page (not supplement abstracts, which can
        # share a page): journal, year and start page then form a unique citation.
        "both_articles": (venue_a == "article") & (venue_b == "article"),
        "both_conference": (venue_a == "conference") & (venue_b == "conference"),
        "any_abstract": meeting_venue(venue_a) | meeting_venue(venue_b),
        "venue_conf": (
            ((venue_a == "conference") & (venue_b == "article"))
            | ((venue_b == "conference") & (venue_a == "article"))
        )
        & ~page_eq,
        "abstract_vs_article": brief_vs_article & ~page_eq & ~doi_eq,
    }
