"""Agreement between two screeners: percent agreement, Cohen's kappa with its 95% CI, and PABAK.

For every stage, round and pair of reviewers, the studies both decided are cross-tabulated twice:

* ``three_way``: include / exclude / maybe, each its own category;
* ``collapsed``: maybe counted as include (a "maybe" goes forward, as an include does), so the
  table is include / exclude. This is the figure usually reported for title/abstract screening.

Formulas (``p_ij`` = share of studies rated i by reviewer A and j by reviewer B, ``n`` studies,
``k`` categories of the scale, row/column shares ``p_i.``/``p_.j``):

* observed agreement ``p_o = sum p_ii``; chance agreement ``p_e = sum p_i. * p_.i``;
* Cohen's kappa ``(p_o - p_e) / (1 - p_e)`` (Cohen 1960);
* its large-sample standard error from Fleiss, Cohen & Everitt (1969), the formula SAS PROC FREQ
  reports as ASE; the 95% CI is ``kappa +/- 1.96 * SE`` (Wald), clipped to [-1, 1];
* PABAK, the prevalence- and bias-adjusted kappa ``(k * p_o - 1) / (k - 1)`` (Byrt, Bishop &
  Carlin 1993), with ``k`` the categories of the scale (3 or 2), used or not.

Kappa is undefined when ``p_e = 1``, i.e. both reviewers put every study in one and the same
category; it is then reported as undefined (``None`` with a note), never divided by zero.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, TypeVar

from livingreview.fileio import atomic_write_text, csv_table_text, write_json
from livingreview.screening.decisions import DECISIONS, ScreeningDecision, latest_by_study

THREE_WAY: tuple[str, ...] = DECISIONS  # include, exclude, maybe
COLLAPSED: tuple[str, ...] = ("include", "exclude")
Z_95 = 1.959963984540054
ALL_ROUNDS = "all"

P = TypeVar("P")  # a reviewer pair (with its stage at title/abstract)
V = TypeVar("V")  # one item's two ratings
R = TypeVar("R")  # a pair's agreement


def collapse_maybe(decision: str) -> str:
    """A decision on the include/exclude scale: maybe goes forward like an include."""
    return "include" if decision == "maybe" else decision


@dataclass(frozen=True)
class Kappa:
    """Agreement of two raters on one table (rows: rater A, columns: rater B)."""

    categories: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]
    n: int
    observed: float | None  # p_o, share of studies both rated the same
    expected: float | None  # p_e, chance agreement
    kappa: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    pabak: float | None
    note: str = ""  # why a statistic is undefined, else ""

    @property
    def percent_agreement(self) -> float | None:
        """Observed agreement in percent."""
        return None if self.observed is None else 100.0 * self.observed

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (rounded to 6 decimals so that output files are stable)."""
        return {
            "categories": list(self.categories),
            "table": [list(row) for row in self.table],
            "n": self.n,
            "percent_agreement": _round(self.percent_agreement),
            "expected_agreement": _round(self.expected),
            "kappa": _round(self.kappa),
            "kappa_se": _round(self.se),
            "kappa_ci95": [_round(self.ci_low), _round(self.ci_high)],
            "pabak": _round(self.pabak),
            "note": self.note,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def contingency_table(
    pairs: Iterable[tuple[str, str]], categories: Sequence[str]
) -> tuple[tuple[int, ...], ...]:
    """Cross-tabulate (rating A, rating B) pairs; a rating outside ``categories`` is an error."""
    index = {name: i for i, name in enumerate(categories)}
    counts = [[0] * len(categories) for _ in categories]
    for a, b in pairs:
        for value in (a, b):
            if value not in index:
                raise ValueError(f"rating {value!r} is not one of {', '.join(categories)}")
        counts[index[a]][index[b]] += 1
    return tuple(tuple(row) for row in counts)


def kappa_from_table(table: Sequence[Sequence[int]], categories: Sequence[str]) -> Kappa:
    """Percent agreement, Cohen's kappa with SE and 95% CI, and PABAK of a square table."""
    k = len(categories)
    if k < 2 or len(table) != k or any(len(row) != k for row in table):
        raise ValueError(f"expected a {k}x{k} table with at least two categories")
    frozen = tuple(tuple(int(v) for v in row) for row in table)
    n = sum(map(sum, frozen))
    if n == 0:
        return Kappa(tuple(categories), frozen, 0, *[None] * 7, note="no study rated by both")
    p = [[v / n for v in row] for row in frozen]
    rows = [sum(row) for row in p]
    cols = [sum(p[i][j] for i in range(k)) for j in range(k)]
    observed = sum(p[i][i] for i in range(k))
    expected = sum(rows[i] * cols[i] for i in range(k))
    pabak = (k * observed - 1) / (k - 1)
    if math.isclose(expected, 1.0, rel_tol=0.0, abs_tol=1e-12):
        note = "kappa undefined: both reviewers put every study in the same category"
        return Kappa(tuple(categories), frozen, n, observed, expected, *[None] * 4, pabak, note)
    kappa = (observed - expected) / (1 - expected)
    se = _fleiss_cohen_everitt_se(p, rows, cols, kappa, expected, n)
    low, high = max(-1.0, kappa - Z_95 * se), min(1.0, kappa + Z_95 * se)
    return Kappa(tuple(categories), frozen, n, observed, expected, kappa, se, low, high, pabak)


def _fleiss_cohen_everitt_se(
    p: Sequence[Sequence[float]],
    rows: Sequence[float],
    cols: Sequence[float],
    kappa: float,
    expected: float,
    n: int,
) -> float:
    """Large-sample standard error of kappa (Fleiss, Cohen & Everitt 1969)."""
    k = len(p)
    diagonal = sum(p[i][i] * (1 - (rows[i] + cols[i]) * (1 - kappa)) ** 2 for i in range(k))
    off = (
        sum(p[i][j] * (cols[i] + rows[j]) ** 2 for i in range(k) for j in range(k) if i != j)
        * (1 - kappa) ** 2
    )
    correction = (kappa - expected * (1 - kappa)) ** 2
    variance = (diagonal + off - correction) / (n * (1 - expected) ** 2)
    return math.sqrt(max(variance, 0.0))  # rounding can leave -1e-17 at perfect agreement


def kappa_from_pairs(pairs: Iterable[tuple[str, str]], categories: Sequence[str]) -> Kappa:
    """:func:`kappa_from_table` of the cross-tabulated pairs."""
    return kappa_from_table(contingency_table(pairs, categories), categories)


@dataclass(frozen=True)
class PairAgreement:
    """Agreement of two reviewers on the studies both screened in one stage and round."""

    stage: str
    round: int | str  # a round number, or ALL_ROUNDS
    reviewer_a: str
    reviewer_b: str
    three_way: Kappa  # include / exclude / maybe
    collapsed: Kappa  # maybe counted as include

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "stage": self.stage,
            "round": self.round,
            "reviewer_a": self.reviewer_a,
            "reviewer_b": self.reviewer_b,
            "three_way": self.three_way.as_dict(),
            "maybe_as_include": self.collapsed.as_dict(),
        }


