"""The changelog of a living review: what changed in this version since the one before.

Each version freezes what its report rests on in ``<history_dir>/<version>/report/``
(:data:`STATE_FILES`): the included studies with their reports, the final extraction values,
the final risk-of-bias judgements (domains and overall), the retraction and correction flags of
studies, the version's own changes, and the agreement tables it published
(:mod:`livingreview.screening.published_agreement`). The next version compares its outputs
with the frozen state of the version before it and lists, one row per change
(:data:`CHANGE_COLUMNS`):

* ``study_included``: a study included now and not before (a part the library split off a
  study says so: the previous version counted its records as part of that study; so does a
  study whose report was sought at full text in an earlier round, e.g. included on
  re-assessment);
* ``study_removed``: a study included before and not now, with why (its full-text exclusion
  reason on re-assessment, the study it is now a report of, the study the library merged it
  into, its title/abstract exclusion on re-screening, the automation rule that now excludes it
  before screening, or its current decision);
* ``report_added``: a new report of a study included before (a full-text report linked to it,
  the report of a study the library merged into it, or a record first found in this round that
  the library joined to it, e.g. its preprint; not a record with the DOI or PMID of one the study
  held before: that is the same article found again); a study now cited under another label
  (its main report is now the new journal article) says its label before;
* ``extraction_changed``: a final extraction value that differs (field, old, new; not one that
  differs only in whitespace, e.g. line breaks an earlier version read as spaces), or item
  ``status`` when a study final before is now being re-assessed (e.g. reviewers disagree);
* ``rob_changed``: a final risk-of-bias judgement that differs (domain or overall, old, new), or
  item ``status`` as for extraction;
* ``flagged``: a retraction, correction or concern flag new on an included study;
* ``protocol_amended``: a setting of the protocol that defines the review's methods, amended
  since the previous version (item: its dotted key; :mod:`livingreview.report.amendments` says
  which settings count). Each version freezes those settings (``protocol.json``); a previous
  version frozen without them gives no such row, and :attr:`Changelog.protocol_compared` says so.

A first version has nothing to compare with: its included studies and flags are its changes.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from livingreview import import_rounds
from livingreview.dedup.rounds import (
    earlier_rounds,
    earlier_snapshots,
    history_dir,
    snapshot_dir,
    version_dir,
)
from livingreview.errors import InputFileError
from livingreview.fileio import atomic_write_text, read_csv_table, read_json
from livingreview.records import read_record_fields
from livingreview.report.amendments import amendments, methods_text
from livingreview.reviewforms import same_text, table_text
from livingreview.screening.agreement import AGREEMENT_COLUMNS
from livingreview.screening.decisions import REASON_JOIN
from livingreview.screening.published_agreement import KEPT_NAMES

CHANGELOG_NAME = "changelog.csv"  # in the report folder: every version's changes
CHANGE_COLUMNS = ("version", "change", "study_id", "label", "item", "old", "new", "detail")
KINDS = {
    "protocol_amended": "protocol amended",
    "study_included": "study included",
    "study_removed": "study removed",
    "report_added": "new report",
    "extraction_changed": "extraction changed",
    "rob_changed": "risk of bias changed",
    "flagged": "flagged",
}
STATE_DIR = "report"
STATE_FILES = {
    "included": "included_studies.csv",
    "extraction": "extraction.csv",
    "rob": "rob.csv",
    "flags": "flags.csv",
    "changes": "changes.csv",
    "protocol": "protocol.json",
    # the agreement tables as published (a later version gives an earlier round's rows so)
    "screening_agreement": KEPT_NAMES["screening"],
    "fulltext_agreement": KEPT_NAMES["full_text"],
}
INCLUDED_COLUMNS = ("study_id", "label", "reports")


def read_kept_protocol(path: Path) -> Mapping[str, Any]:
    """The protocol settings a version kept at ``path`` (its ``protocol.json``); empty when it
    kept none or the file holds no JSON object."""
    kept = read_json(path, "kept protocol not found") if path.is_file() else {}
    return kept if isinstance(kept, Mapping) else {}


ROB_COLUMNS = ("study_id", "tool", "overall", "domains")
FLAG_COLUMNS = ("study_id", "record_id", "flag", "detail")
COUNTED = {  # a version's changes counted: (one, several)
    "protocol_amended": ("protocol amendment", "protocol amendments"),
    "study_included": ("study included", "studies included"),
    "study_removed": ("study removed", "studies removed"),
    "report_added": ("new report", "new reports"),
    "extraction_changed": ("extraction value changed", "extraction values changed"),
    "rob_changed": ("risk-of-bias judgement changed", "risk-of-bias judgements changed"),
    "flagged": ("flag", "flags"),
}
TOOL_NAMES = {
    "rob2": "RoB 2",
    "robins_i": "ROBINS-I",
    "robins_i_v2": "ROBINS-I V2",
    "quadas2": "QUADAS-2",
    "nos": "Newcastle-Ottawa Scale",
}


@dataclass
class State:
    """What one version's report rests on, keyed by study id."""

    included: dict[str, dict[str, str]] = field(default_factory=dict)
    extraction: dict[str, dict[str, str]] = field(default_factory=dict)
    rob: dict[str, dict[str, str]] = field(default_factory=dict)
    flags: set[tuple[str, str, str, str]] = field(default_factory=set)


