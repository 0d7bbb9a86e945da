"""``livingreview status`` per round: each round's search window and PRISMA counts (the duplicates
removed so far while possible duplicate pairs wait for a person), and each stage of the round done
(with its counts) or what it is waiting for, from the PRISMA ledger."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from livingreview.prisma.stage import STAGE_NAMES

Window = tuple[str, str]


# What a finished stage counted: (count key, text) pairs; the first key tells whether it is done.
DONE = {
    "automation": (("excluded_automatic", "record(s) excluded"),),
    "screening": (("records_screened", "record(s) screened"), ("records_excluded", "excluded")),
    "full_text": (
        ("dbr_assessed", "report(s) assessed"),
        ("new_studies", "new stud(ies) included"),
    ),
    "totals": (("total_studies", "stud(ies) included in total"),),
}


def _unfinished_before(stage: str, column: Mapping[str, Any]) -> str:
    """The stages before ``stage`` still pending, named ('' when none): while they are, what
    ``stage`` counted is not final. Automation not run counts as none excluded, so it is not."""
    pending = column.get("pending") or {}
    stages = [name for name in STAGE_NAMES if name != "automation"]
    earlier = stages[: stages.index(stage)] if stage in stages else []
    return " and ".join(STAGE_NAMES[name].lower() for name in earlier if pending.get(name))


def _state(stage: str, column: Mapping[str, Any]) -> str:
    """What a stage of a round is waiting for, or what it counted: done, or only so far while
    a stage before it is pending (full text of the studies screened so far)."""
    pending = (column.get("pending") or {}).get(stage)
    if pending:
        return str(pending)
    counts = column.get("counts") or {}
    parts = DONE.get(stage, ())
    if not parts or not isinstance(counts.get(parts[0][0]), int):
        return "waiting for the stages before it"
    counted = ", ".join(f"{counts.get(key) or 0:,} {text}" for key, text in parts)
    if stage == "totals":
        counted += _total_parts(counts)
    before = _unfinished_before(stage, column)
    if before:
        return f"so far: {counted} (not final: {before} not done)"
    return "done: " + counted


def _total_parts(counts: Mapping[str, Any]) -> str:
    """How a later version's total comes about: `` (65 before, 2 new, 2 removed)``; '' for a
    version with no study before it."""
    before, removed = counts.get("previous_studies") or 0, counts.get("removed_studies") or 0
    if not (before or removed):
        return ""
    return f" ({before:,} before, {counts.get('new_studies') or 0:,} new, {removed:,} removed)"


def _heading(column: Mapping[str, Any], current: str, windows: Mapping[str, Window]) -> str:
    label = str(column.get("label", column.get("round", "?")))
    counts = column.get("counts") or {}
    identified = sum(
        counts.get(k) or 0 for k in ("database_results", "register_results", "website_results",
                                     "organisation_results", "citations_results")
    )  # fmt: skip
    start, end = windows.get(label, ("", ""))
    searched = (
        f"searched {start or 'the start'} to {end or 'the search date'}, " if start or end else ""
    )
    this = " (latest run)" if label == current else ""
    waiting = (column.get("pending") or {}).get("deduplication")
    so_far = f" so far (not final: {waiting})" if waiting else ""
    return (
        f"  {label}{this}: {searched}{identified:,} record(s) identified, "
        f"{counts.get('duplicates') or 0:,} duplicate(s) removed{so_far}"
    )


def _reopened(state: str, label: str, reopened: Mapping[str, str]) -> str:
    """A done screening stage of a round a later decision re-opened (``reopened``: version ->
    what awaits whom): done only as its version was published."""
    if label not in reopened or not state.startswith("done: "):
        return state
    counted = state.removeprefix("done: ")
    return f"done when version {label} was published: {counted}; since, {reopened[label]}"


def round_lines(
    ledger: Mapping[str, Any] | None,
    windows: Mapping[str, Window],
    reopened: Mapping[str, str] | None = None,
) -> list[str]:
    """One block per round of the ledger (``prisma/ledger.json``): a heading with its window
    (``windows``: version -> (from, to)) and counts, then one line per stage; the screening of a
    round a later decision re-opened says so (``reopened``: version -> the studies and who they
    await). Nothing without a ledger."""
    columns = (ledger or {}).get("rounds") or []
    if not columns:
        return []
    current = str((ledger or {}).get("version", ""))
    lines = ["Rounds, as the last pipeline run left them (counts: prisma/ledger_rounds.csv):"]
    for column in columns:
        lines.append(_heading(column, current, windows))
        label = str(column.get("label", column.get("round", "?")))
        lines.extend(
            f"    {name}: {_state(stage, column)}"
            if stage != "screening"
            else f"    {name}: {_reopened(_state(stage, column), label, reopened or {})}"
            for stage, name in STAGE_NAMES.items()
            if stage != "deduplication"  # in the heading, beside the duplicates removed
        )
    return lines
