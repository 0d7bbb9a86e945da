"""Author features of a pair: first-author similarity, shared surnames and name words."""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz

from livingreview.dedup.matching.pairs import Pairs, cpdist
from livingreview.dedup.matching.policy import AUTHOR_OVERLAP, FIRST_AUTHOR_SIM


def author_columns(pairs: Pairs) -> dict[str, np.ndarray]:
    """First-author similarity, the share of surnames and of name words in common, and whether
    the authors agree (``author_ok``)."""
    fa_sim = _first_author_similarity(pairs)
    aa, ab = pairs.col("authors")
    overlap = np.array(
        [
            len(set(x) & set(y)) / min(len(x), len(y)) if x and y else 0.0
            for x, y in zip(aa, ab, strict=True)
        ],
        dtype=float,
    )
    wa, wb = pairs.col("author_words")
    name_words = np.array(
        [len(x & y) / min(len(x), len(y)) if x and y else 0.0 for x, y in zip(wa, wb, strict=True)],
        dtype=float,
    )
    has_authors = np.array([bool(x) and bool(y) for x, y in zip(aa, ab, strict=True)], dtype=bool)
    has_authors &= ~pairs.scripts_apart("first_author")  # "王芳" and "Wang, F.": none to compare
    # One list in "Surname I." form, the other of full names glued together ("Lin X.Eaton C. B."
    # / "Lin XiaochenEaton Charles B."): no surname parses alike, but every surname of the first
    # is a name word of the second.
    pa_, pb_ = pairs.col("name_parts")
    covered = np.array(
        [_covered(x, q) or _covered(y, p) for x, y, p, q in zip(aa, ab, pa_, pb_, strict=True)],
        dtype=bool,
    )
    fa_sim = np.where(covered, np.maximum(fa_sim, FIRST_AUTHOR_SIM), fa_sim)
    author_ok = has_authors & ((fa_sim >= FIRST_AUTHOR_SIM) | (overlap >= AUTHOR_OVERLAP))
    return {
        "fa_sim": fa_sim,
        "overlap": overlap,
        "has_authors": has_authors,
        "min_authors": np.fromiter(
            (min(len(x), len(y)) for x, y in zip(aa, ab, strict=True)), int, len(aa)
        ),
        "name_words": name_words,
        "author_ok": author_ok,
    }


def _first_author_similarity(pairs: Pairs) -> np.ndarray:
    """Similarity of the first authors' surnames, 0 where either is unknown."""
    fa, fb = pairs.col("first_author")
    fa_sim = cpdist(list(fa), list(fb), fuzz.ratio)
    # "Gonzalez" within "Sanchezdelriogonzalez": a compound surname cited in part.
    within = np.array(
        [len(x) >= 4 and len(y) >= 4 and (x in y or y in x) for x, y in zip(fa, fb, strict=True)],
        dtype=bool,
    )
    fa_sim = np.where(within, 1.0, fa_sim)
    fa_sim[(fa == "") | (fb == "")] = 0.0  # two unknown first authors are not one
    return fa_sim


def _covered(surnames: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """Whether two or more distinct surnames are all name words of the other list, in the same
    order (authors keep their order across databases), the first surname one of the first
    person's two words there."""
    names = list(dict.fromkeys(surnames))
    if len(names) < 2 or surnames[0] not in parts[:2] or not set(names) <= set(parts):
        return False
    places = [parts.index(name) for name in names]
    return places == sorted(places)  # positions of distinct names: sorted = increasing