@dataclass
class Changelog:
    """This version's changes, every earlier version's, and where each version's report is kept."""

    version: str
    previous: str  # the version compared with ("" for a first version)
    rows: list[dict[str, str]]  # this version's changes
    earlier: list[dict[str, str]]  # the frozen changes of earlier versions, oldest first
    kept: dict[str, Path]  # version -> its kept report folder (earlier versions only)
    included: dict[str, int] = field(default_factory=dict)  # version -> studies included
    notes: list[str] = field(default_factory=list)
    protocol_compared: bool = False  # the previous version kept its protocol and it was compared

    def all_rows(self) -> list[dict[str, str]]:
        """Every version's changes, oldest version first."""
        return [*self.earlier, *self.rows]


def state_dir(config: Mapping[str, Any], version: str | None = None) -> Path:
    """``<history_dir>/<version>/report/``: a version's kept report and frozen state."""
    return version_dir(history_dir(config), str(version or config["review"]["version"])) / STATE_DIR


def kept_outputs(config: Mapping[str, Any]) -> dict[str, str]:
    """For Snakemake: this version's kept report, its reporting checklist, its included studies
    (RIS, BibTeX) and frozen state files."""
    from livingreview.reference_export import INCLUDED_EXPORTS
    from livingreview.report import checklist

    folder = state_dir(config)
    names = {
        "html": "index.html",
        "markdown": "report.md",
        "checklist_csv": checklist.CSV_NAME,
        "checklist_markdown": checklist.MARKDOWN_NAME,
        **{key: Path(path).name for key, path in INCLUDED_EXPORTS.items()},
        **STATE_FILES,
    }
    return {key: str(folder / name) for key, name in names.items()}


def history_inputs(config: Mapping[str, Any]) -> list[str]:
    """For Snakemake: the kept reports and frozen states of earlier versions, and the imports
    each recorded (the methods give every date an export was searched on)."""
    found = []
    for folder in earlier_snapshots(history_dir(config), str(config["review"]["version"])):
        found += sorted(str(p) for p in (folder / STATE_DIR).glob("*") if p.is_file())
        found += sorted(str(p) for p in (folder / import_rounds.FOLDER).glob("*.json"))
    return found


def _rows(rows: Iterable[Mapping[str, str]] | None) -> list[Mapping[str, str]]:
    return list(rows or [])


def current_state(config: Mapping[str, Any], read: Mapping[str, Any]) -> State:
    """This version's state from the stage outputs the report read (absent ones: empty)."""
    fields = [f["id"] for f in config["extraction"]["fields"]]
    state = State()
    for row in _rows(read.get("included")):
        state.included[row["study_id"]] = {k: row.get(k, "") for k in INCLUDED_COLUMNS}
    for row in _rows(read.get("extracted")):
        if row.get("extraction_status") == "final":
            state.extraction[row["study_id"]] = {f: row.get(f, "") for f in fields}
    for row in _rows(read.get("rob_summary")):
        if row.get("status") == "final":
            state.rob[row["study_id"]] = {k: row.get(k, "") for k in ROB_COLUMNS}
    state.flags = {tuple(row.get(k, "") for k in FLAG_COLUMNS) for row in _rows(read.get("flags"))}
    return state


