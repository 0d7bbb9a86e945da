"""Incremental deduplication: a round's new records against the library, old pairs judged once.

The engine's grouping of a library is fixed component by component: records are only ever joined
along pairs judged ``duplicate``, and whether two groups may join depends only on pairs between
their own records. So when a round adds records, only the old **components** (records connected
by old duplicate pairs) that a new record can reach need the engine again:

1. the library's engine rows are normalised, taking each unchanged record's normalised row from
   the previous run's cache (``<outputs>/.cache/library/normalised.json``);
2. blocking runs on the whole library (cheap), and the **scope** is every new or changed record,
   every record in a candidate pair with one, both records of every decision (a person's, or a
   same-PMID link) that is new or changed, and both records of every old verdict whose pair is no
   longer a candidate; the scope is then closed over the previous round's duplicate pairs;
3. the engine judges only the candidate pairs inside the scope (still with the whole library as
   context) and groups those records; every other record keeps the group it had, and the maybe
   pairs are chosen again over the old and new verdicts.

This equals a full engine run (tests/dedup/test_incremental.py checks it on real data) as long as
normalisation is row by row and the matcher's library-wide evidence (values such as DOIs or
abstract openings shared by different works) is keyed on blocking-key values, which holds for
the engine as it is, except a source's issue numbers taken for record numbers: when the new
records change that reading for any old record, the full engine runs. It also runs when the
previous round left no engine state, or its fingerprint (the dedup policy and the engine's
source code) differs.

The previous round's state is kept in its snapshot (``engine.json``: fingerprint and decisions;
``pairs.csv``: its duplicate and maybe verdicts), so it travels with the library history.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from livingreview.dedup import blocking
from livingreview.dedup.engine import DedupResult, Policy, find_duplicates, strongest_maybes
from livingreview.dedup.frame import records_to_frame
from livingreview.dedup.model import Decisions, PairVerdict
from livingreview.dedup.normalise import issue_numbers, normalise_frame
from livingreview.errors import InputFileError
from livingreview.fileio import atomic_write_text, read_json, source_digest, write_json
from livingreview.records import Record

log = logging.getLogger("livingreview.dedup")

STATE_FILE = "engine.json"
PAIRS_FILE = "pairs.csv"
PAIR_COLUMNS = ("record_a", "record_b", "outcome", "score", "reason")
CACHE = Path(".cache") / "library" / "normalised.json"
# The modules whose code decides the engine's verdicts and groups.
ENGINE_MODULES = (
    "blocking", "clusters", "engine", "frame", "journals", "matching", "model", "normalise",
)  # fmt: skip


@dataclass
class EngineState:
    """What a round's engine run leaves for the next: fingerprint, decisions and verdicts."""

    fingerprint: dict[str, Any]
    decisions: Decisions
    verdicts: list[PairVerdict]  # duplicate and maybe only


def fingerprint(policy: Mapping[str, Any]) -> dict[str, Any]:
    """The dedup policy and a digest of the engine's source code."""
    folder = Path(__file__).parent
    engine = source_digest(folder / f"{name}.py" for name in ENGINE_MODULES)
    return {"policy": dict(sorted(policy.items())), "engine": engine[:16]}


def read_state(folder: Path) -> EngineState | None:
    """The engine state of a snapshot folder, or None when it has none (an older snapshot)."""
    state_path, pairs_path = folder / STATE_FILE, folder / PAIRS_FILE
    if not state_path.exists() or not pairs_path.exists():
        return None
    meta = read_json(state_path, "missing from the library history snapshot")
    try:
        decisions: Decisions = {(a, b): d for a, b, d in meta["decisions"]}
        found = meta["fingerprint"]
    except (KeyError, TypeError, ValueError):
        raise InputFileError(
            state_path, 'expected {"fingerprint": {...}, "decisions": [[a, b, decision], ...]}'
        ) from None
    from livingreview.dedup.rounds import read_table

    verdicts = []
    for number, row in enumerate(read_table(pairs_path, PAIR_COLUMNS), start=2):
        try:
            score = float(row["score"])
        except ValueError:
            raise InputFileError(
                pairs_path, "expected a number", position=f"row {number}", field="score"
            ) from None
        verdicts.append(
            PairVerdict(row["record_a"], row["record_b"], row["outcome"], score, row["reason"])  # type: ignore[arg-type]
        )
    return EngineState(found, decisions, verdicts)


