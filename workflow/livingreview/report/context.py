"""Everything the evidence summary shows, collected from the pipeline's outputs."""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from livingreview import __version__
from livingreview.appraisal.forms import robvis_tool
from livingreview.appraisal.stage import tools_in_use
from livingreview.config import enabled_imports, enabled_sources
from livingreview.extraction.fields import multichoice_parts, nexus_levels, nexus_risk_choices
from livingreview.prisma.diagram import SHOWN_WHEN_POSITIVE
from livingreview.prisma.layouts import LAYOUTS, LIVING_LAYOUTS
from livingreview.prisma.ledger import (
    BOX_NAMES,
    LIST_KEYS,
    Column,
    box_count,
    item_count,
    items_total,
)
from livingreview.prisma.stage import so_far_lines
from livingreview.report import changes, checklist, exclusions, reopened
from livingreview.report.methods import methods_paragraph
from livingreview.report.pending import pending_work
from livingreview.report.sections import (
    Section,
    read_csv_if_present,
    read_json_if_present,
    read_svg_if_present,
    scope_ids,
)
from livingreview.rob.nos import VERSIONS as NOS_VERSIONS
from livingreview.rob.nos import scale_for

SVG_NS = "http://www.w3.org/2000/svg"

# Where each stage leaves what the report reads (relative to ``paths.outputs``).
INPUTS = {
    "prisma_s": "search/prisma_s.csv",
    "library_counts": "library/counts.json",
    "library_changelog": "library/changelog.csv",
    "library_groups": "library/groups.csv",
    "screening_status": "screening/status.json",
    "screening_outcome": "screening/outcome.json",
    "screening_final": "screening/final_decisions.csv",
    "agreement": "screening/agreement.csv",
    "automation": "screening/automation_counts.json",
    "automation_exclusions": "screening/automation.csv",
    "prisma_ledger": "prisma/ledger.json",
    "prisma_svg": "prisma/flow.svg",
    "fulltext_status": "fulltext/status.json",
    "fulltext_outcome": "fulltext/outcome.json",
    "fulltext_decisions": "fulltext/decisions.csv",
    "fulltext_agreement": "fulltext/agreement.csv",
    "included": "fulltext/included_studies.csv",
    "excluded": "fulltext/excluded.csv",
    "extraction_status": "extraction/status.json",
    "extracted": "extraction/studies.csv",
    # what consensus forms settled, which the checklist names (items 9 and 11): an outputs
    # folder from before these tables has its extraction and appraisal steps run again
    "extraction_settled": "extraction/settled_disagreements.csv",
    "rob_status": "rob/status.json",
    "rob_summary": "rob/summary.csv",
    "rob_settled": "rob/settled_disagreements.csv",
    "flags": "library/flags.csv",
}
ROB_FIGURES = "rob/figures"
TOOL_NAMES = changes.TOOL_NAMES


def read_outputs(outputs: Path) -> dict[str, Any]:
    """Every stage output the report reads (:data:`INPUTS`), None for those not written yet;
    ``screening_reopened``: the earlier rounds a later decision re-opened (version -> studies)."""
    read = {
        key: (read_csv_if_present if path.endswith(".csv") else read_json_if_present)(
            outputs / path
        )
        for key, path in INPUTS.items()
        if not path.endswith(".svg")
    }
    conflicts = reopened.conflicts_by_round(outputs)
    read["screening_reopened"] = reopened.reopened_rounds(read["prisma_ledger"], conflicts)
    return read