def read_state(folder: Path) -> State | None:
    """A frozen state, or None when the version froze none."""
    if not (folder / STATE_FILES["included"]).is_file():
        return None

    def table(key: str, columns: Sequence[str]) -> list[dict[str, str]]:
        return read_csv_table(folder / STATE_FILES[key], columns, "missing from the kept state")

    state = State()
    for row in table("included", INCLUDED_COLUMNS):
        state.included[row["study_id"]] = row
    for row in table("extraction", ("study_id",)):
        state.extraction[row["study_id"]] = {k: v for k, v in row.items() if k != "study_id"}
    for row in table("rob", ROB_COLUMNS):
        state.rob[row["study_id"]] = row
    state.flags = {tuple(row[k] for k in FLAG_COLUMNS) for row in table("flags", FLAG_COLUMNS)}
    return state


def state_tables(config: Mapping[str, Any], state: State) -> dict[str, str]:
    """The frozen files' text (sorted by study id)."""
    fields = [f["id"] for f in config["extraction"]["fields"]]
    return {
        "included": table_text(
            INCLUDED_COLUMNS, [state.included[s] for s in sorted(state.included)]
        ),
        "extraction": table_text(
            ("study_id", *fields),
            [{"study_id": s, **state.extraction[s]} for s in sorted(state.extraction)],
        ),
        "rob": table_text(ROB_COLUMNS, [state.rob[s] for s in sorted(state.rob)]),
        "flags": table_text(
            FLAG_COLUMNS, [dict(zip(FLAG_COLUMNS, f, strict=True)) for f in sorted(state.flags)]
        ),
    }


def _domains(text: str) -> dict[str, str]:
    """``"D1: Low; D2: High"`` as ``{"D1": "Low", "D2": "High"}``."""
    out = {}
    for part in text.split(";"):
        code, _, value = part.partition(":")
        if code.strip():
            out[code.strip()] = value.strip()
    return out


def _library_event(
    events: Sequence[Mapping[str, str]], event: str, key: str, study: str
) -> Mapping[str, str] | None:
    """The last library change ``event`` whose ``key`` column names ``study``."""
    found = [e for e in events if e.get("event") == event and e.get(key) == study]
    return found[-1] if found else None


def _reassessed(reports: str, facts: Facts) -> str:
    """``"S1 (round 1)"``: the reports, of those given, sought at full text in an earlier round."""
    found = []
    for report in reports.split("; "):
        number = facts.decisions.get(report, {}).get("round", "")
        if number.isdigit() and int(number) <= facts.since_round:
            found.append(f"{report} (round {number})")
    return ", ".join(found)


def _removed_because(study: str, facts: Facts) -> str:
    row = facts.decisions.get(study)
    merged = _library_event(facts.events, "merged", "other_study_id", study)
    if merged is not None:
        return f"merged into study {merged['study_id']} in round {merged['round']}"
    if row is None:
        screened = facts.screening.get(study)
        automated = facts.automated.get(study)
        if automated is not None:  # its votes no longer count (screening.outcome.not_screened)
            return f"excluded before screening by automation: {automated}"
        if screened is None:
            return "title/abstract decision reopened (a sheet returned again): awaiting a decision"
        if screened.get("decision") == "exclude":
            reason = screened.get("reason_label") or screened.get("reason", "")
            return f"excluded at title/abstract on re-screening: {reason}".rstrip(": ")
        return "no longer included at title/abstract"
    if row.get("decision") == "exclude":
        return f"excluded at full text: {row.get('reason_label') or row.get('reason', '')}"
    if row.get("study_id") and row["study_id"] != study:
        return f"now a report of study {row['study_id']}"
    return f"full-text decision now {row.get('decision', '').replace('_', ' ') or 'missing'}"


def _reports(state: State, study: str) -> set[str]:
    return set(state.included[study]["reports"].split("; "))


