"""The risk-of-bias stage, as run by ``livingreview appraise``: forms by design, judgements, plots.

Each study extracted as final (``extraction/studies.csv``) gets the tool its ``study_design``
maps to in ``risk_of_bias.tools_by_design``; reviewers with the role ``risk_of_bias`` get one
form per tool in ``rob/forms/``. Returned forms in ``<paths.human_input>/<risk_of_bias.folder>/``
are logged in ``rob/entries.csv`` and judged by :mod:`livingreview.rob`. Two reviewers whose
judgements (domains and overall, or NOS stars) differ are listed in ``rob/disagreements.csv``
and the study goes to a consensus form; the consensus judgement is what counts, settled by the
reviewers together or a third reviewer (``risk_of_bias.decision_rule``,
:mod:`livingreview.consensus`), and what it settled is listed in
``rob/settled_disagreements.csv``. A row written
for another tool, or (NOS, logged with its form's ``version``) another version, than the study's
design now maps to is logged and not used, and the study is asked for again.

Outputs: ``rob/<tool>.csv`` (robvis format for rob2, robins_i, robins_i_v2, quadas2; items,
totals and rating for nos), traffic-light and summary plots per robvis tool in ``rob/figures/``
(SVG+PNG, once a tool has an assessment), ``rob/summary.csv`` (one row per study) and
``rob/status.json``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from livingreview import consensus, reviewforms, sheets
from livingreview import returned_checks as checks
from livingreview.appraisal import forms, tables
from livingreview.errors import InputFileError
from livingreview.extraction.stage import OUTPUTS as EXTRACTION_OUTPUTS
from livingreview.extraction.stage import reports_sought
from livingreview.fileio import atomic_write_text, read_csv_table, write_json
from livingreview.fulltext.stage import OUTPUTS as FULLTEXT_OUTPUTS
from livingreview.fulltext.stage import current_round
from livingreview.kept_stores import stored_before
from livingreview.rob.rows import RowPlace
from livingreview.screening.assignment import library_study_ids, study_aliases

SECTION = "risk_of_bias"
OUTPUTS = {
    "entries": "rob/entries.csv",
    "summary": "rob/summary.csv",
    "disagreements": "rob/disagreements.csv",
    "settled": "rob/settled_disagreements.csv",
    "status": "rob/status.json",
}
FORMS_DIR = "rob/forms"
FIGURES_DIR = "rob/figures"
SUMMARY_COLUMNS = (
    "study_id",
    "label",
    "design",
    "tool",
    "version",
    "status",
    "how",
    "reviewers",
    "overall",
    "domains",
    "overall_computed",
    "overridden",
    "override_reason",
    "domain_overrides",
    "stars",
    "max_stars",
)
DISAGREEMENT_COLUMNS = ("study_id", "tool", "item", "votes")
SETTLED_COLUMNS = ("study_id", "tool", "item", *consensus.SETTLED_COLUMNS)
VERSION = "version"  # the NOS version a form row was written for, logged with the row


def tools_in_use(config: Mapping[str, Any]) -> list[str]:
    """The tools the protocol maps some design to, in :data:`forms.TOOL_IDS` order."""
    used = set((config[SECTION].get("tools_by_design") or {}).values())
    return [t for t in forms.TOOL_IDS if t in used]


def assessors(config: Mapping[str, Any]) -> list[str]:
    """The reviewers who get risk-of-bias forms: none when the protocol gives no design a tool
    (a review without risk-of-bias assessment needs no one with the role)."""
    if not tools_in_use(config):
        return []
    return reviewforms.role_reviewers(config, "risk_of_bias", config[SECTION]["mode"], SECTION)


def table_outputs(config: Mapping[str, Any]) -> dict[str, str]:
    """``rob/<tool>.csv`` per tool in use (for Snakemake and the report)."""
    return {tool: f"rob/{tool}.csv" for tool in tools_in_use(config)}


def returned_inputs(config: Mapping[str, Any]) -> list[str]:
    """For Snakemake: every returned form."""
    return [str(p) for p in sheets.input_files(reviewforms.human_folder(config, SECTION))]


def extracted(outputs: Path) -> list[dict[str, str]]:
    """Rows of ``extraction/studies.csv``."""
    return read_csv_table(
        outputs / EXTRACTION_OUTPUTS["studies"],
        ("study_id", "extraction_status"),
        "missing: run `livingreview extract` first",
    )


def studies_to_assess(config: Mapping[str, Any], outputs: Path) -> list[dict[str, str]]:
    """Final extracted studies with their design, tool and NOS version (tool ``none`` dropped)."""
    rows = extracted(outputs)
    out = []
    for row in rows:
        if row["extraction_status"] != "final":
            continue
        design = row.get("study_design", "")
        tool, version = forms.tool_for(design, config)
        if tool != "none":
            out.append({**row, "design": design, "tool": tool, "version": version})
    return out


def known_ids(outputs: Path) -> frozenset[str]:
    """Ids a returned form may list: the extracted studies, every full-text report and every
    library study, so a study excluded on re-assessment or whose title/abstract decision was
    reopened keeps its rows in earlier forms (logged, not used)."""
    ids = frozenset(row["study_id"] for row in extracted(outputs)) | library_study_ids(outputs)
    if (outputs / FULLTEXT_OUTPUTS["decisions"]).is_file():
        ids |= reports_sought(outputs)
    return ids


def _form_name(tool: str | None) -> str:
    """What a returned form of ``tool`` is called in messages (None: of a tool not known)."""
    return f"{tool} risk-of-bias form" if tool else "risk-of-bias form"


def _tool_by_columns(returned: sheets.ReturnedSheet, tools: list[str]) -> str | None:
    """The tool in use whose form's columns the sheet's header holds (of several, the one with
    most: a robins_i form holds the columns of quadas2's); None when it holds no tool's."""
    fits = [t for t in tools if returned.header.keys() >= set(forms.editable(t))]
    return max(fits, key=lambda tool: len(forms.editable(tool)), default=None)


def _group_by_kind(files: list[Path], tools: list[str]) -> dict[str, list[Path]]:
    """Returned files per tool, by the kind in their metadata: a tool in use, or a tool the
    protocol no longer gives any design (its rows are logged, not used: a review moving from
    robins_i to robins_i_v2 keeps the forms returned so far). Unknown kinds are errors; a file
    without metadata is named as the form of the tool in use its columns are."""
    kinds = {forms.kind(t): t for t in forms.TOOL_IDS}
    groups: dict[str, list[Path]] = {t: [] for t in tools}
    for path in files:
        returned = sheets.read_sheet(path, forms.SHEET)
        meta = returned.meta
        if meta is None and tools:
            checks.require_meta(returned, _form_name(_tool_by_columns(returned, tools)))
        kind = (meta or {}).get("kind", "")
        if kind not in kinds:
            in_use = [forms.kind(t) for t in tools]
            raise InputFileError(
                path,
                f"sheet is for kind {kind!r}, expected a risk-of-bias form "
                f"({', '.join(in_use) or 'no tool in risk_of_bias.tools_by_design'})",
                field="kind",
            )
        groups.setdefault(kinds[kind], []).append(path)
    return groups


def import_entries(
    config: Mapping[str, Any],
    studies: list[dict[str, str]],
    round_number: int,
) -> tuple[list[reviewforms.Entry], list[reviewforms.ReturnedForm], dict[str, str]]:
    """Check every returned form (of any reviewer with the role, also one who gets no form in
    single mode) and judge every filled row; nothing written on a rejection. Also the tool of
    each file's form (its kind), by the file's name as entries store it."""
    outputs = Path(config["paths"]["outputs"])
    by_id = {s["study_id"]: s for s in studies}
    nos_settings = config[SECTION].get("nos_cross_sectional") or {}
    files = sheets.returned_files(reviewforms.human_folder(config, SECTION), "risk-of-bias form")
    entries: list[reviewforms.Entry] = []
    returned: list[reviewforms.ReturnedForm] = []
    known = known_ids(outputs)
    aliases = study_aliases(outputs, known)  # an id the form may list is never translated
    versions = functools.cache(_written_versions)
    base = Path(config["paths"]["human_input"])
    store = outputs / OUTPUTS["entries"]
    previous = reviewforms.read_entries(stored_before(store))
    stored = _stored_versions(previous)
    tool_of: dict[str, str] = {}  # file (as entries store it) -> the tool of its form
    for tool, paths in _group_by_kind(files, tools_in_use(config)).items():
        tool_of |= {reviewforms.relative(path, base): tool for path in paths}
        expected = reviewforms.ExpectedForm(
            _form_name(tool),
            forms.kind(tool),
            forms.SHEET,
            forms.ID_COLUMN,
            forms.editable(tool),
            config["review"]["id"],
            round_number,
            (*reviewforms.with_role(config, "risk_of_bias"), reviewforms.CONSENSUS),
            known,
            aliases,
            forms.texts(tool),
            written=tuple(c.name for c in forms.layout(tool, consensus=True).columns),
            resolvers=consensus.allowed_resolvers(config),
            former=reviewforms.without_role(config, "risk_of_bias"),
        )

        def clean(filled: reviewforms.FilledRow, path: Path, tool: str = tool) -> dict[str, str]:
            study = by_id.get(filled.item_id, {})
            values = filled.values
            if tool == "nos":  # the version the row was written for is logged with it
                where = (reviewforms.relative(path, base), filled.row)
                written = (
                    versions(path).get(filled.row) or stored.get(where) or study.get("version", "")
                )
                values = {**values, VERSION: written} if written else values
            if study.get("tool") != tool:
                return values  # no longer assessed with this tool: logged, not used
            if tool == "nos" and not fits(values, study):
                return values  # written for the study's earlier version: logged, not used
            place = RowPlace(str(path), f"row {filled.row}")
            forms.judge(tool, filled.item_id, filled.values, place, study["version"], nos_settings)
            return values

        found, read = reviewforms.import_forms(paths, expected, base=base, store=None, clean=clean)
        entries += found
        returned += read
    reviewforms.check_nothing_lost(previous, entries, store, aliases, base=base)
    consensus.check_resolvers(config, SECTION, entries, returned, base)
    return entries, returned, tool_of


def counting(
    entries: list[reviewforms.Entry], studies: list[dict[str, str]], tool_of: Mapping[str, str]
) -> list[reviewforms.Entry]:
    """The entries typed in a form of the tool their study is now assessed with (``tool_of``:
    file -> its form's tool). Another tool's rows are logged and not used, whatever their
    columns (RoB 2's d1-d5 are columns of the ROBINS-I form too); a study whose tool is
    changed back gets the rows typed in that tool's forms back."""
    tools = {s["study_id"]: s["tool"] for s in studies}
    return [e for e in entries if e.item_id in tools and tool_of.get(e.file) == tools[e.item_id]]


def _stored_versions(previous: list[reviewforms.Entry]) -> dict[tuple[str, int], str]:
    """(file, row) -> the NOS version a stored row was logged with: that of a row whose form
    cell is blank (the locked cell cleared), which its study, once gone, cannot give."""
    return {(e.file, e.row): e.value for e in previous if e.column == VERSION}


def _written_versions(path: Path) -> dict[int, str]:
    """Row number -> the NOS version a returned form's row was written for ('' where the file
    lacks the column)."""
    returned = sheets.read_sheet(path, forms.SHEET)
    return {number: returned.cell(row, VERSION).strip().lower() for number, row in returned.rows()}


def fits(cells: Mapping[str, str], study: Mapping[str, str]) -> bool:
    """Whether a reviewer's row of a form of the study's tool (:func:`counting`) is one of its
    current form: its tool's columns and, for NOS, the version it was written for (a study
    whose design changed on re-assessment needs a row of its new version)."""
    columns = set(cells) - {VERSION}
    written = cells.get(VERSION, study["version"])
    return columns <= set(forms.editable(study["tool"])) and written == study["version"]


def assessed(
    rows: Mapping[tuple[str, str], Mapping[str, str]], reviewer: str, study: Mapping[str, str]
) -> bool:
    """Whether the reviewer's latest row of the study is one of its current form."""
    cells = rows.get((reviewer, study["study_id"]))
    return cells is not None and fits(cells, study)


def settle_studies(
    config: Mapping[str, Any],
    studies: list[dict[str, str]],
    entries: list[reviewforms.Entry],
    resolved: Mapping[str, str],
) -> tuple[
    dict[str, forms.Judged],
    list[dict[str, str]],
    dict[str, reviewforms.Settled],
    list[dict[str, str]],
]:
    """The judgement that counts per study, the disagreements, how each study stands, and the
    rows of ``settled_disagreements.csv`` (``resolved``: study id -> who settled its consensus
    row, :func:`livingreview.consensus.study_resolvers`)."""
    dual = config[SECTION]["mode"] == "dual"
    nos_settings = config[SECTION].get("nos_cross_sectional") or {}
    people = reviewforms.by_item(reviewforms.latest_rows(entries))
    places = reviewforms.counted_places(entries)
    final: dict[str, forms.Judged] = {}
    disagreements: list[dict[str, str]] = []
    state: dict[str, reviewforms.Settled] = {}
    settled_rows: list[dict[str, str]] = []
    for study in studies:
        sid, tool = study["study_id"], study["tool"]
        judged = {
            reviewer: forms.judge(
                tool,
                sid,
                cells,
                RowPlace(f"{reviewer}'s latest row"),
                study["version"],
                nos_settings,
            )
            for reviewer, cells in people.get(sid, {}).items()
            if fits(cells, study)  # a row of another tool's or version's form is not used
        }
        if not judged:
            continue
        settled = reviewforms.settle({r: j.signature() for r, j in judged.items()}, dual)
        state[sid] = settled
        if settled.values is not None:
            chosen = (
                reviewforms.CONSENSUS
                if settled.how == reviewforms.CONSENSUS
                else sorted(r for r in judged if r != reviewforms.CONSENSUS)[0]
            )
            final[sid] = judged[chosen]
        if settled.how == reviewforms.CONSENSUS:
            place = places[reviewforms.CONSENSUS, sid]
            notes = people[sid][reviewforms.CONSENSUS].get("notes", "")
            who = resolved.get(sid, reviewforms.CONSENSUS)
            settled_rows += _settled(study, judged, place, who, notes)
        for item, votes in settled.differences:
            disagreements.append(
                {
                    "study_id": sid,
                    "tool": tool,
                    "item": item,
                    "votes": consensus.votes_text(votes),
                }
            )
    return final, disagreements, state, settled_rows


def _settled(
    study: Mapping[str, str],
    judged: Mapping[str, forms.Judged],
    place: reviewforms.Place,
    resolver: str,
    notes: str,
) -> list[dict[str, str]]:
    """The rows of ``settled_disagreements.csv`` of a study whose consensus row counts: each
    domain, overall or NOS item judged differently or changed by it."""
    agreed = judged[reviewforms.CONSENSUS].signature()
    votes = {r: j.signature() for r, j in judged.items() if r != reviewforms.CONSENSUS}
    found = consensus.settled_rows(
        study["study_id"], votes, agreed, list(agreed), place, resolver, notes
    )
    return [{"study_id": row.pop("study_id"), "tool": study["tool"], **row} for row in found]


def run_appraisal(config: Mapping[str, Any]) -> dict[str, Any]:
    """Import, judge, settle, write tables, plots and forms; returns the status written."""
    settings = config[SECTION]
    outputs = Path(config["paths"]["outputs"])
    round_number = current_round(outputs)
    studies = studies_to_assess(config, outputs)
    reviewers = assessors(config)
    entries, returned, tool_of = import_entries(config, studies, round_number)
    counted = counting(entries, studies, tool_of)  # rows of the forms of each study's tool
    resolvers = consensus.resolvers_by_file(returned, Path(config["paths"]["human_input"]))
    resolved = consensus.study_resolvers(counted, resolvers)
    final, disagreements, state, settled = settle_studies(config, studies, counted, resolved)
    reviewforms.write_entries(outputs / OUTPUTS["entries"], entries)
    labels = {s["study_id"]: s.get("label") or s["study_id"] for s in studies}
    figures = tables.write_tool_tables(config, outputs, studies, final, labels)
    summary = tables.summary_rows(studies, final, state, resolved)
    write = reviewforms.table_text
    atomic_write_text(outputs / OUTPUTS["summary"], write(SUMMARY_COLUMNS, summary))
    atomic_write_text(
        outputs / OUTPUTS["disagreements"], write(DISAGREEMENT_COLUMNS, disagreements)
    )
    atomic_write_text(outputs / OUTPUTS["settled"], write(SETTLED_COLUMNS, settled))
    to_settle = {sid: reviewforms.differences_text(s) for sid, s in state.items() if s.differences}
    rows = reviewforms.latest_rows(counted)
    theirs = assigned(config, studies, rows, reviewers, round_number)
    written = export_forms(config, studies, rows, theirs, to_settle, round_number)
    result = {
        "stage": "risk_of_bias",
        "round": round_number,
        "mode": settings["mode"],
        "studies_to_assess": len(studies),
        "studies_by_tool": {
            t: sum(1 for s in studies if s["tool"] == t) for t in tools_in_use(config)
        },
        "assessed": len(final),
        "disagreements": len(to_settle),
        "pending": len(studies) - len(final),
        "overrides": sum(1 for r in summary if r.get("overridden") == "yes"),
        "returned_files": len(returned),
        "reviewers": {
            r: {
                "assigned": len(theirs[r]),
                "done": sum(1 for s in theirs[r] if assessed(rows, r, s)),
            }
            for r in reviewers
        },
        "figures": figures,
        "forms": [p.relative_to(outputs).as_posix() for p in written],
        **consensus.status(config, SECTION, settled, "items", _asked(config)),
    }
    write_json(outputs / OUTPUTS["status"], result)
    return result


def _asked(config: Mapping[str, Any]) -> str:
    """Who the rule asks to settle disagreements: the third reviewer, ``consensus``, or "" when
    no design is given a tool (nobody assesses anything)."""
    if not tools_in_use(config):
        return ""
    return consensus.form_resolver(config, SECTION) or reviewforms.CONSENSUS


def assigned(
    config: Mapping[str, Any],
    studies: list[dict[str, str]],
    rows: Mapping[tuple[str, str], Mapping[str, str]],
    reviewers: list[str],
    round_number: int,
) -> dict[str, list[dict[str, str]]]:
    """Reviewer -> the studies on their forms: those they assessed and those not assessed by
    as many reviewers as the mode asks in an earlier round (the round full text included the
    study in), so one who joins later is not given a study assessed before."""
    included = Path(config["paths"]["outputs"]) / FULLTEXT_OUTPUTS["included"]
    rounds = (
        {r["study_id"]: r.get("round", "") for r in read_csv_table(included, ("study_id",), "")}
        if included.is_file()
        else {}
    )
    by_id = {s["study_id"]: {**s, "round": rounds.get(s["study_id"], "")} for s in studies}
    fitting = {k: v for k, v in rows.items() if k[1] in by_id and fits(v, by_id[k[1]])}
    dual = config[SECTION]["mode"] == "dual"
    settled = reviewforms.settled_earlier(by_id.values(), fitting, dual, round_number)
    return {
        r: [s for s in studies if assessed(rows, r, s) or s["study_id"] not in settled]
        for r in reviewers
    }


def export_forms(
    config: Mapping[str, Any],
    studies: list[dict[str, str]],
    rows: Mapping[tuple[str, str], Mapping[str, str]],
    theirs: Mapping[str, list[dict[str, str]]],
    to_settle: Mapping[str, str],
    round_number: int,
) -> list[Path]:
    """Per tool in use: each reviewer's form of the studies assigned to them (``theirs``,
    :func:`assigned`) they have not assessed (written even when empty), and the consensus form
    of the studies with differing judgements (:func:`livingreview.reviewforms.consensus_jobs`:
    in single mode only when one is needed)."""
    outputs = Path(config["paths"]["outputs"])
    folder = str(reviewforms.human_folder(config, SECTION))
    formats = reviewforms.formats_of(config[SECTION]["sheet_format"])
    (outputs / FORMS_DIR).mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    resolver = consensus.form_resolver(config, SECTION)
    for tool in tools_in_use(config):
        mine = [s for s in studies if s["tool"] == tool]
        jobs = [
            (r, [s for s in given if s["tool"] == tool and not assessed(rows, r, s)])
            for r, given in theirs.items()
        ]
        jobs += reviewforms.consensus_jobs(
            [s for s in mine if s["study_id"] in to_settle],
            config[SECTION]["mode"] == "dual",
            outputs / FORMS_DIR,
            reviewforms.FormSpec(
                forms.kind(tool), config["review"]["id"], round_number, reviewforms.CONSENSUS
            ),
        )
        for reviewer, todo in jobs:
            settling = reviewer == reviewforms.CONSENSUS
            spec = reviewforms.FormSpec(
                forms.kind(tool),
                config["review"]["id"],
                round_number,
                reviewer,
                resolver if settling else "",
            )
            who = consensus.settler(resolver, config, reviewer) if settling else reviewer
            written += reviewforms.write_form(
                outputs / FORMS_DIR,
                spec,
                forms.layout(tool, settling),
                forms.form_rows(todo, to_settle if settling else None),
                forms.instructions(tool, config["review"]["id"], who, len(todo), folder),
                id_column=forms.ID_COLUMN,
                formats=formats,
            )
    return written
