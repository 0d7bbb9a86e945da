"""The active-learning ranker and the stopping estimate, on a real labelled screening set."""

from __future__ import annotations

import numpy as np
import pytest

from livingreview.screening.ranking import Ranker, relevance_scores
from livingreview.screening.simulate import (
    order_metrics,
    pick_priors,
    read_labelled_csv,
    screening_order,
)
from livingreview.screening.stopping import estimate_remaining, recall_below_target_p
from tests.conftest import require_shared

NSAIDS = "bench/screening/Cohen_2006_NSAIDS.csv"


@pytest.fixture(scope="module")
def nsaids():
    return read_labelled_csv(require_shared(NSAIDS))


@pytest.fixture(scope="module")
def nsaids_order(nsaids) -> list[int]:
    priors = pick_priors(nsaids.included, 1, 1, seed=1)
    return screening_order(Ranker(nsaids.documents, seed=1), nsaids.included, priors, batch_size=10)


def test_ranker_finds_includes_far_earlier_than_random(nsaids, nsaids_order) -> None:
    metrics = order_metrics(nsaids.included[nsaids_order], n_priors=2)
    # random order: WSS@95 about 0 and recall@10% about 0.10
    assert metrics.wss_95 > 0.5
    assert metrics.recall_at_10 > 0.4
    assert metrics.screened_at_100 <= metrics.records
    assert sorted(nsaids_order) == list(range(len(nsaids.documents)))


def test_random_order_saves_no_work(nsaids) -> None:
    order = np.random.default_rng(0).permutation(len(nsaids.documents))
    assert order_metrics(nsaids.included[order], n_priors=0).wss_95 < 0.2


def test_scores_are_deterministic_per_seed(nsaids) -> None:
    labels = {i: bool(nsaids.included[i]) for i in range(0, 120, 3)}
    first = relevance_scores(nsaids.documents, labels, seed=4)
    assert first == relevance_scores(nsaids.documents, labels, seed=4)
    assert len(first) == len(nsaids.documents)


def test_includes_score_above_excludes_once_learned(nsaids) -> None:
    labelled = range(0, len(nsaids.documents), 2)
    labels = {i: bool(nsaids.included[i]) for i in labelled}
    scores = np.array(relevance_scores(nsaids.documents, labels))
    unseen = np.setdiff1d(np.arange(len(scores)), list(labelled))
    relevant = nsaids.included[unseen]
    assert scores[unseen][relevant].mean() > scores[unseen][~relevant].mean()


def test_without_both_classes_the_query_orders_the_records(nsaids) -> None:
    target = int(np.flatnonzero(nsaids.included)[5])
    by_query = relevance_scores(nsaids.documents, {}, query=nsaids.documents[target])
    assert int(np.argmax(by_query)) == target
    only_includes = relevance_scores(nsaids.documents, {target: True})
    assert int(np.argmax(only_includes)) == target
    assert relevance_scores(["a b", "c d"], {}) == [0.0, 0.0]


def test_label_index_outside_documents_is_refused(nsaids) -> None:
    with pytest.raises(IndexError):
        relevance_scores(nsaids.documents[:10], {10: True, 0: False})


def test_stopping_p_value_by_hand() -> None:
    # found 1; one missed record would put recall below 95 %. Tails of the order [1, 0, 0]
    # pooled with the 1 unscreened record: P(X<=0 | 2,1,1) = 1/2, P(X<=0 | 3,1,2) = 1/3,
    # P(X<=1 | 4,2,3) = 1/2; the smallest is 1/3.
    assert recall_below_target_p([True, False, False], 1) == pytest.approx(1 / 3)
    assert recall_below_target_p([True, False, False], 0) == 0.0


def test_stopping_estimate_on_a_real_order_is_conservative(nsaids, nsaids_order) -> None:
    labels = nsaids.included[nsaids_order]
    total = int(labels.sum())
    fired = None
    for screened in range(20, labels.size + 1, 10):
        estimate = estimate_remaining(labels[:screened], labels.size - screened)
        truly_remaining = total - int(labels[:screened].sum())
        assert estimate.remaining_estimate <= estimate.remaining_upper
        assert estimate.remaining_upper >= truly_remaining
        if fired is None and estimate.can_stop:
            fired = screened
    assert fired is not None and fired < labels.size
    assert labels[:fired].sum() / total >= 0.95
    end = estimate_remaining(labels, 0)
    assert (end.remaining_upper, end.recall_lower, end.can_stop) == (0, 1.0, True)


def test_consecutive_irrelevant_counts_the_tail() -> None:
    estimate = estimate_remaining([False, True, False, False], 10)
    assert estimate.consecutive_irrelevant == 2
    assert estimate.relevant_found == 1
    assert estimate.remaining_upper <= 10