def _continued(before: State, current: State) -> dict[str, str]:
    """Studies included now under another id than in the previous version: new id -> old id.

    A study new by id that holds a report of a previous study no longer included by its own id
    (a later report linked to it took the study's name) is that study, not a new one: the
    PRISMA ledger counts it so (``prisma.collect.totals``). One previous study per study; the
    others it holds are removed, now a report of it."""
    gone = sorted(set(before.included) - set(current.included))
    found: dict[str, str] = {}
    for study in sorted(set(current.included) - set(before.included)):
        held = [
            p
            for p in gone
            if p not in found.values() and _reports(before, p) & _reports(current, study)
        ]
        if held:
            found[study] = held[0]
    return found


def _relabelled(old: str, now: Mapping[str, str]) -> str:
    """A note for a study now cited by another report (a journal article after its
    registration) under another label than before; ``""`` when the label is the same."""
    label = now.get("label", "")
    if not old or old == label:
        return ""
    return f"; cited as {label} now, as {old} in the previous version"


def _report_added_because(report: str, facts: Facts) -> str:
    merged = _library_event(facts.events, "merged", "other_study_id", report)
    if merged is not None:
        return f"report of study {report}, merged into the study in round {merged['round']}"
    return "full-text report linked to the study"


@dataclass(frozen=True)
class Facts:
    """What the comparison needs besides the two states."""

    version: str
    since_round: int  # records first seen in a later library round are new since then
    decisions: Mapping[str, Mapping[str, str]]  # full-text report id -> its decision row
    groups: Sequence[Mapping[str, str]]  # library record_id, study_id, round
    field_labels: Mapping[str, str]
    reopened: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # stage ("extraction", "rob") -> study -> its status now when not final (e.g. disagreement)
    events: Sequence[Mapping[str, str]] = ()  # the library's merges and splits (changelog.csv)
    # study id -> its final title/abstract decision row, with the reason's label (reason_label)
    screening: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # study id -> why automation excluded it before screening (screening/automation.csv)
    automated: Mapping[str, str] = field(default_factory=dict)
    # record id -> its DOI and PMID ("doi:...", "pmid:..."), read only when a record joined an
    # included study (:func:`snapshot_identifiers`)
    identifiers: Callable[[], Mapping[str, frozenset[str]]] = dict


def snapshot_identifiers(folders: Sequence[Path]) -> Callable[[], Mapping[str, frozenset[str]]]:
    """What :attr:`Facts.identifiers` gives, from the library snapshots in ``folders`` (oldest
    first: a record changed in a later round has its later identifiers); read once."""

    @functools.cache
    def read() -> Mapping[str, frozenset[str]]:
        found: dict[str, frozenset[str]] = {}
        for folder in folders:
            path = folder / "records.csv"
            if path.is_file():
                for record in read_record_fields(path, ("record_id", "doi", "pmid")):
                    keys = (f"doi:{record.doi.lower()}" * bool(record.doi),
                            f"pmid:{record.pmid}" * bool(record.pmid))  # fmt: skip
                    found[record.record_id] = frozenset(k for k in keys if k)
        return found

    return read


def _not_found_again(joined: list[Mapping[str, str]], facts: Facts) -> list[Mapping[str, str]]:
    """The records of ``joined`` (first found in this version) that are no article their study
    held before: a record with the DOI or PMID of one of its study's earlier records is that
    article found again (another database found it late, or an import of this round returned
    it again). A report is a publication, not a record."""
    if not joined:
        return []
    identifiers = facts.identifiers()
    studies = {g["study_id"] for g in joined}
    held: dict[str, set[str]] = {}  # study -> the identifiers of its earlier records
    for g in facts.groups:
        if g.get("study_id") in studies and int(g.get("round") or 0) <= facts.since_round:
            held.setdefault(g["study_id"], set()).update(identifiers.get(g["record_id"], ()))
    return [
        g
        for g in joined
        if not identifiers.get(g["record_id"], frozenset()) & held.get(g["study_id"], set())
    ]


class _Change(NamedTuple):
    """One change before it becomes a changelog row (see :data:`CHANGE_COLUMNS`)."""

    kind: str
    study: str
    item: str = ""
    old: str = ""
    new: str = ""
    detail: str = ""


