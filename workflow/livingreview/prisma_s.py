"""The PRISMA-S search summary: one row per source, from the manifests the searches wrote.

A database export that belongs to an earlier round (its manifest's ``imported_in``, see
:mod:`livingreview.import_rounds`) is not one of this round's searches: it has no row, its records
are left out of ``identified.csv``, and the Markdown lists it under the round it belongs to.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from livingreview.fileio import atomic_write_text, read_json
from livingreview.import_rounds import earlier_round, notice, round_of
from livingreview.records import Record, read_records, write_records

log = logging.getLogger("livingreview.import")

SUMMARY_COLUMNS = (
    "source",
    "kind",
    "database",
    "platform",
    "date_searched",
    "query",
    "limits",
    "reported_total",
    "retrieved",
    "complete",
    "software_version",
)


def read_manifest(path: Path) -> dict[str, Any]:
    """A search or import manifest, with a clear error when it is unreadable."""
    return read_json(path, "search manifest not found; run the search first")


def _limits(manifest: dict[str, Any]) -> str:
    if manifest["kind"] == "database_export":
        return manifest.get("limits", "")
    parts = []
    dates = manifest.get("date_range") or {}
    if dates.get("from") or dates.get("to"):
        field = f" ({dates['field']})" if dates.get("field") else ""
        parts.append(f"dates {dates.get('from') or '…'} to {dates.get('to') or '…'}{field}")
    if manifest.get("languages"):
        parts.append("languages " + ", ".join(manifest["languages"]))
    if manifest.get("publication_types"):
        parts.append("types " + ", ".join(manifest["publication_types"]))
    return "; ".join(parts)


def source_labels(sources: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each source's name for people: its ``database`` (else its ``source`` name), with its
    ``platform`` in brackets on every source whose database another source also names (MEDLINE
    via PubMed and via Ovid), and its source name too where that still leaves two alike."""
    names = [str(s.get("database") or s["source"]) for s in sources]
    repeated = Counter(names)
    labels = [
        f"{name} ({s.get('platform') or s['source']})" if repeated[name] > 1 else name
        for s, name in zip(sources, names, strict=True)
    ]
    again = Counter(labels)
    return [
        f"{name} ({', '.join(p for p in (s.get('platform'), s['source']) if p)})"
        if again[label] > 1
        else label
        for s, name, label in zip(sources, names, labels, strict=True)
    ]


def summary_rows(manifests: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """PRISMA-S rows (database, platform, date, exact query, limits, counts)."""
    rows = []
    for m in manifests:
        rows.append(
            {
                "source": m["source"],
                "kind": m["kind"],
                "database": m.get("database", ""),
                "platform": m.get("platform", ""),
                "date_searched": str(m.get("ran_at", ""))[:10],
                "query": m.get("query_sent") or m.get("query", ""),
                "limits": _limits(m),
                "reported_total": _reported(m),
                "retrieved": str(m.get("retrieved", "")),
                "complete": "yes" if m.get("complete") else "no",
                "software_version": str(m.get("software_version", "")),
            }
        )
    return rows


def _reported(manifest: Mapping[str, Any]) -> str:
    """The hit count the service or database reported; blank for an export whose protocol gives
    no ``records_reported`` (its manifest's total is only the files' own count)."""
    if manifest.get("reported_by_database") is False:
        return ""
    return str(manifest.get("reported_total", ""))


def deduplication_method(dedup: Mapping[str, Any], version: str) -> str:
    """PRISMA-S item 16: how records were deduplicated, with which software and settings."""
    policy = dedup.get("policy", {})
    settings = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in sorted(policy.items()))
    return (
        f"Records from all sources were deduplicated with livingreview {version} (its own engine: "
        "normalised identifiers, titles, authors, years and citation details compared on blocked "
        "candidate pairs, then clustered so that no two distinct works are merged); each round is "
        "matched against every earlier round, and pairs the engine cannot decide are checked by "
        f"a person in a spreadsheet. Settings: {settings or 'defaults'}."
    )


