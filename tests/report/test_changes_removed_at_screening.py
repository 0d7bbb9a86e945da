"""A study included before that is no longer sought at full text because its title/abstract
decision changed: the changelog says whether it was excluded on re-screening (with the reason's
label) or is awaiting a decision, instead of one phrase for both."""

from __future__ import annotations

from typing import Any

from livingreview.config import load_config
from livingreview.report.changes import (
    Facts,
    State,
    _screening_decisions,
    compare,
    read_facts,
)
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


def test_a_retraction_two_sources_report_is_one_flag() -> None:
    # a PubMed publication type and a Crossref update notice for one retraction
    pubmed = (KEPT, "medline:1", "retracted", "PubMed publication type Retracted Publication")
    crossref = (KEPT, "openalex:W1", "retracted", "Crossref update: retraction")
    before = State(included={KEPT: {"label": KEPT, "reports": KEPT}})
    now = State(included=before.included, flags={pubmed, crossref})
    rows = compare(before, now, Facts("2025.2", 1, {}, [], {}))
    assert [(r["change"], r["item"]) for r in rows] == [("flagged", "retracted")]
    assert rows[0]["detail"] == (
        "PubMed publication type Retracted Publication (medline:1); "
        "Crossref update: retraction (openalex:W1)"
    )
    # a second correction found in a later version is a change of that version
    later = State(included=before.included, flags={pubmed, (*crossref[:2], "corrected", "x")})
    assert [r["item"] for r in compare(now, later, Facts("2025.3", 2, {}, [], {}))] == ["corrected"]


def test_a_study_automation_now_excludes_is_not_said_to_await_a_decision() -> None:
    # the protocol's automation rules changed (or a record joined the study): automation lists
    # it, its title/abstract votes are no longer used (screening.outcome.not_screened), so it
    # has no final decision, and nobody is asked to decide it
    config = load_config(DEMO_CONFIG)
    read: dict[str, Any] = {
        "automation_exclusions": [
            {"study_id": EXCLUDED, "rule": "year", "detail": "published 2009, before 2010"}
        ],
        "screening_final": [],
    }
    before = State(included={EXCLUDED: {"label": EXCLUDED, "reports": EXCLUDED}})
    facts = read_facts(config, read)
    [row] = compare(before, State(), facts)
    assert (row["change"], row["detail"]) == (
        "study_removed",
        "excluded before screening by automation: published 2009, before 2010",
    )


def test_a_study_excluded_for_two_reasons_names_both_by_label() -> None:
    # a final decision joins the reasons of votes that differ ('before_2010; no_alliance'):
    # before, no label matched the joined ids, so the changelog gave the ids
    config = load_config(DEMO_CONFIG)
    reasons = config["exclusion_reasons"]["title_abstract"][:2]
    final = [
        {
            "study_id": EXCLUDED,
            "round": "1",
            "decision": "exclude",
            "reason": "; ".join(sorted(r["id"] for r in reasons)) + "; retired_reason",
        }
    ]
    before = State(included={EXCLUDED: {"label": EXCLUDED, "reports": EXCLUDED}})
    facts = Facts("2025.2", 1, {}, [], {}, screening=_screening_decisions(config, final))
    [row] = compare(before, State(), facts)
    labels = [r["label"] for r in sorted(reasons, key=lambda r: r["id"])]
    assert row["detail"] == (
        f"excluded at title/abstract on re-screening: {'; '.join(labels)}; retired_reason"
    )
