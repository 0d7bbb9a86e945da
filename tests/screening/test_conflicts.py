"""Conflicts, the final decision rules (consensus, third reviewer, either includes) and the
verification sample of single screening."""

from __future__ import annotations

import logging
import random
import shutil
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from livingreview.errors import ConfigError, InputFileError
from livingreview.screening.conflict_sheet import (
    ConflictSheetSpec,
    ExpectedConflicts,
    read_resolution_sheet,
    read_resolution_sheets,
    sheet_rows,
    write_conflict_sheets,
)
from livingreview.screening.conflicts import (
    Resolution,
    decide,
    is_conflict,
    latest_resolutions,
    study_votes,
    verification_sample,
)
from livingreview.screening.decisions import ScreeningDecision
from livingreview.screening.outcome import resolver
from tests.form_helpers import set_saved_at


def vote(study: str, reviewer: str, value: str, round_: int = 1, row: int = 2) -> ScreeningDecision:
    reason = "no_alliance" if value == "exclude" else ""
    return ScreeningDecision(
        study, reviewer, "title_abstract", round_, value, reason, "", f"{reviewer}.xlsx", row, ""
    )


def resolved(study: str, decision: str, resolver: str, round_: int = 1) -> Resolution:
    return Resolution(study, round_, decision, resolver, "", "", "conflicts/r3.xlsx", 5, "")


PAIRS = {
    "S1": ("include", "include"),
    "S2": ("exclude", "exclude"),
    "S3": ("include", "exclude"),
    "S4": ("maybe", "include"),
    "S5": ("maybe", "exclude"),
    "S6": ("maybe", "maybe"),
}
DUAL = [vote(s, r, v) for s, pair in PAIRS.items() for r, v in zip(("r1", "r2"), pair, strict=True)]


def by_study(outcome) -> dict[str, tuple[str, str]]:
    return {f.study_id: (f.decision, f.how) for f in outcome.final}


def test_maybe_counts_as_include_unless_configured_as_a_conflict() -> None:
    votes = {v.study_id: v for v in study_votes(DUAL)}
    assert [s for s in PAIRS if is_conflict(votes[s], conflict_on_maybe=False)] == ["S3", "S5"]
    assert [s for s in PAIRS if is_conflict(votes[s], conflict_on_maybe=True)] == [
        "S3",
        "S4",
        "S5",
        "S6",
    ]


def test_consensus_leaves_conflicts_pending_until_resolved() -> None:
    outcome = decide(DUAL, rule="consensus")
    assert by_study(outcome) == {
        "S1": ("include", "agreement"),
        "S2": ("exclude", "agreement"),
        "S4": ("include", "agreement"),
        "S6": ("include", "agreement"),
    }
    assert [v.study_id for v in outcome.pending] == ["S3", "S5"]
    assert outcome.final[1].reason == "no_alliance"  # agreed exclusion keeps the reason
    done = decide(DUAL, [resolved("S3", "exclude", "consensus")], rule="consensus")
    assert by_study(done)["S3"] == ("exclude", "consensus")
    assert [v.study_id for v in done.pending] == ["S5"]
    assert done.counts()["conflicts"] == 2 and done.counts()["conflicts_resolved"] == 1


def test_third_reviewer_must_not_be_one_of_the_screeners() -> None:
    outcome = decide(
        DUAL,
        [resolved("S3", "include", "r3"), resolved("S5", "exclude", "r3")],
        rule="third_reviewer",
    )
    assert by_study(outcome)["S3"] == ("include", "third_reviewer")
    assert {f.study_id: f.resolver for f in outcome.final}["S5"] == "r3" and not outcome.pending
    with pytest.raises(InputFileError) as error:
        decide(DUAL, [resolved("S3", "include", "r1")], rule="third_reviewer")
    assert str(error.value) == (
        "conflicts/r3.xlsx, row 5, field 'resolution': study S3 is resolved by r1, but "
        "screening.decision_rule is third_reviewer: expected a reviewer other than its "
        "screeners (r1, r2)"
    )