def earlier_section(manifests: Iterable[tuple[dict[str, Any], str]]) -> list[str]:
    """Markdown lines on the exports of earlier rounds (manifest, the round it belongs to) that
    this round did not search again."""
    manifests = list(manifests)
    if not manifests:
        return []
    lines = [
        "## Database exports of earlier rounds",
        "",
        "Unchanged since the round that imported them: not "
        "searched again in this round and not counted again; their records are in the library "
        "from that round.",
        "",
        "| Source | Database | Searched | Round | Records |",
        "|---|---|---|---|---|",
    ]
    for m, version in manifests:
        cells = [
            m["source"],
            m.get("database", ""),
            str(m.get("ran_at", ""))[:10],
            version,
            str(m.get("retrieved", "")),
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return [
        *lines,
        "",
        "For a newer search of one of these databases, replace the file(s) listed in "
        "`imports.<name>.files` with the new export (or add a new import) and set `searched_on` "
        "to the day it was run.",
        "",
    ]


def render_markdown(
    rows: list[dict[str, str]],
    title: str,
    demo: bool,
    deduplication: str = "",
    earlier: Iterable[tuple[dict[str, Any], str]] = (),
) -> str:
    """A Markdown table of the search summary (``earlier``: the exports of earlier rounds this
    round did not search again, as (manifest, round))."""
    lines = [f"# Searches: {title}", ""]
    if demo:
        lines += ["> **Demo snapshot**: illustrative data replayed offline, not a real search.", ""]
    header = ["Source", "Database", "Platform", "Searched", "Limits", "Reported", "Retrieved"]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        cells = [
            r["source"],
            r["database"],
            r["platform"],
            r["date_searched"],
            r["limits"],
            r["reported_total"] or "not given",
            r["retrieved"],
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    total = sum(int(r["retrieved"] or 0) for r in rows)
    lines += ["", f"Records identified in total: **{total}**", ""]
    lines += earlier_section(earlier)
    lines += ["## Exact queries", ""]
    for r in rows:
        heading = f"**{r['source']}** ({r['database']}):"
        if not r["query"].strip():  # an export whose protocol entry gives no query
            lines += [heading, "", "_No query recorded in the protocol._", ""]
            continue
        lines += [heading, "", "```", r["query"], "```", ""]
    if deduplication:
        lines += ["## Deduplication", "", deduplication, ""]
    return "\n".join(lines)


def write_summary(
    manifest_paths: list[Path],
    records_paths: list[Path],
    out_dir: Path,
    title: str,
    demo: bool,
    deduplication: str = "",
    config: Mapping[str, Any] | None = None,
) -> int:
    """Write ``prisma_s.csv``, ``prisma_s.md`` and ``identified.csv``: the round's searches and
    records, without the exports of earlier rounds (judged against ``config``'s current round
    and history; without it, as each manifest says); return records identified."""
    manifests = [read_manifest(p) for p in manifest_paths]
    belongs = []
    for m, path in zip(manifests, records_paths, strict=True):
        if config is None:
            belongs.append(earlier_round(m))
            continue
        found, matched = round_of(config, m, path)
        if found:
            current = str(config["review"]["version"])
            log.warning("%s", notice(m["source"], m, found, matched, current))
        belongs.append(found)
    searched = [not version for version in belongs]
    rows = summary_rows(m for m, here in zip(manifests, searched, strict=True) if here)
    earlier = [(m, v) for m, v in zip(manifests, belongs, strict=True) if v]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(out_dir / "prisma_s.csv", buffer.getvalue())
    atomic_write_text(
        out_dir / "prisma_s.md", render_markdown(rows, title, demo, deduplication, earlier)
    )
    records: list[Record] = []
    for path, here in zip(records_paths, searched, strict=True):
        if here:
            records.extend(read_records(path))
    return write_records(out_dir / "identified.csv", records)
