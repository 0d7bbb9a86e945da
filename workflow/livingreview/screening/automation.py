"""Automation exclusions: protocol limits applied to library studies before anyone screens them.

The protocol's ``automation:`` section lists publication types (e.g. Editorial, Comment, Letter),
the languages a study must be written in, and inclusive publication-year limits. A study is
excluded only on evidence: one of its publication types matches a listed one (case-insensitive,
whole type), its language is known and not allowed, or its year is known and outside the limits.
A study with no language, no publication type or no year is kept (conservative).

Rules are checked in the order of :data:`RULES`; a study matching several is counted once, under
the first (so the per-rule counts add up to the total for PRISMA 2020's "records marked as
ineligible by automation tools"), and every match is named in ``detail``.

Outputs (:data:`OUTPUTS`, under ``paths.outputs``), read by the screening export to skip studies:

* ``screening/automation.csv``: ``study_id, rule, detail`` per excluded study, sorted by id;
* ``screening/automation_counts.json``: studies checked and excluded, per rule and per round.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections import Counter
from collections.abc import Container, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from livingreview.errors import ConfigError, InputFileError
from livingreview.fileio import atomic_write_text, write_json
from livingreview.languages import check_languages, language_name
from livingreview.records import Record, split_list

OUTPUTS = {
    "exclusions": "screening/automation.csv",
    "counts": "screening/automation_counts.json",
}
EXCLUSIONS_CSV = OUTPUTS["exclusions"]  # the export stage skips the study ids listed here
RULES = ("publication_type", "language", "year")
EXCLUSION_COLUMNS = ("study_id", "rule", "detail")
LIBRARY_RECORDS = "library/records.csv"  # livingreview.dedup.library's OUTPUTS["records"]

_LANGUAGE_SPLIT = re.compile(r"[;,/|]|\band\b")


def record_languages(value: str) -> tuple[list[str], list[str]]:
    """The recognised languages of a language field, and the parts not recognised."""
    known: list[str] = []
    unknown: list[str] = []
    for part in _LANGUAGE_SPLIT.split(value):
        part = part.strip()
        if part:
            name = language_name(part)
            (known if name else unknown).append(name or part)
    return known, unknown


def _type_key(value: str) -> str:
    return " ".join(value.casefold().split())


@functools.lru_cache(maxsize=8)
def _type_keys(types: tuple[str, ...]) -> dict[str, str]:
    return {_type_key(t): t for t in types}


@dataclass(frozen=True)
class AutomationRules:
    """The protocol's automation limits, validated and normalised."""

    publication_types: tuple[str, ...] = ()  # excluded types, as written in the protocol
    languages: tuple[str, ...] = ()  # allowed languages (English names); empty = any
    year_from: int | None = None
    year_to: int | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> AutomationRules:
        """Read ``config['automation']``; an unrecognised language is a ConfigError."""
        section = config.get("automation") or {}
        languages = check_languages("automation.languages", section.get("languages") or [])
        year_from, year_to = section.get("year_from"), section.get("year_to")
        if year_from is not None and year_to is not None and year_from > year_to:
            raise ConfigError(
                f"config key 'automation.year_from': {year_from} is after year_to {year_to}"
            )
        return cls(
            tuple(section.get("publication_types") or ()),
            tuple(dict.fromkeys(languages)),
            year_from,
            year_to,
        )

    def matches(self, record: Record) -> list[tuple[str, str]]:
        """Every (rule, detail) this record is excluded by, in :data:`RULES` order."""
        found = []
        excluded = _type_keys(self.publication_types)
        types = [t for t in record.publication_types if _type_key(t) in excluded]
        if types:
            found.append(("publication_type", "publication type " + ", ".join(map(repr, types))))
        if self.languages and record.language:
            known, unknown = record_languages(record.language)
            if known and not unknown and not set(known) & set(self.languages):
                found.append(
                    ("language", f"language {record.language!r} is not {self._languages()}")
                )
        if record.year.isdigit():
            year = int(record.year)
            if self.year_from is not None and year < self.year_from:
                found.append(("year", f"published {year}, before {self.year_from}"))
            if self.year_to is not None and year > self.year_to:
                found.append(("year", f"published {year}, after {self.year_to}"))
        return found

    def _languages(self) -> str:
        names = [name.capitalize() for name in self.languages]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