def compare(previous: State | None, current: State, facts: Facts) -> list[dict[str, str]]:
    """This version's changes (see the module docstring), sorted by kind, study and item."""
    before = previous or State()
    labels = {s: r.get("label", "") for s, r in (before.included | current.included).items()}
    renamed = _continued(before, current)
    changes = [
        *_study_changes(before, current, facts, renamed),
        *_report_changes(before, current, facts, renamed),
        *_assessment_changes(before, current, facts),
        *_flag_changes(before, current),
    ]
    rows = [_row(c, facts.version, labels.get(c.study, "")) for c in changes]
    order = list(KINDS)
    return sorted(rows, key=lambda r: (order.index(r["change"]), r["label"], r["study_id"]))


def _row(change: _Change, version: str, label: str) -> dict[str, str]:
    """``change`` as a changelog row of ``version`` (:data:`CHANGE_COLUMNS`)."""
    c = change
    values = (version, c.kind, c.study, label, c.item, c.old, c.new, c.detail)
    return dict(zip(CHANGE_COLUMNS, values, strict=True))


def _study_changes(
    before: State, current: State, facts: Facts, renamed: Mapping[str, str]
) -> list[_Change]:
    """Studies included now and not before, then studies included before and not now; a study
    continued under a new id (``renamed``: new id -> old id) is neither."""
    changes: list[_Change] = []
    for study in sorted(set(current.included) - set(before.included) - set(renamed)):
        detail = f"reports: {current.included[study]['reports']}"
        split = _library_event(facts.events, "split", "study_id", study)
        if split is not None:
            detail += f"; split from study {split['other_study_id']} in round {split['round']}"
        again = _reassessed(current.included[study]["reports"], facts)
        if again:
            detail += f"; sought at full text in an earlier round: {again}"
        changes.append(_Change("study_included", study, new="included", detail=detail))
    for study in sorted(set(before.included) - set(current.included) - set(renamed.values())):
        why = _removed_because(study, facts)
        changes.append(_Change("study_removed", study, old="included", new="removed", detail=why))
    return changes


def _report_changes(
    before: State, current: State, facts: Facts, renamed: Mapping[str, str]
) -> list[_Change]:
    """New reports of studies included in both versions (or continued under a new id), then
    records first found since ``facts.since_round`` that the library joined to them."""
    changes: list[_Change] = []
    still_in = set(before.included) & set(current.included)
    for study in sorted(still_in | set(renamed)):
        was = renamed.get(study, study)
        old_reports = _reports(before, was)
        label = _relabelled(before.included[was].get("label", ""), current.included[study])
        for report in sorted(_reports(current, study) - old_reports):
            detail = _report_added_because(report, facts)
            if was != study:
                detail += f"; the study was {was} in the previous version"
            changes.append(_Change("report_added", study, report, detail=detail + label))
    joined = _not_found_again(
        [
            g
            for g in facts.groups
            if g.get("study_id") in still_in and int(g.get("round") or 0) > facts.since_round
        ],
        facts,
    )
    for g in sorted(joined, key=lambda g: (g["study_id"], g["record_id"])):
        source = g["record_id"].split(":", 1)[0]
        detail = f"record first found in round {g['round']} ({source}), joined to the study"
        changes.append(_Change("report_added", g["study_id"], g["record_id"], detail=detail))
    return changes


def _same_value(old: str, new: str) -> bool:
    """Whether a kept value is ``new``, but for whitespace (:func:`same_text`) or how an earlier
    version read it from a returned .xlsx (:func:`sheets.as_read_now`: ``0.45`` for ``45%``,
    ``True`` for ``TRUE``; :func:`as_read_before`: ``12:30:00`` for a time shown ``12:30``)."""
    from livingreview.sheets import as_read_now
    from livingreview.sheets.time_shown import as_read_before

    return (
        same_text(old, new)
        or same_text(as_read_now(old), new)
        or same_text(old, as_read_before(new))
    )


