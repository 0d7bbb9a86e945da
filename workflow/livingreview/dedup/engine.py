"""The deduplication engine: records in, pair verdicts and duplicate groups out.

``normalise`` -> ``blocking`` (candidate pairs) -> ``matching`` (verdict per pair) -> ``clusters``
(groups that respect every cannot-link). Records are processed in ID order, so the result does not
depend on the order of the input rows.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from tqdm import tqdm

from livingreview.dedup.blocking import candidate_pairs
from livingreview.dedup.clusters import Groups
from livingreview.dedup.engine_input import check_frame, read_engine_csv
from livingreview.dedup.matching import TITLE_FAIR, Policy, compare, hard_conflict, judge
from livingreview.dedup.model import ENGINE_COLUMNS, Decisions, PairVerdict
from livingreview.dedup.normalise import normalise_frame

__all__ = [
    "DedupResult",
    "Policy",
    "find_duplicates",
    "judge_pairs",
    "read_engine_csv",
    "strongest_maybes",
]


@dataclass
class DedupResult:
    """Verdicts on candidate pairs, the group of every record, and the maybe pairs left open."""

    verdicts: list[PairVerdict] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)
    maybe: list[PairVerdict] = field(default_factory=list)


def _verdict(
    ids: np.ndarray, i: int, j: int, outcome: str, score: float, reason: str
) -> PairVerdict:
    a, b = sorted((str(ids[i]), str(ids[j])))
    return PairVerdict(a, b, outcome, float(score), reason)  # type: ignore[arg-type]


def find_duplicates(
    frame: pd.DataFrame,
    *,
    decisions: Decisions | None = None,
    policy: Policy | None = None,
    progress: bool = False,
    normalised: pd.DataFrame | None = None,
    candidates: np.ndarray | None = None,
    within: Collection[str] | None = None,
) -> DedupResult:
    """Judge candidate pairs and group the records of ``frame`` (see the module docstring).

    For an incremental run (:mod:`livingreview.dedup.incremental`): ``normalised`` is
    ``normalise_frame`` of the frame's rows sorted by ``ID`` (not computed again),
    ``candidates`` is ``candidate_pairs(normalised)`` when already computed, and ``within``
    limits the candidate pairs judged to those with both records in it (blocking still sees every
    record); records outside it are left as singletons.
    """
    policy = policy or Policy()
    decisions = decisions or {}
    check_frame(frame)
    if frame.empty:
        return DedupResult()
    decisions = {(min(a, b), max(a, b)): answer for (a, b), answer in decisions.items()}
    df = _engine_rows(frame).sort_values("ID", kind="stable").reset_index(drop=True)
    ids = df["ID"].to_numpy()
    decided = _decided_positions(decisions, {str(v): k for k, v in enumerate(ids)})
    bar = tqdm(total=4, desc="dedup", unit="step", disable=not progress, leave=False)
    bar.set_postfix_str("normalising")
    norm = normalise_frame(df) if normalised is None else _aligned(normalised, df)
    bar.update()
    bar.set_postfix_str("blocking")
    pairs = candidate_pairs(norm) if candidates is None else candidates
    pairs = _pairs_to_judge(pairs, ids, within, decided)
    bar.update()
    bar.set_postfix_str(f"comparing {len(pairs):,} pairs")
    judged = judge(compare(norm, pairs), policy)
    bar.update()
    bar.set_postfix_str("clustering")
    outcome, reason, decided_mask = _decided_outcomes(judged, decided)
    labels = _grouped(norm, policy, judged, outcome, decided_mask).labels()
    bar.update()
    bar.close()
    group_of = _group_ids(ids, labels)
    verdicts = _listed_verdicts(ids, judged, outcome, reason, decided_mask)
    return DedupResult(
        verdicts=verdicts, groups=group_of, maybe=strongest_maybes(verdicts, group_of, decisions)
    )


def _engine_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s engine columns as text (missing ones empty), IDs stripped."""
    df = frame.reindex(columns=list(ENGINE_COLUMNS), fill_value="").fillna("").astype(str)
    df["ID"] = df["ID"].str.strip()
    return df


