"""Candidate pairs as row positions into the normalised frame, and vectorised field helpers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import process


@dataclass(frozen=True)
class Pairs:
    """The normalised records ``n`` and the row positions ``i``, ``j`` of each candidate pair."""

    n: pd.DataFrame
    i: np.ndarray
    j: np.ndarray

    def __len__(self) -> int:
        return len(self.i)

    def col(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Column ``name`` of the first and of the second record of each pair."""
        values = self.n[name].to_numpy()
        return values[self.i], values[self.j]


def cpdist(a: list[str], b: list[str], scorer: object) -> np.ndarray:
    """The 0..1 similarity of ``a[k]`` and ``b[k]`` for each k under a rapidfuzz scorer."""
    if not a:
        return np.zeros(0)
    return process.cpdist(a, b, scorer=scorer, workers=-1, dtype=np.int32) / 100.0


def agree(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(equal, conflict) for string fields where empty means unknown."""
    both = (a != "") & (b != "")
    return both & (a == b), both & (a != b)


def member(values: np.ndarray, members: set[str]) -> np.ndarray:
    """``values[k] in members`` for each k (a set lookup; ``np.isin`` sorts object arrays)."""
    return np.fromiter((v in members for v in values), dtype=bool, count=len(values))
