"""``compare``: the field similarities and agreements of each candidate pair, one column each."""

from __future__ import annotations

import numpy as np
import pandas as pd

from livingreview.dedup.matching.abstracts import abstract_columns
from livingreview.dedup.matching.authors import author_columns
from livingreview.dedup.matching.citation import citation_columns
from livingreview.dedup.matching.exports import identical_records, source_columns
from livingreview.dedup.matching.identifiers import doi_columns
from livingreview.dedup.matching.pairs import Pairs
from livingreview.dedup.matching.titles import title_columns, title_number_columns
from livingreview.dedup.matching.venues import journal_columns, kind_columns

# The columns of ``compare``'s frame, in order (``judge`` reads them by name).
COLUMNS = (
    "i", "identical", "j", "t_sim", "title_len", "title_empty", "title_cut", "word_swapped",
    "words_moved", "words_kept", "one_translated",
    "fa_sim", "overlap", "has_authors", "min_authors", "name_words", "author_ok",
    "year_gap", "year_eq",
    "journal_eq", "journal_conf", "journal_other", "journal_nested", "journal_any",
    "abs_sim", "both_abs", "doi_eq", "doi_same", "doi_conf", "review_eq", "review_unnumbered",
    "review_cochrane",
    "vol_eq", "vol_conf", "num_eq", "num_conf", "page_eq", "page_conf",
    "range_eq", "range_long", "start_differs", "ends_differ",
    "kind_conf", "both_plain", "protocol_conf", "form_conf", "chapter_vs_paper", "both_articles",
    "both_conference", "vol_missing", "online_first", "lone_page", "any_abstract",
    "venue_conf", "abstract_vs_article", "meeting_conf",
    "numbers_conf", "numbers_differ", "same_record", "same_source_ids",
)  # fmt: skip


def compare(n: pd.DataFrame, pairs: np.ndarray) -> pd.DataFrame:
    """Field similarities and agreements for each pair of row positions."""
    p = Pairs(n, pairs[:, 0], pairs[:, 1])
    columns: dict[str, np.ndarray] = {"i": p.i, "j": p.j}
    columns |= title_columns(p)
    columns |= author_columns(p)
    columns |= _year_columns(p)
    columns |= journal_columns(p)
    columns |= abstract_columns(p)
    columns |= doi_columns(p)
    columns |= citation_columns(p)
    columns |= kind_columns(p, columns["page_eq"], columns["doi_eq"])
    columns |= title_number_columns(p)
    columns |= source_columns(p)
    columns["identical"] = identical_records(p, columns["title_len"])
    return pd.DataFrame({name: columns[name] for name in COLUMNS})


def _year_columns(pairs: Pairs) -> dict[str, np.ndarray]:
    """The gap between the years (0 where either is unknown) and whether they are equal."""
    ya, yb = pairs.col("year")
    known = (ya > 0) & (yb > 0)
    return {"year_gap": np.where(known, np.abs(ya - yb), 0), "year_eq": known & (ya == yb)}
