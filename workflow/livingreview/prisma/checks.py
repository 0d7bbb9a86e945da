"""Arithmetic relations between PRISMA 2020 boxes, checked before any diagram is drawn.

Each relation is checked only when every box it involves is available (not ``None``). A broken
relation raises :class:`PrismaCountsError`, naming the relation, the boxes and their numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from livingreview.errors import LivingReviewError
from livingreview.prisma.ledger import (
    CLOSING_KEYS,
    LIST_KEYS,
    NUMBER_KEYS,
    OPENING_KEYS,
    Column,
    box_name,
    combine,
    items_total,
)


@dataclass(frozen=True)
class Violation:
    """One broken relation in one column."""

    relation: str
    column: str
    detail: str
    boxes: tuple[str, ...]

    def __str__(self) -> str:
        return f"[{self.column}] {self.relation}: {self.detail}"


class PrismaCountsError(LivingReviewError):
    """PRISMA counts that contradict each other; no diagram is drawn from them."""

    def __init__(self, violations: Sequence[Violation], origin: str = "") -> None:
        self.violations = list(violations)
        where = f"{origin}: " if origin else ""
        listed = "; ".join(str(v) for v in self.violations)
        super().__init__(f"{where}inconsistent PRISMA counts, no diagram drawn: {listed}")


def _term(column: Column, key: str) -> str:
    value = items_total(column.items(key)) if key in LIST_KEYS else column.n(key)
    return f"{box_name(key)} {value}"


def _value(column: Column, key: str) -> int | None:
    return items_total(column.items(key)) if key in LIST_KEYS else column.n(key)


def _values(column: Column, keys: Sequence[str]) -> list[int] | None:
    values = [_value(column, k) for k in keys]
    return None if any(v is None for v in values) else [v for v in values if v is not None]


def _equal_sum(
    column: Column, relation: str, target: str, plus: Sequence[str], minus: Sequence[str] = ()
) -> Violation | None:
    """``target = Σ plus − Σ minus``."""
    values = _values(column, [target, *plus, *minus])
    if values is None:
        return None
    expected = sum(values[1 : 1 + len(plus)]) - sum(values[1 + len(plus) :])
    if values[0] == expected:
        return None
    formula = " + ".join(_term(column, k) for k in plus)
    if minus:
        formula += " − " + " − ".join(_term(column, k) for k in minus)
    return Violation(
        relation,
        column.label,
        f"{_term(column, target)}, but {formula} = {expected}",
        (target, *plus, *minus),
    )


def _at_most(column: Column, relation: str, small: str, large: str) -> Violation | None:
    values = _values(column, [small, large])
    if values is None or values[0] <= values[1]:
        return None
    return Violation(
        relation, column.label, f"{_term(column, small)} > {_term(column, large)}", (small, large)
    )


def _arm_included(column: Column, arm: str) -> int | None:
    """Reports an arm includes: assessed − Σ exclusion reasons (0 for an arm not used)."""
    assessed, excluded = column.n(f"{arm}_assessed"), items_total(column.items(f"{arm}_excluded"))
    if assessed is None and excluded is None:
        return 0
    if assessed is None or excluded is None:
        return None
    return assessed - excluded


def _arms(column: Column) -> list[Violation]:
    found: list[Violation | None] = []
    for arm in ("dbr", "other"):
        assessed, reasons = f"{arm}_assessed", f"{arm}_excluded"
        included = _arm_included(column, arm)
        if included is not None and included < 0:
            found.append(
                Violation(
                    "Σ exclusion reasons = reports assessed − reports included from that arm",
                    column.label,
                    f"{_term(column, reasons)}, but {_term(column, assessed)} leaves "
                    f"{included} reports included",
                    (reasons, assessed),
                )
            )
        explicit = column.n(f"{arm}_included_reports")
        if explicit is not None:
            found.append(
                _equal_sum(
                    column,
                    "Σ exclusion reasons = reports assessed − reports included from that arm",
                    reasons,
                    [assessed],
                    [f"{arm}_included_reports"],
                )
            )
    dbr, other = _arm_included(column, "dbr"), _arm_included(column, "other")
    new = column.n("new_reports")
    if dbr is None or other is None or new is None or min(dbr, other) < 0:
        return [v for v in found if v is not None]
    if dbr + other != new:
        found.append(
            Violation(
                "reports included = Σ arms (reports assessed − Σ exclusion reasons)",
                column.label,
                f"{_term(column, 'new_reports')}, but ({_term(column, 'dbr_assessed')} − "
                f"{_term(column, 'dbr_excluded')}) + ({_term(column, 'other_assessed')} − "
                f"{_term(column, 'other_excluded')}) = {dbr + other}",
                ("new_reports", "dbr_assessed", "dbr_excluded", "other_assessed", "other_excluded"),
            )
        )
    return [v for v in found if v is not None]


def column_violations(column: Column) -> list[Violation]:
    """Every relation a single column breaks."""
    found: list[Violation | None] = []
    for key in NUMBER_KEYS:
        value = column.n(key)
        if value is not None and value < 0:
            found.append(
                Violation(
                    "counts are never negative", column.label, f"{box_name(key)} = {value}", (key,)
                )
            )
    for key in LIST_KEYS:
        for label, value in column.items(key) or ():
            if value < 0:
                found.append(
                    Violation(
                        "counts are never negative",
                        column.label,
                        f"{box_name(key)}: {label} = {value}",
                        (key,),
                    )
                )
    identified = "records identified = Σ per-source counts"
    found.append(_equal_sum(column, identified, "database_results", ["database_specific_results"]))
    found.append(_equal_sum(column, identified, "register_results", ["register_specific_results"]))
    found.append(
        _equal_sum(
            column,
            "records screened = records identified − records removed before screening",
            "records_screened",
            ["database_results", "register_results"],
            ["duplicates", "excluded_automatic", "excluded_other"],
        )
    )
    found.append(
        _at_most(
            column, "records excluded ≤ records screened", "records_excluded", "records_screened"
        )
    )
    found.append(
        _equal_sum(
            column,
            "records excluded = excluded by a human + excluded by automation tools",
            "records_excluded",
            ["records_excluded_human", "records_excluded_automation"],
        )
    )
    for arm in ("dbr", "other"):
        found.append(
            _equal_sum(
                column,
                "reports assessed = reports sought − reports not retrieved",
                f"{arm}_assessed",
                [f"{arm}_sought_reports"],
                [f"{arm}_notretrieved_reports"],
            )
        )
    found.extend(_arms(column))
    for prefix in ("previous", "total", "new"):
        found.append(
            _at_most(column, "studies ≤ reports", f"{prefix}_studies", f"{prefix}_reports")
        )
    for unit in ("studies", "reports"):
        removed = f"removed_{unit}"
        minus = [removed] if column.n(removed) is not None else []  # not given: none removed
        found.append(
            _equal_sum(
                column,
                f"total {unit} = previous {unit} + new {unit}"
                + "".join(f" − removed {unit}" for _ in minus),
                f"total_{unit}",
                [f"previous_{unit}", f"new_{unit}"],
                minus,
            )
        )
    return [v for v in found if v is not None]


def column_warnings(column: Column) -> list[Violation]:
    """Relations that usually hold but may differ for good reasons (one record, two reports)."""
    found = [
        _equal_sum(
            column,
            "reports sought = records screened − records excluded",
            "dbr_sought_reports",
            ["records_screened"],
            ["records_excluded"],
        )
    ]
    values = _values(
        column,
        ["other_sought_reports", "website_results", "organisation_results", "citations_results"],
    )
    if values is not None and values[0] > sum(values[1:]):
        found.append(
            Violation(
                "reports sought (other methods) ≤ records identified by other methods",
                column.label,
                f"{_term(column, 'other_sought_reports')} > {sum(values[1:])}",
                (
                    "other_sought_reports",
                    "website_results",
                    "organisation_results",
                    "citations_results",
                ),
            )
        )
    return [v for v in found if v is not None]


def chain_violations(columns: Sequence[Column]) -> list[Violation]:
    """Consecutive rounds: a round's previous studies/reports are the round before's totals, and
    a round removes at most what the version before it included (a view combining rounds may
    remove studies its own rounds added)."""
    found = [
        v
        for column in columns
        for unit in ("studies", "reports")
        if (
            v := _at_most(
                column, f"removed {unit} ≤ previous {unit}", f"removed_{unit}", f"previous_{unit}"
            )
        )
    ]
    for before, after in pairwise(columns):
        for opening, closing in zip(OPENING_KEYS, CLOSING_KEYS, strict=True):
            a, b = before.n(closing), after.n(opening)
            if a is not None and b is not None and a != b:
                found.append(
                    Violation(
                        "previous = total of the round before",
                        after.label,
                        f"{box_name(opening)} {b}, but [{before.label}] {box_name(closing)} {a}",
                        (opening, closing),
                    )
                )
    return found


def cumulative_violations(rounds: Sequence[Column], combined: Column) -> list[Violation]:
    """A combined column must equal the sum of its rounds, box by box (lists label by label)."""
    expected = combine(rounds, combined.label)
    span = f"Σ {rounds[0].label}…{rounds[-1].label}" if len(rounds) > 1 else rounds[0].label
    found = []
    for key in NUMBER_KEYS:
        a, b = combined.n(key), expected.n(key)
        if a is not None and b is not None and a != b:
            found.append(
                Violation(
                    "cumulative = Σ rounds, box by box",
                    combined.label,
                    f"{box_name(key)} {a}, but {span} = {b}",
                    (key,),
                )
            )
    for key in LIST_KEYS:
        got, want = combined.items(key), expected.items(key)
        if got is None or want is None:
            continue
        got_d, want_d = dict(got), dict(want)
        for label in sorted(set(got_d) | set(want_d)):
            if got_d.get(label, 0) != want_d.get(label, 0):
                found.append(
                    Violation(
                        "cumulative = Σ rounds, box by box",
                        combined.label,
                        f"{box_name(key)} '{label}' {got_d.get(label, 0)}, but {span} = "
                        f"{want_d.get(label, 0)}",
                        (key,),
                    )
                )
    return found


def check_columns(columns: Sequence[Column], origin: str = "", chained: bool = False) -> None:
    """Raise :class:`PrismaCountsError` if any column (or the chain of rounds) is inconsistent."""
    found = [v for c in columns for v in column_violations(c)]
    if chained:
        found += chain_violations(columns)
    if found:
        raise PrismaCountsError(found, origin)


def warnings(columns: Sequence[Column]) -> list[str]:
    """Human-readable warnings for every column."""
    return [str(v) for c in columns for v in column_warnings(c)]
