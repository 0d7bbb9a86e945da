"""The PRISMA 2020 counts ledger: one column of box counts per search round (or per view).

A count is an ``int`` when its stage has run and ``None`` when it is *not yet available* (the stage
has not run, or a CSV did not give it); ``0`` always means zero. Box keys are the PRISMA2020 R
package's ``data`` keys, so a column maps one to one onto its CSV. Lists ("Label, n; Label, n") hold
per-database counts and exclusion reasons.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Items = tuple[tuple[str, int], ...]

# Numeric boxes, in the order of the PRISMA2020 template CSV.
NUMBER_KEYS = (
    "previous_studies",
    "previous_reports",
    "removed_studies",
    "removed_reports",
    "database_results",
    "register_results",
    "website_results",
    "organisation_results",
    "citations_results",
    "duplicates",
    "excluded_automatic",
    "excluded_other",
    "records_screened",
    "records_excluded",
    "records_excluded_human",
    "records_excluded_automation",
    "dbr_sought_reports",
    "dbr_notretrieved_reports",
    "other_sought_reports",
    "other_notretrieved_reports",
    "dbr_assessed",
    "other_assessed",
    "dbr_included_reports",
    "other_included_reports",
    "new_studies",
    "new_reports",
    "total_studies",
    "total_reports",
)
LIST_KEYS = (
    "database_specific_results",
    "register_specific_results",
    "dbr_excluded",
    "other_excluded",
)
# The lists of the sources a round searched: a round lists each database (register) it searched,
# those that found nothing with 0, so one its list leaves out was not searched in that round.
SOURCE_LISTS = ("database_specific_results", "register_specific_results")
NOT_SEARCHED = "not searched"
# The total of each list of sources: a column whose list names none (no database, no register
# searched) shows the total as not searched, not 0 (which reads as searched, nothing found).
SOURCE_TOTALS = {
    "database_results": "database_specific_results",
    "register_results": "register_specific_results",
}
# Keys this project adds to the PRISMA2020 set (footnote **, the per-arm included reports and,
# for living reviews, what a round removed from the previous version on re-assessment).
EXTENSION_KEYS = (
    "removed_studies",
    "removed_reports",
    "records_excluded_human",
    "records_excluded_automation",
    "dbr_included_reports",
    "other_included_reports",
)
# Boxes that carry the state before a round (taken from the first column when combining) and
# after it (taken from the last).
OPENING_KEYS = ("previous_studies", "previous_reports")
CLOSING_KEYS = ("total_studies", "total_reports")

# What each box is called in messages: the template wording, with the arm where it is ambiguous.
BOX_NAMES = {
    "previous_studies": "Studies included in previous version of review",
    "previous_reports": "Reports of studies included in previous version of review",
    "removed_studies": "Studies removed from previous version on re-assessment",
    "removed_reports": "Reports removed from previous version on re-assessment",
    "database_results": "Records identified from: Databases",
    "database_specific_results": "Records identified from each database",
    "register_results": "Records identified from: Registers",
    "register_specific_results": "Records identified from each register",
    "website_results": "Records identified from: Websites",
    "organisation_results": "Records identified from: Organisations",
    "citations_results": "Records identified from: Citation searching",
    "duplicates": "Duplicate records removed",
    "excluded_automatic": "Records marked as ineligible by automation tools",
    "excluded_other": "Records removed for other reasons",
    "records_screened": "Records screened",
    "records_excluded": "Records excluded",
    "records_excluded_human": "Records excluded by a human",
    "records_excluded_automation": "Records excluded by automation tools",
    "dbr_sought_reports": "Reports sought for retrieval (databases and registers)",
    "dbr_notretrieved_reports": "Reports not retrieved (databases and registers)",
    "dbr_assessed": "Reports assessed for eligibility (databases and registers)",
    "dbr_excluded": "Reports excluded (databases and registers)",
    "dbr_included_reports": "Reports included (databases and registers)",
    "other_sought_reports": "Reports sought for retrieval (other methods)",
    "other_notretrieved_reports": "Reports not retrieved (other methods)",
    "other_assessed": "Reports assessed for eligibility (other methods)",
    "other_excluded": "Reports excluded (other methods)",
    "other_included_reports": "Reports included (other methods)",
    "new_studies": "New studies included in review",
    "new_reports": "Reports of new included studies",
    "total_studies": "Total studies included in review",
    "total_reports": "Reports of total included studies",
}

# Pipeline stages and the boxes they fill: a stage that has not run leaves its boxes None.
STAGES = {
    "identification": (
        "database_results",
        "register_results",
        "database_specific_results",
        "register_specific_results",
        "website_results",
        "organisation_results",
        "citations_results",
        "duplicates",
        "excluded_other",
    ),
    "automation": ("excluded_automatic", "records_excluded_automation"),
    "screening": ("records_screened", "records_excluded", "records_excluded_human"),
    "full_text": (
        "dbr_sought_reports",
        "dbr_notretrieved_reports",
        "dbr_assessed",
        "dbr_excluded",
        "dbr_included_reports",
        "other_sought_reports",
        "other_notretrieved_reports",
        "other_assessed",
        "other_excluded",
        "other_included_reports",
        "new_studies",
        "new_reports",
    ),
    "previous": (
        "previous_studies",
        "previous_reports",
        "removed_studies",
        "removed_reports",
        "total_studies",
        "total_reports",
    ),
}


def box_name(key: str) -> str:
    """``Template wording [key]``: how a box is named in messages."""
    return f"{BOX_NAMES.get(key, key)} [{key}]"


def items_total(items: Items | None) -> int | None:
    """The sum of a "Label, n" list (None when the list is not available)."""
    return None if items is None else sum(n for _, n in items)


@dataclass
class Column:
    """The counts of one round (or one combined view), box by box."""

    label: str
    numbers: dict[str, int | None] = field(default_factory=dict)
    lists: dict[str, Items | None] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)
    derived: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for key in NUMBER_KEYS:
            self.numbers.setdefault(key, None)
        for key in LIST_KEYS:
            self.lists.setdefault(key, None)
        unknown = (set(self.numbers) - set(NUMBER_KEYS)) | (set(self.lists) - set(LIST_KEYS))
        if unknown:
            raise KeyError(f"unknown PRISMA box key(s): {', '.join(sorted(unknown))}")

    def n(self, key: str) -> int | None:
        """A number box, or None when not available."""
        return self.numbers[key]

    def items(self, key: str) -> Items | None:
        """A list box, or None when not available."""
        return self.lists[key]

    def has(self, key: str) -> bool:
        """Whether the box holds a value (0 included)."""
        value = self.numbers.get(key) if key in self.numbers else self.lists.get(key)
        return value is not None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping; not-available boxes are ``null``."""
        return {
            "label": self.label,
            "counts": {k: self.numbers[k] for k in NUMBER_KEYS},
            "lists": {
                k: None if v is None else [{"label": a, "n": b} for a, b in v]
                for k, v in ((k, self.lists[k]) for k in LIST_KEYS)
            },
            "pending": dict(sorted(self.pending.items())),
            "derived": sorted(self.derived),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Column:
        """The inverse of :meth:`to_json`."""
        lists = {
            k: None if v is None else tuple((str(i["label"]), int(i["n"])) for i in v)
            for k, v in data.get("lists", {}).items()
        }
        return cls(
            label=str(data["label"]),
            numbers={k: None if v is None else int(v) for k, v in data["counts"].items()},
            lists=lists,
            pending=dict(data.get("pending", {})),
            derived=set(data.get("derived", [])),
        )


def item_count(column: Column, key: str, label: str) -> int | str | None:
    """What a column shows for one item of list box ``key``: its count; None when the column has
    no such list (not available); for an item the list leaves out, :data:`NOT_SEARCHED` when it
    is a database or register (:data:`SOURCE_LISTS`), else 0 (a reason no report had)."""
    items = column.items(key)
    if items is None:
        return None
    found = dict(items)
    if label in found:
        return found[label]
    return NOT_SEARCHED if key in SOURCE_LISTS else 0


def box_count(column: Column, key: str) -> int | str | None:
    """What a column shows for number box ``key``: its count, or :data:`NOT_SEARCHED` for the
    databases' or registers' total when it is 0 and the column's list of them names none (a
    register searched with no hits is listed with 0, so its total reads 0)."""
    n = column.n(key)
    listed = SOURCE_TOTALS.get(key)
    if n == 0 and listed is not None and column.items(listed) == ():
        return NOT_SEARCHED
    return n


def _sum_numbers(values: Sequence[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _sum_items(values: Sequence[Items | None]) -> Items | None:
    if any(v is None for v in values):
        return None
    totals: dict[str, int] = {}
    for items in values:
        for label, n in items or ():
            totals[label] = totals.get(label, 0) + n
    return tuple(totals.items())


def opening(column: Column, key: str) -> int | None:
    """A previous-studies (reports) box, or, when not given, what the column's own totals imply:
    total − new + removed (0 for the first version of a review, whose total is its new studies)."""
    given = column.n(key)
    if given is not None:
        return given
    unit = key.removeprefix("previous_")
    total, new = column.n(f"total_{unit}"), column.n(f"new_{unit}")
    if total is None or new is None:
        return None
    return total - new + (column.n(f"removed_{unit}") or 0)


def combine(columns: Sequence[Column], label: str) -> Column:
    """One column for several consecutive rounds: every box summed (None if any round lacks it);
    the previous-studies boxes come from the first round (see :func:`opening`) and the totals
    from the last."""
    if not columns:
        raise ValueError("combine needs at least one column")
    numbers: dict[str, int | None] = {}
    for key in NUMBER_KEYS:
        if key in OPENING_KEYS:
            numbers[key] = opening(columns[0], key)
        elif key in CLOSING_KEYS:
            numbers[key] = columns[-1].n(key)
        else:
            numbers[key] = _sum_numbers([c.n(key) for c in columns])
    lists = {key: _sum_items([c.items(key) for c in columns]) for key in LIST_KEYS}
    pending: dict[str, str] = {}
    for column in columns:
        for stage, note in column.pending.items():
            pending.setdefault(stage, note)
    derived = {k for c in columns for k in c.derived if k in OPENING_KEYS + CLOSING_KEYS}
    return Column(label, numbers, lists, pending, derived)


def chain_rounds(columns: Iterable[Column]) -> list[Column]:
    """Consecutive rounds of a living review: a round's previous studies are the round before's
    total, and a missing total is previous + new − removed (removed not given: none). Filled
    boxes are listed in ``derived``."""
    chained: list[Column] = []
    for column in columns:
        before = chained[-1] if chained else None
        for prev_key, total_key, new_key in (
            ("previous_studies", "total_studies", "new_studies"),
            ("previous_reports", "total_reports", "new_reports"),
        ):
            if (
                column.n(prev_key) is None
                and before is not None
                and before.n(total_key) is not None
            ):
                column.numbers[prev_key] = before.n(total_key)
                column.derived.add(prev_key)
            prev, new = column.n(prev_key), column.n(new_key)
            removed = column.n(new_key.replace("new_", "removed_")) or 0
            if column.n(total_key) is None and prev is not None and new is not None:
                column.numbers[total_key] = prev + new - removed
                column.derived.add(total_key)
        chained.append(column)
    return chained