def test_either_includes_never_leaves_a_conflict() -> None:
    outcome = decide(DUAL, rule="either_includes", conflict_on_maybe=True)
    assert not outcome.pending
    assert by_study(outcome) == {
        "S1": ("include", "agreement"),
        "S2": ("exclude", "agreement"),
        "S3": ("include", "either_includes"),
        "S4": ("include", "either_includes"),
        "S5": ("include", "either_includes"),
        "S6": ("include", "either_includes"),
    }


def test_a_conflict_resolved_before_the_rule_became_either_includes_keeps_its_resolution() -> None:
    """screening.decision_rule amended from third_reviewer to either_includes in round 2: r3's
    round-1 exclusion of S3 (r1 include, r2 exclude) was set aside as 'not needed' and S3
    included, sent to full text, with no word in the report or changelog. A resolution a person
    returned still settles its conflict; only conflicts no one resolved go by the new rule."""
    outcome = decide(DUAL, [resolved("S3", "exclude", "r3")], rule="either_includes")
    assert by_study(outcome)["S3"] == ("exclude", "third_reviewer")
    assert by_study(outcome)["S5"] == ("include", "either_includes")
    assert outcome.counts()["resolutions_not_needed"] == []
    agreed = decide(DUAL, [resolved("S5", "exclude", "consensus")], rule="either_includes")
    assert by_study(agreed)["S5"] == ("exclude", "consensus")


def returned_consensus_sheet(tmp_path: Path) -> list[Resolution]:
    """Round 1's conflicts sheet written under ``decision_rule: consensus`` (S3 and S5 pending),
    returned with S3 excluded (no_alliance) and S5 left blank; the resolutions read back."""
    spec = ConflictSheetSpec("dta", "title_abstract", 1, "consensus")
    reasons = [("no_alliance", "No alliance")]
    rows = sheet_rows(decide(DUAL).pending, {"S3": {"title": "Bond"}, "S5": {"title": "Tie"}})
    write_conflict_sheets(tmp_path / "conflicts.xlsx", spec, rows, reasons, "human")
    book = openpyxl.load_workbook(tmp_path / "conflicts.xlsx")
    sheet = book["Conflicts"]
    head = [c.value for c in sheet[1]]
    assert [sheet.cell(r, 1).value for r in (2, 3)] == ["S3", "S5"]
    sheet.cell(2, head.index("resolution") + 1).value = "exclude"
    sheet.cell(2, head.index("reason") + 1).value = "no_alliance"
    book.save(tmp_path / "agreed.xlsx")
    who = frozenset({"consensus", "r3"})  # r3 has the role conflict_resolution
    expected = ExpectedConflicts("dta", "title_abstract", 2, dict(reasons), frozenset(PAIRS), who)
    return read_resolution_sheet(tmp_path / "agreed.xlsx", expected, "conflicts/agreed.xlsx")[1]


@pytest.mark.parametrize("rule", ["third_reviewer", "either_includes"])
def test_a_consensus_returned_before_the_rule_became_third_reviewer_keeps_counting(
    tmp_path: Path, rule: str
) -> None:
    """decision_rule amended from consensus to third_reviewer (or on to either_includes) after
    the screeners returned their round-1 consensus on S3: the stage stopped for good ('resolved by
    a consensus, but screening.decision_rule is third_reviewer'), and only removing the file, and
    what they typed, let it go on. The consensus settles S3, recorded as a consensus; S5, which
    nobody resolved, goes by the rule now; a conflict of round 2 is not settled by round 1's."""
    found = returned_consensus_sheet(tmp_path)
    assert [(r.study_id, r.decision, r.resolver) for r in found] == [("S3", "exclude", "consensus")]
    later = [vote("S7", "r1", "include", 2), vote("S7", "r2", "exclude", 2)]
    outcome = decide([*DUAL, *later], found, rule=rule)
    final = {f.study_id: f for f in outcome.final}
    assert (final["S3"].decision, final["S3"].how) == ("exclude", "consensus")
    assert (final["S3"].resolver, final["S3"].reason) == ("consensus", "no_alliance")
    assert outcome.counts()["resolutions_not_needed"] == []
    if rule == "third_reviewer":
        assert [v.study_id for v in outcome.pending] == ["S5", "S7"]
    else:
        assert by_study(outcome)["S5"] == ("include", "either_includes")


