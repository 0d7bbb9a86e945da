"""Compare candidate pairs field by field and judge each: duplicate, maybe or distinct.

The judgement is rule-based and explicit. First the *non-duplicate guards* (evidence that two
records are different works: contradicting DOIs, pages, volumes, years, authors, an erratum or
reply against an article, a conference abstract against a journal article, one supplement DOI
shared by different abstracts). A pair no guard fires on is a duplicate only when the title agrees
and independent fields corroborate it; near-misses become "maybe" for a person to decide.

:func:`compare` (``features``) computes one column per field similarity or agreement, each
field's in its own module (``titles``, ``authors``, ``journals`` and kinds of work in ``venues``,
``abstracts``, ``identifiers``, ``citation`` for volume, issue and pages, ``exports``).
:func:`judge` (``judgement``) reads them as ``facts``, applies the named duplicate rules
(``evidence``), then the guards (``guards``, in an order that matters) to the ``verdict`` of
each pair. :func:`hard_conflict` (``conflicts``) keeps groups of records apart. Cut-offs and the
policy are in ``policy``.
"""

from livingreview.dedup.matching.conflicts import hard_conflict
from livingreview.dedup.matching.features import compare
from livingreview.dedup.matching.judgement import judge
from livingreview.dedup.matching.policy import (
    ABSTRACT_SIM,
    AUTHOR_OVERLAP,
    FIRST_AUTHOR_SIM,
    SHORT_TITLE,
    TEAM_OVERLAP,
    TITLE_FAIR,
    TITLE_GOOD,
    TITLE_STRONG,
    VERSION_TITLE,
    Policy,
)

__all__ = [
    "ABSTRACT_SIM",
    "AUTHOR_OVERLAP",
    "FIRST_AUTHOR_SIM",
    "SHORT_TITLE",
    "TEAM_OVERLAP",
    "TITLE_FAIR",
    "TITLE_GOOD",
    "TITLE_STRONG",
    "VERSION_TITLE",
    "Policy",
    "compare",
    "hard_conflict",
    "judge",
]