@dataclass(frozen=True)
class Exclusion:
    """One study excluded by automation: the first rule it matched and every reason."""

    study_id: str
    rule: str
    detail: str


def apply_rules(studies: Iterable[tuple[str, Record]], rules: AutomationRules) -> list[Exclusion]:
    """The exclusions among (study id, merged record) pairs, sorted by study id."""
    out = []
    for study_id, record in studies:
        found = rules.matches(record)
        if found:
            out.append(Exclusion(study_id, found[0][0], "; ".join(detail for _, detail in found)))
    return sorted(out, key=lambda e: e.study_id)


def read_library_studies(path: Path) -> list[tuple[str, Record]]:
    """(study id, merged record) for every row of the library's ``records.csv``."""
    return [(sid, Record.from_row(row)) for sid, row in library_rows(path)]


RULE_COLUMNS = ("publication_types", "language", "year")


def rule_fields(row: Mapping[str, str]) -> Record:
    """The part of a library row the rules read (publication types, language, year): the same
    verdicts as the whole record, without rebuilding every field of every study."""
    return Record(
        publication_types=split_list(row.get("publication_types") or ""),
        language=row.get("language") or "",
        year=row.get("year") or "",
    )


def library_rows(
    path: Path, columns: Sequence[str] | None = None, whole: Container[str] = ()
) -> Generator[tuple[str, dict[str, str]]]:
    """(study id, row) for every row of the library's ``records.csv``; a missing study id
    column or an empty id is an error naming the row. With ``columns``, a row holds only those
    of them the file has, except the rows of the ``whole`` study ids: the rest of a long row is
    never made into a dict (rows as :class:`csv.DictReader` makes them)."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise InputFileError(
            path, f"cannot open the library ({exc.strerror}); run `livingreview library` first"
        ) from None
    with handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        if "study_id" not in header:
            raise InputFileError(
                path,
                "missing column 'study_id'; expected the library's records.csv",
                position="row 1",
            )
        at = header.index("study_id")
        some = None if columns is None else [(c, header.index(c)) for c in columns if c in header]
        number = 1
        for row in reader:
            if not row:
                continue  # a blank line is no row (as csv.DictReader skips it)
            number += 1
            sid = row[at] if at < len(row) else ""
            if not sid:
                raise empty_study_id(path, number)
            if some is None or sid in whole:
                yield sid, _as_dict(header, row)
            else:
                yield sid, {c: row[i] for c, i in some if i < len(row)}


def empty_study_id(path: Path, number: int) -> InputFileError:
    """The error for row ``number`` of the library's ``records.csv`` without a study id."""
    return InputFileError(path, "empty study id", position=f"row {number}", field="study_id")


def _as_dict(header: Sequence[str], row: list[str]) -> dict[str, Any]:
    """``row`` as :class:`csv.DictReader` gives it: missing cells None, extra cells under None."""
    found: dict[Any, Any] = dict(zip(header, row, strict=False))
    if len(row) > len(header):
        found[None] = row[len(header) :]
    for name in header[len(row) :]:
        found[name] = None
    return found