def _decided_positions(
    decisions: Decisions, position: dict[str, int]
) -> list[tuple[int, int, str]]:
    """A person's answer on each pair of two different records of the frame, as (smaller
    position, larger position, answer), in the order of the decided pairs' IDs."""
    return [
        (min(position[a], position[b]), max(position[a], position[b]), answer)
        for (a, b), answer in sorted(decisions.items())
        if a in position and b in position and a != b
    ]


def _pairs_to_judge(
    pairs: np.ndarray,
    ids: np.ndarray,
    within: Collection[str] | None,
    decided: list[tuple[int, int, str]],
) -> np.ndarray:
    """The candidate ``pairs`` with both records ``within`` (when given), and the decided pairs
    (judged too, so that their verdicts are listed)."""
    if within is not None:
        inside = np.fromiter((str(v) in within for v in ids), dtype=bool, count=len(ids))
        pairs = pairs[inside[pairs[:, 0]] & inside[pairs[:, 1]]]
    if decided:
        found = np.array([(i, j) for i, j, _ in decided], dtype=np.int64)
        pairs = np.unique(np.vstack([pairs, found]), axis=0)
    return pairs


def _decided_outcomes(
    judged: pd.DataFrame, decided: list[tuple[int, int, str]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The outcome and reason of each judged pair, a person's answer replacing the engine's
    (reason ``decision: <answer>``), and which pairs a person decided."""
    outcome = judged["outcome"].to_numpy().copy()
    reason = judged["reason"].to_numpy().copy()
    decided_mask = np.zeros(len(judged), dtype=bool)
    if decided:
        pi, pj = judged["i"].to_numpy(), judged["j"].to_numpy()
        key = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(pi, pj, strict=True))}
        for i, j, answer in decided:
            k = key[(i, j)]
            outcome[k] = answer
            reason[k] = f"decision: {answer}"
            decided_mask[k] = True
    return outcome, reason, decided_mask


def _grouped(
    norm: pd.DataFrame,
    policy: Policy,
    judged: pd.DataFrame,
    outcome: np.ndarray,
    decided_mask: np.ndarray,
) -> Groups:
    """The duplicate groups: a person's answers first (distinct: a cannot-link; duplicate: one
    group), then the engine's cannot-links, then its duplicates, strongest evidence first."""
    pi, pj = judged["i"].to_numpy(), judged["j"].to_numpy()
    score = judged["score"].to_numpy()
    groups = Groups(
        len(norm),
        list(zip(norm["source"], norm["source_id"], strict=True)),
        conflict=hard_conflict(norm, policy),
        # Pairs matched directly (duplicate or maybe, or decided by a person) are exempt from the
        # conflict check; every other pair across two groups is checked when they would merge.
        judged={
            (int(pi[k]), int(pj[k])) for k in np.flatnonzero((outcome != "distinct") | decided_mask)
        },
    )
    decided_distinct = decided_mask & (outcome == "distinct")
    groups.forbid(zip(pi[decided_distinct], pj[decided_distinct], strict=True))
    for k in np.flatnonzero(decided_mask & (outcome == "duplicate")):
        groups.union(int(pi[k]), int(pj[k]), check_sources=False)
    # A guard's "distinct", and its "maybe" for a contradiction no third record can explain
    # (see ``judge``), are cannot-links: a chain of duplicates must not join such a pair.
    engine_distinct = ~decided_mask & judged["cannot"].to_numpy()
    groups.forbid(zip(pi[engine_distinct], pj[engine_distinct], strict=True))
    dup = np.flatnonzero(~decided_mask & (outcome == "duplicate"))
    # Strongest evidence first, ties by position: deterministic and least prone to chaining.
    for k in dup[np.lexsort((pj[dup], pi[dup], -score[dup]))]:
        groups.union(int(pi[k]), int(pj[k]))
    return groups


def _group_ids(ids: np.ndarray, labels: list[int]) -> dict[str, str]:
    """Each record's group id: the smallest ID of its group (``ids`` are sorted)."""
    smallest: dict[int, str] = {}
    for k, root in enumerate(labels):  # ids are sorted: the first member is the smallest
        smallest.setdefault(root, str(ids[k]))
    return {str(ids[k]): smallest[labels[k]] for k in range(len(ids))}


def _listed_verdicts(
    ids: np.ndarray,
    judged: pd.DataFrame,
    outcome: np.ndarray,
    reason: np.ndarray,
    decided_mask: np.ndarray,
) -> list[PairVerdict]:
    """The verdicts worth listing, sorted: duplicates, maybes, a person's answers, and a guard's
    distinct on a pair with a fair title match or the same DOI."""
    pi, pj = judged["i"].to_numpy(), judged["j"].to_numpy()
    score = judged["score"].to_numpy()
    guard, t_sim = judged["guard"].to_numpy(), judged["t_sim"].to_numpy()
    listed = (outcome == "duplicate") | (outcome == "maybe") | decided_mask
    listed |= (
        guard & (outcome == "distinct") & ((t_sim >= TITLE_FAIR) | judged["doi_eq"].to_numpy())
    )
    return sorted(
        _verdict(ids, int(pi[k]), int(pj[k]), outcome[k], score[k], reason[k])
        for k in np.flatnonzero(listed)
    )


def strongest_maybes(
    verdicts: list[PairVerdict], group_of: dict[str, str], decisions: Decisions
) -> list[PairVerdict]:
    """The strongest undecided maybe pair between each two groups, sorted. Two groups a person
    has already kept apart (a pair across them decided distinct) are not asked about again
    through another pair of their records: the answer could not join them."""
    apart = {
        (min(group_of[a], group_of[b]), max(group_of[a], group_of[b]))
        for (a, b), answer in decisions.items()
        if answer == "distinct" and a in group_of and b in group_of
    }
    best: dict[tuple[str, str], PairVerdict] = {}
    for v in verdicts:
        if v.outcome != "maybe" or (v.a, v.b) in decisions:
            continue
        ga, gb = group_of[v.a], group_of[v.b]
        if ga == gb:
            continue
        pair = (min(ga, gb), max(ga, gb))
        if pair in apart:
            continue
        current = best.get(pair)
        if current is None or (-v.score, v.a, v.b) < (-current.score, current.a, current.b):
            best[pair] = v
    return sorted(best.values())


def _aligned(normalised: pd.DataFrame, df: pd.DataFrame) -> pd.DataFrame:
    """``normalised`` checked to hold the rows of ``df`` (sorted by ID) in order."""
    if len(normalised) != len(df) or list(normalised["ID"]) != list(df["ID"]):
        raise ValueError("normalised rows do not match the frame's records sorted by ID")
    return normalised.reset_index(drop=True)


def judge_pairs(
    frame: pd.DataFrame, pairs: list[tuple[str, str]], *, policy: Policy | None = None
) -> list[PairVerdict]:
    """The verdict on each given pair of IDs (no blocking, no clustering), in the given order."""
    check_frame(frame)
    df = _engine_rows(frame)
    position = {v: k for k, v in enumerate(df["ID"])}
    missing = [i for pair in pairs for i in pair if i not in position]
    if missing:
        raise KeyError(f"unknown ID {missing[0]!r}")
    if not pairs:
        return []
    index = np.array([[position[a], position[b]] for a, b in pairs], dtype=np.int64)
    judged = judge(compare(normalise_frame(df), index), policy or Policy())
    ids = df["ID"].to_numpy()
    return [
        _verdict(ids, int(r.i), int(r.j), r.outcome, r.score, r.reason)
        for r in judged.itertuples(index=False)
    ]


MAYBE_FIELDS = ("title", "author", "year", "journal", "pages")


def maybe_table(frame: pd.DataFrame, maybe: list[PairVerdict]) -> pd.DataFrame:
    """Maybe pairs side by side: ``a, b, score, reason`` and each record's main fields."""
    rows = frame.reindex(columns=list(ENGINE_COLUMNS), fill_value="").fillna("").astype(str)
    by_id = rows.assign(ID=rows["ID"].str.strip()).set_index("ID")
    columns = ["a", "b", "score", "reason"] + [
        f"{name}_{side}" for name in MAYBE_FIELDS for side in ("a", "b")
    ]
    out = []
    for v in maybe:
        row: dict[str, object] = {"a": v.a, "b": v.b, "score": v.score, "reason": v.reason}
        for name in MAYBE_FIELDS:
            row[f"{name}_a"] = by_id.at[v.a, name]
            row[f"{name}_b"] = by_id.at[v.b, name]
        out.append(row)
    return pd.DataFrame(out, columns=columns)
