"""The full-text stage, as run by ``livingreview fulltext``: import, decide, export.

Reports sought are the studies included at title/abstract (``screening/final_decisions.csv``)
and the studies found by other methods only (imports with ``prisma_box`` websites, organisations
or citation_searching; :func:`livingreview.screening.assignment.other_method_studies`), which
PRISMA 2020 does not screen: they are sought, assessed and decided like the others, and
``outcome.json``'s ``by_round`` counts them again under ``other_methods`` (the ledger's
other-methods column) when the protocol has such imports.
A report whose study the library later merged into another (``library/changelog.csv``) is kept,
with its decisions, as a report of the surviving study.
Every returned full-text sheet in ``<paths.human_input>/<full_text.folder>/`` is checked and
logged in ``fulltext/assessments.csv`` (a rejected file stops the run before anything is
written); conflicts go to ``fulltext/conflicts.xlsx`` and returned resolutions are read from
``<full_text.conflicts_folder>`` and stored, each with its notes, file and row, in
``fulltext/resolutions.csv`` (as ``screening/resolutions.csv``). The reviewers' agreement (before
conflicts were settled) goes to ``fulltext/agreement.csv``/``.json``
(:mod:`livingreview.fulltext.agreement`). Then each reviewer's sheet of
the reports they have not decided is written to ``fulltext/sheets/``. No returned sheet is
fine: everything is pending. Outputs: :data:`OUTPUTS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from livingreview import reviewforms, sheets
from livingreview.dedup.rounds import StudyAliases
from livingreview.fileio import atomic_write_text, read_csv_table, read_json, write_json
from livingreview.fulltext import decide, open_access, registrations, sheet, studies
from livingreview.fulltext.agreement import fulltext_agreement, write_fulltext_agreement
from livingreview.screening import conflict_sheet
from livingreview.screening.assignment import (
    other_method_sources,
    protocol_other_method_studies,
    read_library_rows,
    study_aliases,
)
from livingreview.screening.export import is_register_record
from livingreview.screening.outcome import resolver
from livingreview.screening.published_agreement import published

OUTPUTS = {
    "assessments": "fulltext/assessments.csv",
    "decisions": "fulltext/decisions.csv",
    "included": "fulltext/included_studies.csv",
    "excluded": "fulltext/excluded.csv",
    "conflicts_xlsx": "fulltext/conflicts.xlsx",
    "conflicts_csv": "fulltext/conflicts.csv",
    "resolutions": "fulltext/resolutions.csv",
    "agreement_csv": "fulltext/agreement.csv",
    "agreement_json": "fulltext/agreement.json",
    "outcome": "fulltext/outcome.json",
    "status": "fulltext/status.json",
}
SHEETS_DIR = "fulltext/sheets"
FINAL_SCREENING = "screening/final_decisions.csv"
LIBRARY_CHANGELOG = "library/changelog.csv"
SECTION = "full_text"


def returned_inputs(config: Mapping[str, Any]) -> list[str]:
    """For Snakemake: every returned sheet and resolution, so returning one re-runs the stage."""
    return [
        str(p)
        for key in ("folder", "conflicts_folder")
        for p in sheets.input_files(reviewforms.human_folder(config, SECTION, key))
    ]


def reports_sought(outputs: Path) -> dict[str, int]:
    """Report id -> round, for every study included at title/abstract."""
    rows = read_csv_table(
        outputs / FINAL_SCREENING,
        ("study_id", "round", "decision"),
        "missing: run `livingreview conflicts` (final title/abstract decisions) first",
    )
    return {r["study_id"]: int(r["round"]) for r in rows if r["decision"] == "include"}


def other_reports(config: Mapping[str, Any]) -> dict[str, int] | None:
    """Report id -> round of the studies found by other methods only (None when no import of
    the protocol is counted in an other-methods box)."""
    if not other_method_sources(config):
        return None
    return protocol_other_method_studies(config)


def sought_reports(config: Mapping[str, Any]) -> tuple[dict[str, int], dict[str, int] | None]:
    """Every report sought (id -> round) and those of the other-methods arm (see
    :func:`other_reports`). A study of that arm is sought in the round it is new in, whatever
    its title/abstract decisions (a sheet returned before its import was counted there)."""
    sought = reports_sought(Path(config["paths"]["outputs"]))
    others = other_reports(config)
    if others:
        sought = dict(
            sorted(({r: n for r, n in sought.items() if r not in others} | others).items())
        )
    return sought, others


def report_library(
    outputs: Path,
    sought: Mapping[str, int],
    merged: Mapping[str, str],
    every_id: Callable[[], bool] = lambda: False,
) -> tuple[frozenset[str], dict[str, Mapping[str, str]]]:
    """Every study id of the library (when a report is sought or ``every_id()``) and the rows
    of the reports sought, a report whose study was merged since with its surviving study's."""
    # Rows of the reports sought (or the studies they were merged into) only: every other
    # study just needs to be known.
    wanted = set(sought) | {merged[r] for r in sought if r in merged}
    if wanted or every_id():
        in_library, found = studies.library_ids_and_rows(
            outputs / "library/records.csv", wanted, read_library_rows(outputs)
        )
    else:  # nothing reached full text and nothing returned: no study of the library is needed
        studies.check_library(outputs / "library/records.csv")
        in_library, found = frozenset(), {}
    return in_library, studies.with_retired(found, merged)


