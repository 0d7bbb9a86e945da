"""Candidate pairs from several exact blocking keys, so cost grows with records, not their square.

Each key puts records that agree on it into one block and pairs every two records of a block. A
block larger than :data:`MAX_BLOCK` is split by year; if still too large it is skipped (such a key
value is not discriminating, e.g. a conference supplement's DOI shared by hundreds of abstracts),
and its records are still reached through the other keys.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# The largest duplicate groups in the benchmark sets have 12 records; 64 leaves room for a work
# found in many databases while bounding one block's pairs at 2,016.
MAX_BLOCK = 64
# Title prefixes/suffixes of 24 characters (letters and digits only) are long enough to be
# specific but short enough that a title with a typo or a changed ending still shares one side.
TITLE_CHARS = 24


def _keys(n: pd.DataFrame) -> dict[str, pd.Series]:
    title = n["title_key"]
    long_title = title.str.len() >= 12
    year = n["year"].astype(str)
    fa, vol, page = n["first_author"], n["volume"], n["page_start"]
    keys = {
        "doi": n["doi"],
        "title_start": title.str[:TITLE_CHARS].where(long_title, ""),
        "title_end": title.str[-TITLE_CHARS:].where(long_title, ""),
        "author_year_page": (fa + "|" + year + "|" + page).where((fa != "") & (page != ""), ""),
        "volume_page": (vol + "|" + page).where((vol != "") & (page != ""), ""),
        "author_title": (fa + "|" + title.str[:8]).where((fa != "") & (title != ""), ""),
        "abstract": n["abstract"].str[:80].where(n["abstract"].str.len() >= 80, ""),
        "source_id": (n["source"] + "|" + n["source_id"]).where(n["source_id"] != "", ""),
    }
    return keys


def _block_pairs(codes: np.ndarray, years: np.ndarray) -> list[np.ndarray]:
    """Pairs (i, j), i < j, of positions sharing a code (-1 = no key)."""
    valid = np.flatnonzero(codes >= 0)
    if valid.size == 0:
        return []
    order = valid[np.argsort(codes[valid], kind="stable")]
    sorted_codes = codes[order]
    bounds = np.flatnonzero(np.diff(sorted_codes)) + 1
    starts = np.concatenate(([0], bounds))
    sizes = np.diff(np.concatenate((starts, [order.size])))
    out: list[np.ndarray] = []
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= MAX_BLOCK)]):
        # every block of this size at once: one row of members per block
        out.append(_all_pairs(order[starts[sizes == size][:, None] + np.arange(size)]))
    for start, size in zip(starts[sizes > MAX_BLOCK], sizes[sizes > MAX_BLOCK], strict=True):
        members = order[start : start + size]
        for year in np.unique(years[members]):
            sub = members[years[members] == year]
            if 2 <= sub.size <= MAX_BLOCK:
                out.append(_all_pairs(sub[None, :]))
    return out


def _all_pairs(blocks: np.ndarray) -> np.ndarray:
    """Every pair within each row of ``blocks`` (blocks x members), as (min, max) rows."""
    i, j = np.triu_indices(blocks.shape[1], k=1)
    a, b = blocks[:, i].ravel(), blocks[:, j].ravel()
    return np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)


def candidate_pairs(n: pd.DataFrame) -> np.ndarray:
    """Unique candidate pairs as an ``(m, 2)`` array of row positions, ``i < j``, sorted."""
    years = n["year"].to_numpy()
    chunks: list[np.ndarray] = []
    for values in _keys(n).values():
        codes, _ = pd.factorize(values.where(values != "", None), use_na_sentinel=True)
        chunks.extend(_block_pairs(np.asarray(codes), years))
    if not chunks:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(chunks).astype(np.int64)
    size = len(n)
    flat = np.unique(pairs[:, 0] * size + pairs[:, 1])
    return np.stack([flat // size, flat % size], axis=1)