def test_a_third_reviewers_resolution_is_recorded_as_one_under_consensus() -> None:
    """Amended from third_reviewer to consensus: r3's resolution was recorded as 'consensus'."""
    outcome = decide(DUAL, [resolved("S3", "exclude", "r3")], rule="consensus")
    assert by_study(outcome)["S3"] == ("exclude", "third_reviewer")


def test_one_vote_waits_in_dual_mode_and_decides_in_single_mode() -> None:
    decisions = [vote("S1", "r1", "maybe"), vote("S2", "r1", "exclude")]
    dual = decide(decisions, mode="dual")
    assert not dual.final and [v.study_id for v in dual.awaiting_second] == ["S1", "S2"]
    single = decide(decisions, mode="single")
    assert by_study(single) == {
        "S1": ("include", "single_reviewer"),
        "S2": ("exclude", "single_reviewer"),
    }
    # a verified study with a disagreeing second vote becomes a conflict like in dual mode
    verified = decide([*decisions, vote("S2", "r2", "include")], mode="single")
    assert [v.study_id for v in verified.pending] == ["S2"]


def test_a_changed_vote_supersedes_and_an_unneeded_resolution_is_reported() -> None:
    changed = [*DUAL, vote("S3", "r2", "include", row=40)]
    outcome = decide(changed, [resolved("S3", "exclude", "consensus")], rule="consensus")
    assert by_study(outcome)["S3"] == ("include", "agreement")
    assert outcome.counts()["resolutions_not_needed"] == ["S3 (conflicts/r3.xlsx, row 5)"]
    # the conflict a person resolved still counts, as decided alike since (S5 still pending)
    counts = outcome.counts()
    assert (counts["conflicts"], counts["conflicts_resolved"], counts["conflicts_pending"]) == (
        2,
        1,
        1,
    )
    assert counts["conflicts_decided_alike_since"] == 1


def test_a_resolution_of_an_earlier_round_does_not_settle_a_newer_conflict() -> None:
    later = [vote("S3", "r1", "include", round_=2), vote("S3", "r2", "exclude", round_=2)]
    outcome = decide([*DUAL, *later], [resolved("S3", "exclude", "consensus", round_=1)])
    assert [(v.study_id, v.round) for v in outcome.pending] == [("S3", 2), ("S5", 1)]


def test_a_vote_on_a_later_sheet_counts_beside_the_other_reviewers_earlier_vote() -> None:
    # r2 left S1 and S2 blank in round 1 and decides them on its round-2 sheet (round 1's is no
    # longer written): with r1's round-1 votes, S2 is agreed and S1 a conflict of round 2.
    votes = [
        vote("S1", "r1", "include"),
        vote("S2", "r1", "exclude"),
        vote("S1", "r2", "exclude", round_=2),
        vote("S2", "r2", "exclude", round_=2),
    ]
    outcome = decide(votes, [resolved("S1", "include", "consensus", round_=1)])
    assert not outcome.awaiting_second
    assert [(v.study_id, v.round, v.reviewers) for v in outcome.pending] == [
        ("S1", 2, ("r1", "r2"))
    ]
    assert by_study(outcome) == {"S2": ("exclude", "agreement")}
    settled = decide(votes, [resolved("S1", "include", "consensus", round_=2)])
    assert by_study(settled) == {"S1": ("include", "consensus"), "S2": ("exclude", "agreement")}
    # A reviewer's decision of a later round supersedes their earlier one.
    changed = decide([*votes, vote("S2", "r1", "include", round_=2)])
    assert [v.study_id for v in changed.pending] == ["S1", "S2"]


