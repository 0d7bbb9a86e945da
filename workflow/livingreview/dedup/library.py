"""The living-review library: this round's records matched against everything seen before.

``build_library`` reads ``<outputs>/search/identified.csv`` (this round) and the snapshots of the
earlier rounds (:mod:`livingreview.dedup.rounds`), reads the decisions people returned on maybe
pairs (:mod:`livingreview.dedup.maybe_sheet`), links records with the same PMID or PMCID, and
register records with the same trial id (the engine's frame has no such columns), runs the
engine on the whole library, and writes:

* ``<outputs>/library/records.csv``: one merged record per study (:mod:`~livingreview.dedup.merge`);
* ``<outputs>/library/groups.csv``: ``record_id, study_id, round`` for every record;
* ``<outputs>/library/maybe_pairs.csv``: the maybe pairs nobody has decided yet;
* ``<outputs>/library/decisions.csv``: every decision applied, with its file, row and the
  file's save time (.xlsx), and the notes on undecided pairs no longer asked (blank decision);
* ``<outputs>/library/changelog.csv``: studies merged or split since round 1;
* ``<outputs>/library/counts.json``: this round's PRISMA counts;
* ``<outputs>/dedup/maybe_pairs.xlsx`` and ``.csv``: the review sheet of the pending pairs;
* the round's snapshot in ``deduplication.history_dir`` (never a Snakemake output: the rule
  declares a receipt of it, :mod:`livingreview.snapshot_receipts`).

It also keeps ``<outputs>/.cache/library/rows.json``, so that the next round copies the rows of
the studies it leaves alone instead of merging them again (:mod:`~livingreview.dedup.library_rows`).
"""

from __future__ import annotations

import gc
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from livingreview import sheets
from livingreview.config import enabled_imports, enabled_sources
from livingreview.dedup import incremental, library_rows, maybe_sheet, rounds
from livingreview.dedup.frame import records_to_frame
from livingreview.dedup.model import Decisions, PairVerdict
from livingreview.dedup.register_links import register_links
from livingreview.dedup.rounds import history_dir, snapshot_dir
from livingreview.fileio import atomic_write_bytes, atomic_write_text, write_json
from livingreview.records import Record, read_records
from livingreview.round_state import check_snapshots

log = logging.getLogger("livingreview.dedup")

LIBRARY_COLUMNS = library_rows.LIBRARY_COLUMNS
MAYBE_COLUMNS = ("record_a", "record_b", "study_a", "study_b", "score", "reason")
OUTPUTS = {
    "records": "library/records.csv",
    "groups": "library/groups.csv",
    "maybe": "library/maybe_pairs.csv",
    "decisions": "library/decisions.csv",
    "changelog": "library/changelog.csv",
    "counts": "library/counts.json",
    "sheet": "dedup/maybe_pairs.xlsx",
    "sheet_csv": "dedup/maybe_pairs.csv",
}
SNAPSHOT_FILES = ("records.csv", "groups.csv", "changelog.csv", "round.json")
# The engine's state for the next round's incremental run (absent from older snapshots).
ENGINE_FILES = (incremental.STATE_FILE, incremental.PAIRS_FILE)


def decisions_dir(config: Mapping[str, Any]) -> Path:
    """The folder of returned maybe-pair sheets, inside ``paths.human_input``."""
    return sheets.returned_folder(config, "deduplication", "decisions_dir")


def decision_inputs(config: Mapping[str, Any]) -> list[str]:
    """For Snakemake: every file in the decisions folder and every spreadsheet in a folder inside
    it, so that returning one re-runs the step (which then reads it, or stops on a file that is
    not a sheet or on the folder)."""
    return [str(p) for p in sheets.input_files(decisions_dir(config))]


def history_inputs(config: Mapping[str, Any]) -> list[str]:
    """For Snakemake: the snapshot files of other versions (never this version's own outputs)."""
    own = snapshot_dir(config).resolve()
    found = []
    for meta in sorted(history_dir(config).glob("*/round.json")):
        if meta.parent.resolve() != own:
            found += [str(meta.parent / name) for name in SNAPSHOT_FILES]
            found += [str(meta.parent / n) for n in ENGINE_FILES if (meta.parent / n).exists()]
    return found


def source_order(config: Mapping[str, Any]) -> list[str]:
    """Sources in protocol order: the tie-break when merging fields."""
    return enabled_sources(config) + enabled_imports(config)


Engine = Callable[..., Any]


