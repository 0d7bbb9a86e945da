"""What later stages and the report need about reports and studies: the library's bibliographic
fields, a short citation label per study, and the table rows written by the full-text stage."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Container, Mapping, Sequence
from pathlib import Path

from livingreview.dedup.normalise import is_registration, registry_ids
from livingreview.fileio import read_csv_table
from livingreview.fulltext.decide import ReportDecision
from livingreview.records import Record
from livingreview.screening import automation
from livingreview.screening.automation import read_library_studies
from livingreview.sheets import column_letter

BIB = ("title", "authors", "year", "journal", "doi")
DECISION_COLUMNS = (
    "report_id",
    "study_id",
    "round",
    "decision",
    "reason",
    "reason_label",
    "how",
    "votes",
    "resolver",
    "retrieval_note",
)
INCLUDED_COLUMNS = ("study_id", "label", "reports", "round", *BIB)
EXCLUDED_COLUMNS = ("report_id", "study_id", "round", "reason", "reason_label", "how", *BIB)


def library_rows(records_csv: Path) -> dict[str, dict[str, str]]:
    """Study id -> the library's merged record as a row."""
    return {sid: record.to_row() for sid, record in read_library_studies(records_csv)}


def library_ids_and_rows(
    records_csv: Path, wanted: Container[str]
) -> tuple[frozenset[str], dict[str, dict[str, str]]]:
    """Every study id of the library, and the ``wanted`` studies' merged records as rows
    (one reading; only those records are rebuilt)."""
    ids = []
    rows = {}
    for sid, row in automation.library_rows(records_csv, (), whole=wanted):
        ids.append(sid)
        if sid in wanted:
            rows[sid] = Record.from_row(row).to_row()
    return frozenset(ids), rows


def check_library(records_csv: Path) -> None:
    """The checks :func:`library_ids_and_rows` makes, on the header and first row only (for a
    run that needs no study of the library)."""
    rows = automation.library_rows(records_csv, ())
    next(rows, None)
    rows.close()


def merged_into(changelog_csv: Path) -> dict[str, str]:
    """Retired study id -> the study the library merged it into (followed to the study that
    survives now), from the library's ``merged`` events (none when it wrote no changelog)."""
    if not changelog_csv.is_file():
        return {}
    rows = read_csv_table(
        changelog_csv,
        ("event", "study_id", "other_study_id"),
        "missing: run the library step first",
    )
    into = {r["other_study_id"]: r["study_id"] for r in rows if r["event"] == "merged"}
    found = {}
    for retired, target in into.items():
        seen = {retired}
        while target in into and target not in seen:  # merged again in a later round
            seen.add(target)
            target = into[target]
        found[retired] = target
    return found


def with_retired(
    library: Mapping[str, Mapping[str, str]], merged: Mapping[str, str]
) -> dict[str, Mapping[str, str]]:
    """The library rows, plus each retired study's id with its surviving study's row (the
    retired study's records are part of it now)."""
    rows = dict(library)
    for retired, target in merged.items():
        if retired not in rows and target in library:
            rows[retired] = library[target]
    return rows


#: Initials after a surname without a comma (Embase, Vancouver): "Rossi G.", "Lee K.J.", "Park MJ".
_TRAILING_INITIALS = re.compile(r"(?<=\S)\s+(?:[A-Z]{1,3}|(?:[A-Z]\.-?\s*){1,4})$")


def first_author(authors: str) -> str:
    """The surname of the first author in ``"Surname, I; ..."`` or ``"Surname I.; ..."``."""
    first = authors.split(";")[0].strip()
    if "," in first:
        return first.split(",")[0].strip() or "Anonymous"
    return _TRAILING_INITIALS.sub("", first).strip() or "Anonymous"


def labels(studies: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """Study id -> ``Surname Year`` (a trial known by its registration alone, which names no
    author: its register id, :func:`registration_label`), with a/b/c… added where two studies
    share a label."""
    base = {
        sid: registration_label(row)
        or f"{first_author(row.get('authors', ''))} {row.get('year', '') or 'n.d.'}".strip()
        for sid, row in studies.items()
    }
    groups: dict[str, list[str]] = defaultdict(list)
    for sid in sorted(base):
        groups[base[sid]].append(sid)
    out = {}
    for label, ids in groups.items():
        for index, sid in enumerate(ids):
            out[sid] = label if len(ids) == 1 else f"{label}{column_letter(index).lower()}"
    return out


def registration_label(row: Mapping[str, str]) -> str:
    """The label of a register's record of a trial without authors: its register id
    (``NCT05100001``, from its id, register address or source), else the register's name and
    the year (``EU Clinical Trials Register 2021``); ``""`` for any other record."""
    journal = row.get("journal", "")
    types = [kind for kind in row.get("publication_types", "").split(";") if kind.strip()]
    if row.get("authors", "").strip() or not is_registration(types, journal):
        return ""
    ids = registry_ids(row.get("source_id", ""), journal, row.get("url", ""))
    if ids:
        return ids[0]
    register = "" if "://" in journal else journal.strip()
    return f"{register or 'Anonymous'} {row.get('year', '') or 'n.d.'}"


def decision_rows(
    reports: Sequence[ReportDecision], reasons: Mapping[str, str]
) -> list[dict[str, str]]:
    """Rows of ``fulltext/decisions.csv``: every report sought."""
    return [
        {
            "report_id": r.report_id,
            "study_id": r.study_id,
            "round": str(r.round),
            "decision": r.decision,
            "reason": r.reason,
            "reason_label": reasons.get(r.reason, ""),
            "how": r.how,
            "votes": r.votes,
            "resolver": r.resolver,
            "retrieval_note": r.retrieval_note,
        }
        for r in reports
    ]


def included_rows(
    reports: Sequence[ReportDecision], library: Mapping[str, Mapping[str, str]]
) -> list[dict[str, str]]:
    """Rows of ``fulltext/included_studies.csv``: one per included study, its main report's
    bibliographic fields and every included report. The main report is an included one: the
    study's own when it is included, else its earliest round's (not a conference abstract the
    study also holds but full text excluded)."""
    by_study: dict[str, list[ReportDecision]] = defaultdict(list)
    for report in reports:
        if report.decision == "include":
            by_study[report.study_id].append(report)
    main = {sid: library.get(_main_report(sid, items), {}) for sid, items in by_study.items()}
    named = labels(main)
    return [
        {
            "study_id": sid,
            "label": named[sid],
            "reports": "; ".join(sorted(r.report_id for r in items)),
            "round": str(min(r.round for r in items)),
            **{key: main[sid].get(key, "") for key in BIB},
        }
        for sid, items in sorted(by_study.items())
    ]


def _main_report(study: str, included: Sequence[ReportDecision]) -> str:
    """The report whose record stands for an included study (see :func:`included_rows`)."""
    ids = {r.report_id for r in included}
    if study in ids:
        return study
    return min(included, key=lambda r: (r.round, r.report_id)).report_id


def excluded_rows(
    reports: Sequence[ReportDecision],
    library: Mapping[str, Mapping[str, str]],
    reasons: Mapping[str, str],
) -> list[dict[str, str]]:
    """Rows of ``fulltext/excluded.csv``: the near-misses with their reason (PRISMA item 16b)."""
    return [
        {
            "report_id": r.report_id,
            "study_id": r.study_id,
            "round": str(r.round),
            "reason": r.reason,
            "reason_label": reasons.get(r.reason, ""),
            "how": r.how,
            **{key: library.get(r.report_id, {}).get(key, "") for key in BIB},
        }
        for r in reports
        if r.decision == "exclude"
    ]
