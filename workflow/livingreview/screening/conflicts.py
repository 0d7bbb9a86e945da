"""Conflicts between screeners and the final title/abstract decision per study.

Each study's votes are its reviewers' latest decisions, whichever round's sheet held them (a
reviewer may decide a study of an earlier round on a later sheet) (:func:`study_votes`); a
resolution must be of the round of the latest vote or later. Two or more votes are a
**conflict** when they differ after a maybe is counted as an include
(``screening.conflict_on_maybe: false``), or, with ``conflict_on_maybe: true``, also whenever any
vote is a maybe (maybe vs maybe included). Agreeing votes are final under every rule (but see
below: votes a person resolved before an amendment). A conflict is decided by
``screening.decision_rule``:

* ``consensus``: a resolution written in the conflicts sheet (by the screeners together);
* ``third_reviewer``: a resolution by a reviewer who did not screen the study;
* ``either_includes``: an include or maybe from any reviewer includes; nothing to resolve.

A resolution returned on a conflicts sheet keeps settling its conflict after the rule is amended
(``how`` as it was settled: ``consensus`` or ``third_reviewer``); only conflicts no one resolved
go by the new rule. So does one whose votes agree only because ``conflict_on_maybe`` was
amended since (include vs maybe: every vote saved before the resolution). A conflict a person
resolved whose votes a reviewer's later revision made agree is decided by the agreement, and
still counted as a conflict resolved (as the version of its time published it), and as
``conflicts_decided_alike_since``.

A conflict without its resolution is **pending**. A study with one vote is decided by it in
``single`` mode (a maybe goes forward as an include) and waits for the second reviewer in
``dual`` mode. In single mode a seeded share of studies also goes to a second reviewer
(:func:`verification_sample`); their votes are then treated like dual screening.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from livingreview.errors import InputFileError
from livingreview.screening.agreement import collapse_maybe
from livingreview.screening.decisions import (
    REASON_JOIN,
    STAGE_TITLE_ABSTRACT,
    ScreeningDecision,
    latest_by_study,
)
from livingreview.sheets import Where, counting_file

DECISION_RULES = ("consensus", "either_includes", "third_reviewer")
FINAL_DECISIONS = ("include", "exclude")
CONSENSUS = "consensus"  # the resolver recorded for a consensus resolution


def how_settled(resolver: str) -> str:
    """How a conflict its ``resolver`` settled was decided (``consensus`` or ``third_reviewer``),
    whatever the decision rule is now: a resolution returned before an amendment keeps its way."""
    return CONSENSUS if resolver == CONSENSUS else "third_reviewer"


@dataclass(frozen=True)
class Resolution:
    """How a conflict was settled, as written in a returned conflicts sheet."""

    study_id: str
    round: int  # the library round the conflicts sheet was written in
    decision: str  # include or exclude
    resolver: str  # the reviewer id, or CONSENSUS
    reason: str
    notes: str
    file: str
    row: int
    recorded_at: str


@dataclass(frozen=True)
class Votes:
    """The latest decision of every reviewer on one study; ``round`` is the latest among them."""

    study_id: str
    round: int
    decisions: tuple[ScreeningDecision, ...]  # one per reviewer, sorted by reviewer

    @property
    def reviewers(self) -> tuple[str, ...]:
        """Who voted."""
        return tuple(d.reviewer for d in self.decisions)

    def text(self) -> str:
        """``r1: include; r2: exclude (no_alliance)`` for sheets and tables."""
        return "; ".join(
            f"{d.reviewer}: {d.decision}" + (f" ({d.reason})" if d.reason else "")
            for d in self.decisions
        )


@dataclass(frozen=True)
class FinalDecision:
    """The title/abstract outcome of one study and how it was reached."""

    study_id: str
    round: int
    decision: str  # include or exclude
    how: str  # agreement, single_reviewer, either_includes, consensus, third_reviewer
    votes: str
    resolver: str = ""
    reason: str = ""


@dataclass
class Outcome:
    """Final decisions, conflicts still to resolve, and studies waiting for a second vote."""

    final: list[FinalDecision] = field(default_factory=list)
    pending: list[Votes] = field(default_factory=list)
    awaiting_second: list[Votes] = field(default_factory=list)
    resolved: int = 0
    decided_alike: int = 0  # of ``resolved``: since decided alike by a reviewer's revision
    unused_resolutions: list[Resolution] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        """Counts for the report and PRISMA (records screened, excluded, conflicts)."""
        by_how: dict[str, int] = defaultdict(int)
        for item in self.final:
            by_how[item.how] += 1
        decided = [f.decision for f in self.final]
        return {
            "studies_decided": len(self.final),
            "included": decided.count("include"),
            "excluded": decided.count("exclude"),
            "decided_by": dict(sorted(by_how.items())),
            "conflicts": self.resolved + len(self.pending),
            "conflicts_resolved": self.resolved,
            "conflicts_pending": len(self.pending),
            "conflicts_decided_alike_since": self.decided_alike,
            "awaiting_second_reviewer": len(self.awaiting_second),
            "resolutions_not_needed": [
                f"{r.study_id} ({r.file}, row {r.row})" for r in self.unused_resolutions
            ],
        }


def study_votes(
    decisions: Iterable[ScreeningDecision], stage: str = STAGE_TITLE_ABSTRACT
) -> list[Votes]:
    """Votes per study: each reviewer's latest decision (:func:`latest_by_study`), in the
    latest round among them; sorted by study id."""
    out = []
    latest = latest_by_study([d for d in decisions if d.stage == stage])
    for (_, study), by_reviewer in sorted(latest.items()):
        votes = tuple(item for _, item in sorted(by_reviewer.items()))
        out.append(Votes(study, max(d.round for d in votes), votes))
    return out


def is_conflict(votes: Votes, conflict_on_maybe: bool) -> bool:
    """Whether two or more votes need resolving (see the module docstring)."""
    values = [d.decision for d in votes.decisions]
    if len(values) < 2:
        return False
    if conflict_on_maybe and "maybe" in values:
        return True
    return len({collapse_maybe(v) for v in values}) > 1


def _agreed_reason(votes: Votes) -> str:
    """Every reason the agreeing votes give, each once, sorted: a vote may give several
    (:data:`~livingreview.screening.decisions.REASON_JOIN`), and another vote some of them."""
    reasons = {
        reason for d in votes.decisions if d.reason for reason in d.reason.split(REASON_JOIN)
    }
    return REASON_JOIN.join(sorted(reasons))


def _check_resolver(resolution: Resolution, votes: Votes, rule: str) -> None:
    """Under ``third_reviewer`` a resolver must not be one of the study's screeners. A consensus
    counts: only a sheet written under the consensus rule is for ``consensus`` (its ``_meta``
    cannot be edited), so it was settled as the protocol of its time asked."""
    if rule == "third_reviewer" and resolution.resolver in votes.reviewers:
        raise InputFileError(
            resolution.file,
            f"study {votes.study_id} is resolved by {resolution.resolver}, but "
            "screening.decision_rule is "
            f"third_reviewer: expected a reviewer other than its screeners "
            f"({', '.join(votes.reviewers)})",
            position=f"row {resolution.row}",
            field="resolution",
        )


def _by_file(resolutions: Iterable[Resolution]) -> dict[str, dict[Where, list[Resolution]]]:
    """Study id -> each file resolving it (round, save time, file; oldest first) -> its rows
    on the study (several when the library joined studies after the file was written)."""
    files: dict[str, dict[Where, list[Resolution]]] = {}
    for item in sorted(resolutions, key=lambda r: (r.round, r.recorded_at, r.file, r.row)):
        where = (item.round, item.recorded_at, item.file)
        files.setdefault(item.study_id, {}).setdefault(where, []).append(item)
    return files


def _set_aside(rows: Sequence[Resolution]) -> bool:
    """Whether one file's rows on one study resolve it differently: none of them counts."""
    return len({(r.decision, r.reason) for r in rows}) > 1


