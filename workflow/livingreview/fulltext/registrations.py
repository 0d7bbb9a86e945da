"""Articles that cite a trial's registration: reports of the registered study.

A trial's registration and the articles reporting it are reports of one study (the Cochrane
Handbook's "multiple reports of the same study"), not duplicate records: the library keeps them
apart, and the full-text stage links them as one study. An article's record names the trial's
register ids in a field the database curates (``Record.register_ids``: PubMed's databank links,
MEDLINE's ``SI``); an id its abstract only mentions counts for nothing (it may be another
trial's). A registration's ids are its own and those it lists (after the library merged the
trial's registrations, every register's id).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from livingreview.records import split_list
from livingreview.register_ids import find_register_ids
from livingreview.screening.export import is_register_record


def _registration_ids(row: Mapping[str, str]) -> list[str]:
    own = find_register_ids(row.get("source_id", ""), row.get("journal", ""), row.get("url", ""))
    return [*own, *split_list(row.get("register_ids", ""))]


def cited_registrations(
    library: Mapping[str, Mapping[str, str]], reports: Iterable[str]
) -> dict[str, str]:
    """Report id -> the registration among ``reports`` that the report (an article, not a
    registration) cites by one of its ids: only when it cites exactly one of them (an article
    pooling several trials is linked to none)."""
    reports = sorted(set(reports))
    registered: dict[str, set[str]] = {}
    for report in reports:
        row = library.get(report, {})
        if row and is_register_record(row):
            for register_id in _registration_ids(row):
                registered.setdefault(register_id, set()).add(report)
    cited = {}
    for report in reports:
        row = library.get(report, {})
        if not row or is_register_record(row):
            continue
        ids = split_list(row.get("register_ids", ""))
        found = {r for register_id in ids for r in registered.get(register_id, ())}
        if len(found) == 1:
            cited[report] = found.pop()
    return cited
