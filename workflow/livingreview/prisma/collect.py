"""The counts ledger from the pipeline's own outputs, never typed by hand.

For the current round (``review.version``):

* identification: per source from ``<outputs>/search/<name>/manifest.json`` (``retrieved``; the
  manifest's ``prisma_box`` (``imports.<name>.prisma_box``) says ``database`` (default) or
  ``register``; ``websites``, ``organisations`` and ``citation_searching`` are read too), totals
  and duplicates from
  ``<outputs>/library/counts.json``; nothing is removed for other reasons (0); a database export
  of an earlier round that this round did not search again (``imported_in``) is counted in its
  own round only; while possible duplicate pairs wait for a person (``maybe_pairs_pending``),
  deduplication is pending: its boxes and all after them show what is counted so far;
* automation: ``<outputs>/screening/automation_counts.json`` (``by_round``); absent: 0, with the
  note "stage not run";
* title/abstract screening: :data:`FINAL_SCREENING` (``study_id, round, decision``, written by
  ``livingreview conflicts``), counted only once every study of the round to be screened has a
  final decision; until then the boxes are not available (people make every decision: the
  "excluded by automation tools" part of the records-excluded box is 0). A part the library
  split off an earlier study this round (:data:`LIBRARY_CHANGES`) is screened this round but
  was identified, and removed as a duplicate, in its own round: it is left out of this round's
  screening boxes, so records screened = identified − removed still holds; included, it is
  sought at full text and a new study of this version like any other;
* other methods: a study whose records in the round it is new in all come from imports with
  ``prisma_box`` websites, organisations or citation_searching is not screened
  (:func:`livingreview.screening.assignment.other_method_studies`): its records are counted in
  their identification box only, the "duplicate records removed" box holds the duplicates among
  the databases' and registers' records (the library's duplicates less the other-methods records
  that are not such a new study), and its report is counted in the other-methods column;
* full text (reports sought … included, exclusions per reason): :data:`FULL_TEXT` (``by_round``
  of ``livingreview fulltext``), once no report of the round is pending; its ``other_methods``
  counts fill the other-methods column and the rest the databases-and-registers column;
* totals: the studies and reports included now, from :data:`FULL_TEXT_DECISIONS` (every report
  with decision ``include``, grouped by study), once this round's full text is complete and no
  re-assessed report is pending, nor a report of the previous version whose title/abstract
  decision a late change opened again (:func:`awaiting_screening`): until the conflict or the
  second reviewer settles it, it is neither still included nor removed;
* previous studies: the total of the round before, from its ledger snapshot; removed on
  re-assessment: the previous version's studies (recorded in its snapshot) that are no longer a
  study of their own (no report included now, or now a report of another previous study), and
  its reports no longer included. New studies are the studies included now that hold no report
  of the previous version, so total = previous + new − removed;
* re-included on re-assessment: a report of an earlier round that the previous version did not
  include (excluded, not retrieved) and that is included now was assessed for eligibility again
  in this version. There is no PRISMA box for it, so it is counted where the boxes add up: its
  study, when it holds no report of the previous version, is a new study of this version, and
  the report is sought, assessed and included in this version's full-text boxes, a report of a
  new included study (the "reports sought = records screened − records excluded" relation, a
  warning, then differs by those reports).

Each round's column is kept as ``<deduplication.history_dir>/<version>/prisma_ledger.json`` beside
the library's round snapshot (with the included studies and their reports once known, and the
labels of the full-text exclusion reasons its lists name, by id), so later
rounds can draw the living layouts and count removals. A round frozen (``round new``) while its
screening or full text was in progress keeps the counts it published; its decisions returned
since (a round-1 study decided during round 2) are counted in no later round's screening or
full-text boxes, and the ledger's note on the stage says how far it has got (:func:`since_frozen`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Container, Mapping, Sequence
from pathlib import Path
from typing import Any

from livingreview.config import enabled_imports, enabled_sources
from livingreview.errors import InputFileError
from livingreview.fileio import read_csv_table, read_json
from livingreview.import_rounds import earlier_round
from livingreview.prisma.ledger import Column, chain_rounds
from livingreview.prisma_s import source_labels
from livingreview.screening.assignment import OTHER_METHODS, other_method_studies
from livingreview.screening.automation import excluded_study_ids

COUNTS = "library/counts.json"
AUTOMATION = "screening/automation_counts.json"
FINAL_SCREENING = "screening/final_decisions.csv"
LIBRARY_CHANGES = "library/changelog.csv"
FULL_TEXT = "fulltext/outcome.json"
FULL_TEXT_DECISIONS = "fulltext/decisions.csv"
STAGE_FILES = (AUTOMATION, FINAL_SCREENING, FULL_TEXT, FULL_TEXT_DECISIONS)
FULL_TEXT_FIELDS = (
    "reports_sought",
    "reports_not_retrieved",
    "reports_assessed",
    "reports_included",
    "studies_included",
)
SNAPSHOT = "prisma_ledger.json"
# Said of an earlier round's decisions returned after its counts were frozen (:func:`since_frozen`).
UNCOUNTED = "not counted in its published boxes"
BOX_OF_KIND = {
    "database": "database",
    "register": "register",
    "websites": "website_results",
    "organisations": "organisation_results",
    "citation_searching": "citations_results",
}
# Study id -> the ids of its included reports.
Included = dict[str, list[str]]


def field(path: Path, data: Mapping[str, Any], key: str) -> Any:
    """``data[key]``, or an error naming the file and the missing field."""
    try:
        return data[key]
    except (KeyError, TypeError):
        raise InputFileError(path, "missing a field the PRISMA ledger needs", field=key) from None


def _manifest(outputs: Path, name: str) -> dict[str, Any]:
    path = outputs / "search" / name / "manifest.json"
    manifest = read_json(path, "search manifest not found; run the search first")
    kind = manifest.get("prisma_box", "database")
    if kind not in BOX_OF_KIND:
        raise InputFileError(
            path, f"expected one of {', '.join(BOX_OF_KIND)}, got {kind!r}", field="prisma_box"
        )
    return manifest


def identification(config: Mapping[str, Any], outputs: Path, column: Column) -> dict[str, str]:
    """Fill the identification boxes; return source name -> its PRISMA box kind."""
    path = outputs / COUNTS
    counts = read_json(path, "library counts not found; run the library step first")
    by_source: Mapping[str, int] = field(path, counts, "records_identified_by_source")
    names = enabled_sources(config) + enabled_imports(config)
    lists: dict[str, list[tuple[str, int]]] = {"database": [], "register": []}
    sums = {box: 0 for box in BOX_OF_KIND.values()}
    kinds: dict[str, str] = {}
    listed: list[tuple[str, dict[str, Any], int]] = []  # (box, manifest, records retrieved)
    for name in names:
        manifest = _manifest(outputs, name)
        retrieved = int(field(outputs / "search" / name / "manifest.json", manifest, "retrieved"))
        kind = manifest.get("prisma_box", "database")
        kinds[name] = kind
        box = BOX_OF_KIND[kind]
        sums[box] += int(by_source.get(name, 0))
        if name not in by_source and earlier_round(manifest, str(config["review"]["version"])):
            continue  # an export of an earlier round, not searched again: listed in its round
        if box in lists:
            listed.append((box, {**manifest, "source": name}, retrieved))
    labels = source_labels([manifest for _, manifest, _ in listed])
    for (box, _, retrieved), label in zip(listed, labels, strict=True):
        lists[box].append((label, retrieved))
    column.numbers["database_results"] = sums["database"]
    column.numbers["register_results"] = sums["register"]
    column.lists["database_specific_results"] = tuple(lists["database"])
    column.lists["register_specific_results"] = tuple(lists["register"])
    other = any(kind not in ("database", "register") for kind in kinds.values())
    for box in ("website_results", "organisation_results", "citations_results"):
        column.numbers[box] = sums[box] if other else None
    column.numbers["duplicates"] = int(field(path, counts, "duplicates_removed"))
    column.numbers["excluded_other"] = 0
    maybe_pairs(path, counts, column)
    return kinds


def other_methods(
    outputs: Path, round_no: int, column: Column, kinds: Mapping[str, str]
) -> dict[str, int]:
    """The studies of the other-methods arm (study id -> round new in; see the module docstring)
    and, when there are such imports, the duplicates box of the databases and registers."""
    sources = [name for name, kind in kinds.items() if kind in OTHER_METHODS]
    if not sources:
        return {}
    others = other_method_studies(outputs, sources)
    new = {s for s, n in others.items() if n == round_no} - split_off(outputs, round_no)
    path = outputs / COUNTS
    counts = read_json(path, "library counts not found; run the library step first")
    by_source = field(path, counts, "records_identified_by_source")
    records = sum(int(by_source.get(name, 0)) for name in sources)
    column.numbers["duplicates"] = (column.n("duplicates") or 0) - (records - len(new))
    return others


def maybe_pairs(path: Path, counts: Mapping[str, Any], column: Column) -> None:
    """Deduplication is pending while a possible duplicate pair waits for a person: deciding it
    may change the duplicates removed and every count after them (shown as counted so far)."""
    waiting = counts.get("maybe_pairs_pending", 0)
    if type(waiting) is not int or waiting < 0:
        raise InputFileError(
            path, f"expected a whole number, got {waiting!r}", field="maybe_pairs_pending"
        )
    if waiting:
        column.pending["deduplication"] = (
            f"{waiting} possible duplicate pair(s) to decide in dedup/maybe_pairs.xlsx"
        )


def automation(outputs: Path, round_no: int, column: Column) -> None:
    """Records marked as ineligible by automation tools this round (0 if the stage has not run)."""
    path = outputs / AUTOMATION
    if not path.exists():
        column.numbers["excluded_automatic"] = 0
        column.pending["automation"] = "stage not run"
        return
    data = read_json(path, "automation counts not found")
    by_round = data.get("by_round", {})
    column.numbers["excluded_automatic"] = int(by_round.get(str(round_no), {}).get("excluded", 0))


def _final_decisions(path: Path, round_no: int) -> dict[str, str]:
    rows = read_csv_table(path, ("study_id", "round", "decision"), "final decisions not found")
    return {
        row["study_id"]: row["decision"].strip().lower()
        for row in rows
        if row["round"].strip() == str(round_no)
    }


def split_off(outputs: Path, round_no: int) -> set[str]:
    """The studies the library split off earlier studies in round ``round_no``."""
    path = outputs / LIBRARY_CHANGES
    if not path.exists():
        return set()
    rows = read_csv_table(path, ("round", "event", "study_id"), "library changelog not found")
    return {
        row["study_id"]
        for row in rows
        if row["event"] == "split" and row["round"].strip() == str(round_no)
    }


def _to_screen(column: Column) -> int:
    """The records a round screens: identified, less those removed before screening."""
    identified = (column.n("database_results") or 0) + (column.n("register_results") or 0)
    removed = sum(column.n(k) or 0 for k in ("duplicates", "excluded_automatic", "excluded_other"))
    return identified - removed


def screening(
    outputs: Path, round_no: int, column: Column, others: Container[str] = ()
) -> int | None:
    """Records screened and excluded, once every study of the round has a final decision (parts
    split off earlier studies and studies found by other methods, ``others``, left out: see the
    module docstring). Returns how many studies of the round (split parts too) go to full text
    from screening, or None until screening is complete."""
    path = outputs / FINAL_SCREENING
    if not path.exists():
        column.pending["screening"] = "stage not run"
        return None
    parts = split_off(outputs, round_no)
    every = {s: d for s, d in _final_decisions(path, round_no).items() if s not in others}
    decided = {s: d for s, d in every.items() if s not in parts}
    to_screen = _to_screen(column)
    if len(decided) < to_screen:
        column.pending["screening"] = (
            f"in progress: {len(decided)} of {to_screen} records with a final decision"
        )
        return None
    excluded = sum(1 for d in decided.values() if d == "exclude")
    column.numbers["records_screened"] = len(decided)
    column.numbers["records_excluded"] = excluded
    # People make every screening decision; the ranker only orders the sheets.
    column.numbers["records_excluded_human"] = excluded
    column.numbers["records_excluded_automation"] = 0
    return sum(1 for d in every.values() if d != "exclude")


def full_text(
    config: Mapping[str, Any],
    outputs: Path,
    round_no: int,
    column: Column,
    to_seek: int | None = None,
) -> None:
    """Reports sought, not retrieved, assessed, excluded (per reason) and included
    (``to_seek``: the studies of the round screening sent to full text, None while unknown;
    none: every full-text box is 0)."""
    path = outputs / FULL_TEXT
    if not path.exists():
        column.pending["full_text"] = "stage not run"
        return
    data = read_json(path, "full-text outcome not found")
    counts = data.get("by_round", {}).get(str(round_no))
    if counts is None and to_seek == 0:
        counts = {key: 0 for key in FULL_TEXT_FIELDS} | {"complete": True}
    if counts is None:
        column.pending["full_text"] = "no report sought yet"
        return
    if not counts.get("complete") or counts.get("reports_pending"):
        column.pending["full_text"] = (
            f"in progress: {counts.get('reports_pending', 0)} of "
            f"{field(path, counts, 'reports_sought')} "
            "reports pending"
        )
        return
    labels = reason_labels(config)
    got = {key: int(field(path, counts, key)) for key in FULL_TEXT_FIELDS}
    other = counts.get("other_methods") or {key: 0 for key in FULL_TEXT_FIELDS}
    apart = {key: int(field(path, other, key)) for key in FULL_TEXT_FIELDS}
    reasons = _reasons(counts.get("excluded_by_reason", {}))
    other_reasons = _reasons(other.get("excluded_by_reason", {}))
    for prefix, part in (("dbr", {k: got[k] - apart[k] for k in got}), ("other", apart)):
        if prefix == "other" and column.n("website_results") is None:
            break  # no other-methods import: that column is not drawn
        column.numbers.update(
            {
                f"{prefix}_sought_reports": part["reports_sought"],
                f"{prefix}_notretrieved_reports": part["reports_not_retrieved"],
                f"{prefix}_assessed": part["reports_assessed"],
                f"{prefix}_included_reports": part["reports_included"],
            }
        )
        excluded = other_reasons if prefix == "other" else reasons - other_reasons
        column.lists[f"{prefix}_excluded"] = tuple(
            (labels.get(reason, reason), n) for reason, n in excluded.items()
        )
    column.numbers.update(new_reports=got["reports_included"], new_studies=got["studies_included"])


def _reasons(found: Mapping[str, Any]) -> Counter[str]:
    """Reports excluded per reason id, as counted in the full-text outcome."""
    return Counter({reason: int(n) for reason, n in found.items()})


def decided_now(outputs: Path) -> tuple[Included, dict[str, int]]:
    """Every study included now with its included reports, and each report's round, from the
    full-text decisions."""
    path = outputs / FULL_TEXT_DECISIONS
    rows = read_csv_table(
        path,
        ("report_id", "study_id", "round", "decision"),
        "full-text decisions not found; run the full-text step",
    )
    found: Included = {}
    rounds: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        try:
            rounds[row["report_id"]] = int(row["round"])
        except ValueError:
            raise InputFileError(
                path,
                f"expected a round number, got {row['round']!r}",
                position=f"row {number}",
                field="round",
            ) from None
        if row["decision"].strip().lower() == "include":
            found.setdefault(row["study_id"], []).append(row["report_id"])
    return {study: sorted(reports) for study, reports in sorted(found.items())}, rounds


def _reincluded(column: Column, reports: set[str], others: Container[str] = ()) -> None:
    """Count reports re-included on re-assessment in this version's full-text boxes (of the
    other-methods column for those of ``others``)."""
    other = {r for r in reports if r in others}
    for arm, found in (("dbr", reports - other), ("other", other)):
        for key in (f"{arm}_sought_reports", f"{arm}_assessed", f"{arm}_included_reports"):
            if found:
                column.numbers[key] = (column.n(key) or 0) + len(found)
    column.numbers["new_reports"] = (column.n("new_reports") or 0) + len(reports)


def awaiting_screening(outputs: Path, reports: set[str]) -> set[str]:
    """The ``reports`` (of the previous version, no longer sought at full text) without a final
    title/abstract decision now: a decision returned late opened their screening again (a
    conflict for the resolver, a second reviewer to decide), so they are not removed yet. A
    study an automation limit excludes now (one amended since) waits for no one: it is removed."""
    path = outputs / FINAL_SCREENING
    if not reports or not path.exists():
        return set()
    rows = read_csv_table(path, ("study_id",), "final decisions not found")
    return reports - {row["study_id"] for row in rows} - excluded_study_ids(outputs)


def totals(
    outputs: Path,
    round_no: int,
    column: Column,
    previous: Included | None,
    others: Container[str] = (),
) -> Included | None:
    """Total studies and reports included now, new studies, what re-assessment removed from
    the previous version (``previous``: its included studies; None when not recorded) and what
    it included again. Returns the studies included now, or None while this round's full text
    or a re-assessment is pending."""
    if column.n("new_studies") is None:
        return None
    pending = int(
        read_json(outputs / FULL_TEXT, "full-text outcome not found").get("reports_pending", 0)
    )
    if pending:
        column.pending["totals"] = f"re-assessment in progress: {pending} report(s) pending"
        return None
    now, rounds = decided_now(outputs)
    before = {report for reports in (previous or {}).values() for report in reports}
    waiting = awaiting_screening(outputs, before - set(rounds))
    if waiting:
        column.pending["totals"] = (
            f"re-assessment in progress: {len(waiting)} report(s) of the previous version "
            "awaiting a title/abstract decision"
        )
        return None
    column.numbers["total_studies"] = len(now)
    column.numbers["total_reports"] = sum(len(reports) for reports in now.values())
    if previous is None:
        return now
    after = {report for reports in now.values() for report in reports}
    _reincluded(column, {r for r in after - before if rounds[r] < round_no}, others)
    carried = sum(1 for reports in now.values() if before.intersection(reports))
    kept = min(carried, len(previous))
    column.numbers["new_studies"] = len(now) - kept
    column.numbers["removed_studies"] = len(previous) - kept
    column.numbers["removed_reports"] = len(before - after)
    return now


def current_column(
    config: Mapping[str, Any], outputs: Path, round_no: int, previous: Included | None = None
) -> tuple[Column, Included | None]:
    """This round's ledger column from the pipeline's outputs, and the studies included now
    (None until known). ``previous``: the previous version's included studies (``{}`` for the
    first version, None when not recorded)."""
    column = Column(str(config["review"]["version"]))
    kinds = identification(config, outputs, column)
    others = other_methods(outputs, round_no, column, kinds)
    automation(outputs, round_no, column)
    to_seek = screening(outputs, round_no, column, others)
    if to_seek is not None:
        to_seek += sum(1 for number in others.values() if number == round_no)
    full_text(config, outputs, round_no, column, to_seek)
    return column, totals(outputs, round_no, column, previous, others)


def snapshot_column(path: Path, data: Any) -> Column:
    """The column of a ledger snapshot; a count that is not a whole number (or null) is an error
    naming the file and the count."""
    column = field(path, data, "column")
    field(path, column, "label")
    counts = field(path, column, "counts")
    for key, value in counts.items() if isinstance(counts, dict) else ():
        if value is not None and type(value) is not int:
            raise InputFileError(
                path, f"expected a whole number or null, got {value!r}", field=f"counts.{key}"
            )
    try:
        return Column.from_json(column)
    except (AttributeError, KeyError, TypeError, ValueError):
        raise InputFileError(path, "not a PRISMA ledger column", field="column") from None


def snapshots(history_dir: Path, version: str) -> list[dict[str, Any]]:
    """Earlier rounds' ledger snapshots, oldest first; this version excluded."""
    found = []
    for path in sorted(history_dir.glob(f"*/{SNAPSHOT}")):
        data = read_json(path, "ledger snapshot not found")
        if snapshot_column(path, data).label == version:
            continue
        if type(data.get("round")) is not int:
            raise InputFileError(path, "expected a round number", field="round")
        found.append(data)
    return sorted(found, key=lambda data: int(data["round"]))


