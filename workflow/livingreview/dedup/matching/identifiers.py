"""Identifier features of a pair: DOIs (a container's DOI is no evidence), review numbers."""

from __future__ import annotations

import numpy as np

from livingreview.dedup.matching.pairs import Pairs, agree, member
from livingreview.dedup.matching.titles import shared_by_other_works


def doi_columns(pairs: Pairs) -> dict[str, np.ndarray]:
    """DOIs equal as evidence (``doi_eq``: not a container's DOI), equal at all (``doi_same``)
    or contradicting; the same Cochrane review number (or Clinical Evidence overview), and whether
    it is a Cochrane review's."""
    da, db = pairs.col("doi")
    doi_eq, doi_conf = agree(da, db)
    ra, rb = pairs.col("review_number")
    doi_same = doi_eq.copy()
    # A DOI that records with unrelated titles share names a supplement or proceedings volume,
    # not one work: it is no evidence that two of its abstracts are one.
    containers = shared_by_other_works(pairs.n["doi"], pairs.n["title"])
    if containers:
        doi_eq &= ~member(da, containers)
    return {
        "doi_eq": doi_eq,
        "doi_same": doi_same,
        "doi_conf": doi_conf,
        "review_eq": (ra == rb) & (ra != ""),
        "review_cochrane": np.fromiter((r.startswith("cd") for r in ra), dtype=bool, count=len(ra)),
    }
