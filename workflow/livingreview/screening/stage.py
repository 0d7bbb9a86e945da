"""Title/abstract screening stage, as run by ``livingreview screen``: import, then export.

**Import** reads every returned sheet in ``<paths.human_input>/<screening.folder>/`` (read only),
checks each (:mod:`livingreview.screening.importing`) and rebuilds the append-only store
``<outputs>/screening/decisions.csv`` from them, in a fixed order. A store written before must
still be contained in the new one (a returned file was not removed or saved over); a rejected
file leaves the store as it was. No returned file is fine: an empty store and everything pending.

**Export** writes this round's sheet per reviewer to ``<outputs>/screening/title_abstract/``:
the studies new in the library's round or an earlier one that the reviewer has not decided (a
study they decided is not listed again; a ``round`` column marks a study of an earlier round),
or, with ``screening.batch_size``, the next batch of studies the reviewer has not decided,
ordered by predicted relevance. A decision on such a sheet is logged with the sheet's round and
counts beside the other reviewers' earlier decisions on the study
(:func:`livingreview.screening.conflicts.study_votes`). A study found by other methods only
(imports with ``prisma_box`` websites, organisations or citation_searching) is on no sheet: it
goes straight to full text (:func:`livingreview.screening.assignment.other_method_studies`).

``<outputs>/screening/status.json`` gives per reviewer the studies assigned, decided and pending,
and lists the sheets written.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from livingreview import sheets
from livingreview.fileio import write_json
from livingreview.kept_stores import stored_before
from livingreview.reviewforms import with_role, without_role
from livingreview.screening import export
from livingreview.screening.assignment import (
    library_studies,
    protocol_other_method_studies,
    screeners,
    study_aliases,
    to_screen,
    to_screen_rounds,
    verification_ids,
    verifier,
)
from livingreview.screening.decisions import (
    DECISIONS,
    STAGE_TITLE_ABSTRACT,
    ScreeningDecision,
    latest_by_study,
    log_order,
    read_decisions,
    write_decisions,
)
from livingreview.screening.importing import (
    WHAT,
    Expected,
    ImportResult,
    check_nothing_lost,
    read_returned,
)
from livingreview.screening.priority import (
    Scorer,
    ranking_query,
    seed_study_ids,
    stopping_estimate,
)

log = logging.getLogger("livingreview.screening")

STAGE = STAGE_TITLE_ABSTRACT
OUTPUTS = {
    "decisions": "screening/decisions.csv",
    "status": "screening/status.json",
}
SHEETS_DIR = "screening/title_abstract"
# Not a rule's output (Snakemake would remove it before each run): the ranker's word cache, under
# .cache/ like the library's caches, so the run manifest neither hashes nor lists it (its bytes
# depend on the runs before: a rebuilt outputs/ would differ in it).
WORDS_CACHE = ".cache/screening/ranker_words.bin"
SHEET_CACHE = ".cache/screening/returned_sheets"  # what unchanged returned sheets hold


def returned_dir(config: Mapping[str, Any]) -> Path:
    """The folder of returned screening sheets, inside ``paths.human_input``."""
    return sheets.returned_folder(config, "screening", "folder")


def returned_inputs(config: Mapping[str, Any]) -> list[str]:
    """For Snakemake: every file in the returned-sheets folder (and every spreadsheet in a folder
    inside it, which stops the stage), so returning one re-runs."""
    return [str(p) for p in sheets.input_files(returned_dir(config))]


def _expected(
    config: Mapping[str, Any], current: int, known: set[str], retired: set[str]
) -> Expected:
    outputs = Path(config["paths"]["outputs"])
    reasons = {r["id"]: r["label"] for r in config["exclusion_reasons"]["title_abstract"]}
    return Expected(
        review_id=config["review"]["id"],
        stage=STAGE,
        current_round=current,
        reviewers=with_role(config, "screening"),  # also one who gets no sheet in single mode
        reasons=reasons,
        known_ids=frozenset(known),
        aliases=study_aliases(outputs, retired),
        former=without_role(config, "screening"),
    )


def import_decisions(config: Mapping[str, Any]) -> tuple[list[ScreeningDecision], ImportResult]:
    """Read every returned sheet and rebuild the store; returns the store's decisions in its
    order (what reading it back gives) and what was read."""
    outputs = Path(config["paths"]["outputs"])
    studies, _, current, retired = library_studies(outputs)
    expected = _expected(config, current, {s["study_id"] for s in studies} | retired, retired)
    folder = returned_dir(config)
    files = sheets.returned_files(folder, WHAT)
    store = outputs / OUTPUTS["decisions"]
    previous = read_decisions(stored_before(store))
    cache = sheets.SheetCache(outputs / SHEET_CACHE)
    base = Path(config["paths"]["human_input"])
    result = read_returned(
        files, expected, base=base, stored_files={d.file for d in previous}, cache=cache
    )
    cache.prune()
    check_nothing_lost(previous, result.decisions, store, expected.aliases, base)
    write_decisions(store, result.decisions)
    for copy in result.copies:
        log.info("%s: a byte-identical copy of another returned file; read once", copy)
    for line in result.overridden:
        log.warning("%s", line)
    return sorted(result.decisions, key=log_order), result


Votes = dict[str, dict[str, ScreeningDecision]]


def _latest_by_reviewer(
    decisions: Sequence[ScreeningDecision],
) -> Votes:
    """reviewer -> study -> the decision they made last on it at this stage (any round)."""
    out: Votes = {}
    chosen = latest_by_study([d for d in decisions if d.stage == STAGE])
    for (_, study), by_reviewer in sorted(chosen.items()):
        for reviewer, item in by_reviewer.items():
            out.setdefault(reviewer, {})[study] = item
    return out


def export_sheets(
    config: Mapping[str, Any], by_reviewer: Votes, returned: ImportResult
) -> tuple[list[Path], set[str]]:
    """Write this round's sheet (or next batch) per screening reviewer (``by_reviewer``: their
    votes, :func:`_latest_by_reviewer`); the paths written and the seed studies found."""
    settings = config["screening"]
    outputs = Path(config["paths"]["outputs"])
    studies, new_in, current, _ = library_studies(outputs)
    studies = to_screen(outputs, studies, protocol_other_method_studies(config))
    reasons = [(r["id"], r["label"]) for r in config["exclusion_reasons"]["title_abstract"]]
    keywords = config["eligibility"].get("keywords", {})
    blind = bool(settings["blind"])
    layouts = {
        rounds: export.layout(
            [rid for rid, _ in reasons],
            keywords.get("include", []),
            keywords.get("exclude", []),
            blind=blind,
            rounds=rounds,
        )
        for rounds in (False, True)
    }
    batch_size = int(settings["batch_size"])
    formats = ["xlsx", "csv"] if settings["sheet_format"] == "both" else [settings["sheet_format"]]
    folder = outputs / SHEETS_DIR
    written: list[Path] = []
    checker = verifier(config)
    sample = (
        verification_ids(config, to_screen_rounds(studies, new_in), current) if checker else set()
    )
    seeds = seed_study_ids(config, studies)
    scorer = Scorer(studies, ranking_query(config), seeds, outputs / WORDS_CACHE)
    settled = settled_earlier(config, new_in, current, by_reviewer, sample)
    ids = {s["study_id"] for s in studies}
    for reviewer, name in screeners(config):
        own = by_reviewer.get(reviewer, {})
        theirs = assigned_ids(ids, own, settled, sample if reviewer == checker else None)
        assigned = [s for s in studies if s["study_id"] in theirs]
        if batch_size:
            batches = {
                s.batch for s in returned.sheets if (s.reviewer, s.round) == (reviewer, current)
            }
            batch = max(batches, default=0) + 1
            pool = [s for s in assigned if s["study_id"] not in own]
        else:
            batch = 1
            pool = [s for s in assigned if _on_round_sheet(s["study_id"], new_in, current, own)]
        scores = scorer.scores(own)
        pool.sort(key=lambda s: (-scores[s["study_id"]], s["study_id"]))
        if batch_size:
            pool = pool[:batch_size]
        others = {} if blind else _other_decisions(by_reviewer, reviewer)
        spec = export.SheetSpec(config["review"]["id"], STAGE, current, batch, reviewer, name)
        rounds = {s["study_id"]: new_in[s["study_id"]] for s in pool}
        earlier = sum(1 for number in rounds.values() if number < current)
        notes = {sid: text for (who, sid), text in returned.notes.items() if who == reviewer}
        rows = export.sheet_rows(pool, scores, others, rounds, notes)
        lines = export.instructions(
            spec,
            len(rows),
            reasons,
            folder=str(Path(config["paths"]["human_input"]) / settings["folder"]),
            blind=blind,
            demo=bool(config["review"].get("demo")),
            earlier=earlier,
            decided=_decided_in_round(assigned, own, current),
            registrations=sum(1 for s in pool if export.is_register_record(s)),
            sample=_sample_of(config) if reviewer == checker else None,
        )
        shown = layouts[earlier > 0]
        written += export.write_sheet(folder, spec, rows, shown, lines, formats=formats)
    return written, seeds


def assigned_ids(
    ids: Collection[str],
    own: Collection[str],
    settled: Collection[str],
    sample: Collection[str] | None = None,
) -> set[str]:
    """The studies on a screener's sheets, of ``ids`` (or only the verified ``sample``, for its
    verifier): those they decided (``own``) and those not ``settled`` in an earlier round
    (:func:`settled_earlier`). The sheets list them and ``status`` counts them."""
    theirs = ids if sample is None else sample
    return {sid for sid in theirs if sid in own or sid not in settled}


def _sample_of(config: Mapping[str, Any]) -> tuple[float, str]:
    """The verification sample's fraction and the single screener's name (the verifier's
    Instructions)."""
    fraction = float(config["screening"]["verification_sample"]["fraction"])
    return fraction, screeners(config)[0][1]


def settled_earlier(
    config: Mapping[str, Any],
    new_in: Mapping[str, int],
    current: int,
    by_reviewer: Votes,
    sample: Collection[str] = frozenset(),
) -> frozenset[str]:
    """Studies of earlier rounds already decided by as many reviewers as the mode asks (two in
    dual mode and for single mode's verified ``sample``, else one): a screener who joined the
    team since, and has not decided them, is not given them (nor counted as owing them)."""
    dual = config["screening"]["mode"] == "dual"
    votes = Counter(sid for decided in by_reviewer.values() for sid in decided)
    return frozenset(
        sid
        for sid, n in votes.items()
        if n >= (2 if dual or sid in sample else 1) and new_in.get(sid, current) < current
    )


def _on_round_sheet(
    study: str, new_in: Mapping[str, int], current: int, own: Mapping[str, ScreeningDecision]
) -> bool:
    """Whether a study is on the reviewer's sheet of round ``current``: it is new in this round
    or an earlier one (whose sheet is no longer written) and still awaits their decision. A
    study they decided is not listed again, so a sheet re-written after a partial return is
    their to-do list, ranked anew; a decision is revised in the file they returned."""
    return new_in[study] <= current and study not in own


def _decided_in_round(
    assigned: Sequence[Mapping[str, str]], own: Mapping[str, ScreeningDecision], current: int
) -> int:
    """How many of the reviewer's studies they decided on a sheet of round ``current``."""
    return sum(1 for s in assigned if s["study_id"] in own and own[s["study_id"]].round == current)


def _other_decisions(
    by_reviewer: Mapping[str, Mapping[str, ScreeningDecision]], reviewer: str
) -> dict[str, str]:
    shown: dict[str, list[str]] = {}
    for other, decided in sorted(by_reviewer.items()):
        if other != reviewer:
            for sid, item in decided.items():
                shown.setdefault(sid, []).append(f"{other}: {item.decision}")
    return {sid: "; ".join(parts) for sid, parts in shown.items()}


def status(
    config: Mapping[str, Any],
    decisions: Sequence[ScreeningDecision],
    by_reviewer: Votes,
    returned: ImportResult,
) -> dict[str, Any]:
    """Per reviewer: studies assigned (every study neither excluded by automation nor found by
    other methods only, or the verified sample), decided, pending, and the estimate of relevant
    studies still unscreened (``by_reviewer``: their votes, :func:`_latest_by_reviewer`)."""
    outputs = Path(config["paths"]["outputs"])
    studies, new_in, current, _ = library_studies(outputs)
    screened = to_screen(outputs, studies, protocol_other_method_studies(config))
    ids = {s["study_id"] for s in screened}
    checker = verifier(config)
    sample = (
        verification_ids(config, to_screen_rounds(screened, new_in), current) if checker else set()
    )
    in_library = len(studies)
    settled = settled_earlier(config, new_in, current, by_reviewer, sample)
    reviewers = {}
    for reviewer, _ in screeners(config):
        assigned = assigned_ids(
            ids, by_reviewer.get(reviewer, {}), settled, sample if reviewer == checker else None
        )
        own = {sid: d for sid, d in by_reviewer.get(reviewer, {}).items() if sid in assigned}
        counts = {name: 0 for name in DECISIONS}
        for item in own.values():
            counts[item.decision] += 1
        reviewers[reviewer] = {
            "assigned": len(assigned),
            "decided": len(own),
            "pending": len(assigned) - len(own),
            **counts,
            "files": sorted({s.file for s in returned.sheets if s.reviewer == reviewer}),
            # None before any decision (there is nothing to estimate from)
            "stopping": stopping_estimate(list(own.values()), len(assigned) - len(own))
            if own
            else None,
        }
    return {
        "review_id": config["review"]["id"],
        "stage": STAGE,
        "round": current,
        "mode": config["screening"]["mode"],
        "blind": bool(config["screening"]["blind"]),
        "studies_in_library": in_library,
        "studies_to_screen": len(ids),
        "decisions_logged": len(decisions),
        "returned_files": len(returned.sheets),
        "identical_copies_skipped": returned.copies,
        "reviewers": reviewers,
    }


def run_screening(config: Mapping[str, Any]) -> dict[str, Any]:
    """Import returned sheets, then export this round's sheets; returns the status written."""
    outputs = Path(config["paths"]["outputs"])
    decisions, returned = import_decisions(config)
    by_reviewer = _latest_by_reviewer(decisions)
    state = status(config, decisions, by_reviewer, returned)
    written, seeds = export_sheets(config, by_reviewer, returned)
    state["sheets"] = [p.relative_to(outputs).as_posix() for p in written]
    # the library studies the protocol's seed_studies named (the ranker's known relevant ones)
    state["seed_studies_found"] = sorted(seeds)
    write_json(outputs / OUTPUTS["status"], state)
    return state