def removed_reports(history_dir: Path) -> dict[str, str]:
    """Report id -> the version whose "Reports removed from previous version on re-assessment"
    box counts it: a report the version before included and that version no longer includes
    (their snapshots' ``included``, as :func:`totals` counted them). A version whose snapshot
    records no included studies (not known yet) removes none, nor does the one after it."""
    found: dict[str, str] = {}
    before: set[str] | None = None
    for data in snapshots(history_dir, ""):  # every version's, this one's too
        included = data.get("included")
        now = None if included is None else {r for reports in included.values() for r in reports}
        if before is not None and now is not None:
            found.update(dict.fromkeys(sorted(before - now), str(data["column"]["label"])))
        before = now
    return found


def history(snapshots: Sequence[Mapping[str, Any]]) -> list[tuple[int, Column]]:
    """The (round number, column) of each earlier round's snapshot, oldest first."""
    return [(int(data["round"]), Column.from_json(data["column"])) for data in snapshots]


def previous_included(snapshots: Sequence[Mapping[str, Any]], round_no: int) -> Included | None:
    """The studies the version before round ``round_no`` included (``{}`` when there is none;
    None when its snapshot did not record them)."""
    earlier = [data for data in snapshots if int(data["round"]) < round_no]
    if not earlier:
        return {}
    recorded = earlier[-1].get("included")
    return None if recorded is None else {str(k): list(v) for k, v in recorded.items()}


