"""The cut-offs the matching rules share, and the policy on work types reviews count differently."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Similarity cut-offs on the 0..1 Levenshtein ratio of normalised titles. 0.95 allows a few
# characters of difference per 100 (spelling variants, a dropped word in a long title); 0.90 a
# changed word or subtitle punctuation; 0.80 is the floor below which titles name different works.
TITLE_STRONG = 0.95
TITLE_GOOD = 0.90
TITLE_FAIR = 0.80
VERSION_TITLE = 0.98  # two versions of one Cochrane review: one title, give or take a typo
# Below this many letters a title ("Editorial", "Reply") says little about which work it is.
SHORT_TITLE = 30
# Authors agree when the first surnames are near-identical (one typo or transliteration in ~7
# letters) or when at least half of the shorter author list appears in the other.
FIRST_AUTHOR_SIM = 0.85
AUTHOR_OVERLAP = 0.5
# The same team: four in five names of the shorter author list in the other.
TEAM_OVERLAP = 0.8
# Abstracts (first 300 characters) this similar are the same text with editing differences.
ABSTRACT_SIM = 0.90


@dataclass
class Policy:
    """How to treat work types that some reviews count as duplicates and others do not."""

    conference_vs_article: Literal["distinct", "maybe", "duplicate"] = "distinct"
    erratum_vs_article: Literal["distinct", "maybe"] = "distinct"
    max_year_gap: int = 1
    review_versions: Literal["distinct", "maybe", "duplicate"] = "duplicate"
