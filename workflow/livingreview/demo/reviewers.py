"""What the demo's reviewers write in their sheets, derived from the real facts' screening labels.

Every value is either a fact of ``records.csv`` (its ``label``, ``exclusion_reason``,
``study_design``, ``intervention``, ``alliance_measure``) mapped onto the protocol's reasons and
choices, or an explicit illustrative entry marked as such. Nothing is read from a paper, so no
finding, country, sample size or Nexus level is ever written; risk-of-bias judgements are made up
for a handful of studies and say so in their notes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from livingreview.dedup.normalise import normalise_doi_value, normalise_title
from livingreview.demo.facts import read_fact_rows
from livingreview.errors import ConfigError, InputFileError

NOTE = "ILLUSTRATIVE demo entry: from the demo facts' label, not a reviewer's judgement"
DISAGREE_NOTE = "ILLUSTRATIVE demo disagreement, made up to show a conflict"
RESOLVE_NOTE = "ILLUSTRATIVE demo resolution by the third reviewer, following the demo facts"
FINDINGS = "Illustrative demo entry: not extracted from the paper"
EXTRACTION_NOTE = (
    "ILLUSTRATIVE demo entry: design, intervention and alliance measure from the demo facts "
    "(title and metadata), not extracted from the paper; other fields left blank"
)
ROB_NOTE = "ILLUSTRATIVE demo judgement, made up to show the tables and plots: not an appraisal"
LABELS = ("relevant", "near_miss")
COLUMNS = (
    "record_id",
    "pmid",
    "doi",
    "title",
    "study_design",
    "intervention",
    "alliance_measure",
    "label",
    "exclusion_reason",
    "notes",
)
# start of a fact's exclusion_reason -> (title/abstract reason id, full-text reason id)
REASONS = (
    ("digital intervention without alliance/bond outcome", "no_alliance", "no_alliance_outcome"),
    ("non-mental-health use or population", "not_mental_health", "not_mental_health"),
    ("no digital intervention", "no_digital_intervention", "no_digital_intervention"),
    ("alliance/ai studied outside", "no_alliance", "alliance_outside_intervention"),
    ("publication type", "publication_type", "publication_type"),
    ("published before 2010", "before_2010", "before_2010"),
)
DUPLICATE_REASON = "duplicate_report"
INTERVENTIONS = {
    "chatbot": "AI chatbot / conversational agent",
    "internet cbt": "digital psychotherapy / internet-delivered therapy",
    "app": "app",
    "other": "other",
}
CONFLICTS = {"relevant": 2, "near_miss": 1}  # studies on which r2 disagrees, by the facts' label
ROB2_PROFILES = (
    ("Low", "Low", "Low", "Some concerns", "Low"),
    ("Some concerns", "Low", "Some concerns", "Low", "Low"),
    ("Low", "High", "Low", "Low", "Some concerns"),
)


@dataclass(frozen=True)
class Fact:
    """The screening facts of one real publication."""

    key: str
    pmid: str
    doi: str
    title: str
    study_design: str
    intervention: str
    alliance_measure: str
    label: str
    exclusion_reason: str
    judgement_call: bool

    def draw(self, salt: str) -> str:
        """A stable sort key for deterministic picks."""
        return hashlib.sha256(f"{salt}:{self.key}".encode()).hexdigest()


def read_labelled_facts(path: Path) -> list[Fact]:
    """The facts with their labels, in file order."""
    facts = []
    for number, row in enumerate(read_fact_rows(path, COLUMNS), start=2):
        if row["label"] not in LABELS:
            raise InputFileError(
                path,
                f"label {row['label']!r}; expected one of {', '.join(LABELS)}",
                position=f"row {number}",
                field="label",
            )
        facts.append(
            Fact(
                row["record_id"],
                row["pmid"],
                normalise_doi_value(row["doi"]),
                row["title"],
                row["study_design"],
                row["intervention"],
                row["alliance_measure"],
                row["label"],
                row["exclusion_reason"],
                "judgement call" in row["notes"].casefold(),
            )
        )
    return facts


def match_studies(studies: Sequence[Mapping[str, str]], facts: Sequence[Fact]) -> dict[str, Fact]:
    """Library study id -> its fact, by DOI, PMID, normalised title or (for a title a database
    truncated with '…') a unique title prefix. Studies without a match are left out."""
    by_doi = {f.doi: f for f in facts if f.doi}
    by_pmid = {f.pmid: f for f in facts if f.pmid}
    by_title = {normalise_title(f.title): f for f in facts}
    out = {}
    for study in studies:
        title = study.get("title", "")
        found = by_doi.get(normalise_doi_value(study.get("doi", ""))) or by_pmid.get(
            study.get("pmid", "")
        )
        found = found or by_title.get(normalise_title(title))
        if found is None and title.rstrip().endswith(("…", "...")):
            prefix = normalise_title(title.rstrip().rstrip(".…"))
            candidates = [f for key, f in by_title.items() if prefix and key.startswith(prefix)]
            found = candidates[0] if len(candidates) == 1 else None
        if found is not None:
            out[study["study_id"]] = found
    return out


def _reason(fact: Fact, config: Mapping[str, Any], stage: str) -> str:
    folded = fact.exclusion_reason.casefold()
    index = 0 if stage == "title_abstract" else 1
    rid = next((ids[index] for start, *ids in REASONS if folded.startswith(start)), None)
    if rid is None:
        raise InputFileError(
            fact.key,
            f"exclusion_reason {fact.exclusion_reason!r} has no demo mapping; expected one "
            f"starting with: {', '.join(start for start, *_ in REASONS)}",
            field="exclusion_reason",
        )
    return configured_reason(config, stage, rid)


def configured_reason(config: Mapping[str, Any], stage: str, rid: str) -> str:
    """``rid`` after checking the protocol lists it for ``stage``."""
    known = [r["id"] for r in config["exclusion_reasons"][stage]]
    if rid not in known:
        raise ConfigError(
            f"config key 'exclusion_reasons.{stage}': the demo reviewers need the reason "
            f"{rid!r} (found {', '.join(known) or 'none'})"
        )
    return rid


def goes_forward(fact: Fact) -> bool:
    """Does a careful screener let this study through title/abstract? Relevant studies and the
    near-misses the facts flag as judgement calls (they are excluded at full text)."""
    return fact.label == "relevant" or fact.judgement_call


def disagreements(sheet_ids: Sequence[str], matched: Mapping[str, Fact]) -> set[str]:
    """The studies on which r2 disagrees with r1 (deterministic, by label)."""
    chosen: set[str] = set()
    for label, count in CONFLICTS.items():
        pool = [
            sid
            for sid in sheet_ids
            if sid in matched
            and matched[sid].label == label
            and not matched[sid].judgement_call
            and sum(1 for f in matched.values() if f == matched[sid]) == 1
        ]
        chosen |= set(sorted(pool, key=lambda s: matched[s].draw("demo-conflict"))[:count])
    return chosen


def screening_values(
    sheet_ids: Sequence[str],
    matched: Mapping[str, Fact],
    config: Mapping[str, Any],
    *,
    first: bool,
    disagree: bool,
) -> dict[str, dict[str, str]]:
    """study id -> decision, reason and notes on one screener's sheet. The first screener marks
    judgement calls maybe; a screener who ``disagree``s flips a few decisions."""
    flipped = disagreements(sheet_ids, matched) if disagree else set()
    no_alliance = configured_reason(config, "title_abstract", "no_alliance")
    out = {}
    for sid in sheet_ids:
        fact = matched.get(sid)
        if fact is None:
            continue
        if goes_forward(fact):
            cells = {"decision": "maybe" if fact.judgement_call and first else "include"}
        else:
            cells = {"decision": "exclude", "reason": _reason(fact, config, "title_abstract")}
        cells["notes"] = NOTE
        if sid in flipped:
            cells = (
                {"decision": "exclude", "reason": no_alliance}
                if cells["decision"] == "include"
                else {"decision": "include"}
            )
            cells["notes"] = DISAGREE_NOTE
        out[sid] = cells
    return out


def resolution_values(
    conflict_ids: Sequence[str], matched: Mapping[str, Fact], config: Mapping[str, Any]
) -> dict[str, dict[str, str]]:
    """study id -> the third reviewer's resolution: what the facts say."""
    out = {}
    for sid in conflict_ids:
        fact = matched[sid]
        if goes_forward(fact):
            out[sid] = {"resolution": "include", "notes": RESOLVE_NOTE}
        else:
            reason = _reason(fact, config, "title_abstract")
            out[sid] = {"resolution": "exclude", "reason": reason, "notes": RESOLVE_NOTE}
    return out