def write_state(folder: Path, state: EngineState) -> None:
    """``engine.json`` and ``pairs.csv`` of this round's snapshot."""
    from livingreview.dedup.rounds import table_csv

    rows = (
        {"record_a": v.a, "record_b": v.b, "outcome": v.outcome, "score": repr(v.score),
         "reason": v.reason}
        for v in state.verdicts
    )  # fmt: skip
    atomic_write_text(folder / PAIRS_FILE, table_csv(rows, PAIR_COLUMNS))
    decisions = [[a, b, d] for (a, b), d in sorted(state.decisions.items())]
    write_json(folder / STATE_FILE, {"fingerprint": state.fingerprint, "decisions": decisions})


def normalised_rows(frame: pd.DataFrame, cache: Path, code: str) -> pd.DataFrame:
    """``normalise_frame`` of ``frame`` (sorted by ID), reusing the cached rows of records whose
    engine row is unchanged; the cache is rewritten with the result."""
    digest = pd.Series(pd.util.hash_pandas_object(frame, index=False).to_numpy(), index=frame["ID"])
    cached = _load_cache(cache, code)
    if cached is None:
        norm = normalise_frame(frame)
    else:
        old_digest, old_norm = cached
        known = digest.index.isin(old_digest.index)
        same = np.zeros(len(digest), dtype=bool)
        same[known] = old_digest.loc[digest.index[known]].to_numpy() == digest.to_numpy()[known]
        parts = [old_norm.loc[digest.index[same]].reset_index()]
        if not same.all():
            parts.append(normalise_frame(frame.loc[~same]))
        norm = pd.concat(parts, ignore_index=True)
        norm = norm.set_index("ID", drop=False).loc[frame["ID"]].reset_index(drop=True)
    atomic_write_text(cache, _cache_text(code, digest, norm), durable=False)
    return norm