def collect(
    config: Mapping[str, Any],
    outputs: Path,
    out_dir: Path | None = None,
    read: Mapping[str, Any] | None = None,
    returned: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The whole template context: review facts, one :class:`Section` per part, pending work
    (each line awaiting a sheet naming its folder in ``returned``, :func:`pending_work`).

    Links to earlier versions' kept reports are relative to ``out_dir`` (default
    ``<outputs>/report``), where the page is written. ``read``: what :func:`read_outputs` gives
    for ``outputs``, when the caller has read it already (it is not changed).
    """
    review = config["review"]
    read = read_outputs(outputs) if read is None else read
    log = changes.build(config, read)
    studies = included_studies(config, read)
    sections = [
        _whats_new(read["library_counts"], read["library_changelog"], log),
        _versions(read["prisma_ledger"], log, out_dir or outputs / "report"),
        _flow(read["prisma_ledger"], read_svg_if_present(outputs / INPUTS["prisma_svg"]), outputs),
        _search(read["prisma_s"]),
        _screening(read),
        _studies(config, studies),
        _evidence(config, studies),
        *([_nexus(config, studies)] if config["nexus"].get("levels") else []),
        # a review that appraises no study (a scoping review) has no risk-of-bias section
        *([_rob(config, read["rob_summary"], outputs)] if tools_in_use(config) else []),
        _exclusions(config, read["excluded"], read["prisma_ledger"]),
        _flags(read["flags"], studies),
    ]
    return {
        "review": review,
        "demo": bool(review.get("demo")),
        "software_version": __version__,
        "sources": enabled_sources(config) + enabled_imports(config),
        "sections": sections,
        "pending_work": pending_work(read, returned),
        "changelog": log,
        "methods": methods_paragraph(
            config,
            __version__,
            {r["tool"] for r in read["rob_summary"]} if read["rob_summary"] else None,
            read["library_counts"],
            (read["screening_outcome"] or {}).get("decided_by"),
            (read["fulltext_outcome"] or {}).get("decided_by"),
            (read["agreement"], read["fulltext_agreement"]),
        ),
        "checklist": checklist.context(config, read, outputs, sections, log),
    }


def _whats_new(
    counts: Mapping[str, Any] | None,
    events: list[dict[str, str]] | None,
    log: changes.Changelog,
) -> Section:
    section = Section("new", "What is new in this version")
    section.notes.extend(log.notes)
    if counts is None:
        section.pending = "deduplication (the library of studies)"
        return section
    keys = (
        "round",
        "version",
        "records_identified",
        "duplicates_removed",
        "new_studies",
        "studies_in_library",
    )
    section.data = {k: counts[k] for k in keys}
    section.data["events"] = events or []
    waiting = counts.get("maybe_pairs_pending")
    if waiting:
        section.notes.append(
            f"Counted so far: {waiting} possible duplicate pair(s) still to decide in "
            "dedup/maybe_pairs.xlsx may change the duplicates removed and the studies new to "
            "the library."
        )
    first = not log.previous and not log.notes
    shown = [r for r in log.rows if not (first and r["change"] == "study_included")]
    amended = "protocol_amended"  # listed apart: no study's change
    section.data["changes"] = {
        "previous": log.previous,
        "first": first,
        "included": sum(1 for r in log.rows if r["change"] == "study_included"),
        "rows": [
            {**r, "kind": changes.KINDS[r["change"]]} for r in shown if r["change"] != amended
        ],
        "amendments": [r for r in shown if r["change"] == amended],
        "protocol_compared": log.protocol_compared,
    }
    return section


# Each column of the version history and the ledger counts it adds up, so that a row reads
# identified - duplicates - other removals = screened.
VERSION_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Records from databases and registers", ("database_results", "register_results")),
    ("Duplicates removed", ("duplicates",)),
    ("Other records removed before screening", ("excluded_automatic", "excluded_other")),
    ("Records screened", ("records_screened",)),
    ("New studies included", ("new_studies",)),
    ("Studies in review", ("total_studies",)),
)


def _sum_counts(counts: Mapping[str, int | None], keys: Sequence[str]) -> int | None:
    """The sum of ``keys`` in a ledger column, None while any of them is not available."""
    values = [counts.get(key) for key in keys]
    return None if any(n is None for n in values) else sum(n or 0 for n in values)


def _versions(ledger: Mapping[str, Any] | None, log: changes.Changelog, out_dir: Path) -> Section:
    section = Section("versions", "Version history")
    if ledger is None:
        section.pending = "the PRISMA counts ledger"
        return section
    rows = []
    for r in ledger["rounds"]:
        counts = dict(r["counts"])
        version = str(r["label"])
        if version in log.included:  # what the version included, after any re-assessment
            counts["total_studies"] = log.included[version]
        kept = log.kept.get(version)
        rows.append(
            {
                "version": version,
                "round": r["round"],
                "counts": [_sum_counts(counts, keys) for _, keys in VERSION_COLUMNS],
                "changes": changes.summary(c for c in log.all_rows() if c["version"] == version),
                "current": version == log.version,
                "html": changes.link(kept / "index.html", out_dir) if kept else "",
                "markdown": changes.link(kept / "report.md", out_dir) if kept else "",
            }
        )
    section.data = {"columns": [label for label, _ in VERSION_COLUMNS], "rows": rows}
    if rows:  # what the latest version counted only so far
        latest = Column.from_json(ledger["rounds"][-1])
        named = f"Version {latest.label}: " if len(rows) > 1 else ""
        section.notes.extend(named + note for note in so_far_lines([latest]))
    return section


def _flow(ledger: Mapping[str, Any] | None, svg: str | None, outputs: Path) -> Section:
    """The main diagram, the counts of every round and of all rounds together, and (from the
    second round on) the four living layouts of livingPRISMAflow as images with their files.

    The files are linked as the main diagram is (``../prisma/flow.svg``): from a report folder
    beside the ``prisma`` folder of its own version. A version's kept report thus links to the
    diagrams kept beside it (the scheduled job copies ``prisma/`` there), never to the outputs
    folder, whose diagrams a later version redraws."""
    section = Section("flow", "PRISMA 2020 flow diagram")
    if ledger is None or svg is None:
        section.pending = "the PRISMA counts ledger"
        return section
    rounds = ledger["rounds"]
    shown = [Column.from_json(r) for r in rounds]
    if len(rounds) > 1:
        shown.append(Column.from_json({**ledger["cumulative"], "label": "All versions"}))
    section.data = {
        "svg": svg,
        "columns": [c.label for c in shown],
        "latest": len(rounds) - 1,
        "boxes": flow_rows(shown),
        "layouts": _living_layouts(outputs / "prisma") if len(rounds) > 1 else [],
    }
    section.notes.extend(ledger.get("pending", []))
    section.notes.extend(so_far_lines([shown[len(rounds) - 1]]))  # the latest round
    section.notes.extend(ledger.get("warnings", []))
    return section


def _list_rows(key: str, columns: Sequence[Column]) -> list[dict[str, Any]]:
    """A list box's rows: its total (for the reasons reports were excluded) and one row per
    item (database, register or reason), in a column that has the list without the item 0 for a
    reason and "not searched" for a database or register (:func:`item_count`)."""
    names = list(dict.fromkeys(name for c in columns for name, _ in c.items(key) or ()))
    if not names:
        return []
    rows = []
    if key.endswith("_excluded"):
        total = [items_total(c.items(key)) for c in columns]
        rows.append({"key": "", "label": BOX_NAMES[key], "values": total})
    for name in names:
        values = [item_count(c, key, name) for c in columns]
        rows.append({"key": "", "label": f"{BOX_NAMES[key]}: {name}", "values": values})
    return rows


def flow_rows(columns: Sequence[Column]) -> list[dict[str, Any]]:
    """The rows of the counts table behind the diagram, in template order: every box the
    diagram shows, 0 included (PRISMA asks for n = 0), with the lists item by item; ``key``
    names the ledger count a row shows ('' for list rows)."""
    rows: list[dict[str, Any]] = []
    for key, label in BOX_NAMES.items():
        if key in LIST_KEYS:
            rows += _list_rows(key, columns)
            continue
        values = [box_count(c, key) for c in columns]
        if key in SHOWN_WHEN_POSITIVE:
            present = any(n for n in values)
        else:
            present = any(n is not None for n in values)
        if present:
            rows.append({"key": key, "label": label, "values": values})
    return rows


def _living_layouts(prisma: Path) -> list[dict[str, Any]]:
    """Each living layout the ledger drew in ``prisma/living``: its name, the SVG as a data URI
    (the page stays self-contained, and the figures' element ids cannot clash with the main
    diagram's) and links to its files from a report folder beside ``prisma``."""
    layouts = []
    folder = prisma / "living"
    for layout in LIVING_LAYOUTS:
        svg = folder / f"{layout}.svg"
        if not svg.is_file():
            continue
        files = {
            suffix: f"../prisma/living/{layout}.{suffix}"
            for suffix in ("svg", "pdf", "png")
            if (folder / f"{layout}.{suffix}").is_file()
        }
        drawn = svg.read_bytes()
        layouts.append(
            {
                "id": layout,
                "title": LAYOUTS[layout],
                "src": "data:image/svg+xml;base64," + base64.b64encode(drawn).decode("ascii"),
                "words": svg_description(drawn),
                "files": files,
            }
        )
    return layouts


def svg_description(svg: bytes) -> str:
    """The text of an SVG's own ``<desc>`` ('' when it has none or cannot be read): what a
    diagram shows in words, for the ``alt`` of the ``<img>`` that shows it (an image's SVG
    ``<desc>`` is hidden from screen readers)."""
    try:
        root = ElementTree.fromstring(svg)
    except ElementTree.ParseError:
        return ""
    return " ".join((root.findtext(f"{{{SVG_NS}}}desc") or "").split())


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


#: The automation rules (``screening/automation_counts.json`` keys) as the report names them.
RULE_NAMES = {"publication_type": "publication type", "year": "publication year"}


def _screening(read: Mapping[str, Any]) -> Section:
    section = Section("screening", "Title/abstract screening")
    status, outcome = read["screening_status"], read["screening_outcome"]
    if status is None or outcome is None:
        section.pending = "the screening sheets"
        return section
    automation = read["automation"] or {}
    section.data = {
        "status": status,
        # an outcome.json written before the count existed (fe1a916) counted none
        "outcome": {"conflicts_decided_alike_since": 0, **outcome},
        "agreement": read["agreement"] or [],
        "fulltext_agreement": read["fulltext_agreement"] or [],
        "automation": {
            RULE_NAMES.get(rule, rule): n
            for rule, n in automation.get("excluded_by_rule", {}).items()
        },
    }
    return section


def included_studies(
    config: Mapping[str, Any], read: Mapping[str, Any]
) -> list[dict[str, str]] | None:
    """One row per included study: extraction values (when final) and the RoB overall."""
    included = read["included"]
    if included is None:
        return None
    extracted = {r["study_id"]: r for r in read["extracted"] or []}
    overall = {r["study_id"]: r for r in read["rob_summary"] or []}
    flags: dict[str, set[str]] = {}
    for flag in read["flags"] or []:
        flags.setdefault(flag["study_id"], set()).add(flag["flag"])
    rows = []
    for study in included:
        row = dict(study)
        entry = extracted.get(study["study_id"], {})
        final = entry.get("extraction_status") == "final"
        row["extraction_status"] = entry.get("extraction_status", "pending")
        for field in config["extraction"]["fields"]:
            row[field["id"]] = entry.get(field["id"], "") if final else ""
        row["nexus_level_label"] = entry.get("nexus_level_label", "") if final else ""
        rob = overall.get(study["study_id"], {})
        row["rob_tool"] = TOOL_NAMES.get(rob.get("tool", ""), rob.get("tool", ""))
        row["rob_overall"] = rob.get("overall", "") if rob.get("status") == "final" else ""
        row["rob_overridden"] = rob.get("overridden", "")
        row["flags"] = sorted(flags.get(study["study_id"], ()))
        rows.append(row)
    return sorted(rows, key=lambda r: (r.get("label", "").casefold(), r["study_id"]))


def _field_labels(config: Mapping[str, Any], ids: list[str]) -> list[dict[str, str]]:
    labels = {f["id"]: f["label"] for f in config["extraction"]["fields"]}
    return [{"id": i, "label": labels[i]} for i in ids]


def _studies(config: Mapping[str, Any], studies: list[dict[str, str]] | None) -> Section:
    section = Section("studies", "Included studies")
    if studies is None:
        section.pending = "full-text assessment"
        return section
    columns = _field_labels(config, list(config["report"]["study_columns"]))
    section.data = {"rows": studies, "columns": columns, "rob": bool(tools_in_use(config))}
    waiting = sum(1 for s in studies if s["extraction_status"] != "final")
    if waiting:
        section.notes.append(f"{waiting} of {len(studies)} studies still await final extraction.")
    return section


def _evidence(config: Mapping[str, Any], studies: list[dict[str, str]] | None) -> Section:
    section = Section("evidence", "Evidence matrix")
    fields = _field_labels(config, list(config["report"]["evidence_fields"]))
    if not fields:  # the protocol names none: nothing to wait for
        section.data = {"fields": [], "rows": [], "tallies": {}}
        return section
    if studies is None:
        section.pending = "data extraction"
        return section
    extracted = [s for s in studies if s["extraction_status"] == "final"]
    section.notes.extend(_not_counted(studies, extracted))
    by_id = {f["id"]: f for f in config["extraction"]["fields"]}
    tallies = {f["id"]: _tally(extracted, by_id[f["id"]]) for f in fields}
    section.data = {"fields": fields, "rows": extracted, "tallies": tallies}
    return section


def _not_counted(studies: list[dict[str, str]], extracted: list[dict[str, str]]) -> list[str]:
    """The note that included studies awaiting final extraction are left out of a section's
    counts (so they add up to fewer than the included studies); none when all are final."""
    waiting = len(studies) - len(extracted)
    if not waiting:
        return []
    return [
        f"{waiting} of {len(studies)} included studies still await final extraction and are "
        "not counted here."
    ]


def _tally(studies: list[dict[str, str]], field: Mapping[str, Any]) -> list[tuple[str, int]]:
    """(answer, studies) of one field: a codebook's answers in its order, each even at 0 (the
    choices; yes, no), then any other answer alphabetically and 'blank' last; a field without a
    codebook (text, numbers): its answers alphabetically."""
    several = field["type"] == "multichoice"
    return _in_codebook_order(
        Counter(a for s in studies for a in _answers(s[field["id"]], several)), field
    )


def _in_codebook_order(counts: Counter[str], field: Mapping[str, Any]) -> list[tuple[str, int]]:
    """(answer, studies) of ``counts`` in :func:`_tally`'s order."""
    codebook = _codebook(field)
    if not codebook:
        return sorted(counts.items())
    others = sorted(a for a in counts if a not in codebook and a != "blank")
    blank = ["blank"] if counts["blank"] and "blank" not in codebook else []
    return [(a, counts[a]) for a in [*codebook, *others, *blank]]


def _codebook(field: Mapping[str, Any]) -> list[str]:
    """The answers a field allows, in the protocol's order: a choice field's choices, a boolean's
    yes and no; none for free answers."""
    if field["type"] == "boolean":
        return ["yes", "no"]
    return [str(c) for c in field.get("choices") or ()]


def _answers(value: str, several: bool) -> list[str]:
    """The answers a study counts for: each choice of a multichoice value ('forum; chat' is a
    study for forum and one for chat), else the value; 'blank' when there is none."""
    answers = multichoice_parts(value) if several else [value]
    return [a for a in answers if a] or ["blank"]


def _nexus(config: Mapping[str, Any], studies: list[dict[str, str]] | None) -> Section:
    section = Section("nexus", "Digital Therapeutic Nexus levels")
    if config["nexus"].get("source"):
        section.notes.append(f"Levels as configured, from: {config['nexus']['source']}")
    if studies is None:
        section.pending = "data extraction"
        return section
    field = config["extraction"].get("nexus_field", "nexus_level")
    risks_field = config["report"]["nexus_risks_field"]
    extracted = [s for s in studies if s["extraction_status"] == "final"]
    section.notes.extend(_not_counted(studies, extracted))
    groups = [  # in level order, however the protocol lists them
        (level, [s for s in extracted if s.get(field) == str(level["level"])])
        for level in nexus_levels(config)
    ]
    levels = [
        {
            "level": level["level"],
            "label": level["label"],
            "criteria": level.get("criteria", ""),
            "configured_risks": level.get("risks", []),
            "n": len(members),
            "observed_risks": _risks_noted(members, risks_field),
        }
        for level, members in groups
    ]
    unrated = [s for s in extracted if not s.get(field)]
    choices = nexus_risk_choices(config)
    section.data = {
        "levels": levels,
        "unrated": len(unrated),
        "unrated_risks": _risks_noted(unrated, risks_field),  # shown, though at no level
        "extracted": len(extracted),
        "crosstab": _crosstab(choices, groups, unrated, risks_field) if choices else None,
        "csv": NEXUS_RISKS_CSV,
        "by_level": _evidence_by_level(config, groups, unrated),
        "free_fields": _free_evidence_fields(config),
        "evidence_csv": NEXUS_EVIDENCE_CSV,
    }
    return section


def _risks_noted(studies: list[dict[str, str]], risks_field: str) -> list[tuple[str, str]]:
    """(study label, the Nexus risks a reviewer noted) of the studies that note any."""
    return [(s["label"], s[risks_field]) for s in studies if risks_field and s[risks_field]]


#: The Nexus section's risks-by-level table, beside the report (when the risks are choices).
NEXUS_RISKS_CSV = "nexus_risks.csv"
NEXUS_RISKS_COLUMNS = ("risk", "level", "level_label", "studies", "extracted", "expected")
NO_LEVEL = "no level"


def _crosstab(
    choices: list[str],
    groups: list[tuple[Mapping[str, Any], list[dict[str, str]]]],
    unrated: list[dict[str, str]],
    risks_field: str,
) -> dict[str, Any]:
    """Studies showing each risk (codebook order, every one) at each level and at no level, out
    of the studies extracted at it; marked expected where the protocol lists it for the level."""
    columns = [{"level": str(lv["level"]), "label": lv["label"]} for lv, _ in groups]
    columns.append({"level": "", "label": NO_LEVEL})
    expected = [{str(r) for r in lv.get("risks") or ()} for lv, _ in groups] + [set()]
    shown = [
        [set(multichoice_parts(s[risks_field])) for s in members]
        for members in [*(members for _, members in groups), unrated]
    ]
    pairs = list(zip(expected, shown, strict=True))
    rows = [
        {"risk": risk, "cells": [_cell(risk, found, wanted) for wanted, found in pairs]}
        for risk in choices
    ]
    return {"columns": columns, "rows": rows}


def _cell(risk: str, found: list[set[str]], expected: set[str]) -> dict[str, Any]:
    """One level's count of studies showing ``risk``, of its studies, expected there or not."""
    return {
        "n": sum(risk in parts for parts in found),
        "of": len(found),
        "expected": risk in expected,
    }


def nexus_risk_rows(crosstab: Mapping[str, Any] | None) -> list[dict[str, object]]:
    """The rows of :data:`NEXUS_RISKS_CSV`: one per risk and level (no level last, its level
    blank), in the table's order; none when the section is pending."""
    if crosstab is None:
        return []
    return [
        {
            "risk": row["risk"],
            "level": column["level"],
            "level_label": column["label"],
            "studies": cell["n"],
            "extracted": cell["of"],
            "expected": "yes" if cell["expected"] else "no",
        }
        for row in crosstab["rows"]
        for column, cell in zip(crosstab["columns"], row["cells"], strict=True)
    ]


#: The Nexus section's evidence fields by level, beside the report (when both are configured).
NEXUS_EVIDENCE_CSV = "nexus_evidence.csv"
NEXUS_EVIDENCE_COLUMNS = ("field", "answer", "level", "level_label", "studies", "extracted")


def nexus_evidence_fields(config: Mapping[str, Any]) -> list[str]:
    """The ``report.evidence_fields`` the Nexus section counts per level: those with a codebook
    (choices, or a boolean's yes and no) when ``nexus.levels`` is set (there is a Nexus
    section); none otherwise. Free answers (text, numbers) are not counted per level."""
    if not (config.get("nexus") or {}).get("levels"):
        return []
    by_id = {f["id"]: f for f in config["extraction"]["fields"]}
    return [i for i in config["report"].get("evidence_fields") or () if _codebook(by_id[i])]


def _free_evidence_fields(config: Mapping[str, Any]) -> list[str]:
    """The labels of the evidence fields taking free answers, not counted per level."""
    counted = set(nexus_evidence_fields(config))
    fields = [i for i in config["report"].get("evidence_fields") or () if i not in counted]
    return [f["label"] for f in _field_labels(config, fields)]


def _evidence_by_level(
    config: Mapping[str, Any],
    groups: list[tuple[Mapping[str, Any], list[dict[str, str]]]],
    unrated: list[dict[str, str]],
) -> list[dict[str, Any]]:
    """One table per evidence field: studies per answer (the evidence matrix's rows) at each
    level, in level order, and at no level when some study is coded at none."""
    columns = [
        {"level": str(lv["level"]), "label": lv["label"], "studies": len(members)}
        for lv, members in groups
    ]
    members = [m for _, m in groups]
    if unrated:
        columns.append({"level": "", "label": NO_LEVEL, "studies": len(unrated)})
        members.append(unrated)
    by_id = {f["id"]: f for f in config["extraction"]["fields"]}
    return [
        _field_by_level(by_id[name], columns, members) for name in nexus_evidence_fields(config)
    ]


def _field_by_level(
    field: Mapping[str, Any], columns: list[dict[str, Any]], members: list[list[dict[str, str]]]
) -> dict[str, Any]:
    """One field's table: its answers as the evidence matrix tallies them (codebook order, each
    even at 0, then blank), each with its studies in each column; a study without the field
    counts as blank."""
    name, several = field["id"], field["type"] == "multichoice"
    counts = [
        Counter(a for s in column for a in _answers(s.get(name, ""), several)) for column in members
    ]
    answers = [a for a, _ in _in_codebook_order(sum(counts, Counter()), field)]
    return {
        "id": field["id"],
        "label": field["label"],
        "several": several,
        "columns": columns,
        "rows": [{"answer": a, "cells": [c[a] for c in counts]} for a in answers],
    }


def nexus_evidence_rows(by_level: list[Mapping[str, Any]] | None) -> list[dict[str, object]]:
    """The rows of :data:`NEXUS_EVIDENCE_CSV`: one per field, answer and level (no level last,
    its level blank), in the tables' order; none when the section is pending."""
    return [
        {
            "field": table["id"],
            "answer": row["answer"],
            "level": column["level"],
            "level_label": column["label"],
            "studies": n,
            "extracted": column["studies"],
        }
        for table in by_level or ()
        for row in table["rows"]
        for column, n in zip(table["columns"], row["cells"], strict=True)
    ]


def _rob(config: Mapping[str, Any], summary: list[dict[str, str]] | None, outputs: Path) -> Section:
    section = Section("rob", "Risk of bias")
    if summary is None:
        section.pending = "risk-of-bias assessment"
        return section
    tools = []
    for tool in sorted({r["tool"] for r in summary}):
        rows = [r for r in summary if r["tool"] == tool]
        figures = [
            scope_ids(svg, f"{tool}_{kind}-")  # several figures on one page: unique ids
            for kind in ("traffic_light", "summary")
            if (svg := read_svg_if_present(outputs / ROB_FIGURES / f"{tool}_{kind}.svg"))
        ]
        tools.append(
            {
                "id": tool,
                "name": TOOL_NAMES.get(tool, tool),
                "rows": rows,
                "figures": figures,
                # the figures' judgements as text too, not in colours and symbols only
                "domains_heading": "Stars per item" if tool == "nos" else "Judgement by domain",
                "key": _rob_key(config, tool, rows),
                "final": sum(1 for r in rows if r["status"] == "final"),
            }
        )
    section.data = {"tools": tools}
    return section


def _rob_key(config: Mapping[str, Any], tool: str, rows: list[dict[str, str]]) -> list[str]:
    """What the codes in a tool's table stand for: each NOS version's items (name, most stars)
    for the versions its rows use, else the tool's domains."""
    if tool != "nos":
        domains = robvis_tool(tool).domains
        return ["Domains: " + "; ".join(f"{d.code}: {d.name}" for d in domains) + "."]
    settings = config["risk_of_bias"].get("nos_cross_sectional")
    used = {r["version"] for r in rows}
    return [
        f"{version.capitalize()} items: "
        + "; ".join(
            f"{i.key}: {i.name}, {i.max_stars} {'star' if i.max_stars == 1 else 'stars'}"
            for i in scale_for(version, settings).items
        )
        + "."
        for version in NOS_VERSIONS
        if version in used
    ]


def _exclusions(
    config: Mapping[str, Any], rows: list[dict[str, str]] | None, ledger: Any
) -> Section:
    """The reports excluded at full text, by reason, and which box of the flow diagram counts
    them when not all are in its "Reports excluded" boxes (:mod:`~livingreview.report.exclusions`).
    """
    section = Section("exclusions", "Full-text exclusions")
    if rows is None:
        section.pending = "full-text assessment"
        return section
    by_reason = Counter(r["reason_label"] for r in rows)
    found = exclusions.accounting(config, rows, ledger)
    section.data = {
        "rows": exclusions.marked(rows, found),
        "by_reason": sorted(by_reason.items(), key=lambda x: -x[1]),
        "accounting": exclusions.summary(found),
    }
    return section


def _flags(rows: list[dict[str, str]] | None, studies: list[dict[str, str]] | None) -> Section:
    section = Section("flags", "Retractions and corrections")
    if rows is None:
        section.pending = "the library's retraction and correction check"
        return section
    included = {s["study_id"]: s for s in studies or []}
    flagged = [
        {**row, "included": row["study_id"] in included,
         "label": included.get(row["study_id"], {}).get("label", "")}
        for row in rows
    ]  # fmt: skip
    flagged.sort(key=lambda r: (not r["included"], r["study_id"], r["flag"], r["record_id"]))
    section.data = {"rows": flagged, "included": sum(1 for r in flagged if r["included"])}
    return section
