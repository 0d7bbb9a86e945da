"""A study included before that is no longer sought at full text because its title/abstract
decision changed: the changelog says whether it was excluded on re-screening (with the reason's
label) or is awaiting a decision, instead of one phrase for both."""

from __future__ import annotations

from livingreview.config import load_config
from livingreview.report.changes import Facts, State, _screening_decisions, compare
from tests.report.test_report import DEMO_CONFIG

EXCLUDED, REOPENED, KEPT = "S0000000001", "S0000000002", "S0000000003"


def test_a_study_removed_at_title_abstract_says_why() -> None:
    config = load_config(DEMO_CONFIG)
    reason = config["exclusion_reasons"]["title_abstract"][0]
    final = [
        {"study_id": EXCLUDED, "round": "1", "decision": "exclude", "reason": reason["id"]},
        {"study_id": KEPT, "round": "1", "decision": "include", "reason": ""},
    ]
    before = State(included={s: {"label": s, "reports": s} for s in (EXCLUDED, REOPENED, KEPT)})
    now = State(included={KEPT: {"label": KEPT, "reports": KEPT}})
    facts = Facts("2025.2", 1, {}, [], {}, screening=_screening_decisions(config, final))
    detail = {r["study_id"]: r["detail"] for r in compare(before, now, facts)}
    assert detail == {
        EXCLUDED: f"excluded at title/abstract on re-screening: {reason['label']}",
        REOPENED: "title/abstract decision reopened (a sheet returned again): awaiting a decision",
    }
