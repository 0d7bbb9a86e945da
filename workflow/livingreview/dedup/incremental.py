"""Incremental deduplication: a round's new records against the library, old pairs judged once.

The engine's grouping of a library is fixed component by component: records are only ever joined
along pairs judged ``duplicate``, and whether two groups may join depends only on pairs between
their own records. So when a round adds records, only the old **components** (records connected
by old duplicate pairs) that a new record can reach need the engine again:

1. the library's engine rows are normalised, taking each unchanged record's normalised row from
   the previous run's cache (``<outputs>/.cache/library/normalised.jsonl``);
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

import hashlib
import json
import logging
import operator
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
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
from livingreview.fileio import (
    atomic_write_bytes,
    atomic_write_text,
    read_json,
    source_digest,
    write_json,
)
from livingreview.records import Record

log = logging.getLogger("livingreview.dedup")

STATE_FILE = "engine.json"
PAIRS_FILE = "pairs.csv"
PAIR_COLUMNS = ("record_a", "record_b", "outcome", "score", "reason")
KEPT_OUTCOMES = ("duplicate", "maybe")  # the verdicts a round's state keeps
CACHE = Path(".cache") / "library" / "normalised.jsonl"
OLD_CACHE = "normalised.json"  # beside CACHE: the cache as earlier versions wrote it
# The modules whose code decides the engine's verdicts and groups (``matching`` is a package).
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
    engine = source_digest(_engine_sources(Path(__file__).parent))
    return {"policy": dict(sorted(policy.items())), "engine": engine[:16]}


def _engine_sources(folder: Path) -> list[Path]:
    """The source files of :data:`ENGINE_MODULES` in ``folder``: every module of a package."""
    paths: list[Path] = []
    for name in ENGINE_MODULES:
        package = folder / name
        paths += sorted(package.rglob("*.py")) if package.is_dir() else [folder / f"{name}.py"]
    return paths


def normalising_code(engine: str) -> str:
    """What the normalised-rows cache is keyed on: the engine's code, the record module whose DOI
    normalising it calls, and the pandas and Python versions its values come from."""
    import platform

    from livingreview import records

    versions = (pd.__version__, platform.python_version())
    return source_digest([Path(records.__file__)], engine, *versions)


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
        if row["outcome"] not in KEPT_OUTCOMES:
            raise InputFileError(
                pairs_path,
                f"unknown outcome {row['outcome']!r}; expected 'duplicate' or 'maybe' (restore "
                "the file from version control)",
                position=f"row {number}",
                field="outcome",
            )
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
    engine row is unchanged; the cache is rewritten with the result unless it holds it already.

    The cache has a line per record (:class:`_Cache`): an unchanged record's line is copied, not
    encoded again, and a record's digest (of its engine row) tells whether it changed."""
    digest = pd.util.hash_pandas_object(frame, index=False, categorize=False).to_numpy()
    cached = _Cache.load(cache, code)
    found = None if cached is None else cached.rows_for(frame["ID"].tolist(), digest)
    if cached is None or found is None:
        return _normalise_all(frame, cache, code, digest)
    positions, same = found
    fresh = np.flatnonzero(~same)
    new = normalise_frame(frame.iloc[fresh]) if fresh.size else None
    kinds = dict(cached.kinds)
    if new is not None:
        added = _kinds(new)
        if new.columns.tolist() != cached.columns or any(
            kinds.setdefault(name, kind) != kind for name, kind in added.items()
        ):
            return _normalise_all(frame, cache, code, digest)  # the cache is of other columns
    kept = np.flatnonzero(same)
    take = positions[kept].tolist()
    order = np.argsort(np.concatenate([kept, fresh]), kind="stable").tolist()
    columns = {}
    for k, name in enumerate(cached.columns):
        values = _pick(cached.column(k), take)
        if new is not None:
            values = _pick(values + new[name].tolist(), order)
        columns[name] = values
    norm = _frame(columns)
    if new is None and take == list(range(len(cached.lines))):
        return norm  # the cache holds these rows already
    lines = _pick(cached.lines, take)
    if new is not None:
        lines = _pick(lines + _encoded_rows(digest[fresh], new), order)
    _write_cache(cache, code, cached.columns, kinds, lines)
    return norm


def _normalise_all(frame: pd.DataFrame, cache: Path, code: str, digest: np.ndarray) -> pd.DataFrame:
    """Every row of ``frame`` normalised, and the cache written of them."""
    norm = normalise_frame(frame)
    lines = _encoded_rows(digest, norm)
    _write_cache(cache, code, norm.columns.tolist(), _kinds(norm), lines)
    return norm


CACHE_FORMAT = 2
_KINDS: dict[str, Callable[[list[Any]], Any]] = {"frozenset": frozenset, "tuple": tuple}
# One JSON line per row: sets as sorted lists, tuples as lists (never a raw line break).
_ENCODER = json.JSONEncoder(
    ensure_ascii=False,
    separators=(",", ":"),
    default=lambda v: sorted(v),  # frozensets
)


