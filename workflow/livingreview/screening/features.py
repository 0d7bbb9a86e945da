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

Here a term is a tuple of word numbers; its text is made only for
:meth:`TfidfFeatures.vocabulary`. Terms sort as scikit-learn sorts their texts once each word is
replaced by its place among the words in alphabetical order and the tuples are compared: no word
holds a space and every word character sorts after the space that joins words, so "a" < "a b" <
"ab" as texts and as tuples.

The arrays with an entry per term of every text (a few million for a few thousand abstracts) are
changed in place or built a block of texts at a time (:data:`BLOCK`), not copied whole at each
step: every fresh megabyte costs time (the kernel zeroes it; numpy asks for huge pages), about a
second of system time per ``livingreview screen`` of the living-review benchmark before.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import pairwise
from numbers import Integral
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from livingreview.errors import LivingReviewError

if TYPE_CHECKING:
    from livingreview.screening.wordcache import WordCache

__all__ = ["NoTerms", "TfidfFeatures"]

# scikit-learn's token pattern is r"(?u)\b\w\w+\b"; without the \b the same runs of word
# characters match (\w+ is greedy, and a run of one character matches neither), a third faster
WORD_PATTERN = r"\w\w+"
_WORDS = re.compile(WORD_PATTERN).findall


class NoTerms(LivingReviewError):
    """No document has a term left to weigh (scikit-learn raises ValueError here)."""


def _limit(value: float, n_docs: int) -> float:
    return value if isinstance(value, Integral) else value * n_docs