def _cache_text(code: str, digest: pd.Series, norm: pd.DataFrame) -> str:
    """The cache as JSON (same rows, same bytes): sets as sorted lists, tuples as lists."""
    kinds, columns = {}, {}
    for name in norm.columns:
        values = norm[name].tolist()
        sample = None
        if any(issubclass(t, tuple | frozenset) for t in set(map(type, values))):
            sample = next(v for v in values if isinstance(v, tuple | frozenset))
        if isinstance(sample, frozenset):
            kinds[name], values = "frozenset", [sorted(v) for v in values]
        elif isinstance(sample, tuple):
            kinds[name], values = "tuple", [list(v) for v in values]
        columns[name] = values
    payload = {"code": code, "digest": [int(d) for d in digest], "kinds": kinds, "columns": columns}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _load_cache(cache: Path, code: str) -> tuple[pd.Series, pd.DataFrame] | None:
    """The cached digests and normalised rows (indexed by ID), or None when absent or stale."""
    try:
        payload = json.loads(cache.read_text(encoding="utf-8"))
        if payload["code"] != code:
            return None
        columns = payload["columns"]
        for name, kind in payload["kinds"].items():
            build = frozenset if kind == "frozenset" else tuple
            columns[name] = [build(v) for v in columns[name]]
        norm = pd.DataFrame(columns)
        digest = pd.Series(np.array(payload["digest"], dtype=np.uint64), index=norm["ID"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return digest, norm.set_index("ID")


def deduplicate(
    records: Iterable[Record],
    *,
    fresh: Collection[str],
    decisions: Decisions,
    policy: Mapping[str, Any],
    previous: EngineState | None,
    previous_groups: Mapping[str, str],
    cache: Path,
    progress: bool = False,
) -> tuple[DedupResult, EngineState, str]:
    """Group the library: incrementally from ``previous`` where it allows, else a full run.

    ``fresh``: records new or changed since the previous round; ``previous_groups``: record id
    -> study id after the previous round. Returns the result, the state to keep and the mode
    (``"incremental"`` or ``"full"``).
    """
    found = fingerprint(policy)
    frame = records_to_frame(records).reset_index(drop=True)
    norm = normalised_rows(frame, cache, found["engine"])
    engine_policy = Policy(**policy)
    run = dict(decisions=decisions, policy=engine_policy, progress=progress, normalised=norm)
    if previous is None or previous.fingerprint != found:
        why = "no engine state" if previous is None else "the engine or its policy changed"
        log.info("dedup: full run (%s)", why)
        result = find_duplicates(frame, **run)  # type: ignore[arg-type]
        return result, _state(found, decisions, result.verdicts), "full"

    ids = frame["ID"].to_numpy()
    is_fresh = np.fromiter((str(v) in fresh for v in ids), dtype=bool, count=len(ids))
    if _sources_evidence_changed(norm, is_fresh):
        log.info("dedup: full run (a source's issue numbers read differently with the new records)")
        result = find_duplicates(frame, **run)  # type: ignore[arg-type]
        return result, _state(found, decisions, result.verdicts), "full"
    pairs = blocking.candidate_pairs(norm)
    scope = _scope(ids, pairs, set(fresh), decisions, previous)
    result = find_duplicates(frame, candidates=pairs, within=scope, **run)  # type: ignore[arg-type]
    label = _labels(previous_groups)
    groups = {
        rid: result.groups[rid] if rid in scope else label.get(previous_groups.get(rid, ""), rid)
        for rid in map(str, ids)
    }
    kept = [v for v in previous.verdicts if not (v.a in scope and v.b in scope)]
    inside = [v for v in result.verdicts if v.a in scope and v.b in scope]
    verdicts = sorted(kept + inside)
    maybe = strongest_maybes(verdicts, groups, decisions)
    log.info("dedup: incremental run, %d of %d records in scope", len(scope), len(ids))
    merged = DedupResult(verdicts=verdicts, groups=groups, maybe=maybe)
    return merged, _state(found, decisions, verdicts), "incremental"


def _state(
    found: dict[str, Any], decisions: Decisions, verdicts: Iterable[PairVerdict]
) -> EngineState:
    kept = sorted(v for v in verdicts if v.outcome in ("duplicate", "maybe"))
    return EngineState(found, dict(sorted(decisions.items())), kept)


def _sources_evidence_changed(norm: pd.DataFrame, is_fresh: np.ndarray) -> bool:
    """Whether the one piece of library-wide evidence not keyed on a blocking key reads
    differently for the old records once the new ones are added: a source's issue numbers taken
    for record numbers (:func:`livingreview.dedup.normalise.issue_numbers`)."""
    numbers, sources = norm["number"].tolist(), norm["source"].tolist()
    old = np.flatnonzero(~is_fresh)
    before = issue_numbers([numbers[k] for k in old], [sources[k] for k in old])
    after = issue_numbers(numbers, sources)
    return before != [after[k] for k in old]


def _labels(study_of: Mapping[str, str]) -> dict[str, str]:
    """Study id -> its smallest record id: the engine's group label."""
    label: dict[str, str] = {}
    for rid, sid in study_of.items():
        if sid not in label or rid < label[sid]:
            label[sid] = rid
    return label


def _scope(
    ids: np.ndarray,
    pairs: np.ndarray,
    fresh: set[str],
    decisions: Decisions,
    previous: EngineState,
) -> set[str]:
    """The records the engine must see again (module docstring, step 2); ``pairs``: the
    library's candidate pairs (row positions)."""
    is_fresh = np.fromiter((str(v) in fresh for v in ids), dtype=bool, count=len(ids))
    touching = is_fresh[pairs[:, 0]] | is_fresh[pairs[:, 1]]
    seeds = set(map(str, ids[is_fresh])) | set(map(str, ids[pairs[touching].ravel()]))
    changed = set(decisions.items()) ^ set(previous.decisions.items())
    seeds.update(rid for (a, b), _ in changed for rid in (a, b))
    seeds.update(rid for a, b in decisions for rid in (a, b) if a in fresh or b in fresh)
    size = len(ids)
    position = {str(v): k for k, v in enumerate(ids)}
    candidates = set((pairs[:, 0] * size + pairs[:, 1]).tolist())
    for v in previous.verdicts:
        if (v.a, v.b) in decisions or v.a not in position or v.b not in position:
            continue
        i, j = sorted((position[v.a], position[v.b]))
        if i * size + j not in candidates:
            seeds.update((v.a, v.b))
    known = set(position)
    return _closure(seeds & known, previous.verdicts)


def _closure(seeds: set[str], verdicts: Iterable[PairVerdict]) -> set[str]:
    """``seeds`` and every record joined to one of them by a chain of duplicate verdicts."""
    links: dict[str, list[str]] = {}
    for v in verdicts:
        if v.outcome == "duplicate":
            links.setdefault(v.a, []).append(v.b)
            links.setdefault(v.b, []).append(v.a)
    scope, stack = set(seeds), list(seeds)
    while stack:
        for other in links.get(stack.pop(), ()):
            if other not in scope:
                scope.add(other)
                stack.append(other)
    return scope
