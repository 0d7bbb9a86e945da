"""Final full-text outcome per report and per study, from reviewers' rows and resolutions.

Per report, each reviewer's latest row is a vote: ``not retrieved``, ``include`` or ``exclude``
with its reason (rows with neither are not votes). A report is **not retrieved** when at least
one reviewer could not retrieve it and nobody assessed it. Votes conflict when decisions differ
or two exclusions give different primary reasons (PRISMA lists one reason per report). A
conflict is settled by a resolution in the conflicts sheet (``full_text.decision_rule``:
``consensus`` or ``third_reviewer``, who must not be one of the voters); until then it is
pending. A resolution returned before the rule was amended keeps settling its conflict (``how``
as it was settled). In ``dual`` mode a report with one vote waits for the second reviewer.

Reports are grouped into studies by the ``same_study_as`` links (undirected, transitive) and by
the library's merges: a report whose study the library merged into another (its id retired) is
a report of the surviving study, with its decision kept. A study's id is the library study id
of its earliest round's report (a report's own id unless retired; the smallest of that round's),
so a study keeps its id when a later round links a new report to it. A study is included when
any report is. An article citing one trial registration among the reports (its register id in a
field the database curates: :mod:`livingreview.fulltext.registrations`) is a report of that
registration's study, unless a reviewer linked it with ``same_study_as`` (the reviewer's link
counts instead).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from livingreview.errors import InputFileError
from livingreview.fulltext.sheet import NOT_RETRIEVED
from livingreview.screening.conflicts import (
    CONSENSUS,
    Resolution,
    Votes,
    how_settled,
    latest_resolutions,
)
from livingreview.screening.decisions import ScreeningDecision

STAGE = "full_text"


@dataclass(frozen=True)
class ReportDecision:
    """The outcome of one report sought."""

    report_id: str
    round: int  # the round the report was included at title/abstract (or found by other methods)
    decision: str  # include, exclude, not_retrieved, pending
    reason: str = ""
    how: str = (
        ""  # agreement, single_reviewer, consensus, third_reviewer, awaiting_second, conflict
    )
    votes: str = ""
    resolver: str = ""
    retrieval_note: str = ""
    study_id: str = ""  # filled by group_studies
    same_study_as: str = ""  # the report the reviewers linked it to (agreed), by group_studies


@dataclass
class FullTextOutcome:
    """Every report's decision, the conflicts still open and the links' disagreements."""

    reports: list[ReportDecision] = field(default_factory=list)
    pending_conflicts: list[Votes] = field(default_factory=list)
    link_disagreements: list[str] = field(default_factory=list)
    unused_resolutions: list[str] = field(default_factory=list)


def _vote(report: str, reviewer: str, cells: Mapping[str, str]) -> ScreeningDecision | None:
    if cells.get("decision"):
        decision, reason = cells["decision"], cells.get("reason", "")
    elif cells.get("retrieval") == NOT_RETRIEVED:
        decision, reason = NOT_RETRIEVED, ""
    else:
        return None
    return ScreeningDecision(
        report, reviewer, STAGE, 0, decision, reason, cells.get("notes", ""), "", 0, ""
    )


def _conflict(decisions: Sequence[ScreeningDecision]) -> bool:
    assessed = [d for d in decisions if d.decision != NOT_RETRIEVED]
    return len({(d.decision, d.reason) for d in assessed}) > 1


def decide_reports(
    sought: Mapping[str, int],
    rows: Mapping[tuple[str, str], Mapping[str, str]],
    resolutions: Iterable[Resolution],
    *,
    dual: bool,
    rule: str,
) -> FullTextOutcome:
    """Decide every report sought (report id -> round) from the reviewers' latest rows."""
    by_report = _by_report(rows)
    settled = latest_resolutions(resolutions)
    used: set[str] = set()
    outcome = FullTextOutcome()
    for report, round_number in sorted(sought.items()):
        base, votes = _report_votes(report, round_number, by_report.get(report, {}))
        assessed = [v for v in votes if v.decision != NOT_RETRIEVED]
        if not votes:
            outcome.reports.append(base)
        elif not assessed:
            outcome.reports.append(_with(base, decision=NOT_RETRIEVED, how=_how(votes)))
        elif _conflict(votes):
            resolution = settled.get(report)
            if resolution is None:
                outcome.pending_conflicts.append(Votes(report, round_number, votes))
                outcome.reports.append(_with(base, how="conflict"))
                continue
            _check_resolution(resolution, votes, rule)
            used.add(report)
            outcome.reports.append(_resolved(base, resolution))
        elif dual and len(votes) < 2:
            outcome.reports.append(_with(base, how="awaiting_second"))
        else:
            first = assessed[0]
            outcome.reports.append(
                _with(base, decision=first.decision, reason=first.reason, how=_how(votes))
            )
    outcome.unused_resolutions = [
        f"{r.study_id} ({r.file}, row {r.row})" for s, r in sorted(settled.items()) if s not in used
    ]
    return outcome


