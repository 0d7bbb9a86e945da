"""The non-duplicate guards: evidence that two records are different works, each turning a
duplicate (or a maybe) into a maybe or distinct.

They fire in the order of :data:`GUARDS` and later guards win: a guard overwrites what an
earlier one decided, and some act only on pairs that are still duplicates at that moment. The
order is part of the rules (grouped by theme in the modules, interleaved here).
"""

from __future__ import annotations

from collections.abc import Callable

from livingreview.dedup.matching.facts import Facts
from livingreview.dedup.matching.guards import (
    authors,
    citation,
    identifiers,
    kinds,
    overrides,
    titles,
    venues,
)
from livingreview.dedup.matching.verdict import Verdicts

Guard = Callable[[Facts, Verdicts], None]

GUARDS: tuple[Guard, ...] = (
    titles.abstracts_differ,
    titles.title_word_differs,
    titles.title_number_differs,
    authors.authors_differ,
    authors.same_doi_authors_differ,
    authors.author_lists_differ,
    titles.title_numbers_conflict,
    citation.pages_differ,
    citation.volumes_differ,
    identifiers.same_doi_citation_differs,
    identifiers.same_doi_journals_differ,
    identifiers.dois_differ,
    identifiers.doi_typed_wrong,
    identifiers.shared_doi_titles_differ,
    kinds.years_too_far_apart,
    kinds.erratum_vs_article,
    kinds.protocol_vs_report,
    kinds.thesis_or_book_vs_article,
    venues.meetings_differ,
    venues.journals_differ,
    citation.issues_differ,
    titles.short_title_another_issue,
    titles.short_title_other_pages,
    authors.first_authors_differ,
    kinds.years_differ,
    venues.conference_vs_article,
    # The last word: exceptions to the guards above.
    overrides.review_versions,
    overrides.one_database_records,
)


def apply_guards(x: Facts, v: Verdicts) -> None:
    """Fire every guard on ``v``, in order."""
    for guard in GUARDS:
        guard(x, v)
