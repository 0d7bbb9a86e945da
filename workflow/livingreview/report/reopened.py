"""Studies of an earlier round whose title/abstract screening was final (its version counted
every record) that a later decision re-opened: a reviewer's later file revised one of the round's
decisions, and the study is on the screening conflicts sheet again. The round's counts stay as
its version published them; ``livingreview status`` and the report's pending work say so."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from livingreview.reviewforms import CONSENSUS
from livingreview.screening.outcome import OUTPUTS
from livingreview.sheets.csv_sheet import read_csv_sheet

CONFLICTS_CSV = OUTPUTS["conflicts_csv"]  # beside conflicts.xlsx, one row per open conflict
CONFLICTS_SHEET = OUTPUTS["conflicts_xlsx"]


def conflicts_by_round(outputs: Path) -> dict[int, int]:
    """Round number -> open title/abstract conflicts of that round's studies (the sheet's
    ``round`` column); empty before screening has run."""
    path = outputs / CONFLICTS_CSV
    if not path.is_file():
        return {}
    sheet = read_csv_sheet(path)
    column = sheet.header.get("round")
    if column is None:
        return {}
    rounds = (row[column].strip() for row in sheet.table[1:] if len(row) > column)
    return dict(sorted(Counter(int(text) for text in rounds if text.isdigit()).items()))


def reopened_rounds(
    ledger: Mapping[str, Any] | None, conflicts: Mapping[int, int]
) -> dict[str, int]:
    """Version label -> its re-opened studies: open conflicts of a round before the ledger's
    last whose screening the ledger counts as done (a round frozen with screening in progress
    says how far it has got since on its own)."""
    columns = ((ledger or {}).get("rounds") or [])[:-1]
    found = {}
    for column in columns:
        count = conflicts.get(int(column.get("round") or 0), 0)
        done = isinstance((column.get("counts") or {}).get("records_screened"), int)
        if count and done and not (column.get("pending") or {}).get("screening"):
            found[str(column.get("label", column.get("round")))] = count
    return found


def resolver_phrase(outcome: Mapping[str, Any] | None) -> str:
    """`` for chen``, `` for the reviewers together (consensus)``, or '' when the outcome names
    no resolver."""
    who = str((outcome or {}).get("resolver") or "")
    if not who:
        return ""
    return " for the reviewers together (consensus)" if who == CONSENSUS else f" for {who}"


def reopened_text(count: int, outcome: Mapping[str, Any] | None) -> str:
    """``1 study re-opened by a later decision, a conflict for chen to resolve in
    screening/conflicts.xlsx``."""
    studies = "1 study" if count == 1 else f"{count:,} studies"
    conflicts = "a conflict" if count == 1 else "conflicts"
    return (
        f"{studies} re-opened by a later decision, {conflicts}{resolver_phrase(outcome)} to "
        f"resolve in {CONFLICTS_SHEET}"
    )
