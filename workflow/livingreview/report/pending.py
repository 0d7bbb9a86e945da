"""The work still waiting for a person, read from each stage's status file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from livingreview.report.reopened import reopened_text, resolver_phrase
from livingreview.reviewforms import CONSENSUS


def _reviewer_lines(stage: str, status: Mapping[str, Any] | None, key: str) -> list[str]:
    """``"<stage>: <reviewer> has <n> to do"`` per reviewer with work left (``key``, else the
    forms assigned but not done)."""
    lines = []
    for reviewer, state in sorted(((status or {}).get("reviewers") or {}).items()):
        pending = state.get(key, state.get("assigned", 0) - state.get("done", 0))
        if pending:
            lines.append(f"{stage}: {reviewer} has {pending} to do")
    return lines


def _count_line(stage: str, document: Mapping[str, Any] | None, key: str, what: str) -> list[str]:
    """``"<stage>: <n> <what>"`` when the stage's document counts any ``key``, else nothing."""
    count = (document or {}).get(key)
    return [f"{stage}: {count} {what}"] if count else []


def _resolution_line(
    stage: str, outcome: Mapping[str, Any] | None, what: str, sheet: str
) -> list[str]:
    """``"<stage>: <n> <what> for <resolver> to resolve in <sheet>"``: the conflicts still open
    and who settles them (the resolver the stage's outcome names), when there are any."""
    by = resolver_phrase(outcome)
    return _count_line(stage, outcome, "conflicts_pending", f"{what}{by} to resolve in {sheet}")


def _reopened_lines(read: Mapping[str, Any]) -> list[str]:
    """One line per earlier round whose screening was final and that a later decision
    re-opened (``screening_reopened``: version -> studies, from :func:`read_outputs`)."""
    outcome = read.get("screening_outcome")
    return [
        f"Title/abstract screening: version {version}, final when it was published, has "
        f"{reopened_text(count, outcome)} (among the conflicts above; its published counts "
        "stay as they were)"
        for version, count in (read.get("screening_reopened") or {}).items()
    ]


def _to_settle(status: Mapping[str, Any]) -> str:
    """What a study whose forms differ waits for: consensus, or the third reviewer the stage's
    status names (``<stage>.decision_rule: third_reviewer``)."""
    who = str(status.get("resolver") or CONSENSUS)
    if who == CONSENSUS:
        return "study(ies) with disagreements for consensus"
    return f"study(ies) with disagreements for {who} to settle on the consensus form"


def pending_work(read: Mapping[str, Any]) -> list[str]:
    """What the team still has to do, one line each, in pipeline order."""
    todo = _count_line(
        "Deduplication",
        read.get("library_counts"),
        "maybe_pairs_pending",
        "possible duplicate pair(s) to decide in dedup/maybe_pairs.xlsx (in the outputs folder)",
    )
    todo += _reviewer_lines("Title/abstract screening", read.get("screening_status"), "pending")
    todo += _resolution_line(
        "Title/abstract screening",
        read.get("screening_outcome"),
        "conflict(s)",
        "screening/conflicts.xlsx",
    )
    todo += _reopened_lines(read)
    todo += _reviewer_lines("Full text", read.get("fulltext_status"), "pending")
    todo += _resolution_line(
        "Full text", read.get("fulltext_outcome"), "disagreement(s)", "fulltext/conflicts.xlsx"
    )
    extraction = read.get("extraction_status") or {}
    todo += _reviewer_lines("Data extraction", extraction, "pending")
    todo += _count_line(
        "Data extraction",
        extraction.get("studies"),
        "disagreement",
        _to_settle(extraction),
    )
    rob = dict(read.get("rob_status") or {})
    todo += _reviewer_lines("Risk of bias", rob, "pending")
    # A study awaiting consensus has no final judgement either: it is counted once, there.
    unsettled = rob.get("disagreements") or 0
    rob["unassessed"] = max((rob.get("pending") or 0) - unsettled, 0)
    todo += _count_line("Risk of bias", rob, "unassessed", "study(ies) still to assess")
    todo += _count_line("Risk of bias", rob, "disagreements", _to_settle(rob))
    return todo
