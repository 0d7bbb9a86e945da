"""Agreement between the full-text reviewers, from the sheets they returned (before conflicts
were settled): per pair and round, and over the rounds, beside the title/abstract statistic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from livingreview.fulltext.agreement import SCALES, fulltext_agreement
from livingreview.fulltext.stage import run_fulltext
from livingreview.report import checklist
from livingreview.report.context import collect, read_outputs
from livingreview.report.methods import agreement_sentences
from livingreview.screening.agreement import AGREEMENT_COLUMNS
from tests.form_helpers import fill_form, form_ids, stage_config
from tests.fulltext.test_fulltext import ID, TITLE, give, out, sheet, table, typed


@pytest.fixture
def config(tmp_path: Path, demo_outputs: Path) -> dict[str, Any]:
    config = stage_config(tmp_path, demo_outputs)
    run_fulltext(config)
    return config


def two_sheets(config: dict[str, Any]) -> list[str]:
    """r1 and r2 return their sheets: both could not retrieve the first report; r2 excludes the
    fifth for another reason than r1 and the sixth, which r1 includes."""
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    r1 = typed(ids)
    r2 = {rid: dict(cells) for rid, cells in r1.items()}
    r2[ids[4]] = {"decision": "exclude", "reason": "no_alliance_outcome"}
    r2[ids[5]] = {"decision": "exclude", "reason": "publication_type"}
    give(config, "r1", r1, "r1_done.xlsx")
    give(config, "r2", r2, "r2_done.xlsx")
    return ids


def test_full_text_agreement_is_computed_from_the_returned_sheets(
    config: dict[str, Any],
) -> None:
    # Before: only screening/agreement.csv (title/abstract) existed; nothing said how often the
    # full-text reviewers agreed.
    ids = two_sheets(config)
    run_fulltext(config)
    rows = table(out(config, "agreement_csv"))
    assert list(rows[0]) == list(AGREEMENT_COLUMNS)
    by_scale = {row["scale"]: row for row in rows}
    assert [r["scale"] for r in rows] == ["include/exclude", "exclusion reason"]
    decision = by_scale["include/exclude"]
    # 11 reports both assessed (the first was not retrieved): 6 include/include, 4 exclude/
    # exclude, 1 include/exclude; kappa = (110/121 - 62/121) / (59/121) = 48/59
    assert (decision["stage"], decision["round"], decision["n"]) == ("full_text", "1", "11")
    assert (decision["reviewer_a"], decision["reviewer_b"]) == ("r1", "r2")
    assert decision["percent_agreement"] == "90.9091"
    assert decision["kappa"] == f"{48 / 59:.4f}"
    assert decision["table"] == "include: 6 1 | exclude: 0 4"
    reason = by_scale["exclusion reason"]
    assert reason["n"] == "11" and reason["percent_agreement"] == "81.8182"
    assert reason["table"].startswith("include: 6 0 0 0 0 1 0 0 | no_alliance_outcome: 0 0 0")
    assert "| not_mental_health: 0 1 3 0 0 0 0 0 |" in reason["table"]
    stored = json.loads(out(config, "agreement_json").read_text())
    assert stored["mode"] == "dual" and stored["pairs"][0]["include_exclude"]["n"] == 11
    # Settling the two conflicts changes the decisions, not what the reviewers returned.
    resolutions = {
        ids[4]: {"resolution": "exclude", "reason": "not_mental_health"},
        ids[5]: {"resolution": "include"},
    }
    target = Path(config["paths"]["human_input"]) / "full_text/conflicts/r3.xlsx"
    fill_form(out(config, "conflicts_xlsx"), "Conflicts", "study_id", resolutions, target)
    before = out(config, "agreement_csv").read_bytes()
    assert run_fulltext(config)["conflicts_pending"] == 0
    assert out(config, "agreement_csv").read_bytes() == before


def test_the_report_methods_and_checklist_give_the_full_text_agreement(
    config: dict[str, Any],
) -> None:
    two_sheets(config)
    run_fulltext(config)
    outputs = Path(config["paths"]["outputs"])
    read = read_outputs(outputs)
    assert [r["scale"] for r in read["fulltext_agreement"]] == list(SCALES)
    sentences = agreement_sentences(None, read["fulltext_agreement"])
    assert sentences == [
        "Agreement between reviewers was measured per pair of reviewers as percent agreement "
        "and Cohen's kappa (95% CI); at full text (include or exclude): r1 and r2, 10 of 11 "
        f"reports (90.9%, kappa {48 / 59:.2f}, 95% CI "
        f"{float(read['fulltext_agreement'][0]['kappa_ci95_low']):.2f} to 1.00)."
    ]
    assert sentences[0] in collect(config, outputs, read=read)["methods"]
    read["screening_outcome"] = {"decision_rule": config["screening"]["decision_rule"]}
    read["screening_status"] = {}
    facts = checklist.Facts(config, read, outputs, frozenset())
    item_8 = checklist._selection(facts).what  # PRISMA 2020 item 8, selection process
    assert f"; full-text agreement r1/r2 90.9% of 11 reports (kappa {48 / 59:.2f})" in item_8


def test_a_pair_gets_each_round_and_the_rounds_together() -> None:
    sought = {"S1": 1, "S2": 1, "S3": 2, "S4": 2}
    rows = {
        ("r1", "S1"): {"decision": "include"},
        ("r2", "S1"): {"decision": "include"},
        ("r1", "S2"): {"decision": "exclude", "reason": "publication_type"},
        ("r2", "S2"): {"decision": "exclude", "reason": "publication_type"},
        ("r1", "S3"): {"decision": "include"},
        ("r2", "S3"): {"decision": "exclude", "reason": "before_2010"},
        ("r1", "S4"): {"retrieval": "not_retrieved"},
        ("r2", "S4"): {"decision": "include"},
        ("r1", "S5"): {"decision": "include"},  # no longer sought
        ("r2", "S5"): {"decision": "exclude", "reason": "before_2010"},
    }
    results = fulltext_agreement(sought, rows, ["publication_type", "before_2010"])
    assert [(r.round, r.decision.n) for r in results] == [(1, 2), (2, 1), ("all", 3)]
    assert results[2].decision.table == ((1, 1), (0, 1))
    assert results[2].reason.categories == ("include", "publication_type", "before_2010")
    assert results[0].decision.kappa == 1.0 and results[1].decision.observed == 0.0