def _assessment_changes(before: State, current: State, facts: Facts) -> list[_Change]:
    """Final extraction values and risk-of-bias judgements that differ, then studies final
    before whose re-assessment is not settled yet."""
    changes: list[_Change] = []
    for study in sorted(set(before.extraction) & set(current.extraction)):
        old, new = before.extraction[study], current.extraction[study]
        for name in [f for f in new if f in old and not _same_value(old[f], new[f])]:
            label = facts.field_labels.get(name, name)
            changes.append(_Change("extraction_changed", study, name, old[name], new[name], label))
    for study in sorted(set(before.rob) & set(current.rob)):
        for item, old_value, new_value, tool in _rob_differences(
            before.rob[study], current.rob[study]
        ):
            changes.append(_Change("rob_changed", study, item, old_value, new_value, tool))
    for stage, kind in (("extraction", "extraction_changed"), ("rob", "rob_changed")):
        was_final = getattr(before, stage)
        for study, status in sorted(facts.reopened.get(stage, {}).items()):
            if study in was_final and study in current.included:
                changes.append(
                    _Change(kind, study, "status", "final", status, "re-assessment not settled yet")
                )
    return changes


def _flag_changes(before: State, current: State) -> list[_Change]:
    """One change per study and flag with the evidence new in this version (a retraction that a
    PubMed publication type and a Crossref notice both report is one flag, not two), for a
    study included in either version."""
    evidence: dict[tuple[str, str], list[str]] = {}
    for study, record, flag, detail in sorted(current.flags - before.flags):
        evidence.setdefault((study, flag), []).append(f"{detail} ({record})")
    return [
        _Change("flagged", study, flag, new=flag, detail="; ".join(found))
        for (study, flag), found in evidence.items()
        if study in current.included or study in before.included
    ]


def _rob_differences(
    old: Mapping[str, str], new: Mapping[str, str]
) -> list[tuple[str, str, str, str]]:
    """(item, old, new, tool name) per differing domain and the overall; a changed tool alone
    when the study is now rated with another tool."""
    tool = TOOL_NAMES.get(new["tool"], new["tool"])
    if old["tool"] != new["tool"]:
        return [("tool", TOOL_NAMES.get(old["tool"], old["tool"]), tool, "")]
    before, after = _domains(old["domains"]), _domains(new["domains"])
    found = [
        (code, before.get(code, ""), after.get(code, ""), tool)
        for code in sorted(set(before) | set(after))
        if before.get(code, "") != after.get(code, "")
    ]
    if old["overall"] != new["overall"]:
        found.append(("overall", old["overall"], new["overall"], tool))
    return found


def _not_final(rows: Iterable[Mapping[str, str]] | None, column: str) -> dict[str, str]:
    """Study -> status of the rows whose ``column`` is not ``final``."""
    return {r["study_id"]: r[column] for r in _rows(rows) if r.get(column, "final") != "final"}


def _rule_name(rule: str) -> str:
    return rule.replace("_", " ")


def _screening_decisions(
    config: Mapping[str, Any], rows: Iterable[Mapping[str, str]] | None
) -> dict[str, dict[str, str]]:
    """Study id -> its final title/abstract decision, the label of each of its reasons added
    (several are joined as the final decision joins them; an id the protocol no longer lists
    stays as it is)."""
    labels = {r["id"]: r["label"] for r in config["exclusion_reasons"]["title_abstract"]}

    def labelled(reason: str) -> str:
        given = [part for part in reason.split(REASON_JOIN) if part]
        return REASON_JOIN.join(labels.get(part, part) for part in given)

    return {
        row["study_id"]: {**row, "reason_label": labelled(row.get("reason", ""))}
        for row in _rows(rows)
    }


def read_facts(
    config: Mapping[str, Any],
    read: Mapping[str, Any],
    earlier: Sequence[tuple[int, str, Path]] = (),
) -> Facts:
    """The :class:`Facts` of this version from the outputs the report read; ``earlier``: the
    earlier rounds (number, version, snapshot folder), oldest first."""
    return Facts(
        str(config["review"]["version"]),
        earlier[-1][0] if earlier else 0,
        {r["report_id"]: r for r in _rows(read.get("fulltext_decisions"))},
        _rows(read.get("library_groups")),
        {f["id"]: f["label"] for f in config["extraction"]["fields"]},
        {
            "extraction": _not_final(read.get("extracted"), "extraction_status"),
            "rob": _not_final(read.get("rob_summary"), "status"),
        },
        _rows(read.get("library_changelog")),
        screening=_screening_decisions(config, read.get("screening_final")),
        automated={
            r["study_id"]: r.get("detail") or _rule_name(r.get("rule", ""))
            for r in _rows(read.get("automation_exclusions"))
        },
        identifiers=snapshot_identifiers([*(p for _, _, p in earlier), snapshot_dir(config)]),
    )


