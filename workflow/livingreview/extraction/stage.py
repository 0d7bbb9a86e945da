"""The data-extraction stage, as run by ``livingreview extract``: import, settle, export.

Studies are those included at full text (``fulltext/included_studies.csv``). Returned forms in
``<paths.human_input>/<extraction.folder>/`` are checked field by field and logged in
``extraction/entries.csv``. Per study: a consensus row counts; else the reviewers' rows when
they agree on every field (dual) or the one reviewer's row (single); disagreements are listed
and go to a consensus form, settled by the reviewers together or a third reviewer
(``extraction.decision_rule``, :mod:`livingreview.consensus`); what a consensus row settled is
listed in ``extraction/settled_disagreements.csv``. Outputs: :data:`OUTPUTS`; forms in
``extraction/forms/``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from livingreview import consensus, reviewforms, sheets
from livingreview.errors import InputFileError
from livingreview.extraction import fields as fieldmod
from livingreview.extraction import forms
from livingreview.fileio import atomic_write_text, read_csv_table, write_json
from livingreview.fulltext.stage import OUTPUTS as FULLTEXT_OUTPUTS
from livingreview.fulltext.stage import current_round
from livingreview.kept_stores import stored_before
from livingreview.screening.assignment import library_study_ids, study_aliases

log = logging.getLogger(__name__)

OUTPUTS = {
    "entries": "extraction/entries.csv",
    "studies": "extraction/studies.csv",
    "disagreements": "extraction/disagreements.csv",
    "settled": "extraction/settled_disagreements.csv",
    "status": "extraction/status.json",
}
FORMS_DIR = "extraction/forms"
SECTION = "extraction"
INCLUDED = FULLTEXT_OUTPUTS["included"]
DISAGREEMENT_COLUMNS = ("study_id", "field", "votes")
SETTLED_COLUMNS = ("study_id", "field", *consensus.SETTLED_COLUMNS)


def returned_inputs(config: Mapping[str, Any]) -> list[str]:
    """For Snakemake: every returned form, so returning one re-runs the stage."""
    return [str(p) for p in sheets.input_files(reviewforms.human_folder(config, SECTION))]


def included_studies(outputs: Path) -> list[dict[str, str]]:
    """Rows of the full-text stage's included studies."""
    return read_csv_table(
        outputs / INCLUDED, ("study_id", "label"), "missing: run `livingreview fulltext` first"
    )


def reports_sought(outputs: Path) -> frozenset[str]:
    """Every report id of the full-text stage: a form row of a study no longer included is kept
    in the log but not used."""
    rows = read_csv_table(
        outputs / FULLTEXT_OUTPUTS["decisions"], ("report_id",), "missing: run fulltext first"
    )
    return frozenset(r["report_id"] for r in rows)


def study_columns(fields: list[fieldmod.Field], config: Mapping[str, Any]) -> tuple[str, ...]:
    """Columns of ``extraction/studies.csv``."""
    nexus = _nexus_column(fields, config)
    return (
        "study_id",
        "label",
        "extraction_status",
        "how",
        "reviewers",
        *(f.id for f in fields),
        *((f"{nexus}_label",) if nexus else ()),
        "notes",
        "title",
        *forms.BIB,
    )


def _nexus_column(fields: list[fieldmod.Field], config: Mapping[str, Any]) -> str:
    name = config[SECTION].get("nexus_field", "")
    return name if any(f.id == name for f in fields) and fieldmod.nexus_levels(config) else ""


def run_extraction(config: Mapping[str, Any]) -> dict[str, Any]:
    """Import, settle and export (see the module docstring); returns the status written."""
    settings = config[SECTION]
    outputs = Path(config["paths"]["outputs"])
    fields = fieldmod.fields_of(config)
    studies = included_studies(outputs)
    round_number = current_round(outputs)
    dual = settings["mode"] == "dual"
    reviewers = reviewforms.role_reviewers(config, "extraction", settings["mode"], SECTION)
    expected = _expected_form(config, fields, studies, round_number)
    entries, returned = import_entries(config, fields, expected)
    rows = reviewforms.latest_rows(entries)
    people = reviewforms.by_item(rows)
    base = Path(config["paths"]["human_input"])
    resolved = consensus.study_resolvers(entries, consensus.resolvers_by_file(returned, base))
    table, disagreements, to_settle = settle_studies(
        config, fields, studies, people, dual, resolved
    )
    settled = settled_disagreements(fields, studies, people, entries, resolved, dual)
    write = reviewforms.table_text
    atomic_write_text(outputs / OUTPUTS["studies"], write(study_columns(fields, config), table))
    atomic_write_text(
        outputs / OUTPUTS["disagreements"], write(DISAGREEMENT_COLUMNS, disagreements)
    )
    atomic_write_text(outputs / OUTPUTS["settled"], write(SETTLED_COLUMNS, settled))
    settled_before = reviewforms.settled_earlier(studies, rows, dual, round_number)
    theirs = {
        r: [s for s in studies if (r, s["study_id"]) in rows or s["study_id"] not in settled_before]
        for r in reviewers
    }
    written = export_forms(config, fields, studies, rows, theirs, to_settle, round_number)
    state = {
        "stage": "extraction",
        "round": round_number,
        "mode": settings["mode"],
        "studies_included": len(studies),
        "studies": _status_counts(table),
        "returned_files": len(returned),
        "reviewers": _reviewer_counts(theirs, rows, reviewers),
        "forms": [p.relative_to(outputs).as_posix() for p in written],
        **consensus.status(
            config,
            SECTION,
            settled,
            "fields",
            consensus.form_resolver(config, SECTION) or reviewforms.CONSENSUS,
        ),
    }
    write_json(outputs / OUTPUTS["status"], state)
    return state


