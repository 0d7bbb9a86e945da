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


def _verdict(ids: np.ndarray, i: int, j: int, outcome: str, score: float, reason: str):
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
    df = frame.reindex(columns=list(ENGINE_COLUMNS), fill_value="").fillna("").astype(str)
    df["ID"] = df["ID"].str.strip()
    df = df.sort_values("ID", kind="stable").reset_index(drop=True)
    ids = df["ID"].to_numpy()
    position = {str(v): k for k, v in enumerate(ids)}

    bar = tqdm(total=4, desc="dedup", unit="step", disable=not progress, leave=False)
    bar.set_postfix_str("normalising")
    norm = normalise_frame(df) if normalised is None else _aligned(normalised, df)
    bar.update()
    bar.set_postfix_str("blocking")
    pairs = candidate_pairs(norm) if candidates is None else candidates
    if within is not None:
        inside = np.fromiter((str(v) in within for v in ids), dtype=bool, count=len(ids))
        pairs = pairs[inside[pairs[:, 0]] & inside[pairs[:, 1]]]
    decided = [
        (min(position[a], position[b]), max(position[a], position[b]))
        for a, b in decisions
        if a in position and b in position and a != b
    ]
    if decided:
        pairs = np.unique(np.vstack([pairs, np.array(decided, dtype=np.int64)]), axis=0)
    bar.update()
    bar.set_postfix_str(f"comparing {len(pairs):,} pairs")
    judged = judge(compare(norm, pairs), policy)
    bar.update()
    bar.set_postfix_str("clustering")

    pi, pj = judged["i"].to_numpy(), judged["j"].to_numpy()
    outcome = judged["outcome"].to_numpy().copy()
    reason = judged["reason"].to_numpy().copy()
    score = judged["score"].to_numpy()
    guard = judged["guard"].to_numpy()
    t_sim = judged["t_sim"].to_numpy()
    doi_eq = judged["doi_eq"].to_numpy()
    decided_mask = np.zeros(len(judged), dtype=bool)
    if decided:
        key = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(pi, pj, strict=True))}
        for (a, b), answer in sorted(decisions.items()):
            if a not in position or b not in position or a == b:
                continue
            k = key[(min(position[a], position[b]), max(position[a], position[b]))]
            outcome[k] = answer
            reason[k] = f"decision: {answer}"
            decided_mask[k] = True

    groups = Groups(
        len(df),
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
    bar.update()
    bar.close()

    labels = groups.labels()
    smallest: dict[int, str] = {}
    for k, root in enumerate(labels):  # ids are sorted: the first member is the smallest
        smallest.setdefault(root, str(ids[k]))
    group_of = {str(ids[k]): smallest[labels[k]] for k in range(len(ids))}

    listed = (outcome == "duplicate") | (outcome == "maybe") | decided_mask
    listed |= guard & (outcome == "distinct") & ((t_sim >= TITLE_FAIR) | doi_eq)
    verdicts = sorted(
        _verdict(ids, int(pi[k]), int(pj[k]), outcome[k], score[k], reason[k])
        for k in np.flatnonzero(listed)
    )
    return DedupResult(
        verdicts=verdicts, groups=group_of, maybe=strongest_maybes(verdicts, group_of, decisions)
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
    df = frame.reindex(columns=list(ENGINE_COLUMNS), fill_value="").fillna("").astype(str)
    df["ID"] = df["ID"].str.strip()
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
