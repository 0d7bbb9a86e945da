"""Abstract features of a pair: how alike the two texts are, unless their opening is boilerplate."""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz

from livingreview.dedup.matching.pairs import Pairs, cpdist, member
from livingreview.dedup.matching.titles import shared_by_other_works


def abstract_columns(pairs: Pairs) -> dict[str, np.ndarray]:
    """Similarity of the abstracts where both records carry a specific one."""
    n, i, j = pairs.n, pairs.i, pairs.j
    xa, xb = pairs.col("abstract")
    both_abs = (xa != "") & (xb != "")
    abs_sim = np.zeros(len(pairs))
    if both_abs.any():
        abs_sim[both_abs] = cpdist(list(xa[both_abs]), list(xb[both_abs]), fuzz.ratio)
    # An abstract opening that different works share (a template, a journal's boilerplate, one
    # lab's standard first sentences) does not show that two records are one work.
    openings = n["abstract"].str[:80]
    common = shared_by_other_works(openings.where(openings.str.len() >= 80, ""), n["title"])
    if common:
        op = openings.to_numpy()
        unspecific = member(op[i], common) & (op[i] == op[j])
        abs_sim[unspecific] = 0.0
        both_abs &= ~unspecific  # neither evidence for nor against
    return {"abs_sim": abs_sim, "both_abs": both_abs}