def _expected_form(
    config: Mapping[str, Any],
    fields: list[fieldmod.Field],
    studies: list[dict[str, str]],
    round_number: int,
) -> reviewforms.ExpectedForm:
    """What a returned extraction form must hold this round."""
    outputs = Path(config["paths"]["outputs"])
    # a form row of a study whose title/abstract decision was reopened (no longer sought at
    # full text either) is a library study's: kept in the log but not used
    known = (
        frozenset(s["study_id"] for s in studies)
        | reports_sought(outputs)
        | library_study_ids(outputs)
    )
    return reviewforms.ExpectedForm(
        forms.WHAT,
        forms.KIND,
        forms.SHEET,
        forms.ID_COLUMN,
        forms.editable(fields),
        config["review"]["id"],
        round_number,
        (*reviewforms.with_role(config, "extraction"), reviewforms.CONSENSUS),
        known,
        study_aliases(outputs, known),  # an id the form may list is never translated
        forms.texts(fields),
        added=tuple(f.id for f in fields),  # an earlier round's form may predate a field
        written=tuple(c.name for c in forms.layout(fields, consensus=True).columns),
        resolvers=consensus.allowed_resolvers(config),
        former=reviewforms.without_role(config, "extraction"),
    )


def import_entries(
    config: Mapping[str, Any], fields: list[fieldmod.Field], expected: reviewforms.ExpectedForm
) -> tuple[list[reviewforms.Entry], list[reviewforms.ReturnedForm]]:
    """Read and check every returned form (nothing written on a rejection), then log every
    entry in ``extraction/entries.csv``."""
    store = Path(config["paths"]["outputs"]) / OUTPUTS["entries"]
    ambiguous: list[forms.Ambiguous] = []
    base = Path(config["paths"]["human_input"])
    previous = reviewforms.read_entries(stored_before(store))
    read_before = forms.read_choices(previous, fields)
    entries, returned = reviewforms.import_forms(
        sheets.returned_files(reviewforms.human_folder(config, SECTION), forms.WHAT),
        expected,
        base=base,
        store=store,
        clean=lambda filled, path: forms.clean_row(filled, fields, path, ambiguous, read_before),
    )
    check_ambiguous_numbers(ambiguous, entries, base)
    check_consensus_rows(fields, entries, returned, base, previous)
    consensus.check_resolvers(config, SECTION, entries, returned, base)
    reviewforms.write_entries(store, entries)
    return entries, returned


def check_ambiguous_numbers(
    ambiguous: list[forms.Ambiguous], entries: list[reviewforms.Entry], base: Path
) -> None:
    """Raise the error of an ambiguous number (``1,500``, ``45%``) in a row that counts; one a
    later file replaces is kept in the log as it was read (``base``: the human-input folder)."""
    counted = reviewforms.counted_files(entries)
    for found in ambiguous:
        if counted.get((found.reviewer, found.item_id)) == reviewforms.relative(found.path, base):
            raise found.error