def _run_engine(
    engine: Engine, records: Sequence[Record], decisions: Decisions, progress: bool
) -> Any:
    """A stand-in engine (tests) on the whole library; it is given no policy."""
    return engine(records_to_frame(records), decisions=decisions, policy=None, progress=progress)


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector paused for the whole process (then restored as it was).

    The library step builds a few hundred thousand objects it keeps to its end (every record, the
    engine's frames, the merged rows); the collector's passes over them free next to nothing but
    cost about 0.7 CPU s on a 20,000-record library. Cycles left meanwhile (openpyxl's, pandas')
    are freed after it: on that library the full run's peak memory rises by about 15 MB.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@cycle_collection_paused()
def build_library(
    config: Mapping[str, Any],
    *,
    identified: Path | None = None,
    engine: Engine | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Run the library step of one round; returns the round's counts (also written)."""
    outputs = Path(config["paths"]["outputs"])
    version = config["review"]["version"]
    lib = _read_round(config, identified or outputs / "search" / "identified.csv")
    decisions, notes, decided = _returned_decisions(config, lib.library)
    links = identifier_links(lib.library.values())
    linked = {**dict.fromkeys(links, "duplicate"), **decided}  # a person's word wins
    changed = [r for r in lib.current if lib.history.records.get(r.record_id) != r]
    touched = {r.record_id for r in changed}
    result, state = _deduplicate(config, lib, touched, linked, engine, progress)
    assignment = _assign_studies(lib, result, decided, version)
    study_of = assignment.study_of
    pending = _pending_maybes(result.maybe, decided, study_of)
    studies = _records_by_study(lib.library, study_of, source_order(config))
    records_csv, places = _records_csv(config, lib, studies, assignment.anchor_of, touched)
    counts = _counts(config, lib, study_of, pending, len(decisions), len(studies))
    groups_text = rounds.groups_text(study_of, lib.first_round)
    changelog = [*lib.history.changelog, *assignment.changes]
    changelog_text = rounds.table_csv(changelog, rounds.CHANGE_COLUMNS)
    atomic_write_bytes(outputs / OUTPUTS["records"], records_csv)
    atomic_write_text(outputs / OUTPUTS["groups"], groups_text)
    _write_maybes(config, pending, study_of, decisions, notes)
    atomic_write_text(outputs / OUTPUTS["changelog"], changelog_text)
    write_json(outputs / OUTPUTS["counts"], counts)
    _write_maybe_sheet(config, lib.library, pending, notes)
    if state is not None:
        state.verdicts = _named_links(state.verdicts, links, decided)
    own = _write_snapshot(config, lib, changed, state, groups_text, changelog_text)
    _keep_rows(config, lib, records_csv, places, own)
    return counts


@dataclass
class _Round:
    """What the library step starts from: this round's records, what the earlier rounds left,
    the whole library by record id, and the round each of its records was first seen in."""

    current: list[Record]
    history: rounds.History
    library: dict[str, Record]
    first_round: dict[str, int]


def _read_round(config: Mapping[str, Any], identified: Path) -> _Round:
    """This round's records and the earlier rounds' snapshots (checked: none of a later round,
    none missing) as one library, this round's copy of a record replacing an earlier one."""
    rounds.check_later_rounds(config)
    current = read_records(identified)
    check_snapshots(config)
    history = rounds.load_history(history_dir(config), config["review"]["version"])
    library = dict(history.records)
    library.update({r.record_id: r for r in current})
    first_round = {rid: history.first_round.get(rid, history.round) for rid in library}
    return _Round(current, history, library, first_round)


def _returned_decisions(
    config: Mapping[str, Any], library: Mapping[str, Record]
) -> tuple[list[maybe_sheet.Decision], dict[tuple[str, str], maybe_sheet.Decision], Decisions]:
    """The decisions people returned on maybe pairs, their notes on undecided pairs
    (:func:`~livingreview.dedup.maybe_sheet.read_returned`), and the answer on each pair."""
    decisions, notes = maybe_sheet.read_returned(
        maybe_sheet.decision_files(decisions_dir(config)),
        review_id=config["review"]["id"],
        known_records=library,
        reviewers=[str(r["id"]) for r in config.get("reviewers", [])],
    )
    decided: Decisions = {(d.a, d.b): d.decision for d in decisions}  # type: ignore[misc]
    return decisions, notes, decided


def _deduplicate(
    config: Mapping[str, Any],
    lib: _Round,
    touched: set[str],
    linked: Decisions,
    engine: Engine | None,
    progress: bool,
) -> tuple[Any, incremental.EngineState | None]:
    """The engine's result on the whole library and the engine state to keep: incremental
    where the previous round's state allows, else a full run; a stand-in engine (tests) keeps
    no state."""
    if engine is not None:
        return _run_engine(engine, list(lib.library.values()), linked, progress), None
    result, state, mode = incremental.deduplicate(
        lib.library.values(),
        fresh=touched,
        decisions=linked,
        policy=config["deduplication"]["policy"],
        previous=_previous_state(config),
        previous_groups=lib.history.study_of,
        cache=Path(config["paths"]["outputs"]) / incremental.CACHE,
        progress=progress,
    )
    log.info("library: %s deduplication of %d records", mode, len(lib.library))
    return result, state


def _assign_studies(
    lib: _Round, result: Any, decided: Decisions, version: str
) -> rounds.Assignment:
    """Study ids for the engine's groups (a record it left out is a study of its own), after
    warning about records decided distinct that other records joined."""
    groups = {rid: str(result.groups.get(rid, f"single:{rid}")) for rid in lib.library}
    _check_distinct_decisions(decided, groups)
    history = lib.history
    return rounds.assign_study_ids(
        groups, lib.first_round, history.study_of, round_number=history.round, version=version
    )


def _records_by_study(
    library: Mapping[str, Record], study_of: Mapping[str, str], sources: Sequence[str]
) -> dict[str, list[Record]]:
    """Each study's records, in the order of ``sources`` (the tie-break when merging fields),
    then by record id."""
    rank = {name: i for i, name in enumerate(sources)}
    studies: dict[str, list[Record]] = {}
    for rid in sorted(library, key=lambda r: (rank.get(library[r].source, len(rank)), r)):
        studies.setdefault(study_of[rid], []).append(library[rid])
    return studies


def _records_csv(
    config: Mapping[str, Any],
    lib: _Round,
    studies: Mapping[str, Sequence[Record]],
    anchor_of: Mapping[str, str],
    touched: set[str],
) -> tuple[bytes, list[library_rows.Row]]:
    """``records.csv`` and its rows' places, copying the rows of studies left alone from the
    rows cache where it matches the snapshots (:mod:`~livingreview.dedup.library_rows`)."""
    cache = Path(config["paths"]["outputs"]) / library_rows.CACHE
    reusable = library_rows.load(cache, lib.history.snapshots)
    return library_rows.records_csv(studies, anchor_of, touched, reusable)


def _keep_rows(
    config: Mapping[str, Any],
    lib: _Round,
    records_csv: bytes,
    places: list[library_rows.Row],
    own: str,
) -> None:
    """Save the rows cache for the next round, with the snapshots it matches (``own``: this
    round's records' SHA-256); with a record id twice in this round, remove it instead."""
    outputs = Path(config["paths"]["outputs"])
    cache = outputs / library_rows.CACHE
    if len({r.record_id for r in lib.current}) == len(lib.current):
        # with one record per id, the snapshots now hold exactly the library's records
        snapshots = [*lib.history.snapshots, (str(config["review"]["version"]), own)]
        library_rows.save(cache, outputs / OUTPUTS["records"], records_csv, places, snapshots)
    else:
        cache.unlink(missing_ok=True)


def _counts(
    config: Mapping[str, Any],
    lib: _Round,
    study_of: Mapping[str, str],
    pending: Sequence[PairVerdict],
    decisions: int,
    studies: int,
) -> dict[str, Any]:
    """The round's PRISMA counts (:func:`round_counts`) with the review id, version and demo."""
    counts = round_counts(
        lib.current, study_of, lib.first_round, lib.history.round, pending, decisions, studies
    )
    counts.update(
        {
            "review_id": config["review"]["id"],
            "version": config["review"]["version"],
            "demo": bool(config["review"].get("demo")),
        }
    )
    return counts


def _write_maybes(
    config: Mapping[str, Any],
    pending: Sequence[PairVerdict],
    study_of: Mapping[str, str],
    decisions: Sequence[maybe_sheet.Decision],
    notes: Mapping[tuple[str, str], maybe_sheet.Decision],
) -> None:
    """``maybe_pairs.csv`` (the pairs still to decide) and ``decisions.csv`` (every decision
    applied and the notes on undecided pairs no longer asked, by pair)."""
    outputs = Path(config["paths"]["outputs"])
    maybe_rows = _maybe_rows(pending, study_of)
    atomic_write_text(outputs / OUTPUTS["maybe"], rounds.table_csv(maybe_rows, MAYBE_COLUMNS))
    kept = [*decisions, *_unasked_notes(notes, pending, study_of)]
    kept.sort(key=lambda d: (d.a, d.b))
    human = Path(config["paths"]["human_input"])
    atomic_write_text(outputs / OUTPUTS["decisions"], maybe_sheet.decisions_csv(kept, human))


def _write_maybe_sheet(
    config: Mapping[str, Any],
    library: Mapping[str, Record],
    pending: Sequence[PairVerdict],
    notes: Mapping[tuple[str, str], maybe_sheet.Decision],
) -> None:
    """The review sheet (.xlsx and .csv) of the pairs still to decide, with the notes already
    written on them."""
    outputs = Path(config["paths"]["outputs"])
    maybe_sheet.write_sheets(
        outputs / OUTPUTS["sheet"],
        outputs / OUTPUTS["sheet_csv"],
        pending,
        library,
        review_id=config["review"]["id"],
        version=config["review"]["version"],
        demo=bool(config["review"].get("demo")),
        notes={key: note.notes for key, note in notes.items()},
    )


def _write_snapshot(
    config: Mapping[str, Any],
    lib: _Round,
    changed: Sequence[Record],
    state: incremental.EngineState | None,
    groups_text: str,
    changelog_text: str,
) -> str:
    """The round's snapshot: the engine's state for the next round (when there is one), then
    the new or changed records, groups and changelog; returns its records' SHA-256."""
    if state is not None:
        incremental.write_state(snapshot_dir(config), state)
    return rounds.write_snapshot(
        snapshot_dir(config),
        round_number=lib.history.round,
        version=config["review"]["version"],
        new_records=changed,
        groups_text=groups_text,
        changelog_text=changelog_text,
    )


def _previous_state(config: Mapping[str, Any]) -> incremental.EngineState | None:
    """The engine state the last earlier round left, if any."""
    earlier = rounds.earlier_snapshots(history_dir(config), config["review"]["version"])
    return incremental.read_state(earlier[-1]) if earlier else None


def _identifier_keys(record: Record) -> list[str]:
    """PMID and PMCID (a trial register's record is linked by its register ids apart:
    :mod:`~livingreview.dedup.register_links`)."""
    keys = [f"pmid:{record.pmid}" if record.pmid else "", record.pmcid and f"pmcid:{record.pmcid}"]
    return [key for key in keys if key]


#: How a link by identifier is named in the verdicts (``pairs.csv``), by the key's kind.
LINK_REASONS = {"pmid": "same PMID", "pmcid": "same PMCID"}


def identifier_links(records: Iterable[Record]) -> dict[tuple[str, str], str]:
    """Records with the same PMID or PMCID are one article, and records of a trial register
    with the same register id (a ClinicalTrials.gov row and CENTRAL's copy of it), or of which
    one lists the other's id (one trial in two registers), one trial registration
    (:func:`~livingreview.dedup.register_links.register_links`): each such pair and what links
    it (:data:`LINK_REASONS`, :data:`~livingreview.dedup.register_links.SAME_ID`,
    :data:`~livingreview.dedup.register_links.LISTED_ID`).

    The engine's frame has no such columns, so the library links these itself (one star per
    identifier: the smallest record id with each other one).
    """
    records = list(records)
    by_id: dict[str, list[str]] = {}
    for record in records:
        for key in _identifier_keys(record):
            by_id.setdefault(key, []).append(record.record_id)
    links: dict[tuple[str, str], str] = {}
    kinds = list(LINK_REASONS)  # a pair linked twice is named by the first kind: PMID first
    for key, rids in sorted(by_id.items(), key=lambda item: kinds.index(item[0].split(":")[0])):
        first, *others = sorted(set(rids))
        why = LINK_REASONS[key.split(":", 1)[0]]
        for other in others:
            links.setdefault((first, other), why)
    for pair, why in register_links(records).items():
        links.setdefault(pair, why)
    return dict(sorted(links.items()))


def _named_links(
    verdicts: Iterable[PairVerdict], links: Mapping[tuple[str, str], str], decided: Decisions
) -> list[PairVerdict]:
    """``verdicts`` with each pair linked by an identifier (and not decided by a person) named
    by it: the engine names every pair it is given as ``decision: duplicate``."""
    return [
        replace(v, reason=links[(v.a, v.b)])
        if (v.a, v.b) in links and (v.a, v.b) not in decided
        else v
        for v in verdicts
    ]


def _check_distinct_decisions(decided: Decisions, groups: Mapping[str, str]) -> None:
    for (a, b), decision in sorted(decided.items()):
        if decision == "distinct" and groups.get(a) == groups.get(b):
            log.warning(
                "records %s and %s were decided distinct but are linked through other records "
                "judged duplicates; check the study in library/groups.csv",
                a,
                b,
            )


def _unasked_notes(
    notes: Mapping[tuple[str, str], maybe_sheet.Decision],
    pending: Sequence[PairVerdict],
    study_of: Mapping[str, str],
) -> list[maybe_sheet.Decision]:
    """The notes on undecided pairs the new sheet no longer asks, each named in a warning."""
    unasked = maybe_sheet.unasked_notes(notes, ((p.a, p.b) for p in pending))
    asked = {_studies(p.a, p.b, study_of): p for p in pending}
    for note in unasked:
        instead = asked.get(_studies(note.a, note.b, study_of))
        if study_of[note.a] == study_of[note.b]:
            why = "its records are one study now"
        elif instead is not None:
            why = f"its two studies are asked about through pair {instead.a} / {instead.b}"
        else:
            why = "it is no longer a possible duplicate, or a decision keeps its studies apart"
        log.warning(
            "pair %s / %s has notes but no decision (%s, row %d) and is not asked again (%s): "
            "its notes are kept in %s with a blank decision: %s",
            note.a,
            note.b,
            note.file,
            note.row,
            why,
            OUTPUTS["decisions"],
            note.notes,
        )
    return unasked


def _studies(a: str, b: str, study_of: Mapping[str, str]) -> tuple[str, str]:
    """The two studies of records ``a`` and ``b``, in order."""
    return maybe_sheet.pair_key(study_of[a], study_of[b])


def _pending_maybes(
    maybes: Sequence[PairVerdict], decided: Decisions, study_of: Mapping[str, str]
) -> list[PairVerdict]:
    """Undecided maybe pairs between different studies, one per pair, sorted."""
    seen: dict[tuple[str, str], PairVerdict] = {}
    for pair in maybes:
        key = maybe_sheet.pair_key(pair.a, pair.b)
        if key in decided or key in seen or pair.a not in study_of or pair.b not in study_of:
            continue
        if study_of[pair.a] == study_of[pair.b]:
            continue  # already one study through other records: nothing to ask
        seen[key] = PairVerdict(key[0], key[1], pair.outcome, pair.score, pair.reason)
    return [seen[k] for k in sorted(seen)]


def _maybe_rows(pairs: Sequence[PairVerdict], study_of: Mapping[str, str]) -> list[dict[str, str]]:
    return [
        {
            "record_a": p.a,
            "record_b": p.b,
            "study_a": study_of[p.a],
            "study_b": study_of[p.b],
            "score": f"{p.score:.3f}",
            "reason": p.reason,
        }
        for p in pairs
    ]


def round_counts(
    current: Sequence[Record],
    study_of: Mapping[str, str],
    first_round: Mapping[str, int],
    round_number: int,
    pending: Sequence[PairVerdict],
    decisions: int,
    studies: int,
) -> dict[str, Any]:
    """PRISMA counts of one round: identified = new studies + duplicates removed."""
    ids = {r.record_id for r in current}
    members: dict[str, list[str]] = {}
    for rid, sid in study_of.items():
        members.setdefault(sid, []).append(rid)
    new_studies = within = earlier = 0
    for rids in members.values():
        here = sum(1 for r in rids if r in ids)
        if not here:
            continue
        if any(first_round[r] < round_number for r in rids):
            earlier += here
        else:
            new_studies += 1
            within += here - 1
    by_source = Counter(r.source for r in current)
    return {
        "round": round_number,
        "records_identified": len(current),
        "records_identified_by_source": dict(sorted(by_source.items())),
        "records_seen_in_earlier_rounds": sum(1 for r in ids if first_round[r] < round_number),
        "duplicates_removed": within + earlier,
        "duplicates_within_round": within,
        "duplicates_of_earlier_studies": earlier,
        "new_studies": new_studies,
        "studies_in_library": studies,
        "records_in_library": len(study_of),
        "maybe_pairs_pending": len(pending),
        "maybe_decisions_applied": decisions,
    }