def current_round(outputs: Path) -> int:
    """The library's current round."""
    counts = read_json(outputs / "library/counts.json", "missing: run the library step first")
    return int(counts["round"])


def _reasons(config: Mapping[str, Any]) -> dict[str, str]:
    return {r["id"]: r["label"] for r in config["exclusion_reasons"]["full_text"]}


def import_rows(
    config: Mapping[str, Any], expected: reviewforms.ExpectedForm
) -> tuple[list[reviewforms.Entry], list[reviewforms.ReturnedForm]]:
    """Read and check every returned sheet (nothing written on a rejection)."""
    reasons = _reasons(config)
    folder = reviewforms.human_folder(config, SECTION)
    return reviewforms.import_forms(
        sheets.returned_files(folder, sheet.WHAT),
        expected,
        base=Path(config["paths"]["human_input"]),
        store=Path(config["paths"]["outputs"]) / OUTPUTS["assessments"],
        clean=lambda filled, path: sheet.clean_row(filled, expected, reasons, path),
    )


def read_resolutions(
    config: Mapping[str, Any],
    round_number: int,
    known: frozenset[str],
    aliases: StudyAliases | None = None,
) -> conflict_sheet.ReturnedResolutions:
    """Resolutions (and notes on conflicts left unresolved) in the returned full-text conflicts
    sheets."""
    expected = conflict_sheet.ExpectedConflicts(
        config["review"]["id"],
        decide.STAGE,
        round_number,
        _reasons(config),
        known,
        conflict_sheet.allowed_resolvers(config),
        aliases,
    )
    folder = reviewforms.human_folder(config, SECTION, "conflicts_folder")
    return conflict_sheet.read_resolution_sheets(
        sheets.returned_files(folder, conflict_sheet.WHAT),
        expected,
        Path(config["paths"]["human_input"]),
    )


def run_fulltext(config: Mapping[str, Any]) -> dict[str, Any]:
    """Import, decide and export (see the module docstring); returns the outcome written."""
    settings = config[SECTION]
    outputs = Path(config["paths"]["outputs"])
    sought, others = sought_reports(config)
    merged = studies.merged_into(outputs / LIBRARY_CHANGELOG)
    in_library, library = report_library(
        outputs, sought, merged, every_id=lambda: bool(returned_inputs(config))
    )
    library = open_access.with_links(config, library)
    round_number = current_round(outputs)
    dual = settings["mode"] == "dual"
    reviewers = reviewforms.role_reviewers(config, "full_text", settings["mode"], SECTION)
    reasons = _reasons(config)
    # a report no longer sought is ignored
    expected = _expected_sheet(config, frozenset(sought) | in_library, merged, round_number)
    entries, forms = import_rows(config, expected)
    returned = read_resolutions(config, round_number, expected.known_ids, expected.aliases)
    rows = reviewforms.latest_rows(entries)
    outcome = decide.decide_reports(
        sought, rows, returned.resolutions, dual=dual, rule=settings["decision_rule"]
    )
    cited = registrations.cited_registrations(library, (r.report_id for r in outcome.reports))
    decide.group_studies(outcome, rows, merged, cited)

    write_decisions(outputs, entries, outcome, library, reasons)
    write_fulltext_agreement(
        outputs / OUTPUTS["agreement_csv"],
        outputs / OUTPUTS["agreement_json"],
        fulltext_agreement(sought, rows, list(reasons)),
        {"review_id": config["review"]["id"], "mode": settings["mode"]},
        published(config, "full_text"),
    )
    spec = write_conflicts(config, round_number, outcome, library, reasons, returned)
    written = export_sheets(config, sought, library, rows, reviewers, round_number)
    result = summary(config, round_number, spec.resolver, outcome, sought, others)
    write_json(outputs / OUTPUTS["outcome"], result)
    state = status(config, sought, rows, reviewers, forms, written, round_number)
    write_json(outputs / OUTPUTS["status"], state)
    return result