def check_consensus_rows(
    fields: list[fieldmod.Field],
    entries: list[reviewforms.Entry],
    returned: list[reviewforms.ReturnedForm],
    base: Path,
    previous: list[reviewforms.Entry] | None = None,
) -> None:
    """The consensus row that counts settles what differed: a field it leaves blank keeps the
    value every reviewer typed alike (required ones too, so nobody types them again); a field
    the reviewers typed differently may be blank only where one of them left it blank (an
    optional field); else an error naming the row (``base``: the human-input folder).

    A row the store (``previous``) already holds as counting, with every reviewer's row on the
    study as it is now, was read when such a blank settled the field as blank: it still does
    (the same forms give the same results), with a warning."""
    people = reviewforms.by_item(reviewforms.latest_rows(entries))
    counted = reviewforms.counted_files(entries)
    before = reviewforms.by_item(reviewforms.latest_rows(previous or []))
    counted_before = reviewforms.counted_files(previous or [])
    for form in returned:
        if form.reviewer != reviewforms.CONSENSUS:
            continue
        file = reviewforms.relative(form.path, base)
        for filled in form.filled:
            key = (reviewforms.CONSENSUS, filled.item_id)
            if counted.get(key) != file:
                continue  # a row a later consensus file replaces
            cells = people.get(filled.item_id, {})
            read_before = counted_before.get(key) == file and before.get(filled.item_id) == cells
            for item in fields:
                if not _left_unsettled(item, filled, cells):
                    continue
                error = _unsettled(form.path, filled, item, cells)
                if not read_before:
                    raise error
                log.warning(
                    "%s; read before such a blank was refused, it still settles the field as "
                    "blank: to settle it otherwise, save a consensus form under a new name",
                    error,
                )


def _left_unsettled(
    item: fieldmod.Field, filled: reviewforms.FilledRow, cells: Mapping[str, Mapping[str, str]]
) -> bool:
    """Whether a consensus row leaves ``item`` blank where that settles nothing: a required
    field without an agreed value, or one every reviewer typed, differently."""
    # a form written before the field was added has no column for it
    if item.id not in filled.values or filled.values[item.id]:
        return False
    if reviewforms.agreed_value(cells, item.id):
        return False
    votes = [c.get(item.id, "") for r, c in cells.items() if r != reviewforms.CONSENSUS]
    return item.required or (len(votes) > 1 and all(votes))


def _unsettled(
    path: Path,
    filled: reviewforms.FilledRow,
    item: fieldmod.Field,
    cells: Mapping[str, Mapping[str, str]],
) -> InputFileError:
    """The error of a consensus row leaving blank a field the reviewers differ on."""
    votes = " | ".join(
        f"{r}={c.get(item.id) or '(blank)'}"
        for r, c in sorted(cells.items())
        if r != reviewforms.CONSENSUS
    )
    if item.required:
        what, why = (
            "required field",
            "a blank keeps a value only where every reviewer typed the same",
        )
    else:
        what, why = "field", "blank settles it only where a reviewer left it blank"
    return InputFileError(
        path,
        f"{what} {item.label!r} is blank for study {filled.item_id} and the reviewers did not "
        f"type it alike ({votes or 'no reviewer row yet'}); expected {item.expected()} ({why})",
        position=f"row {filled.row}",
        field=item.id,
    )


def settle_studies(
    config: Mapping[str, Any],
    fields: list[fieldmod.Field],
    studies: list[dict[str, str]],
    people: Mapping[str, Mapping[str, Mapping[str, str]]],
    dual: bool,
    resolved: Mapping[str, str],
) -> tuple[list[dict[str, str]], list[dict[str, str]], dict[str, str]]:
    """Per study: its row of ``studies.csv``; every disagreement's row; study id -> the
    differences a consensus form lists (``resolved``: study id -> who settled its consensus
    row, :func:`livingreview.consensus.study_resolvers`)."""
    nexus = _nexus_column(fields, config)
    level_labels = {str(lv["level"]): lv["label"] for lv in fieldmod.nexus_levels(config)}
    table, disagreements, to_settle = [], [], {}
    for study in studies:
        sid = study["study_id"]
        votes = {
            r: {k: v for k, v in c.items() if k != "notes"} for r, c in people.get(sid, {}).items()
        }
        settled = reviewforms.settle(votes, dual) if votes else None
        cells = people.get(sid, {})
        how = consensus.how_text(settled.how, resolved.get(sid, "")) if settled else ""
        table.append(_study_row(study, settled, how, cells, nexus, level_labels))
        if settled is None:
            continue
        disagreements += [
            {"study_id": sid, "field": column, "votes": consensus.votes_text(cast)}
            for column, cast in settled.differences
        ]
        if settled.differences:
            to_settle[sid] = reviewforms.differences_text(settled)
    return table, disagreements, to_settle


