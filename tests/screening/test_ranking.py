"""The active-learning ranker and the stopping estimate, on a real labelled screening set."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from bench.screening import asreview_command, asreview_results

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
    """Every record of the set in screening order (not stopped at the last relevant one)."""
    priors = pick_priors(nsaids.included, 1, 1, seed=1)
    ranker = Ranker(nsaids.documents, seed=1)
    return screening_order(
        ranker, nsaids.included, priors, batch_size=10, stop_at_last_relevant=False
    )


def test_stopping_at_the_last_relevant_record_is_a_prefix_of_the_full_order(
    nsaids, nsaids_order
) -> None:
    priors = nsaids_order[:2]
    stopped = screening_order(
        Ranker(nsaids.documents, seed=1), nsaids.included, priors, batch_size=10
    )
    assert stopped == nsaids_order[: len(stopped)]
    assert nsaids.included[stopped].sum() == nsaids.included.sum()
    # it stops within the batch of 10 that found the last relevant record
    assert len(stopped) - 10 < np.flatnonzero(nsaids.included[stopped])[-1] + 1 <= len(stopped)
    assert len(stopped) < len(nsaids_order)


def test_order_is_asreview_elas_u4_order(nsaids, tmp_path: Path) -> None:
    """ASReview's default (ELAS u4, one record per refit, stop at the last relevant record)
    screens NSAIDS in exactly our order."""
    data = require_shared(NSAIDS)
    priors = pick_priors(nsaids.included, 1, 1, seed=2)
    asreview = asreview_command()
    if asreview is None:
        pytest.skip("asreview not installed (pip install -e '.[bench]')")
    command = [*asreview, "simulate", str(data), "--prior-idx", *map(str, priors)]
    command += ["--seed", "2", "-o", str(tmp_path / "run.asreview")]
    subprocess.run(command, cwd=tmp_path, capture_output=True, check=True)
    theirs, _ = asreview_results(tmp_path / "run.asreview", tmp_path)
    ours = screening_order(Ranker(nsaids.documents, seed=2), nsaids.included, priors, batch_size=1)
    assert theirs == ours


def test_asreview_is_started_by_this_python_not_by_pips_launcher() -> None:
    """The benchmark started ASReview by pip's launcher beside this Python (.venv/bin/asreview),
    whose first line names this Python's path: in a clone whose path holds a ``$`` or a quote
    (/tmp/it's $HOME "x"/.venv) sh expanded $HOME and lost the quotes ('exec: /tmp/it's /root
    x/.venv/bin/python: not found', exit 127). ``python -m asreview`` starts from any path;
    ``--asreview PATH`` still names the command to run."""
    assert asreview_command("/opt/asreview/bin/asreview") == ["/opt/asreview/bin/asreview"]
    if importlib.util.find_spec("asreview") is None:
        pytest.skip("asreview not installed (pip install -e '.[bench]')")
    command = asreview_command()
    assert command == [sys.executable, "-m", "asreview"]
    started = subprocess.run([*command, "-V"], capture_output=True, text=True, check=False)
    assert started.returncode == 0 and started.stdout.startswith("asreview "), started.stderr


def test_the_query_does_not_change_the_records_features(nsaids) -> None:
    plain = Ranker(nsaids.documents[:50])
    with_query = Ranker(nsaids.documents[:50], query="nonsteroidal anti-inflammatory drugs")
    assert (plain.features != with_query.features).nnz == 0
    assert with_query.query_vector.nnz > 0


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
    ranker = Ranker(nsaids.documents, seed=4)
    assert ranker.scores(labels).tolist() == ranker.scores(labels).tolist() == first


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


def test_stopping_p_value_is_the_smallest_over_every_tail(nsaids, nsaids_order) -> None:
    """Only the longest tail of each relevant count is computed; on a real order, at several
    points and numbers missed, the result is the minimum over every tail computed directly."""
    from scipy.stats import hypergeom

    labels = nsaids.included[nsaids_order]
    for screened in (30, 150, labels.size // 2, labels.size - 5):
        seen, unscreened = labels[:screened][::-1], labels.size - screened
        sizes, relevant = np.arange(1, screened + 1), np.cumsum(seen)
        found = int(seen.sum())
        assert found > 0
        for missed in (1, 2, 4, unscreened):
            target = found / (found + missed - 0.5)  # recall below it once `missed` remain
            every = hypergeom.cdf(relevant, sizes + unscreened, relevant + missed, sizes)
            p = recall_below_target_p(labels[:screened], unscreened, recall_target=target)
            assert p == pytest.approx(float(np.min(every)), rel=1e-9, abs=1e-300)


def test_tail_probabilities_equal_scipy_on_every_small_urn_and_on_large_ones() -> None:
    """The estimate's own hypergeometric sums (windowed around the largest term) against
    scipy.stats, on every urn up to 30 records and on large urns like a 20,000-record review."""
    from scipy.stats import hypergeom

    from livingreview.screening.stopping import _hypergeom_cdf, _log_factorials

    log_factorial = _log_factorials(60_000)
    small = [
        (k, population, successes, draws)
        for population in range(1, 31)
        for successes in range(population + 1)
        for draws in range(population + 1)
        for k in range(draws + 1)
    ]
    rng = np.random.default_rng(7)
    population = rng.integers(1_000, 60_000, 300)
    successes = (rng.random(300) * population).astype(int)
    draws = (rng.random(300) * population).astype(int)
    mean = draws * successes / population
    k = np.clip(np.round(mean + rng.normal(0, 4, 300) * np.sqrt(mean + 1)), 0, draws).astype(int)
    large = list(zip(k, population, successes, draws, strict=True))
    for cases in (small, large):
        k, population, successes, draws = (np.array(c) for c in zip(*cases, strict=True))
        ours = _hypergeom_cdf(log_factorial, k, population, successes, draws)
        theirs = hypergeom.cdf(k, population, successes, draws)
        representable = theirs > 1e-290
        assert representable.sum() > len(cases) // 2
        np.testing.assert_allclose(ours[representable], theirs[representable], rtol=1e-9)
        assert np.all(ours[~representable] < 1e-280)


def test_consecutive_irrelevant_counts_the_tail() -> None:
    estimate = estimate_remaining([False, True, False, False], 10)
    assert estimate.consecutive_irrelevant == 2
    assert estimate.relevant_found == 1
    assert estimate.remaining_upper <= 10


def test_the_estimate_does_not_load_scipy_stats() -> None:
    """scipy.stats takes about a second to import; the estimate computes its own tails."""
    probe = (
        "import sys\n"
        "from livingreview.screening.priority import stopping_estimate\n"
        "from livingreview.screening.stopping import estimate_remaining\n"
        "print(stopping_estimate([], 3), 'scipy.stats' in sys.modules)\n"
        "print(estimate_remaining([], 3).remaining_upper, 'scipy.stats' in sys.modules)\n"
        "print(estimate_remaining([True, False], 3).relevant_found, 'scipy.stats' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["None", "False", "3", "False", "1", "False"]