def _expected_sheet(
    config: Mapping[str, Any],
    known: frozenset[str],
    merged: Mapping[str, str],
    round_number: int,
) -> reviewforms.ExpectedForm:
    """What a returned full-text sheet must hold this round."""
    return reviewforms.ExpectedForm(
        sheet.WHAT,
        sheet.KIND,
        sheet.SHEET,
        sheet.ID_COLUMN,
        sheet.EDITABLE,
        config["review"]["id"],
        round_number,
        reviewforms.with_role(config, "full_text"),
        known,
        study_aliases(Path(config["paths"]["outputs"]), merged),
        sheet.TEXTS,
        written=tuple(c.name for c in sheet.layout(()).columns),
        former=reviewforms.without_role(config, "full_text"),
    )


def write_decisions(
    outputs: Path,
    entries: list[reviewforms.Entry],
    outcome: decide.FullTextOutcome,
    library: Mapping[str, Mapping[str, str]],
    reasons: Mapping[str, str],
) -> None:
    """Write the assessments log and the tables of decisions, included and excluded studies."""
    reviewforms.write_entries(outputs / OUTPUTS["assessments"], entries)
    table = reviewforms.table_text
    atomic_write_text(
        outputs / OUTPUTS["decisions"],
        table(studies.DECISION_COLUMNS, studies.decision_rows(outcome.reports, reasons)),
    )
    included = studies.included_rows(outcome.reports, library)
    atomic_write_text(outputs / OUTPUTS["included"], table(studies.INCLUDED_COLUMNS, included))
    excluded = studies.excluded_rows(outcome.reports, library, reasons, included)
    atomic_write_text(outputs / OUTPUTS["excluded"], table(studies.EXCLUDED_COLUMNS, excluded))


def write_conflicts(
    config: Mapping[str, Any],
    round_number: int,
    outcome: decide.FullTextOutcome,
    library: Mapping[str, Mapping[str, str]],
    reasons: Mapping[str, str],
    returned: conflict_sheet.ReturnedResolutions,
) -> conflict_sheet.ConflictSheetSpec:
    """Write the conflicts sheet of the conflicts still pending and the table of resolutions
    read; returns the sheet's spec."""
    outputs = Path(config["paths"]["outputs"])
    spec = conflict_sheet.ConflictSheetSpec(
        config["review"]["id"], decide.STAGE, round_number, resolver(config, SECTION)
    )
    conflict_sheet.write_conflict_sheets(
        outputs / OUTPUTS["conflicts_xlsx"],  # and conflicts_csv beside it
        spec,
        conflict_sheet.sheet_rows(outcome.pending_conflicts, library, returned.notes),
        list(reasons.items()),
        str(reviewforms.human_folder(config, SECTION, "conflicts_folder")),
    )
    atomic_write_text(
        outputs / OUTPUTS["resolutions"],
        reviewforms.table_text(
            conflict_sheet.RESOLUTION_COLUMNS,
            conflict_sheet.resolutions_rows(returned.resolutions),
        ),
    )
    return spec


def summary(
    config: Mapping[str, Any],
    round_number: int,
    resolver_name: str,
    outcome: decide.FullTextOutcome,
    sought: Mapping[str, int],
    others: Mapping[str, int] | None,
) -> dict[str, Any]:
    """The contents of ``outcome.json``."""
    settings = config[SECTION]
    return {
        "review_id": config["review"]["id"],
        "round": round_number,
        "mode": settings["mode"],
        "decision_rule": settings["decision_rule"],
        "resolver": resolver_name,
        **decide.counts(outcome),
        "by_round": by_round(outcome, sought, others),
        "conflicts_pending": len(outcome.pending_conflicts),
        "decided_by": decide.settled_by(outcome),
        "awaiting_second_reviewer": sum(1 for r in outcome.reports if r.how == "awaiting_second"),
        "link_disagreements": outcome.link_disagreements,
        "resolutions_not_needed": outcome.unused_resolutions,
    }


