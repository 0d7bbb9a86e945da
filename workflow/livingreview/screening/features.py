"""The ranker's TF-IDF features, without scikit-learn: the very matrix scikit-learn's
``TfidfVectorizer(ngram_range=(1, n), sublinear_tf=True, min_df=..., max_df=...,
dtype=float64)`` fits, bit for bit (the same values, column numbers and order of the entries
within a row, so every later sum adds in the same order; ``tests/screening/test_features.py``
compares the two). Importing scikit-learn costs about as much CPU time as fitting the features of
a few thousand records, and ranking without a classifier (no include and exclude yet) needs
nothing else from it.

How scikit-learn builds it: lower-case text, words of two or more word characters, then the
word n-grams (joined by one space) after the words; every term is numbered in the order it is
first seen across the documents and each row's entries are kept in that order; terms in more
documents than ``max_df`` (or fewer than ``min_df``) are dropped; the columns are then numbered
in alphabetical order of the terms. The weights are ``1 + log(count)`` times
``1 + log((n + 1) / (df + 1))``, and each row is divided by its Euclidean norm, summed in the
order of its entries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from scipy import sparse

from livingreview.errors import LivingReviewError

__all__ = ["NoTerms", "TfidfFeatures", "fit_tfidf"]

_WORDS = re.compile(r"(?u)\b\w\w+\b").findall


class NoTerms(LivingReviewError):
    """No document has a term left to weigh (scikit-learn raises ValueError here)."""


@dataclass(frozen=True)
class TfidfFeatures:
    """Fitted features: the documents' matrix, and what :meth:`transform` needs for new text."""

    matrix: sparse.csr_matrix
    vocabulary: Mapping[str, int]
    idf: np.ndarray
    ngram_max: int

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Rows for ``texts`` in the fitted vocabulary (terms not in it are left out)."""
        rows: list[np.ndarray] = []
        counts: list[np.ndarray] = []
        for text in texts:
            found = [
                self.vocabulary[t] for t in terms(text, self.ngram_max) if t in self.vocabulary
            ]
            columns, count = np.unique(np.asarray(found, dtype=np.int32), return_counts=True)
            rows.append(columns)
            counts.append(count)
        indptr = np.zeros(len(texts) + 1, dtype=np.int32)
        np.cumsum([len(r) for r in rows], out=indptr[1:])
        indices = np.concatenate([np.zeros(0, np.int32), *rows]).astype(np.int32)
        data = np.concatenate([np.zeros(0), *counts]).astype(np.float64)
        return _weigh(data, indices, indptr, self.idf)


def terms(text: str, ngram_max: int) -> list[str]:
    """The terms of ``text`` in scikit-learn's order: its words, then its 2-grams, 3-grams..."""
    words = _WORDS(text.lower())
    out = list(words)
    for n in range(2, ngram_max + 1):
        out += map(" ".join, zip(*(words[i:] for i in range(n)), strict=False))
    return out


def _limit(value: float, n_docs: int) -> float:
    return value if isinstance(value, Integral) else value * n_docs


def fit_tfidf(
    documents: Sequence[str], *, ngram_max: int, min_df: float, max_df: float
) -> TfidfFeatures:
    """Fit the features of ``documents`` (``min_df``/``max_df``: a count if an int, else a
    fraction of the documents). Raises :class:`NoTerms` where scikit-learn raises ValueError."""
    number: defaultdict[str, int] = defaultdict()
    number.default_factory = number.__len__  # a term's number: the order first seen
    found: list[int] = []
    lengths = np.zeros(len(documents), dtype=np.int64)
    for row, text in enumerate(documents):
        before = len(found)
        found += map(number.__getitem__, terms(text, ngram_max))
        lengths[row] = len(found) - before
    if not number:
        raise NoTerms("no document has a term")
    first_seen = list(number)
    ids = np.array(found, dtype=np.int64)
    size = len(first_seen)
    # one entry per (row, term), rows in order and each row's terms in first-seen order
    keys = np.repeat(np.arange(len(documents)), lengths) * size + ids
    pairs, counts = np.unique(keys, return_counts=True)
    rows, ids = np.divmod(pairs, size)
    n_docs = len(documents)
    high, low = _limit(max_df, n_docs), _limit(min_df, n_docs)
    if high < low:
        raise NoTerms("max_df corresponds to fewer documents than min_df")
    frequency = np.bincount(ids, minlength=size)
    keep = (frequency <= high) & (frequency >= low)
    kept = np.flatnonzero(keep)
    if not kept.size:
        raise NoTerms("no term is left after min_df and max_df")
    names = [first_seen[i] for i in kept]
    alphabetical = np.empty(kept.size, dtype=np.int32)
    alphabetical[sorted(range(kept.size), key=names.__getitem__)] = np.arange(kept.size)
    column = np.full(size, -1, dtype=np.int32)
    column[kept] = alphabetical
    entry = keep[ids]
    indices = column[ids[entry]]
    indptr = np.zeros(n_docs + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows[entry], minlength=n_docs), out=indptr[1:])
    n_plus = float(n_docs + 1)
    idf = np.full(kept.size, n_plus)
    idf /= np.bincount(indices, minlength=kept.size).astype(np.float64) + 1.0
    np.log(idf, out=idf)
    idf += 1.0
    matrix = _weigh(counts[entry].astype(np.float64), indices, indptr, idf)
    vocabulary = dict(zip(names, alphabetical.tolist(), strict=True))
    return TfidfFeatures(matrix, vocabulary, idf, ngram_max)


def _weigh(
    counts: np.ndarray, indices: np.ndarray, indptr: np.ndarray, idf: np.ndarray
) -> sparse.csr_matrix:
    """Sublinear term frequency times idf, each row divided by its Euclidean norm."""
    data = counts
    np.log(data, out=data)
    data += 1.0
    data *= idf[indices]
    _normalise_rows(data, indptr)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, idf.size))


def _normalise_rows(data: np.ndarray, indptr: np.ndarray) -> None:
    """Divide each row by its norm, its squares summed one by one in the order of its entries
    (as scikit-learn's ``inplace_csr_row_normalize_l2``: the same rounding); empty rows stay."""
    lengths = np.diff(indptr)
    squares = data * data
    by_length = np.argsort(-lengths, kind="stable")
    starts = indptr[:-1][by_length].astype(np.int64)
    remaining = lengths[by_length]
    sums = np.zeros(lengths.size)
    active = int(np.count_nonzero(remaining))
    for step in range(int(remaining.max(initial=0))):
        while active and remaining[active - 1] <= step:
            active -= 1
        sums[:active] += squares[starts[:active] + step]
    norms = np.zeros(lengths.size)
    norms[by_length] = np.sqrt(sums)
    per_entry = np.repeat(norms, lengths)
    nonzero = per_entry != 0
    data[nonzero] /= per_entry[nonzero]