def answering(resolutions: Iterable[Resolution]) -> list[Resolution]:
    """The resolutions that answer, in file order: all but the rows one file gives on one
    study that resolve it differently (:func:`latest_resolutions`)."""
    return [
        item
        for by_file in _by_file(resolutions).values()
        for rows in by_file.values()
        if not _set_aside(rows)
        for item in rows
    ]


def latest_resolutions(resolutions: Iterable[Resolution]) -> dict[str, Resolution]:
    """The resolution per study of its latest round, of the file saved last in that round
    (then by file name). Rows of one file that resolve the study differently (studies the
    library joined after the file was written) cannot tell which counts, so none does: in
    their round the study's resolution is another file's (its conflict listed again and
    resolved there), else it has none. Rows alike count as one."""
    settled = {}
    for sid, by_file in _by_file(resolutions).items():
        if (where := counting_file(by_file, _set_aside)) is not None:
            settled[sid] = min(by_file[where], key=lambda r: (r.notes, r.row))
    return settled


def decide(
    decisions: Iterable[ScreeningDecision],
    resolutions: Iterable[Resolution] = (),
    *,
    rule: str = "consensus",
    conflict_on_maybe: bool = False,
    mode: str = "dual",
) -> Outcome:
    """Apply the decision rule to every screened study (see the module docstring)."""
    if rule not in DECISION_RULES:
        raise ValueError(f"decision rule {rule!r} is not one of {', '.join(DECISION_RULES)}")
    settled = latest_resolutions(resolutions)
    outcome = Outcome()
    used: set[str] = set()
    for votes in study_votes(decisions):
        if len(votes.decisions) == 1:
            if mode == "dual":
                outcome.awaiting_second.append(votes)
            else:
                outcome.final.append(_single_reviewer(votes))
        elif not is_conflict(votes, conflict_on_maybe):
            resolution = settled.get(votes.study_id)
            if resolution is not None and _unrevised(votes, resolution):
                # these very votes were resolved: only conflict_on_maybe was amended since
                _check_resolver(resolution, votes, rule)
                used.add(votes.study_id)
                outcome.resolved += 1
                outcome.final.append(_resolved(votes, resolution))
                continue
            outcome.final.append(_agreement(votes))
            if resolution is not None:  # a conflict a person resolved, revised since
                outcome.resolved += 1
                outcome.decided_alike += 1
        elif rule == "either_includes":
            resolution = settled.get(votes.study_id)
            if resolution is not None and resolution.round >= votes.round:
                used.add(votes.study_id)  # settled by a person under the rule before: kept
                outcome.final.append(_resolved(votes, resolution))
            else:
                outcome.final.append(_either_includes(votes))
            outcome.resolved += 1
        else:
            resolution = settled.get(votes.study_id)
            if resolution is None or resolution.round < votes.round:
                outcome.pending.append(votes)
                continue
            _check_resolver(resolution, votes, rule)
            used.add(votes.study_id)
            outcome.resolved += 1
            outcome.final.append(_resolved(votes, resolution))
    outcome.unused_resolutions = [r for s, r in sorted(settled.items()) if s not in used]
    return outcome


