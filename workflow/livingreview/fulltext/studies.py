"""What later stages and the report need about reports and studies: the library's bibliographic
fields, a short citation label per study, and the table rows written by the full-text stage."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from livingreview.dedup.normalise import (
    conference_kind,
    is_protocol,
    is_registration,
    normalise_title,
    work_kind,
)
from livingreview.fileio import read_csv_table
from livingreview.fulltext.decide import ReportDecision
from livingreview.records import Record
from livingreview.register_ids import find_register_ids
from livingreview.screening import automation
from livingreview.screening.automation import read_library_studies
from livingreview.screening.export import is_register_record
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
#: ``main_report``: the report the study is cited by (:func:`main_report`), whose record the
#: bibliographic columns show and the reference-manager exports write.
INCLUDED_COLUMNS = ("study_id", "label", "reports", "main_report", "round", *BIB)
EXCLUDED_COLUMNS = (
    "report_id",
    "study_id",
    "round",
    "reason",
    "reason_label",
    "how",
    *BIB,
    "same_study_as",  # the report it duplicates or is another report of (the reviewers' link)
    "same_study_label",  # that report's label (Surname Year)
)


def library_rows(records_csv: Path) -> dict[str, dict[str, str]]:
    """Study id -> the library's merged record as a row."""
    return {sid: record.to_row() for sid, record in read_library_studies(records_csv)}


def library_ids_and_rows(
    records_csv: Path, wanted: Container[str], read: Sequence[dict[str, str]] | None = None
) -> tuple[frozenset[str], dict[str, dict[str, str]]]:
    """Every study id of the library, and the ``wanted`` studies' merged records as rows
    (one reading; only those records are rebuilt). ``read``: the file's rows as this process
    read them already (``screening.assignment.read_library_rows``), checked alike."""
    ids = []
    rows = {}
    for sid, row in library_pairs(records_csv, wanted, read):
        ids.append(sid)
        if sid in wanted:
            rows[sid] = Record.from_row(row).to_row()
    return frozenset(ids), rows


def library_pairs(
    records_csv: Path, wanted: Container[str], read: Sequence[dict[str, str]] | None
) -> Iterator[tuple[str, dict[str, str]]]:
    """(study id, row) of every row of the library's ``records.csv``, the ``wanted`` studies'
    rows whole (:func:`automation.library_rows`); from ``read``, the file's rows as this process
    read them already (``screening.assignment.read_library_rows``), when given: the same rows
    and the same error for an empty study id, without parsing the file again."""
    if read is None:
        return automation.library_rows(records_csv, (), whole=wanted)
    return _with_ids(records_csv, read)


def _with_ids(
    records_csv: Path, read: Sequence[dict[str, str]]
) -> Iterator[tuple[str, dict[str, str]]]:
    """(study id, row) of rows read already; an empty id is the error
    :func:`automation.library_rows` gives (rows numbered as there: blank lines are none)."""
    for number, row in enumerate(read, start=2):
        sid = row.get("study_id") or ""
        if not sid:
            raise automation.empty_study_id(records_csv, number)
        yield sid, row


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
    if row.get("authors", "").strip() or not is_register_record(row):
        return ""
    ids = find_register_ids(row.get("source_id", ""), journal, row.get("url", ""))
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
    """Rows of ``fulltext/included_studies.csv``: one per included study, every included
    report, its main report (:func:`main_report`: never a report full text excluded) and that
    report's bibliographic fields."""
    by_study = _included_by_study(reports)
    chosen = _main_reports(by_study, library)
    main = {sid: library.get(report_id, {}) for sid, report_id in chosen.items()}
    named = labels(main)
    return [
        {
            "study_id": sid,
            "label": named[sid],
            "reports": "; ".join(sorted(r.report_id for r in items)),
            "main_report": chosen[sid],
            "round": str(min(r.round for r in items)),
            **{key: main[sid].get(key, "") for key in BIB},
        }
        for sid, items in sorted(by_study.items())
    ]


def _included_by_study(reports: Sequence[ReportDecision]) -> dict[str, list[ReportDecision]]:
    """Included study id -> its included reports."""
    by_study: dict[str, list[ReportDecision]] = defaultdict(list)
    for report in reports:
        if report.decision == "include":
            by_study[report.study_id].append(report)
    return by_study


def _main_reports(
    by_study: Mapping[str, Sequence[ReportDecision]], library: Mapping[str, Mapping[str, str]]
) -> dict[str, str]:
    """Included study id -> its main report (:func:`main_report`)."""
    return {
        sid: main_report([(r.report_id, r.round) for r in items], library)
        for sid, items in by_study.items()
    }


