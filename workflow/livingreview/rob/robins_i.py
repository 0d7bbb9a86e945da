"""ROBINS-I (Sterne et al., BMJ 2016;355:i4919): seven domain judgements → overall.

The published overall rule: Low if every domain is low; Moderate if every domain is low or
moderate; Serious if any domain is serious and none critical; Critical if any domain is
critical; No information if nothing points to serious or critical risk but information is
missing in one or more *key* domains. Which domains are key is the reviewers' call, so a row
names them in ``key_domains`` (e.g. ``D1;D2``); "No information" in a domain not named key
leaves the study at Moderate (it cannot be Low, which needs every domain low).

A form row holds ``study``, optional ``reviewer`` and ``result``, ``d1`` … ``d7``, optional
``key_domains`` and a reviewers' ``overall`` with ``overall_reason``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from livingreview.rob.levels import SEVERITY, Risk
from livingreview.rob.rows import (
    Overall,
    Row,
    RowPlace,
    cell,
    parse_judgement,
    resolve_overall,
    study_of,
)
from livingreview.rob.tools import get_tool

TOOL = get_tool("robins-i")
CODES = tuple(domain.code for domain in TOOL.domains)
#: what a domain may be judged ("Not applicable" is not among them)
DOMAIN_JUDGEMENTS = (Risk.LOW, Risk.CONCERNS, Risk.HIGH, Risk.CRITICAL, Risk.NO_INFORMATION)


def overall_risk(domains: Sequence[Risk], key_domains: Collection[int] = ()) -> Risk:
    """The overall ROBINS-I judgement of domains given in order D1…D7.

    ``key_domains`` holds 0-based positions of the domains the reviewers consider key.
    """
    judged = [risk for risk in domains if risk in SEVERITY]
    if Risk.CRITICAL in judged:
        return Risk.CRITICAL
    if Risk.HIGH in judged:
        return Risk.HIGH
    missing = [i for i, risk in enumerate(domains) if risk is Risk.NO_INFORMATION]
    if any(i in key_domains for i in missing) or (missing and not judged):
        return Risk.NO_INFORMATION
    if not judged:
        return Risk.NOT_APPLICABLE
    if not missing and all(risk is Risk.LOW for risk in judged):
        return Risk.LOW
    return Risk.CONCERNS


@dataclass(frozen=True)
class Assessment:
    """A ROBINS-I assessment of one result of one study, by one reviewer (or the consensus)."""

    tool: str
    study: str
    reviewer: str
    result: str
    domains: tuple[tuple[str, Risk], ...]
    key_domains: tuple[str, ...]
    overall: Overall

    def domain_risks(self) -> dict[str, Risk]:
        """Domain code → judgement."""
        return dict(self.domains)


def _key_domains(text: str, place: RowPlace) -> tuple[str, ...]:
    codes = tuple(code.upper() for code in re.split(r"[;,\s]+", text) if code)
    unknown = [code for code in codes if code not in CODES]
    if unknown:
        raise place.error(
            f"key domain(s) {', '.join(unknown)} not among {', '.join(CODES)}", "key_domains"
        )
    return codes


def assess(row: Row, place: RowPlace | None = None) -> Assessment:
    """One ROBINS-I assessment from a plain form row."""
    place = place or RowPlace()
    study = study_of(row, place)
    place = place.at_study(study)
    domains: list[tuple[str, Risk]] = []
    for code in CODES:
        text = cell(row, code.lower())
        if not text:
            raise place.error(f"ROBINS-I {code} has no judgement", code.lower())
        risk = parse_judgement(TOOL, text, place, code.lower(), DOMAIN_JUDGEMENTS)
        domains.append((code, risk))
    key = _key_domains(cell(row, "key_domains"), place)
    computed = overall_risk([r for _, r in domains], {CODES.index(code) for code in key})
    overall = resolve_overall(TOOL, computed, row, place)
    return Assessment(
        "robins-i", study, cell(row, "reviewer"), cell(row, "result"), tuple(domains), key, overall
    )