#: The list boxes naming full-text exclusion reasons by their labels.
REASON_LISTS = ("dbr_excluded", "other_excluded")
#: Key of a ledger snapshot: full-text reason id -> the label its column names it with.
REASON_IDS = "reason_labels"


def reason_labels(config: Mapping[str, Any]) -> dict[str, str]:
    """Full-text reason id -> label, as the protocol names them now (for a snapshot)."""
    return {str(r["id"]): str(r["label"]) for r in config["exclusion_reasons"]["full_text"]}


def reasons_named_now(
    config: Mapping[str, Any], column: Column, kept_protocol: Path, named: Any = None
) -> None:
    """Name an earlier version's full-text exclusion reasons with the protocol's labels now.

    A reason whose label was reworded since would otherwise be two reasons when the versions
    are combined. Its id: ``named`` (the snapshot's :data:`REASON_IDS`: the labels its column
    was named with, kept since ``round new`` may freeze it under a protocol amended after the
    version's report kept its protocol.json), else the version's kept protocol.json. Counts
    stay as frozen; a label neither names (or no kept protocol) stays as it was.
    """
    from livingreview.report.changes import read_kept_protocol  # (as prisma.stage: report's)

    if isinstance(named, Mapping):
        listed: Any = [{"id": rid, "label": label} for rid, label in named.items()]
    else:
        reasons = read_kept_protocol(kept_protocol).get("exclusion_reasons") or {}
        listed = reasons.get("full_text")
    then = {
        str(r.get("label")): str(r.get("id"))
        for r in (listed if isinstance(listed, list) else [])
        if isinstance(r, Mapping)
    }
    now = reason_labels(config)
    for key in REASON_LISTS:
        totals: dict[str, int] = {}
        for label, n in column.items(key) or ():
            label_now = now.get(then.get(label, ""), label)
            totals[label_now] = totals.get(label_now, 0) + n
        if column.items(key) is not None:
            column.lists[key] = tuple(totals.items())


