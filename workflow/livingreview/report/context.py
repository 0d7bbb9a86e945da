"""Everything the evidence summary shows, collected from the pipeline's outputs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from livingreview import __version__
from livingreview.config import enabled_imports, enabled_sources
from livingreview.report.methods import methods_paragraph
from livingreview.report.sections import (
    Section,
    read_csv_if_present,
    read_json_if_present,
    read_svg_if_present,
)

# Where each stage leaves what the report reads (relative to ``paths.outputs``).
INPUTS = {
    "prisma_s": "search/prisma_s.csv",
    "library_counts": "library/counts.json",
    "library_changelog": "library/changelog.csv",
    "screening_status": "screening/status.json",
    "prisma_ledger": "prisma/ledger.json",
    "prisma_svg": "prisma/flow.svg",
}


def collect(config: Mapping[str, Any], outputs: Path) -> dict[str, Any]:
    """The whole template context: review facts, one :class:`Section` per part, pending work."""
    review = config["review"]
    counts = read_json_if_present(outputs / INPUTS["library_counts"])
    sections = [
        _whats_new(counts, read_csv_if_present(outputs / INPUTS["library_changelog"])),
        _flow(outputs),
        _search(read_csv_if_present(outputs / INPUTS["prisma_s"])),
        Section("studies", "Included studies", pending="full-text assessment and extraction"),
        Section("evidence", "DTA evidence matrix", pending="data extraction"),
        _nexus(config),
        Section("rob", "Risk of bias", pending="risk-of-bias assessment"),
        Section("exclusions", "Full-text exclusions", pending="full-text assessment"),
    ]
    return {
        "review": review,
        "demo": bool(review.get("demo")),
        "software_version": __version__,
        "sources": enabled_sources(config) + enabled_imports(config),
        "sections": sections,
        "pending_work": pending_work(counts, outputs),
        "methods": methods_paragraph(config, __version__),
    }


def _whats_new(counts: Mapping[str, Any] | None, changelog: list[dict[str, str]] | None) -> Section:
    section = Section("new", "What is new in this version")
    if counts is None:
        section.pending = "deduplication (the library of studies)"
        return section
    section.data = {
        "round": counts["round"],
        "version": counts["version"],
        "records_identified": counts["records_identified"],
        "duplicates_removed": counts["duplicates_removed"],
        "new_studies": counts["new_studies"],
        "studies_in_library": counts["studies_in_library"],
        "events": changelog or [],
    }
    return section


def _flow(outputs: Path) -> Section:
    section = Section("flow", "PRISMA 2020 flow diagram")
    ledger = read_json_if_present(outputs / INPUTS["prisma_ledger"])
    svg = read_svg_if_present(outputs / INPUTS["prisma_svg"])
    if ledger is None or svg is None:
        section.pending = "the PRISMA counts ledger"
        return section
    section.data = {"ledger": ledger, "svg": svg}
    return section


def _search(rows: list[dict[str, str]] | None) -> Section:
    section = Section("search", "Searches (PRISMA-S)")
    if rows is None:
        section.pending = "the searches and imports"
        return section
    section.data = rows
    incomplete = [r["source"] for r in rows if r.get("complete") != "yes"]
    if incomplete:
        section.notes.append("Incomplete searches, not counted as done: " + ", ".join(incomplete))
    return section


def _nexus(config: Mapping[str, Any]) -> Section:
    section = Section("nexus", "Digital Therapeutic Nexus levels", pending="data extraction")
    section.notes.append(f"Levels as configured, from: {config['nexus']['source']}")
    return section


def pending_work(counts: Mapping[str, Any] | None, outputs: Path) -> list[str]:
    """What the team still has to do, one line each, in pipeline order."""
    todo: list[str] = []
    if counts and counts.get("maybe_pairs_pending"):
        todo.append(
            f"{counts['maybe_pairs_pending']} possible duplicate pair(s) to decide in "
            "dedup/maybe_pairs.xlsx (in the outputs folder)"
        )
    status = read_json_if_present(outputs / INPUTS["screening_status"])
    for line in (status or {}).get("pending", []):
        todo.append(str(line))
    return todo
