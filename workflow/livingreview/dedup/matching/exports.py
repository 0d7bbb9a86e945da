"""Whether a pair is one record exported twice: every field equal, or one database's own id."""

from __future__ import annotations

import numpy as np

from livingreview.dedup.matching.pairs import Pairs
from livingreview.dedup.matching.policy import SHORT_TITLE


def identical_records(pairs: Pairs, title_len: np.ndarray) -> np.ndarray:
    """Whether the two records are the same record exported twice (``title_len``: the shorter
    title key's length)."""
    ka, kb = pairs.col("title_key")
    ja, _ = pairs.col("journal")
    va, _ = pairs.col("volume")
    pa, _ = pairs.col("page_start")
    da, _ = pairs.col("doi")
    # The same record exported twice: every field equal (a title of some length required, so
    # that two bare "Editorial" records are not taken for one), and where it was published known:
    # one guideline printed in three journals is three records alike once the journal, volume,
    # pages and DOI are missing.
    # (Page 1 does not say where: every online-only article starts there.)
    published = (ja != "") | (va != "") | ((pa != "") & (pa != "1")) | (da != "")
    identical = (ka == kb) & (title_len >= SHORT_TITLE) & published
    fields = ("authors", "year", "journal", "volume", "number", "page_start", "page_end", "doi")
    for name in (*fields, "isbn"):
        x, y = pairs.col(name)
        identical &= x == y
    return identical


def source_columns(pairs: Pairs) -> dict[str, np.ndarray]:
    """One database's record twice (same source id) or two of its records (different ids)."""
    src_a, src_b = pairs.col("source")
    sid_a, sid_b = pairs.col("source_id")
    same_source = (src_a != "") & (src_a == src_b)
    return {
        "same_record": same_source & (sid_a != "") & (sid_a == sid_b),
        "same_source_ids": same_source & (sid_a != "") & (sid_b != "") & (sid_a != sid_b),
    }