def test_an_earlier_rounds_sheet_saved_after_the_later_one_gives_the_reviewers_vote() -> None:
    # r2 decided S1 on its round-2 sheet, then saved its round-1 sheet again with S1 changed:
    # the decision made last is r2's vote (before, the round-2 one, so r2's include was dropped
    # and the study taken as agreed to exclude). Without save times, the later round's counts.
    def timed(item: ScreeningDecision, saved: str) -> ScreeningDecision:
        return replace(item, recorded_at=saved, file=f"{item.reviewer}_{item.round}_{saved}.xlsx")

    votes = [
        timed(vote("S1", "r1", "exclude"), "2026-01-05T10:00:00Z"),
        timed(vote("S1", "r2", "exclude", round_=2), "2026-02-01T10:00:00Z"),
        timed(vote("S1", "r2", "include"), "2026-02-03T10:00:00Z"),
    ]
    [votes_s1] = study_votes(votes)
    assert [(d.reviewer, d.decision, d.round) for d in votes_s1.decisions] == [
        ("r1", "exclude", 1),
        ("r2", "include", 1),
    ]
    outcome = decide(votes)
    assert [(v.study_id, v.round) for v in outcome.pending] == [("S1", 1)]
    undated = [replace(v, recorded_at="") for v in votes]
    assert by_study(decide(undated)) == {"S1": ("exclude", "agreement")}


@pytest.mark.parametrize(("count", "fraction", "size"), [(30, 0.1, 3), (7, 0.5, 4), (5, 0, 0)])
def test_verification_sample_size_is_the_fraction_rounded_up(
    count: int, fraction: float, size: int
) -> None:
    ids = [f"S{i:03d}" for i in range(count)]
    sample = verification_sample(ids, fraction, seed=1)
    assert len(sample) == size and sample == sorted(sample) and set(sample) <= set(ids)


def test_verification_sample_is_seeded_and_order_independent() -> None:
    ids = [f"S{i:03d}" for i in range(200)]
    shuffled = ids[:]
    random.Random(3).shuffle(shuffled)
    assert verification_sample(ids, 0.2, 7) == verification_sample(shuffled, 0.2, 7)
    assert verification_sample(ids, 0.2, 7) != verification_sample(ids, 0.2, 8)
    assert verification_sample(ids, 1, 7) == ids
    with pytest.raises(ValueError, match="between 0 and 1"):
        verification_sample(ids, 1.5, 7)


