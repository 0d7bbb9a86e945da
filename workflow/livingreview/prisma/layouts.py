"""The living-review views of a series of rounds (Kahale et al. 2022; livingPRISMAflow):

1. ``each``: base review and each update separately (one value column per round);
2. ``combined``: base review and all updates combined (one column);
3. ``base_updates``: base review separately, updates combined (two columns);
4. ``previous_latest``: all previous rounds combined, latest update separately (two columns).

``auto`` keeps the columns as given. New and updated review templates follow from the data: the
previous-studies column is drawn when previous studies are given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from livingreview.errors import LivingReviewError

if TYPE_CHECKING:  # the ledger's modules load when a view is drawn, not with the CLI's choices
    from livingreview.prisma.checks import Violation
    from livingreview.prisma.ledger import Column

LAYOUTS = {
    "auto": "As given",
    "each": "Approach 1: Base review and each update separately",
    "combined": "Approach 2: Base review and updates combined",
    "base_updates": "Approach 3: Base review separately and combined updates",
    "previous_latest": "Approach 4: Previous versions combined, latest update separately",
}
LIVING_LAYOUTS = ("each", "combined", "base_updates", "previous_latest")


# What the two-column layouts draw of a single round (a first version, or a one-column file).
ONE_ROUND = {
    "base_updates": "the base review, with no update to combine",
    "previous_latest": "the latest version, with no previous version to combine",
}


def one_round_note(rounds: Sequence[Column], layout: str) -> str:
    """The note under a two-column layout of one round, which draws that round as it is ('' for
    other layouts and several rounds)."""
    if layout not in ONE_ROUND or len(rounds) != 1:
        return ""
    return f"{LAYOUTS[layout]}, of one round ({rounds[0].label}): drawn as {ONE_ROUND[layout]}."


def _span(columns: Sequence[Column]) -> str:
    if len(columns) == 1:
        return columns[0].label
    return f"{columns[0].label}–{columns[-1].label}"


def _named(prefix: str, columns: Sequence[Column]) -> str:
    """``prefix`` and the span of ``columns``; a lone column already so named (a file of this
    layout drawn again in it) keeps its name."""
    if len(columns) == 1 and columns[0].label.startswith(prefix):
        return columns[0].label
    return f"{prefix}{_span(columns)}"


def view(columns: Sequence[Column], layout: str) -> list[Column]:
    """The columns one layout draws for consecutive rounds ``columns`` (oldest first)."""
    if layout not in LAYOUTS:
        raise LivingReviewError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    if not columns:
        raise LivingReviewError("no rounds to draw")
    from livingreview.prisma.ledger import combine

    rounds = list(columns)
    if layout in ("auto", "each") or len(rounds) == 1:
        return rounds
    if layout == "combined":
        return [combine(rounds, f"{_span(rounds)} combined")]
    if layout == "base_updates":
        rest = rounds[1:]
        return [rounds[0], combine(rest, _named("Updates ", rest))]
    before = rounds[:-1]
    return [combine(before, _named("Previous ", before)), rounds[-1]]


def view_violations(rounds: Sequence[Column], columns: Sequence[Column]) -> list[Violation]:
    """Check columns that claim to combine ``rounds`` (a livingPRISMAflow approach 2, 3 or 4
    file beside its approach 1 rounds) box by box against the layout they fit best."""
    from dataclasses import replace

    from livingreview.prisma.checks import cumulative_violations

    candidates = [layout for layout in LIVING_LAYOUTS if len(view(rounds, layout)) == len(columns)]
    if not candidates:
        raise LivingReviewError(
            f"{len(columns)} column(s) cannot be a living layout of {len(rounds)} round(s)"
        )
    found: list[list[Violation]] = []
    for layout in candidates:
        expected = view(rounds, layout)
        found.append(
            [
                replace(v, column=given.label)
                for want, given in zip(expected, columns, strict=True)
                for v in cumulative_violations([want], given)
            ]
        )
    return min(found, key=len)
