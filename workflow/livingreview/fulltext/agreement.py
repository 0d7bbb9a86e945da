"""Agreement between two reviewers at full text, from what they returned before any conflict
was settled (PRISMA 2020 item 8; Cochrane Handbook ch. 4).

For each pair of reviewers, the reports both assessed (each reviewer's latest row on it that
decides include or exclude; a report one of them could not retrieve is not counted) are
cross-tabulated on two scales, with the statistics and conventions of the title/abstract
agreement (:mod:`livingreview.screening.agreement`: percent agreement, Cohen's kappa with its
Fleiss-Cohen-Everitt 95% CI, PABAK, kappa undefined when every report is in one category):

* ``include/exclude``: the decision;
* ``exclusion reason``: include, or the primary exclusion reason (the protocol's full-text
  reasons, each a category, used or not; a reason no longer in the protocol is one more).
  Two exclusions for different reasons are a conflict at full text, so this is the scale the
  conflicts follow.

A report counts in the round it was sought (the round its study was included at title/abstract
or found by other methods); a pair that assessed reports of more than one round also gets the
rounds together (``round`` ``all``), as at title/abstract.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from livingreview.screening.agreement import (
    Kappa,
    kappa_from_pairs,
    kappa_row,
    with_all_rounds,
    write_agreement_rows,
)
from livingreview.screening.published_agreement import marked_pairs, with_published

STAGE = "full_text"
DECISIONS = ("include", "exclude")
SCALES = ("include/exclude", "exclusion reason")

Vote = tuple[str, str]  # (decision, reason): reason "" for an include


@dataclass(frozen=True)
class FullTextPair:
    """Agreement of two reviewers on the reports both assessed in one round (or all)."""

    round: int | str
    reviewer_a: str
    reviewer_b: str
    decision: Kappa  # include / exclude
    reason: Kappa  # include, or the exclusion reason

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "stage": STAGE,
            "round": self.round,
            "reviewer_a": self.reviewer_a,
            "reviewer_b": self.reviewer_b,
            "include_exclude": self.decision.as_dict(),
            "exclusion_reason": self.reason.as_dict(),
        }

    def rows(self) -> list[dict[str, str]]:
        """Its CSV rows, one per scale."""
        pair = (STAGE, self.round, self.reviewer_a, self.reviewer_b)
        stats = (self.decision, self.reason)
        return [kappa_row(pair, scale, s) for scale, s in zip(SCALES, stats, strict=True)]


def assessed_votes(
    rows: Mapping[tuple[str, str], Mapping[str, str]],
) -> dict[str, dict[str, Vote]]:
    """Report -> reviewer -> (decision, reason) of the reviewer's latest row that assessed it."""
    votes: dict[str, dict[str, Vote]] = defaultdict(dict)
    for (reviewer, report), cells in rows.items():
        decision = cells.get("decision", "")
        if decision in DECISIONS:
            reason = cells.get("reason", "") if decision == "exclude" else ""
            votes[report][reviewer] = (decision, reason)
    return votes


def paired_votes(
    sought: Mapping[str, int], rows: Mapping[tuple[str, str], Mapping[str, str]]
) -> dict[tuple[int, str, str], list[tuple[Vote, Vote]]]:
    """(round, reviewer A, reviewer B) -> the votes of both on each report sought, A < B."""
    pairs: dict[tuple[int, str, str], list[tuple[Vote, Vote]]] = defaultdict(list)
    for report, people in sorted(assessed_votes(rows).items()):
        if report not in sought:
            continue
        for a, b in combinations(sorted(people), 2):
            pairs[(sought[report], a, b)].append((people[a], people[b]))
    return dict(sorted(pairs.items()))


def _reason_category(vote: Vote) -> str:
    return "include" if vote[0] == "include" else vote[1] or "exclude"


def pair_agreement(
    round_: int | str, a: str, b: str, votes: Sequence[tuple[Vote, Vote]], reasons: Sequence[str]
) -> FullTextPair:
    """Both scales' tables and statistics of one pair (``reasons``: the protocol's ids)."""
    decided = [(va[0], vb[0]) for va, vb in votes]
    by_reason = [(_reason_category(va), _reason_category(vb)) for va, vb in votes]
    seen = {value for pair in by_reason for value in pair} - {"include", *reasons}
    categories = ("include", *reasons, *sorted(seen))
    return FullTextPair(
        round_, a, b, kappa_from_pairs(decided, DECISIONS), kappa_from_pairs(by_reason, categories)
    )


def fulltext_agreement(
    sought: Mapping[str, int],
    rows: Mapping[tuple[str, str], Mapping[str, str]],
    reasons: Sequence[str],
) -> list[FullTextPair]:
    """Agreement per round and reviewer pair, plus every pair over all rounds when it
    assessed reports of more than one round."""
    per_round = (
        ((a, b), round_, votes) for (round_, a, b), votes in paired_votes(sought, rows).items()
    )
    return with_all_rounds(
        per_round, lambda pair, round_, votes: pair_agreement(round_, *pair, votes, reasons)
    )


def write_fulltext_agreement(
    csv_path: Path,
    json_path: Path,
    results: Sequence[FullTextPair],
    extra: Mapping[str, Any],
    kept: Mapping[str, tuple[str, Sequence[Mapping[str, str]]]] | None = None,
) -> None:
    """Write ``fulltext/agreement.csv`` (the columns of ``screening/agreement.csv``) and
    ``fulltext/agreement.json``; an earlier round's rows as its version published them
    (``kept``, :func:`livingreview.screening.published_agreement.published`)."""
    rows, changed = with_published([row for item in results for row in item.rows()], kept or {})
    pairs = marked_pairs([item.as_dict() for item in results], rows)
    data = {**extra, "pairs": pairs, "as_published": changed}
    write_agreement_rows(csv_path, json_path, rows, data)
