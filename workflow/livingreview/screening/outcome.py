"""After screening: agreement, the conflicts sheet, resolutions read back, and final decisions.

``livingreview agreement`` writes the agreement per reviewer pair and round; ``livingreview
conflicts`` reads the decision store (``<outputs>/screening/decisions.csv``) and the returned
conflicts sheets in ``<paths.human_input>/<screening.conflicts_folder>/`` and writes
:data:`OUTPUTS`:

* ``screening/final_decisions.csv``: ``study_id, round, decision, how, votes, resolver, reason``
  for every study with a final title/abstract decision (PRISMA counts these); ``round`` is the
  library round the study is new in;
* ``screening/conflicts.xlsx`` / ``.csv``: the conflicts still to resolve (may be empty);
* ``screening/resolutions.csv``: every resolution read, with its file and row;
* ``screening/outcome.json``: counts (included, excluded, decided by, conflicts, pending).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from livingreview import sheets
from livingreview.dedup.rounds import StudyAliases
from livingreview.errors import ConfigError
from livingreview.fileio import atomic_write_text, write_json
from livingreview.reviewforms import table_text
from livingreview.screening import conflict_sheet
from livingreview.screening.agreement import agreement, agreement_rows, write_agreement_rows
from livingreview.screening.assignment import (
    library_round,
    library_studies,
    protocol_other_method_studies,
    study_aliases,
    to_screen,
)
from livingreview.screening.conflicts import (
    CONSENSUS,
    FINAL_COLUMNS,
    Outcome,
    decide,
    final_rows,
    settings,
)
from livingreview.screening.decisions import STAGE_TITLE_ABSTRACT, read_decisions
from livingreview.screening.published_agreement import marked_pairs, published, with_published

DECISION_STORE = "screening/decisions.csv"  # written by `livingreview screen`
AGREEMENT_OUTPUTS = {
    "agreement_csv": "screening/agreement.csv",
    "agreement_json": "screening/agreement.json",
}
OUTPUTS = {
    "final": "screening/final_decisions.csv",
    "conflicts_xlsx": "screening/conflicts.xlsx",
    "conflicts_csv": "screening/conflicts.csv",
    "resolutions": "screening/resolutions.csv",
    "outcome": "screening/outcome.json",
}


def conflicts_dir(config: Mapping[str, Any]) -> Path:
    """The folder of returned conflicts sheets, inside ``paths.human_input``."""
    return sheets.returned_folder(config, "screening", "conflicts_folder")


def conflicts_inputs(config: Mapping[str, Any]) -> list[str]:
    """For Snakemake: every file in the returned conflicts folder (and every spreadsheet in a
    folder inside it, which stops the stage), so returning one re-runs."""
    return [str(p) for p in sheets.input_files(conflicts_dir(config))]


def resolver(config: Mapping[str, Any], section: str = "screening") -> str:
    """Who resolves ``section``'s conflicts: under ``<section>.decision_rule: third_reviewer`` the
    first reviewer with the ``conflict_resolution`` role, else ``consensus``."""
    if config[section].get("decision_rule", "consensus") != "third_reviewer":
        return CONSENSUS
    for reviewer in config.get("reviewers", []):
        if "conflict_resolution" in reviewer.get("roles", []):
            return str(reviewer["id"])
    raise ConfigError(
        f"config key 'reviewers': {section}.decision_rule third_reviewer needs a reviewer with "
        "the role 'conflict_resolution'"
    )


def run_agreement(config: Mapping[str, Any]) -> dict[str, Any]:
    """Write the agreement table and JSON; returns the JSON written."""
    outputs = Path(config["paths"]["outputs"])
    results = agreement(read_decisions(outputs / DECISION_STORE))
    _, _, mode = settings(config)
    extra: dict[str, Any] = {"review_id": config["review"]["id"], "mode": mode}
    if mode == "single":
        sample = config["screening"]["verification_sample"]
        extra["verification_sample"] = {
            "fraction": sample["fraction"],
            "seed": sample["seed"],
            "note": "in single mode the studies two reviewers decided are the verified sample",
        }
    # an earlier round's rows as its version published them, a revision since after them
    rows, changed = with_published(agreement_rows(results), published(config, "screening"))
    pairs = marked_pairs([item.as_dict() for item in results], rows)
    data = {**extra, "pairs": pairs, "as_published": changed}
    write_agreement_rows(
        outputs / AGREEMENT_OUTPUTS["agreement_csv"],
        outputs / AGREEMENT_OUTPUTS["agreement_json"],
        rows,
        data,
    )
    return data


def read_resolutions(
    config: Mapping[str, Any],
    current_round: int,
    known_ids: frozenset[str],
    aliases: StudyAliases | None = None,
) -> conflict_sheet.ReturnedResolutions:
    """Every resolution (and note on a conflict left unresolved) in the returned conflicts
    sheets (one naming an old id of a study is read under its current id, ``aliases``)."""
    reasons = {r["id"]: r["label"] for r in config["exclusion_reasons"]["title_abstract"]}
    expected = conflict_sheet.ExpectedConflicts(
        config["review"]["id"],
        STAGE_TITLE_ABSTRACT,
        current_round,
        reasons,
        known_ids,
        conflict_sheet.allowed_resolvers(config),
        aliases,
    )
    files = sheets.returned_files(conflicts_dir(config), conflict_sheet.WHAT)
    return conflict_sheet.read_resolution_sheets(
        files, expected, Path(config["paths"]["human_input"])
    )


def not_screened(config: Mapping[str, Any], rows: Sequence[dict[str, str]]) -> frozenset[str]:
    """Studies of the library no reviewer screens at title/abstract: excluded by automation, or
    found by other methods (straight to full text). A decision returned for one (its sheet was
    written before the automation rule or the import's ``prisma_box``) stays in the store but
    decides nothing: PRISMA and full text do not count it, so neither do the final decisions."""
    if not rows:
        return frozenset()
    outputs = Path(config["paths"]["outputs"])
    screened = to_screen(outputs, rows, protocol_other_method_studies(config))
    return frozenset(row["study_id"] for row in rows) - {row["study_id"] for row in screened}


def run_conflicts(config: Mapping[str, Any]) -> dict[str, Any]:
    """Decide every screened study, write the conflicts sheet and :data:`OUTPUTS`."""
    outputs = Path(config["paths"]["outputs"])
    decisions = read_decisions(outputs / DECISION_STORE)
    aliases = None
    if decisions or sheets.returned_files(conflicts_dir(config), conflict_sheet.WHAT):
        rows, new_in, current, retired = library_studies(outputs)
        aliases = study_aliases(outputs, retired)
    else:  # nothing screened or resolved yet: no study of the library is needed
        rows, new_in, current, retired = [], {}, library_round(outputs), set()
    studies = {row["study_id"]: row for row in rows}
    known = frozenset(studies) | retired | {d.study_id for d in decisions}
    returned = read_resolutions(config, current, known, aliases)
    resolutions = returned.resolutions
    rule, on_maybe, mode = settings(config)
    unscreened = not_screened(config, rows)
    outcome: Outcome = decide(
        [d for d in decisions if d.study_id not in unscreened],
        resolutions,  # one for an unscreened study is listed as not needed
        rule=rule,
        conflict_on_maybe=on_maybe,
        mode=mode,
    )
    reasons = [(r["id"], r["label"]) for r in config["exclusion_reasons"]["title_abstract"]]
    spec = conflict_sheet.ConflictSheetSpec(
        config["review"]["id"], STAGE_TITLE_ABSTRACT, current, resolver(config)
    )
    folder = str(Path(config["paths"]["human_input"]) / config["screening"]["conflicts_folder"])
    conflict_sheet.write_conflict_sheets(
        outputs / OUTPUTS["conflicts_xlsx"],  # and conflicts_csv beside it
        spec,
        conflict_sheet.sheet_rows(outcome.pending, studies, returned.notes),
        reasons,
        folder,
    )
    atomic_write_text(
        outputs / OUTPUTS["resolutions"],
        table_text(conflict_sheet.RESOLUTION_COLUMNS, conflict_sheet.resolutions_rows(resolutions)),
    )
    # PRISMA counts a study in the round it is new in, whichever round's sheet decided it
    final = [replace(f, round=new_in.get(f.study_id, f.round)) for f in outcome.final]
    atomic_write_text(outputs / OUTPUTS["final"], table_text(FINAL_COLUMNS, final_rows(final)))
    counts = {
        "review_id": config["review"]["id"],
        "round": current,
        "decision_rule": rule,
        "conflict_on_maybe": on_maybe,
        "mode": mode,
        "resolver": spec.resolver,
        "conflict_files_read": returned.files,
        **outcome.counts(),
        "decisions_not_used": sorted({d.study_id for d in decisions} & unscreened),
    }
    write_json(outputs / OUTPUTS["outcome"], counts)
    return counts
