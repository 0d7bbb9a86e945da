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


#: The kinds of returned sheet a line of :func:`pending_work` awaits, as ``(section, key)`` of
#: the protocol's folder it goes back to (``sheets.returned_folder``).
SHEET_FOLDERS = {
    "maybe_pairs": ("deduplication", "decisions_dir"),
    "screening": ("screening", "folder"),
    "screening_conflicts": ("screening", "conflicts_folder"),
    "full_text": ("full_text", "folder"),
    "full_text_conflicts": ("full_text", "conflicts_folder"),
    "extraction": ("extraction", "folder"),
    "risk_of_bias": ("risk_of_bias", "folder"),
}


def pending_work(read: Mapping[str, Any], returned: Mapping[str, str] | None = None) -> list[str]:
    """What the team still has to do, one line each, in pipeline order; with ``returned``
    (:data:`SHEET_FOLDERS` kind -> folder), a line awaiting a sheet ends ``; return to <folder>``
    (``livingreview status``; the report names no folder)."""
    folders = returned or {}

    def back(kind: str, lines: list[str]) -> list[str]:
        if kind not in folders:
            return lines
        return [f"{line}; return to {folders[kind]}" for line in lines]

    todo = back("maybe_pairs", _maybe_pair_lines(read))
    todo += back("screening", _screening_lines(read))
    todo += back("screening_conflicts", _screening_conflict_lines(read))
    todo += _reopened_lines(read)
    todo += back("full_text", _reviewer_lines("Full text", read.get("fulltext_status"), "pending"))
    todo += back("full_text_conflicts", _full_text_conflict_lines(read))
    todo += back("extraction", _extraction_lines(read.get("extraction_status") or {}))
    todo += back("risk_of_bias", _rob_lines(dict(read.get("rob_status") or {})))
    return todo


def _maybe_pair_lines(read: Mapping[str, Any]) -> list[str]:
    """The possible duplicate pairs still to decide."""
    return _count_line(
        "Deduplication",
        read.get("library_counts"),
        "maybe_pairs_pending",
        "possible duplicate pair(s) to decide in dedup/maybe_pairs.xlsx (in the outputs folder)",
    )


def _screening_lines(read: Mapping[str, Any]) -> list[str]:
    """Each screener's studies still to decide."""
    return _reviewer_lines("Title/abstract screening", read.get("screening_status"), "pending")


def _screening_conflict_lines(read: Mapping[str, Any]) -> list[str]:
    """Title/abstract conflicts still to resolve."""
    return _resolution_line(
        "Title/abstract screening",
        read.get("screening_outcome"),
        "conflict(s)",
        "screening/conflicts.xlsx",
    )


def _full_text_conflict_lines(read: Mapping[str, Any]) -> list[str]:
    """Full-text disagreements still to resolve."""
    return _resolution_line(
        "Full text", read.get("fulltext_outcome"), "disagreement(s)", "fulltext/conflicts.xlsx"
    )


def _extraction_lines(extraction: Mapping[str, Any]) -> list[str]:
    """Each extractor's forms still to fill, then the studies awaiting consensus."""
    return _reviewer_lines("Data extraction", extraction, "pending") + _count_line(
        "Data extraction",
        extraction.get("studies"),
        "disagreement",
        _to_settle(extraction),
    )


def _rob_lines(rob: dict[str, Any]) -> list[str]:
    """Each assessor's forms still to fill, the studies unassessed, those awaiting consensus."""
    todo = _reviewer_lines("Risk of bias", rob, "pending")
    # A study awaiting consensus has no final judgement either: it is counted once, there.
    unsettled = rob.get("disagreements") or 0
    rob["unassessed"] = max((rob.get("pending") or 0) - unsettled, 0)
    todo += _count_line("Risk of bias", rob, "unassessed", "study(ies) still to assess")
    todo += _count_line("Risk of bias", rob, "disagreements", _to_settle(rob))
    return todo
