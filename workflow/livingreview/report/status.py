"""``livingreview status``: each report section written or waiting, each round's stages done or
waiting, and who has what to do."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from livingreview import import_rounds
from livingreview.config import enabled_imports
from livingreview.report.context import collect, read_outputs
from livingreview.report.rounds_status import Window, round_lines
from livingreview.round_state import read_state, state_path


def search_windows(config: Mapping[str, Any]) -> dict[str, Window]:
    """Version -> (from, to) of every round of ``rounds.yaml``, else the protocol's window."""
    path = state_path(config)
    if path.exists():
        return {
            str(r["version"]): (r.get("search_from", ""), r.get("search_to", ""))
            for r in read_state(path)
        }
    window = config["search"].get("date_range") or {}
    return {str(config["review"]["version"]): (window.get("from", ""), window.get("to", ""))}


def _not_run_yet(config: Mapping[str, Any], ledger: Mapping[str, Any] | None) -> list[str]:
    """A line saying the outputs are still an earlier version's, when a round was started
    (``round new``) and the pipeline has not yet run it."""
    version, found = str(config["review"]["version"]), str((ledger or {}).get("version", ""))
    if not found or found == version:
        return []
    start, end = search_windows(config).get(version, ("", ""))
    window = f" (searches {start} to {end})" if start and end else ""
    return [
        f"  Version {version} was started{window} but the pipeline has not run it yet: what "
        f"follows is version {found}'s outputs. Run the pipeline."
    ]


def status_lines(config: Mapping[str, Any], outputs: Path) -> list[str]:
    """The terminal version of the report's section list, each round's stages (from the PRISMA
    ledger) and the report's 'work still pending'."""
    read = read_outputs(outputs)
    context = collect(config, outputs, read=read)
    review = context["review"]
    lines = [f"{review['title']} (version {review['version']})"]
    if context["demo"]:
        lines[0] += " [demo data]"
    lines.extend(_not_run_yet(config, read["prisma_ledger"]))
    for section in context["sections"]:
        state = "written" if section.ready else f"waiting for {section.pending}"
        lines.append(f"  {section.title:<36} {state}")
    lines.extend(round_lines(read["prisma_ledger"], search_windows(config)))
    counted = str((read["library_counts"] or {}).get("version", ""))  # the last run's round
    searched = {row["source"] for row in read["prisma_s"] or []}
    if counted:
        lines.extend(
            import_rounds.status_lines(outputs, enabled_imports(config), searched, counted)
        )
    todo = context["pending_work"]
    lines.append("Work still pending:" if todo else "Nothing is waiting for a person.")
    lines.extend(f"  - {item}" for item in todo)
    return lines
