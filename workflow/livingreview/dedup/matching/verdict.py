"""The verdict on each pair as the rules and guards leave it, and how a guard fires."""

from __future__ import annotations

import numpy as np


class Verdicts:
    """Outcome and reason of each pair, whether a guard fired, and whether firmly."""

    def __init__(self, n: int) -> None:
        self.outcome = np.full(n, "distinct", dtype=object)
        self.reason = np.full(n, "titles differ", dtype=object)
        self.guard = np.zeros(n, dtype=bool)
        # A contradiction in the item itself (a title word, the issue, the team, the kind of
        # paper) that no third record can explain; a year or journal name that differs can be
        # explained (online-first and print year, a journal's name variants) by a record matching
        # both.
        self.firm = np.zeros(n, dtype=bool)

    def fire(self, mask: np.ndarray, result: str, why: str, *, explainable: bool = False) -> None:
        """A guard: ``result`` and reason ``why`` where ``mask`` holds (a "maybe" only where the
        pair is not already distinct)."""
        outcome = self.outcome
        hit = mask & (outcome != "distinct") if result == "maybe" else mask
        outcome[hit] = result
        self.reason[hit] = why
        self.guard[hit] = True
        if not explainable:
            self.firm[hit] = True

    def duplicate(self) -> np.ndarray:
        """Pairs whose outcome is "duplicate" now."""
        return self.outcome == "duplicate"

    def cannot(self) -> np.ndarray:
        """Pairs that no chain of duplicates may join."""
        outcome, guard, firm = self.outcome, self.guard, self.firm
        # Pairs that no chain of duplicates may join: a guard made them distinct, or flagged them
        # maybe for a contradiction a third record cannot explain (a person may still join them).
        return guard & ((outcome == "distinct") | ((outcome == "maybe") & firm))
