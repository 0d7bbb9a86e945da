"""ROBINS-I V2 (riskofbias.info, November 2024): seven domain judgements → overall.

V2 keeps ROBINS-I's seven domains but swaps domains 2 and 3: D2 is classification of
interventions, D3 selection of participants into the study (or into the analysis). A domain is
judged Low, Moderate, Serious or Critical ("No information" is no longer a judgement: the
signalling questions' algorithms settle it); confounding (D1) cannot be ruled out in a
non-randomised study, so its best judgement is "Low (except for concerns about uncontrolled
confounding)", never plain Low. The overall judgement is the worst domain's, so a study with
every domain at its best is low except for concerns about uncontrolled confounding; reviewers
may judge it more severe (several Moderate domains as Serious, several Serious as Critical) and
give the reason.

A form row holds ``study``, optional ``reviewer`` and ``result``, one column per domain named
after it (``d1_confounding`` … ``d7_reported_result``, so that V2's D2/D3 cannot be mistaken for
ROBINS-I's), and a reviewers' ``overall`` with ``overall_reason``.

Tables (robvis layout, ``D1`` … ``D7``) cannot tell the two versions apart by their codes;
:func:`version_problem` and :func:`foreign_judgement` catch what does tell: domain headers
naming the other version's D2/D3, and V2's qualified low in a table read as ROBINS-I.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from livingreview.rob.levels import Risk
from livingreview.rob.rows import (
    Overall,
    Row,
    RowPlace,
    cell,
    judgement_of,
    parse_judgement,
    resolve_overall,
    study_of,
)
from livingreview.rob.tools import Tool, get_tool

TOOL = get_tool("robins-i-v2")
V1 = get_tool("robins-i")
#: domain code → its form column
FIELDS = {
    "D1": "d1_confounding",
    "D2": "d2_classification",
    "D3": "d3_selection",
    "D4": "d4_deviations",
    "D5": "d5_missing_data",
    "D6": "d6_measurement",
    "D7": "d7_reported_result",
}
#: what a domain may be judged on the form; D1's best is the qualified low
DOMAIN_JUDGEMENTS = (Risk.LOW, Risk.CONCERNS, Risk.HIGH, Risk.CRITICAL)
D1_JUDGEMENTS = (Risk.LOW_EXCEPT_CONFOUNDING, Risk.CONCERNS, Risk.HIGH, Risk.CRITICAL)
OVERALL_JUDGEMENTS = D1_JUDGEMENTS


def judgements_of(code: str) -> tuple[Risk, ...]:
    """The judgements a domain of the form takes."""
    return D1_JUDGEMENTS if code == "D1" else DOMAIN_JUDGEMENTS


def overall_risk(domains: Sequence[Risk]) -> Risk:
    """The overall ROBINS-I V2 judgement of domains given in order D1…D7: the worst one."""
    return TOOL.overall_rule(domains)


@dataclass(frozen=True)
class Assessment:
    """A ROBINS-I V2 assessment of one result of one study, by one reviewer (or the consensus)."""

    tool: str
    study: str
    reviewer: str
    result: str
    domains: tuple[tuple[str, Risk], ...]
    overall: Overall

    def domain_risks(self) -> dict[str, Risk]:
        """Domain code → judgement."""
        return dict(self.domains)


def _domain(row: Row, code: str, place: RowPlace) -> Risk:
    field = FIELDS[code]
    text = cell(row, field)
    if not text:
        raise place.error(f"ROBINS-I V2 {code} has no judgement", field)
    if code == "D1" and judgement_of(TOOL, text) is Risk.LOW:
        raise place.error(
            f"ROBINS-I V2 D1 (confounding) is at best {TOOL.label(Risk.LOW_EXCEPT_CONFOUNDING)!r},"
            f" not {text!r}: uncontrolled confounding cannot be ruled out",
            field,
        )
    return parse_judgement(TOOL, text, place, field, judgements_of(code))


def assess(row: Row, place: RowPlace | None = None) -> Assessment:
    """One ROBINS-I V2 assessment from a plain form row."""
    place = place or RowPlace()
    study = study_of(row, place)
    place = place.at_study(study)
    domains = tuple((code, _domain(row, code, place)) for code in FIELDS)
    computed = overall_risk([risk for _, risk in domains])
    overall = resolve_overall(TOOL, computed, row, place, OVERALL_JUDGEMENTS)
    return Assessment(
        "robins-i-v2", study, cell(row, "reviewer"), cell(row, "result"), domains, overall
    )


def _version_of_headers(second: str, third: str) -> Tool | None:
    """The version whose D2/D3 the headers of the second and third domain columns name."""
    second, third = second.lower(), third.lower()
    if "classif" in second or "select" in third:
        return TOOL
    if "select" in second or "classif" in third:
        return V1
    return None


def version_problem(tool: Tool, domain_headers: Sequence[str]) -> str | None:
    """Why a table's domain headers do not fit the ROBINS-I version it is read as, or None.

    Only headers that name the domains tell (``D2`` does not): ``Classification of
    interventions`` in the D2 column, or ``Selection of participants`` in D3, is V2's order.
    """
    if tool not in (TOOL, V1) or len(domain_headers) < 3:
        return None
    named = _version_of_headers(domain_headers[1], domain_headers[2])
    if named is None or named is tool:
        return None
    d2, d3 = (d.name for d in named.domains[1:3])
    option = "robins-i-v2" if named is TOOL else "robins-i"
    return (
        f"its domain headers name D2 {domain_headers[1]!r} and D3 {domain_headers[2]!r}, the"
        f" order of {named.title} (D2 {d2}; D3 {d3}), not of {tool.title}; read it with"
        f" --tool {option}"
    )


def foreign_judgement(tool: Tool, text: str) -> str | None:
    """Why a judgement cannot be the ROBINS-I (2016) table's it is read in, or None: V2's
    qualified low exists in V2 only."""
    if tool is not V1:
        return None
    if judgement_of(TOOL, text) is not Risk.LOW_EXCEPT_CONFOUNDING:
        return None
    return (
        f"judgement {text!r} is ROBINS-I V2's (its confounding domain at best); this table was"
        " read as ROBINS-I (2016): read it with --tool robins-i-v2"
    )