def _by_report(
    rows: Mapping[tuple[str, str], Mapping[str, str]],
) -> dict[str, dict[str, Mapping[str, str]]]:
    """Report id -> reviewer -> the cells of the reviewer's latest row on it."""
    by_report: dict[str, dict[str, Mapping[str, str]]] = defaultdict(dict)
    for (reviewer, report), cells in rows.items():
        by_report[report][reviewer] = cells
    return by_report


def _report_votes(
    report: str, round_number: int, people: Mapping[str, Mapping[str, str]]
) -> tuple[ReportDecision, tuple[ScreeningDecision, ...]]:
    """The report's votes by reviewer (rows neither assessed nor not retrieved are none), and
    its decision while pending, with the votes and every reviewer's retrieval note."""
    notes = "; ".join(
        f"{r}: {c['retrieval_note']}" for r, c in sorted(people.items()) if c.get("retrieval_note")
    )
    votes = tuple(v for r, c in sorted(people.items()) if (v := _vote(report, r, c)) is not None)
    text = Votes(report, round_number, votes).text()
    base = ReportDecision(report, round_number, "pending", votes=text, retrieval_note=notes)
    return base, votes


def _resolved(base: ReportDecision, resolution: Resolution) -> ReportDecision:
    """The report's decision settled by its ``resolution``, ``how`` as it was settled
    (``consensus`` or ``third_reviewer``, whatever the rule is now); an exclusion keeps its
    reason."""
    return _with(
        base,
        decision=resolution.decision,
        reason=resolution.reason if resolution.decision == "exclude" else "",
        how=how_settled(resolution.resolver),
        resolver=resolution.resolver,
    )


def _how(votes: Sequence[ScreeningDecision]) -> str:
    return "single_reviewer" if len(votes) == 1 else "agreement"


def _with(base: ReportDecision, **changes: Any) -> ReportDecision:
    return replace(base, **changes)


def _check_resolution(
    resolution: Resolution, votes: Sequence[ScreeningDecision], rule: str
) -> None:
    """Under ``third_reviewer`` a resolver must not be one of the report's reviewers. A
    consensus counts: only a conflicts sheet written under the consensus rule is for
    ``consensus`` (its ``_meta`` cannot be edited), so it was settled as the protocol of its
    time asked. An exclusion needs its reason."""
    where = {"position": f"row {resolution.row}"}
    voters = [v.reviewer for v in votes]
    if rule == "third_reviewer" and resolution.resolver in voters:
        raise InputFileError(
            resolution.file,
            f"report {resolution.study_id} is resolved by {resolution.resolver}, but "
            f"full_text.decision_rule is third_reviewer: expected a reviewer other than "
            f"{', '.join(voters)}",
            **where,
            field="resolution",
        )
    if resolution.decision == "exclude" and not resolution.reason:
        raise InputFileError(
            resolution.file,
            f"report {resolution.study_id} excluded without a reason; expected one primary "
            "full-text exclusion reason",
            **where,
            field="reason",
        )