def _unrevised(votes: Votes, resolution: Resolution) -> bool:
    """Whether ``resolution`` (of the votes' round or later) was saved after every vote, each
    save time known: no reviewer revised the study since it was resolved."""
    saved = resolution.recorded_at
    return (
        resolution.round >= votes.round
        and bool(saved)
        and all(d.recorded_at and d.recorded_at <= saved for d in votes.decisions)
    )


def _single_reviewer(votes: Votes) -> FinalDecision:
    """A study one reviewer screened (single mode): their vote, a maybe going forward as an
    include; an exclusion keeps its reason."""
    first = votes.decisions[0]
    decision = collapse_maybe(first.decision)
    return FinalDecision(
        votes.study_id,
        votes.round,
        decision,
        "single_reviewer",
        votes.text(),
        reason=first.reason if decision == "exclude" else "",
    )


def _agreement(votes: Votes) -> FinalDecision:
    """A study whose votes agree: their decision; an exclusion gives every reason they give."""
    decision = collapse_maybe(votes.decisions[0].decision)
    reason = _agreed_reason(votes) if decision == "exclude" else ""
    return FinalDecision(
        votes.study_id, votes.round, decision, "agreement", votes.text(), reason=reason
    )


def _either_includes(votes: Votes) -> FinalDecision:
    """A conflict under ``either_includes``: included when any vote includes (or is a maybe)."""
    values = {collapse_maybe(d.decision) for d in votes.decisions}
    decision = "include" if "include" in values else "exclude"
    return FinalDecision(votes.study_id, votes.round, decision, "either_includes", votes.text())


def _resolved(votes: Votes, resolution: Resolution) -> FinalDecision:
    """A conflict settled by its ``resolution``, ``how`` as it was settled (``consensus`` or
    ``third_reviewer``, whatever the rule is now); an exclusion keeps its reason."""
    return FinalDecision(
        votes.study_id,
        votes.round,
        resolution.decision,
        how_settled(resolution.resolver),
        votes.text(),
        resolver=resolution.resolver,
        reason=resolution.reason if resolution.decision == "exclude" else "",
    )


def verification_sample(study_ids: Iterable[str], fraction: float, seed: int) -> list[str]:
    """The single-screened studies that also go to a second reviewer, sorted.

    ``ceil(fraction * n)`` studies: those with the smallest SHA-256 of ``"<seed>:<study id>"``.
    The same ids, fraction and seed give the same sample whatever the order of the ids.
    """
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction {fraction} is not between 0 and 1")
    ids = sorted(set(study_ids))
    size = math.ceil(round(fraction * len(ids), 9))

    def rank(study: str) -> tuple[str, str]:
        return hashlib.sha256(f"{seed}:{study}".encode()).hexdigest(), study

    return sorted(sorted(ids, key=rank)[:size])


def final_rows(final: Sequence[FinalDecision]) -> list[dict[str, str]]:
    """Rows of ``final_decisions.csv``."""
    return [
        {
            "study_id": f.study_id,
            "round": str(f.round),
            "decision": f.decision,
            "how": f.how,
            "votes": f.votes,
            "resolver": f.resolver,
            "reason": f.reason,
        }
        for f in final
    ]


FINAL_COLUMNS = ("study_id", "round", "decision", "how", "votes", "resolver", "reason")


def settings(config: Mapping[str, Any]) -> tuple[str, bool, str]:
    """(decision rule, conflict on maybe, mode) from the protocol's ``screening`` section."""
    section = config.get("screening") or {}
    return (
        section.get("decision_rule", "consensus"),
        bool(section.get("conflict_on_maybe", False)),
        section.get("mode", "dual"),
    )
