"""Relevance ranking for title/abstract screening: an active-learning linear model.

Every record is turned into one TF-IDF vector of its title and abstract, the title counted twice
(word uni- and bigrams, sublinear term frequency, terms in more than 95 % of records dropped),
fitted once on all records
of the review: this is unsupervised, so a record's vector does not change while reviewers decide.
Between screening batches a linear support-vector classifier (C = 0.11) is refitted on the
decisions so far. Includes are rare (typically 1-5 %), so the training weights are balanced: the
includes together weigh :attr:`RankerSettings.include_weight` (9.8) times as much as the excludes
together. Apart from the doubled title these are the settings of ASReview's default model ELAS
u4 (tuned by its authors on the SYNERGY datasets); the doubled title found includes earlier on
most benchmark sets, while ensembles with naive Bayes or with the title-once model, a title
weighted 1.5 times or in its own block, English stop words, random unscreened records as extra
negatives, character n-grams and rarer-term cut-offs were each better on some sets and worse on
others, so none of those was kept (see the README). To bound the cost of a refit, at most
:attr:`RankerSettings.max_excludes` excludes (drawn at random per seed and refit) are used, with
every include (every exclude changed no benchmark median and cost up to three times the CPU).
Unscreened records are ranked by the classifier's decision value (higher = more likely
relevant): a score for ordering, not a probability.

Until the decisions contain both an include and an exclude, no classifier can be fitted. Then the
score is the cosine similarity to a profile of what is wanted: the ``query`` text (e.g. the seed
studies' titles and abstracts and the include keywords from the protocol) plus every record
already included, so the order is still meaningful from the first sheet on.

The same inputs and seed give the same scores. The estimate of how many relevant records are
still unscreened is in :mod:`livingreview.screening.stopping` (``estimate_remaining``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from livingreview.screening.stopping import estimate_remaining

__all__ = [
    "Ranker",
    "RankerSettings",
    "document_text",
    "estimate_remaining",
    "relevance_scores",
]


@dataclass(frozen=True)
class RankerSettings:
    """Features and model of the ranker (one setting for every review; no per-review tuning)."""

    ngram_max: int = 2
    min_df: int = 1
    max_df: float = 0.95
    regularisation_c: float = 0.11
    include_weight: float = 9.8
    max_excludes: int | None = 1000
    tolerance: float = 1e-4
    max_iter: int = 1000


def document_text(title: str, abstract: str) -> str:
    """The text a record is ranked by: its title twice (it names the topic in few words), then
    its abstract."""
    return f"{title or ''} {title or ''} {abstract or ''}".strip()


class Ranker:
    """The features of one set of records, ready to rank them after each screening batch."""

    def __init__(
        self,
        documents: Sequence[str],
        *,
        query: str = "",
        seed: int = 0,
        settings: RankerSettings | None = None,
    ) -> None:
        self.settings = settings or RankerSettings()
        self.seed = seed
        self.size = len(documents)
        texts = [d or "" for d in documents]
        vectorizer = TfidfVectorizer(
            ngram_range=(1, self.settings.ngram_max),
            sublinear_tf=True,
            min_df=self.settings.min_df if len(texts) > self.settings.min_df else 1,
            max_df=self.settings.max_df if len(texts) > 1 else 1.0,
            dtype=np.float64,
        )
        try:
            matrix = vectorizer.fit_transform([*texts, query or ""])
        except ValueError:  # no words at all in any record: every record scores the same
            matrix = sparse.csr_matrix((len(texts) + 1, 1))
        self.features: sparse.csr_matrix = matrix[: len(texts)].tocsr()
        self.query_vector: sparse.csr_matrix = matrix[len(texts) :].tocsr()

    def scores(self, labels: Mapping[int, bool]) -> np.ndarray:
        """Relevance score of every record given the decisions so far (index -> included?)."""
        indices = np.fromiter(sorted(labels), dtype=np.int64, count=len(labels))
        if indices.size and (indices[0] < 0 or indices[-1] >= self.size):
            raise IndexError(f"label index out of range 0..{self.size - 1}")
        included = np.fromiter((bool(labels[i]) for i in indices), dtype=bool, count=indices.size)
        return self.scores_for(indices, included)

    def scores_for(self, indices: np.ndarray, included: np.ndarray) -> np.ndarray:
        """Like :meth:`scores`, with the decisions as sorted row positions and a bool array."""
        if included.any() and not included.all():
            return self._classifier_scores(indices, included)
        return self._profile_scores(indices[included])

    def _classifier_scores(self, indices: np.ndarray, included: np.ndarray) -> np.ndarray:
        indices, included = self._training_rows(indices, included)
        weights = _balanced_weights(included, self.settings.include_weight)
        model = LinearSVC(
            C=self.settings.regularisation_c,
            tol=self.settings.tolerance,
            max_iter=self.settings.max_iter,
            random_state=self.seed,
        )
        model.fit(self.features[indices], included, sample_weight=weights)
        return np.asarray(self.features @ model.coef_.ravel() + model.intercept_[0])

    def _training_rows(
        self, indices: np.ndarray, included: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Every include, and at most ``max_excludes`` excludes drawn at random (per seed)."""
        cap = self.settings.max_excludes
        excluded = np.flatnonzero(~included)
        if cap is None or excluded.size <= cap:
            return indices, included
        rng = np.random.RandomState([self.seed, indices.size])
        keep = np.sort(np.r_[np.flatnonzero(included), rng.choice(excluded, cap, replace=False)])
        return indices[keep], included[keep]

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