def test_conflicts_sheet_round_trips_through_xlsx_and_csv(tmp_path: Path, caplog) -> None:
    pending = decide(DUAL, rule="third_reviewer").pending
    studies = {"S3": {"title": '=HYPERLINK("x")', "year": "2021"}, "S5": {"title": "Bond"}}
    spec = ConflictSheetSpec("dta", "title_abstract", 1, "r3")
    xlsx, csv_path = tmp_path / "conflicts.xlsx", tmp_path / "conflicts.csv"
    reasons = [("no_alliance", "No alliance")]
    rows = sheet_rows(pending, studies)
    written = write_conflict_sheets(xlsx, spec, rows, reasons, "human/screening/conflicts")
    assert written == [xlsx, csv_path]
    first = xlsx.read_bytes()
    write_conflict_sheets(xlsx, spec, rows, reasons, "human/screening/conflicts")
    assert xlsx.read_bytes() == first  # deterministic
    book = openpyxl.load_workbook(xlsx)
    sheet = book["Conflicts"]
    head = [c.value for c in sheet[1]]
    assert sheet.cell(2, head.index("title") + 1).data_type == "s"  # never a formula
    assert sheet.cell(2, head.index("votes") + 1).value == "r1: include; r2: exclude (no_alliance)"
    sheet.cell(2, head.index("resolution") + 1).value = " EXCLUDE "
    sheet.cell(2, head.index("reason") + 1).value = "No alliance"  # the label is accepted
    book.save(tmp_path / "returned.xlsx")
    expected = ExpectedConflicts(
        "dta", "title_abstract", 1, dict(reasons), frozenset(PAIRS), frozenset({"r3"})
    )
    count, found, _ = read_resolution_sheet(tmp_path / "returned.xlsx", expected, "returned.xlsx")
    assert count == 2
    assert [(r.study_id, r.decision, r.resolver, r.reason, r.row) for r in found] == [
        ("S3", "exclude", "r3", "no_alliance", 2)
    ]
    text = csv_path.read_text(encoding="utf-8").replace(",,,,", ",,include,,")
    (tmp_path / "returned.csv").write_text(text, encoding="utf-8")
    _, from_csv, _ = read_resolution_sheet(tmp_path / "returned.csv", expected, "returned.csv")
    assert [(r.study_id, r.decision) for r in from_csv] == [("S3", "include"), ("S5", "include")]
    # S3 excluded in the .xlsx, included in the .csv: which came last cannot be told (the .xlsx
    # won silently, as only it has a save time)
    with pytest.raises(
        InputFileError,
        match=r"^returned.xlsx, row 2, field 'resolution': the resolution by r3 \(round 1\) on "
        r"study S3 is 'exclude' \(no_alliance\) here and 'include' in returned.csv, row 3, and "
        r"which of the two files was saved last cannot be told \(returned.csv is a CSV file, "
        r"which does not record when it was saved\); expected one resolution per study: remove "
        r"one of the two files, or correct one so that both hold the same$",
    ):
        read_resolution_sheets(
            [tmp_path / "returned.xlsx", tmp_path / "returned.csv"], expected, tmp_path
        )
    # saved later, the .xlsx counts, and the resolution it overrides is logged
    shutil.copy(tmp_path / "returned.xlsx", tmp_path / "first.xlsx")
    sheet.cell(2, head.index("resolution") + 1).value = "include"
    sheet.cell(2, head.index("reason") + 1).value = None
    book.save(tmp_path / "second.xlsx")
    set_saved_at(tmp_path / "first.xlsx", "2030-01-01T00:00:00Z")
    set_saved_at(tmp_path / "second.xlsx", "2030-01-02T00:00:00Z")
    with caplog.at_level(logging.WARNING, logger="livingreview"):
        read = read_resolution_sheets(
            [tmp_path / "second.xlsx", tmp_path / "first.xlsx"], expected, tmp_path
        )
    assert latest_resolutions(read.resolutions)["S3"].file == "second.xlsx"
    assert read.overridden == [
        "first.xlsx, row 2: the resolution by r3 (round 1) on study S3, 'exclude' (no_alliance),"
        " is overridden by 'include' in second.xlsx, row 2, saved later"
        " (2030-01-01T00:00:00Z < 2030-01-02T00:00:00Z)"
    ]
    assert [r.getMessage() for r in caplog.records] == read.overridden


def test_the_resolver_comes_from_the_rule_and_the_roles() -> None:
    reviewers = [
        {"id": "r1", "roles": ["screening"]},
        {"id": "r3", "roles": ["conflict_resolution"]},
    ]
    config = {"screening": {"decision_rule": "third_reviewer"}, "reviewers": reviewers}
    assert resolver(config) == "r3"
    assert resolver({**config, "screening": {"decision_rule": "consensus"}}) == "consensus"
    with pytest.raises(
        ConfigError, match=r"screening\.decision_rule third_reviewer needs a reviewer"
    ):
        resolver({**config, "reviewers": reviewers[:1]})