def by_round(
    outcome: decide.FullTextOutcome, sought: Mapping[str, int], others: Mapping[str, int] | None
) -> dict[str, dict[str, Any]]:
    """The counts of the reports sought in each round; with other-methods imports, those of the
    other-methods arm again under ``other_methods``."""
    found = {}
    for number in sorted(set(sought.values())):
        found[str(number)] = decide.counts(outcome, number)
        if others is not None:
            found[str(number)]["other_methods"] = decide.counts(outcome, number, others)
    return found


def _decided(cells: Mapping[str, str]) -> bool:
    return bool(cells.get("decision")) or cells.get("retrieval") == sheet.NOT_RETRIEVED


def settled_earlier(
    config: Mapping[str, Any],
    sought: Mapping[str, int],
    rows: Mapping[tuple[str, str], Mapping[str, str]],
    round_number: int,
) -> frozenset[str]:
    """Reports sought in earlier rounds already decided by as many reviewers as the mode asks
    (two in dual mode): a reviewer who joined the team since, and has not decided them, is not
    given them (nor counted as owing them)."""
    decided = {key: cells for key, cells in rows.items() if _decided(cells)}
    reports = ({"study_id": rid, "round": str(number)} for rid, number in sought.items())
    dual = config[SECTION]["mode"] == "dual"
    return reviewforms.settled_earlier(reports, decided, dual, round_number)


def _theirs(
    reviewer: str,
    sought: Mapping[str, int],
    rows: Mapping[tuple[str, str], Mapping[str, str]],
    settled: frozenset[str],
) -> list[str]:
    """The reports assigned to ``reviewer``: those they decided and those not settled yet."""
    return [
        rid
        for rid in sorted(sought)
        if rid not in settled or _decided(rows.get((reviewer, rid), {}))
    ]


def export_sheets(
    config: Mapping[str, Any],
    sought: Mapping[str, int],
    library: Mapping[str, Mapping[str, str]],
    rows: Mapping[tuple[str, str], Mapping[str, str]],
    reviewers: list[str],
    round_number: int,
) -> list[Path]:
    """Each reviewer's sheet of the reports they have not decided (written even when empty)."""
    outputs = Path(config["paths"]["outputs"])
    reasons = list(_reasons(config).items())
    layout = sheet.layout([rid for rid, _ in reasons])
    folder = str(reviewforms.human_folder(config, SECTION))
    written: list[Path] = []
    (outputs / SHEETS_DIR).mkdir(parents=True, exist_ok=True)
    settled = settled_earlier(config, sought, rows, round_number)
    for reviewer in reviewers:
        todo = [
            {"study_id": rid, **library.get(rid, {})}
            for rid in _theirs(reviewer, sought, rows, settled)
            if not _decided(rows.get((reviewer, rid), {}))
        ]
        spec = reviewforms.FormSpec(sheet.KIND, config["review"]["id"], round_number, reviewer)
        lines = sheet.instructions(
            spec,
            len(todo),
            reasons,
            folder,
            bool(config["review"].get("demo")),
            registrations=sum(1 for report in todo if is_register_record(report)),
        )
        written += reviewforms.write_form(
            outputs / SHEETS_DIR,
            spec,
            layout,
            sheet.sheet_rows(todo),
            lines,
            id_column=sheet.ID_COLUMN,
            formats=reviewforms.formats_of(config[SECTION]["sheet_format"]),
        )
    return written


def status(
    config: Mapping[str, Any],
    sought: Mapping[str, int],
    rows: Mapping[tuple[str, str], Mapping[str, str]],
    reviewers: list[str],
    forms: list[reviewforms.ReturnedForm],
    written: list[Path],
    round_number: int,
) -> dict[str, Any]:
    """Per reviewer: reports assigned, decided, pending, and the files they returned."""
    outputs = Path(config["paths"]["outputs"])
    base = Path(config["paths"]["human_input"])
    people = {}
    settled = settled_earlier(config, sought, rows, round_number)
    for reviewer in reviewers:
        decided = sum(1 for rid in sought if _decided(rows.get((reviewer, rid), {})))
        assigned = len(_theirs(reviewer, sought, rows, settled))
        people[reviewer] = {
            "assigned": assigned,
            "decided": decided,
            "pending": assigned - decided,
            "files": sorted(
                reviewforms.relative(f.path, base) for f in forms if f.reviewer == reviewer
            ),
        }
    return {
        "stage": decide.STAGE,
        "reports_sought": len(sought),
        "returned_files": len(forms),
        "reviewers": people,
        "sheets": [p.relative_to(outputs).as_posix() for p in written],
        "state": "no reports yet"
        if not sought
        else ("complete" if all(p["pending"] == 0 for p in people.values()) else "pending"),
    }
