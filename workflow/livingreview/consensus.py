"""Who settles the disagreements of the two-reviewer form stages (data extraction, risk of
bias), and the table of the disagreements a consensus form settled.

``<stage>.decision_rule`` takes the values of ``full_text.decision_rule``: ``consensus`` (the
default: the reviewers settle together; the consensus form names no resolver, as every
consensus form did before the key) or ``third_reviewer`` (the consensus form is written for the
first reviewer with the role ``conflict_resolution``, its metadata naming them as ``resolver``;
they must not be one of the study's reviewers). A returned consensus form naming no resolver
was settled by ``consensus``, and is recorded so under either rule (the log says so under
``third_reviewer``): a form returned before the rule was set keeps working.

:func:`settled_rows` gives, per study whose consensus row counts, each field (domain, item) the
reviewers typed differently or the consensus row changed: every reviewer's value, the value
settled, who settled it, where it was typed (file, row, round, save time) and the row's notes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from livingreview import reviewforms
from livingreview.errors import InputFileError
from livingreview.reviewforms import CONSENSUS

log = logging.getLogger(__name__)
THIRD_REVIEWER = "third_reviewer"
#: Columns of ``settled_disagreements.csv`` after the study and what was settled.
SETTLED_COLUMNS = ("votes", "settled", "resolver", "round", "file", "row", "recorded_at", "notes")


def decision_rule(config: Mapping[str, Any], section: str) -> str:
    """``section``'s decision rule (``consensus`` when the protocol leaves it out)."""
    return str(config[section].get("decision_rule", CONSENSUS))


def form_resolver(config: Mapping[str, Any], section: str) -> str:
    """The resolver a consensus form written now names: the third reviewer under
    ``third_reviewer``, else "" (the form names none, as before the rule could be set)."""
    from livingreview.screening.outcome import resolver

    return "" if decision_rule(config, section) != THIRD_REVIEWER else resolver(config, section)


def settler(resolver: str, config: Mapping[str, Any], together: str) -> str:
    """Who fills in a consensus form, for its Instructions: ``together`` (the reviewers) when
    it names no ``resolver``, else the third reviewer by name and id."""
    if not resolver:
        return together
    names = {r["id"]: r.get("name", r["id"]) for r in config.get("reviewers") or []}
    name = names.get(resolver, resolver)
    who = f"{name} ({resolver})" if name != resolver else resolver
    return f"consensus form for the third reviewer, {who}"


def allowed_resolvers(config: Mapping[str, Any]) -> frozenset[str]:
    """Who a returned consensus form may name as its resolver (as a conflicts sheet)."""
    from livingreview.screening.conflict_sheet import allowed_resolvers as allowed

    return allowed(config)


def check_resolvers(
    config: Mapping[str, Any],
    section: str,
    entries: Iterable[reviewforms.Entry],
    returned: Iterable[reviewforms.ReturnedForm],
    base: Path,
) -> None:
    """Under ``third_reviewer``, the consensus row that counts for a study must be settled by
    a reviewer other than the study's: else an error naming the form and row (``base``: the
    human-input folder). A counted row of a form naming no resolver is logged, once a form."""
    if decision_rule(config, section) != THIRD_REVIEWER:
        return
    entries = list(entries)
    forms = {reviewforms.relative(f.path, base): f for f in returned}
    voters = reviewforms.by_item(reviewforms.latest_rows(entries))
    logged: set[str] = set()
    for (reviewer, item), place in sorted(reviewforms.counted_places(entries).items()):
        form = forms.get(place.file)
        if reviewer != CONSENSUS or form is None:
            continue
        people = sorted(r for r in voters.get(item, {}) if r != CONSENSUS)
        if form.resolver == CONSENSUS and place.file not in logged:
            logged.add(place.file)
            log.warning(
                "%s: a consensus form naming no resolver (written before %s.decision_rule was "
                "third_reviewer): its rows are recorded as settled by consensus",
                form.path,
                section,
            )
        elif form.resolver in people:
            raise InputFileError(
                form.path,
                f"study {item} is settled by {form.resolver}, one of its reviewers, but "
                f"{section}.decision_rule is third_reviewer: expected a reviewer other than "
                f"{', '.join(people)} (the role conflict_resolution names who)",
                position=f"row {place.row}",
                field="resolver",
            )


def votes_text(votes: Iterable[tuple[str, str]]) -> str:
    """``r1=2 | r2=3``, as ``disagreements.csv`` gives them."""
    return " | ".join(f"{reviewer}={value}" for reviewer, value in votes)


def settled_rows(
    item_id: str,
    votes: Mapping[str, Mapping[str, str]],
    settled: Mapping[str, str],
    columns: Sequence[str],
    place: reviewforms.Place,
    resolver: str,
    notes: str = "",
) -> list[dict[str, str]]:
    """Rows of ``settled_disagreements.csv`` for one study settled on a consensus form:
    ``votes`` (reviewer -> values) and ``settled`` compared on each of ``columns``, a column
    listed where the values differ in more than whitespace (key ``item``)."""
    rows = []
    for column in columns:
        cast = [(r, votes[r].get(column, "")) for r in sorted(votes)]
        value = settled.get(column, "")
        if len({reviewforms.one_line(v) for v in [value, *(v for _, v in cast)]}) < 2:
            continue
        rows.append(
            {
                "study_id": item_id,
                "item": column,
                "votes": votes_text(cast),
                "settled": value,
                "resolver": resolver,
                "round": str(place.round),
                "file": place.file,
                "row": str(place.row),
                "recorded_at": place.recorded_at,
                "notes": notes,
            }
        )
    return rows


def resolvers_by_file(returned: Iterable[reviewforms.ReturnedForm], base: Path) -> dict[str, str]:
    """Returned consensus form (as stored, relative to ``base``) -> who settled its rows."""
    return {
        reviewforms.relative(f.path, base): f.resolver for f in returned if f.reviewer == CONSENSUS
    }


def study_resolvers(
    entries: Iterable[reviewforms.Entry], resolvers: Mapping[str, str]
) -> dict[str, str]:
    """Item id -> who settled it, for every item whose consensus row counts (``resolvers``:
    :func:`resolvers_by_file`)."""
    return {
        item: resolvers.get(place.file, CONSENSUS)
        for (who, item), place in reviewforms.counted_places(entries).items()
        if who == CONSENSUS
    }


def how_text(how: str, resolver: str) -> str:
    """The ``how`` a table shows: a consensus row a third reviewer typed was settled by
    ``third_reviewer``, not by the reviewers together."""
    return THIRD_REVIEWER if how == CONSENSUS and resolver not in ("", CONSENSUS) else how


def status(
    config: Mapping[str, Any],
    section: str,
    rows: Sequence[Mapping[str, str]],
    what: str,
    asked: str,
) -> dict[str, Any]:
    """The rule, who it asks (``asked``: the resolver a consensus form written now names, or
    ``consensus``) and the disagreements settled so far, for ``status.json``: studies,
    ``what`` (fields, items) and studies per resolver."""
    studies: dict[str, str] = {}
    for row in rows:
        studies.setdefault(row["study_id"], row["resolver"])
    by: dict[str, int] = {}
    for who in studies.values():
        by[who] = by.get(who, 0) + 1
    return {
        "decision_rule": decision_rule(config, section),
        "resolver": asked,
        "settled_disagreements": {
            "studies": len(studies),
            what: len(rows),
            "by_resolver": dict(sorted(by.items())),
        },
    }