def settled_disagreements(
    fields: list[fieldmod.Field],
    studies: list[dict[str, str]],
    people: Mapping[str, Mapping[str, Mapping[str, str]]],
    entries: list[reviewforms.Entry],
    resolved: Mapping[str, str],
    dual: bool,
) -> list[dict[str, str]]:
    """Rows of ``settled_disagreements.csv``: per included study whose consensus row counts,
    each field the reviewers typed differently or the consensus row changed
    (:func:`livingreview.consensus.settled_rows`), in protocol order (``people``: item ->
    reviewer -> latest row of ``entries``; ``resolved``: study id -> who settled its consensus
    row, :func:`livingreview.consensus.study_resolvers`)."""
    places = reviewforms.counted_places(entries)
    columns = [f.id for f in fields]
    rows = []
    for study in studies:
        sid = study["study_id"]
        cells = people.get(sid, {})
        if reviewforms.CONSENSUS not in cells:
            continue
        votes = {r: {k: v for k, v in c.items() if k != "notes"} for r, c in cells.items()}
        final = reviewforms.settle(votes, dual).values or {}
        place = places[reviewforms.CONSENSUS, sid]
        found = consensus.settled_rows(
            sid,
            {r: v for r, v in votes.items() if r != reviewforms.CONSENSUS},
            final,
            columns,
            place,
            resolved.get(sid, reviewforms.CONSENSUS),
            cells[reviewforms.CONSENSUS].get("notes", ""),
        )
        rows += [{"field": row.pop("item"), **row} for row in found]
    return rows


def _study_row(
    study: Mapping[str, str],
    settled: reviewforms.Settled | None,
    how: str,
    cells: Mapping[str, Mapping[str, str]],
    nexus: str,
    level_labels: Mapping[str, str],
) -> dict[str, str]:
    """One study's row of ``studies.csv`` (``how``: how it was settled, as the table says it;
    ``cells``: reviewer -> their latest row)."""
    row: dict[str, str] = {
        "study_id": study["study_id"],
        "label": study["label"],
        "title": study.get("title", ""),
        **{name: study.get(name, "") for name in forms.BIB},
    }
    if settled is None:
        row["extraction_status"] = "pending"
        return row
    row |= {"how": how, "reviewers": "; ".join(settled.reviewers)}
    row["extraction_status"] = "final" if settled.values is not None else settled.how
    if settled.values is not None:
        row |= settled.values
        row["notes"] = " | ".join(f"{r}: {c['notes']}" for r, c in cells.items() if c.get("notes"))
        if nexus:
            row[f"{nexus}_label"] = level_labels.get(settled.values.get(nexus, ""), "")
    return row


def _status_counts(table: list[dict[str, str]]) -> dict[str, int]:
    """Studies per extraction status."""
    return {
        s: sum(1 for r in table if r["extraction_status"] == s)
        for s in ("final", "pending", "awaiting_second", "disagreement")
    }


def _reviewer_counts(
    theirs: Mapping[str, list[dict[str, str]]],
    rows: Mapping[tuple[str, str], Mapping[str, str]],
    reviewers: list[str],
) -> dict[str, dict[str, int]]:
    """Per reviewer: studies assigned (``theirs``), coded and still to code."""
    return {
        r: {
            "assigned": len(theirs[r]),
            "done": sum(1 for s in theirs[r] if (r, s["study_id"]) in rows),
            "pending": sum(1 for s in theirs[r] if (r, s["study_id"]) not in rows),
        }
        for r in reviewers
    }


def export_forms(
    config: Mapping[str, Any],
    fields: list[fieldmod.Field],
    studies: list[dict[str, str]],
    rows: Mapping[tuple[str, str], Mapping[str, str]],
    theirs: Mapping[str, list[dict[str, str]]],
    to_settle: Mapping[str, str],
    round_number: int,
) -> list[Path]:
    """Each reviewer's form of the studies assigned to them (``theirs``: reviewer -> studies)
    they have not coded (written even when empty), and
    the consensus form of the studies coded differently: in dual mode even when empty, in single
    mode only when some study is (two reviewers' forms of a protocol once dual)."""
    outputs = Path(config["paths"]["outputs"])
    folder = str(reviewforms.human_folder(config, SECTION))
    formats = reviewforms.formats_of(config[SECTION]["sheet_format"])
    (outputs / FORMS_DIR).mkdir(parents=True, exist_ok=True)
    written = []
    resolver = consensus.form_resolver(config, SECTION)
    jobs = [(r, [s for s in mine if (r, s["study_id"]) not in rows]) for r, mine in theirs.items()]
    jobs += reviewforms.consensus_jobs(
        [s for s in studies if s["study_id"] in to_settle],
        config[SECTION]["mode"] == "dual",
        outputs / FORMS_DIR,
        reviewforms.FormSpec(
            forms.KIND, config["review"]["id"], round_number, reviewforms.CONSENSUS
        ),
    )
    for reviewer, todo in jobs:
        settling = reviewer == reviewforms.CONSENSUS
        spec = reviewforms.FormSpec(
            forms.KIND, config["review"]["id"], round_number, reviewer, resolver if settling else ""
        )
        written += reviewforms.write_form(
            outputs / FORMS_DIR,
            spec,
            forms.layout(fields, settling),
            forms.form_rows(todo, to_settle if settling else None),
            forms.instructions(spec, len(todo), fields, config, folder),
            id_column=forms.ID_COLUMN,
            formats=formats,
        )
    return written
