"""How the reports excluded at full text add up to the flow diagram (PRISMA 2020 item 16b).

``fulltext/excluded.csv`` lists every report excluded at full text now. The flow diagram counts
most of them in the "Reports excluded" boxes of the version that assessed them; a report that an
earlier version included and a later version excluded on re-assessment is counted in that later
version's "Reports removed from previous version on re-assessment" box instead
(:func:`livingreview.prisma.collect.removed_reports`). The report says which, so that the number
listed traces to the diagram's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from livingreview.dedup.rounds import history_dir
from livingreview.prisma.collect import removed_reports
from livingreview.prisma.ledger import BOX_NAMES, Column, items_total

EXCLUDED_BOX = "Reports excluded"


@dataclass(frozen=True)
class Accounting:
    """The reports excluded at full text now, against the flow diagram's boxes."""

    listed: int
    boxes: int | None  # counted in the "Reports excluded" boxes of all versions (None: unknown)
    removed: dict[str, str]  # report id -> the version that removed it on re-assessment


def accounting(
    config: Mapping[str, Any], rows: Sequence[Mapping[str, str]], ledger: Any
) -> Accounting:
    """The excluded reports ``rows`` against the ledger (None before it has run) and the
    removals on re-assessment its version snapshots record."""
    boxes = None
    if isinstance(ledger, Mapping) and isinstance(ledger.get("cumulative"), Mapping):
        column = Column.from_json(ledger["cumulative"])
        found = [items_total(column.items(k)) for k in ("dbr_excluded", "other_excluded")]
        boxes = None if found[0] is None else sum(n or 0 for n in found)
    removed = removed_reports(history_dir(config))
    ids = {row["report_id"] for row in rows}
    return Accounting(len(rows), boxes, {r: v for r, v in removed.items() if r in ids})


def _reports(n: int) -> str:
    return f"{n} report" if n == 1 else f"{n} reports"


def summary(found: Accounting, mark: str = "marked below") -> str:
    """Which box of the flow diagram counts the listed reports ('' when all are in its
    "Reports excluded" boxes, or the ledger is not known yet and none was removed); ``mark``
    says where those removed on re-assessment are marked. E.g. 'Of
    the 7 listed, the flow diagram counts 6 in "Reports excluded" and 1 in "Reports removed
    from previous version on re-assessment" (version 2025.2; marked below: the version before
    included it, re-assessment excluded it).'"""
    removed = Counter(found.removed.values())
    total = sum(removed.values())
    other = None if found.boxes is None else found.listed - found.boxes - total
    if not removed and not other:
        return ""
    counted = [] if found.boxes is None else [f'{found.boxes} in "{EXCLUDED_BOX}"']
    if removed:
        where = (
            f"version {next(iter(removed))}"
            if len(removed) == 1
            else ", ".join(f"{n} in version {v}" for v, n in removed.items())
        )
        it = "it" if total == 1 else "them"
        counted.append(
            f'{total} in "{BOX_NAMES["removed_reports"]}" ({where}; {mark}: the version before '
            f"included {it}, re-assessment excluded {it})"
        )
    text = f"Of the {found.listed} listed, the flow diagram counts " + " and ".join(counted)
    if other and other > 0:
        were = "was" if other == 1 else "were"
        text += f"; {other} {were} decided after their version's counts were frozen, in no box"
    elif other:
        text += f'; its "{EXCLUDED_BOX}" boxes also count {_reports(-other)} included since'
    return text + "."


def marked(rows: Sequence[Mapping[str, str]], found: Accounting) -> list[dict[str, str]]:
    """The rows, each with ``removed``: "removed on re-assessment in version V" or ''."""
    return [
        {
            **row,
            "removed": (
                f"removed on re-assessment in version {found.removed[row['report_id']]}"
                if row["report_id"] in found.removed
                else ""
            ),
        }
        for row in rows
    ]