def fulltext_values(
    report_ids: Sequence[str], matched: Mapping[str, Fact], config: Mapping[str, Any]
) -> dict[str, dict[str, str]]:
    """report id -> retrieval, decision and reason: relevant included, near-misses excluded with
    the facts' reason, a second report of the same publication excluded as a duplicate."""
    out: dict[str, dict[str, str]] = {}
    first: dict[str, str] = {}
    for rid in sorted(report_ids):
        fact = matched.get(rid)
        if fact is None:
            continue
        cells = {"retrieval": "retrieved", "notes": NOTE}
        if fact.key in first:
            reason = configured_reason(config, "full_text", DUPLICATE_REASON)
            cells |= {"decision": "exclude", "reason": reason, "same_study_as": first[fact.key]}
            cells["notes"] = f"{NOTE}; the same publication as report {first[fact.key]}"
        elif fact.label == "relevant":
            cells["decision"] = "include"
        else:
            cells |= {"decision": "exclude", "reason": _reason(fact, config, "full_text")}
        first.setdefault(fact.key, rid)
        out[rid] = cells
    return out


def _field_choice(field: Mapping[str, Any], value: str) -> str:
    choices = [str(c) for c in field.get("choices") or []]
    found = next((c for c in choices if c.casefold() == value.casefold()), None)
    if found is None:
        raise ConfigError(
            f"config key 'extraction.fields' ({field['id']}): the demo facts need the choice "
            f"{value!r} (found {', '.join(choices) or 'none'})"
        )
    return found