def group_studies(
    outcome: FullTextOutcome,
    rows: Mapping[tuple[str, str], Mapping[str, str]],
    merged: Mapping[str, str] | None = None,
    cited: Mapping[str, str] | None = None,
) -> None:
    """Fill each report's ``study_id`` from the ``same_study_as`` links (and ``same_study_as``
    with the report its reviewers linked it to), the library's merges
    (``merged``: retired study id -> surviving id) and the registrations articles cite
    (``cited``: article's report id -> registration's; see module docstring).

    Reviewers who link one report to different reports disagree: the report keeps its own
    study until they agree, and the disagreement is listed.
    """
    links: dict[str, set[str]] = defaultdict(set)
    for (_, report), cells in rows.items():
        links[report].add(cells.get("same_study_as", ""))
    known = {r.report_id for r in outcome.reports}
    parent = {r: r for r in known}
    library_study = {r: (merged or {}).get(r, r) for r in known}

    def root(item: str) -> str:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def join(a: str, b: str) -> None:
        a, b = root(a), root(b)
        parent[max(a, b)] = min(a, b)

    linked: dict[str, str] = {}
    first_report: dict[str, str] = {}
    for report in sorted(known):
        join(report, first_report.setdefault(library_study[report], report))
    for report, targets in sorted(links.items()):
        named = sorted(t for t in targets if t)
        if report not in known or not named:
            continue
        if len(targets) > 1:
            outcome.link_disagreements.append(f"{report}: {' | '.join(sorted(targets))}")
            continue
        if named[0] in known:
            join(report, named[0])
            linked[report] = named[0]
    for report, registration in sorted((cited or {}).items()):
        if report in known and registration in known and not any(links.get(report, ())):
            join(report, registration)
    first_seen: dict[str, tuple[int, str]] = {}
    for r in outcome.reports:
        seen = (r.round, library_study[r.report_id])
        group = root(r.report_id)
        first_seen[group] = min(first_seen.get(group, seen), seen)
    outcome.reports = [
        _with(
            r, study_id=first_seen[root(r.report_id)][1], same_study_as=linked.get(r.report_id, "")
        )
        for r in outcome.reports
    ]


def settled_by(outcome: FullTextOutcome) -> dict[str, int]:
    """How many conflicts were settled each way (``consensus``, ``third_reviewer``), whatever
    the rule is now: the methods name those settled under the rule before an amendment."""
    found = Counter(r.how for r in outcome.reports if r.how in (CONSENSUS, "third_reviewer"))
    return dict(sorted(found.items()))


def counts(
    outcome: FullTextOutcome,
    round_number: int | None = None,
    only: Container[str] | None = None,
) -> dict[str, Any]:
    """PRISMA counts of all reports, or of those sought in one round; ``only``: of those
    reports only (the other-methods arm's)."""
    reports = [
        r
        for r in outcome.reports
        if round_number in (None, r.round) and (only is None or r.report_id in only)
    ]
    by_decision = Counter(r.decision for r in reports)
    included_studies = {r.study_id for r in reports if r.decision == "include"}
    reasons = Counter(r.reason for r in reports if r.decision == "exclude")
    return {
        "reports_sought": len(reports),
        "reports_not_retrieved": by_decision[NOT_RETRIEVED],
        "reports_assessed": len(reports) - by_decision[NOT_RETRIEVED] - by_decision["pending"],
        "reports_excluded": by_decision["exclude"],
        "excluded_by_reason": dict(sorted(reasons.items())),
        "reports_included": sum(
            1 for r in reports if r.study_id in included_studies and r.decision == "include"
        ),
        "studies_included": len(included_studies),
        "reports_pending": by_decision["pending"],
        "complete": by_decision["pending"] == 0,
    }
