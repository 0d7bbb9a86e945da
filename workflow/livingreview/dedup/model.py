"""The contract between the deduplication engine and the living-review library.

Engine input is a :class:`pandas.DataFrame` with these columns (all strings; missing columns are
allowed and treated as empty), one row per record:

``ID`` (unique record id), ``ENTRYTYPE``, ``author`` (``"; "``-joined or as exported, e.g.
concatenated ``"Adeli K.Lewis G. F."``), ``year``, ``title``, ``journal``, ``volume``, ``number``
(issue), ``pages``, ``abstract``, ``doi``, ``isbn``, and optionally ``source`` (which database
or search the record came from) and ``source_id`` (that database's own id).

Engine output is a list of :class:`PairVerdict` for every candidate pair judged ``duplicate`` or
``maybe`` (pairs judged ``distinct`` may be listed when a non-duplicate guard fired, for audit),
and a mapping ``ID -> group id`` covering every input row (singletons get their own group).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Outcome = Literal["duplicate", "maybe", "distinct"]

ENGINE_COLUMNS = (
    "ID",
    "ENTRYTYPE",
    "author",
    "year",
    "title",
    "journal",
    "volume",
    "number",
    "pages",
    "abstract",
    "doi",
    "isbn",
    "source",
    "source_id",
)


@dataclass(frozen=True, order=True)
class PairVerdict:
    """The engine's judgement on one candidate pair (``a < b`` as strings)."""

    a: str
    b: str
    outcome: Outcome
    score: float  # 0..1 similarity behind the judgement
    reason: str  # short, human-readable: "same DOI and title", "pages differ (12-19 vs 112)", ...


Decisions = dict[tuple[str, str], Literal["duplicate", "distinct"]]
"""A person's decisions on maybe pairs, keyed ``(a, b)`` with ``a < b``; they beat the engine."""
