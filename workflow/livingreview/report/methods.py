"""The methods paragraph, written from the protocol so that it always says what was run."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from livingreview.config import enabled_imports, enabled_sources
from livingreview.round_state import read_state, state_path

TOOL_NAMES = {
    "rob2": "RoB 2",
    "robins_i": "ROBINS-I",
    "quadas2": "QUADAS-2",
    "nos": "the Newcastle-Ottawa Scale",
}


def _counted(n: int, one: str, several: str) -> str:
    """``1 field``, ``2 fields``."""
    return f"{n} {one if n == 1 else several}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _described(name: str, spec: Mapping[str, Any]) -> str:
    """``Database (platform, searched DATE)`` with whatever the protocol gives for a source."""
    details = [spec[k] for k in ("platform",) if spec.get(k)]
    if spec.get("searched_on"):
        details.append(f"searched {spec['searched_on']}")
    database = spec.get("database") or name
    return f"{database} ({', '.join(details)})" if details else database


def _windows(config: Mapping[str, Any]) -> str:
    """`` for records dated A to B``, or per round of ``rounds.yaml`` up to the current version:
    `` in 2 rounds: version V1 for records dated A to B; version V2 for records added C to D
    (overlapping the previous search of E by 7 days)``."""
    window = config["search"].get("date_range") or {}
    rounds = read_state(state_path(config)) if state_path(config).exists() else []
    versions = [str(r["version"]) for r in rounds]
    current = str(config["review"]["version"])
    if len(rounds) < 2 or current not in versions:
        dated = window.get("from") and window.get("to")
        return f" for records dated {window['from']} to {window['to']}" if dated else ""
    # From round 2 on, sources with a round_date_field are searched by the date records entered.
    added = all(config["sources"][n].get("round_date_field") for n in enabled_sources(config))
    parts = []
    for number, entry in enumerate(rounds[: versions.index(current) + 1]):
        start, end = entry.get("search_from", ""), entry.get("search_to", "")
        span = f"{start or 'the start'} to {end or 'the search date'}"
        if number == 0:
            parts.append(f"version {entry['version']} for records dated {span}")
            continue
        text = f"version {entry['version']} for records {'added' if added else 'dated'} {span}"
        if entry.get("previous_search"):
            text += (
                f" (overlapping the previous search of {entry['previous_search']} by "
                f"{entry.get('overlap_days', 0)} days)"
            )
        parts.append(text)
    return f" in {len(parts)} rounds: " + "; ".join(parts)


def _appraisal_sentence(config: Mapping[str, Any], tools_used: Collection[str] | None) -> list[str]:
    """Which tool rated which designs: the tools in use once studies are appraised, else the
    protocol's mapping."""
    designs: dict[str, list[str]] = {}
    for design, tool in (config["risk_of_bias"].get("tools_by_design") or {}).items():
        if tool != "none" and (tools_used is None or tool in tools_used):
            designs.setdefault(tool, []).append(design)
    if not designs:
        return []
    named = [f"{TOOL_NAMES.get(t, t)} ({', '.join(d)})" for t, d in sorted(designs.items())]
    return [f"Risk of bias was rated by study design with {_join(named)}."]


def methods_paragraph(
    config: Mapping[str, Any], software_version: str, tools_used: Collection[str] | None = None
) -> list[str]:
    """Sentences describing searches, deduplication, screening, extraction and appraisal;
    ``tools_used`` (risk-of-bias tools of the appraised studies) narrows the appraisal sentence."""
    searched = [_described(n, config["sources"][n]) for n in enabled_sources(config)]
    exported = [_described(n, config["imports"][n]) for n in enabled_imports(config)]
    sentences = []
    if searched:
        sentences.append(f"We searched {_join(searched)} through their APIs{_windows(config)}.")
    if exported:
        sentences.append(f"Database exports were imported from {_join(exported)}.")
    policy = config["deduplication"]["policy"]
    sentences.append(
        "Records were deduplicated with livingreview "
        f"{software_version} (conference abstracts vs articles: {policy['conference_vs_article']}; "
        f"errata vs articles: {policy['erratum_vs_article']}; maximum year gap "
        f"{policy['max_year_gap']}; versions of one Cochrane review: {policy['review_versions']}); "
        "uncertain pairs were decided by a person."
    )
    reviewers = config.get("reviewers") or []
    screeners = [r.get("name", r["id"]) for r in reviewers if "screening" in r.get("roles", [])]
    if screeners:
        criteria = len((config.get("eligibility") or {}).get("criteria") or [])
        against = (
            f" against {_counted(criteria, 'eligibility criterion', 'eligibility criteria')}"
            if criteria
            else ""
        )
        sentences.append(f"Titles and abstracts were screened by {_join(screeners)}{against}.")
    fields = [f["label"] for f in config["extraction"]["fields"]]
    if fields:
        counted = _counted(len(fields), "field", "fields")
        sentences.append(f"Data were extracted on {counted}: {_join(fields)}.")
    else:
        sentences.append("The protocol lists no data extraction fields.")
    sentences.extend(_appraisal_sentence(config, tools_used))
    return sentences