def automation_counts(
    studies: Sequence[str],
    exclusions: Sequence[Exclusion],
    rounds: Mapping[str, int],
    rules: AutomationRules,
) -> dict[str, Any]:
    """PRISMA counts: studies checked and excluded, per first-matching rule and per round."""
    by_rule = Counter(e.rule for e in exclusions)
    excluded_round = Counter(rounds.get(e.study_id, 0) for e in exclusions)
    checked_round = Counter(rounds.get(s, 0) for s in studies)
    return {
        "rules": {
            "publication_types": list(rules.publication_types),
            "languages": list(rules.languages),
            "year_from": rules.year_from,
            "year_to": rules.year_to,
        },
        "studies_checked": len(studies),
        "excluded": len(exclusions),
        "excluded_by_rule": {rule: by_rule.get(rule, 0) for rule in RULES},
        "by_round": {
            str(r): {"studies_checked": checked_round[r], "excluded": excluded_round.get(r, 0)}
            for r in sorted(checked_round)
        },
    }


def exclusions_csv(exclusions: Sequence[Exclusion]) -> str:
    """The exclusions as CSV text (``study_id, rule, detail``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXCLUSION_COLUMNS)
    for item in exclusions:
        writer.writerow((item.study_id, item.rule, item.detail))
    return buffer.getvalue()


def _exclusion_rows(handle: TextIO, path: Path) -> Iterator[list[str]]:
    """The rows of an open exclusions file after its header, which is checked."""
    reader = csv.reader(handle)
    if tuple(next(reader, ())) != EXCLUSION_COLUMNS:
        raise InputFileError(
            path, f"expected the columns {', '.join(EXCLUSION_COLUMNS)}", position="row 1"
        )
    return (row + [""] * (len(EXCLUSION_COLUMNS) - len(row)) for row in reader if row)


def read_exclusions(path: Path) -> list[Exclusion]:
    """The exclusions written by :func:`run_automation` (empty when the file does not exist)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [Exclusion(*row[:3]) for row in _exclusion_rows(handle, path)]


def excluded_study_ids(outputs: Path) -> set[str]:
    """Study ids automation excluded, from ``<outputs>/screening/automation.csv``."""
    path = outputs / EXCLUSIONS_CSV
    if not path.exists():
        return set()
    with path.open(encoding="utf-8", newline="") as handle:
        return {row[0] for row in _exclusion_rows(handle, path)}


def _library(outputs: Path) -> tuple[list[dict[str, str]], dict[str, int]]:
    """The library's rows and the round each study is new in, after the checks
    :func:`library_rows` makes (the file, its study id column, no empty study id). Read by
    :func:`livingreview.screening.assignment.library_studies`, which keeps them for the
    screening step run next in the same process: the large file is parsed once, not twice."""
    from livingreview.screening.assignment import library_studies

    path = outputs / LIBRARY_RECORDS
    header = library_rows(path, ())
    next(header, None)  # a missing file or study id column is named as ever
    header.close()
    rows, new_in, _, _ = library_studies(outputs)
    for number, row in enumerate(rows, start=2):  # as DictReader reads them: no blank line
        if not row["study_id"]:
            raise InputFileError(path, "empty study id", position=f"row {number}", field="study_id")
    return rows, new_in


def run_automation(config: Mapping[str, Any]) -> dict[str, Any]:
    """Apply the protocol's automation rules to the library and write :data:`OUTPUTS`.

    Counts per round use the round each study is new in, as the screening stage assigns it.
    A study found by other methods only is not checked: PRISMA 2020's other-methods arm has no
    automation box, its reports are sought at full text.
    """
    from livingreview.screening.assignment import protocol_other_method_studies

    rules = AutomationRules.from_config(config)
    outputs = Path(config["paths"]["outputs"])
    others = protocol_other_method_studies(config)
    rows, new_in = _library(outputs)
    studies = [(r["study_id"], rule_fields(r)) for r in rows if r["study_id"] not in others]
    exclusions = apply_rules(studies, rules)
    counts = automation_counts([s for s, _ in studies], exclusions, new_in, rules)
    atomic_write_text(outputs / OUTPUTS["exclusions"], exclusions_csv(exclusions))
    write_json(outputs / OUTPUTS["counts"], counts)
    return counts
