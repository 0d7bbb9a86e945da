"""Relevance ranking for title/abstract screening: an active-learning linear model.

The model is ASReview's default, ELAS u4 (tuned by its authors on the SYNERGY datasets),
re-implemented so that it orders records exactly as ``asreview simulate`` does. Every record is
one TF-IDF vector of its title and abstract (joined by a space; word uni- and bigrams, sublinear
term frequency, terms in more than 95 % of records dropped), fitted once on the records of the
review and nothing else: unsupervised, so a record's vector does not change while reviewers
decide. Between screening batches a linear support-vector classifier (squared hinge, C = 0.11,
liblinear's dual solver) is refitted on every decision so far, in the order they were made. The
training weights are balanced: the includes together weigh :attr:`RankerSettings.include_weight`
(9.8) times as much as the excludes together. Unscreened records are ranked by the decision
value (higher = more likely relevant; ties by position): a score for ordering, not a probability.

So the gain over ASReview is not the order (on the seven SYNERGY benchmark sets both give the
same medians of every metric; see the README) but the speed and the spreadsheet workflow. Changes
measured on those sets (the title counted twice or 1.5 times or in its own block, at most 1,000
excludes per refit, English stop words, ensembles with the title-twice model or with naive Bayes,
random unscreened records as extra negatives, character n-grams, rarer-term cut-offs) were each
better on some sets and worse on others, so none of them is used: a review cannot tell in advance
which side of ELAS u4 it would land on.

Until the decisions contain both an include and an exclude, no classifier can be fitted. Then the
score is the cosine similarity to a profile of what is wanted: the ``query`` text (e.g. the seed
studies' titles and abstracts and the include keywords from the protocol), in the records'
TF-IDF space, plus every record already included, so the order is still meaningful from the
first sheet on.

The same inputs and seed give the same scores. The estimate of how many relevant records are
still unscreened is in :mod:`livingreview.screening.stopping` (``estimate_remaining``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from livingreview.screening.features import NoTerms, TfidfFeatures

if TYPE_CHECKING:
    from livingreview.screening.wordcache import WordCache

__all__ = [
    "Ranker",
    "RankerSettings",
    "document_text",
    "relevance_scores",
]


@dataclass(frozen=True)
class RankerSettings:
    """Features and model of the ranker (ELAS u4; one setting for every review)."""

    ngram_max: int = 2
    min_df: int = 1
    max_df: float = 0.95
    regularisation_c: float = 0.11
    include_weight: float = 9.8
    tolerance: float = 1e-4
    max_iter: int = 1000


def document_text(title: str, abstract: str) -> str:
    """The text a record is ranked by: its title, then its abstract."""
    return f"{title or ''} {abstract or ''}".strip()


class Ranker:
    """The features of one set of records, ready to rank them after each screening batch."""

    def __init__(
        self,
        documents: Sequence[str],
        *,
        query: str = "",
        seed: int = 0,
        settings: RankerSettings | None = None,
        words: WordCache | None = None,
    ) -> None:
        """``words``: texts split into words in an earlier run (see :class:`TfidfFeatures`)."""
        self.settings = settings or RankerSettings()
        self.seed = seed
        self.size = len(documents)
        texts = [d or "" for d in documents]
        try:  # scikit-learn's TfidfVectorizer, bit for bit, without importing scikit-learn
            fitted = TfidfFeatures(
                texts,
                ngram_max=self.settings.ngram_max,
                min_df=self.settings.min_df if len(texts) > self.settings.min_df else 1,
                max_df=self.settings.max_df if len(texts) > 1 else 1.0,
                words=words,
            )
            self.features: sparse.csr_matrix = fitted.matrix
            self.query_vector: sparse.csr_matrix = fitted.transform([query or ""])
        except NoTerms:  # no words at all in any record: every record scores the same
            self.features = sparse.csr_matrix((len(texts), 1))
            self.query_vector = sparse.csr_matrix((1, 1))

    def scores(self, labels: Mapping[int, bool]) -> np.ndarray:
        """Relevance score of every record given the decisions so far (index -> included?),
        in the order they were made."""
        indices = np.fromiter(labels, dtype=np.int64, count=len(labels))
        if indices.size and (indices.min() < 0 or indices.max() >= self.size):
            raise IndexError(f"label index out of range 0..{self.size - 1}")
        included = np.fromiter((bool(labels[i]) for i in indices), dtype=bool, count=indices.size)
        return self.scores_for(indices, included)

    def scores_for(
        self,
        indices: np.ndarray,
        included: np.ndarray,
        random_state: np.random.RandomState | None = None,
    ) -> np.ndarray:
        """Like :meth:`scores`, with the decisions as row positions in the order they were made
        and a bool array (included?). The solver's seed is the ranker's, or drawn from
        ``random_state`` (as ASReview draws it from numpy's global state, seeded once per run)."""
        if included.any() and not included.all():
            return self._classifier_scores(indices, included, random_state)
        return self._profile_scores(indices[included])

    def _classifier_scores(
        self, indices: np.ndarray, included: np.ndarray, random_state: np.random.RandomState | None
    ) -> np.ndarray:
        from sklearn.svm import LinearSVC  # loads scikit-learn: only once there is a classifier

        model = LinearSVC(
            C=self.settings.regularisation_c,
            tol=self.settings.tolerance,
            max_iter=self.settings.max_iter,
            random_state=self.seed if random_state is None else random_state,
        )
        weights = _balanced_weights(included, self.settings.include_weight)
        model.fit(self.features[indices], included, sample_weight=weights)
        return np.asarray(self.features @ model.coef_.ravel() + model.intercept_[0])

    def _profile_scores(self, included: np.ndarray) -> np.ndarray:
        profile = self.query_vector.toarray().ravel()
        if included.size:
            profile = profile + np.asarray(self.features[included].sum(axis=0)).ravel()
        norm = np.linalg.norm(profile)
        if norm == 0:
            return np.zeros(self.size)
        return np.asarray(self.features @ (profile / norm))


def _balanced_weights(included: np.ndarray, include_weight: float) -> np.ndarray:
    """Sample weights: includes together weigh ``include_weight`` x the excludes; mean 1."""
    n_in = int(included.sum())
    n_out = included.size - n_in
    weights = np.where(included, 1.0, n_in / (include_weight * n_out))
    return weights * (included.size / weights.sum())


def relevance_scores(
    documents: Sequence[str],
    labels: Mapping[int, bool],
    *,
    query: str = "",
    seed: int = 0,
) -> list[float]:
    """Relevance score per document (higher = more likely relevant), learned from ``labels``.

    ``labels`` maps a document's index to the screening decision (True = included). Without
    both an include and an exclude, the score is the similarity to ``query`` plus the includes.
    """
    return Ranker(documents, query=query, seed=seed).scores(labels).tolist()
