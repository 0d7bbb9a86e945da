"""Records of one trial registration: linked by their register ids, never chained into another.

A register's record of a trial gives its own register id (its source id, journal or address:
CENTRAL's copy names the register's page) and may list the trial's ids in other registers
(``Record.register_ids``: the ICTRP's secondary ids, ClinicalTrials.gov's other ids). Two such
records are one trial:

* when they give the same own id (a ClinicalTrials.gov row and CENTRAL's copy of it): always;
* when one lists the other's own id, or both list the same id (the trial registered in
  ClinicalTrials.gov and the EU Clinical Trials Register, each naming the other): only when
  nothing the two sides say contradicts it. Every register that both sides name (with the
  records already linked to each) must be named with one and the same id: a trial has one id in
  each register. So a record listing several trials of one register (an extension study naming
  its parent trials) links to none of them, and two trials that list the same id are never
  joined through it when they name different ids elsewhere; nor is either of them joined
  through it to a third record naming it, which could be either trial's.

An article's register ids (the trial it reports) link nothing here: an article and a trial's
registration are two reports of one study, which the full-text stage links, not duplicates.
The links are made in record-id order, so the same records always give the same links.
"""

from __future__ import annotations

from collections.abc import Iterable

from livingreview.dedup.normalise import is_registration
from livingreview.records import Record
from livingreview.register_ids import find_register_ids, namespace

#: How a link is named in the verdicts (``pairs.csv``).
SAME_ID = "same register id"
LISTED_ID = "register id listed"


def own_ids(record: Record) -> list[str]:
    """The register ids a register's record of a trial gives as its own; none for any other
    record (an article's register ids are the trial it reports, not its own)."""
    if not is_registration(record.publication_types, record.journal):
        return []
    return find_register_ids(record.source_id, record.journal, record.url)


class _Trials:
    """Union-find over registrations, each group with the ids it names in each register."""

    def __init__(self, claims: dict[str, list[str]]) -> None:
        self.parent = {rid: rid for rid in claims}
        self.names: dict[str, dict[str, set[str]]] = {}
        for rid, ids in claims.items():
            for register_id in ids:
                self.names.setdefault(rid, {}).setdefault(namespace(register_id), set()).add(
                    register_id
                )

    def find(self, rid: str) -> str:
        while self.parent[rid] != rid:
            self.parent[rid] = self.parent[self.parent[rid]]
            rid = self.parent[rid]
        return rid

    def agree(self, a: str, b: str) -> bool:
        """Whether the groups of ``a`` and ``b`` name each register both name by one same id."""
        ours, theirs = self.names.get(self.find(a), {}), self.names.get(self.find(b), {})
        return all(
            len(ids) == 1 and theirs[register] == ids
            for register, ids in ours.items()
            if register in theirs
        )

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        keep, gone = min(ra, rb), max(ra, rb)
        self.parent[gone] = keep
        for register, ids in self.names.pop(gone, {}).items():
            self.names.setdefault(keep, {}).setdefault(register, set()).update(ids)


def register_links(records: Iterable[Record]) -> dict[tuple[str, str], str]:
    """Pairs of registrations of one trial (see the module docstring) and what links each:
    :data:`SAME_ID` (one star per own id: the smallest record id with each other one) or
    :data:`LISTED_ID`."""
    owned: dict[str, list[str]] = {}
    claims: dict[str, list[str]] = {}
    for record in records:
        own = own_ids(record)
        if own:
            owned[record.record_id] = own
            claims[record.record_id] = [*own, *record.register_ids]
    trials = _Trials(claims)
    links: dict[tuple[str, str], str] = {}
    for rids in _by_id(owned).values():
        for other in rids[1:]:
            links.setdefault((rids[0], other), SAME_ID)
            trials.join(rids[0], other)
    for rids in _by_id(claims).values():
        _link_listed(trials, links, rids)
    return dict(sorted(links.items()))


def _by_id(ids_of: dict[str, list[str]]) -> dict[str, list[str]]:
    """Register id -> the records naming it (sorted), for ids named by two records or more."""
    by_id: dict[str, set[str]] = {}
    for rid, ids in ids_of.items():
        for register_id in ids:
            by_id.setdefault(register_id, set()).add(rid)
    return {key: sorted(rids) for key, rids in sorted(by_id.items()) if len(rids) > 1}


def _link_listed(trials: _Trials, links: dict[tuple[str, str], str], rids: list[str]) -> None:
    """Link the groups of the records ``rids`` that name one id, but a group that disagrees
    with another of them: which of two disagreeing groups the others belong to is not known
    (two trials listing one EudraCT number), so neither is linked through this id, whatever
    their record ids. Each group by its smallest record naming the id."""
    first: dict[str, str] = {}
    for rid in rids:
        first.setdefault(trials.find(rid), rid)
    agreed = [
        rid
        for rid in first.values()
        if all(trials.agree(rid, other) for other in first.values() if other != rid)
    ]
    for rid in agreed[1:]:
        links.setdefault((agreed[0], rid), LISTED_ID)
        trials.join(agreed[0], rid)
