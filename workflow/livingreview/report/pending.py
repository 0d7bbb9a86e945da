"""The work still waiting for a person, read from each stage's status file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _reviewer_lines(stage: str, status: Mapping[str, Any] | None, key: str) -> list[str]:
    lines = []
    for reviewer, state in sorted(((status or {}).get("reviewers") or {}).items()):
        pending = state.get(key, 0)
        if pending:
            lines.append(f"{stage}: {reviewer} has {pending} to do")
    return lines


def pending_work(read: Mapping[str, Any]) -> list[str]:
    """What the team still has to do, one line each, in pipeline order."""
    todo: list[str] = []
    counts = read.get("library_counts") or {}
    if counts.get("maybe_pairs_pending"):
        todo.append(
            f"Deduplication: {counts['maybe_pairs_pending']} possible duplicate pair(s) to decide "
            "in dedup/maybe_pairs.xlsx (in the outputs folder)"
        )
    todo += _reviewer_lines("Title/abstract screening", read.get("screening_status"), "pending")
    outcome = read.get("screening_outcome") or {}
    if outcome.get("conflicts_pending"):
        todo.append(
            f"Title/abstract screening: {outcome['conflicts_pending']} conflict(s) to resolve "
            "in screening/conflicts.xlsx"
        )
    todo += _reviewer_lines("Full text", read.get("fulltext_status"), "pending")
    fulltext = read.get("fulltext_outcome") or {}
    if fulltext.get("conflicts_pending"):
        todo.append(
            f"Full text: {fulltext['conflicts_pending']} disagreement(s) to resolve "
            "in fulltext/conflicts.xlsx"
        )
    extraction = read.get("extraction_status") or {}
    todo += _reviewer_lines("Data extraction", extraction, "pending")
    waiting = (extraction.get("studies") or {}).get("disagreement", 0)
    if waiting:
        todo.append(f"Data extraction: {waiting} study(ies) with disagreements for consensus")
    rob = read.get("rob_status") or {}
    if rob.get("pending"):
        todo.append(f"Risk of bias: {rob['pending']} study(ies) still to assess")
    if rob.get("disagreements"):
        todo.append(f"Risk of bias: {rob['disagreements']} disagreement(s) for consensus")
    return todo