@dataclass
class _Cache:
    """The normalised-rows cache read back. The file is a JSON header (format, code digest,
    columns, which columns hold sets or tuples, row count, SHA-256 of the rest) and then one
    line per row, sorted by ID: ``[digest of the engine row, value of each column...]``."""

    columns: list[str]
    kinds: dict[str, str]
    lines: list[bytes]
    values: list[tuple[Any, ...]]  # column by column, the digests first

    @classmethod
    def load(cls, path: Path, code: str) -> _Cache | None:
        """The cache at ``path``, or None when absent, damaged or of other code."""
        try:
            head, _, body = path.read_bytes().partition(b"\n")
            meta = json.loads(head)
            if meta["format"] != CACHE_FORMAT or meta["code"] != code:
                return None
            if hashlib.sha256(body).hexdigest() != meta["body"]:
                return None
            lines = body.split(b"\n") if body else []
            rows = json.loads(b"[" + b",".join(lines) + b"]")
            columns, kinds = list(meta["columns"]), dict(meta["kinds"])
            width = len(columns) + 1
            if len(rows) != meta["rows"] or any(len(row) != width for row in rows):
                return None
            if not set(kinds.values()) <= set(_KINDS) or "ID" not in columns:
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        values = list(zip(*rows, strict=True)) if rows else [()] * width
        return cls(columns, kinds, lines, values)

    def column(self, k: int) -> list[Any]:
        """The values of column ``k`` (sets and tuples as they were)."""
        values = self.values[k + 1]
        build = _KINDS.get(self.kinds.get(self.columns[k], ""))
        if build is None:
            return list(values)
        return [build(v) if isinstance(v, list) else v for v in values]

    def rows_for(self, ids: list[str], digest: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """For each id: its row here (-1: none), and whether that row is of the same engine row;
        None when no row is."""
        try:
            digests = np.array(self.values[0], dtype=np.uint64)
        except (TypeError, ValueError, OverflowError):
            return None
        index = pd.Index(self.values[self.columns.index("ID") + 1])
        if not index.is_unique or len(digests) != len(index):
            return None
        positions = index.get_indexer(ids)
        same = positions >= 0
        same[same] = digests[positions[same]] == digest[same]
        return (positions, same) if same.any() else None


def _infers_strings() -> bool:
    """Whether pandas makes text columns its string dtype: always from pandas 3 (where asking
    the option is deprecated), by option before."""
    if int(pd.__version__.split(".")[0]) >= 3:
        return True
    return bool(pd.get_option("future.infer_string"))


def _frame(columns: dict[str, list[Any]]) -> pd.DataFrame:
    """``pd.DataFrame(columns)``, quicker: a column holding text, tuples or sets, which pandas
    keeps as objects whatever else it holds, is handed over as an object array, not as a list
    pandas converts value by value."""
    if _infers_strings():  # text would be pandas strings: as pandas builds it
        return pd.DataFrame(columns)
    plain = (str, tuple, frozenset)
    return pd.DataFrame(
        {
            name: np.fromiter(values, dtype=object, count=len(values))
            if values and isinstance(values[0], plain)
            else values
            for name, values in columns.items()
        }
    )


def _pick(values: Sequence[Any], positions: list[int]) -> list[Any]:
    """``[values[k] for k in positions]``."""
    if len(positions) < 2:
        return [values[k] for k in positions]
    return list(operator.itemgetter(*positions)(values))


def _kinds(norm: pd.DataFrame) -> dict[str, str]:
    """The columns holding sets or tuples (by their first such value)."""
    kinds = {}
    for name in norm.columns:
        if norm[name].dtype == object:
            first = next((v for v in norm[name] if isinstance(v, frozenset | tuple)), None)
            if first is not None:
                kinds[name] = "frozenset" if isinstance(first, frozenset) else "tuple"
    return kinds


def _encoded_rows(digest: np.ndarray, norm: pd.DataFrame) -> list[bytes]:
    """The cache lines of ``norm``'s rows, whose engine rows have ``digest``."""
    columns = [norm[name].tolist() for name in norm.columns]
    return [
        _ENCODER.encode([d, *row]).encode("utf-8")
        for d, row in zip(digest.tolist(), zip(*columns, strict=True), strict=True)
    ]


def _write_cache(
    path: Path, code: str, columns: list[str], kinds: dict[str, str], lines: list[bytes]
) -> None:
    body = b"\n".join(lines)
    head = {
        "format": CACHE_FORMAT, "code": code, "columns": columns, "kinds": kinds,
        "rows": len(lines), "body": hashlib.sha256(body).hexdigest(),
    }  # fmt: skip
    atomic_write_bytes(path, json.dumps(head).encode("utf-8") + b"\n" + body, durable=False)
    path.with_name(OLD_CACHE).unlink(missing_ok=True)


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
    norm = normalised_rows(frame, cache, normalising_code(found["engine"]))
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
    kept = sorted(v for v in verdicts if v.outcome in KEPT_OUTCOMES)
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