def since_frozen(
    outputs: Path, round_no: int, column: Column, others: Collection[str] = ()
) -> None:
    """An earlier round's column, as its snapshot froze it: a stage that was in progress then
    also says how far it has got since, from the current outputs (undecided maybe pairs say
    they were so when it was frozen). The counts stay as that version published them."""
    after = f" when version {column.label} was frozen; "
    if "deduplication" in column.pending:  # a pair decided since counts in a later version
        column.pending["deduplication"] += f" when version {column.label} was frozen"
    note = column.pending.get("screening", "")
    path = outputs / FINAL_SCREENING
    if note.startswith("in progress") and path.exists():
        decided = set(_final_decisions(path, round_no)) - split_off(outputs, round_no)
        decided -= set(others)
        column.pending["screening"] = (
            f"{note}{after}{len(decided)} of {_to_screen(column)} decided now, {UNCOUNTED}"
        )
    note = column.pending.get("full_text", "")
    path = outputs / FULL_TEXT
    if not (note.startswith("in progress") and path.exists()):
        return
    now = read_json(path, "full-text outcome not found").get("by_round", {}).get(str(round_no))
    if now is not None:
        pending = int(field(path, now, "reports_pending"))
        sought = int(field(path, now, "reports_sought"))
        column.pending["full_text"] = f"{note}{after}{pending} of {sought} pending now, {UNCOUNTED}"


def rounds_of(
    earlier: Sequence[tuple[int, Column]], current: Column, round_no: int
) -> list[tuple[int, Column]]:
    """Every round in order, previous studies chained from the round before."""
    ordered = [item for item in earlier if item[0] < round_no] + [(round_no, current)]
    chained = chain_rounds([c for _, c in ordered])
    return [(n, c) for (n, _), c in zip(ordered, chained, strict=True)]
