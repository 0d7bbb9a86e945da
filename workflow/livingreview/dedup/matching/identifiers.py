"""Identifier features of a pair: DOIs (a container's DOI is no evidence), review numbers."""

from __future__ import annotations

import numpy as np

from livingreview.dedup.matching.pairs import Pairs, agree, member
from livingreview.dedup.matching.titles import shared_by_other_works
from livingreview.dedup.matching.venues import meeting_venue


def doi_columns(pairs: Pairs) -> dict[str, np.ndarray]:
    """DOIs equal as evidence (``doi_eq``: not a container's DOI), equal at all (``doi_same``)
    or contradicting; the same Cochrane review number (or Clinical Evidence overview), a Cochrane
    review's number on one record only (``review_unnumbered``), and whether either number is a
    Cochrane review's."""
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
        "review_unnumbered": _review_unnumbered(pairs, ra, rb),
        "review_cochrane": _cochrane(ra) | _cochrane(rb),
    }


def _cochrane(numbers: np.ndarray) -> np.ndarray:
    """Whether each review number is a Cochrane review's (``cd007231``)."""
    return np.fromiter((r.startswith("cd") for r in numbers), dtype=bool, count=len(numbers))


def _review_unnumbered(pairs: Pairs, ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
    """A Cochrane review's number on one record, and neither number nor DOI on the other record,
    which is in the Cochrane Database of Systematic Reviews too: the number not exported (a DOI
    there that names no review is another item's)."""
    da, db = pairs.col("doi")
    ja, jb = pairs.col("journal")
    va, vb = pairs.col("venue")
    return (_cochrane(ra) & _unnumbered(rb, db, jb, vb)) | (
        _cochrane(rb) & _unnumbered(ra, da, ja, va)
    )


def _unnumbered(
    numbers: np.ndarray, dois: np.ndarray, journals: np.ndarray, venues: np.ndarray
) -> np.ndarray:
    """Records of the Cochrane Database of Systematic Reviews without review number or DOI, not
    in a supplement or meeting issue: a Cochrane Colloquium abstract, printed in the journal's
    supplement ("2020 (1 Suppl 1)") under its review's title, is a presentation of the review,
    not a version of it (policy: conference_vs_article)."""
    in_cdsr = np.fromiter((_in_cdsr(j) for j in journals), dtype=bool, count=len(journals))
    return (numbers == "") & (dois == "") & in_cdsr & ~meeting_venue(venues)


def _in_cdsr(journal: str) -> bool:
    """Whether a normalised journal name is the Cochrane Database of Systematic Reviews."""
    return journal.startswith("cochrane database")