def test_a_reason_without_a_resolution_is_an_error_not_dropped(tmp_path: Path) -> None:
    """A reason typed on a conflict left unresolved was read as nothing; it stops the step
    naming the row, as on a screening sheet."""
    rows = sheet_rows(decide(DUAL, rule="third_reviewer").pending, {})
    xlsx = tmp_path / "conflicts.xlsx"
    spec = ConflictSheetSpec("dta", "title_abstract", 1, "r3")
    write_conflict_sheets(xlsx, spec, rows, [("no_alliance", "No alliance")], "human")
    book = openpyxl.load_workbook(xlsx)
    sheet = book["Conflicts"]
    head = [c.value for c in sheet[1]]
    sheet.cell(3, head.index("reason") + 1).value = "no_alliance"
    book.save(tmp_path / "returned.xlsx")
    expected = ExpectedConflicts(
        "dta",
        "title_abstract",
        1,
        {"no_alliance": "No alliance"},
        frozenset(PAIRS),
        frozenset({"r3"}),
    )
    with pytest.raises(
        InputFileError,
        match=r"returned.xlsx, row 3, field 'resolution': reason 'no_alliance' without a "
        r"resolution; expected 'exclude' in resolution \(or clear the reason\)",
    ):
        read_resolution_sheet(tmp_path / "returned.xlsx", expected, "returned.xlsx")


@pytest.mark.parametrize("rows", [(3, 7), (7, 3)])
def test_an_agreed_exclusion_gives_each_reason_once_when_a_vote_gives_several(
    rows: tuple[int, int],
) -> None:
    """r1's two rows of one file exclude S1 (two studies joined after the sheet was written)
    for two reasons, so r1's vote gives both; r2 and r3 each give one of them. Before, the
    final reason joined the three votes' reasons as whole strings:
    'before_2010; before_2010; no_alliance; no_alliance'."""
    r1 = [
        replace(vote("S1", "r1", "exclude", row=row), reason=reason, file="r1.xlsx")
        for row, reason in zip(rows, ("no_alliance", "before_2010"), strict=True)
    ]
    r2 = vote("S1", "r2", "exclude")
    r3 = replace(vote("S1", "r3", "exclude"), reason="before_2010")
    outcome = decide([*r1, r2, r3], rule="consensus")
    [final] = outcome.final
    assert (final.decision, final.how) == ("exclude", "agreement")
    assert final.votes == (
        "r1: exclude (before_2010; no_alliance); r2: exclude (no_alliance); "
        "r3: exclude (before_2010)"
    )
    assert final.reason == "before_2010; no_alliance"


def test_a_resolution_outlasts_a_conflict_on_maybe_amendment() -> None:
    # (review of fe1a916) Round 1 under conflict_on_maybe: true, r1 include and r2 maybe, r3
    # excluded the study. conflict_on_maybe amended to false: the same votes agree. The study
    # was included (r3's exclusion only in outcome.json's resolutions_not_needed) and the report
    # said '1 of the resolved since decided alike by a reviewer's later revision', none made.
    saved = "2025-01-10T12:00:00Z"
    votes = [
        replace(vote("S1", "r1", "include"), recorded_at="2025-01-08T12:00:00Z"),
        replace(vote("S1", "r2", "maybe"), recorded_at="2025-01-09T12:00:00Z"),
    ]
    resolution = replace(resolved("S1", "exclude", "r3"), recorded_at=saved)
    for on_maybe in (True, False):
        outcome = decide(votes, [resolution], rule="third_reviewer", conflict_on_maybe=on_maybe)
        assert by_study(outcome)["S1"] == ("exclude", "third_reviewer")
        counts = outcome.counts()
        assert (counts["conflicts"], counts["conflicts_resolved"]) == (1, 1)
        assert counts["conflicts_decided_alike_since"] == 0
        assert counts["resolutions_not_needed"] == []
    # r2 revises (include, saved after the resolution): the agreement decides, as fe1a916 made it
    revised = [votes[0], replace(votes[1], decision="include", recorded_at="2025-02-01T09:00:00Z")]
    outcome = decide(revised, [resolution], rule="third_reviewer", conflict_on_maybe=False)
    assert by_study(outcome)["S1"] == ("include", "agreement")
    assert outcome.counts()["conflicts_decided_alike_since"] == 1
    # a save time unknown: the agreement decides, as before
    unknown = [votes[0], replace(votes[1], recorded_at="")]
    outcome = decide(unknown, [resolution], rule="third_reviewer", conflict_on_maybe=False)
    assert by_study(outcome)["S1"] == ("include", "agreement")
