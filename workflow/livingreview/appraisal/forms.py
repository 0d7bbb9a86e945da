"""Risk-of-bias forms, one per tool: columns, dropdowns, instructions, and judging a row.

* ``rob2``: ``variant`` (assignment / adhering), ``result``, the signalling questions ``q1_1`` …
  ``q5_3`` (Y / PY / PN / N / NI / NA), optional domain judgements ``d1`` … ``d5`` entered
  directly (with ``d1_reason`` … when they depart from the algorithm), ``overall`` and
  ``overall_reason`` for a reviewer override;
* ``robins_i``: ``d1`` … ``d7`` (Low / Moderate / Serious / Critical / No information),
  ``key_domains``, ``overall`` and ``overall_reason``;
* ``robins_i_v2``: one column per domain named after it, ``d1_confounding`` …
  ``d7_reported_result`` (D1: Low except for concerns about uncontrolled confounding / Moderate /
  Serious / Critical; the others Low / Moderate / Serious / Critical), ``overall`` and
  ``overall_reason``;
* ``quadas2``: ``d1`` … ``d4`` judged directly, ``overall`` and ``overall_reason``;
* ``nos``: ``version`` (from the study design, locked) and stars per item (0, 1 or 2; the item's
  maximum is enforced), the union of the cohort, case-control and cross-sectional items.

Judging is :mod:`livingreview.rob`'s: :func:`judge` hands a row to ``rob2.assess``,
``robins_i.assess``, ``robins_i_v2.assess`` or ``nos.assess`` and returns the assessment or its
error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from livingreview import sheets
from livingreview.errors import ConfigError
from livingreview.rob import nos, rob2, robins_i, robins_i_v2
from livingreview.rob.levels import Risk
from livingreview.rob.rows import Overall, RowPlace, parse_judgement, resolve_overall
from livingreview.rob.tools import Tool, get_tool

ID_COLUMN = "study_id"
SHEET = "Risk of bias"
TOOL_IDS = ("rob2", "robins_i", "robins_i_v2", "quadas2", "nos")
NOS_VERSIONS = {
    "cohort": "cohort",
    "case-control": "case-control",
    "cross-sectional": "cross-sectional",
}
ANSWERS = ("Y", "PY", "PN", "N", "NI", "NA")
NOS_ITEMS = ("s1", "s2", "s3", "s4", "c1", "o1", "o2", "o3", "e1", "e2", "e3")


def robvis_tool(tool_id: str) -> Tool:
    """The :mod:`livingreview.rob` tool of a config tool id (not for NOS)."""
    return get_tool({"robins_i": "robins-i", "quadas2": "quadas-2"}.get(tool_id, tool_id))


def kind(tool_id: str) -> str:
    """The ``_meta`` kind of a tool's form."""
    return f"rob-{tool_id.replace('_', '-')}"


def _levels(tool: Tool) -> tuple[str, ...]:
    labels = [tool.labels[r] for r in sorted(tool.labels, key=list(Risk).index)]
    return (*labels, "No information") if tool.id == "robins-i" else tuple(labels)


def editable(tool_id: str) -> tuple[str, ...]:
    """The columns a reviewer fills in."""
    if tool_id == "rob2":
        questions = [rob2.field_of(q) for q in rob2.QUESTIONS]
        domains = [f"d{i}" for i in range(1, 6)]
        return (
            "variant",
            "result",
            *questions,
            *domains,
            *(f"{d}_reason" for d in domains),
            "overall",
            "overall_reason",
            "notes",
        )
    if tool_id == "robins_i":
        return (
            "result",
            *(f"d{i}" for i in range(1, 8)),
            "key_domains",
            "overall",
            "overall_reason",
            "notes",
        )
    if tool_id == "robins_i_v2":
        fields = robins_i_v2.FIELDS.values()
        return ("result", *fields, "overall", "overall_reason", "notes")
    if tool_id == "quadas2":
        return (*(f"d{i}" for i in range(1, 5)), "overall", "overall_reason", "notes")
    return (*NOS_ITEMS, "notes")


def is_text(column: str) -> bool:
    """Whether an editable column takes free text (a reason, the result assessed, notes): read
    with its line breaks, shown wide and wrapped."""
    return column.endswith("reason") or column in ("notes", "result")


def texts(tool_id: str) -> tuple[str, ...]:
    """The editable columns of free text of a tool's form."""
    return tuple(c for c in editable(tool_id) if is_text(c))