def pair_agreement_from_ratings(
    stage: str,
    round_: int | str,
    reviewer_a: str,
    reviewer_b: str,
    ratings: Sequence[tuple[str, str]],
) -> PairAgreement:
    """Both tables and statistics of one pair, from (decision A, decision B) per study."""
    collapsed = [(collapse_maybe(a), collapse_maybe(b)) for a, b in ratings]
    return PairAgreement(
        stage,
        round_,
        reviewer_a,
        reviewer_b,
        kappa_from_pairs(ratings, THREE_WAY),
        kappa_from_pairs(collapsed, COLLAPSED),
    )


def paired_ratings(
    decisions: Iterable[ScreeningDecision],
) -> dict[tuple[str, int, str, str], list[tuple[str, str, str]]]:
    """(stage, round, reviewer A, reviewer B) -> [(study, decision A, decision B)], A < B.

    Uses each reviewer's latest decision per study (:func:`latest_by_study`), in the round of
    the later of the two (a study of an earlier round one of them decided on a later sheet).
    """
    pairs: dict[tuple[str, int, str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for (stage, study), votes in sorted(latest_by_study(list(decisions)).items()):
        for a, b in combinations(sorted(votes), 2):
            round_ = max(votes[a].round, votes[b].round)
            pairs[(stage, round_, a, b)].append((study, votes[a].decision, votes[b].decision))
    return dict(sorted(pairs.items()))


def agreement(decisions: Iterable[ScreeningDecision]) -> list[PairAgreement]:
    """Agreement per stage, round and reviewer pair, plus every pair over all rounds.

    The all-rounds entry (``round == ALL_ROUNDS``) is given when a pair screened together in
    more than one round.
    """
    per_round = (
        ((stage, a, b), round_, [(da, db) for _, da, db in rows])
        for (stage, round_, a, b), rows in sorted(paired_ratings(decisions).items())
    )
    return with_all_rounds(
        per_round,
        lambda pair, round_, ratings: pair_agreement_from_ratings(
            pair[0], round_, pair[1], pair[2], ratings
        ),
    )


def with_all_rounds(
    per_round: Iterable[tuple[P, int, list[V]]],
    measure: Callable[[P, int | str, list[V]], R],
) -> list[R]:
    """``measure`` of each (pair, round, ratings) in order, then of each pair over all its
    rounds together (``ALL_ROUNDS``, pairs sorted) when it rated in more than one round."""
    results = []
    pooled: dict[P, list[V]] = defaultdict(list)
    rounds_of: Counter[P] = Counter()
    for pair, round_, ratings in per_round:
        results.append(measure(pair, round_, ratings))
        pooled[pair].extend(ratings)
        rounds_of[pair] += 1
    results.extend(
        measure(pair, ALL_ROUNDS, ratings)
        for pair, ratings in sorted(pooled.items())
        if rounds_of[pair] > 1
    )
    return results


AGREEMENT_COLUMNS = (
    "stage",
    "round",
    "reviewer_a",
    "reviewer_b",
    "scale",
    "n",
    "percent_agreement",
    "kappa",
    "kappa_se",
    "kappa_ci95_low",
    "kappa_ci95_high",
    "pabak",
    "table",
    "note",
    "as_of",  # an earlier round's row: "as published in <version>" / "revised since <version>"
)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def agreement_rows(results: Sequence[PairAgreement]) -> list[dict[str, str]]:
    """One CSV row per pair, round and scale (``include/exclude/maybe`` and ``maybe=include``)."""
    rows = []
    for item in results:
        scales = (("include/exclude/maybe", item.three_way), ("maybe=include", item.collapsed))
        for scale, stats in scales:
            pair = (item.stage, item.round, item.reviewer_a, item.reviewer_b)
            rows.append(kappa_row(pair, scale, stats))
    return rows


def kappa_row(pair: tuple[str, int | str, str, str], scale: str, stats: Kappa) -> dict[str, str]:
    """The CSV row (:data:`AGREEMENT_COLUMNS`) of one (stage, round, reviewer A, reviewer B)
    on one scale."""
    stage, round_, reviewer_a, reviewer_b = pair
    return {
        "stage": stage,
        "round": str(round_),
        "reviewer_a": reviewer_a,
        "reviewer_b": reviewer_b,
        "scale": scale,
        "n": str(stats.n),
        "percent_agreement": _number(stats.percent_agreement),
        "kappa": _number(stats.kappa),
        "kappa_se": _number(stats.se),
        "kappa_ci95_low": _number(stats.ci_low),
        "kappa_ci95_high": _number(stats.ci_high),
        "pabak": _number(stats.pabak),
        "table": table_text(stats),
        "note": stats.note,
        "as_of": "",
    }


def table_text(stats: Kappa) -> str:
    """The table on one line, rows = reviewer A: ``include: 5 1 0 | exclude: ...``."""
    return " | ".join(
        f"{name}: {' '.join(str(v) for v in row)}"
        for name, row in zip(stats.categories, stats.table, strict=True)
    )


def write_agreement(
    csv_path: Path, json_path: Path, results: Sequence[PairAgreement], extra: Mapping[str, Any]
) -> None:
    """Write the agreement table (CSV) and the full results (JSON, with ``extra`` keys)."""
    pairs = [item.as_dict() for item in results]
    write_agreement_rows(csv_path, json_path, agreement_rows(results), {**extra, "pairs": pairs})


def write_agreement_rows(
    csv_path: Path, json_path: Path, rows: Sequence[Mapping[str, str]], data: Mapping[str, Any]
) -> None:
    """Write ``rows`` (:data:`AGREEMENT_COLUMNS`) as CSV and ``data`` as JSON."""
    table = ([row.get(c, "") for c in AGREEMENT_COLUMNS] for row in rows)
    atomic_write_text(csv_path, csv_table_text(AGREEMENT_COLUMNS, table))
    write_json(json_path, data)
