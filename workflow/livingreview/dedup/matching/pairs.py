"""Candidate pairs as row positions into the normalised frame, and vectorised field helpers."""

from __future__ import annotations

import re
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

    def scripts_apart(self, name: str) -> np.ndarray:
        """Where one record's text column ``name`` is written in another script only and the
        other's in Latin letters: one in its language and one translated (a Russian title and
        the English one), which cannot be compared; as before 2026-12-05, when folding kept
        only Latin letters, the field is as if missing for that pair."""
        other = other_script(self.n[name].to_numpy())
        return other[self.i] != other[self.j]


#: A Latin letter or digit of a normalised field (folding leaves Latin letters ASCII).
_LATIN = re.compile("[a-z0-9]")


def in_other_script(value: str) -> bool:
    """Whether a normalised text field has words, none with a Latin letter or digit: written in
    another script only (a Chinese or Russian title, author or journal)."""
    return bool(value) and not _LATIN.search(value)


def other_script(values: np.ndarray) -> np.ndarray:
    """:func:`in_other_script` of each value."""
    return np.fromiter(map(in_other_script, values), bool, len(values))


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
