"""The stopping estimate against exact arithmetic (ties) and on a review with thousands of
includes (time, and agreement with scipy.stats)."""

from __future__ import annotations

import time
from fractions import Fraction
from math import comb

import numpy as np
import pytest

from livingreview.screening.stopping import can_stop, estimate_remaining


def _exact_probability(labels: list[bool], unscreened: int, missed: int) -> Fraction:
    """The smallest P(X <= relevant seen) over every tail, in exact fractions."""
    smallest = Fraction(1)
    seen = labels[::-1]
    for size in range(1, len(seen) + 1):
        relevant = sum(seen[:size])
        population, successes = size + unscreened, relevant + missed
        below = sum(
            comb(successes, i) * comb(population - successes, size - i) for i in range(relevant + 1)
        )
        smallest = min(smallest, Fraction(below, comb(population, size)))
    return smallest


@pytest.mark.parametrize(
    ("labels", "unscreened"),
    [
        ([False], 2071),  # one record screened of BetaBlockers' 2,072: P = 1/2 at 1,036
        ([True, False], 849),  # two of ADHD's 851: P = 1/2 at 425, 1/10 at 765
        ([False], 1999),  # P = 1/20 at 1,900
    ],
)
def test_a_probability_exactly_at_the_level_is_not_below_it(
    labels: list[bool], unscreened: int
) -> None:
    """Small urns give exact ties such as 1/2 or 1/20; the bounds are the largest number
    missed whose exact probability is at least the level, as the method defines them."""
    ties = 0
    for confidence in ("0.9", "0.95"):
        estimate = estimate_remaining(labels, unscreened, confidence=float(confidence))
        for level, bound in (
            (Fraction(1, 2), estimate.remaining_estimate),
            (1 - Fraction(confidence), estimate.remaining_upper),
        ):
            at_bound = _exact_probability(labels, unscreened, bound)
            assert at_bound >= level
            assert bound == unscreened or _exact_probability(labels, unscreened, bound + 1) < level
            ties += at_bound == level
    assert ties >= 2


def test_a_p_value_exactly_at_the_level_does_not_stop() -> None:
    """1 relevant then 19 irrelevant, 1 unscreened: p = 1/20 exactly, not below 5 %."""
    labels, unscreened = [True] + [False] * 19, 1
    estimate = estimate_remaining(labels, unscreened)
    assert _exact_probability(labels, unscreened, 1) == Fraction(1, 20)
    assert estimate.p_value == pytest.approx(0.05, rel=1e-9)
    assert not estimate.can_stop
    # The simulations' shortcut (bench/screening.py) decides alike, here and one record later.
    assert not can_stop(labels, unscreened)
    assert (
        can_stop([*labels, False], unscreened) == estimate_remaining([*labels, False], 1).can_stop
    )
    assert can_stop([*labels, False], unscreened)


def test_a_review_with_thousands_of_includes_is_estimated_in_seconds() -> None:
    """20,000 screened with 5,000 includes (ranked first), 100,000 unscreened: the sums took
    9 s (scipy.stats 2.5 s); the p-value is the smallest scipy tail probability."""
    from scipy.stats import hypergeom

    rng = np.random.default_rng(3)
    relevant = np.r_[np.ones(5_000, bool), np.zeros(15_000, bool)]
    labels = relevant[np.argsort(-(2.0 * relevant + rng.normal(size=relevant.size)))]
    unscreened = 100_000
    began = time.process_time()
    estimate = estimate_remaining(labels, unscreened)
    assert time.process_time() - began < 4
    missed = int(np.floor(5_000 / 0.95 - 5_000)) + 1
    sizes, seen = np.arange(1, labels.size + 1), np.cumsum(labels[::-1])
    every = hypergeom.cdf(seen, sizes + unscreened, seen + missed, sizes)
    assert estimate.p_value == pytest.approx(float(np.min(every)), rel=1e-9)
    assert 0 < estimate.remaining_estimate < estimate.remaining_upper < 1_000
