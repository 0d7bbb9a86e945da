"""Reading one plain row (a dict from a form, sheet or CSV) of a risk-of-bias assessment.

Forms hand over rows as mappings of column name → cell value. Every problem is reported as an
:class:`~livingreview.errors.InputFileError` naming the file, the row and study, and the field.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from livingreview.errors import InputFileError
from livingreview.rob.levels import SEVERITY, Risk
from livingreview.rob.tools import Tool

Row = Mapping[str, object]


def cell(row: Row, key: str) -> str:
    """The stripped text of a cell; blank for missing, None or NaN."""
    value = row.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


@dataclass(frozen=True)
class RowPlace:
    """Where a row came from, for error messages."""

    path: str = "<form>"
    position: str | None = None

    def at_study(self, study: str) -> RowPlace:
        """The same place, naming the study too."""
        label = f"study {study!r}"
        return RowPlace(self.path, f"{self.position} ({label})" if self.position else label)

    def error(self, problem: str, field: str | None = None) -> InputFileError:
        """The error to raise for a problem in this row."""
        return InputFileError(self.path, problem, position=self.position, field=field)


def study_of(row: Row, place: RowPlace) -> str:
    """The row's study label; a blank one is an error."""
    study = cell(row, "study")
    if not study:
        raise place.error("the study is blank", "study")
    return study


def judgement_of(tool: Tool, text: str) -> Risk | None:
    """The class of a judgement in ``tool``'s wording (any case, "… risk (of bias)" too), or
    None when the tool has no such judgement."""
    key = " ".join(text.lower().split())
    for suffix in (" risk of bias", " risk"):
        key = key.removesuffix(suffix)
    return tool.accepted().get(key)


def parse_judgement(
    tool: Tool,
    text: str,
    place: RowPlace,
    field: str,
    allowed: Collection[Risk] | None = None,
) -> Risk:
    """The class of a judgement written in ``tool``'s wording (case-insensitive).

    ``allowed`` narrows the classes a form accepts (RoB 2 domains: low, some concerns, high).
    """
    risk = judgement_of(tool, text)
    if risk is None or (allowed is not None and risk not in allowed):
        choices = (
            ", ".join(tool.label(r) for r in sorted(allowed, key=list(Risk).index))
            if allowed is not None
            else tool.allowed_text()
        )
        raise place.error(f"judgement {text!r} is not one of {choices} ({tool.title})", field)
    return risk


@dataclass(frozen=True)
class Overall:
    """An overall judgement: the tool's rule, and the reviewers' if they overrode it."""

    computed: Risk
    final: Risk
    override_reason: str = ""

    @property
    def overridden(self) -> bool:
        """True when the reviewers' overall differs from the tool's rule."""
        return self.final != self.computed


def resolve_overall(
    tool: Tool,
    computed: Risk,
    row: Row,
    place: RowPlace,
    allowed: Collection[Risk] | None = None,
) -> Overall:
    """Combine the rule's overall with the ``overall`` / ``overall_reason`` cells of a row.

    A reviewer may judge a study worse than the rule (RoB 2: several "some concerns" that
    together lower confidence → High) or settle a "No information"; the reason is required and
    the override is reported. Judging a study better than the rule allows is an error, and so
    is an overall outside ``allowed`` (default: anything but "Not applicable").
    """
    entered = cell(row, "overall")
    reason = cell(row, "overall_reason")
    if not entered:
        return Overall(computed, computed)
    if allowed is None:
        allowed = [risk for risk in Risk if risk is not Risk.NOT_APPLICABLE]
    final = parse_judgement(tool, entered, place, "overall", allowed)
    if final == computed:
        return Overall(computed, final, reason)
    if final in SEVERITY and computed in SEVERITY and SEVERITY[final] < SEVERITY[computed]:
        raise place.error(
            f"overall {entered!r} is less severe than {tool.label(computed)!r}, which the"
            f" {tool.title} rule gives for these domains; an override may only be more severe",
            "overall",
        )
    if not reason:
        raise place.error(
            f"overall {entered!r} overrides {tool.label(computed)!r} from the {tool.title}"
            " rule; give the reason in 'overall_reason'",
            "overall_reason",
        )
    return Overall(computed, final, reason)