def _measure(field: Mapping[str, Any], named: str) -> str:
    first = named.split(";")[0].strip()
    choices = {str(c).casefold(): str(c) for c in field.get("choices") or []}
    return choices.get(first.casefold()) or _field_choice(field, "other")


def extraction_values(fact: Fact, config: Mapping[str, Any]) -> dict[str, str]:
    """One study's extraction row: the facts' design, intervention and alliance measure; a
    required text field gets the illustrative entry; everything else stays blank."""
    out = {"notes": EXTRACTION_NOTE}
    if fact.alliance_measure:
        out["notes"] += f"; alliance measure named in the facts: {fact.alliance_measure}"
    for field in config["extraction"]["fields"]:
        fid = field["id"]
        if fid == "study_design" and fact.study_design:
            out[fid] = _field_choice(field, fact.study_design)
        elif fid == "intervention_type" and fact.intervention:
            out[fid] = _field_choice(field, INTERVENTIONS.get(fact.intervention.casefold(), ""))
        elif fid == "alliance_measure" and fact.alliance_measure:
            out[fid] = _measure(field, fact.alliance_measure)
        elif field.get("required") and field["type"] == "text":
            out[fid] = FINDINGS
        elif field.get("required"):
            raise ConfigError(
                f"config key 'extraction.fields' ({fid}): a required {field['type']} field the "
                "demo facts cannot fill"
            )
    return out


def rob2_values(index: int) -> dict[str, str]:
    """Illustrative RoB 2 domain judgements entered directly (profile ``index``)."""
    profile = ROB2_PROFILES[index % len(ROB2_PROFILES)]
    return {**{f"d{n}": j for n, j in enumerate(profile, start=1)}, "notes": ROB_NOTE}


def nos_values(index: int, items: Sequence[tuple[str, int]]) -> dict[str, str]:
    """Illustrative NOS stars: every item at its maximum but one item (by ``index``) at 0."""
    stars = {key: str(most) for key, most in items}
    stars[items[index % len(items)][0]] = "0"
    return {**stars, "notes": ROB_NOTE}