def layout(tool_id: str, consensus: bool = False) -> sheets.SheetLayout:
    """Columns of a tool's form."""
    columns = [
        sheets.Column("#", width=5),
        sheets.Column(ID_COLUMN, width=13, locked=True),
        sheets.Column("label", width=18),
        sheets.Column("design", width=14),
    ]
    if tool_id == "nos":
        columns.append(sheets.Column("version", width=14, locked=True))
    if consensus:
        columns.append(sheets.Column("disagreements", width=40, wrap=True))
    for name in editable(tool_id):
        choices = _choices(tool_id, name)
        wide = is_text(name)
        columns.append(
            sheets.Column(name, width=24 if wide else 9, wrap=wide, editable=True, choices=choices)
        )
    columns.append(sheets.Column("title", width=40, wrap=True))
    return sheets.SheetLayout(title=SHEET, columns=tuple(columns), freeze="D2")


def _choices(tool_id: str, name: str) -> tuple[str, ...]:
    """The dropdown of an editable column (none for free text)."""
    if name.startswith("q"):
        return ANSWERS
    if name in NOS_ITEMS:
        return ("0", "1", "2")
    if name == "variant":
        return rob2.VARIANTS
    if tool_id == "robins_i_v2":
        codes = {field: code for code, field in robins_i_v2.FIELDS.items()}
        levels = robins_i_v2.judgements_of(codes[name]) if name in codes else ()
        levels = robins_i_v2.OVERALL_JUDGEMENTS if name == "overall" else levels
        return tuple(robins_i_v2.TOOL.label(risk) for risk in levels)
    if name == "overall" or (name.startswith("d") and "_" not in name):
        return _levels(robvis_tool(tool_id))
    return ()