#: Kinds of report, the one a study is best cited by first (:func:`main_report`): the full
#: journal article of its results, another full report (a thesis, book, chapter or report, or a
#: record that names no journal), a preprint, a conference abstract, a protocol, the trial's
#: registration, a notice (an erratum, correction, retraction, comment or reply).
REPORT_KINDS = (
    "journal article",
    "other report",
    "preprint",
    "conference abstract",
    "protocol",
    "registration",
    "notice",
)
#: Fields whose presence makes a record more complete (:func:`completeness`).
COMPLETE_FIELDS = ("authors", "abstract", "doi", "pmid", "journal", "volume", "pages", "year")
_PREPRINT_SERVERS = re.compile(r"rxiv|preprint|research square|ssrn", re.IGNORECASE)
# Preprint servers' DOI prefixes: bioRxiv/medRxiv, Research Square, SSRN, arXiv, PsyArXiv (OSF).
_PREPRINT_DOI = re.compile(r"^10\.(?:1101|21203|2139/ssrn|48550|31234)/", re.IGNORECASE)
_NOTICE_TYPES = ("erratum", "retraction of", "comment", "correction", "expression of concern")


def report_kind(row: Mapping[str, str]) -> str:
    """The kind of report a library row is (one of :data:`REPORT_KINDS`), from its publication
    types (as the reference-manager exports type it), journal, title and DOI."""
    from livingreview.reference_export import reference_type

    record = Record.from_row(row)
    folded = " | ".join(record.publication_types).casefold()
    if work_kind(record.title, "") or any(kind in folded for kind in _NOTICE_TYPES):
        return "notice"
    if is_registration(record.publication_types, record.journal):
        return "registration"
    kind = reference_type(record)
    if "preprint" in folded or _PREPRINT_SERVERS.search(record.journal):
        return "preprint"
    if _PREPRINT_DOI.match(record.doi):
        return "preprint"
    venue = conference_kind("", record.journal, record.volume, record.issue, "")
    if kind == "CONF" or venue == "conference":
        return "conference abstract"
    if is_protocol(normalise_title(record.title)) or "protocol" in folded:
        return "protocol"
    return "journal article" if kind == "JOUR" else "other report"


def completeness(row: Mapping[str, str]) -> int:
    """How many of :data:`COMPLETE_FIELDS` a library row fills."""
    return sum(1 for key in COMPLETE_FIELDS if row.get(key, "").strip())


def main_report(
    reports: Iterable[tuple[str, int]], library: Mapping[str, Mapping[str, str]]
) -> str:
    """The report an included study is cited by, of its included ``reports`` (report id, round
    included): the best kind (:data:`REPORT_KINDS`), then the earliest round (a later report of
    the same kind does not rename a study), then the most complete record
    (:func:`completeness`), then the smallest report id. The full-text stage writes it in its
    table (``main_report``), which the reference-manager exports read."""

    def rank(item: tuple[str, int]) -> tuple[int, int, int, str]:
        row = library.get(item[0], {})
        return (REPORT_KINDS.index(report_kind(row)), item[1], -completeness(row), item[0])

    return min(reports, key=rank)[0]


def excluded_rows(
    reports: Sequence[ReportDecision],
    library: Mapping[str, Mapping[str, str]],
    reasons: Mapping[str, str],
    included: Sequence[Mapping[str, str]],
) -> list[dict[str, str]]:
    """Rows of ``fulltext/excluded.csv``: the near-misses with their reason (PRISMA item 16b)
    and, for a duplicate report (or another report of a study), the report it was linked to,
    labelled as ``included`` (the rows of :func:`included_rows`) labels its study."""
    named = {row["study_id"]: row["label"] for row in included}
    return [
        {
            "report_id": r.report_id,
            "study_id": r.study_id,
            "round": str(r.round),
            "reason": r.reason,
            "reason_label": reasons.get(r.reason, ""),
            "how": r.how,
            **{key: library.get(r.report_id, {}).get(key, "") for key in BIB},
            "same_study_as": r.same_study_as,
            "same_study_label": _label_of(r.same_study_as, r.study_id, named, library),
        }
        for r in reports
        if r.decision == "exclude"
    ]


def _label_of(
    report_id: str,
    study_id: str,
    named: Mapping[str, str],
    library: Mapping[str, Mapping[str, str]],
) -> str:
    """The label of the study a linked report is of: the included table's (``named``), else
    ``Surname Year`` of the report alone ('' for no report)."""
    if not report_id:
        return ""
    return named.get(study_id) or labels({report_id: library.get(report_id, {})})[report_id]
