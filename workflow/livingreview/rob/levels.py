"""Risk-of-bias judgement levels shared by every tool, and the rules that combine domains.

Each tool names its levels differently (RoB 2 "Some concerns", ROBINS-I "Moderate"/"Serious",
ROBINS-E "Very high"); underneath they fall into the same classes, which decide colour, symbol
and the order of severity. :class:`Risk` is that class.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Risk(StrEnum):
    """A judgement class, independent of the tool's wording."""

    LOW = "low"
    CONCERNS = "concerns"
    HIGH = "high"
    CRITICAL = "critical"
    NO_INFORMATION = "no_information"
    NOT_APPLICABLE = "not_applicable"


#: Severity order of the classes that express a risk; NI and NA carry no severity.
SEVERITY = {Risk.LOW: 0, Risk.CONCERNS: 1, Risk.HIGH: 2, Risk.CRITICAL: 3}


def worst_domain(domains: Iterable[Risk]) -> Risk:
    """Overall risk as the worst judged domain.

    "Not applicable" domains are left out. "No information" is not low, so a row with no judged
    domain above low but some "No information" is at least ``CONCERNS``; a row of nothing but
    "No information" stays ``NO_INFORMATION``.
    """
    applicable = [risk for risk in domains if risk is not Risk.NOT_APPLICABLE]
    if not applicable:
        return Risk.NOT_APPLICABLE
    judged = [risk for risk in applicable if risk in SEVERITY]
    if not judged:
        return Risk.NO_INFORMATION
    worst = max(judged, key=SEVERITY.__getitem__)
    if worst is Risk.LOW and len(judged) < len(applicable):
        return Risk.CONCERNS
    return worst