def form_rows(
    studies: Sequence[Mapping[str, str]], disagreements: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    """One row per study (rows of ``extraction/studies.csv`` with ``version`` for NOS)."""
    return [
        {
            "#": str(number),
            ID_COLUMN: s["study_id"],
            "label": s.get("label", ""),
            "design": s.get("design", ""),
            "version": s.get("version", ""),
            "title": s.get("title", ""),
            "disagreements": (disagreements or {}).get(s["study_id"], ""),
        }
        for number, s in enumerate(studies, start=1)
    ]


def instructions(tool_id: str, review_id: str, reviewer: str, count: int, folder: str) -> list[str]:
    """The Instructions sheet of a tool's form."""
    lines = [
        f"Risk of bias ({tool_id}): review {review_id}, {reviewer}, {count} "
        f"stud{'y' if count == 1 else 'ies'}.",
        "",
        "Leave a row blank until you assess the study; a started row must be complete.",
        f"Save the file under a NEW name in '{folder}' (human-input folder), as .xlsx",
        "(a .csv only if you were sent the .csv form: keep its first line).",
        "The study_id column is locked; do not edit it or the hidden sheet '_meta'.",
        "",
    ]
    if tool_id == "rob2":
        lines += [
            "RoB 2 (Sterne 2019). Answer the signalling questions (Y, PY, PN, N, NI, NA where the",
            "question is conditional); the domain judgements follow the published algorithms.",
            "You may instead enter a domain judgement directly in d1..d5; a judgement that departs",
            "from the answers needs its reason in d<N>_reason. 'overall' overrides the rule",
            "(e.g. several 'Some concerns' judged High) and needs 'overall_reason'.",
            "variant: assignment (effect of assignment, default) or adhering.",
            "",
            "Questions:",
        ]
        lines += [f"  {rob2.field_of(q)}: {q} {text}" for q, (text, _) in rob2.QUESTIONS.items()]
    elif tool_id == "robins_i_v2":
        lines += _robins_i_v2_instructions()
    elif tool_id in ("robins_i", "quadas2"):
        tool = robvis_tool(tool_id)
        lines += [f"{tool.title}: judge each domain ({', '.join(_levels(tool))}).", ""]
        lines += [f"  {d.code.lower()}: {d.name}" for d in tool.domains]
        if tool_id == "robins_i":
            lines.append("key_domains: the domains you consider key, e.g. D1;D2 (No information")
            lines.append("in a key domain makes the overall No information).")
        lines.append("'overall' overrides the rule (more severe only) and needs 'overall_reason'.")
    else:
        lines += [
            "Newcastle-Ottawa Scale: stars per item (0 for none); 'version' is set from",
            "the study design. Fill in only the items of that version:",
        ]
        for version in NOS_VERSIONS.values():
            items = nos.scale_for(version).items
            lines.append(
                f"  {version}: " + ", ".join(f"{i.key} {i.name} (max {i.max_stars})" for i in items)
            )
    return lines


def _robins_i_v2_instructions() -> list[str]:
    tool = robins_i_v2.TOOL
    lines = [
        "ROBINS-I V2 (November 2024): judge each domain Low, Moderate, Serious or Critical.",
        "V2 swaps ROBINS-I's domains 2 and 3: d2 is classification of interventions, d3",
        "selection of participants. Confounding (d1) is at best",
        f"'{tool.label(Risk.LOW_EXCEPT_CONFOUNDING)}', never plain Low.",
        "",
    ]
    lines += [f"  {robins_i_v2.FIELDS[d.code]}: {d.name}" for d in tool.domains]
    lines.append("The overall is the worst domain. 'overall' overrides it (more severe only,")
    lines.append("e.g. several Moderate domains judged Serious) and needs 'overall_reason'.")
    return lines


@dataclass(frozen=True)
class Judged:
    """One assessment as the stage needs it: domain judgements, overall, NOS stars."""

    tool: str
    study: str
    domains: tuple[tuple[str, str], ...]  # code -> tool's label (NOS: item -> stars)
    overall: str  # the tool's label of the final overall (NOS: rating)
    computed: str  # the rule's overall (NOS: rating)
    override_reason: str
    domain_overrides: tuple[str, ...]  # "D2: reason"
    assessment: Any  # the rob module's assessment
    total: str = ""  # NOS stars
    max_stars: str = ""

    def signature(self) -> dict[str, str]:
        """What two reviewers must agree on."""
        return {**dict(self.domains), "overall": self.overall}


def _label(tool: Tool, risk: Risk) -> str:
    return tool.label(risk)


def judge(
    tool_id: str,
    study: str,
    cells: Mapping[str, str],
    place: RowPlace,
    version: str,
    settings: Mapping[str, Any],
) -> Judged:
    """Judge one form row with the rob algorithms; errors name the file, row and field."""
    row = {"study": study, **cells}
    if tool_id == "nos":
        scale = nos.scale_for(version, settings)
        used = {i.key for i in scale.items}
        for key in NOS_ITEMS:
            if key not in used and cells.get(key):
                raise place.at_study(study).error(
                    f"NOS item {key} is not part of the {version} version; expected it blank",
                    key,
                )
        a = nos.assess(row, place, version=version, settings=settings)
        return Judged(
            "nos",
            study,
            tuple((k, str(v)) for k, v in a.stars),
            a.rating,
            a.rating,
            "",
            (),
            a,
            str(a.total),
            str(a.max_stars),
        )
    if tool_id == "rob2":
        a = rob2.assess(row, place)
        tool = rob2.TOOL
        domains = tuple((d.domain, _label(tool, d.risk)) for d in a.domains)
        overrides = tuple(f"{d.domain}: {d.override_reason}" for d in a.domains if d.overridden)
        overall: Overall = a.overall
    elif tool_id in ("robins_i", "robins_i_v2"):
        module = robins_i if tool_id == "robins_i" else robins_i_v2
        a = module.assess(row, place)
        tool = module.TOOL
        domains = tuple((code, _label(tool, risk)) for code, risk in a.domains)
        overrides = ()
        overall = a.overall
    else:
        a, tool = _direct(tool_id, study, row, place)
        domains = tuple((code, _label(tool, risk)) for code, risk in a.domain_risks().items())
        overrides = ()
        overall = a.overall
    return Judged(
        tool_id,
        study,
        domains,
        _label(tool, overall.final),
        _label(tool, overall.computed),
        overall.override_reason if overall.overridden else "",
        overrides,
        a,
    )


@dataclass(frozen=True)
class DirectAssessment:
    """Domain judgements entered directly (QUADAS-2), overall by the tool's rule."""

    study: str
    domains: tuple[tuple[str, Risk], ...]
    overall: Overall

    def domain_risks(self) -> dict[str, Risk]:
        """Domain code -> judgement."""
        return dict(self.domains)


def _direct(
    tool_id: str, study: str, row: Mapping[str, str], place: RowPlace
) -> tuple[DirectAssessment, Tool]:
    tool = robvis_tool(tool_id)
    here = place.at_study(study)
    domains = []
    for domain in tool.domains:
        text = row.get(domain.code.lower(), "")
        if not text:
            raise here.error(f"{tool.title} {domain.code} has no judgement", domain.code.lower())
        domains.append((domain.code, parse_judgement(tool, text, here, domain.code.lower())))
    computed = tool.overall_rule([r for _, r in domains])
    overall = resolve_overall(tool, computed, row, here)
    return DirectAssessment(study, tuple(domains), overall), tool


def tool_for(design: str, config: Mapping[str, Any]) -> tuple[str, str]:
    """(tool id, NOS version or "") for a study design, from ``risk_of_bias.tools_by_design``."""
    mapping = config["risk_of_bias"].get("tools_by_design") or {}
    tool = mapping.get(design, "none")
    if tool == "nos":
        if design not in NOS_VERSIONS:
            raise ConfigError(
                f"config key 'risk_of_bias.tools_by_design.{design}': nos needs a design of "
                f"{', '.join(NOS_VERSIONS)} (the Newcastle-Ottawa versions)"
            )
        return tool, NOS_VERSIONS[design]
    return tool, ""
