"""The conference-paper rule (title, team and year, no journal on either record) on real tuning
records made into conference papers without their proceedings' name."""

from __future__ import annotations

import pandas as pd
import pytest

from livingreview.dedup.engine import judge_pairs
from tests.dedup import benchmark_frame

RULE = "same conference paper title, team and year"


def _as_papers(set_name: str, *ids: str, **fields: str) -> pd.DataFrame:
    frame = benchmark_frame(set_name)
    pair = frame[frame["ID"].isin(ids)].reset_index(drop=True)
    return pair.assign(ENTRYTYPE="inproceedings", journal="", **fields)


@pytest.mark.parametrize(
    ("set_name", "a", "b"),
    [
        # one abstract given at two meetings in 2012 (gold: two records), pages S129 and 39
        ("neuroimaging", "id_0002763", "id_0002800"),
        # a commentary in two issues of volume 155 (831, 832), pages JC6-9 and 08-Aug
        ("respiratory", "id_0001355", "id_0001356"),
    ],
)
def test_start_pages_or_issues_that_differ_keep_two_papers_apart(
    set_name: str, a: str, b: str
) -> None:
    verdict = judge_pairs(_as_papers(set_name, a, b), [(a, b)])[0]
    assert not (verdict.outcome == "duplicate" and verdict.reason == RULE)
    # Without pages, volume and issue nothing places them apart: the rule holds.
    bare = _as_papers(set_name, a, b, pages="", volume="", number="")
    assert judge_pairs(bare, [(a, b)])[0].reason == RULE
