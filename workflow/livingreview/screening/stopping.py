"""How many relevant records are likely still unscreened: a statistical stopping criterion.

The estimate follows the hypothesis test of Callaghan and Müller-Hansen, "Statistical stopping
criteria for automated screening in systematic reviews", Systematic Reviews 9:273 (2020),
doi:10.1186/s13643-020-01521-4.

Method. Take the last ``n`` screened records together with all ``U`` unscreened ones as one
urn, and treat those last ``n`` as if they had been drawn at random from that urn. If ``m``
relevant records were still unscreened, the urn would hold ``k_n + m`` relevant ones (``k_n`` =
relevant among the last ``n``), and the chance of seeing at most ``k_n`` relevant in a random
draw of ``n`` is the hypergeometric ``P(X <= k_n)``. As in the authors' reference implementation
(buscarpy), the test uses the smallest of these probabilities over every ``n`` from 1 to all
screened records; it shrinks as ``m`` grows. From it:

* ``remaining_upper``: the largest ``m`` not rejected at the chosen confidence (default 95 %),
  i.e. an upper confidence bound on the relevant records still unscreened;
* ``remaining_estimate``: the largest ``m`` with probability at least 1/2 (a median-type point
  estimate);
* ``p_value`` for the null hypothesis "recall is below the target" (default 95 %): ``m`` at the
  smallest count of missed records that would make recall fall below the target. Screening may
  stop when ``p_value < 1 - confidence``.

Assumption: the unscreened records are no more likely to be relevant than the recently screened
ones were. With prioritised screening the ranker puts likely relevant records first, so the
unscreened ones are in fact less likely to be relevant and the bound is conservative; it does
not hold when the unscreened records differ in kind (e.g. a new search added unranked records;
rank them first). The count of consecutive irrelevant records at the end is reported alongside,
for reference only: a fixed rule such as "stop after N consecutive irrelevant" has no
statistical guarantee.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["RemainingEstimate", "can_stop", "estimate_remaining", "recall_below_target_p"]


@dataclass(frozen=True)
class RemainingEstimate:
    """The stopping numbers a report can show after some records have been screened."""

    screened: int
    unscreened: int
    relevant_found: int
    consecutive_irrelevant: int
    remaining_estimate: int
    remaining_upper: int
    recall_lower: float | None
    recall_target: float
    confidence: float
    p_value: float

    @property
    def can_stop(self) -> bool:
        """True when "recall is below the target" is rejected at the confidence level."""
        return _below(self.p_value, 1 - self.confidence)


def estimate_remaining(
    screened_labels: Sequence[bool],
    unscreened: int,
    *,
    recall_target: float = 0.95,
    confidence: float = 0.95,
) -> RemainingEstimate:
    """Estimate the relevant records among ``unscreened`` from labels in screening order.

    ``screened_labels`` are the decisions (True = relevant/included) in the order the records
    were screened after ranking, oldest first.
    """
    if not 0 < recall_target < 1 or not 0 < confidence < 1:
        raise ValueError("recall_target and confidence must lie strictly between 0 and 1")
    if unscreened < 0:
        raise ValueError("unscreened cannot be negative")
    labels = np.asarray(screened_labels, dtype=bool)
    found = int(labels.sum())
    tail = _TailUrns(labels, unscreened)
    upper = tail.largest_missed(1 - confidence)
    total = found + upper
    return RemainingEstimate(
        screened=int(labels.size),
        unscreened=unscreened,
        relevant_found=found,
        consecutive_irrelevant=_consecutive_irrelevant(labels),
        remaining_estimate=tail.largest_missed(0.5),
        remaining_upper=upper,
        recall_lower=found / total if total else None,
        recall_target=recall_target,
        confidence=confidence,
        p_value=tail.probability(_missed_at_target(found, recall_target)),
    )


def recall_below_target_p(
    screened_labels: Sequence[bool], unscreened: int, *, recall_target: float = 0.95
) -> float:
    """p-value of "recall is below ``recall_target``" (cheaper than :func:`estimate_remaining`)."""
    labels = np.asarray(screened_labels, dtype=bool)
    missed = _missed_at_target(int(labels.sum()), recall_target)
    return _TailUrns(labels, unscreened).probability(missed)


def can_stop(
    screened_labels: Sequence[bool],
    unscreened: int,
    *,
    recall_target: float = 0.95,
    confidence: float = 0.95,
) -> bool:
    """:attr:`RemainingEstimate.can_stop` without the rest of the estimate (for simulations)."""
    p_value = recall_below_target_p(screened_labels, unscreened, recall_target=recall_target)
    return _below(p_value, 1 - confidence)


def _missed_at_target(found: int, recall_target: float) -> int:
    """The fewest unscreened relevant records that would put recall below the target."""
    return int(np.floor(found / recall_target - found)) + 1


class _TailUrns:
    """The last n screened records (n = 1..all) each pooled with the unscreened ones."""

    def __init__(self, labels: np.ndarray, unscreened: int) -> None:
        reversed_labels = labels[::-1]
        sizes = np.arange(1, labels.size + 1)
        relevant = np.cumsum(reversed_labels)
        # Of the tails holding the same number of relevant records, the longest gives the
        # smallest probability (one more irrelevant record in the urn makes "so few seen"
        # less likely), so only the longest of each is kept: the minimum is unchanged and a
        # few dozen tails are computed instead of thousands.
        longest = np.append(reversed_labels[1:], True) if labels.size else labels
        self.sizes = sizes[longest]
        self.relevant = relevant[longest]
        self.unscreened = unscreened
        self._log_factorial = _log_factorials(labels.size + unscreened)

    def probability(self, missed: int) -> float:
        """Smallest chance over the tails of seeing so few relevant if ``missed`` remain."""
        if self.sizes.size == 0 or missed <= 0:
            return 1.0
        if missed > self.unscreened:
            return 0.0
        p = _hypergeom_cdf(
            self._log_factorial,
            self.relevant,
            self.sizes + self.unscreened,
            self.relevant + missed,
            self.sizes,
        )
        return float(np.min(p))

    def largest_missed(self, alpha: float) -> int:
        """The largest number of unscreened relevant records whose probability is >= alpha."""
        low, high = 0, self.unscreened
        if not _below(self.probability(high), alpha):
            return high
        while high - low > 1:  # invariant: probability(low) >= alpha > probability(high)
            middle = (low + high) // 2
            if not _below(self.probability(middle), alpha):
                low = middle
            else:
                high = middle
        return low


def _below(probability: float, level: float) -> bool:
    """``probability < level``, where a probability within the sums' rounding (relative 1e-8)
    of the level counts as equal: exact ties such as 1/2 or 1/20 are common in small urns."""
    return probability < level * (1 - 1e-8)


def _log_factorials(largest: int) -> np.ndarray:
    """``log(i!)`` for i = 0..largest, each from its own log-gamma (no accumulated rounding)."""
    return np.array([math.lgamma(i + 1) for i in range(largest + 1)])


def _hypergeom_cdf(
    log_factorial: np.ndarray,
    seen: np.ndarray,
    population: np.ndarray,
    successes: np.ndarray,
    draws: np.ndarray,
) -> np.ndarray:
    """``P(X <= seen)`` for hypergeometric X, element-wise, from log-factorials (relative error
    about 1e-10; scipy.stats gives the same numbers but takes about a second to import).

    Below the mode the terms up to ``seen`` are summed; from the mode on, 1 minus the terms
    above ``seen``. The mass is log-concave, so the terms fall away from ``seen`` at least as
    fast as the ratio of its first two, and within 12 standard deviations plus 40 of the mode
    it is negligible: terms are summed only until the rest add less than 1e-17.
    """
    failures = population - successes
    lowest = np.maximum(0, draws - failures)
    highest = np.minimum(draws, successes)
    mode = (draws + 1) * (successes + 1) // (population + 2)
    share = successes / np.maximum(population, 1)
    spread = draws * share * (1 - share) * (population - draws) / np.maximum(population - 1, 1)
    reach = np.ceil(12 * np.sqrt(spread)).astype(np.int64) + 40
    above = seen >= mode
    # the ratio of the second term summed to the first: p(k-1)/p(k) below, p(k+1)/p(k) above
    k = seen.astype(float)
    down = k * (failures - draws + k) / np.maximum((successes - k + 1) * (draws - k + 1), 1)
    up = (successes - k) * (draws - k) / np.maximum((k + 1) * (failures - draws + k + 1), 1)
    ratio = np.clip(np.where(above, up, down), 1e-300, 1 - 1e-12)
    needed = np.ceil((_NEGLIGIBLE + np.log1p(-ratio)) / np.log(ratio))
    terms = np.minimum(needed, reach).astype(np.int64)
    start = np.where(above, seen + 1, np.maximum(lowest, seen - terms))
    stop = np.where(above, np.minimum(highest, np.minimum(mode + reach, seen + terms)), seen)
    mass = np.zeros(seen.shape)
    width = np.maximum(stop - start + 1, 0)
    size_class = _width_class(width)
    for size in np.unique(size_class[width > 0]):
        rows = np.flatnonzero((size_class == size) & (width > 0))
        step = max(1, _BLOCK_CELLS // int(size))
        for first in range(0, rows.size, step):
            block = rows[first : first + step]
            mass[block] = _mass_between(
                log_factorial,
                start[block],
                stop[block],
                successes[block],
                failures[block],
                draws[block],
                int(size),
            )
    return np.clip(np.where(above, 1.0 - mass, mass), 0.0, 1.0)


def _width_class(width: np.ndarray) -> np.ndarray:
    """The next power of two at or above each width: rows of one class are summed together."""
    return np.left_shift(1, np.ceil(np.log2(np.maximum(width, 1))).astype(np.int64))


_NEGLIGIBLE = math.log(1e-17)
_BLOCK_CELLS = 1 << 20


def _mass_between(
    lf: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    successes: np.ndarray,
    failures: np.ndarray,
    draws: np.ndarray,
    width: int,
) -> np.ndarray:
    """Hypergeometric mass of the counts ``start..stop`` of each row (0 where stop < start)."""
    count = start[:, None] + np.arange(width)
    inside = count <= stop[:, None]
    count = np.minimum(count, np.maximum(stop, start)[:, None])  # in range where masked
    population = successes + failures
    log_total = lf[population] - lf[draws] - lf[population - draws]
    log_mass = (
        lf[successes][:, None]
        - lf[count]
        - lf[successes[:, None] - count]
        + lf[failures][:, None]
        - lf[draws[:, None] - count]
        - lf[failures[:, None] - draws[:, None] + count]
        - log_total[:, None]
    )
    return np.where(inside, np.exp(log_mass), 0.0).sum(axis=1)


def _consecutive_irrelevant(labels: np.ndarray) -> int:
    relevant_positions = np.flatnonzero(labels)
    if relevant_positions.size == 0:
        return int(labels.size)
    return int(labels.size - 1 - relevant_positions[-1])
