"""Risk-of-bias judgement levels shared by every tool, and the rules that combine domains.

Each tool names its levels differently (RoB 2 "Some concerns", ROBINS-I "Moderate"/"Serious",
ROBINS-E "Very high"); underneath they fall into the same classes, which decide colour, symbol
and the order of severity. :class:`Risk` is that class. ROBINS-I V2 adds one class between low
and moderate: the best its confounding domain (and so the study) can be judged, "Low (except for
concerns about uncontrolled confounding)".
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Risk(StrEnum):
    """A judgement class, independent of the tool's wording."""

    LOW = "low"
    LOW_EXCEPT_CONFOUNDING = "low_except_confounding"
    CONCERNS = "concerns"
    HIGH = "high"
    CRITICAL = "critical"
    NO_INFORMATION = "no_information"
    NOT_APPLICABLE = "not_applicable"


#: Severity order of the classes that express a risk; NI and NA carry no severity.
SEVERITY = {
    Risk.LOW: 0,
    Risk.LOW_EXCEPT_CONFOUNDING: 1,
    Risk.CONCERNS: 2,
    Risk.HIGH: 3,
    Risk.CRITICAL: 4,
}


def worst_domain(domains: Iterable[Risk]) -> Risk:
    """Overall risk as the worst judged domain.

    "Not applicable" domains are left out. "No information" is not low, so a row with no judged
    domain above low (or ROBINS-I V2's low except for confounding) but some "No information" is
    at least ``CONCERNS``; a row of nothing but "No information" stays ``NO_INFORMATION``.
    """
    applicable = [risk for risk in domains if risk is not Risk.NOT_APPLICABLE]
    if not applicable:
        return Risk.NOT_APPLICABLE
    judged = [risk for risk in applicable if risk in SEVERITY]
    if not judged:
        return Risk.NO_INFORMATION
    worst = max(judged, key=SEVERITY.__getitem__)
    if SEVERITY[worst] < SEVERITY[Risk.CONCERNS] and len(judged) < len(applicable):
        return Risk.CONCERNS
    return worst