def build(config: Mapping[str, Any], read: Mapping[str, Any]) -> Changelog:
    """This version's changelog from the outputs the report read and the frozen states of
    earlier versions, with the earlier versions' kept reports."""
    version = str(config["review"]["version"])
    earlier = earlier_rounds(history_dir(config), version)
    facts = read_facts(config, read, earlier)
    log = Changelog(version, "", [], [], {})
    states: list[State | None] = []
    for _, name, folder in earlier:
        own = folder / STATE_DIR
        states.append(read_state(own))
        log.previous = name
        if (own / STATE_FILES["changes"]).is_file():
            log.earlier += read_csv_table(own / STATE_FILES["changes"], CHANGE_COLUMNS, "")
        if (own / "index.html").is_file():
            log.kept[name] = own
        if states[-1] is not None:
            log.included[name] = len(states[-1].included)
    current = current_state(config, read)
    if earlier and states[-1] is None:
        log.notes.append(
            f"Version {log.previous} kept no frozen state ({earlier[-1][2] / STATE_DIR}): the "
            "changes since it cannot be listed."
        )
    else:
        log.rows = compare(states[-1] if states else None, current, facts)
    if earlier and states[-1] is not None:
        log.rows[:0] = _amended(config, log, earlier[-1][2] / STATE_DIR)
    if read.get("included") is not None:
        log.included[version] = len(current.included)
    return log


def _amended(config: Mapping[str, Any], log: Changelog, folder: Path) -> list[dict[str, str]]:
    """One row per methods setting amended since the version kept in ``folder``; none, with a
    note, when that version kept no protocol (frozen before versions kept theirs)."""
    path = folder / STATE_FILES["protocol"]
    if not path.is_file():
        log.notes.append(
            f"Version {log.previous} kept no protocol ({path}): the amendments to the protocol "
            "since it cannot be listed."
        )
        return []
    before = read_json(path, "missing from the kept state")
    if not isinstance(before, dict):
        raise InputFileError(path, "expected a JSON object of protocol settings")
    try:
        found = amendments(before, config)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:  # an edited kept file
        raise InputFileError(
            path, f"not the protocol settings a version kept ({type(exc).__name__}: {exc})"
        ) from None
    log.protocol_compared = True
    return [
        {"version": log.version, "change": "protocol_amended", "study_id": "", "label": "",
         "item": a.item, "old": a.old, "new": a.new, "detail": a.detail}
        for a in found
    ]  # fmt: skip


def summary(rows: Iterable[Mapping[str, str]]) -> str:
    """``"2 studies included, 1 study removed"``: changes counted by kind ("none" without)."""
    counted = Counter(r["change"] for r in rows)
    parts = [f"{counted[k]} {COUNTED[k][counted[k] != 1]}" for k in COUNTED if counted[k]]
    return ", ".join(parts) or "none"


def link(target: Path, out_dir: Path) -> str:
    """``target`` as a relative link from a page in ``out_dir``."""
    return Path(os.path.relpath(target.resolve(), out_dir.resolve())).as_posix()


def write_changelog(path: Path, changelog: Changelog) -> None:
    """``changelog.csv``: every version's changes."""
    atomic_write_text(path, table_text(CHANGE_COLUMNS, changelog.all_rows()))


def freeze(config: Mapping[str, Any], read: Mapping[str, Any], changelog: Changelog) -> Path:
    """Write this version's state and changes to :func:`state_dir`; returns the folder."""
    folder = state_dir(config)
    for key, text in state_tables(config, current_state(config, read)).items():
        atomic_write_text(folder / STATE_FILES[key], text)
    atomic_write_text(folder / STATE_FILES["changes"], table_text(CHANGE_COLUMNS, changelog.rows))
    atomic_write_text(folder / STATE_FILES["protocol"], methods_text(config))
    for key in ("screening_agreement", "fulltext_agreement"):
        rows = read.get(key.removeprefix("screening_")) or []
        atomic_write_text(folder / STATE_FILES[key], table_text(AGREEMENT_COLUMNS, rows))
    return folder
