"""Agreement statistics: published worked examples, scikit-learn on real labels, edge cases."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from livingreview.screening.agreement import (
    ALL_ROUNDS,
    COLLAPSED,
    THREE_WAY,
    agreement,
    kappa_from_pairs,
    kappa_from_table,
    write_agreement,
)
from livingreview.screening.decisions import ScreeningDecision
from tests.conftest import require_shared


def sklearn_kappa(a: list[str], b: list[str]) -> float:
    """scikit-learn's Cohen's kappa (the test skips when scikit-learn is not installed)."""
    metrics = pytest.importorskip("sklearn.metrics")
    return float(metrics.cohen_kappa_score(a, b))


def decision(
    study: str, reviewer: str, value: str, round_: int = 1, row: int = 2, file: str = ""
) -> ScreeningDecision:
    return ScreeningDecision(
        study,
        reviewer,
        "title_abstract",
        round_,
        value,
        "",
        "",
        file or f"{reviewer}.xlsx",
        row,
        "",
    )


def test_sas_skin_condition_example_kappa_ase_and_confidence_limits() -> None:
    # SAS/STAT PROC FREQ "Getting Started: Agreement Study" (two dermatologists, 88 patients):
    # simple kappa 0.3449, ASE 0.0724, 95% confidence limits 0.2030 to 0.4868.
    table = [[10, 4, 1, 0], [5, 10, 12, 2], [2, 4, 12, 5], [0, 2, 6, 13]]
    stats = kappa_from_table(table, ("terrible", "poor", "marginal", "clear"))
    assert stats.n == 88
    assert stats.kappa == pytest.approx(0.3449, abs=5e-5)
    assert stats.se == pytest.approx(0.0724, abs=5e-5)
    assert stats.ci_low == pytest.approx(0.2030, abs=5e-5)
    assert stats.ci_high == pytest.approx(0.4868, abs=5e-5)


def test_wikipedia_grant_proposal_example() -> None:
    # 50 proposals: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 -> p_o 0.7, p_e 0.5, 0.4.
    stats = kappa_from_table([[20, 5], [10, 15]], ("yes", "no"))
    assert stats.percent_agreement == pytest.approx(70.0)
    assert stats.expected == pytest.approx(0.5)
    assert stats.kappa == pytest.approx(0.4)
    assert stats.pabak == pytest.approx(0.4)  # 2 * 0.7 - 1


@pytest.mark.parametrize(
    ("table", "kappa"), [([[45, 15], [25, 15]], 0.1304), ([[25, 35], [5, 35]], 0.2593)]
)
def test_same_agreement_different_kappa_but_same_pabak(
    table: list[list[int]], kappa: float
) -> None:
    # The prevalence/bias "paradox" tables: 60% agreement in both, kappa 0.1304 and 0.2593.
    stats = kappa_from_table(table, ("yes", "no"))
    assert stats.percent_agreement == pytest.approx(60.0)
    assert stats.kappa == pytest.approx(kappa, abs=5e-5)
    assert stats.pabak == pytest.approx(0.2)


def test_kappa_matches_scikit_learn_on_real_two_stage_labels() -> None:
    # Cohen 2006 ACE inhibitors: title/abstract decision vs full-text decision of 2,544 records.
    path = require_shared("bench/screening/Cohen_2006_ACEInhibitors.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    a = ["include" if r["label_abstract_screening"] == "1" else "exclude" for r in rows]
    b = ["include" if r["label_included"] == "1" else "exclude" for r in rows]
    stats = kappa_from_pairs(zip(a, b, strict=True), COLLAPSED)
    assert stats.n == len(rows) > 2000
    assert 0 < stats.kappa < 1
    assert stats.kappa == pytest.approx(sklearn_kappa(a, b), abs=1e-12)


def test_three_way_kappa_matches_scikit_learn_with_maybe() -> None:
    rng = random.Random(7)
    a = [rng.choice(THREE_WAY) for _ in range(300)]
    b = [x if rng.random() < 0.7 else rng.choice(THREE_WAY) for x in a]
    stats = kappa_from_pairs(zip(a, b, strict=True), THREE_WAY)
    assert stats.kappa == pytest.approx(sklearn_kappa(a, b), abs=1e-12)
    assert stats.pabak == pytest.approx((3 * stats.observed - 1) / 2)
    assert stats.ci_low < stats.kappa < stats.ci_high


def test_every_study_in_one_category_leaves_kappa_undefined_not_a_division_by_zero() -> None:
    stats = kappa_from_pairs([("exclude", "exclude")] * 12, COLLAPSED)
    assert stats.kappa is None and stats.se is None and stats.ci_low is None
    assert "undefined" in stats.note
    assert stats.percent_agreement == 100.0 and stats.pabak == 1.0
    assert stats.as_dict()["kappa"] is None


def test_perfect_agreement_on_two_categories_is_kappa_one_with_zero_width_interval() -> None:
    stats = kappa_from_pairs([("include", "include"), ("exclude", "exclude")] * 5, COLLAPSED)
    assert (stats.kappa, stats.se, stats.ci_low, stats.ci_high) == (1.0, 0.0, 1.0, 1.0)


def test_no_common_study_gives_empty_statistics() -> None:
    stats = kappa_from_pairs([], COLLAPSED)
    assert stats.n == 0 and stats.kappa is None and stats.percent_agreement is None
    assert stats.note == "no study rated by both"


def test_unknown_rating_is_rejected() -> None:
    with pytest.raises(ValueError, match="'yes' is not one of include, exclude"):
        kappa_from_pairs([("yes", "include")], COLLAPSED)


def test_agreement_per_pair_and_round_uses_latest_decisions_and_collapses_maybe() -> None:
    decisions = [
        decision("S1", "r1", "include"),
        decision("S1", "r2", "maybe"),
        decision("S2", "r1", "exclude"),
        decision("S2", "r2", "exclude"),
        decision("S3", "r1", "exclude"),
        decision("S3", "r2", "include"),
        decision("S3", "r2", "exclude", row=9, file="r2_b.xlsx"),  # a newer sheet wins
        decision("S4", "r1", "maybe"),  # r2 has not decided S4: not counted
        decision("S5", "r1", "include", round_=2),
        decision("S5", "r2", "exclude", round_=2),
        decision("S5", "r3", "exclude", round_=2),
    ]
    results = {(r.round, r.reviewer_a, r.reviewer_b): r for r in agreement(decisions)}
    assert sorted(results, key=str) == sorted(
        [
            (1, "r1", "r2"),
            (2, "r1", "r2"),
            (2, "r1", "r3"),
            (2, "r2", "r3"),
            (ALL_ROUNDS, "r1", "r2"),
        ],
        key=str,
    )
    first = results[(1, "r1", "r2")]
    assert first.three_way.n == 3
    # rows r1, columns r2 over include/exclude/maybe: S1 include/maybe, S2 and S3 exclude/exclude
    assert first.three_way.table == ((0, 0, 1), (0, 2, 0), (0, 0, 0))
    assert first.collapsed.table == ((1, 0), (0, 2))
    assert first.three_way.percent_agreement == pytest.approx(200 / 3)
    assert first.collapsed.kappa == pytest.approx(1.0)
    pooled = results[(ALL_ROUNDS, "r1", "r2")]
    assert pooled.collapsed.table == ((1, 1), (0, 2))
    assert results[(2, "r2", "r3")].collapsed.kappa is None  # both only "exclude"


def test_a_study_one_reviewer_decided_on_a_later_sheet_is_paired_in_that_round() -> None:
    decisions = [
        decision("S1", "r1", "include"),
        decision("S1", "r2", "include"),
        decision("S2", "r1", "exclude"),  # r2 decided S2 on its round-2 sheet
        decision("S2", "r2", "include", round_=2),
        decision("S3", "r1", "exclude", round_=2),
        decision("S3", "r2", "exclude", round_=2),
    ]
    results = {(r.round, r.reviewer_a, r.reviewer_b): r for r in agreement(decisions)}
    assert results[(1, "r1", "r2")].collapsed.n == 1
    assert results[(2, "r1", "r2")].collapsed.table == ((0, 0), (1, 1))
    assert results[(ALL_ROUNDS, "r1", "r2")].collapsed.n == 3


def test_written_agreement_is_deterministic(tmp_path: Path) -> None:
    decisions = [
        decision(f"S{i}", r, ("include", "exclude")[(i * (r == "r2") + i) % 2])
        for i in range(8)
        for r in ("r1", "r2")
    ]
    paths = []
    for name in ("a", "b"):
        csv_path, json_path = tmp_path / f"{name}.csv", tmp_path / f"{name}.json"
        write_agreement(csv_path, json_path, agreement(reversed(decisions)), {"review_id": "x"})
        paths.append((csv_path.read_bytes(), json_path.read_bytes()))
    assert paths[0] == paths[1]
    rows = list(csv.DictReader(paths[0][0].decode().splitlines()))
    assert [r["scale"] for r in rows] == ["include/exclude/maybe", "maybe=include"]
    assert rows[1]["n"] == "8" and rows[1]["table"].startswith("include: ")
    data = json.loads(paths[0][1])
    assert data["review_id"] == "x" and data["pairs"][0]["maybe_as_include"]["n"] == 8
