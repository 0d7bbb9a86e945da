"""The order of the screening sheets: one score computation per set of training labels."""

from __future__ import annotations

import pytest

from livingreview.screening.decisions import ScreeningDecision
from livingreview.screening.priority import Scorer
from livingreview.screening.ranking import Ranker
from livingreview.screening.simulate import read_labelled_csv
from tests.conftest import require_shared

NSAIDS = "bench/screening/Cohen_2006_NSAIDS.csv"


@pytest.fixture(scope="module")
def studies() -> list[dict[str, str]]:
    documents = read_labelled_csv(require_shared(NSAIDS)).documents
    return [{"study_id": f"s{i:03d}", "title": d, "abstract": ""} for i, d in enumerate(documents)]


def decided(study_id: str, decision: str, row: int) -> ScreeningDecision:
    return ScreeningDecision(
        study_id, "r1", "title_abstract", 1, decision, "", "", "sheet.xlsx", row, ""
    )


def test_reviewers_who_decided_alike_share_one_computation(studies, monkeypatch) -> None:
    calls = []
    computed = Ranker.scores

    def counted(self: Ranker, labels: dict[int, bool]) -> object:
        calls.append(dict(labels))
        return computed(self, labels)

    monkeypatch.setattr(Ranker, "scores", counted)
    scorer = Scorer(studies, "nonsteroidal anti-inflammatory drugs", seeds={"s005"})
    first, again = scorer.scores({}), scorer.scores({})
    assert first == again and len(calls) == 1
    again["s000"] = 99.0  # a caller changing its copy changes nobody else's
    assert scorer.scores({})["s000"] == first["s000"]
    both = {"s001": decided("s001", "exclude", 2), "s002": decided("s002", "include", 3)}
    learned = scorer.scores(both)
    assert len(calls) == 2 and calls[1] == {5: True, 1: False, 2: True}
    assert learned != first
    # the same decisions returned in another order train in another order: computed anew
    swapped = {"s001": decided("s001", "exclude", 3), "s002": decided("s002", "include", 2)}
    scorer.scores(swapped)
    assert len(calls) == 3 and list(calls[2]) == [5, 2, 1]
    assert scorer.scores(both) == learned and len(calls) == 3
    fresh = Scorer(studies, "nonsteroidal anti-inflammatory drugs", seeds={"s005"})
    assert fresh.scores(both) == learned