def _tokens(
    texts: Sequence[str],
    number: Callable[[str], int],
    known: Callable[[str], np.ndarray | None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every text's words as numbers, one after the other, and how many words each text has;
    ``known`` gives the numbers of a text split before (None: split it now)."""
    if known is None:
        found: list[int] = []
        words_in = np.zeros(len(texts), dtype=np.int64)
        for row, text in enumerate(texts):
            before = len(found)
            found += map(number, _WORDS(text.lower()))
            words_in[row] = len(found) - before
        return np.array(found, dtype=np.int64), words_in
    parts = []
    for text in texts:
        numbers = known(text)
        if numbers is None:
            numbers = np.array(list(map(number, _WORDS(text.lower()))), dtype=np.int64)
        parts.append(numbers)
    words_in = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    return np.concatenate([np.zeros(0, dtype=np.int64), *parts]), words_in


BLOCK = 1 << 16  # tokens (about) worked on at once: temporaries this small are reused


def _blocks(ends: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive ranges ``[first, last)`` of the texts ending at ``ends`` (cumulative counts),
    about :data:`BLOCK` of their items each (a longer text is a range alone)."""
    total = int(ends[-1]) if ends.size else 0
    cuts = np.searchsorted(ends, np.arange(BLOCK, total, BLOCK), side="right")
    bounds = sorted({0, ends.size, *cuts.tolist()})
    return list(pairwise(bounds))


def _slices(size: int) -> list[slice]:
    """``range(size)`` in slices of :data:`BLOCK`."""
    return [slice(at, min(at + BLOCK, size)) for at in range(0, size, BLOCK)]


class _Grams:
    """Every text's terms as integer keys, in scikit-learn's order: a text's words, then its
    2-grams, ... A key holds its n-gram level (the range it is in: ``offsets``) and, from level
    3 on, the number of its first n - 1 words among the (n - 1)-grams seen when fitting
    (``prefixes``); a word or prefix not seen then gives no key (-1)."""

    def __init__(
        self,
        tokens: np.ndarray,
        words_in: np.ndarray,
        ngram_max: int,
        n_words: int,
        prefixes: list[np.ndarray] | None = None,
    ) -> None:
        fitting = prefixes is None
        self.prefixes: list[np.ndarray] = [] if prefixes is None else prefixes
        per_level = np.maximum(words_in[:, None] - np.arange(ngram_max)[None, :], 0)
        self.lengths = per_level.sum(axis=1)  # terms per text
        self.ends = np.cumsum(self.lengths)  # past each text's last term
        token_ends = np.cumsum(words_in)  # past each text's last token
        # where a text's n-grams begin among the keys, less the text's first token: the key of
        # the n-gram starting at token t of the text is at t plus this
        self.shift = np.cumsum(per_level, axis=1) - per_level
        self.shift += (self.ends - self.lengths - (token_ends - words_in))[:, None]
        self.keys = np.empty(int(self.lengths.sum()), dtype=np.int64)
        self.offsets = [0]
        prefix, prefix_size = tokens, n_words  # per token: the n-gram starting there, numbered
        for n in range(1, ngram_max + 1):
            level = []  # per block of texts: the tokens its n-grams start at, and their numbers
            for first, last in _blocks(token_ends):
                begin = int(token_ends[first - 1]) if first else 0
                ends = token_ends[first:last]
                at, grams = self._level(tokens, prefix, n, n_words, ends, begin)
                position = np.repeat(self.shift[first:last, n - 1], per_level[first:last, n - 1])
                position += at
                key = grams + self.offsets[-1]
                key[grams < 0] = -1
                self.keys[position] = key
                if 1 < n < ngram_max:
                    level.append((at, grams))
            self.offsets.append(self.offsets[-1] + (n_words if n == 1 else prefix_size * n_words))
            if 1 < n < ngram_max:  # the next level's prefixes, numbered densely: small keys
                if fitting:
                    seen = [grams[grams >= 0] for _, grams in level]
                    self.prefixes.append(np.unique(np.concatenate([np.zeros(0, np.int64), *seen])))
                known = self.prefixes[n - 2]
                prefix = np.full(tokens.size, -1, dtype=np.int64)
                for at, grams in level:
                    place = np.minimum(np.searchsorted(known, grams), max(known.size - 1, 0))
                    found = (grams >= 0) & (known[place] == grams) if known.size else grams < -1
                    prefix[at] = np.where(found, place, -1)
                prefix_size = known.size

    @staticmethod
    def _level(
        tokens: np.ndarray, prefix: np.ndarray, n: int, n_words: int, ends: np.ndarray, begin: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Of the texts whose tokens end at ``ends`` (the first begins at token ``begin``): the
        tokens their n-grams start at, and the n-grams' numbers (-1: a word or prefix unknown)."""
        left = np.repeat(ends, np.diff(ends, prepend=begin))
        left -= np.arange(begin, int(ends[-1]))  # words from each token to its text's end
        at = np.flatnonzero(left >= n)
        at += begin
        if n == 1:
            return at, tokens[at]
        grams, word = prefix[at], tokens[at + n - 1]
        unknown = (grams < 0) | (word < 0)
        grams *= n_words
        grams += word
        grams[unknown] = -1
        return at, grams

    def first_words(self, positions: np.ndarray, levels: np.ndarray) -> np.ndarray:
        """The token each term at ``positions`` among the keys starts at (``levels``: the n of
        its n-gram)."""
        text = np.searchsorted(self.ends, positions, side="right")
        return positions - self.shift[text, levels - 1]

    def level(self, keys: np.ndarray) -> np.ndarray:
        """The n of each key's n-gram."""
        return np.searchsorted(self.offsets, keys, side="right")


def _unique(
    keys: np.ndarray, *, overwrite: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(keys, return_index=True, return_inverse=True)`` for keys >= 0: one sort of
    key-and-position numbers (all distinct, so no stable sort is needed) where they fit in 63
    bits, a third of the time. ``overwrite``: ``keys`` may hold those numbers (no copy)."""
    size = keys.size
    if not size or (int(keys.max()) + 1) * size >= 2**63:
        return np.unique(keys, return_index=True, return_inverse=True)
    numbers = keys if overwrite else keys.copy()
    numbers *= size
    for part in _slices(size):
        numbers[part] += np.arange(part.start, part.stop)
    numbers.sort()
    ordered = numbers // size
    order = np.remainder(numbers, size, out=numbers)  # the positions in key order
    starts = np.empty(size, dtype=bool)
    starts[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    unique = ordered[starts]
    group = np.cumsum(starts, out=ordered)  # each key's number among the unique keys
    group -= 1
    inverse = np.empty(size, dtype=np.int64)
    inverse[order] = group
    return unique, order[starts], inverse


def _entries(
    terms: np.ndarray, lengths: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One entry per (row, term) of ``terms`` (each row's ``lengths`` term numbers below
    ``size``, one after the other): its row, term and count, rows in order and each row's terms
    in number order, as ``np.unique(rows * size + terms, return_counts=True)`` gives them.
    ``terms`` is overwritten: no copy of it is made."""
    pairs = terms
    ends = np.cumsum(lengths)
    for first, last in _blocks(ends):
        rows = np.arange(first, last, dtype=np.int64) * size
        pairs[int(ends[first] - lengths[first]) : int(ends[last - 1])] += np.repeat(
            rows, lengths[first:last]
        )
    pairs.sort()
    distinct = np.empty(pairs.size, dtype=bool)
    distinct[:1] = True
    np.not_equal(pairs[1:], pairs[:-1], out=distinct[1:])
    where = np.flatnonzero(distinct)
    del distinct
    counts = np.empty(where.size, dtype=np.int64)
    np.subtract(where[1:], where[:-1], out=counts[:-1])
    counts[-1:] = pairs.size - where[-1:]
    ids = pairs[where]
    del where
    rows = ids // size
    np.remainder(ids, size, out=ids)
    return rows, ids, counts


class TfidfFeatures:
    """The fitted features of ``documents`` (``matrix``), and :meth:`transform` for other text.

    ``min_df``/``max_df``: a count if an int, else a fraction of the documents. Raises
    :class:`NoTerms` where scikit-learn raises ValueError. With ``words``, texts split in an
    earlier run are not split again, and the cache learns this run's texts (the features are
    the same: a word's number only names it)."""

    def __init__(
        self,
        documents: Sequence[str],
        *,
        ngram_max: int,
        min_df: float,
        max_df: float,
        words: WordCache | None = None,
    ) -> None:
        number: defaultdict[str, int] = defaultdict()
        if words is not None:
            number.update(words.numbers())
        number.default_factory = number.__len__  # a new word's number: the order first seen
        known = None if words is None else words.known
        tokens, words_in = _tokens(documents, number.__getitem__, known)
        if words is not None:
            words.write(documents, tokens, words_in, number)
        if not tokens.size:
            raise NoTerms("no document has a term")
        self.words, self.ngram_max = dict(number), ngram_max
        grams = _Grams(tokens, words_in, ngram_max, len(number))
        self.prefixes, self.offsets = grams.prefixes, grams.offsets
        unique, first, inverse = _unique(grams.keys, overwrite=True)
        del grams.keys  # now the numbers _unique sorted, not needed again
        seen = np.argsort(first)  # the terms in the order first seen
        renumber = np.empty(unique.size, dtype=np.int64)
        renumber[seen] = np.arange(unique.size)
        size, n_docs = unique.size, len(documents)
        for part in _slices(inverse.size):  # each term's number in first-seen order
            inverse[part] = renumber[inverse[part]]
        rows, ids, counts = _entries(inverse, grams.lengths, size)
        del inverse
        high, low = _limit(max_df, n_docs), _limit(min_df, n_docs)
        if high < low:
            raise NoTerms("max_df corresponds to fewer documents than min_df")
        frequency = np.bincount(ids, minlength=size)
        keep = (frequency <= high) & (frequency >= low)
        kept = np.flatnonzero(keep)
        if not kept.size:
            raise NoTerms("no term is left after min_df and max_df")
        term_keys = unique[seen[kept]]
        levels = grams.level(term_keys)
        self._terms = (tokens, levels, grams.first_words(first[seen[kept]], levels))
        del unique, first, seen, renumber, frequency
        alphabetical = np.empty(kept.size, dtype=np.int32)
        alphabetical[np.lexsort(self._sort_keys()[::-1])] = np.arange(kept.size)
        column = np.full(size, -1, dtype=np.int32)
        column[kept] = alphabetical
        entry = keep[ids]
        indices = column[ids[entry]]
        del ids  # the entry arrays go as soon as they are used: the weights need their room
        indptr = np.zeros(n_docs + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows[entry], minlength=n_docs), out=indptr[1:])
        del rows
        data = counts[entry].astype(np.float64)
        del counts, entry
        self.idf = np.full(kept.size, float(n_docs + 1))
        self.idf /= np.bincount(indices, minlength=kept.size).astype(np.float64) + 1.0
        np.log(self.idf, out=self.idf)
        self.idf += 1.0
        self.matrix = _weigh(data, indices, indptr, self.idf)
        self._term_columns = alphabetical
        by_key = np.argsort(term_keys)
        self.keys, self.columns = term_keys[by_key], alphabetical[by_key]

    def _sort_keys(self) -> list[np.ndarray]:
        """Per word of the kept terms: its place among the words in alphabetical order (-1 past
        a term's last word): the terms' alphabetical order, as tuples."""
        tokens, levels, starts = self._terms
        ordered = sorted(self.words)
        rank = np.empty(len(ordered), dtype=np.int64)
        where = np.fromiter(map(self.words.__getitem__, ordered), np.int64, len(ordered))
        rank[where] = np.arange(len(ordered))
        last = tokens.size - 1
        return [
            np.where(levels > i, rank[tokens[np.minimum(starts + i, last)]], -1)
            for i in range(self.ngram_max)
        ]

    def vocabulary(self) -> dict[str, int]:
        """Each kept term's text and column (scikit-learn's ``vocabulary_``)."""
        tokens, levels, starts = self._terms
        words = list(self.words)
        names = [
            " ".join(words[w] for w in tokens[start : start + n].tolist())
            for n, start in zip(levels.tolist(), starts.tolist(), strict=True)
        ]
        return dict(zip(names, self._term_columns.tolist(), strict=True))

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Rows for ``texts`` in the fitted vocabulary (terms not in it are left out)."""
        tokens, words_in = _tokens(texts, lambda word: self.words.get(word, -1))
        grams = _Grams(tokens, words_in, self.ngram_max, len(self.words), self.prefixes)
        place = np.minimum(np.searchsorted(self.keys, grams.keys), self.keys.size - 1)
        found = (grams.keys >= 0) & (self.keys[place] == grams.keys)
        rows = np.repeat(np.arange(len(texts)), grams.lengths)[found]
        width = self.columns.size
        pairs, counts = np.unique(rows * width + self.columns[place[found]], return_counts=True)
        rows, indices = np.divmod(pairs, width)
        indptr = np.zeros(len(texts) + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=len(texts)), out=indptr[1:])
        return _weigh(counts.astype(np.float64), indices.astype(np.int32), indptr, self.idf)


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
    np.divide(data, per_entry, out=data, where=per_entry != 0)
