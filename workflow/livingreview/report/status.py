"""``livingreview status``: first, a step of the last pipeline run that failed (its error line and
log); then each report section written or waiting, each round's stages done or waiting, and who
has what to do."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from livingreview import import_rounds
from livingreview.config import enabled_imports, enabled_sources
from livingreview.fulltext.open_access import services as open_access_services
from livingreview.refetch import services
from livingreview.report.context import collect, read_outputs
from livingreview.report.pending import SHEET_FOLDERS
from livingreview.report.reopened import reopened_text
from livingreview.report.rounds_status import Window, round_lines
from livingreview.round_state import read_state, state_path
from livingreview.sheets.folders import returned_folder
from livingreview.steps import failed_steps, process_state


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


def _in_pipeline(config: Mapping[str, Any], step: str) -> bool:
    """False for the search, import, re-fetch or open-access lookup of a source the protocol no
    longer has (its failure record is left from before the protocol dropped it)."""
    command, _, target = step.partition(" ")
    runs = {
        "search": enabled_sources,
        "import": enabled_imports,
        "refetch": services,
        "open-access": open_access_services,
    }
    return not target or command not in runs or target in runs[command](config)


def failed_in_pipeline(config: Mapping[str, Any], outputs: Path) -> list[dict[str, Any]]:
    """The steps whose last run failed or has not ended and that the protocol still runs
    (``livingreview.steps`` records a failure until the step next succeeds), in pipeline order,
    each with ``state``: its :func:`~livingreview.steps.process_state`, asked once."""
    return [
        {**r, "state": process_state(r)}
        for r in failed_steps(outputs)
        if _in_pipeline(config, str(r["step"]))
    ]


STOPPED = "was stopped before it finished (killed, out of memory or out of time)"


def _failed_work(record: Mapping[str, Any]) -> str:
    """The pending-work line of a step that failed or did not finish ('' while it runs)."""
    state = record["state"]
    if state == "running":
        return ""
    if state == "stopped":
        return (
            f"Pipeline: step '{record['step']}' was stopped before it finished (above): run it "
            "again (the pipeline, or the command if it was run by hand)"
        )
    if state:
        return (
            f"Pipeline: step '{record['step']}' did not finish (above): unless it is still "
            "running, run the pipeline again"
        )
    return (
        f"Pipeline: step '{record['step']}' failed (above): correct what its error says and run "
        "the pipeline again"
    )


def _step_line(record: Mapping[str, Any]) -> str:
    """A failed or unfinished step and why."""
    state = record["state"]
    if state == "stopped":
        return f"  Step '{record['step']}' {STOPPED}"
    if state:
        return f"  Step '{record['step']}' {record.get('error', '')}"
    code = f" (exit {record['exit_code']})" if record.get("exit_code") else ""
    return f"  Step '{record['step']}' failed{code}: {record.get('error', '')}"


def failure_lines(failed: list[dict[str, Any]]) -> list[str]:
    """What stopped the last pipeline run: each failed step (from :func:`failed_in_pipeline`)
    with its error line and its log, then each step running now. Nothing when no step failed or
    runs."""
    running = [r for r in failed if r["state"] == "running"]
    ended = [r for r in failed if r["state"] != "running"]
    lines = []
    if ended:
        lines.append(
            f"The last pipeline run did not finish: {len(ended)} step(s) failed or were stopped. "
            "What follows is what the steps before it left (or earlier runs): correct what the "
            "error says and run the pipeline again."
        )
    for record in ended:
        lines.append(_step_line(record))
        log = record.get("log") or ""
        lines.append(
            f"    Full log: {log}"
            if log
            else "    No log file: the step was run as a command and printed its messages where "
            "it ran."
        )
    for record in running:
        pid = record["process"]["pid"]
        lines.append(
            f"Step '{record['step']}' is running now (process {pid} on this machine): what "
            "follows is what it will replace when it ends."
        )
    return lines


def returned_folders(config: Mapping[str, Any]) -> dict[str, str]:
    """Each kind of sheet :func:`pending_work` awaits -> the folder it goes back to."""
    return {
        kind: str(returned_folder(config, section, key))
        for kind, (section, key) in SHEET_FOLDERS.items()
    }


def status_lines(config: Mapping[str, Any], outputs: Path) -> list[str]:
    """The terminal version of the report's section list, each round's stages (from the PRISMA
    ledger) and the report's 'work still pending', each line awaiting a sheet with the folder
    it goes back to (:func:`returned_folders`)."""
    read = read_outputs(outputs)
    context = collect(config, outputs, read=read, returned=returned_folders(config))
    review = context["review"]
    lines = [f"{review['title']} (version {review['version']})"]
    if context["demo"]:
        lines[0] += " [demo data]"
    failed = failed_in_pipeline(config, outputs)
    lines.extend(failure_lines(failed))
    lines.extend(_not_run_yet(config, read["prisma_ledger"]))
    for section in context["sections"]:
        state = "written" if section.ready else f"waiting for {section.pending}"
        lines.append(f"  {section.title:<36} {state}")
    outcome = read["screening_outcome"]
    reopened = {v: reopened_text(n, outcome) for v, n in read["screening_reopened"].items()}
    lines.extend(round_lines(read["prisma_ledger"], search_windows(config), reopened))
    counted = str((read["library_counts"] or {}).get("version", ""))  # the last run's round
    searched = {row["source"] for row in read["prisma_s"] or []}
    if counted:
        lines.extend(
            import_rounds.status_lines(outputs, enabled_imports(config), searched, counted)
        )
    todo = [work for work in map(_failed_work, failed) if work] + context["pending_work"]
    lines.append("Work still pending:" if todo else "Nothing is waiting for a person.")
    lines.extend(f"  - {item}" for item in todo)
    return lines
